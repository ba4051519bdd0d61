"""Pseudonymous case codes: PREFIX-YY-XXXXXX-C, random, with a Luhn mod 32 check character.

Never derived from a name or a birth date. Six random symbols give 2^30
codes per prefix and year; the store retries on the rare local collision.
"""

from __future__ import annotations

import random
import re
import secrets
from datetime import date

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
RANDOM_SYMBOLS = 6
_PATTERN = re.compile(r"^([A-Z0-9]{2,6})-(\d{2})-([0-9A-Z]{6})-([0-9A-Z])$")


def luhn_check(symbols: str) -> str:
    """Luhn mod N: catches every single substitution and every adjacent swap but 0↔Z."""
    factor, total, n = 2, 0, len(ALPHABET)
    for ch in reversed(symbols):
        addend = factor * _VALUE[ch]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def _payload(prefix: str, year: str, random_part: str) -> str:
    return "".join(ch for ch in prefix + year + random_part if ch in _VALUE)


def generate(prefix: str, on: date, rng: random.Random | None = None) -> str:
    """A new code; ``rng`` only for reproducible synthetic data, never for real cases."""
    year = f"{on.year % 100:02d}"
    choose = rng.choice if rng is not None else secrets.choice
    random_part = "".join(choose(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return f"{prefix}-{year}-{random_part}-{luhn_check(_payload(prefix, year, random_part))}"


def normalize(code: str) -> str:
    """Upper case without spaces; a letter O typed in the random part means zero (the
    alphabet has no O), but a prefix such as DEMO keeps its letter."""
    text = code.strip().upper().replace(" ", "")
    prefix, dash, rest = text.partition("-")
    return prefix + dash + rest.replace("O", "0")


def is_valid(code: str) -> bool:
    match = _PATTERN.match(normalize(code))
    if not match:
        return False
    prefix, year, random_part, check = match.groups()
    if any(ch not in _VALUE for ch in random_part + check):
        return False
    return luhn_check(_payload(prefix, year, random_part)) == check
