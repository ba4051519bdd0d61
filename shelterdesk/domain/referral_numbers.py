"""Readable referral numbers: R-YY-DD-NNNN-C, read over the phone; the UUID stays internal.

YY is the year of the referral, DD this laptop's two-symbol device component,
NNNN its own running number in that year (more digits after 9999), and C a
Luhn mod 32 check character (every single wrong symbol and every swap of two
neighbours is caught). Each laptop numbers only under its own component, so
two laptops that are not in touch never hand out the same number; the store
picks a component no referral in the vault carries yet (docs/referrals.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from shelterdesk.domain.case_codes import ALPHABET, luhn_check

PREFIX = "R"
_PATTERN = re.compile(r"^R-(\d{2})-([0-9A-Z]{2})-(\d{4,})-([0-9A-Z])$")


def format_number(year: int, device: str, sequence: int) -> str:
    yy = f"{year % 100:02d}"
    running = f"{sequence:04d}"
    return f"{PREFIX}-{yy}-{device}-{running}-{luhn_check(yy + device + running)}"


def normalize(text: str) -> str:
    return text.strip().upper().replace("O", "0").replace(" ", "")


def parse(text: str) -> tuple[str, str, int] | None:
    """(year "YY", device, running number) of a valid number; None if it is not one."""
    match = _PATTERN.match(normalize(text))
    if not match:
        return None
    yy, device, running, check = match.groups()
    if any(ch not in ALPHABET for ch in device) or luhn_check(yy + device + running) != check:
        return None
    return yy, device, int(running)


def is_valid(text: str) -> bool:
    return parse(text) is not None


def device_candidates(device_id: str) -> Iterator[str]:
    """Two-symbol components in an order drawn from the device id: the first free one is used."""
    digest = hashlib.sha256(device_id.encode()).digest()
    start = int.from_bytes(digest[:2], "big") % (len(ALPHABET) ** 2)
    for offset in range(len(ALPHABET) ** 2):
        value = (start + offset) % (len(ALPHABET) ** 2)
        yield ALPHABET[value // len(ALPHABET)] + ALPHABET[value % len(ALPHABET)]
