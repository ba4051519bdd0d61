"""The key-slot file: any changed byte is caught, slots cannot be swapped, writes are atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shelterdesk.store.errors import SlotFileCorrupted, WrongPassphrase
from shelterdesk.store.keys import keyslots
from shelterdesk.store.keys.keyslots import MIN_MEMORY_KIB, KdfParams, SlotFile
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE


def test_every_flipped_byte_is_detected(vault: Vault) -> None:
    raw = vault.slots_path.read_bytes()
    for index in range(len(raw)):
        damaged = bytearray(raw)
        damaged[index] ^= 0x01
        with pytest.raises(SlotFileCorrupted):
            SlotFile.parse(bytes(damaged))


def test_truncated_or_extended_file_is_detected(vault: Vault) -> None:
    raw = vault.slots_path.read_bytes()
    for damaged in (raw[:-1], raw[:10], b"", raw + b"x", raw + b"\n"):
        with pytest.raises(SlotFileCorrupted):
            SlotFile.parse(damaged)


def test_tampered_slot_file_refuses_unlock_and_changes_nothing(vault: Vault) -> None:
    raw = bytearray(vault.slots_path.read_bytes())
    raw[len(raw) // 2] ^= 0x20
    vault.slots_path.write_bytes(bytes(raw))
    before = vault.database_path.read_bytes()
    with pytest.raises(SlotFileCorrupted):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    assert vault.database_path.read_bytes() == before


def test_rewritten_slot_list_with_recomputed_checksum_is_caught_by_the_mac(vault: Vault) -> None:
    slots = SlotFile.load(vault.slots_path)
    slots.slots = list(reversed(slots.slots))  # valid slots, reordered: body changed
    vault.slots_path.write_bytes(slots.to_bytes())  # checksum recomputed, MAC not
    with pytest.raises(SlotFileCorrupted):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)


def test_slot_copied_to_another_user_does_not_unwrap(vault: Vault) -> None:
    slots = SlotFile.load(vault.slots_path)
    admin_slot = slots.find(slots.slot_id_for(ADMIN))
    stolen = keyslots.Slot(slots.slot_id_for("intruder"), "user", admin_slot.kdf,
                           admin_slot.salt, admin_slot.nonce, admin_slot.ciphertext)
    # Associated data binds the slot id: the same ciphertext under another id fails.
    assert slots.unwrap_user(stolen, ADMIN_PASSPHRASE) is None


def test_cost_below_the_floor_is_refused() -> None:
    with pytest.raises(SlotFileCorrupted):
        KdfParams.from_dict({"name": "argon2id", "m": MIN_MEMORY_KIB // 2, "t": 3, "p": 4})
    with pytest.raises(SlotFileCorrupted):
        KdfParams.from_dict({"name": "argon2id", "m": MIN_MEMORY_KIB, "t": 1, "p": 4})


def test_file_names_no_user_and_no_organisation(vault: Vault) -> None:
    raw = vault.slots_path.read_bytes().lower()
    # (Short strings like "ngo" can occur by chance in the base64 of random bytes.)
    for secret in (ADMIN.encode(), "təmiz".encode(), "ürək ngo".encode(), b"coordinator"):
        assert secret not in raw


def test_crash_during_write_leaves_the_old_file(vault: Vault, monkeypatch, tmp_path) -> None:
    before = vault.slots_path.read_bytes()

    def crash(*_args, **_kwargs):
        raise OSError("power lost")

    monkeypatch.setattr(os, "replace", crash)
    session = vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    with pytest.raises(OSError):
        session.rewrite_slot(ADMIN, "a brand new passphrase", action=None)
    monkeypatch.undo()
    session.close()
    assert vault.slots_path.read_bytes() == before
    assert not [p for p in vault.directory.iterdir() if p.name.endswith(".tmp")]
    vault.unlock(ADMIN, ADMIN_PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        vault.unlock(ADMIN, "a brand new passphrase")


def test_slot_file_is_owner_only(vault: Vault) -> None:
    if os.name == "posix":
        assert vault.slots_path.stat().st_mode & 0o077 == 0
        assert vault.database_path.stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_calibration_hits_half_a_second_to_a_second(monkeypatch) -> None:
    monkeypatch.delenv("SHELTERDESK_KDF_PROFILE", raising=False)
    params = keyslots.calibrate()
    assert params.memory_kib >= MIN_MEMORY_KIB
    assert params.iterations == 3 and params.lanes == 4
    elapsed = keyslots._time_derivation(params)
    # A busy test machine may be slower; never faster than intended by much.
    assert 0.3 <= elapsed <= 2.5 or params.memory_kib == MIN_MEMORY_KIB


def test_atomic_write_creates_owner_only_file(tmp_path: Path) -> None:
    target = tmp_path / "file.bin"
    keyslots.atomic_write(target, b"one")
    keyslots.atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["file.bin"]


def test_argon2id_implementations_agree() -> None:
    """The GIL-releasing derivation gives exactly the bytes of cryptography's Argon2id."""
    from shelterdesk.store.keys.keyslots import (
        KdfParams,
        derive_argon2id,
        derive_argon2id_reference,
    )

    params = KdfParams()
    for secret in ("coordinator passphrase", "Ülviyyə şifrə ğöç", ""):
        salt = bytes(range(16))
        assert derive_argon2id(secret, salt, params) == derive_argon2id_reference(
            secret, salt, params)


def test_derivation_lets_other_threads_run() -> None:
    """Another thread keeps running while a key is derived (the window stays responsive)."""
    import threading
    import time

    from shelterdesk.store.keys.keyslots import KdfParams, derive_argon2id

    finished = threading.Event()
    worker = threading.Thread(
        target=lambda: (derive_argon2id("x", bytes(16), KdfParams()), finished.set()))
    longest_gap, last = 0.0, time.perf_counter()
    worker.start()
    while not finished.is_set():
        now = time.perf_counter()
        longest_gap, last = max(longest_gap, now - last), now
    worker.join()
    # Python switches threads every 5 ms when nobody holds the GIL for long.
    assert longest_gap < 0.1, longest_gap
