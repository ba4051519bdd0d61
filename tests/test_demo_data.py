"""Demo data that reads like the language: Russian words for Russian screens, the Ministry's
department by its official name, and never two people in one bed on one night."""

from __future__ import annotations

import re
from datetime import date

import pytest

from shelterdesk.store.records import demo
from shelterdesk.store.records.demo_words import WORDS
from shelterdesk.store.vault import Session

LATIN_LETTER = re.compile(r"[A-Za-zƏəĞğİıÖöŞşÜüÇç]")
CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]")


def _texts(session: Session) -> dict[str, list[str]]:
    query = {
        "names": "SELECT given_name || ' ' || family_name FROM clients",
        "organisations": "SELECT name FROM organisations",
        "shelters": "SELECT name FROM shelters",
        "rooms": "SELECT name FROM rooms",
        "beds": "SELECT label FROM beds",
        "notes": "SELECT body FROM notes",
        "legal": "SELECT summary, id FROM legal_consultations",
        "medical": "SELECT summary, id FROM medical_services",
    }
    tables = {"legal": "legal_consultations", "medical": "medical_services"}
    # Legal and medical summaries are sealed in their compartments: opened with the keys.
    return {key: [session.unseal(tables[key], "summary", r[1], r[0]) if key in tables else r[0]
                  for r in session.connection.execute(sql)] for key, sql in query.items()}


def test_russian_demo_data_is_russian(admin_session: Session) -> None:
    demo.generate(admin_session, 80, seed=4, language="ru")
    for key, values in _texts(admin_session).items():
        assert values, key
        for value in values:
            assert CYRILLIC_WORD.search(value), (key, value)
            if key in ("names", "rooms", "beds", "shelters"):
                assert not LATIN_LETTER.search(value), (key, value)


def test_azerbaijani_demo_data_is_azerbaijani(admin_session: Session) -> None:
    demo.generate(admin_session, 40, seed=4, language="az")
    texts = _texts(admin_session)
    assert all(not CYRILLIC_WORD.search(v) for values in texts.values() for v in values)
    assert all(room.startswith("Otaq ") for room in texts["rooms"])


@pytest.mark.parametrize("language, official", [
    ("az", "Azərbaycan Respublikası Daxili İşlər Nazirliyinin İnsan alverinə qarşı mübarizə "
           "idarəsi"),
    ("ru", "Управление по борьбе с торговлей людьми Министерства внутренних дел "
           "Азербайджанской Республики"),
])
def test_the_ministry_department_bears_its_official_name(admin_session: Session, language,
                                                         official) -> None:
    assert official in [name for name, kind, _s in WORDS[language].organisations
                        if kind == "state"]
    demo.generate(admin_session, 5, seed=1, language=language)
    names = [r[0] for r in admin_session.connection.execute("SELECT name FROM organisations")]
    assert official in names


@pytest.mark.parametrize("seed", [1, 3, 7, 11])
def test_stays_never_overlap_on_one_bed(admin_session: Session, seed: int) -> None:
    summary = demo.generate(admin_session, 400, seed=seed, today=date(2026, 6, 30))
    demo.generate(admin_session, 200, seed=seed + 100, today=date(2026, 6, 30))  # again
    overlapping = admin_session.connection.execute(
        "SELECT a.id, b.id FROM stays a JOIN stays b ON a.bed_id = b.bed_id AND a.id < b.id"
        " WHERE a.admitted_on < coalesce(b.discharged_on, '9999-12-31')"
        "   AND b.admitted_on < coalesce(a.discharged_on, '9999-12-31')").fetchall()
    assert summary.stays > 20
    assert overlapping == []
