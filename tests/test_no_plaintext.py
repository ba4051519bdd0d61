"""No record's plaintext in any file of the vault directory: searched in the raw bytes."""

from __future__ import annotations

from pathlib import Path

from shelterdesk.domain.roles import Role
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE

MARKERS = ["Məmmədova", "Гусейнова", "zxqmarkerusername", "Gizli Sığınacaq Ünvanı 77"]


def raw_files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


def assert_no_markers(directory: Path) -> None:
    files = raw_files(directory)
    assert files, "the vault directory is empty"
    for name, data in files.items():
        for marker in MARKERS:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                needle = marker.encode(encoding)
                assert needle not in data, f"{marker!r} ({encoding}) found in {name}"
            assert marker.lower().encode() not in data.lower()


def test_strings_written_never_appear_in_raw_bytes(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, org_name=MARKERS[3])
    session = vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    users.add_user(session, MARKERS[2], [Role.CASE_WORKER], "worker passphrase",
                   display_name=f"{MARKERS[0]} {MARKERS[1]}")
    for index in range(200):
        with session.lock:
            session.connection.execute(
                "INSERT INTO settings (user_id, key, value) VALUES ('', ?, ?)",
                (f"k{index}", f"{MARKERS[0]} {MARKERS[1]} {index}"))
    # While open: the WAL and shared-memory files hold the recent pages.
    names = {p.name for p in vault.directory.iterdir()}
    assert "vault.db-wal" in names
    assert_no_markers(vault.directory)
    session.close()
    assert_no_markers(vault.directory)
