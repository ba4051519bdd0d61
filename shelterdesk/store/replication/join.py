"""A new vault for a laptop joining an organisation: its own key, no users until the first sync.

The joining laptop gets a fresh random vault key and its own recovery key; the
users, their credentials and every record arrive with the first sync, after
which :meth:`JoiningVault.finish` writes this laptop's key slots for them
(see ``member_slots``). Until then nothing but the recovery key opens it, and
:meth:`JoiningVault.discard` removes every trace if joining fails.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from shelterdesk.store import audit
from shelterdesk.store.connection import Connection, open_database, transaction, wipe
from shelterdesk.store.errors import VaultAlreadyExists
from shelterdesk.store.keys import member_slots, recovery
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.migrate import apply_migrations
from shelterdesk.store.vault import Vault


@dataclass
class JoiningVault:
    vault: Vault
    connection: Connection
    vault_key: bytearray
    vault_id: str
    recovery_key: str
    created_directory: bool
    lock: threading.RLock = field(default_factory=threading.RLock)

    def refresh_slots(self) -> int:
        with self.lock:
            return member_slots.refresh(self.connection, self.vault.slots_path, self.vault_key)

    def users_with_slots(self) -> int:
        slots = self.vault.load_slots()
        return sum(1 for slot in slots.slots if slot.kind in ("member", "personal"))

    def finish(self) -> None:
        """Write the slots for the users that arrived, then close (the key is wiped)."""
        try:
            self.refresh_slots()
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.connection.close()
            wipe(self.vault_key)

    def discard(self) -> None:
        """Close and remove everything this join wrote."""
        with contextlib.suppress(Exception):  # a broken connection must not stop cleanup
            self.connection.close()
        wipe(self.vault_key)
        if self.created_directory:
            shutil.rmtree(self.vault.directory, ignore_errors=True)
        else:
            for path in (self.vault.slots_path, self.vault.database_path):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)


def create(directory: Path | str, *, org_name: str, prefix: str) -> JoiningVault:
    vault = Vault(directory)
    if vault.exists():
        raise VaultAlreadyExists(path=str(vault.directory))
    created = not vault.directory.exists()
    vault.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    vault_key = bytearray(secrets.token_bytes(32))
    vault_id = uuid.uuid4().hex
    recovery_secret, recovery_text = recovery.generate()
    connection: Connection | None = None
    try:
        descriptor = os.open(vault.database_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(descriptor)
        connection = open_database(vault.database_path, vault_key, create=True)
        apply_migrations(connection, vault.migrations)
        with transaction(connection):
            stamp = audit.now_iso()
            connection.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("vault_id", vault_id), ("org_name", org_name.strip()),
                 ("case_prefix", prefix), ("created_at", stamp)])
            audit.append(connection, "", "vault.create.join", "vault", vault_id)
        slots = SlotFile.new(vault_id)
        slots.put_recovery(recovery_secret, vault_key)
        slots.save(vault.slots_path, vault_key)
    except BaseException:
        if connection is not None:
            connection.close()
        wipe(vault_key)
        if created:
            shutil.rmtree(vault.directory, ignore_errors=True)
        else:
            for path in (vault.slots_path, vault.database_path):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return JoiningVault(vault, connection, vault_key, vault_id, recovery_text, created)
