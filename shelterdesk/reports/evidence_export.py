"""*Export for an investigator*: a case's evidence files, their manifest and a one-page summary.

The ZIP holds every stored file (checked against its SHA-256 as it is read), a
``manifest.json`` (case code, SHA-256 and size of each file, its chain of custody,
who exported it and on what basis) and ``summary.pdf``, one page in the chosen
language. It is built in memory and written only where the person chose. It is
allowed with a consent in force to share with law enforcement, or by a coordinator
who overrides with a reason; every item handed over gets an "exported" custody event.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from shelterdesk.domain import codes_services
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.evidence import EvidenceItem
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_, format_date, format_datetime, normalize_language, translator_for
from shelterdesk.reports import layout
from shelterdesk.reports.labels import Labels, term
from shelterdesk.reports.referral_print import UnsupportedLanguage, _case_id
from shelterdesk.store import access, settings
from shelterdesk.store.keys.keyslots import atomic_write
from shelterdesk.store.records import clients, evidence, staff
from shelterdesk.store.vault import Session

TITLE = N_("Evidence handed to an investigator")
NOTE = N_("The files in this archive are exact copies of the evidence kept in the encrypted "
          "vault. Each one's SHA-256 below and in manifest.json shows that it is unchanged.")
CASE = N_("Case code")
EXPORTED_ON = N_("Exported on")
EXPORTED_BY = N_("Exported by")
BASIS = N_("Basis")
BASIS_CONSENT = N_("The client's consent to share with law enforcement, given on {date}")
BASIS_OVERRIDE = N_("Coordinator's override: {reason}")
SECTION_ITEMS = N_("Items")
COLUMN_NUMBER = N_("Number")
COLUMN_KIND = N_("Kind")
COLUMN_FILE = N_("File or link")
COLUMN_CAPTURED = N_("Captured")
COLUMN_HASH = "SHA-256"  # the algorithm's name, the same in every language
MORE_ITEMS = N_("… and {count} more items: see manifest.json.")
FOOTER = N_("Case {code} · evidence export")

# Rows that fit on the one page beside the header; the manifest lists every item regardless.
PAGE_ROWS = 14


class LawEnforcementConsentRequired(UserFacingError):
    message = N_("Evidence goes to an investigator only with the client's consent to share "
                 "with law enforcement, in force today, or a coordinator's override with a "
                 "reason.")


class ExportOverrideNotAllowed(UserFacingError):
    message = N_("Only a coordinator can override the consent check, and only with a reason.")


class NoEvidenceToExport(UserFacingError):
    message = N_("This case has no evidence to export.")


class ExportNotWritten(UserFacingError):
    message = N_("The archive could not be saved there ({detail}). Choose another folder.")


@dataclass(frozen=True)
class InvestigatorExport:
    path: Path
    items: int
    sha256: str  # of the ZIP, as recorded in the custody log


def export_for_investigator(session: Session, case: str, path: Path | str, *,
                            language: str = "en", override_reason: str = "") -> InvestigatorExport:
    """Write the archive for a case (code or id) to ``path``; refused before anything is read
    when neither a law-enforcement consent nor a coordinator's override allows it."""
    code = normalize_language(language)
    if code is None:
        raise UnsupportedLanguage(language=language)
    tr = translator_for(code)
    case_id = _case_id(session, case)
    access.require(session, Kind.EVIDENCE, Action.EXPORT, case_id)
    reason = override_reason.strip()
    consent = evidence.law_enforcement_consent(session, case_id)
    if consent is None:
        if not reason:
            raise LawEnforcementConsentRequired()
        if not session.user.has_role(Role.COORDINATOR):
            raise ExportOverrideNotAllowed()
    items = evidence.list_evidence(session, case_id)
    if not items:
        raise NoEvidenceToExport()
    _client, case_record = clients.get_case(session, case_id)
    names = {m.id: m.name for m in staff.list_staff(session)}
    me = session.user.display_name or session.user.username
    stamp = datetime.now(UTC)
    archive = io.BytesIO()
    entries = []
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for number, item in enumerate(items, start=1):
            name = ""
            if item.size:
                content = evidence.read_content(session, item.id)  # refuses an altered file
                name = f"files/{number:02d}-{_safe(item.file_name)}"
                bundle.writestr(name, content)
            entries.append(_entry(session, item, name, names))
        basis = ({"kind": "consent", "given_on": consent.given_on.isoformat(),
                  "consent_id": consent.id} if consent is not None
                 else {"kind": "override", "reason": reason, "by": me})
        summary = render_summary(tr, case_record.case_code, items, stamp, me, basis,
                                 session.meta("org_name"), settings.get(session, "paper_size"))
        bundle.writestr("summary.pdf", summary)
        manifest = {"case_code": case_record.case_code, "exported_at": stamp.isoformat(),
                    "exported_by": me, "organisation": session.meta("org_name"),
                    "language": tr.language, "basis": basis, "items": entries,
                    "summary_sha256": hashlib.sha256(summary).hexdigest()}
        bundle.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    data = archive.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    target = Path(path)
    try:
        atomic_write(target, data)
    except OSError as error:
        raise ExportNotWritten(detail=error.strerror or type(error).__name__) from None
    try:
        evidence.record_investigator_export(
            session, case_id, [i.id for i in items], target.name, digest,
            basis=basis["kind"],
            override_sha256=hashlib.sha256(reason.encode()).hexdigest() if consent is None
            else "")
    except BaseException:
        target.unlink(missing_ok=True)  # not recorded in the custody log: not handed over
        raise
    return InvestigatorExport(target, len(items), digest)


def _safe(file_name: str) -> str:
    return re.sub(r"[^\w.-]", "_", file_name)[:80] or "evidence.bin"


def _entry(session: Session, item: EvidenceItem, name: str, names: dict[str, str]) -> dict:
    return {
        "evidence_id": item.id, "file": name or None, "original_name": item.file_name,
        "media_type": item.media_type, "size": item.size, "sha256": item.sha256 or None,
        "kind": item.kind, "platform": item.platform, "source_link": item.source_link,
        "description": item.description,
        "captured_at": item.captured_at.isoformat() if item.captured_at else None,
        "custody": [{"event": e.kind, "at": e.at.isoformat(), "by": names.get(e.actor_id, ""),
                     "recipient": e.recipient, "notes": e.notes}
                    for e in evidence.custody_chain(session, item.id)],
    }


def render_summary(tr: Labels, case_code: str, items: list[EvidenceItem], stamp: datetime,
                   exported_by: str, basis: dict, from_org: str, paper: str = "A4") -> bytes:
    """One page: the case, who exported on what basis, and each item with its SHA-256."""
    st = layout.styles()
    _ = tr.gettext
    if basis["kind"] == "consent":
        basis_text = _(BASIS_CONSENT).format(date=format_date(
            datetime.fromisoformat(basis["given_on"]).date(), tr.language))
    else:
        basis_text = _(BASIS_OVERRIDE).format(reason=basis["reason"])
    story: list[Flowable] = [
        Paragraph(layout.text(from_org) or "—", st.org), Spacer(1, 4),
        Paragraph(escape(_(TITLE)), st.title), Spacer(1, 6),
        layout.banner(st, _(TITLE), _(NOTE), warning=False)]
    story += layout.section(st, _(CASE), layout.fields(st, [
        (_(CASE), f"<b>{escape(case_code)}</b>"),
        (_(EXPORTED_ON), escape(format_datetime(stamp.astimezone(), tr.language))),
        (_(EXPORTED_BY), layout.text(exported_by)),
        (_(BASIS), layout.text(basis_text))]))
    rows = [[Paragraph(escape(_(h)), st.label) for h in
             (COLUMN_NUMBER, COLUMN_KIND, COLUMN_FILE, COLUMN_CAPTURED)]
            + [Paragraph(COLUMN_HASH, st.label)]]
    for number, item in enumerate(items[:PAGE_ROWS], start=1):
        captured = format_date(item.captured_at.date(), tr.language) if item.captured_at \
            else ""
        rows.append([Paragraph(str(number), st.small),
                     Paragraph(escape(term(tr, codes_services.EVIDENCE_KINDS, item.kind)),
                               st.small),
                     Paragraph(layout.text(item.file_name or item.source_link), st.small),
                     Paragraph(escape(captured), st.small),
                     Paragraph(escape(item.sha256 or "—"), st.small)])
    table = Table(rows, colWidths=[10 * mm, 28 * mm, "*", 22 * mm, 62 * mm], splitByRow=1)
    table.setStyle(layout.table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, layout.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 1), ("RIGHTPADDING", (0, 0), (-1, -1), 3)))
    content: list[Flowable] = [table]
    if len(items) > PAGE_ROWS:
        content.append(Paragraph(escape(_(MORE_ITEMS).format(count=len(items) - PAGE_ROWS)),
                                 st.small))
    story += layout.section(st, _(SECTION_ITEMS), *content)
    return layout.build_pdf(story, tr, paper=paper, title=_(TITLE) + " " + case_code,
                            author=from_org, footer_left=_(FOOTER).format(code=case_code),
                            warning=False)
