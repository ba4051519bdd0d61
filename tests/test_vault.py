"""Creating and unlocking vaults: every failure is distinct, clear and changes nothing."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from shelterdesk.store import audit
from shelterdesk.store.errors import (
    DatabaseDamaged,
    NotAVault,
    PlainDatabaseRefused,
    TooManyAttempts,
    UnknownUser,
    VaultAlreadyExists,
    VaultTooNew,
    WrongPassphrase,
    WrongRecoveryKey,
)
from shelterdesk.store.keys import failed_unlocks
from shelterdesk.store.migrate import Migration, bundled_migrations
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.iterdir()}


def test_create_then_unlock(vault: Vault) -> None:
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert session.user.username == ADMIN
        assert session.meta("case_prefix") == "TU"
        assert session.meta("org_name") == "Təmiz Ürək NGO"


def test_user_names_are_case_insensitive(vault: Vault) -> None:
    vault.unlock(ADMIN.upper(), ADMIN_PASSPHRASE).close()


def test_create_refuses_an_existing_vault(vault: Vault) -> None:
    with pytest.raises(VaultAlreadyExists):
        Vault(vault.directory).create("other", "another passphrase")


def test_wrong_passphrase_changes_nothing_on_disk(vault: Vault) -> None:
    """Nothing but the failed-unlock count (store/keys/failed_unlocks.py) and its lock."""
    counted = {failed_unlocks.FILE_NAME, failed_unlocks.LOCK_NAME}
    before = snapshot(vault.directory)
    with pytest.raises(WrongPassphrase):
        vault.unlock(ADMIN, "not the passphrase")
    after = snapshot(vault.directory)
    assert {k: v for k, v in after.items() if k not in counted} == {
        k: v for k, v in before.items() if k not in counted}
    assert failed_unlocks.FILE_NAME in after


def test_unknown_user(vault: Vault) -> None:
    with pytest.raises(UnknownUser):
        vault.unlock("nobody", ADMIN_PASSPHRASE)


def test_directory_that_is_not_a_vault(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(NotAVault):
        Vault(tmp_path).unlock(ADMIN, ADMIN_PASSPHRASE)


def test_plain_sqlite_swapped_in_is_refused(vault: Vault) -> None:
    vault.database_path.unlink()
    plain = sqlite3.connect(vault.database_path)
    plain.execute("CREATE TABLE users (id TEXT)")
    plain.commit()
    plain.close()
    before = vault.database_path.read_bytes()
    with pytest.raises(PlainDatabaseRefused):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    assert vault.database_path.read_bytes() == before


@pytest.mark.parametrize("where", ["page1", "page2", "truncate", "empty", "random"])
def test_damaged_database_is_told_apart_from_a_wrong_passphrase(vault: Vault, where: str) -> None:
    raw = bytearray(vault.database_path.read_bytes())
    if where == "page1":
        raw[100] ^= 0xFF
    elif where == "page2":
        raw[4096 + 200] ^= 0xFF
    elif where == "truncate":
        raw = raw[: len(raw) // 2 + 17]
    elif where == "empty":
        raw = bytearray()
    else:
        import os

        raw = bytearray(os.urandom(len(raw)))
    vault.database_path.write_bytes(bytes(raw))
    with pytest.raises(DatabaseDamaged) as info:
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    assert "damaged" in info.value.user_message()
    assert vault.database_path.read_bytes() == bytes(raw)


def test_vault_from_a_newer_version_is_refused_untouched(vault: Vault) -> None:
    known = bundled_migrations()
    future = known + [Migration(len(known) + 1, "future.sql", "CREATE TABLE f (x);")]
    Vault(vault.directory, future).unlock(ADMIN, ADMIN_PASSPHRASE).close()
    before = vault.database_path.read_bytes()
    with pytest.raises(VaultTooNew) as info:
        Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE)
    assert "newer version" in info.value.user_message()
    assert vault.database_path.read_bytes() == before


def test_an_older_vault_is_upgraded_on_open(tmp_path: Path) -> None:
    older = Vault(tmp_path / "v", bundled_migrations()[:1])
    older.create(ADMIN, ADMIN_PASSPHRASE)
    with Vault(tmp_path / "v").unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        versions = [r[0] for r in session.connection.execute(
            "SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == [m.version for m in bundled_migrations()]
        session.connection.execute("SELECT count(*) FROM drafts").fetchone()


def test_a_failing_migration_is_rolled_back_whole(vault: Vault) -> None:
    from shelterdesk.store.errors import StorageFailed

    broken = bundled_migrations() + [Migration(
        len(bundled_migrations()) + 1, "broken.sql",
        "CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);")]
    with pytest.raises(StorageFailed):
        Vault(vault.directory, broken).unlock(ADMIN, ADMIN_PASSPHRASE)
    with Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert session.connection.execute(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").fetchone()[0] == 0


def test_repeated_failures_add_a_growing_delay(vault: Vault) -> None:
    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            vault.unlock(ADMIN, "wrong passphrase!")
    with pytest.raises(TooManyAttempts) as info:
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    assert info.value.params["seconds"] >= 1
    assert vault.throttle.delay_for(5) > vault.throttle.delay_for(4) > vault.throttle.delay_for(3)
    vault.throttle.not_before = time.monotonic()  # the wait is over, in this process…
    with pytest.raises(TooManyAttempts):  # …but not in the file beside the vault
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    vault.throttle.clock = lambda: time.time() + 3600
    vault.throttle.not_before = time.monotonic()
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        actions = [e.action for e in audit.recent(session.connection)]
    assert actions.count("login.failed") == 3


def test_recovery_key_sets_a_new_passphrase(created_vault) -> None:
    vault, recovery_key = created_vault
    with vault.unlock_with_recovery(recovery_key, ADMIN, "my new long passphrase") as session:
        assert session.user.username == ADMIN
    vault.unlock(ADMIN, "my new long passphrase").close()
    with pytest.raises(WrongPassphrase):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)


def test_a_valid_recovery_key_of_another_vault_is_refused(created_vault, tmp_path) -> None:
    vault, _ = created_vault
    other = Vault(tmp_path / "other").create("someone", "another passphrase")
    with pytest.raises(WrongRecoveryKey):
        vault.unlock_with_recovery(other.recovery_key, ADMIN, "my new long passphrase")


def test_sqlcipher_settings(admin_session) -> None:
    connection = admin_session.connection

    def pragma(name: str):
        return connection.execute(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("foreign_keys") == 1
    assert pragma("secure_delete") == 1
    assert pragma("trusted_schema") == 0
    assert pragma("temp_store") == 2  # MEMORY
    assert str(pragma("cipher_version")).startswith("4.")
    # Off unless SHELTERDESK_MEMORY_SECURITY=on (see connection._process_settings).
    assert str(pragma("cipher_memory_security")) == "0"


def test_memory_security_can_be_switched_on(tmp_path) -> None:
    import os
    import subprocess
    import sys

    script = (
        "from pathlib import Path; import secrets\n"
        "from shelterdesk.store.connection import open_database\n"
        "c = open_database(Path(r'%s'), secrets.token_bytes(32), create=True)\n"
        "print(c.execute('PRAGMA cipher_memory_security').fetchone()[0])\n"
    ) % (tmp_path / "x.db")
    env = {**os.environ, "SHELTERDESK_MEMORY_SECURITY": "on",
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.stdout.strip() == "1", result.stderr


def test_large_vaults_are_checked_in_full_once_a_day(vault: Vault, monkeypatch) -> None:
    from shelterdesk.store import connection as connection_module
    from shelterdesk.store import vault as vault_module

    monkeypatch.setattr(connection_module, "FULL_CHECK_MAX_BYTES", 0)
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()  # never checked: a full check, recorded
    calls = []
    monkeypatch.setattr(vault_module, "check_integrity", lambda *a: calls.append(a))
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()
    assert calls == []  # checked less than a day ago
    monkeypatch.setattr(connection_module, "FULL_CHECK_EVERY_SECONDS", -1)
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()
    assert len(calls) == 1
