"""Rules for user names and passphrases, shared by every front end."""

from __future__ import annotations

import re
import unicodedata

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_

MIN_PASSPHRASE_LENGTH = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


class PassphraseTooShort(UserFacingError):
    message = N_("A passphrase needs at least {minimum} characters.")


class PassphraseMismatch(UserFacingError):
    message = N_("The two passphrases are not the same.")


class InvalidUsername(UserFacingError):
    message = N_(
        "User name “{name}” is not valid: use 2 to 32 lowercase Latin letters, digits, "
        "dots, dashes or underscores, starting with a letter or digit."
    )


def normalize_username(name: str) -> str:
    """The canonical form of a user name (case-insensitive, NFC)."""
    return unicodedata.normalize("NFC", name.strip()).lower()


def check_username(name: str) -> str:
    normalized = normalize_username(name)
    if not _USERNAME.match(normalized):
        raise InvalidUsername(name=name)
    return normalized


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise PassphraseTooShort(minimum=MIN_PASSPHRASE_LENGTH)


def passphrase_strength(passphrase: str) -> int:
    """A rough 0–4 score for the strength hint: length and variety, not a guarantee."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return 0
    classes = sum(
        bool(re.search(pattern, passphrase))
        for pattern in (r"[a-zа-яəğıöşüç]", r"[A-ZА-ЯƏĞIÖŞÜÇ]", r"\d", r"[^\w]")
    )
    words = len(passphrase.split())
    score = 1
    if len(passphrase) >= 14:
        score += 1
    if len(passphrase) >= 20 or words >= 4:
        score += 1
    if classes >= 3:
        score += 1
    return min(score, 4)
