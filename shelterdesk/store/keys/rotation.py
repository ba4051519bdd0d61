"""Key rotation: a new core key (SQLCipher rekey), new compartment keys, a new sync epoch.

Why: every holder of a key could have kept a copy — of keyslots.bin, of a
backup (which carries one), of a compartment key. Disabling a user or
resetting a passphrase after a suspected leak removes their slot, but a copy
taken earlier still wraps the old key. Rotating makes every such copy
worthless against the live vault: the database is re-encrypted under a new
random key, each compartment's cells are sealed again under a new key given
only to today's holders, and sync starts a new key epoch.

Each slot of the new file seals the new key to its user's X25519 public key
(a *personal* slot): nothing in the database — which a departed colleague may
have read in full — opens it. Users whose account has no key pair yet (not
logged in since compartments came) get no slot and need a passphrase reset.
The printed recovery key keeps working (its slot seals to a public key too);
a recovery slot of the older form cannot be resealed, so a new recovery key
is issued and shown once.

Crash safety: the new slot file is written beside the old one
(``keyslots.bin.next``) before the database is rekeyed, and moved into place
after; an unlock that finds it tries it first (:func:`finish_interrupted`).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import transaction, wipe
from shelterdesk.store.errors import SlotFileCorrupted
from shelterdesk.store.keys import compartments, member_slots, recovery, write_only
from shelterdesk.store.keys.interrupted_rotation import next_path
from shelterdesk.store.keys.keyslots import (
    EMERGENCY_SLOT_ID,
    RECOVERY_SLOT_ID,
    SlotFile,
    fsync_directory,
)
from shelterdesk.store.rows import now
from shelterdesk.store.vault import RECOVERY_UNCONFIRMED, Session

Progress = Callable[[int, int], None]


@dataclass
class RotationReport:
    compartments: list[str] = field(default_factory=list)
    sealed_cells: int = 0
    slots: int = 0
    without_slot: list[str] = field(default_factory=list)  # need a passphrase reset
    new_recovery_key: str = ""  # shown once; "" when the printed one still works
    epoch: int | None = None  # the new sync epoch (None: this laptop does not sync)


def rotate(session: Session, *, reason: str, progress: Progress | None = None,
           check_role: bool = True) -> RotationReport:
    """Rotate every key this session can: coordinators (or the store itself after a
    disabling or a reset, ``check_role=False``, already checked by the caller)."""
    if check_role:
        session.require_role(Role.COORDINATOR, action=N_("rotate the vault's keys"))
    report = RotationReport()
    steps = len(session.compartments.held()) + 2
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, steps)

    with session.lock:
        old_slots = session.vault.load_slots()
        if not session.slots_match(old_slots):
            raise SlotFileCorrupted()
        for compartment in session.compartments.held():
            with transaction(session.connection) as connection:
                compartments.new_key(session.compartments, compartment)
                report.sealed_cells += compartments.reseal(connection, session.compartments,
                                                           compartment)
                compartments.share(connection, session.compartments)
                # Writers (case workers, evidence) seal to the new key from now on: a copy
                # of the old key kept by someone must not open what they record next.
                write_only.publish(connection, session.user.id, session.user.roles,
                                   session.compartments, session.private_key)
            report.compartments.append(compartment)
            step()
        new_key = bytearray(secrets.token_bytes(32))
        try:
            new_slots = _slot_file(session, old_slots, new_key, report)
            pending = next_path(session.vault.slots_path)
            new_slots.save(pending, new_key)
            session.rekey(new_key)  # the session now holds (and will wipe) the new key
        except BaseException:
            wipe(new_key)
            next_path(session.vault.slots_path).unlink(missing_ok=True)
            raise
        _move_into_place(pending, session.vault.slots_path)
        step()
        with transaction(session.connection) as connection:
            report.epoch = _new_epoch(connection)
            connection.execute(
                "INSERT INTO meta (key, value) VALUES ('keys_rotated_at', ?) ON CONFLICT (key)"
                " DO UPDATE SET value = excluded.value", (now(),))
            if report.new_recovery_key:
                connection.execute(
                    "INSERT INTO meta (key, value) VALUES (?, 'yes') ON CONFLICT (key)"
                    " DO UPDATE SET value = 'yes'", (RECOVERY_UNCONFIRMED,))
            audit.append(connection, session.user.id, "keys.rotate", "vault", "",
                         reason=reason, compartments=report.compartments,
                         cells=report.sealed_cells, slots=report.slots,
                         without_slot=len(report.without_slot), epoch=report.epoch,
                         new_recovery_key=bool(report.new_recovery_key))
        step()
    return report


def _move_into_place(pending: Path, target: Path) -> None:
    os.replace(pending, target)
    fsync_directory(target.parent)


def _slot_file(session: Session, old: SlotFile, new_key: bytearray,
               report: RotationReport) -> SlotFile:
    """The new key-slot file: a personal slot per active user with a key pair."""
    slots = SlotFile.new(old.vault_id)
    rows = session.connection.execute(
        "SELECT u.username, u.disabled, s.user_key, s.credential, s.public_key FROM users u"
        " LEFT JOIN user_secrets s ON s.user_id = u.id ORDER BY u.username").fetchall()
    for username, disabled, user_key, credential_text, public_key in rows:
        if disabled:
            slots.disable(username)
            continue
        credential = json.loads(credential_text) if credential_text else None
        if credential is None or public_key is None or not credential.get("pc"):
            report.without_slot.append(username)
            continue
        slots.put_member(username, credential, bytes(user_key), new_key, bytes(public_key))
        report.slots += 1
    previous = old.find(RECOVERY_SLOT_ID)
    if previous is None or not slots.reseal_recovery(previous, new_key):
        secret, report.new_recovery_key = recovery.generate()
        slots.put_recovery(secret, new_key)
    policy = old.find(EMERGENCY_SLOT_ID)
    if policy is not None:
        slots.slots.append(policy)
    return slots


def _new_epoch(connection) -> int | None:  # noqa: ANN001
    """A new sync key epoch, the way revoking a laptop starts one (sync/devices.py): the
    next sync seals its key to every remaining laptop."""
    # As store/replication/registry.py writes them (store/keys may not import it).
    device_id, org_id, sign_key = connection.execute(
        "SELECT device_id, org_id, sign_key FROM sync_state").fetchone()
    if not org_id or sign_key is None:
        return None
    epoch = int(connection.execute("SELECT max(epoch) FROM sync_epochs").fetchone()[0] or 0) + 1
    connection.execute("INSERT INTO sync_epochs (epoch, key, created_by, created_at)"
                       " VALUES (?, ?, ?, ?)", (epoch, secrets.token_bytes(32), device_id, now()))
    return epoch


def after_user_change(session: Session, *, reason: str) -> RotationReport | None:
    """Rotate after a disabling or a passphrase reset, when this vault can (its schema has
    key pairs); None otherwise."""
    if not member_slots.has_key_pairs(session.connection):
        return None
    return rotate(session, reason=reason, check_role=False)
