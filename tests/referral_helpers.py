"""Referral test helpers: a richly identifying client, and reading PDFs back."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from shelterdesk.domain.care import MedicalService
from shelterdesk.domain.clients import Case
from shelterdesk.domain.evidence import Perpetrator
from shelterdesk.domain.referrals import Consent, Organisation
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.domain.tasks import Note
from shelterdesk.store.records import (
    care,
    clients,
    consents,
    organisations,
    perpetrators,
    shelters,
    stays,
    tasks,
)
from shelterdesk.store.vault import Session
from tests.records_helpers import make_case, make_client

ROOT = Path(__file__).resolve().parent.parent
BASE14 = {"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica",
          "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman",
          "Times-Bold", "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats"}

# Everything about the test client that must never be on an anonymized sheet.
GIVEN, FAMILY, OTHER = "Aynur", "Məmmədova", "Айнур Гусейнова"
SHELTER_ADDRESS = "Sumqayıt, Gizli küçə 17"
NOTE = "Qardaşı onu Dubayda axtarır"
HANDLE = "@recruiter_baku_77"
IDENTIFYING = [
    GIVEN, FAMILY, "Айнур", "Гусейнова", "1999-04-12", "12.04.1999", "12/04/1999",
    "12 Apr 1999", "12 aprel 1999", "12 апреля 1999", "+994 50 123 45 67", "+994501234567",
    "050 123 45 67", "501234567", "aynur.m@example.az", "Bakı, Nizami küç. 5", "Nizami",
    "AA1234567", NOTE, "Dubay", HANDLE, "recruiter_baku", SHELTER_ADDRESS, "Gizli küçə",
    "Sığınacaq Bir", "+994 12 555 00 11"]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def decoded_streams(pdf: bytes) -> bytes:
    """Every stream in the file, decompressed (content, fonts' ToUnicode maps, metadata)."""
    reader = PdfReader(io.BytesIO(pdf))
    chunks = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            found = reader.get_object(number)
        except Exception:  # noqa: BLE001 - a free entry in the cross-reference table
            continue
        if hasattr(found, "get_data"):
            chunks.append(found.get_data())
    return b"\n".join(chunks)


def poppler_text(pdf: bytes, directory: Path) -> str:
    """The text as poppler's pdftotext reads it: a second, independent extractor."""
    path = directory / "read.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def font_problems(pdf: bytes) -> list[str]:
    """Every font on every page must be embedded TrueType (FontFile2) and not a base-14 one."""
    problems, seen = [], 0
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        fonts = page["/Resources"].get_object().get("/Font")
        for name, ref in (fonts.get_object() if fonts else {}).items():
            seen += 1
            font = ref.get_object()
            base = str(font.get("/BaseFont", "")).lstrip("/")
            if base.split("+")[-1] in BASE14:
                problems.append(f"page {number} {name}: base-14 font {base}")
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                problems.append(f"page {number} {name}: {base} is not embedded TrueType")
    if not seen:
        problems.append("no fonts at all")
    return problems


@dataclass
class ReferralWorld:
    case: Case
    org: Organisation
    other_org: Organisation


def build_world(session: Session, *, needs: str = "Needs legal aid for the residence permit "
                "and a safe place to stay.", nationality: str = "AZ") -> ReferralWorld:
    """A client with every identifying detail filled in, a shelter stay, a note, a perpetrator."""
    org = organisations.add_organisation(session, Organisation(
        "Gəncə Hüquq və Sağlamlıq Şəbəkəsi", "ngo", ["legal", "medical"],
        contact_person="Leyla Əliyeva"))
    other = organisations.add_organisation(session, Organisation("Другая организация", "ngo"))
    case = clients.create_intake(
        session,
        make_client(given_name=GIVEN, family_name=FAMILY, other_names=OTHER,
                    email="aynur.m@example.az", nationality=nationality),
        make_case(needs_summary=needs, interpreter_needed=True,
                  vulnerabilities=["mental_health"]))
    shelter = shelters.add_shelter(session, Shelter("Sığınacaq Bir", address=SHELTER_ADDRESS,
                                                    phone="+994 12 555 00 11"))
    room = shelters.add_room(session, Room(shelter.id, "Otaq 1"))
    bed = shelters.add_bed(session, Bed(room.id, "A"))
    stays.admit(session, case.id, bed.id, on=date(2026, 3, 2))
    tasks.add_note(session, Note(case.id, NOTE))
    perpetrators.add_perpetrator(session, Perpetrator(
        case.id, roles=["recruiter"], description="Met on Tinder",
        accounts=[{"platform": "tinder", "handle": HANDLE}], phones=["+994 55 999 88 77"]))
    care.add_medical_service(session, MedicalService(
        case.id, date(2026, 3, 3), "examination", summary="Fractured wrist, healing",
        provider="Klinika 3"))
    return ReferralWorld(case, org, other)


def consent_for(session: Session, world: ReferralWorld, purpose: str = "referral", *,
                given_on: date = date(2026, 3, 1), expires_on: date | None = None,
                org: Organisation | None = None,
                details: list[str] | None = None) -> Consent:
    """By default a referral consent covers every detail but the address, the document and
    medical information; a medical-sharing one the name and medical information."""
    if details is None:
        details = ["name", "medical"] if purpose == "medical_sharing" \
            else ["name", "date_of_birth", "contact"]
    return consents.add_consent(session, Consent(
        world.case.id, purpose, given_on, method="signed",
        to_org_id=(org or world.org).id if purpose == "referral" else "",
        expires_on=expires_on,
        details=details))
