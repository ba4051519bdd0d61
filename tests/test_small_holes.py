"""Smaller holes of issue 18, item 7: a backup of another vault does not replace this one
on ``--force`` alone, and every file the program writes is owner-only (0600)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from shelterdesk.store import audit
from shelterdesk.store.backups.create import create_backup
from shelterdesk.store.backups.errors import RestoreOtherVault
from shelterdesk.store.backups.restore import restore_backup
from shelterdesk.store.vault import Vault
from shelterdesk.sync.relay.sqlite_store import SqliteStore
from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE

PASS = "a long enough passphrase"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_force_alone_does_not_let_another_vaults_backup_replace_this_one(
        vault: Vault, tmp_path: Path) -> None:
    other = Vault(tmp_path / "other")
    other.create(ADMIN, ADMIN_PASSPHRASE, org_name="another NGO")
    with other.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        foreign = create_backup(session, tmp_path / "other.sdbackup").path
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        own = create_backup(session, tmp_path / "own.sdbackup").path
    before = {p.name: p.read_bytes() for p in vault.directory.iterdir()}
    with pytest.raises(RestoreOtherVault) as refused:
        restore_backup(foreign, vault.directory, force=True, username=ADMIN,
                       passphrase=ADMIN_PASSPHRASE)
    assert "another vault" in refused.value.user_message()
    assert {p.name: p.read_bytes() for p in vault.directory.iterdir()} == before
    # One's own backup needs --force only; another vault's needs the second confirmation.
    restore_backup(own, vault.directory, force=True, username=ADMIN, passphrase=ADMIN_PASSPHRASE)
    report = restore_backup(foreign, vault.directory, force=True, username=ADMIN,
                            passphrase=ADMIN_PASSPHRASE, replace_another_vault=True)
    assert report.safety_copy is not None
    with Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert not session.failed_unlock_trace_removed  # a restore is no tampering
        assert session.meta("org_name") == "another NGO"
        restored = [e for e in audit.recent(session.connection, 5) if e.action == "backup.restore"]
        assert restored[0].detail["other_vault"] is True


def test_the_command_line_refuses_another_vault_and_names_the_flag(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for directory in (a, b):
        assert run_cli("init", "--data-dir", str(directory), "--admin", "aysel",
                       passphrase=PASS).returncode == 0
    backup = tmp_path / "b.sdbackup"
    assert run_cli("backup", "create", "--output", str(backup), "--data-dir", str(b),
                   "--user", "aysel", passphrase=PASS).returncode == 0
    refused = run_cli("backup", "restore", str(backup), "--data-dir", str(a), "--force",
                      "--user", "aysel", passphrase=PASS)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "--replace-with-another-vault" in refused.stderr
    done = run_cli("backup", "restore", str(backup), "--data-dir", str(a), "--force",
                   "--replace-with-another-vault", "--user", "aysel", passphrase=PASS)
    assert done.returncode == 0, done.stderr


def test_every_file_the_program_writes_is_owner_only(tmp_path: Path) -> None:
    """Run as a person would, with a permissive umask: QR code, exports, backup."""
    os.umask(0o022)
    data, folder, out = tmp_path / "vault", tmp_path / "shared", tmp_path / "out"
    folder.mkdir()
    out.mkdir(mode=0o755)

    def ok(*args: str) -> None:
        result = run_cli(*args, "--data-dir", str(data), "--user", "aysel", passphrase=PASS)
        assert result.returncode == 0, result.stderr

    assert run_cli("init", "--data-dir", str(data), "--admin", "aysel",
                   passphrase=PASS).returncode == 0
    ok("demo-data", "--clients", "12")
    written = {
        "qr": out / "invite.png", "audit.csv": out / "audit.csv", "audit.pdf": out / "audit.pdf",
        "stats.csv": out / "stats.csv", "stats.pdf": out / "stats.pdf",
        "backup": out / "vault.sdbackup",
    }
    ok("device", "invite", "--folder", str(folder), "--qr", str(written["qr"]), "--json")
    ok("audit", "export", "--format", "csv", "--output", str(written["audit.csv"]))
    ok("audit", "export", "--format", "pdf", "--output", str(written["audit.pdf"]))
    for fmt in ("csv", "pdf"):
        ok("stats", "--from", "2026-01-01", "--to", "2027-01-01", "--format", fmt,
           "--output", str(written[f"stats.{fmt}"]))
    ok("backup", "create", "--output", str(written["backup"]))
    modes = {name: oct(_mode(path)) for name, path in written.items() if path.exists()}
    assert set(modes) >= {"qr", "audit.csv", "audit.pdf", "backup"}, modes
    assert set(modes.values()) == {oct(0o600)}, modes
    # A QR file that was already there (wider) is narrowed, not left readable by others.
    written["qr"].chmod(0o644)
    ok("device", "invite", "--folder", str(folder), "--qr", str(written["qr"]), "--json")
    assert _mode(written["qr"]) == 0o600
    assert json.loads(run_cli("device", "list", "--data-dir", str(data), "--user", "aysel",
                              "--json", passphrase=PASS).stdout) is not None


def test_the_relays_sqlite_database_is_owner_only(tmp_path: Path) -> None:
    os.umask(0o022)
    path = tmp_path / "relay" / "relay.db"
    store = SqliteStore(str(path))
    try:
        assert _mode(path) == 0o600
        for suffix in ("-wal", "-shm"):
            side = Path(str(path) + suffix)
            if side.exists():
                assert _mode(side) == 0o600
    finally:
        close = getattr(store, "close", None)
        if close:
            close()
