"""Enrollment: a one-time code on one laptop, a new laptop joining with it.

The code carries 80 random bits (16 Crockford symbols and a check symbol,
``ABCD-EFGH-JKMN-PQRS-T``). From it HKDF derives where the invitation lies in
the transport and the key it is sealed under (AES-256-GCM), so the folder or
relay holds only ciphertext, and nobody without the code can find or open
it. The invitation carries what the new laptop needs: the organisation's id
and name, the case-code prefix, every key epoch, the device registry, and the
private half of a key made for this invitation alone; the inviting laptop logs
the public half in its own (signed) envelope stream. The new laptop signs its
announcement with that key, which is how every other laptop learns to trust
it. The invitation file is deleted once used, and expires.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shelterdesk.domain import case_codes
from shelterdesk.store.connection import Connection
from shelterdesk.store.replication import case_keys, changes, registry
from shelterdesk.sync import crypto, records
from shelterdesk.sync.errors import (
    InvalidEnrollmentCode,
    InvitationExpired,
    InvitationNotFound,
)
from shelterdesk.sync.transport import Transport

SECRET_BYTES = 10
SYMBOLS = 16
DEFAULT_VALID_HOURS = 72
_ALPHABET = case_codes.ALPHABET
_READ = {ch: i for i, ch in enumerate(_ALPHABET)} | {"O": 0, "I": 1, "L": 1}


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


def _package_key(secret: bytes) -> bytes:
    return crypto.hkdf(secret, b"shelterdesk/invite-key/v1")


def create(connection: Connection, *, org_name: str, prefix: str,
           valid_hours: int = DEFAULT_VALID_HOURS) -> tuple[Invitation, bytes]:
    """A new invitation (caller's transaction): logs its public key in this device's stream,
    and returns the code and the sealed package to put in the transport."""
    ident = registry.identity(connection)
    secret = secrets.token_bytes(SECRET_BYTES)
    invite_id = invite_id_for(secret)
    invite_key = crypto.new_signing_key()
    invite_pub = crypto.signing_public(invite_key)
    expires = (datetime.now(UTC) + timedelta(hours=valid_hours)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    changes.append_control(connection, "invite", invite_id, {
        "invite_pub": records.b64(invite_pub), "expires_at": expires})
    registry.add_invite(connection, invite_id, ident.device_id, invite_pub, expires, own=True)
    case_keys.ensure_all(connection, crypto.random_key)
    package = {
        "format": 1, "org_id": ident.org_id, "org_name": org_name, "case_prefix": prefix,
        "inviter": ident.device_id, "invite_id": invite_id, "expires_at": expires,
        "invite_key": records.b64(invite_key),
        "epochs": {str(n): records.b64(k) for n, k in registry.epoch_keys(connection).items()},
        "devices": [{"id": d.device_id, "sign_pub": records.b64(d.sign_pub),
                     "kx_pub": records.b64(d.kx_pub), "label": d.label, "added_by": d.added_by,
                     "invite_id": d.invite_id, "revoked_after": d.revoked_after}
                    for d in registry.devices(connection)],
        "schema": registry.schema_version(connection),
        # Client keys travel with the organisation's keys (sync/shredding.py); an erasure
        # withdraws every open invitation, since this package would keep the erased key.
        "case_keys": {c: records.b64(k) for c, k in case_keys.held(connection).items()},
    }
    plaintext = json.dumps(package, sort_keys=True).encode()
    nonce, ciphertext = crypto.encrypt(_package_key(secret), plaintext,
                                       records.INVITATION + bytes.fromhex(invite_id))
    return Invitation(format_code(secret), invite_id, expires), \
        records.INVITATION + nonce + ciphertext


def open_package(transport: Transport, secret: bytes) -> dict[str, Any]:
    """The invitation's content; InvitationNotFound / InvitationExpired otherwise."""
    invite_id = invite_id_for(secret)
    blob = transport.get_invitation(invite_id)
    if blob is None or not blob.startswith(records.INVITATION) or len(blob) < 4 + 12 + 16:
        raise InvitationNotFound()
    try:
        plaintext = crypto.decrypt(_package_key(secret), blob[4:16], blob[16:],
                                   records.INVITATION + bytes.fromhex(invite_id))
        package = json.loads(plaintext)
    except (crypto.DecryptionFailed, ValueError):
        raise InvitationNotFound() from None
    if package.get("format") != 1 or package.get("invite_id") != invite_id:
        raise InvitationNotFound()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if str(package.get("expires_at", "")) < now:
        raise InvitationExpired()
    return package


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
    return registry.identity(connection)
