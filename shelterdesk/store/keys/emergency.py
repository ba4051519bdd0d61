"""Emergency erase: a duress passphrase, erase after N failed unlocks, and erase now.

Off by default. When it fires, this laptop's key slots are replaced by decoys (random
bytes shaped like slots, so every passphrase is then simply wrong and the unlock screen
shows its ordinary message) and only the recovery slot is kept: the database — with the
organisation's sync keys, device keys and every record inside it — is unreadable until
someone brings the printed recovery key.

The policy lives in the key-slot file as one more slot (covered by the file's MAC, so
only a coordinator holding the vault key can set it). Because firing happens *before*
any key is known, the policy carries the decoys and the MAC the key-less file will need,
recomputed each time the slot file is saved. The failed-unlock count is the ``total`` of
the failed-unlock file beside the vault (``store/keys/failed_unlocks.py``: no names;
deleting it resets the count, and the next unlock reports that it was removed).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shelterdesk.domain.accounts import check_passphrase
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.errors import SlotFileCorrupted
from shelterdesk.store.keys.failed_unlocks import FailedUnlocks
from shelterdesk.store.keys.keyslots import (
    EMERGENCY_SLOT_ID,
    RECOVERY_SLOT_ID,
    KdfParams,
    Slot,
    SlotFile,
    atomic_write,
    calibrate,
    derive_argon2id,
    keyless_copy,
)

MAX_WIPE_AFTER = 100


class DuressSameAsOwn(UserFacingError):
    message = N_("Duress passphrase: it must differ from your own passphrase.")


class WipeAfterOutOfRange(UserFacingError):
    message = N_("Failed unlocks before erasing: a number from 3 to {limit}, or 0 for never.")


@dataclass(frozen=True)
class Policy:
    duress: bool = False
    wipe_after: int = 0  # 0: never

    @property
    def enabled(self) -> bool:
        return self.duress or bool(self.wipe_after)


def read_policy(slots: SlotFile) -> Policy:
    slot = slots.find(EMERGENCY_SLOT_ID)
    if slot is None:
        return Policy()
    return Policy(bool(slot.ciphertext), int(slot.kdf.get("wipe_after", 0)))


def policy(session: Any) -> Policy:
    return read_policy(session.vault.load_slots())


def set_policy(session: Any, *, duress_passphrase: str | None, wipe_after: int,
               keep_duress: bool = False) -> Policy:
    """Coordinator only. ``duress_passphrase`` None and not ``keep_duress``: no duress
    passphrase; ``wipe_after`` 0: never. Both off removes the policy. Audited (no secret)."""
    session.require_role(Role.COORDINATOR, action=N_("set up emergency erase"))
    if wipe_after and not 3 <= wipe_after <= MAX_WIPE_AFTER:
        raise WipeAfterOutOfRange(limit=MAX_WIPE_AFTER)
    if duress_passphrase is not None:
        check_passphrase(duress_passphrase)
        if session.verify_passphrase(duress_passphrase):
            raise DuressSameAsOwn()
    with session.lock:
        slots = session.vault.load_slots()
        if not session.slots_match(slots):
            raise SlotFileCorrupted()
        old = slots.find(EMERGENCY_SLOT_ID)
        slots.slots = [s for s in slots.slots if s.slot_id != EMERGENCY_SLOT_ID]
        if duress_passphrase is not None:
            params = calibrate()
            salt = secrets.token_bytes(16)
            slot = Slot(EMERGENCY_SLOT_ID, "emergency", {"duress_kdf": params.as_dict()}, salt,
                        b"", _verifier(derive_argon2id(duress_passphrase, salt, params)))
        elif keep_duress and old is not None and old.ciphertext:
            slot = Slot(EMERGENCY_SLOT_ID, "emergency",
                        {"duress_kdf": old.kdf["duress_kdf"]}, old.salt, b"", old.ciphertext)
        else:
            slot = Slot(EMERGENCY_SLOT_ID, "emergency", {})
        slot.kdf["wipe_after"] = int(wipe_after)
        result = Policy(bool(slot.ciphertext), int(wipe_after))
        if result.enabled:
            slots.slots.append(slot)
        session.save_slots(slots)
        _write_failures(session.vault.directory, 0)
        with transaction(session.connection):
            audit.append(session.connection, session.user.id, "emergency.policy", "vault", "",
                         duress=result.duress, wipe_after=result.wipe_after)
    return result


def erase_now(session: Any, *, close: bool = True) -> None:
    """The coordinator's menu action: audited, then this laptop's slots are destroyed (and
    the session closed, unless the window locks it). Only the recovery key opens the vault
    afterwards."""
    session.require_role(Role.COORDINATOR, action=N_("erase this laptop's keys"))
    with session.lock:
        slots = session.vault.load_slots()
        if not session.slots_match(slots):
            raise SlotFileCorrupted()
        session.audit("emergency.erase", "vault", "", trigger="menu")
        keyless = keyless_copy(slots)
        session.save_slots(keyless)
    if close:
        session.close(action="lock")


# --- at the unlock screen (no key is known here) ------------------------------------------
def after_failed_unlock(directory: Path, slots_path: Path, slots: SlotFile,
                        passphrase: str) -> bool:
    """Called on every failed unlock; True if the policy fired (the caller then raises the
    same error it would have raised anyway)."""
    slot = slots.find(EMERGENCY_SLOT_ID)
    if slot is None:
        return False
    if slot.ciphertext:
        params = KdfParams.from_dict(slot.kdf["duress_kdf"])
        if hmac.compare_digest(_verifier(derive_argon2id(passphrase, slot.salt, params)),
                               slot.ciphertext):
            _fire(directory, slots_path, slots, slot)
            return True
    wipe_after = int(slot.kdf.get("wipe_after", 0))
    # The vault counted this failure already (failed_unlocks.FailedUnlocks.failed).
    if wipe_after and _read_failures(directory) >= wipe_after:
        _fire(directory, slots_path, slots, slot)
        return True
    return False


def after_unlock(directory: Path) -> None:
    """A success resets the count (the vault's success already did; kept for callers)."""
    _write_failures(directory, 0)


def _fire(directory: Path, slots_path: Path, slots: SlotFile, policy_slot: Slot) -> None:
    kept = [Slot.from_dict(d) for d in policy_slot.kdf.get("keyless", [])]
    if not any(s.slot_id == RECOVERY_SLOT_ID for s in kept) or "post_mac" not in policy_slot.kdf:
        raise SlotFileCorrupted()
    keyless = SlotFile(slots.vault_id, slots.name_salt, kept, policy_slot.kdf["post_mac"])
    # The person at the screen must see only the ordinary message, even if the disk refuses.
    with contextlib.suppress(OSError):
        atomic_write(slots_path, keyless.to_bytes())
    _write_failures(directory, 0)


# --- kept current by SlotFile.save ------------------------------------------------------
def _verifier(derived: bytes) -> bytes:
    return hashlib.sha256(b"shelterdesk/duress/v1" + bytes(derived)).digest()


def _read_failures(directory: Path) -> int:
    return FailedUnlocks(directory, _no_wait).total()


def _write_failures(directory: Path, count: int) -> None:
    """Only a reset to 0 is written here; failures are counted by the vault."""
    if count == 0 and (directory / FailedUnlocks(directory, _no_wait).path.name).exists():
        FailedUnlocks(directory, _no_wait).reset_total()


def _no_wait(_count: int) -> float:
    return 0.0
