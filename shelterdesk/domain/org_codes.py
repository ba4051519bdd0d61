"""Organisation codes and safety numbers: how two organisations learn and check each other's keys.

An *organisation code* is the text a partner types or scans (also drawn as a QR code):
the organisation's name, its relay mailbox if it has one, and its two public keys
(Ed25519 for signatures, X25519 for sealing), a version and a checksum, in base32 so it
survives being read aloud, typed or copied. A *safety number* is computed from both
organisations' keys, the same on both sides; people compare it aloud or at a coalition
meeting before trusting the keys.
Pure Python (hashlib, base64): both front ends and the store share it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_

PREFIX = "SDORG"
VERSION = 1
KEY_BYTES = 32
CHECK_BYTES = 4
MAX_NAME_BYTES = 200
FINGERPRINT_ROUNDS = 5200  # as Signal's numeric fingerprints: slow to search for a lookalike
_SEPARATORS = re.compile(r"[\s\-_.:]+")


class BadOrganisationCode(UserFacingError):
    message = N_("This is not an organisation code that ShelterDesk can read (a letter may be "
                 "mistyped, or the code is cut short). Ask the organisation to read it again.")


class UnsupportedCodeVersion(UserFacingError):
    message = N_("This organisation code was made by a newer ShelterDesk (version {version}); "
                 "update ShelterDesk to read it.")


@dataclass(frozen=True)
class OrganisationCode:
    """What a code carries: a name and the two public keys (32 bytes each)."""

    name: str
    signing_key: bytes
    exchange_key: bytes
    version: int = VERSION
    mailbox: str = ""  # the relay mailbox partners drop sealed files into, if any


def encode(code: OrganisationCode) -> str:
    """``SDORG1-`` then base32 (no padding) of version | keys | name, with a 4-byte
    SHA-256 checksum, in groups of five letters."""
    # Cut at a byte limit without splitting a letter in two.
    name = code.name.strip().encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore") \
        .encode("utf-8")
    mailbox = code.mailbox.strip().encode("utf-8")
    if len(mailbox) > MAX_NAME_BYTES:
        raise ValueError("mailbox address too long")
    if len(code.signing_key) != KEY_BYTES or len(code.exchange_key) != KEY_BYTES:
        raise ValueError("public keys are 32 bytes")
    body = bytes([code.version]) + code.signing_key + code.exchange_key + bytes([len(name)]) \
        + name + bytes([len(mailbox)]) + mailbox
    body += hashlib.sha256(body).digest()[:CHECK_BYTES]
    letters = base64.b32encode(body).decode("ascii").rstrip("=")
    groups = [letters[i:i + 5] for i in range(0, len(letters), 5)]
    return f"{PREFIX}{code.version}-" + "-".join(groups)


def decode(text: str) -> OrganisationCode:
    """The code a person typed, pasted or scanned; spaces, dashes and case do not matter."""
    cleaned = _SEPARATORS.sub("", text or "").upper()
    if not cleaned.startswith(PREFIX) or len(cleaned) < len(PREFIX) + 2:
        raise BadOrganisationCode()
    version_text, letters = cleaned[len(PREFIX)], cleaned[len(PREFIX) + 1:]
    if not version_text.isdigit():
        raise BadOrganisationCode()
    if int(version_text) != VERSION:
        raise UnsupportedCodeVersion(version=version_text)
    try:
        body = base64.b32decode(letters + "=" * (-len(letters) % 8))
    except ValueError:
        raise BadOrganisationCode() from None
    if base64.b32encode(body).decode("ascii").rstrip("=") != letters:
        raise BadOrganisationCode()  # unused bits of the last letter set: a typo there
    if len(body) < 1 + 2 * KEY_BYTES + 2 + CHECK_BYTES:
        raise BadOrganisationCode()
    payload, check = body[:-CHECK_BYTES], body[-CHECK_BYTES:]
    if hashlib.sha256(payload).digest()[:CHECK_BYTES] != check or payload[0] != VERSION:
        raise BadOrganisationCode()
    signing, exchange = payload[1:33], payload[33:65]
    length = payload[65]
    end = 66 + length
    if len(payload) < end + 1 or len(payload) != end + 1 + payload[end]:
        raise BadOrganisationCode()
    try:
        name = payload[66:end].decode("utf-8")
        mailbox = payload[end + 1:].decode("utf-8")
    except UnicodeDecodeError:
        raise BadOrganisationCode() from None
    return OrganisationCode(name, signing, exchange, payload[0], mailbox)


def _fingerprint(signing_key: bytes, exchange_key: bytes) -> str:
    """30 digits for one organisation: iterated SHA-512 over its keys, 6 groups of 5."""
    digest = b"\x00\x00" + signing_key + exchange_key
    for _ in range(FINGERPRINT_ROUNDS):
        digest = hashlib.sha512(digest + signing_key + exchange_key).digest()
    return "".join(f"{int.from_bytes(digest[i:i + 5], 'big') % 100000:05d}"
                   for i in range(0, 30, 5))


def safety_number(ours: tuple[bytes, bytes], theirs: tuple[bytes, bytes]) -> str:
    """60 digits in 12 groups of 5, the same on both sides (the two halves are sorted)."""
    halves = sorted([_fingerprint(*ours), _fingerprint(*theirs)])
    digits = "".join(halves)
    return " ".join(digits[i:i + 5] for i in range(0, 60, 5))
