"""A vault directory: create it, unlock it (passphrase or recovery key), and the open session.

Unlocking checks the passphrase on the wrapped key before the database is
touched, so a wrong passphrase and a damaged database are told apart, and a
failure changes nothing on disk.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shelterdesk.domain.accounts import check_passphrase, check_username, normalize_username
from shelterdesk.domain.errors import PermissionDenied, UserFacingError, ValidationFailed
from shelterdesk.domain.roles import Role
from shelterdesk.domain.validation import text_problems
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import (
    Connection,
    DatabaseError,
    check_integrity,
    integrity_check_due,
    looks_like_plain_sqlite,
    open_database,
    raw_key_spec,
    transaction,
    wipe,
)
from shelterdesk.store.errors import (
    DatabaseDamaged,
    LoginFailed,
    NotAVault,
    PlainDatabaseRefused,
    SessionClosed,
    SlotFileCorrupted,
    StorageFailed,
    TooManyAttempts,
    UnknownUser,
    UserDisabled,
    VaultAlreadyExists,
    WrongRecoveryKey,
)
from shelterdesk.store.keys import (
    compartments,
    emergency,
    failed_unlocks,
    integrity_stamp,
    member_slots,
    recovery,
    roster,
    roster_signing,
    sealing,
)
from shelterdesk.store.keys.interrupted_rotation import settle_interrupted_rotation
from shelterdesk.store.keys.keyslots import KdfParams, SlotFile, calibrate, derive_subkey
from shelterdesk.store.migrate import Migration, apply_migrations, bundled_migrations

DATABASE_NAME = "vault.db"
SLOTS_NAME = "keyslots.bin"
_PREFIX = re.compile(r"^[A-Z0-9]{2,6}$")
RECOVERY_UNCONFIRMED = "recovery_unconfirmed"  # meta key


class InvalidPrefix(UserFacingError):
    message = N_("Case-code prefix “{prefix}” is not valid: use 2 to 6 Latin capitals or digits.")


def check_prefix(prefix: str) -> str:
    """The case-code prefix in its stored form (upper case); InvalidPrefix if it cannot be."""
    normalized = prefix.strip().upper()
    if not _PREFIX.match(normalized):
        raise InvalidPrefix(prefix=normalized)
    return normalized


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    roles: tuple[Role, ...]
    disabled: bool = False

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class CreatedVault:
    vault_id: str
    recovery_key: str  # shown once, never stored in clear


class Vault:
    """One vault directory. Cheap to construct; nothing is read until unlock."""

    def __init__(self, directory: Path | str, migrations: list[Migration] | None = None) -> None:
        self.directory = Path(directory)
        self.migrations = migrations if migrations is not None else bundled_migrations()
        self.throttle = failed_unlocks.AttemptThrottle()
        self._lock = threading.Lock()

    @property
    def database_path(self) -> Path:
        return self.directory / DATABASE_NAME

    @property
    def slots_path(self) -> Path:
        return self.directory / SLOTS_NAME

    def exists(self) -> bool:
        return self.slots_path.is_file() or self.database_path.is_file()

    # --- creation -----------------------------------------------------------------
    def create(self, admin: str, passphrase: str, *, org_name: str = "",
               prefix: str = "SD", kdf: KdfParams | None = None,
               display_name: str = "") -> CreatedVault:
        """A new vault with its first coordinator; returns the recovery key (shown once)."""
        username = check_username(admin)
        check_passphrase(passphrase)
        prefix = check_prefix(prefix)
        if problems := text_problems("name", org_name):
            raise ValidationFailed(problems)
        if self.exists():
            raise VaultAlreadyExists(path=str(self.directory))
        created_dir = not self.directory.exists()
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        vault_key = bytearray(secrets.token_bytes(32))
        vault_id = uuid.uuid4().hex
        recovery_secret, recovery_text = recovery.generate()
        params = kdf or calibrate()
        try:
            # Created empty with owner-only rights; SQLite gives -wal and -shm the same.
            descriptor = os.open(self.database_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(descriptor)
            connection = open_database(self.database_path, vault_key, create=True)
            try:
                apply_migrations(connection, self.migrations)
                user_id = str(uuid.uuid4())
                with transaction(connection):
                    now = audit.now_iso()
                    connection.executemany(
                        "INSERT INTO meta (key, value) VALUES (?, ?)",
                        [("vault_id", vault_id), ("org_name", org_name.strip()),
                         ("case_prefix", prefix), ("created_at", now),
                         # Until one group is typed back (wizard) the key may be lost.
                         (RECOVERY_UNCONFIRMED, "yes")])
                    connection.execute(
                        "INSERT INTO users (id, username, display_name, roles, created_at,"
                        " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (user_id, username, display_name.strip(), Role.COORDINATOR.value,
                         now, now))
                    member = member_slots.has_table(connection)
                    if member:
                        user_key, credential, public_key = member_slots.set_passphrase(
                            connection, user_id, passphrase, params)
                        if roster.has_tables(connection):  # the organisation's founding key
                            roster_signing.found(connection, user_id, public_key)
                    audit.append(connection, user_id, "vault.create", "vault", vault_id)
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                connection.close()
            slots = SlotFile.new(vault_id)
            if member:
                slots.put_member(username, credential, user_key, vault_key, public_key)
            else:  # a schema from before sync (tests of upgrades)
                slots.put_user(username, passphrase, vault_key, params)
            slots.put_recovery(recovery_secret, vault_key)
            slots.save(self.slots_path, vault_key)
        except BaseException:
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.database_path) + suffix).unlink(missing_ok=True)
            self.slots_path.unlink(missing_ok=True)
            if created_dir:
                shutil.rmtree(self.directory, ignore_errors=True)
            raise
        finally:
            wipe(vault_key)
        return CreatedVault(vault_id, recovery_text)

    # --- unlocking ----------------------------------------------------------------
    def load_slots(self) -> SlotFile:
        if not self.slots_path.is_file():
            if looks_like_plain_sqlite(self.database_path):
                raise PlainDatabaseRefused()
            raise NotAVault(path=str(self.directory))
        try:
            return SlotFile.load(self.slots_path)
        except OSError:
            raise SlotFileCorrupted() from None

    def unlock(self, username: str, passphrase: str) -> Session:
        """An open session for the user; a distinct VaultError for each way it can fail.

        An unknown name and a wrong passphrase raise the same ``LoginFailed`` after the
        same work (a derivation at the file's cost), and both are counted beside the vault
        before the check, so the growing delay holds across processes and restarts.
        """
        with self._lock:
            self.throttle.check()
            slots = self.load_slots()
            name = normalize_username(username)
            key = slots.slot_id_for(name)
            try:
                self.attempts.begin(key)
            except TooManyAttempts:
                self.throttle.wait_at_least(self.attempts.seconds_to_wait(key))
                raise
            slot = slots.find(key)
            if slot is None or slot.kind == "disabled":
                failed_unlocks.dummy_unwrap(slots, passphrase)
                self._failed(slots, passphrase, key)
                if slot is None:
                    raise LoginFailed(name=name)
                raise UserDisabled(name=name)
            opened = slots.unwrap_user_keys(slot, passphrase)
            if opened is None:
                # A duress passphrase lands here too: the slots are destroyed, and the
                # person at the screen sees the ordinary message.
                self._failed(slots, passphrase, key)
                raise LoginFailed(name=name)
            vault_key, private_key = opened
            slots, vault_key, private_key = settle_interrupted_rotation(
                self.slots_path, self.database_path, slots, (vault_key, private_key), name,
                passphrase)
            session = self._open_session(slots, vault_key, name, "login", private_key,
                                         attempts_key=key)
            if ((slot.kind == "user" and member_slots.has_table(session.connection))
                    or (private_key is None and member_slots.has_key_pairs(session.connection))):
                # A slot from before sync or compartments: a credential with a key pair.
                session.rewrite_slot(name, passphrase, action=None)
                with session.lock, transaction(session.connection):  # now with a user key
                    _believed(session.connection, session.user, session.private_key)
            session.maintain_compartments()
            return session

    @property
    def attempts(self) -> failed_unlocks.FailedUnlocks:
        """Failed unlocks beside the vault, on the same schedule as this process's throttle."""
        return failed_unlocks.FailedUnlocks(self.directory, self.throttle.delay_for,
                                            self.throttle.clock)

    def _failed(self, slots: SlotFile, passphrase: str, key: str = "") -> None:
        self.throttle.failed()
        if key:
            self.throttle.wait_at_least(self.attempts.failed(key))
        emergency.after_failed_unlock(self.directory, self.slots_path, slots, passphrase)

    def unlock_with_recovery(self, recovery_text: str, username: str,
                             new_passphrase: str) -> Session:
        """Recovery: the printed key opens the vault and sets a new passphrase for a user."""
        with self._lock:
            self.throttle.check()
            secret = recovery.parse(recovery_text)
            check_passphrase(new_passphrase)
            slots = self.load_slots()
            vault_key = slots.unwrap_recovery(secret)
            if vault_key is None:
                self.throttle.failed()
                raise WrongRecoveryKey()
            name = normalize_username(username)
            slot = slots.find(slots.slot_id_for(name))
            if slot is None:
                wipe(vault_key)
                raise UnknownUser(name=name)
            if slot.kind == "disabled":
                wipe(vault_key)
                raise UserDisabled(name=name)
            session = self._open_session(slots, vault_key, name, "login.recovery")
            # Core only: compartment keys are resealed at a key holder's next unlock.
            session.rewrite_slot(name, new_passphrase, action="user.passwd.recovery")
            return session

    def _open_session(self, slots: SlotFile, vault_key: bytearray, name: str,
                      action: str, private_key: bytearray | None = None,
                      attempts_key: str = "") -> Session:
        try:
            if not slots.mac_matches(vault_key):
                raise SlotFileCorrupted()
            if looks_like_plain_sqlite(self.database_path):
                raise PlainDatabaseRefused()
            if not self.database_path.is_file():
                raise DatabaseDamaged(detail="database file missing")
            if checked := integrity_check_due(self.database_path, vault_key):
                check_integrity(self.database_path, vault_key)
            connection = open_database(self.database_path, vault_key)
        except BaseException:
            wipe(vault_key)
            if private_key is not None:
                wipe(private_key)
            raise
        try:
            apply_migrations(connection, self.migrations)
            stored_id = connection.execute(
                "SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
            if stored_id is None or stored_id[0] != slots.vault_id:
                raise SlotFileCorrupted()
            user = load_user(connection, name)
            if user is None:
                raise UnknownUser(name=name)
            if user.disabled:
                raise UserDisabled(name=name)
            try:
                with transaction(connection):
                    user = _believed(connection, user, private_key)
            except roster_signing.RolesNotProven:
                with transaction(connection):
                    audit.append(connection, user.id, "roles.unproven", "user", user.id)
                raise
            keys = compartments.load(connection, user.id,
                                     bytes(private_key) if private_key is not None else None)
            self.throttle.succeeded()
            outcome = failed_unlocks.record_success(
                self.attempts, connection, slots, user.id,
                attempts_key or slots.slot_id_for(user.username))
            with transaction(connection):
                audit.append(connection, user.id, action)
                if checked:
                    integrity_stamp.record_full_check(connection)
        except DatabaseError as exc:
            connection.close()
            wipe(vault_key)
            raise DatabaseDamaged(detail=str(exc)[:120]) from None
        except BaseException:
            connection.close()
            wipe(vault_key)
            raise
        session = Session(self, connection, user, vault_key, keys, private_key)
        session.failed_unlocks = outcome.failed_at
        session.failed_unlock_trace_removed = outcome.trace_removed
        return session


def _believed(connection: Connection, user: User, private_key: Any = None) -> User:
    """The user with only the roles the signed chain proves (roster.py), in the caller's
    transaction; a ``users`` row claiming more was changed outside the program (audited)."""
    roles, differs = roster_signing.believe(connection, user.id, tuple(
        r.value for r in user.roles), private_key)
    if differs:
        audit.append(connection, user.id, "roles.unproven", "user", user.id,
                     claimed=[r.value for r in user.roles], proven=list(roles))
    known = {r.value for r in Role}
    return User(user.id, user.username, user.display_name,
                tuple(Role(r) for r in roles if r in known), user.disabled)


def load_user(connection: Connection, username: str) -> User | None:
    row = connection.execute(
        "SELECT id, username, display_name, roles, disabled FROM users WHERE username = ?",
        (normalize_username(username),)).fetchone()
    if row is None:
        return None
    return User(row[0], row[1], row[2], tuple(Role(r) for r in row[3].split()), bool(row[4]))


class Session:
    """An unlocked vault for one user. Front ends get every repository from here."""

    def __init__(self, vault: Vault, connection: Connection, user: User,
                 vault_key: bytearray, keys: compartments.CompartmentKeys | None = None,
                 private_key: bytearray | None = None) -> None:
        self.vault = vault
        self._connection: Connection | None = connection
        self.user = user
        self._vault_key = vault_key
        self.compartments = keys or compartments.CompartmentKeys()
        self._private_key = private_key
        self.lock = threading.RLock()
        # Shown once at unlock: attempts on this user since the last visit, and whether the
        # file that counts them was removed meanwhile (store/keys/failed_unlocks.py).
        self.failed_unlocks: tuple[str, ...] = ()
        self.failed_unlock_trace_removed = False

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise SessionClosed()
        return self._connection

    @property  # her X25519 key (from her credential): opens what is sealed to her
    def private_key(self) -> bytes | None:
        return None if self._private_key is None else bytes(self._private_key)

    @property
    def is_open(self) -> bool:
        return self._connection is not None

    def meta(self, key: str, default: str = "") -> str:
        # Under the lock: one connection used by two threads at once (a sync on a pool
        # thread, a backup check on another) corrupts the sqlite module's statement cache.
        with self.lock:
            row = self.connection.execute("SELECT value FROM meta WHERE key = ?",
                                          (key,)).fetchone()
        return row[0] if row else default

    def require_role(self, *roles: Role, action: str) -> None:
        """PermissionDenied (and an audit entry) unless the user holds one of the roles."""
        if self.user.has_role(*roles):
            return
        with self.lock, transaction(self.connection):
            audit.append(self.connection, self.user.id, "permission.denied", attempted=action)
        raise PermissionDenied(action=action)

    def audit(self, action: str, object_kind: str = "", object_id: str = "", **detail) -> None:
        with self.lock, transaction(self.connection):
            audit.append(self.connection, self.user.id, action, object_kind, object_id, **detail)

    def replace_recovery_key(self) -> str:
        """A new recovery key (coordinators): the old one stops working at once.

        For a vault whose key was never confirmed (a crash on the wizard's last page) or
        may have been seen by someone else. Shown once; unconfirmed until typed back.
        """
        self.require_role(Role.COORDINATOR, action=N_("issue a new recovery key"))
        secret, text = recovery.generate()
        with self.lock:
            slots = self.vault.load_slots()
            if not slots.mac_matches(self._vault_key):
                raise SlotFileCorrupted()
            slots.put_recovery(secret, self._vault_key)
            slots.save(self.vault.slots_path, self._vault_key)
            with transaction(self.connection) as connection:
                connection.execute(
                    "INSERT INTO meta (key, value) VALUES (?, 'yes') ON CONFLICT (key)"
                    " DO UPDATE SET value = 'yes'", (RECOVERY_UNCONFIRMED,))
                audit.append(connection, self.user.id, "recovery.new", "vault", "")
        return text

    def recovery_key_confirmed(self) -> bool:
        """False while a recovery key was issued and never typed back (vaults from before
        this check count as confirmed: their wizard would not finish without it)."""
        return self.meta(RECOVERY_UNCONFIRMED) != "yes"

    def confirm_recovery_key(self, recovery_text: str | None = None) -> None:
        """The key was written down: typed back whole (checked against its slot), or one
        group of it checked by the wizard (``None``)."""
        if recovery_text is not None:
            slots = self.vault.load_slots()
            unwrapped = slots.unwrap_recovery(recovery.parse(recovery_text))
            if unwrapped is None:
                raise WrongRecoveryKey()
            wipe(unwrapped)
        with self.lock, transaction(self.connection) as connection:
            connection.execute("DELETE FROM meta WHERE key = ?", (RECOVERY_UNCONFIRMED,))
            audit.append(connection, self.user.id, "recovery.confirm", "vault", "")

    def rewrite_slot(self, username: str, passphrase: str, *, action: str | None,
                     subject_id: str = "") -> None:
        """A new passphrase for one user: a new credential (which sync carries to the other
        laptops) and this laptop's slot for it (one atomic file write). Joins the caller's
        transaction if one is open."""
        check_passphrase(passphrase)
        with self.lock:
            slots = self.vault.load_slots()
            if not slots.mac_matches(self._vault_key):
                raise SlotFileCorrupted()
            user = load_user(self.connection, username)
            if user is None:
                raise UnknownUser(name=username)
            params = calibrate()
            own = user.id == self.user.id
            keep = None  # own: keep our key pair; anyone else's: a new one (it may have leaked)
            if own:
                keep = self._private_key or bytearray(sealing.new_private_key())

            def write() -> tuple[bytes, dict, bytes | None]:
                result = member_slots.set_passphrase(self.connection, user.id, passphrase,
                                                     params, keep)
                if self.compartments.held():  # seal what we hold to the new public key
                    compartments.share(self.connection, self.compartments, only_user=user.id)
                return result

            if self.connection.in_transaction:
                user_key, credential, public_key = write()
            else:
                with transaction(self.connection):
                    user_key, credential, public_key = write()
            if own and public_key is not None:
                self._private_key = keep
            slots.put_member(username, credential, user_key, self._vault_key, public_key)
            slots.save(self.vault.slots_path, self._vault_key)
            if action:
                self.audit(action, "user", subject_id or self.user.id)

    def maintain_compartments(self) -> compartments.ShareReport:
        """At unlock: keys created, shared, taken back, plaintext sealed (compartments.py)."""
        with self.lock:
            return compartments.maintain(self.connection, self.user.id, self.user.roles,
                                         self.compartments, self.private_key)

    def seal(self, table: str, column: str, row_id: str, value: Any) -> Any:
        """A cell's stored form / plaintext (compartments.py; without the key: write_only.py)."""
        return compartments.write_only.seal_for(self, table, column, row_id, value)

    def unseal(self, table: str, column: str, row_id: str, value: Any) -> Any:
        return self.compartments.open(table, column, row_id, value)

    def rekey(self, new_key: bytearray) -> None:
        """Re-encrypt the database under a new core key (SQLCipher rekey, key rotation in
        store/keys/rotation.py); the session holds the new key and wipes the old one."""
        with self.lock:
            connection = self.connection
            spec = raw_key_spec(new_key)
            try:
                connection.reset_key(spec)
            finally:
                wipe(spec)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # no old frame
            open_database(self.vault.database_path, new_key).close()
            old, self._vault_key = self._vault_key, new_key
            wipe(old)

    def refresh_member_slots(self) -> int:  # from the users and credentials sync brought
        with self.lock:
            return member_slots.refresh(self.connection, self.vault.slots_path,
                                        self._vault_key)

    def remove_slot(self, username: str) -> None:
        with self.lock:
            slots = self.vault.load_slots()
            if not slots.mac_matches(self._vault_key):
                raise SlotFileCorrupted()
            slots.disable(username)
            slots.save(self.vault.slots_path, self._vault_key)

    def save_slots(self, slots: SlotFile) -> None:
        """Write this laptop's slot file (atomically), authenticated with the vault key."""
        with self.lock:
            slots.save(self.vault.slots_path, self._vault_key)

    def verify_passphrase(self, passphrase: str) -> bool:
        slots = self.vault.load_slots()
        slot = slots.find(slots.slot_id_for(self.user.username))
        if slot is None or slot.kind not in ("user", "member", "personal"):
            return False
        key = slots.unwrap_user(slot, passphrase)
        if key is None:
            return False
        wipe(key)
        return True

    def close(self, action: str = "logout") -> None:
        """Lock: audit, checkpoint, close the connection and wipe the key we hold."""
        with self.lock:
            if self._connection is None:
                return
            checked_at = None  # a clean close stamps the file: see store/keys/integrity_stamp.py
            try:
                with transaction(self._connection):
                    audit.append(self._connection, self.user.id, action)
                self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                checked_at = integrity_stamp.last_full_check(self._connection)
            except (DatabaseError, StorageFailed):
                pass  # a full disk must not stop a lock; the last transaction is already safe
            finally:
                self._connection.close()
                integrity_stamp.write(self.vault.database_path, self._vault_key, checked_at)
                self._connection = None
                wipe(self._vault_key)
                self.compartments.wipe()
                if self._private_key is not None:
                    wipe(self._private_key)

    # --- for backups: the vault key is used here and never handed out ------------------
    def open_connection(self, path: Path | None = None, *, create: bool = False) -> Connection:
        """A new connection keyed with this vault's key: to the vault itself (a reader
        beside the session's own) or to another file such as a backup copy."""
        with self.lock:
            if self._connection is None:
                raise SessionClosed()
            return open_database(path or self.vault.database_path, self._vault_key,
                                 create=create)

    def subkey(self, info: bytes) -> bytes:
        """A key for one purpose derived from the vault key (HKDF, see keyslots)."""
        with self.lock:
            if self._connection is None:
                raise SessionClosed()
            return derive_subkey(self._vault_key, info)

    def slots_match(self, slots: SlotFile) -> bool:
        """Whether a key-slot file carries this vault's MAC (was written with its key)."""
        with self.lock:
            if self._connection is None:
                raise SessionClosed()
            return slots.mac_matches(self._vault_key)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
