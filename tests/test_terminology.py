"""Words that are right for victims and lawyers (translations/GLOSSARY.md, "Decisions"):
the legal status as the law names it, no one called a criminal, no eviction, urgency that
says it cannot wait, and validation messages that read as sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import set_language
from tests.test_catalogs import load

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "az": [r"(?i)cinayətkar", r"\bVacib\b", r"(?i)eyniləşdir", r"(?i)müştəri",
           r"(?i)işə götürən", r"(?i)işə cəlbetmə"],
    "ru": [r"(?<![Пп]редполагаемого )(?<![Пп]редполагаемый )(?<![Пп]редполагаемые )"
           r"(?<![Пп]редполагаемых )\b[Пп]реступник", r"(?i)насильник", r"(?i)высел",
           r"(?i)засел"],
}
DECIDED = {
    "az": {
        "Presumed victim": "Ehtimal olunan qurban",
        "Officially identified victim": "İnsan alverinin qurbanı kimi müəyyən edilib",
        "Victim status": "İnsan alverinin qurbanı statusu",
        "Urgent (within 3 days)": "Təxirəsalınmaz (3 gün ərzində)",
        "Recruiter or intermediary": "Cəlb edən şəxs və ya vasitəçi",
        "Recruitment channel": "Cəlb etmə kanalı",
        "New cases by identification source": "Müəyyənləşdirmə mənbəyinə görə yeni işlər",
        "Perpetrators": "Törədən şəxslər",
    },
    "ru": {
        "Presumed victim": "Предполагаемая жертва торговли людьми",
        "Officially identified victim": "Официально признанная жертва торговли людьми",
        "Victim status": "Статус жертвы торговли людьми",
        "Abuser": "Лицо, применявшее насилие",
        "Discharge date": "Дата выбытия",
        "Admission date": "Дата размещения",
        "Perpetrators": "Предполагаемые преступники",
    },
}
# Narrative, trauma-informed text may say "survivor"; a status or a field may not.
NARRATIVE = {"ShelterDesk: encrypted shelter and victim-assistance intake.",
             "This form contains personal data of a survivor of human trafficking, shared with "
             "the client's consent for this referral only. Do not copy it or pass it on; keep "
             "it locked away and destroy it when it is no longer needed."}
NARRATIVE_WORD = {"az": r"(?i)zərərçəkmiş", "ru": r"(?i)пострадавш"}


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, tuple) else [value]


@pytest.mark.parametrize("language", ["az", "ru"])
def test_no_forbidden_words(language: str) -> None:
    found = []
    for (_context, msgid), string in load(language).items():
        for text in _strings(string or ""):
            for pattern in FORBIDDEN[language]:
                if re.search(pattern, text or ""):
                    found.append((msgid if isinstance(msgid, str) else msgid[0], text))
    assert not found, found[:10]


@pytest.mark.parametrize("language", ["az", "ru"])
def test_the_decided_words(language: str) -> None:
    entries = {msgid: string for (_c, msgid), string in load(language).items()}
    for msgid, wanted in DECIDED[language].items():
        assert entries[msgid] == wanted, msgid


@pytest.mark.parametrize("language", ["az", "ru"])
def test_survivor_only_in_narrative_text(language: str) -> None:
    misplaced = [msgid for (_c, msgid), string in load(language).items()
                 for text in _strings(string or "")
                 if re.search(NARRATIVE_WORD[language], text or "") and msgid not in NARRATIVE]
    assert not misplaced, misplaced


@pytest.mark.parametrize("language, quoted", [("az", "“Yerləşdirilmə tarixi”"),
                                              ("ru", "«Дата размещения»")])
def test_is_before_reads_as_a_sentence(language: str, quoted: str) -> None:
    set_language(language)
    try:
        shown = str(Problem("discharged_on", "is before {other}", {"other": "admitted_on"}))
    finally:
        set_language("en")
    assert quoted in shown, shown
    assert not re.search(r"tarixi tarixindən", shown)


def test_every_decision_is_recorded_with_its_reason() -> None:
    glossary = (ROOT / "translations" / "GLOSSARY.md").read_text(encoding="utf-8")
    for term in ("insan alverinin qurbanı", "жертва торговли людьми", "törədən şəxs",
                 "предполагаемый преступник", "Лицо, применявшее насилие", "выбытие",
                 "Təxirəsalınmaz", "Cəlb edən şəxs və ya vasitəçi", "cəlb etmə kanalı",
                 "müəyyənləşdirmə", "benefisiar", "quotation marks"):
        assert term in glossary, term
    assert "123 and 131 of 2009" in glossary  # the reason, not only the word
