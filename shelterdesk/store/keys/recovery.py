"""Recovery keys a person can copy by hand: Crockford base32 groups with check characters.

128 random bits become 26 symbols; 4 more symbols (20 bits of SHA-256) catch a
typo before any key derivation. Printed as six groups of five.
"""

from __future__ import annotations

import hashlib
import secrets

from shelterdesk.store.errors import InvalidRecoveryKey

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {ch: i for i, ch in enumerate(ALPHABET)}
# Crockford's forgiving reading: letters people confuse with digits.
_DECODE.update({"O": 0, "I": 1, "L": 1})
KEY_BYTES = 16
KEY_SYMBOLS = 26
CHECK_SYMBOLS = 4
GROUP = 5


def _encode(value: int, symbols: int) -> str:
    return "".join(ALPHABET[(value >> (5 * (symbols - 1 - i))) & 31] for i in range(symbols))


def _check(key: bytes) -> str:
    digest = int.from_bytes(hashlib.sha256(b"shelterdesk-recovery" + key).digest()[:3], "big")
    return _encode(digest >> 4, CHECK_SYMBOLS)


def generate() -> tuple[bytes, str]:
    """A new recovery secret and its printable form."""
    key = secrets.token_bytes(KEY_BYTES)
    return key, format_key(key)


def format_key(key: bytes) -> str:
    symbols = _encode(int.from_bytes(key, "big") << 2, KEY_SYMBOLS) + _check(key)
    return "-".join(symbols[i:i + GROUP] for i in range(0, len(symbols), GROUP))


def groups(text: str) -> list[str]:
    return text.split("-")


def parse(text: str) -> bytes:
    """The secret behind a typed key; InvalidRecoveryKey for any typo."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    if len(cleaned) != KEY_SYMBOLS + CHECK_SYMBOLS or any(ch not in _DECODE for ch in cleaned):
        raise InvalidRecoveryKey()
    value = 0
    for ch in cleaned[:KEY_SYMBOLS]:
        value = (value << 5) | _DECODE[ch]
    if value & 0b11:
        raise InvalidRecoveryKey()
    key = (value >> 2).to_bytes(KEY_BYTES, "big")
    check = "".join(ALPHABET[_DECODE[ch]] for ch in cleaned[KEY_SYMBOLS:])
    if check != _check(key):
        raise InvalidRecoveryKey()
    return key
