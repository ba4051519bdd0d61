"""Enrollment: a one-time code bootstraps a key exchange; the keys go only to the laptop the
coordinator confirmed.

The code carries 80 random bits (16 Crockford symbols and a check symbol,
``ABCD-EFGH-JKMN-PQRS-T``). From it HKDF derives where the exchange lies in the
transport (the invitation id) and a *code key*. The code key hides only the
exchange's small messages, which hold public keys and nothing secret:

1. **offer** (inviting laptop): a commitment ``SHA-256(inviter's ephemeral X25519 key)``
   and the expiry, sealed under the code key;
2. **request** (new laptop, once: a second one is refused): its own ephemeral X25519
   public key, sealed under the code key;
3. **answer** (inviting laptop): its ephemeral public key, which must match the
   commitment. Both laptops now show the same six-digit *short authentication string*
   (SAS) computed from the transcript (id, commitment, both public keys);
4. **package** (inviting laptop, only after the coordinator confirmed that the digits
   match): the organisation's keys, device registry and invitation key, sealed under
   AES-256-GCM with a key derived from the X25519 exchange — the code opens nothing of it.

Whoever holds the code alone learns two public keys. To get the keys they would have
to sit in the middle of the exchange, and then the two screens show different digits
(the commitment stops them from choosing their key after seeing the inviter's: one
chance in a million). The inviting laptop derives its ephemeral key and the
invitation's signing key from its own device key and the invitation id, so that
``device confirm`` in another process needs nothing stored but the code typed again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shelterdesk.domain import case_codes
from shelterdesk.store.connection import Connection
from shelterdesk.store.keys import roster
from shelterdesk.store.replication import case_keys, changes, registry
from shelterdesk.sync import crypto, records
from shelterdesk.sync.errors import (
    EnrollmentCancelled,
    EnrollmentOutdated,
    EnrollmentTimedOut,
    InvalidEnrollmentCode,
    InvitationExpired,
    InvitationNotFound,
    InvitationTaken,
    SasMismatch,
)
from shelterdesk.sync.transport import Transport

SECRET_BYTES = 10
SYMBOLS = 16
DEFAULT_VALID_HOURS = 72
FORMAT = 2
SAS_DIGITS = 6
OFFER, ANSWER, PACKAGE = 1, 2, 3
BLOB_MAGIC = b"SDI2"  # invitation blob of the key exchange (stage byte follows)
REQUEST_MAGIC = b"SDR2"
_ALPHABET = case_codes.ALPHABET
_READ = {ch: i for i, ch in enumerate(_ALPHABET)} | {"O": 0, "I": 1, "L": 1}
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Invitation:
    code: str
    invite_id: str
    expires_at: str


def format_code(secret: bytes) -> str:
    value = int.from_bytes(secret, "big")
    symbols = "".join(_ALPHABET[(value >> (5 * (SYMBOLS - 1 - i))) & 31] for i in range(SYMBOLS))
    groups = [symbols[i:i + 4] for i in range(0, SYMBOLS, 4)]
    return "-".join(groups + [case_codes.luhn_check(symbols)])


def parse_code(text: str) -> bytes:
    """The secret in a typed code; InvalidEnrollmentCode for a typo (check symbol)."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -")
    if len(cleaned) != SYMBOLS + 1 or any(ch not in _READ for ch in cleaned):
        raise InvalidEnrollmentCode()
    symbols = "".join(_ALPHABET[_READ[ch]] for ch in cleaned)
    if case_codes.luhn_check(symbols[:SYMBOLS]) != symbols[SYMBOLS]:
        raise InvalidEnrollmentCode()
    value = 0
    for ch in symbols[:SYMBOLS]:
        value = (value << 5) | _READ[ch]
    return value.to_bytes(SECRET_BYTES, "big")


def invite_id_for(secret: bytes) -> str:
    return crypto.hkdf(secret, b"shelterdesk/invite-id/v1", length=16).hex()


def _code_key(secret: bytes) -> bytes:
    return crypto.hkdf(secret, b"shelterdesk/invite-code-key/v2")


def _now() -> str:
    return datetime.now(UTC).strftime(_STAMP)


# --- the sealed small messages -------------------------------------------------------------
def _seal_blob(key: bytes, magic: bytes, stage: int, invite_id: str, body: dict) -> bytes:
    head = magic + bytes([stage])
    nonce, ciphertext = crypto.encrypt(key, json.dumps(body, sort_keys=True).encode(),
                                       head + bytes.fromhex(invite_id))
    return head + nonce + ciphertext


def _open_blob(key: bytes, magic: bytes, invite_id: str, blob: bytes) -> tuple[int, dict]:
    if blob.startswith(records.INVITATION):
        raise EnrollmentOutdated()
    if not blob.startswith(magic) or len(blob) < 5 + crypto.NONCE_BYTES + 16:
        raise InvitationNotFound()
    head = blob[:5]
    try:
        plaintext = crypto.decrypt(key, blob[5:17], blob[17:], head + bytes.fromhex(invite_id))
        body = json.loads(plaintext)
    except (crypto.DecryptionFailed, ValueError):
        raise InvitationNotFound() from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise EnrollmentOutdated()
    return blob[4], body


# --- keys derived on the inviting laptop ---------------------------------------------------
def _inviter_exchange_key(device_key: bytes, invite_id: str) -> bytes:
    return crypto.hkdf(device_key, b"shelterdesk/invite-exchange/v2" + bytes.fromhex(invite_id))


def _invite_signing_key(device_key: bytes, invite_id: str) -> bytes:
    return crypto.hkdf(device_key, b"shelterdesk/invite-sign/v2" + bytes.fromhex(invite_id))


def _commit(public: bytes) -> str:
    return hashlib.sha256(b"shelterdesk/invite-commit/v2" + public).hexdigest()


def _transcript(invite_id: str, commit: str, joiner_pub: bytes, inviter_pub: bytes) -> bytes:
    return hashlib.sha256(b"shelterdesk/enroll/v2\n" + bytes.fromhex(invite_id) + bytes.fromhex(
        commit) + joiner_pub + inviter_pub).digest()


def sas_for(transcript: bytes) -> str:
    """Six digits both screens show ("123 456"); equal only if nobody sat in between."""
    value = int.from_bytes(crypto.hkdf(transcript, b"shelterdesk/sas/v2", length=8), "big")
    digits = f"{value % 10 ** SAS_DIGITS:0{SAS_DIGITS}d}"
    return f"{digits[:3]} {digits[3:]}"


def normal_sas(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _session_key(own_private: bytes, peer_public: bytes, transcript: bytes) -> bytes:
    shared = crypto.exchange(own_private, peer_public)
    return crypto.hkdf(shared, b"shelterdesk/enroll-key/v2", salt=transcript)


# --- inviting laptop ---------------------------------------------------------------------
def create(connection: Connection, *, valid_hours: int = DEFAULT_VALID_HOURS,
           sign: Callable[[str, dict[str, Any]], dict[str, str] | None] = lambda _i, _f: None
           ) -> tuple[Invitation, bytes]:
    """A new invitation (caller's transaction): logs its public key in this device's stream,
    and returns the code and the offer to put in the transport (no key of the org in it).
    ``sign(invite_id, fields)`` gives the coordinator's signed statement for it (the roster)."""
    ident = registry.identity(connection)
    secret = secrets.token_bytes(SECRET_BYTES)
    invite_id = invite_id_for(secret)
    invite_pub = crypto.signing_public(_invite_signing_key(ident.sign_key, invite_id))
    expires = (datetime.now(UTC) + timedelta(hours=valid_hours)).strftime(_STAMP)
    control: dict[str, Any] = {"invite_pub": records.b64(invite_pub), "expires_at": expires}
    statement = sign(invite_id, dict(control))
    if statement is not None:
        control["statement"] = statement
    changes.append_control(connection, "invite", invite_id, control)
    registry.add_invite(connection, invite_id, ident.device_id, invite_pub, expires, own=True)
    exchange_pub = crypto.exchange_public(_inviter_exchange_key(ident.sign_key, invite_id))
    offer = _seal_blob(_code_key(secret), BLOB_MAGIC, OFFER, invite_id, {
        "format": FORMAT, "commit": _commit(exchange_pub), "expires_at": expires})
    return Invitation(format_code(secret), invite_id, expires), offer


@dataclass(frozen=True)
class Answered:
    """What the inviting laptop knows once the new laptop asked: the digits to compare."""

    invite_id: str
    sas: str
    blob: bytes  # the answer to put in the transport


def _own_invite(connection: Connection, invite_id: str) -> registry.Invite:
    invite = registry.invite(connection, invite_id)
    if invite is None or not invite.own:
        raise InvitationNotFound()
    if invite.expires_at < _now():
        raise InvitationExpired()
    if invite.used_by:
        raise InvitationTaken()
    return invite


def _joiner_pub(secret: bytes, invite_id: str, request: bytes | None) -> bytes | None:
    if request is None:
        return None
    if not request.startswith(REQUEST_MAGIC):
        raise EnrollmentOutdated()
    _stage, body = _open_blob(_code_key(secret), REQUEST_MAGIC, invite_id, request)
    public = records.unb64(body.get("exchange_pub", ""))
    if len(public) != crypto.KEY_BYTES:
        raise InvitationNotFound()
    return public


def answer(connection: Connection, secret: bytes, request: bytes | None) -> Answered | None:
    """The inviting laptop's answer to the new laptop's request (None: it has not asked yet)."""
    invite_id = invite_id_for(secret)
    invite = _own_invite(connection, invite_id)
    joiner_pub = _joiner_pub(secret, invite_id, request)
    if joiner_pub is None:
        return None
    private = _inviter_exchange_key(registry.identity(connection).sign_key, invite_id)
    inviter_pub = crypto.exchange_public(private)
    commit = _commit(inviter_pub)
    blob = _seal_blob(_code_key(secret), BLOB_MAGIC, ANSWER, invite_id, {
        "format": FORMAT, "commit": commit, "exchange_pub": records.b64(inviter_pub),
        "expires_at": invite.expires_at})
    return Answered(invite_id, sas_for(_transcript(invite_id, commit, joiner_pub, inviter_pub)),
                    blob)


def package(connection: Connection, secret: bytes, request: bytes | None, sas: str, *,
            org_name: str, prefix: str) -> bytes:
    """The organisation's keys for the new laptop, sealed to its exchange key; only when the
    digits the coordinator typed are the ones this laptop computed (SasMismatch otherwise)."""
    answered = answer(connection, secret, request)
    if answered is None:
        raise InvitationNotFound()
    if not secrets.compare_digest(normal_sas(sas), normal_sas(answered.sas)):
        raise SasMismatch()
    invite_id = answered.invite_id
    ident = registry.identity(connection)
    private = _inviter_exchange_key(ident.sign_key, invite_id)
    inviter_pub = crypto.exchange_public(private)
    commit = _commit(inviter_pub)
    joiner_pub = _joiner_pub(secret, invite_id, request)
    assert joiner_pub is not None
    transcript = _transcript(invite_id, commit, joiner_pub, inviter_pub)
    invite = _own_invite(connection, invite_id)
    case_keys.ensure_all(connection, crypto.random_key)
    content = {
        "format": FORMAT, "org_id": ident.org_id, "org_name": org_name, "case_prefix": prefix,
        "inviter": ident.device_id, "invite_id": invite_id, "expires_at": invite.expires_at,
        "invite_key": records.b64(_invite_signing_key(ident.sign_key, invite_id)),
        "epochs": {str(n): records.b64(k) for n, k in registry.epoch_keys(connection).items()},
        "devices": [{"id": d.device_id, "sign_pub": records.b64(d.sign_pub),
                     "kx_pub": records.b64(d.kx_pub), "label": d.label, "added_by": d.added_by,
                     "invite_id": d.invite_id, "revoked_after": d.revoked_after}
                    for d in registry.devices(connection)],
        "schema": registry.schema_version(connection),
        "roster_root": roster.root(connection) or "",
        # Client keys travel with the organisation's keys (sync/shredding.py); an erasure
        # withdraws every open invitation, since this package would keep the erased key.
        "case_keys": {c: records.b64(k) for c, k in case_keys.held(connection).items()},
    }
    nonce, sealed = crypto.encrypt(_session_key(private, joiner_pub, transcript),
                                   json.dumps(content, sort_keys=True).encode(),
                                   b"shelterdesk/enroll-package/v2" + transcript)
    return _seal_blob(_code_key(secret), BLOB_MAGIC, PACKAGE, invite_id, {
        "format": FORMAT, "commit": commit, "exchange_pub": records.b64(inviter_pub),
        "expires_at": invite.expires_at, "sealed": records.b64(nonce + sealed)})


# --- new laptop ----------------------------------------------------------------------------
@dataclass
class PendingJoin:
    """The new laptop's side of one exchange (its ephemeral key lives only in memory)."""

    secret: bytes
    invite_id: str
    commit: str
    expires_at: str
    private: bytes
    sas: str = ""
    transcript: bytes = b""


def _fetch(transport: Transport, secret: bytes) -> tuple[int, dict]:
    invite_id = invite_id_for(secret)
    blob = transport.get_invitation(invite_id)
    if blob is None:
        raise InvitationNotFound()
    stage, body = _open_blob(_code_key(secret), BLOB_MAGIC, invite_id, blob)
    if str(body.get("expires_at", "")) < _now():
        raise InvitationExpired()
    return stage, body


def request(transport: Transport, secret: bytes) -> PendingJoin:
    """Read the offer and ask to join with a fresh exchange key (once per code)."""
    stage, body = _fetch(transport, secret)
    if stage != OFFER:
        raise InvitationTaken()
    invite_id = invite_id_for(secret)
    private = crypto.new_exchange_key()
    blob = _seal_blob(_code_key(secret), REQUEST_MAGIC, 0, invite_id, {
        "format": FORMAT, "exchange_pub": records.b64(crypto.exchange_public(private))})
    if not transport.post_enrollment_request(invite_id, blob):
        raise InvitationTaken()
    return PendingJoin(secret, invite_id, str(body["commit"]), str(body["expires_at"]), private)


def _check_answer(pending: PendingJoin, body: dict) -> bytes:
    inviter_pub = records.unb64(body.get("exchange_pub", ""))
    if body.get("commit") != pending.commit or _commit(inviter_pub) != pending.commit:
        raise InvitationNotFound()  # someone else's answer: never show digits for it
    pending.transcript = _transcript(pending.invite_id, pending.commit,
                                     crypto.exchange_public(pending.private), inviter_pub)
    pending.sas = sas_for(pending.transcript)
    return inviter_pub


def read_answer(transport: Transport, pending: PendingJoin) -> str | None:
    """The digits to show, once the inviting laptop answered (None before)."""
    stage, body = _fetch(transport, pending.secret)
    if stage == OFFER:
        return None
    _check_answer(pending, body)
    return pending.sas


def read_package(transport: Transport, pending: PendingJoin) -> dict[str, Any] | None:
    """The organisation's keys once the coordinator confirmed (None before)."""
    stage, body = _fetch(transport, pending.secret)
    if stage != PACKAGE:
        return None
    inviter_pub = _check_answer(pending, body)
    raw = records.unb64(body.get("sealed", ""))
    try:
        plaintext = crypto.decrypt(
            _session_key(pending.private, inviter_pub, pending.transcript), raw[:12], raw[12:],
            b"shelterdesk/enroll-package/v2" + pending.transcript)
        content = json.loads(plaintext)
    except (crypto.DecryptionFailed, ValueError):
        raise InvitationNotFound() from None
    if content.get("format") != FORMAT or content.get("invite_id") != pending.invite_id:
        raise InvitationNotFound()
    return content


def wait_for(step: Callable[[], Any], seconds: float, poll: float = 1.0,
             stop: Callable[[], bool] | None = None) -> Any:
    """Call ``step`` until it returns something (EnrollmentTimedOut after ``seconds``,
    EnrollmentCancelled as soon as ``stop()`` says so)."""
    deadline = time.monotonic() + seconds
    while True:
        if stop is not None and stop():
            raise EnrollmentCancelled()
        found = step()
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise EnrollmentTimedOut()
        time.sleep(poll)


def adopt(connection: Connection, package: dict[str, Any]) -> registry.Identity:
    """Make this (new, empty) vault a device of the invitation's organisation."""
    ident = registry.identity(connection)
    sign_key, kx_key = crypto.new_signing_key(), crypto.new_exchange_key()
    registry.set_identity(connection, package["org_id"], sign_key, kx_key)
    for number, key in package["epochs"].items():
        registry.add_epoch(connection, int(number), records.unb64(key), package["inviter"])
    for client, key in dict(package.get("case_keys", {})).items():
        case_keys.adopt(connection, str(client), records.unb64(key))
    for entry in package["devices"]:
        registry.add_device(connection, entry["id"], records.unb64(entry["sign_pub"]),
                            records.unb64(entry["kx_pub"]), label=entry.get("label", ""),
                            added_by=entry.get("added_by", ""),
                            invite_id=entry.get("invite_id", ""))
        if entry.get("revoked_after") is not None:
            registry.revoke_device(connection, entry["id"], int(entry["revoked_after"]))
    invite_key = records.unb64(package["invite_key"])
    registry.add_invite(connection, package["invite_id"], package["inviter"],
                        crypto.signing_public(invite_key), package["expires_at"])
    registry.add_device(connection, ident.device_id, crypto.signing_public(sign_key),
                        crypto.exchange_public(kx_key), added_by=package["inviter"],
                        invite_id=package["invite_id"])
    registry.mark_invite_used(connection, package["invite_id"], ident.device_id)
    if package.get("roster_root"):  # the founding key this laptop will believe roles from
        roster.pin_root(connection, str(package["roster_root"]))
    return registry.identity(connection)
