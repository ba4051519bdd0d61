"""*Export this client's data…*: a PDF in the client's language and a JSON file of everything
held, written where the coordinator chooses (the twin of ``shelterdesk client export``)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from shelterdesk.domain import codes_case, codes_services, shelters
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_, Translator, translator_for
from shelterdesk.reports.fonts import BOLD, REGULAR, register_fonts
from shelterdesk.store.records import subject_access
from shelterdesk.store.vault import Session

TITLES = {
    "clients": N_("Personal details"), "cases": N_("Cases"),
    "legal_consultations": N_("Legal consultations"), "medical_services": N_("Medical services"),
    "other_services": N_("Other services"), "stays": N_("Shelter stays"),
    "consents": N_("Consents"), "referrals": N_("Referrals"),
    "evidence_items": N_("Digital evidence"), "custody_events": N_("Chain of custody"),
    "perpetrators": N_("Perpetrators"), "notes": N_("Notes"),
    "follow_ups": N_("Follow-ups"), "drafts": N_("Unsaved drafts"),
}
LABELS = {
    "given_name": N_("Given name"), "family_name": N_("Family name"),
    "other_names": N_("Other names"), "sex": N_("Sex"), "date_of_birth": N_("Date of birth"),
    "age_estimate": N_("Estimated age"), "nationality": N_("Nationality"),
    "languages": N_("Languages"), "phone": N_("Phone"), "email": N_("E-mail"),
    "address": N_("Address"), "document_number": N_("Document number"),
    "case_code": N_("Case code"), "status": N_("Status"), "intake_date": N_("Intake date"),
    "exploitation_types": N_("Exploitation"), "recruitment_channel": N_("Recruitment channel"),
    "recruitment_platform": N_("Platform"), "means_of_control": N_("Means of control"),
    "victim_status": N_("Victim status"), "risk_level": N_("Risk"), "date": N_("Date"),
    "topic": N_("Topic"), "summary": N_("Summary"), "outcome": N_("Outcome"),
    "next_step": N_("Next step"), "kind": N_("Kind"), "description": N_("Description"),
    "purpose": N_("Purpose"), "method": N_("Method"), "given_on": N_("Given on"),
    "expires_on": N_("Valid until"), "withdrawn_on": N_("Withdrawn on"),
    "services": N_("Services"), "urgency": N_("Urgency"), "referred_on": N_("Referred on"),
    "file_name": N_("File"), "sha256": N_("SHA-256"), "source_link": N_("Source link"),
    "body": N_("Note"), "due_on": N_("Due"), "admitted_on": N_("Admitted on"),
    "discharged_on": N_("Discharged on"), "discharge_reason": N_("Reason"),
    "roles": N_("Roles"), "relationship": N_("Relationship"), "accounts": N_("Accounts"),
    "phones": N_("Phone"), "recipient": N_("Recipient"), "notes": N_("Notes"),
    "scope": N_("Scope"), "platform": N_("Platform"), "duration_minutes": N_("Duration (minutes)"),
}
# Values that are codes of a vocabulary are printed as its label in the PDF's language.
VOCABULARIES = {
    "sex": codes_case.SEX, "status": None, "exploitation_types": codes_case.EXPLOITATION_TYPES,
    "recruitment_channel": codes_case.RECRUITMENT_CHANNELS,
    "recruitment_platform": codes_case.PLATFORMS, "platform": codes_case.PLATFORMS,
    "means_of_control": codes_case.MEANS_OF_CONTROL, "victim_status": codes_case.VICTIM_STATUS,
    "risk_level": codes_case.RISK_LEVELS, "topic": codes_services.LEGAL_TOPICS,
    "purpose": codes_services.CONSENT_PURPOSES, "method": codes_services.CONSENT_METHODS,
    "services": codes_services.SERVICES, "urgency": codes_services.URGENCY,
    "discharge_reason": shelters.DISCHARGE_REASONS, "roles": codes_services.PERPETRATOR_ROLES,
}
STATUS_BY_TABLE = {"cases": codes_case.CASE_STATUS, "referrals": codes_services.REFERRAL_STATUS}
KIND_BY_TABLE = {"medical_services": codes_services.MEDICAL_KINDS,
                 "other_services": codes_services.OTHER_SERVICE_KINDS,
                 "evidence_items": codes_services.EVIDENCE_KINDS,
                 "custody_events": codes_services.CUSTODY_EVENTS,
                 "follow_ups": codes_services.FOLLOW_UP_KINDS}


class ExportFolderUnusable(UserFacingError):
    message = N_("The client's data could not be written to {folder}: {reason}.")


def export_to(session: Session, case_id: str, folder: Path,
              language: str | None = None) -> tuple[Path, Path]:
    """Write ``<case code>-data.pdf`` and ``-data.json`` into ``folder``; nothing half-written
    (each file is complete or absent)."""
    data = subject_access.collect(session, case_id)
    chosen = language or data.language or "en"
    pdf = render_pdf(data, translator_for(chosen))
    stem = (data.case_codes[0] if data.case_codes else "client") + "-data"
    paths = (folder / f"{stem}.pdf", folder / f"{stem}.json")
    written: list[Path] = []
    try:
        for path, content in zip(paths, (pdf, data.as_json()), strict=True):
            temporary = path.with_name(path.name + ".part")
            temporary.write_bytes(content)
            temporary.replace(path)
            written.append(path)
    except OSError as error:
        for path in (*written, *(p.with_name(p.name + ".part") for p in paths)):
            path.unlink(missing_ok=True)
        raise ExportFolderUnusable(folder=str(folder),
                                   reason=error.strerror or type(error).__name__) from None
    return paths


def render_pdf(data: subject_access.SubjectData, tr: Translator) -> bytes:
    register_fonts()
    title = ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20)
    heading = ParagraphStyle("heading", fontName=BOLD, fontSize=12, leading=15, spaceBefore=8)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    item = ParagraphStyle("item", parent=body, leftIndent=8, spaceBefore=4)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=16 * mm, bottomMargin=16 * mm,
                                 title=tr.gettext("Your data held by this organisation"))
    story: list[Any] = [
        Paragraph(escape(tr.gettext("Your data held by this organisation")), title),
        Paragraph(escape(tr.gettext(
            "This is everything recorded about you, as the law on personal data gives you the "
            "right to see. Case codes: {codes}.").format(codes=", ".join(data.case_codes))),
            body),
        Spacer(0, 4 * mm)]
    for table, rows in data.tables.items():
        story.append(Paragraph(escape(tr.gettext(TITLES.get(table, table))), heading))
        for row in rows:
            lines = [f"<b>{escape(tr.gettext(LABELS[k]))}</b>: {escape(_value(table, k, v, tr))}"
                     for k, v in row.items() if k in LABELS and v not in (None, "", [], 0)]
            if table == "drafts":
                lines = [escape(str(row.get("content", ""))[:2000])]
            if lines:
                story.append(Paragraph("<br/>".join(lines), item))
    document.build(story)
    return buffer.getvalue()


def _value(table: str, column: str, value: Any, tr: Translator) -> str:
    by_table = {"status": STATUS_BY_TABLE, "kind": KIND_BY_TABLE}.get(column)
    vocabulary = by_table.get(table) if by_table is not None else VOCABULARIES.get(column)
    values = value if isinstance(value, list) else [value]
    if vocabulary is not None:
        return ", ".join(vocabulary.label_in(str(v), tr.language) for v in values)
    return ", ".join(str(v) for v in values)
