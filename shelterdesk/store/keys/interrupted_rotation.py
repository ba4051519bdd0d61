"""A key rotation cut short between its two file moves, settled at the next unlock.

Rotation (store/keys/rotation.py) writes the new slot file as ``keyslots.bin.next``,
rekeys the database, then moves the file into place. A crash in between leaves two
slot files and a database under one of their keys: whichever opens it wins.
"""

from __future__ import annotations

import os
from pathlib import Path

from shelterdesk.store.connection import open_database, wipe
from shelterdesk.store.errors import DatabaseDamaged, SlotFileCorrupted
from shelterdesk.store.keys.keyslots import SlotFile

NEXT_SUFFIX = ".next"


def next_path(slots_path: Path) -> Path:
    return slots_path.with_name(slots_path.name + NEXT_SUFFIX)


def settle_interrupted_rotation(
        slots_path: Path, database_path: Path, slots: SlotFile,
        keys: tuple[bytearray, bytearray | None], name: str,
        passphrase: str) -> tuple[SlotFile, bytearray, bytearray | None]:
    """(slot file, vault key, private key) that open the database, the pending file
    promoted or dropped."""
    vault_key, private_key = keys
    pending = next_path(slots_path)
    if not pending.is_file():
        return slots, vault_key, private_key
    try:
        open_database(database_path, vault_key).close()
        pending.unlink(missing_ok=True)  # the rekey never happened
        return slots, vault_key, private_key
    except DatabaseDamaged:
        pass
    try:
        new_slots = SlotFile.load(pending)
        slot = new_slots.find(new_slots.slot_id_for(name))
        opened = new_slots.unwrap_user_keys(slot, passphrase) if slot else None
    except (OSError, SlotFileCorrupted):
        opened = None
    if opened is None:
        return slots, vault_key, private_key
    open_database(database_path, opened[0]).close()
    os.replace(pending, slots_path)
    wipe(vault_key)
    if private_key is not None:
        wipe(private_key)
    return new_slots, opened[0], opened[1]
