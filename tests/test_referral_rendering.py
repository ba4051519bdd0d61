"""Rendered pages: no glyph missing from the embedded font, no word printed over another."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from functools import cache
from html import unescape
from pathlib import Path

import pytest

from shelterdesk.domain import codes_services
from shelterdesk.domain.care import MedicalService
from shelterdesk.domain.codes_services import CONSENT_SCOPE
from shelterdesk.reports.fonts import BOLD, REGULAR, font_path
from shelterdesk.reports.referral_print import refer_and_render
from shelterdesk.store.records import care
from shelterdesk.store.vault import Session
from tests.referral_helpers import build_world, consent_for, pdf_text

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"(.*?)</word>")
LONG_NEEDS = "\n\n".join(
    f"Пункт {n}: нужна юридическая консультация, медицинский осмотр, психологическая помощь "
    "и безопасное жильё; клиентка говорит по-азербайджански и немного по-русски. " * 3
    for n in range(1, 8))[:4000]


@cache
def _font_chars() -> frozenset[int]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    regular = TTFontFile(str(font_path(REGULAR))).charToGlyph
    bold = TTFontFile(str(font_path(BOLD))).charToGlyph
    return frozenset(regular) & frozenset(bold)


def _words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = html.split("<page ")[1:]
    return [[(float(a), float(b), float(c), float(d), unescape(w))
             for a, b, c, d, w in WORD.findall(page)] for page in pages]


def _overlaps(words: list[tuple[float, float, float, float, str]]) -> list[str]:
    found = []
    for i, (x0, y0, x1, y1, word) in enumerate(words):
        for a0, b0, a1, b1, other in words[i + 1:]:
            width = min(x1, a1) - max(x0, a0)
            height = min(y1, b1) - max(y0, b0)
            if width > 0.5 and height > 0.5:
                found.append(f"{word!r} over {other!r}")
    return found


def _documents(session: Session, language: str) -> dict[str, bytes]:
    world = build_world(session, needs=LONG_NEEDS)
    consent_for(session, world, details=list(CONSENT_SCOPE.codes))
    consent_for(session, world, "medical_sharing")
    for day in range(4, 14):
        care.add_medical_service(session, MedicalService(
            world.case.id, date(2026, 3, day), "treatment", summary="Перевязка, антибиотики; "
            "контрольный осмотр через неделю.", follow_up_date=date(2026, 4, day)))
    _r, form = refer_and_render(session, world.case.id, world.org.id,
                                codes_services.SERVICES.codes, urgency="emergency",
                                language=language,
                                shared=["other_names", "sex", "date_of_birth", "nationality",
                                        "phone", "email", "address", "document_number"])
    _r, sheet = refer_and_render(session, world.case.id, world.org.id,
                                 codes_services.SERVICES.codes, anonymized=True,
                                 language=language)
    return {"form": form, "sheet": sheet}


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_pages_have_every_glyph_and_no_overlapping_words(admin_session: Session, tmp_path: Path,
                                                         language: str) -> None:
    for kind, pdf in _documents(admin_session, language).items():
        missing = {ch for ch in pdf_text(pdf) if not ch.isspace()
                   and ord(ch) not in _font_chars()}
        assert not missing, (kind, missing)
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(pdf)
        pages = _words(path)
        assert len(pages) >= (2 if kind == "form" else 1)
        for number, words in enumerate(pages, start=1):
            assert words, (kind, number)
            assert _overlaps(words) == [], (kind, number)
        png = tmp_path / kind
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(path), str(png)], check=True)
        assert len(list(tmp_path.glob(f"{kind}-*.png"))) == len(pages)


def test_overlap_detection_finds_overlapping_words() -> None:
    assert _overlaps([(0, 0, 10, 10, "a"), (5, 5, 15, 15, "b")]) == ["'a' over 'b'"]
    assert _overlaps([(0, 0, 10, 10, "a"), (10, 0, 20, 10, "b")]) == []


def test_the_printed_qr_code_reads_back_as_the_referral_number_and_case_code(
        admin_session: Session, tmp_path: Path) -> None:
    if shutil.which("zbarimg") is None:
        if os.environ.get("CI"):
            pytest.fail("zbarimg (zbar-tools) is missing: .ci/run installs it")
        pytest.skip("zbarimg not installed (apt-get install zbar-tools)")
    world = build_world(admin_session)
    for anonymized in (True, False):
        if not anonymized:
            consent_for(admin_session, world)
        referral, pdf = refer_and_render(admin_session, world.case.id, world.org.id,
                                         ["legal"], anonymized=anonymized)
        (tmp_path / "doc.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1",
                        str(tmp_path / "doc.pdf"), str(tmp_path / "page")], check=True)
        read = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")],
                              capture_output=True, text=True, check=True).stdout.strip()
        assert read == f"SHELTERDESK-REFERRAL:{world.case.case_code}:{referral.number}"
        assert referral.id not in read  # the UUID stays internal
