"""Drafts of half-typed forms, per user, kept inside the vault until saved or discarded.

A form writes its draft every few seconds and when the window locks, so a crash
or an auto-lock loses nothing. Drafts belong to the user who typed them (nobody
else lists or reads them) and never leave the vault: they are rows of the
encrypted database, erased (``secure_delete``) when the form is saved or the
draft discarded. Writing a draft is not audited: it is the author's own
unfinished typing, not a change to a record, and would flood the log.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_
from shelterdesk.store.connection import transaction
from shelterdesk.store.rows import new_id, now, to_datetime
from shelterdesk.store.vault import Session

MAX_DRAFT_BYTES = 1_000_000
_FORM_NAME = re.compile(r"^[a-z][a-z_]{0,39}$")


class DraftTooLarge(UserFacingError):
    message = N_("This form holds too much text to keep as a draft; save it instead.")


@dataclass(frozen=True)
class Draft:
    form: str  # which form: "intake", "legal", "note" …
    subject_id: str  # the case it is about ('' for a new intake)
    content: dict[str, Any]
    saved_at: datetime
    case_code: str = ""  # the subject's case code, to name the draft without a name


def _check(form: str, subject_id: str) -> None:
    if not _FORM_NAME.match(form) or len(subject_id) > 64:
        raise ValueError("invalid draft key")


def save_draft(session: Session, form: str, content: dict[str, Any],
               subject_id: str = "") -> Draft:
    """Keep (or replace) the user's draft of one form about one subject."""
    _check(form, subject_id)
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise DraftTooLarge()
    stamp = now()
    with session.lock, transaction(session.connection) as connection:
        connection.execute(
            "INSERT INTO drafts (id, user_id, form, subject_id, content, saved_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, form, subject_id)"
            " DO UPDATE SET content = excluded.content, saved_at = excluded.saved_at",
            (new_id(), session.user.id, form, subject_id, text, stamp))
    return Draft(form, subject_id, dict(content), to_datetime(stamp))


def load_draft(session: Session, form: str, subject_id: str = "") -> Draft | None:
    _check(form, subject_id)
    with session.lock:
        row = session.connection.execute(
            "SELECT d.content, d.saved_at, coalesce(c.case_code, '') FROM drafts d"
            " LEFT JOIN cases c ON c.id = d.subject_id"
            " WHERE d.user_id = ? AND d.form = ? AND d.subject_id = ?",
            (session.user.id, form, subject_id)).fetchone()
    if row is None:
        return None
    return Draft(form, subject_id, json.loads(row[0]), to_datetime(row[1]), row[2])


def discard_draft(session: Session, form: str, subject_id: str = "") -> bool:
    """Erase the draft; False if there was none."""
    _check(form, subject_id)
    with session.lock, transaction(session.connection) as connection:
        cursor = connection.execute(
            "DELETE FROM drafts WHERE user_id = ? AND form = ? AND subject_id = ?",
            (session.user.id, form, subject_id))
    return cursor.rowcount > 0


def list_drafts(session: Session) -> list[Draft]:
    """The user's own drafts, newest first (never anyone else's)."""
    with session.lock:
        rows = session.connection.execute(
            "SELECT d.form, d.subject_id, d.content, d.saved_at, coalesce(c.case_code, '')"
            " FROM drafts d LEFT JOIN cases c ON c.id = d.subject_id WHERE d.user_id = ?"
            " ORDER BY d.saved_at DESC", (session.user.id,)).fetchall()
    return [Draft(r[0], r[1], json.loads(r[2]), to_datetime(r[3]), r[4]) for r in rows]
