"""The key-slot file: the vault key wrapped once per user and once for the recovery key.

Each slot wraps the 256-bit vault key with AES-256-GCM under a key derived from
a secret (Argon2id for passphrases, HKDF for the 128-bit recovery key). The
associated data binds the vault id, the slot id and the KDF parameters, so
slots cannot be swapped between vaults or users, nor their cost lowered.

A "member" slot (written by this version) has two layers, so that one
passphrase opens every laptop of the organisation while each laptop keeps its
own vault key: the user's *credential* — a random per-user key wrapped under
Argon2id(passphrase) — is the same on every laptop (it travels inside the
encrypted sync envelopes and the user_secrets table), and each laptop wraps its
own vault key under that user key. The older one-layer "user" slot is still
read, and upgraded at the next login.

The file names nobody: a user's slot is found by an HMAC of the user name
under a random per-file salt. A SHA-256 line over the raw bytes catches any
damaged or edited byte before a key derivation is attempted, and an HMAC
under a key derived from the vault key (checked after unlocking) catches a
slot list rewritten by someone who recomputed that line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type as Argon2Type
from argon2.low_level import hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shelterdesk.domain.accounts import normalize_username
from shelterdesk.store.errors import SlotFileCorrupted
from shelterdesk.store.keys import sealing

MAGIC = b"SDKS1\n"
FORMAT = 1
RECOVERY_SLOT_ID = "recovery"
EMERGENCY_SLOT_ID = "emergency"  # the emergency-erase policy (store/keys/emergency.py)
# RFC 9106 low-memory profile: the floor below which no slot is ever written.
MIN_MEMORY_KIB = 64 * 1024
MAX_MEMORY_KIB = 1024 * 1024
ITERATIONS = 3
LANES = 4
CALIBRATION_TARGET = (0.5, 1.0)


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int = MIN_MEMORY_KIB
    iterations: int = ITERATIONS
    lanes: int = LANES

    def as_dict(self) -> dict[str, Any]:
        return {"name": "argon2id", "m": self.memory_kib, "t": self.iterations, "p": self.lanes}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KdfParams:
        if data.get("name") != "argon2id":
            raise SlotFileCorrupted()
        params = cls(int(data["m"]), int(data["t"]), int(data["p"]))
        if (params.memory_kib < MIN_MEMORY_KIB or params.iterations < ITERATIONS
                or params.lanes < 1 or params.memory_kib > 4 * MAX_MEMORY_KIB):
            raise SlotFileCorrupted()
        return params


def derive_argon2id(secret: str, salt: bytes, params: KdfParams) -> bytes:
    # argon2-cffi lets go of Python's GIL while it works, so the window keeps repainting
    # during an unlock run in the background; cryptography's Argon2id holds the GIL for
    # the whole derivation. Both compute RFC 9106 Argon2id v1.3: the same bytes.
    return hash_secret_raw(secret.encode("utf-8"), salt, time_cost=params.iterations,
                           memory_cost=params.memory_kib, parallelism=params.lanes,
                           hash_len=32, type=Argon2Type.ID)


def derive_argon2id_reference(secret: str, salt: bytes, params: KdfParams) -> bytes:
    """The same derivation through cryptography, to check the two agree (tests)."""
    return Argon2id(
        salt=salt, length=32, iterations=params.iterations, lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(secret.encode("utf-8"))


def derive_recovery(secret: bytes, salt: bytes) -> bytes:
    # 128 random bits need no stretching; HKDF only separates the key's uses.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"shelterdesk/recovery-slot/v1").derive(secret)


RECOVERY_X25519 = "x25519-hkdf-sha256"


def _recovery_private(secret: bytes, key_salt: bytes) -> bytes:
    return sealing.private_from_seed(HKDF(
        algorithm=hashes.SHA256(), length=32, salt=key_salt,
        info=b"shelterdesk/recovery-x25519/v1").derive(bytes(secret)))


def calibrate(target: tuple[float, float] = CALIBRATION_TARGET) -> KdfParams:
    """Argon2id memory cost that takes 0.5–1 s here, never below 64 MiB.

    ``SHELTERDESK_KDF_PROFILE=minimum`` skips the measurement and uses the
    floor itself (for tests and scripted set-ups; it is never weaker than it).
    """
    if os.environ.get("SHELTERDESK_KDF_PROFILE") == "minimum":
        return KdfParams()
    low, high = target
    memory = MIN_MEMORY_KIB
    elapsed = _time_derivation(KdfParams(memory))
    for _attempt in range(6):
        if low <= elapsed <= high or (elapsed > high and memory == MIN_MEMORY_KIB):
            break
        wanted = memory * ((low + high) / 2) / max(elapsed, 1e-3)
        memory = int(min(max(wanted, MIN_MEMORY_KIB), MAX_MEMORY_KIB)) // 1024 * 1024
        elapsed = _time_derivation(KdfParams(memory))
        if memory == MAX_MEMORY_KIB and elapsed < low:
            break
    return KdfParams(memory)


def _time_derivation(params: KdfParams) -> float:
    start = time.perf_counter()
    derive_argon2id("calibration passphrase", secrets.token_bytes(16), params)
    return time.perf_counter() - start


def wipe_buffer(buffer: bytearray) -> None:
    for index in range(len(buffer)):
        buffer[index] = 0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


CREDENTIAL_FORMAT = "shelterdesk/credential/v1"


def _credential_aad(kdf: dict[str, Any], salt: bytes) -> bytes:
    return _canonical({"format": CREDENTIAL_FORMAT, "kdf": kdf, "salt": _b64(salt)})


def make_credential(passphrase: str, user_key: bytes, params: KdfParams,
                    private_key: bytes | None = None) -> dict[str, str | dict]:
    """The user key — and the user's X25519 private key, which opens their personal slots
    and compartment keys (store/keys/compartments.py) — wrapped under the passphrase:
    the same on every laptop."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kdf = params.as_dict()
    kek = derive_argon2id(passphrase, salt, params)
    aad = _credential_aad(kdf, salt)
    ciphertext = AESGCM(kek).encrypt(nonce, bytes(user_key), aad)
    credential: dict[str, str | dict] = {"kdf": kdf, "salt": _b64(salt), "nonce": _b64(nonce),
                                         "ct": _b64(ciphertext)}
    if private_key is not None:
        private_nonce = secrets.token_bytes(12)
        credential["pn"] = _b64(private_nonce)
        credential["pc"] = _b64(AESGCM(kek).encrypt(private_nonce, bytes(private_key),
                                                    aad + b"/private"))
    return credential


def open_credential(credential: dict[str, Any], passphrase: str) -> bytearray | None:
    """The user key, or None for a wrong passphrase."""
    opened = open_credential_keys(credential, passphrase)
    return None if opened is None else opened[0]


def open_credential_keys(credential: dict[str, Any],
                         passphrase: str) -> tuple[bytearray, bytearray | None] | None:
    """(user key, private key or None for a credential from before compartments), or None
    for a wrong passphrase."""
    try:
        kdf, salt = dict(credential["kdf"]), _unb64(credential["salt"])
        nonce, ciphertext = _unb64(credential["nonce"]), _unb64(credential["ct"])
        private = ((_unb64(credential["pn"]), _unb64(credential["pc"]))
                   if credential.get("pc") else None)
    except (KeyError, TypeError, ValueError):
        raise SlotFileCorrupted() from None
    kek = derive_argon2id(passphrase, salt, KdfParams.from_dict(kdf))
    aad = _credential_aad(kdf, salt)
    try:
        user_key = bytearray(AESGCM(kek).decrypt(nonce, ciphertext, aad))
    except InvalidTag:
        return None
    if private is None:
        return user_key, None
    try:
        return user_key, bytearray(AESGCM(kek).decrypt(private[0], private[1],
                                                       aad + b"/private"))
    except InvalidTag:
        raise SlotFileCorrupted() from None


@dataclass
class Slot:
    slot_id: str
    # "personal" (the vault key sealed to the user's X25519 key), "member" (the vault key
    # under the user key), "user" (one layer, older), "recovery" or "disabled"
    kind: str
    kdf: dict[str, Any] = field(default_factory=dict)
    salt: bytes = b""
    nonce: bytes = b""
    ciphertext: bytes = b""
    wrap_nonce: bytes = b""  # member slots: the vault key under the user key
    wrap_ct: bytes = b""  # personal slots: the vault key sealed to the user's public key
    private_nonce: bytes = b""  # credentials with a private key (personal slots)
    private_ct: bytes = b""

    def as_dict(self) -> dict[str, Any]:
        data = {"id": self.slot_id, "kind": self.kind, "kdf": self.kdf, "salt": _b64(self.salt),
                "nonce": _b64(self.nonce), "ct": _b64(self.ciphertext)}
        if self.kind in ("member", "personal"):
            data.update(wn=_b64(self.wrap_nonce), wc=_b64(self.wrap_ct))
        if self.private_ct:
            data.update(pn=_b64(self.private_nonce), pc=_b64(self.private_ct))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Slot:
        kind = data["kind"]
        if kind not in ("member", "personal", "user", "recovery", "disabled", "emergency"):
            raise SlotFileCorrupted()
        slot = cls(str(data["id"]), kind, dict(data["kdf"]), _unb64(data["salt"]),
                   _unb64(data["nonce"]), _unb64(data["ct"]))
        if kind in ("member", "personal"):
            slot.wrap_nonce, slot.wrap_ct = _unb64(data["wn"]), _unb64(data["wc"])
        if data.get("pc"):
            slot.private_nonce, slot.private_ct = _unb64(data["pn"]), _unb64(data["pc"])
        if kind == "personal" and not slot.private_ct:
            raise SlotFileCorrupted()
        return slot

    def credential(self) -> dict[str, Any]:
        data = {"kdf": self.kdf, "salt": _b64(self.salt), "nonce": _b64(self.nonce),
                "ct": _b64(self.ciphertext)}
        if self.private_ct:
            data.update(pn=_b64(self.private_nonce), pc=_b64(self.private_ct))
        return data


@dataclass
class SlotFile:
    """The parsed key-slot file; writes go through :meth:`save` (atomic)."""

    vault_id: str
    name_salt: bytes
    slots: list[Slot]
    mac: str = ""

    # --- identity -----------------------------------------------------------------
    def slot_id_for(self, username: str) -> str:
        return hmac.new(self.name_salt, normalize_username(username).encode("utf-8"),
                        hashlib.sha256).hexdigest()

    def find(self, slot_id: str) -> Slot | None:
        return next((slot for slot in self.slots if slot.slot_id == slot_id), None)

    def _aad(self, slot: Slot) -> bytes:
        return _canonical({"format": FORMAT, "vault": self.vault_id, "slot": slot.slot_id,
                           "kind": slot.kind, "kdf": slot.kdf, "salt": _b64(slot.salt)})

    # --- wrapping -----------------------------------------------------------------
    def put_user(self, username: str, passphrase: str, vault_key: bytes,
                 params: KdfParams) -> None:
        slot = Slot(self.slot_id_for(username), "user", params.as_dict(),
                    secrets.token_bytes(16), secrets.token_bytes(12))
        kek = derive_argon2id(passphrase, slot.salt, params)
        self._seal(slot, kek, vault_key)

    def put_member(self, username: str, credential: dict[str, Any], user_key: bytes,
                   vault_key: bytes, public_key: bytes | None = None) -> None:
        """A two-layer slot: the shared credential, and this vault's key under the user key —
        or, when the user has a key pair (``public_key``), sealed to their public key: a
        *personal* slot, which nothing readable inside the database opens (key rotation
        relies on it, docs/security.md)."""
        personal = public_key is not None and bool(credential.get("pc"))
        slot = Slot(self.slot_id_for(username), "personal" if personal else "member",
                    dict(credential["kdf"]), _unb64(credential["salt"]),
                    _unb64(credential["nonce"]), _unb64(credential["ct"]),
                    secrets.token_bytes(12))
        if credential.get("pc"):
            slot.private_nonce = _unb64(credential["pn"])
            slot.private_ct = _unb64(credential["pc"])
        if personal:
            slot.wrap_ct = sealing.seal(bytes(public_key or b""), bytes(vault_key),
                                        self._aad(slot))
        else:
            slot.wrap_ct = AESGCM(bytes(user_key)).encrypt(slot.wrap_nonce, bytes(vault_key),
                                                           self._aad(slot))
        self.slots = [s for s in self.slots if s.slot_id != slot.slot_id] + [slot]

    def has_member(self, username: str, credential: dict[str, Any],
                   public_key: bytes | None = None) -> bool:
        """Whether the user's slot carries this credential (in the form it would be written)."""
        slot = self.find(self.slot_id_for(username))
        wanted = "personal" if public_key is not None and credential.get("pc") else "member"
        expected = {"kdf": dict(credential["kdf"]), "salt": credential["salt"],
                    "nonce": credential["nonce"], "ct": credential["ct"]}
        if credential.get("pc"):
            expected.update(pn=credential["pn"], pc=credential["pc"])
        return slot is not None and slot.kind == wanted and slot.credential() == expected

    def put_recovery(self, recovery_secret: bytes, vault_key: bytes) -> None:
        """The vault key sealed to an X25519 key derived from the recovery secret: so a key
        rotation can seal the new vault key to the same printed recovery key without
        knowing it (store/keys/rotation.py)."""
        key_salt = secrets.token_bytes(16)
        public = sealing.public_key(_recovery_private(recovery_secret, key_salt))
        self._seal_recovery(Slot(RECOVERY_SLOT_ID, "recovery", {
            "name": RECOVERY_X25519, "pub": _b64(public)}, key_salt), vault_key)

    def reseal_recovery(self, previous: Slot, vault_key: bytes) -> bool:
        """The same recovery key for a new vault key (False for a recovery slot of the older
        symmetric form, which only its secret could rewrap)."""
        if previous.kdf.get("name") != RECOVERY_X25519:
            return False
        self._seal_recovery(Slot(RECOVERY_SLOT_ID, "recovery", dict(previous.kdf),
                                 previous.salt), vault_key)
        return True

    def _seal_recovery(self, slot: Slot, vault_key: bytes) -> None:
        slot.ciphertext = sealing.seal(_unb64(slot.kdf["pub"]), bytes(vault_key),
                                       self._aad(slot))
        self.slots = [s for s in self.slots if s.slot_id != slot.slot_id] + [slot]

    def disable(self, username: str) -> None:
        """Replace a user's slot by a marker: the wrapped key is gone from the file."""
        slot_id = self.slot_id_for(username)
        self.slots = [s for s in self.slots if s.slot_id != slot_id]
        self.slots.append(Slot(slot_id, "disabled", {"name": "none"}))

    def _seal(self, slot: Slot, kek: bytes, vault_key: bytes) -> None:
        slot.ciphertext = AESGCM(kek).encrypt(slot.nonce, bytes(vault_key), self._aad(slot))
        self.slots = [s for s in self.slots if s.slot_id != slot.slot_id] + [slot]

    def unwrap_user(self, slot: Slot, passphrase: str) -> bytearray | None:
        """The vault key from a user's slot (any kind), or None for a wrong passphrase."""
        opened = self.unwrap_user_keys(slot, passphrase)
        if opened is None:
            return None
        if opened[1] is not None:
            wipe_buffer(opened[1])
        return opened[0]

    def unwrap_user_keys(self, slot: Slot,
                         passphrase: str) -> tuple[bytearray, bytearray | None] | None:
        """(vault key, the user's private key or None), or None for a wrong passphrase."""
        if slot.kind in ("member", "personal"):
            opened = open_credential_keys(slot.credential(), passphrase)
            if opened is None:
                return None
            user_key, private = opened
            try:
                if slot.kind == "personal":
                    vault_key = sealing.open_sealed(bytes(private or b""), slot.wrap_ct,
                                                    self._aad(slot))
                    if vault_key is None:
                        raise SlotFileCorrupted()
                    return bytearray(vault_key), private
                return bytearray(AESGCM(bytes(user_key)).decrypt(
                    slot.wrap_nonce, slot.wrap_ct, self._aad(slot))), private
            except InvalidTag:
                raise SlotFileCorrupted() from None
            finally:
                wipe_buffer(user_key)
        kek = derive_argon2id(passphrase, slot.salt, KdfParams.from_dict(slot.kdf))
        vault_key = self._open(slot, kek)
        return None if vault_key is None else (vault_key, None)

    def unwrap_recovery(self, secret: bytes) -> bytearray | None:
        slot = self.find(RECOVERY_SLOT_ID)
        if slot is None:
            raise SlotFileCorrupted()
        if slot.kdf.get("name") == RECOVERY_X25519:
            opened = sealing.open_sealed(_recovery_private(secret, slot.salt), slot.ciphertext,
                                         self._aad(slot))
            return None if opened is None else bytearray(opened)
        return self._open(slot, derive_recovery(secret, slot.salt))

    def _open(self, slot: Slot, kek: bytes) -> bytearray | None:
        try:
            return bytearray(AESGCM(kek).decrypt(slot.nonce, slot.ciphertext, self._aad(slot)))
        except InvalidTag:
            return None

    # --- whole-file integrity ------------------------------------------------------
    def _body(self) -> dict[str, Any]:
        return {"format": FORMAT, "vault_id": self.vault_id, "name_salt": _b64(self.name_salt),
                "slots": [slot.as_dict() for slot in self.slots]}

    @staticmethod
    def _mac_key(vault_key: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"shelterdesk/slot-file-mac/v1").derive(bytes(vault_key))

    def compute_mac(self, vault_key: bytes) -> str:
        return hmac.new(self._mac_key(vault_key), _canonical(self._body()),
                        hashlib.sha256).hexdigest()

    def mac_matches(self, vault_key: bytes) -> bool:
        return hmac.compare_digest(self.mac, self.compute_mac(vault_key))

    def to_bytes(self) -> bytes:
        body = _canonical({**self._body(), "mac": self.mac})
        checksum = hashlib.sha256(MAGIC + body).hexdigest().encode()
        return MAGIC + body + b"\n" + checksum + b"\n"

    def save(self, path: Path, vault_key: bytes) -> None:
        if self.find(EMERGENCY_SLOT_ID) is not None:
            refresh_emergency_slot(self, vault_key)
        self.mac = self.compute_mac(vault_key)
        atomic_write(path, self.to_bytes())

    @classmethod
    def new(cls, vault_id: str) -> SlotFile:
        return cls(vault_id, secrets.token_bytes(16), [])

    @classmethod
    def load(cls, path: Path) -> SlotFile:
        raw = path.read_bytes()
        return cls.parse(raw)

    @classmethod
    def parse(cls, raw: bytes) -> SlotFile:
        if not raw.startswith(MAGIC) or not raw.endswith(b"\n"):
            raise SlotFileCorrupted()
        body, sep, checksum = raw[len(MAGIC):-1].rpartition(b"\n")
        if not sep or not hmac.compare_digest(
                checksum, hashlib.sha256(MAGIC + body).hexdigest().encode()):
            raise SlotFileCorrupted()
        try:
            data = json.loads(body)
            if data["format"] != FORMAT:
                raise SlotFileCorrupted()
            slots = [Slot.from_dict(item) for item in data["slots"]]
            return cls(str(data["vault_id"]), _unb64(data["name_salt"]), slots, str(data["mac"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise SlotFileCorrupted() from exc


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file, fsync and rename: a crash leaves the old file or the new one."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def derive_subkey(vault_key: bytes | bytearray, info: bytes) -> bytes:
    """A key for one purpose (named by ``info``), derived from the vault key with HKDF."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        bytes(vault_key))


# The emergency-erase policy slot (store/keys/emergency.py) keeps a copy of the file as
# it will be after an erase; it is recomputed at every save, so it lives with the format.
def refresh_emergency_slot(slots: SlotFile, vault_key: bytes) -> None:
    """Recompute the decoys and the key-less file's MAC inside the policy slot."""
    slot = slots.find(EMERGENCY_SLOT_ID)
    if slot is None:
        return
    keyless = keyless_copy(slots)
    # The whole list in its order (the MAC covers the order); decoys are random bytes.
    slot.kdf["keyless"] = [d.as_dict() for d in keyless.slots]
    slot.kdf["post_mac"] = keyless.compute_mac(vault_key)


def keyless_copy(slots: SlotFile) -> SlotFile:
    """The same file with every user's slot replaced by a decoy and no policy slot."""
    kept: list[Slot] = []
    for slot in slots.slots:
        if slot.kind in ("member", "personal", "user"):
            kept.append(_decoy(slot))
        elif slot.kind in ("recovery", "disabled"):
            kept.append(slot)
    return SlotFile(slots.vault_id, slots.name_salt, kept)


def _decoy(slot: Slot) -> Slot:
    """Random bytes in a member slot's shape: no passphrase opens it."""
    if slot.kind == "personal":
        return Slot(slot.slot_id, "personal", dict(slot.kdf), secrets.token_bytes(16),
                    secrets.token_bytes(12), secrets.token_bytes(48), secrets.token_bytes(12),
                    secrets.token_bytes(len(slot.wrap_ct)), secrets.token_bytes(12),
                    secrets.token_bytes(len(slot.private_ct)))
    return Slot(slot.slot_id, "member", dict(slot.kdf) if slot.kind == "member" else
                {**slot.kdf}, secrets.token_bytes(16), secrets.token_bytes(12),
                secrets.token_bytes(48), secrets.token_bytes(12), secrets.token_bytes(48))
