"""An everyday unlock skips the full page check only for a file left exactly as we closed it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from shelterdesk.store import vault as vault_module
from shelterdesk.store.errors import DatabaseDamaged
from shelterdesk.store.keys import integrity_stamp
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every full check the unlock runs (the real one, counted)."""
    calls: list[Path] = []
    real = vault_module.check_integrity

    def counted(path: Path, key) -> None:
        calls.append(path)
        real(path, key)

    monkeypatch.setattr(vault_module, "check_integrity", counted)
    return calls


def _closed_once(vault: Vault) -> Path:
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()
    return vault.database_path.with_name(integrity_stamp.STAMP_NAME)


def test_a_file_left_as_we_closed_it_is_not_checked_again_today(
        vault: Vault, full_checks: list[Path]) -> None:
    stamp = _closed_once(vault)
    assert stamp.is_file() and len(full_checks) == 1
    assert stamp.stat().st_mode & 0o077 == 0
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()
    assert len(full_checks) == 1


def test_the_stamp_holds_numbers_only(vault: Vault) -> None:
    stamp = json.loads(_closed_once(vault).read_text("ascii"))
    content = json.loads(stamp["payload"])
    assert set(content) == {"state", "checked_at"}
    assert all(isinstance(value, int) for value in content["state"])
    assert int(stamp["mac"], 16)


def test_a_byte_changed_after_the_close_is_found_at_unlock(vault: Vault) -> None:
    _closed_once(vault)
    raw = bytearray(vault.database_path.read_bytes())
    raw[4096 + 200] ^= 0xFF
    vault.database_path.write_bytes(bytes(raw))
    with pytest.raises(DatabaseDamaged):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)


def test_putting_the_modification_time_back_does_not_hide_a_change(
        vault: Vault, full_checks: list[Path]) -> None:
    _closed_once(vault)
    full_checks.clear()
    before = vault.database_path.stat()
    raw = bytearray(vault.database_path.read_bytes())
    raw[4096 + 300] ^= 0xFF
    with open(vault.database_path, "r+b") as handle:  # same inode, same size
        handle.write(bytes(raw))
    os.utime(vault.database_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert vault.database_path.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(DatabaseDamaged):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    assert len(full_checks) == 1  # found by the full check, not by chance on a later read


def test_a_forged_or_foreign_stamp_is_not_believed(
        vault: Vault, tmp_path: Path, full_checks: list[Path]) -> None:
    stamp = _closed_once(vault)
    other = Vault(tmp_path / "other")
    other.create(ADMIN, ADMIN_PASSPHRASE, prefix="OT")
    other_stamp = _closed_once(other)
    # A stamp describing our file, but under another vault's key: as a person would forge it.
    content = json.loads(json.loads(stamp.read_text("ascii"))["payload"])
    forged = json.loads(other_stamp.read_text("ascii"))
    forged["payload"] = json.dumps(content, sort_keys=True)
    stamp.write_text(json.dumps(forged), "ascii")
    full_checks.clear()
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()
    assert len(full_checks) == 1


def test_a_day_after_the_last_full_check_the_file_is_checked_again(
        vault: Vault, full_checks: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _closed_once(vault)
    later = time.time() + 25 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    full_checks.clear()
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()
    assert len(full_checks) == 1


def test_a_file_written_since_the_stamp_is_checked_in_full(
        vault: Vault, full_checks: list[Path]) -> None:
    _closed_once(vault)
    full_checks.clear()
    window = vault.unlock(ADMIN, ADMIN_PASSPHRASE)  # writes its audit row: file changed
    assert full_checks == []
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()  # e.g. the command line meanwhile
    assert len(full_checks) == 1
    window.close()
