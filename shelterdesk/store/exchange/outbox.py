"""The sender's side: referrals sent as sealed files, the statuses that come back, and the
requests to erase identified details after the client withdrew consent."""

from __future__ import annotations

from dataclasses import dataclass

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import can_move
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.exchange import messages
from shelterdesk.store.exchange.identity import seal_for_partner
from shelterdesk.store.records.referrals import get_referral
from shelterdesk.store.rows import NotFound, now, touch
from shelterdesk.store.vault import Session


class StatusForUnknownReferral(UserFacingError):
    message = N_("“{file}” reports on a referral this organisation never sent to “{name}”: "
                 "it was refused.")


class StatusOutOfOrder(UserFacingError):
    message = N_("“{file}” says the referral is “{status}”, which cannot follow its status "
                 "here (“{current}”): an old or replayed status, refused.")


class NotSentSecurely(UserFacingError):
    message = N_("This referral was not sent securely, so there is nothing to ask the "
                 "receiving organisation to erase.")


class NothingIdentified(UserFacingError):
    message = N_("This referral was anonymized: the receiving organisation holds no details "
                 "that name the client.")


@dataclass(frozen=True)
class SentReferral:
    referral_id: str
    org_id: str
    message_id: str
    sent_at: str
    their_reference: str
    erase_requested_at: str
    erase_confirmed_at: str


def record_sent(connection, session: Session, referral_id: str, org_id: str,
                message_id: str) -> None:
    """Inside the sender's transaction: the referral is now sent, by this message."""
    stamp = now()
    connection.execute(
        "INSERT INTO exchange_sent (referral_id, org_id, message_id, sent_at) VALUES (?, ?, ?, ?)",
        (referral_id, org_id, message_id, stamp))
    connection.execute("UPDATE referrals SET status = 'sent', status_changed_on = ? WHERE id = ?"
                       " AND status = 'draft'", (stamp[:10], referral_id))


def sent(session: Session, referral_id: str) -> SentReferral | None:
    with session.lock:
        row = session.connection.execute(
            "SELECT referral_id, org_id, message_id, sent_at, their_reference,"
            " erase_requested_at, erase_confirmed_at FROM exchange_sent WHERE referral_id = ?",
            (referral_id,)).fetchone()
    return SentReferral(*row) if row else None


def apply_status(connection, session: Session, message: dict, org_id: str, org_name: str,
                 file_name: str) -> str:
    """Inside the receive transaction: move our referral on as the receiver reported."""
    row = connection.execute(
        "SELECT s.referral_id, r.status, r.case_id, s.erase_requested_at FROM exchange_sent s"
        " JOIN referrals r ON r.id = s.referral_id WHERE s.referral_id = ? AND s.org_id = ?",
        (message["referral_id"], org_id)).fetchone()
    if row is None:
        raise StatusForUnknownReferral(file=file_name, name=org_name)
    referral_id, current, case_id, erase_requested = row
    status = message["status"]
    stamp = now()
    if status == "erased":
        if not erase_requested:
            raise StatusOutOfOrder(file=file_name, status=status, current=current)
        connection.execute("UPDATE exchange_sent SET erase_confirmed_at = ? WHERE referral_id = ?",
                           (stamp, referral_id))
    else:
        # "completed" may arrive before (or instead of) a lost "accepted": it says both.
        skipped = current == "sent" and status == "completed"
        if not can_move(current, status) and not skipped:
            raise StatusOutOfOrder(file=file_name, status=status, current=current)
        outcome = message.get("outcome") or message.get("reason") or ""
        connection.execute(
            "UPDATE referrals SET status = ?, status_changed_on = ?,"
            " outcome = CASE WHEN ? = '' THEN outcome ELSE ? END WHERE id = ?",
            (status, stamp[:10], outcome, outcome, referral_id))
        if message.get("reference"):
            connection.execute("UPDATE exchange_sent SET their_reference = ? WHERE referral_id = ?",
                               (message["reference"], referral_id))
        touch(connection, case_id, stamp)
    audit.append(connection, session.user.id, "referral.status.received", "case", case_id,
                 referral=referral_id, status=status)
    return referral_id


def request_erasure(session: Session, referral_id: str) -> bytes:
    """An erase request for an identified referral sent securely (after the client withdrew
    consent): the file to deliver to the receiving organisation."""
    referral = get_referral(session, referral_id)
    access.require(session, Kind.REFERRAL, Action.EDIT, "")
    record = sent(session, referral.id)
    if record is None:
        raise NotSentSecurely()
    if referral.anonymized:
        raise NothingIdentified()
    message = messages.new_message("erase", session.meta("org_name"), referral_id=referral.id)
    data = seal_for_partner(session, record.org_id, message)
    with session.lock, transaction(session.connection) as connection:
        cursor = connection.execute(
            "UPDATE exchange_sent SET erase_requested_at = ? WHERE referral_id = ?",
            (now(), referral.id))
        if cursor.rowcount != 1:
            raise NotFound(kind="referral")
        audit.append(connection, session.user.id, "referral.erase.request", "case",
                     referral.case_id, referral=referral.id)
    return data
