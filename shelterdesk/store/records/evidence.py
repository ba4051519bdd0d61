"""Digital evidence kept inside the vault, with an append-only chain of custody."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.evidence import (
    CustodyEvent,
    EvidenceItem,
    custody_problems,
    sha256_hex,
)
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Consent
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.keys.keyslots import atomic_write
from shelterdesk.store.records.consents import list_consents
from shelterdesk.store.rows import NotFound, ensure_valid, iso, new_id, now, to_datetime, touch
from shelterdesk.store.vault import Session

COLUMNS = ("id, case_id, kind, platform, source_link, file_name, media_type, size, sha256,"
           " description, captured_by, captured_at")


class EvidenceAltered(UserFacingError):
    message = N_("The stored evidence no longer matches its SHA-256 hash; do not use it.")


def _from_row(session: Session, row, sealed: bool = False) -> EvidenceItem:
    """An item as stored; for a writer who may not read it (``sealed``), its link, file
    name and description are left empty and the item says it is sealed."""
    def opened(column: str, value: str) -> str:
        return "" if sealed else session.unseal("evidence_items", column, row[0], value)

    return EvidenceItem(id=row[0], case_id=row[1], kind=row[2], platform=row[3],
                        source_link=opened("source_link", row[4]),
                        file_name=opened("file_name", row[5]), media_type=row[6], size=row[7],
                        sha256=row[8], description=opened("description", row[9]),
                        captured_at=to_datetime(row[11]), sealed=sealed, captured_by=row[10])


def add_evidence(session: Session, item: EvidenceItem) -> EvidenceItem:
    """Store the file inside the vault with its hash; the first custody event is 'captured'."""
    access.require(session, Kind.EVIDENCE, Action.CREATE, item.case_id)
    ensure_valid(item.validate())
    item.id = new_id()
    item.sha256 = sha256_hex(item.content) if item.content else ""
    item.size = len(item.content)
    item.file_name = os.path.basename(item.file_name)
    captured = iso(item.captured_at or datetime.now(UTC))
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        connection.execute(
            f"INSERT INTO evidence_items ({COLUMNS}, content, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item.id, item.case_id, item.kind, item.platform,
             session.seal("evidence_items", "source_link", item.id, item.source_link),
             session.seal("evidence_items", "file_name", item.id, item.file_name),
             item.media_type, item.size, item.sha256,
             session.seal("evidence_items", "description", item.id, item.description),
             session.user.id, captured,
             session.seal("evidence_items", "content", item.id, item.content or None), stamp))
        _append_event(connection, item.id, "captured", session.user.id, stamp)
        touch(connection, item.case_id, stamp)
        audit.append(connection, session.user.id, "evidence.add", "case", item.case_id,
                     evidence=item.id, sha256=item.sha256)
    return item


def _append_event(connection, evidence_id: str, kind: str, actor_id: str, stamp: str,
                  recipient: str = "", notes: str = "") -> None:
    connection.execute(
        "INSERT INTO custody_events (id, evidence_id, kind, at, actor_id, recipient, notes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", (new_id(), evidence_id, kind, stamp, actor_id,
                                          recipient.strip(), notes.strip()))


def _case_of(session: Session, evidence_id: str) -> str:
    with session.lock:
        row = session.connection.execute("SELECT case_id FROM evidence_items WHERE id = ?",
                                          (evidence_id,)).fetchone()
    if row is None:
        raise NotFound(kind="evidence")
    return row[0]


def add_custody_event(session: Session, evidence_id: str, kind: str, recipient: str = "",
                      notes: str = "") -> None:
    case_id = _case_of(session, evidence_id)
    access.require(session, Kind.EVIDENCE, Action.EDIT, case_id)
    ensure_valid(custody_problems(kind, recipient))
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        _append_event(connection, evidence_id, kind, session.user.id, stamp, recipient, notes)
        touch(connection, case_id, stamp)
        audit.append(connection, session.user.id, "evidence.custody", "case", case_id,
                     evidence=evidence_id, event=kind)


def list_evidence(session: Session, case_id: str) -> list[EvidenceItem]:
    """Items without their content (loaded on demand with :func:`read_content`); for a
    case worker (write-only) with their link, file name and description sealed."""
    sealed = access.require_listing(session, Kind.EVIDENCE, case_id)
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {COLUMNS} FROM evidence_items WHERE case_id = ? ORDER BY captured_at",
            (case_id,)).fetchall()
    return [_from_row(session, r, sealed) for r in rows]


def custody_chain(session: Session, evidence_id: str) -> list[CustodyEvent]:
    """The custody entries: what happened, when, by whom, to whom (no content: a case
    worker who hands an item on sees them too)."""
    access.require_listing(session, Kind.EVIDENCE, _case_of(session, evidence_id))
    with session.lock:
        rows = session.connection.execute(
            "SELECT id, evidence_id, kind, at, actor_id, recipient, notes FROM custody_events"
            " WHERE evidence_id = ? ORDER BY at, rowid", (evidence_id,)).fetchall()
    return [CustodyEvent(id=r[0], evidence_id=r[1], kind=r[2], at=to_datetime(r[3]),
                         actor_id=r[4], recipient=r[5], notes=r[6]) for r in rows]


def read_content(session: Session, evidence_id: str) -> bytes:
    """The file, checked against its recorded hash (audited as a view)."""
    case_id = _case_of(session, evidence_id)
    access.require(session, Kind.EVIDENCE, Action.VIEW, case_id)
    with session.lock, transaction(session.connection) as connection:
        content, digest = connection.execute(
            "SELECT content, sha256 FROM evidence_items WHERE id = ?", (evidence_id,)).fetchone()
        audit.append(connection, session.user.id, "evidence.view", "case", case_id,
                     evidence=evidence_id)
    content = bytes(session.unseal("evidence_items", "content", evidence_id, content) or b"")
    if digest and sha256_hex(content) != digest:
        raise EvidenceAltered()
    return content


@dataclass(frozen=True)
class ExportResult:
    file_path: Path | None
    manifest_path: Path


def export_item(session: Session, evidence_id: str, directory: Path) -> ExportResult:
    """One item and a manifest (hashes, custody chain) for investigators, where the user chose."""
    case_id = _case_of(session, evidence_id)
    access.require(session, Kind.EVIDENCE, Action.EXPORT, case_id)
    content = read_content(session, evidence_id)
    item = next(i for i in list_evidence(session, case_id) if i.id == evidence_id)
    directory.mkdir(parents=True, exist_ok=True)
    safe_name = re.sub(r"[^\w.-]", "_", item.file_name) or "evidence.bin"
    file_path = directory / f"{evidence_id[:8]}-{safe_name}" if content else None
    if file_path is not None:
        atomic_write(file_path, content)
    with session.lock:
        code = session.connection.execute("SELECT case_code FROM cases WHERE id = ?",
                                          (case_id,)).fetchone()[0]
    manifest = {
        "case_code": code, "evidence_id": evidence_id, "kind": item.kind,
        "platform": item.platform, "source_link": item.source_link,
        "file": file_path.name if file_path else None, "size": item.size,
        "sha256": item.sha256, "captured_at": iso(item.captured_at),
        "exported_at": now(), "exported_by": session.user.id,
        "custody": [{"kind": e.kind, "at": iso(e.at), "actor": e.actor_id,
                     "recipient": e.recipient} for e in custody_chain(session, evidence_id)],
    }
    manifest_path = directory / f"{evidence_id[:8]}-manifest.json"
    atomic_write(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    add_custody_event(session, evidence_id, "exported", notes="manifest " + manifest_path.name)
    return ExportResult(file_path, manifest_path)


def law_enforcement_consent(session: Session, case_id: str,
                            on: date | None = None) -> Consent | None:
    """The consent in force on that day to share with law enforcement (any recipient), or None."""
    on = on or date.today()
    found = [c for c in list_consents(session, case_id) if c.purpose == "law_enforcement"
             and c.in_force(on)]
    return found[-1] if found else None


def record_investigator_export(session: Session, case_id: str, evidence_ids: list[str],
                               archive_name: str, archive_sha256: str, *, basis: str,
                               override_sha256: str = "") -> None:
    """One custody event per item handed over, and one audit entry, in one transaction."""
    access.require(session, Kind.EVIDENCE, Action.EXPORT, case_id)
    notes = "investigator export " + archive_name + " sha256:" + archive_sha256
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        for evidence_id in evidence_ids:
            _append_event(connection, evidence_id, "exported", session.user.id, stamp,
                          notes=notes)
        touch(connection, case_id, stamp)
        detail = {"count": len(evidence_ids), "basis": basis, "sha256": archive_sha256}
        if override_sha256:
            detail["override_sha256"] = override_sha256
        audit.append(connection, session.user.id, "evidence.export", "case", case_id,
                     **detail)
