"""Test helpers for backups and crash safety: the raw vault key, table dumps, fresh checks."""

from __future__ import annotations

from pathlib import Path

from shelterdesk.store.connection import Connection, open_database
from shelterdesk.store.keys.keyslots import SlotFile
from tests.conftest import ADMIN, ADMIN_PASSPHRASE


def vault_key(directory: Path, user: str = ADMIN,
              passphrase: str = ADMIN_PASSPHRASE) -> bytearray | None:
    """The vault key unwrapped from a key-slot file, touching nothing else (None if wrong)."""
    slots = SlotFile.load(directory / "keyslots.bin")
    slot = slots.find(slots.slot_id_for(user))
    assert slot is not None
    return slots.unwrap_user(slot, passphrase)


def dump(connection: Connection) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    names = [r[0] for r in connection.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")]
    return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names}


def dump_file(database: Path, key: bytes | bytearray) -> dict[str, list[tuple]]:
    connection = open_database(database, key)
    try:
        return dump(connection)
    finally:
        connection.close()


def fresh_checks(database: Path, key: bytes | bytearray) -> None:
    """cipher_integrity_check and integrity_check, each on a connection of its own."""
    connection = open_database(database, key)
    try:
        assert connection.execute("PRAGMA cipher_integrity_check").fetchall() == []
    finally:
        connection.close()
    connection = open_database(database, key)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()
