"""The `.sdreferral` file: a signed message sealed to one organisation (docs/referral-exchange.md).

Sign, then seal: the message (canonical JSON naming sender and recipient keys) is signed
with the sender's Ed25519 key; message and signature are sealed to the recipient's X25519
key (ephemeral-static ECDH, HKDF-SHA256, AES-256-GCM), with the file's cleartext header as
associated data. All primitives from ``cryptography``.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_

FORMAT = "shelterdesk-referral-exchange"
VERSION = 1
SUFFIX = ".sdreferral"
HKDF_INFO = b"shelterdesk/referral-exchange/v1"
MAX_FILE_BYTES = 8 * 1024 * 1024
_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw


class NotAnExchangeFile(UserFacingError):
    message = N_("“{file}” is not a referral file from ShelterDesk, or it is damaged.")


class NewerExchangeVersion(UserFacingError):
    message = N_("“{file}” was made by a newer ShelterDesk (exchange version {version}); "
                 "update ShelterDesk to open it.")


class WrongRecipient(UserFacingError):
    message = N_("“{file}” was sealed for another organisation, not for yours: it cannot be "
                 "opened here.")


class TamperedFile(UserFacingError):
    message = N_("“{file}” has been altered or damaged since it was sealed: it was refused.")


@dataclass(frozen=True)
class Keys:
    """One organisation's key pairs (private halves raw, 32 bytes each)."""

    signing_private: bytes
    exchange_private: bytes

    @property
    def signing_public(self) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.signing_private).public_key() \
            .public_bytes(_RAW, _RAW_PUBLIC)

    @property
    def exchange_public(self) -> bytes:
        return X25519PrivateKey.from_private_bytes(self.exchange_private).public_key() \
            .public_bytes(_RAW, _RAW_PUBLIC)


def new_keys() -> Keys:
    return Keys(Ed25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIVATE,
                                                           serialization.NoEncryption()),
                X25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIVATE,
                                                          serialization.NoEncryption()))


def canonical(value: Any) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class Protocol:
    """A family of sealed files in the same envelope. Its HKDF label keeps one family's
    file from ever opening as another's (a statistics submission is no referral message),
    while the cleartext header stays the same for every family, so a relay or anyone
    holding a file cannot tell which family it belongs to."""

    format: str
    info: bytes


REFERRALS = Protocol(FORMAT, HKDF_INFO)
# Quarterly statistics submissions (docs/statistics-exchange.md): the same envelope, so
# nobody holding a file can tell the two apart, and their own key label, so neither ever
# opens as the other.
STATISTICS = Protocol(FORMAT, b"shelterdesk/statistics-exchange/v1")


def _key(shared: bytes, ephemeral: bytes, recipient: bytes, info: bytes = HKDF_INFO) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient,
                info=info).derive(shared)


def header(recipient_exchange_key: bytes, protocol: Protocol = REFERRALS) -> dict[str, Any]:
    return {"format": protocol.format, "version": VERSION, "to": recipient_exchange_key.hex()}


def seal(sender: Keys, recipient_signing_key: bytes, recipient_exchange_key: bytes,
         message: dict[str, Any], protocol: Protocol = REFERRALS) -> bytes:
    """The file's bytes. ``message`` gains ``from``/``to`` (both signing keys) before signing."""
    body = dict(message, **{"from": sender.signing_public.hex(),
                            "to": recipient_signing_key.hex()})
    signed = canonical(body)
    signature = Ed25519PrivateKey.from_private_bytes(sender.signing_private).sign(signed)
    inner = canonical({"message": _b64(signed), "signature": _b64(signature)})
    top = header(recipient_exchange_key, protocol)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_exchange_key))
    nonce = secrets.token_bytes(12)
    ciphertext = AESGCM(_key(shared, ephemeral_public, recipient_exchange_key,
                             protocol.info)).encrypt(
        nonce, inner, canonical(top))
    return canonical(dict(top, sealed=_b64(ephemeral_public + nonce + ciphertext))) + b"\n"


@dataclass(frozen=True)
class Opened:
    """A file opened and its signature checked against the key it names (not yet trusted:
    the caller looks that key up among confirmed partners)."""

    sender_signing_key: bytes
    message: dict[str, Any]


def open_file(mine: Keys, data: bytes, file_name: str,
              protocol: Protocol = REFERRALS) -> Opened:
    """Open a file sealed to us; refuse anything malformed, for others, or altered."""
    if len(data) > MAX_FILE_BYTES:
        raise NotAnExchangeFile(file=file_name)
    try:
        outer = json.loads(data.decode("utf-8"))
        if not isinstance(outer, dict) or outer.get("format") != protocol.format:
            raise ValueError("format")
        version = outer.get("version")
        if not isinstance(version, int):
            raise ValueError("version")
    except (ValueError, UnicodeDecodeError):
        raise NotAnExchangeFile(file=file_name) from None
    if version > VERSION:
        raise NewerExchangeVersion(file=file_name, version=version)
    if version != VERSION:
        raise NotAnExchangeFile(file=file_name)
    own = mine.exchange_public
    if outer.get("to") != own.hex():
        raise WrongRecipient(file=file_name)
    try:
        sealed = _unb64(outer.get("sealed"))
        if len(sealed) < 32 + 12 + 16:
            raise ValueError("short")
        ephemeral_public, nonce, ciphertext = sealed[:32], sealed[32:44], sealed[44:]
        shared = X25519PrivateKey.from_private_bytes(mine.exchange_private).exchange(
            X25519PublicKey.from_public_bytes(ephemeral_public))
        inner = json.loads(AESGCM(_key(shared, ephemeral_public, own, protocol.info)).decrypt(
            nonce, ciphertext, canonical(header(own, protocol))))
        signed, signature = _unb64(inner["message"]), _unb64(inner["signature"])
        message = json.loads(signed.decode("utf-8"))
        sender = bytes.fromhex(message["from"])
        Ed25519PublicKey.from_public_bytes(sender).verify(signature, signed)
    except (InvalidTag, InvalidSignature, ValueError, KeyError, TypeError,
            UnicodeDecodeError):
        raise TamperedFile(file=file_name) from None
    if not isinstance(message, dict) or message.get("to") != mine.signing_public.hex():
        raise WrongRecipient(file=file_name)
    return Opened(sender, message)


def opens_as(mine: Keys, data: bytes, protocol: Protocol) -> bool:
    """Whether a file sealed to us belongs to ``protocol``'s family (its key label opens it):
    which reader a mailbox item goes to, and a clear refusal for a file of the other family."""
    try:
        open_file(mine, data, "", protocol)
    except (NotAnExchangeFile, NewerExchangeVersion, WrongRecipient, TamperedFile):
        return False
    return True
