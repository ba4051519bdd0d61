"""Quarterly statistics submitted by organisations to a receiving body (issue 22, item 5).

A submission is a `.sdstats` file: the sender's protected quarterly tables (every count
already perturbed by the cell-key method, docs/statistics-exchange.md), signed with its
organisation key and sealed to the receiving body's, in the referral exchange's envelope
under its own format name and key label. The receiving ShelterDesk keeps one submission
per organisation and quarter; anything else is refused, audited, and leaves no row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shelterdesk.domain import cell_key, quarters
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.exchange.identity import partner_by_signing_key, require_keys
from shelterdesk.store.exchange.receive import (
    ReceiveResult,
    Replayed,
    UnconfirmedSender,
    UnknownSender,
)
from shelterdesk.store.exchange.sealing import (
    MAX_FILE_BYTES,
    REFERRALS,
    STATISTICS,
    NotAnExchangeFile,
    TamperedFile,
    open_file,
    opens_as,
)
from shelterdesk.store.rows import new_id, now
from shelterdesk.store.vault import Session

SUFFIX = ".sdstats"
VERSION = 1
KIND = "statistics"
METHOD = "cell-key"
# Every table a version-1 submission carries: category -> perturbed count for the quarter,
# and the table's total perturbed on its own. A newer sender's extra tables are ignored.
TABLES = ("new_cases", "sex", "age_band", "nationality", "recruitment_channel",
          "recruitment_platform", "identified_by", "victim_status", "exploitation", "services",
          "referrals_by_org_kind", "referrals_by_status", "closures", "stays_begun",
          "stays_ended")
MAX_CATEGORIES = 400


class NotASubmissionFile(UserFacingError):
    message = N_("“{file}” is not a statistics submission from ShelterDesk, or it is "
                 "damaged.")


class MalformedSubmission(UserFacingError):
    message = N_("“{file}” is sealed correctly but its contents are not protected quarterly "
                 "statistics this version of ShelterDesk understands (every count must be "
                 "perturbed): it was refused.")


class AlreadySubmitted(UserFacingError):
    message = N_("“{file}”: “{name}” has already submitted statistics for {quarter} (received "
                 "{received}). A second submission for the same quarter is refused, not "
                 "added.")


@dataclass(frozen=True)
class Submission:
    """One organisation's protected tables for one quarter, as received."""

    id: str
    from_org_id: str
    from_org_name: str
    quarter: str
    message_id: str
    tables: dict[str, dict[str, Any]]
    shelter: dict[str, int]
    k: int
    sent_at: str
    received_at: str


def read_file(path) -> bytes:
    """The file's bytes, refused (as not a submission) when unreadable or too large."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise NotASubmissionFile(file=path.name)
        return path.read_bytes()
    except OSError:
        raise NotASubmissionFile(file=path.name) from None


def _count(value: Any) -> bool:
    return type(value) is int and 0 <= value < 10**9 and value % cell_key.BASE == 0


def check(message: dict[str, Any], file_name: str) -> dict[str, Any]:
    """The message if it is a version-1 submission whose every count is perturbed."""
    bad = MalformedSubmission(file=file_name)
    if message.get("v") != VERSION or message.get("kind") != KIND:
        raise bad
    for name, limit in (("id", 64), ("from_name", 400), ("sent_at", 40), ("quarter", 8)):
        if not isinstance(message.get(name), str) or not message[name] \
                or len(message[name]) > limit:
            raise bad
    try:
        if quarters.parse(message["quarter"]).code != message["quarter"]:
            raise bad
    except quarters.BadQuarter:
        raise bad from None
    protection = message.get("protection")
    if not isinstance(protection, dict) or protection.get("method") != METHOD \
            or protection.get("base") != cell_key.BASE \
            or type(protection.get("k")) is not int or not 3 <= protection["k"] <= 1000:
        raise bad
    tables = message.get("tables")
    if not isinstance(tables, dict):
        raise bad
    for key in TABLES:
        table = tables.get(key)
        if not isinstance(table, dict) or not _count(table.get("total")) \
                or not isinstance(table.get("cells"), dict) \
                or len(table["cells"]) > MAX_CATEGORIES:
            raise bad
        for code, value in table["cells"].items():
            if len(code) > 64 or not _count(value):
                raise bad
    shelter = message.get("shelter")
    if not isinstance(shelter, dict) or any(
            type(shelter.get(name)) is not int or not 0 <= shelter[name] < 10**9
            for name in ("beds", "bed_nights")):
        raise bad
    return message


def receive(session: Session, data: bytes, file_name: str) -> ReceiveResult:
    """Open, check and keep one submission, or refuse it (audited, nothing kept)."""
    access.require(session, Kind.STATISTICS, Action.EXPORT)
    try:
        return _receive(session, data, file_name)
    except UserFacingError as refusal:
        session.audit("stats.submission.refused", "organisation", "",
                      reason=type(refusal).__name__)
        raise


def _receive(session: Session, data: bytes, file_name: str) -> ReceiveResult:
    mine = require_keys(session)
    try:
        opened = open_file(mine, data, file_name, STATISTICS)
    except NotAnExchangeFile:
        raise NotASubmissionFile(file=file_name) from None
    except TamperedFile:
        if opens_as(mine, data, REFERRALS):  # a referral file, opened in the wrong place
            raise NotASubmissionFile(file=file_name) from None
        raise
    partner = partner_by_signing_key(session, opened.sender_signing_key)
    if partner is None:
        raise UnknownSender(file=file_name)
    if not partner.confirmed:
        raise UnconfirmedSender(file=file_name, name=partner.org.name)
    message = check(opened.message, file_name)
    # A quarter not over here yet (a day's grace for clocks) would block the real one later.
    quarters.require_ended(quarters.parse(message["quarter"]), date.today() + timedelta(days=1))
    org_id, name, quarter = partner.org.id, partner.org.name, message["quarter"]
    payload = {key: message[key] for key in ("tables", "shelter", "protection")}
    with session.lock, transaction(session.connection) as connection:
        if connection.execute("SELECT 1 FROM exchange_seen WHERE message_id = ?",
                              (message["id"],)).fetchone():
            raise Replayed(file=file_name)
        earlier = connection.execute(
            "SELECT received_at FROM stats_submissions WHERE from_org_id = ? AND quarter = ?",
            (org_id, quarter)).fetchone()
        if earlier:
            raise AlreadySubmitted(file=file_name, name=name, quarter=quarter,
                                   received=earlier[0][:10])
        stamp, entry_id = now(), new_id()
        connection.execute("INSERT INTO exchange_seen (message_id, direction, kind, org_id, at)"
                           " VALUES (?, 'in', ?, ?, ?)", (message["id"], KIND, org_id, stamp))
        connection.execute(
            "INSERT INTO stats_submissions (id, from_org_id, quarter, message_id, payload,"
            " sent_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (entry_id, org_id, quarter, message["id"],
             json.dumps(payload, ensure_ascii=False, sort_keys=True), message["sent_at"],
             stamp))
        audit.append(connection, session.user.id, "stats.submission.received", "organisation",
                     org_id, quarter=quarter)
    return ReceiveResult(KIND, name, entry_id, status=quarter)


def _from_row(row) -> Submission:
    payload = json.loads(row[4])
    return Submission(row[0], row[1], row[7] or "", row[2], row[3], payload["tables"],
                      payload["shelter"], int(payload["protection"]["k"]), row[5], row[6])


_SELECT = ("SELECT s.id, s.from_org_id, s.quarter, s.message_id, s.payload, s.sent_at,"
           " s.received_at, o.name FROM stats_submissions s"
           " LEFT JOIN organisations o ON o.id = s.from_org_id")


def submissions(session: Session, quarter: str = "") -> list[Submission]:
    """Submissions received (of one quarter, or all), by quarter then organisation."""
    access.require(session, Kind.STATISTICS, Action.VIEW)
    where, params = (" WHERE s.quarter = ?", (quarter,)) if quarter else ("", ())
    with session.lock:
        rows = session.connection.execute(
            f"{_SELECT}{where} ORDER BY s.quarter, o.name COLLATE NOCASE", params).fetchall()
    return [_from_row(row) for row in rows]


@dataclass(frozen=True)
class Matrix:
    """Who submitted for which quarter: organisations down, quarters across, the day each
    submission arrived (or "" where none did)."""

    organisations: list[tuple[str, str]]  # (id, name)
    quarters: list[str]
    received: dict[tuple[str, str], str]  # (org id, quarter) -> received on (YYYY-MM-DD)


def matrix(session: Session) -> Matrix:
    """Every organisation that submitted at least once, and every partner with confirmed
    keys (those expected to submit), against every quarter received."""
    access.require(session, Kind.STATISTICS, Action.VIEW)
    with session.lock:
        rows = session.connection.execute(
            "SELECT s.from_org_id, s.quarter, s.received_at FROM stats_submissions s"
        ).fetchall()
        orgs = session.connection.execute(
            "SELECT id, name FROM organisations WHERE keys_confirmed_at != '' OR id IN"
            " (SELECT from_org_id FROM stats_submissions) ORDER BY name COLLATE NOCASE"
        ).fetchall()
    received = {(org, quarter): at[:10] for org, quarter, at in rows}
    return Matrix([(r[0], r[1]) for r in orgs], sorted({q for _o, q in received}), received)
