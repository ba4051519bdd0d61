"""Open any `.sdreferral` file: a referral for the inbox, a status for a referral we sent,
or an erase request. Every refusal is audited and nothing of a refused file is kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.exchange import inbox, messages, outbox
from shelterdesk.store.exchange.identity import partner_by_signing_key, require_keys
from shelterdesk.store.exchange.sealing import (
    MAX_FILE_BYTES,
    STATISTICS,
    NotAnExchangeFile,
    TamperedFile,
    open_file,
    opens_as,
)
from shelterdesk.store.rows import now
from shelterdesk.store.vault import Session


class UnknownSender(UserFacingError):
    message = N_("“{file}” is signed by an organisation whose keys are not in the directory: "
                 "it was refused. Add the organisation's code and compare the safety number "
                 "first.")


class UnconfirmedSender(UserFacingError):
    message = N_("“{file}” comes from “{name}”, whose keys are not confirmed yet: it was "
                 "refused. Compare the safety number with them first.")


class Replayed(UserFacingError):
    message = N_("“{file}” was opened here before (the same message again): it was refused.")


@dataclass(frozen=True)
class ReceiveResult:
    """What a file did: its kind, the entry or referral it touched, and (for an erase
    request) the sealed confirmation to return to the sender."""

    kind: str
    org_name: str
    target_id: str
    status: str = ""
    reply: bytes = b""


def read_file(path: Path) -> bytes:
    """The file's bytes, refused (as not a referral file) when unreadable or too large."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise NotAnExchangeFile(file=path.name)
        return path.read_bytes()
    except OSError:
        raise NotAnExchangeFile(file=path.name) from None


def receive(session: Session, data: bytes, file_name: str) -> ReceiveResult:
    """Open, check and apply one file, or refuse it (audited, nothing applied)."""
    access.require(session, Kind.REFERRAL, Action.EDIT)
    try:
        return _receive(session, data, file_name)
    except UserFacingError as refusal:
        session.audit("referral.file.refused", "organisation", "",
                      reason=type(refusal).__name__)
        raise


def _receive(session: Session, data: bytes, file_name: str) -> ReceiveResult:
    mine = require_keys(session)
    try:
        opened = open_file(mine, data, file_name)
    except TamperedFile:
        if opens_as(mine, data, STATISTICS):  # a statistics submission, not a referral
            raise NotAnExchangeFile(file=file_name) from None
        raise
    partner = partner_by_signing_key(session, opened.sender_signing_key)
    if partner is None:
        raise UnknownSender(file=file_name)
    if not partner.confirmed:
        raise UnconfirmedSender(file=file_name, name=partner.org.name)
    message = messages.check(opened.message, file_name)
    org_id, name = partner.org.id, partner.org.name
    with session.lock, transaction(session.connection) as connection:
        if connection.execute("SELECT 1 FROM exchange_seen WHERE message_id = ?",
                              (message["id"],)).fetchone():
            raise Replayed(file=file_name)
        connection.execute("INSERT INTO exchange_seen (message_id, direction, kind, org_id, at)"
                           " VALUES (?, 'in', ?, ?, ?)",
                           (message["id"], message["kind"], org_id, now()))
        if message["kind"] == "referral":
            target = inbox.store_referral(connection, session, message, org_id, file_name)
            result = ReceiveResult("referral", name, target)
        elif message["kind"] == "status":
            target = outbox.apply_status(connection, session, message, org_id, name, file_name)
            result = ReceiveResult("status", name, target, message["status"])
        else:
            target = inbox.erase_identified(connection, session, message, org_id, name,
                                            file_name)
            result = ReceiveResult("erase", name, target)
        audit.append(connection, session.user.id, "referral.file.received", "organisation",
                     org_id, kind=message["kind"])
    if result.kind == "erase":
        return ReceiveResult("erase", name, result.target_id,
                             reply=inbox.erased_confirmation(session, result.target_id))
    return result
