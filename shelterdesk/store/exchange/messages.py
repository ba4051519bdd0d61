"""Messages of the referral exchange, version 1: what a referral, a status and an erase
request carry (docs/referral-exchange.md), and the checks every incoming one passes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_

VERSION = 1
KINDS = ("referral", "status", "erase")
# What a receiver may report back, in the order a referral goes through them.
STATUSES = ("accepted", "declined", "completed", "erased")
RECEIVED_MOVES: dict[str, frozenset[str]] = {
    "received": frozenset({"accepted", "declined"}),
    "accepted": frozenset({"completed"}),
    "declined": frozenset(),
    "completed": frozenset(),
}


class MalformedMessage(UserFacingError):
    message = N_("“{file}” is sealed correctly but its contents are not a referral message "
                 "this version of ShelterDesk understands: it was refused.")


def new_message(kind: str, from_name: str, **body: Any) -> dict[str, Any]:
    """A fresh message: its own id (for replay checks), kind, time and sender's name."""
    return {"v": VERSION, "id": str(uuid.uuid4()), "kind": kind, "from_name": from_name,
            "sent_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), **body}


def _text(value: Any, limit: int = 4000) -> bool:
    return isinstance(value, str) and len(value) <= limit


def check(message: dict[str, Any], file_name: str) -> dict[str, Any]:
    """The message if every field a kind needs is there with the right type."""
    bad = MalformedMessage(file=file_name)
    if message.get("v") != VERSION or message.get("kind") not in KINDS:
        raise bad
    if not _text(message.get("id"), 64) or not message["id"] \
            or not _text(message.get("from_name"), 400):
        raise bad
    kind = message["kind"]
    if kind == "referral":
        referral = message.get("referral")
        if not isinstance(referral, dict) or not _text(referral.get("id"), 64) \
                or not referral.get("id") or not isinstance(referral.get("sheet"), dict) \
                or not isinstance(referral.get("services"), list) \
                or not isinstance(referral.get("anonymized"), bool) \
                or not (referral.get("identified") is None
                        or isinstance(referral.get("identified"), dict)):
            raise bad
        if referral["anonymized"] and referral.get("identified") is not None:
            raise bad  # an anonymized referral never carries a name
    else:
        if not _text(message.get("referral_id"), 64) or not message["referral_id"]:
            raise bad
    if kind == "status" and (message.get("status") not in STATUSES
                             or not _text(message.get("reason", ""))
                             or not _text(message.get("outcome", ""))
                             or not _text(message.get("reference", ""), 200)):
        raise bad
    return message
