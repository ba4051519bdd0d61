"""Referral forms and anonymized sheets read back from real PDFs: names, labels, fonts, paging."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from pypdf import PdfReader

from shelterdesk.domain import codes_services
from shelterdesk.domain.referrals import Consent
from shelterdesk.domain.regions import REGIONS
from shelterdesk.i18n import translations, translator_for
from shelterdesk.reports.layout import QrCode, qr_payload
from shelterdesk.reports.referral_print import (
    DetailsOnAnonymized,
    UnknownDetail,
    UnsupportedLanguage,
    refer_and_render,
)
from shelterdesk.store import settings
from shelterdesk.store.records import clients, consents
from shelterdesk.store.vault import Session, Vault
from tests.records_helpers import make_case, make_client
from tests.referral_helpers import (
    FAMILY,
    IDENTIFYING,
    OTHER,
    ROOT,
    build_world,
    consent_for,
    decoded_streams,
    font_problems,
    page_texts,
    pdf_text,
    poppler_text,
)

LABELS = {
    "az": ["Yönləndirmə forması", "MƏXFİ", "Tələb olunan xidmətlər", "İmzalar",
           "Səhifə 1 / 1"],
    "ru": ["Форма направления", "КОНФИДЕНЦИАЛЬНО", "Запрашиваемые услуги", "Подписи",
           "Страница 1 из 1"],
    "en": ["Referral form", "CONFIDENTIAL", "Services requested", "Signatures",
           "Page 1 of 1"],
}
SHEET_LABELS = {
    "az": ["Anonimləşdirilmiş yönləndirmə vərəqəsi", "Yaş qrupu", "Tibbi ehtiyaclar",
           "Səhifə 1 / 1"],
    "ru": ["Обезличенный бланк направления", "Возрастная группа", "Медицинские потребности",
           "Страница 1 из 1"],
    "en": ["Anonymized referral sheet", "Age band", "Medical needs", "Page 1 of 1"],
}


def squash(text: str) -> str:
    """Text as extracted, with line breaks and runs of spaces made single spaces."""
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_identified_form_names_the_client_in_the_chosen_language(
        admin_session: Session, language: str) -> None:
    world = build_world(admin_session)
    consent_for(admin_session, world)
    referral, pdf = refer_and_render(admin_session, world.case.case_code, world.org.name,
                                     ["legal", "psychosocial"], language=language)
    text = squash(pdf_text(pdf))
    assert FAMILY in text and OTHER in text and "Aynur" in text
    for label in LABELS[language]:
        assert label in text, label
    assert referral.number in text and world.case.case_code in text
    assert referral.id not in text  # the UUID stays internal
    assert "+994 50 123 45 67" in text  # phone is shared by default
    assert "AA1234567" not in text and "Nizami" not in text  # address, document: not asked
    assert font_problems(pdf) == []


def test_identified_form_prints_a_cyrillic_name_as_stored(vault: Vault,
                                                           admin_session: Session) -> None:
    world = build_world(admin_session)
    case = clients.create_intake(admin_session, make_client(
        given_name="Екатерина", family_name="Гусейнова", nationality="RU"), make_case())
    consent_for(admin_session, world)
    consents.add_consent(admin_session, Consent(case.id, "referral", date(2026, 3, 1),
                                                to_org_id=world.org.id,
                                                details=["name", "contact"]))
    _referral, pdf = refer_and_render(admin_session, case.case_code, world.org.id, ["legal"],
                                      language="ru",
                                      shared=["phone"])
    text = squash(pdf_text(pdf))
    assert "Екатерина Гусейнова" in text
    assert "Россия" not in text  # nationality was not among the shared details


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_anonymized_sheet_carries_nothing_that_identifies(admin_session: Session,
                                                          tmp_path: Path, language: str) -> None:
    world = build_world(admin_session)
    for _ in range(4):  # k = 5 clients share the printed combination: nothing generalised
        clients.create_intake(admin_session, make_client(), make_case())
    referral, pdf = refer_and_render(admin_session, world.case.case_code, world.org.name,
                                     ["legal", "medical"], urgency="urgent", anonymized=True,
                                     language=language)
    text = pdf_text(pdf)
    flat = squash(text)
    raw = pdf.decode("latin-1")
    metadata = json.dumps({k: str(v) for k, v in
                           (PdfReader(io.BytesIO(pdf)).metadata or {}).items()},
                          ensure_ascii=False)
    streams = decoded_streams(pdf)
    assert len(streams) > len(pdf)  # the font subsets and pages really were decompressed
    poppler = poppler_text(pdf, tmp_path)
    assert world.case.case_code in poppler
    for value in IDENTIFYING:
        for haystack in (text, flat, raw, metadata, poppler, squash(poppler)):
            assert value.casefold() not in haystack.casefold(), value
        for encoded in (value.encode("utf-8"), value.encode("utf-16-be")):
            assert encoded not in pdf and encoded not in streams, value
    for label in SHEET_LABELS[language]:
        assert label in flat, label
    assert world.case.case_code in flat and referral.number in flat
    assert "25–34" in flat  # born 1999-04-12: 25–34 until April 2034
    assert font_problems(pdf) == []


def test_medical_content_needs_consent_and_permission(vault: Vault,
                                                      admin_session: Session) -> None:
    from shelterdesk.domain.roles import Role
    from tests.records_helpers import ROLE_USERS, add_role_users, login

    world = build_world(admin_session)
    consent_for(admin_session, world)
    _r, without = refer_and_render(admin_session, world.case.id, world.org.id, ["medical"])
    assert "Fractured wrist" not in pdf_text(without)  # no medical_sharing consent yet
    consent_for(admin_session, world, "medical_sharing")
    _r, coordinator = refer_and_render(admin_session, world.case.id, world.org.id,
                                       ["medical"])
    assert "Fractured wrist" in squash(pdf_text(coordinator))
    add_role_users(admin_session)
    with login(vault, Role.CASE_WORKER) as worker:
        _r, by_worker = refer_and_render(worker, world.case.id, world.org.id, ["medical"])
        assert "Fractured wrist" not in pdf_text(by_worker)  # may not see medical records
        assert ROLE_USERS[Role.CASE_WORKER] in pdf_text(by_worker)  # the contact person


def test_long_content_flows_onto_a_second_page(admin_session: Session) -> None:
    needs = "\n\n".join(
        f"Ehtiyac {n}: " + "hüquqi məsləhət, tibbi müayinə və psixoloji dəstək lazımdır. " * 7
        for n in range(1, 9))[:4000]
    world = build_world(admin_session, needs=needs)
    consent_for(admin_session, world)
    _r, pdf = refer_and_render(admin_session, world.case.id,
                               world.org.id, codes_services.SERVICES.codes, language="az")
    pages = [squash(t) for t in page_texts(pdf)]
    assert len(pages) == 2
    assert "Səhifə 1 / 2" in pages[0] and "Səhifə 2 / 2" in pages[1]
    assert all(world.case.case_code in page for page in pages)  # the footer, on every page
    assert "Ehtiyac 8" in pages[1]
    az = translator_for("az")
    for term in codes_services.SERVICES:  # all twelve services are listed
        assert az.gettext(term.label) in " ".join(pages), term.code


def test_paper_size_is_a_setting(admin_session: Session) -> None:
    world = build_world(admin_session)
    _r, a4 = refer_and_render(admin_session, world.case.id, world.org.id, anonymized=True)
    settings.set_value(admin_session, "paper_size", "Letter")
    _r, letter = refer_and_render(admin_session, world.case.id, world.org.id, anonymized=True)
    size = [tuple(round(float(v)) for v in PdfReader(io.BytesIO(pdf)).pages[0].mediabox[2:])
            for pdf in (a4, letter)]
    assert size == [(595, 842), (612, 792)]


def test_services_default_to_what_the_organisation_offers(admin_session: Session) -> None:
    world = build_world(admin_session)
    referral, _pdf = refer_and_render(admin_session, world.case.id, world.org.name,
                                      anonymized=True)
    assert referral.services == ["legal", "medical"]


def test_the_qr_code_carries_only_the_referral_id_and_case_code() -> None:
    payload = qr_payload("5f0bca22-c382-40ca-a732-b10ac3ec4118", "TU-26-YZMZQR-5")
    assert payload == "SHELTERDESK-REFERRAL:TU-26-YZMZQR-5:5f0bca22-c382-40ca-a732-b10ac3ec4118"
    import segno

    assert QrCode(payload).matrix == segno.make(payload, error="m", micro=False).matrix


def test_bad_requests_are_refused_before_anything_is_recorded(admin_session: Session) -> None:
    from shelterdesk.store.records import referrals

    world = build_world(admin_session)
    with pytest.raises(UnsupportedLanguage):
        refer_and_render(admin_session, world.case.id, world.org.id, language="de")
    with pytest.raises(UnknownDetail):
        refer_and_render(admin_session, world.case.id, world.org.id, shared=["photo"])
    with pytest.raises(DetailsOnAnonymized):
        refer_and_render(admin_session, world.case.id, world.org.id, anonymized=True,
                         shared=["phone"])
    assert referrals.list_referrals(admin_session, case_id=world.case.id) == []


def test_every_print_is_audited_without_content(admin_session: Session) -> None:
    world = build_world(admin_session)
    consent_for(admin_session, world)
    refer_and_render(admin_session, world.case.id, world.org.id, anonymized=True,
                     language="ru")
    refer_and_render(admin_session, world.case.id, world.org.id, language="az")
    rows = admin_session.connection.execute(
        "SELECT actor_id, object_kind, object_id, detail FROM audit_log"
        " WHERE action = 'referral.print' ORDER BY seq").fetchall()
    details = [json.loads(r[3]) for r in rows]
    assert [(d["kind"], d["language"]) for d in details] == [("anonymized", "ru"),
                                                              ("identified", "az")]
    assert all(r[0] == admin_session.user.id and r[1:3] == ("case", world.case.id)
               for r in rows)
    everything = json.dumps(admin_session.connection.execute(
        "SELECT * FROM audit_log").fetchall(), ensure_ascii=False)
    for value in IDENTIFYING:
        assert value not in everything, value


def test_every_printed_word_has_azerbaijani_and_russian() -> None:
    # written the same in that language, not untranslated (subject access's labels, i21)
    same_in_az = {"{region} (region)", "Risk", "SHA-256", "Status"}  # GLOSSARY: status
    same_in_ru = {"SHA-256"}  # an algorithm's name
    messages = {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "shelterdesk" / "reports"), keywords={"N_": None, "_": None})
        if isinstance(message, str)}
    messages |= {region.label for region in REGIONS}
    assert len(messages) > 60
    for language in ("az", "ru"):
        untranslated = sorted(m for m in messages if translations(language).gettext(m) == m
                              and not (language == "az" and m in same_in_az)
                              and not (language == "ru" and m in same_in_ru))
        assert untranslated == [], language


def test_what_people_typed_is_printed_as_typed_never_as_markup(admin_session: Session) -> None:
    world = build_world(admin_session)
    case = clients.create_intake(admin_session, make_client(
        given_name="<b>Ayşə</b>", family_name="O'Neil & Co <br/>",
        email="a" * 60 + "@example.az"), make_case(needs_summary="x < y & z > w\nline two"))
    consent_for(admin_session, world)
    consents.add_consent(admin_session, Consent(case.id, "referral", date(2026, 3, 1),
                                                to_org_id=world.org.id,
                                                details=["name", "contact"]))
    _r, pdf = refer_and_render(admin_session, case.id, world.org.id, ["legal"])
    text = squash(pdf_text(pdf))
    assert "<b>Ayşə</b> O'Neil & Co <br/>" in text
    assert "x < y & z > w line two" in text
    assert "a" * 40 in text.replace(" ", "")
