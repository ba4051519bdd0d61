"""Catalogs keep up with the code: nothing new to extract, az and ru complete, placeholders kept.

Pending fragments (translations/pending/<topic>_<lang>.po) count as part of a
catalog, as the app reads them too; scripts/merge_pending_translations.py folds
them in.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def load(language: str) -> dict:
    """msgid (with context) -> msgstr(s), the catalog overlaid with pending fragments."""
    entries: dict = {}
    paths = [TRANSLATIONS / language / "LC_MESSAGES" / "shelterdesk.po",
             *sorted((TRANSLATIONS / "pending").glob(f"*_{language}.po"))]
    for path in paths:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not message.id:
                continue
            key = (message.context, message.id)
            translated = message.string and not message.fuzzy and (
                all(message.string) if isinstance(message.string, tuple) else True)
            if translated or key not in entries:
                entries[key] = (message.string if translated else None)
    return entries


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    pot = tmp_path_factory.mktemp("pot") / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "pyproject.toml",
         "-k", "NN_:1,2", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, timeout=300)
    with pot.open("rb") as handle:
        return {(m.context, m.id) for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_extracting_again_adds_no_msgid(extracted, language: str) -> None:
    missing = sorted(str(key[1])[:70] for key in extracted - set(load(language)))
    assert not missing, f"{len(missing)} msgid(s) not in the {language} catalog: {missing[:10]}"


@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_message_is_translated(extracted, language: str) -> None:
    entries = load(language)
    untranslated = sorted(str(key[1])[:70] for key in extracted
                          if entries.get(key) is None and key in entries)
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated[:10]}"


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_placeholders_match(language: str) -> None:
    wrong = []
    for (_context, msgid), string in load(language).items():
        if string is None:
            continue
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = string if isinstance(string, tuple) else (string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            found = set(PLACEHOLDER.findall(text))
            if not found <= wanted or (len(strings) == 1 and found != wanted and text):
                wrong.append((ids[0][:60], text[:60]))
    assert not wrong, wrong[:10]


def test_plural_forms_per_language() -> None:
    for language, forms in (("az", 2), ("ru", 3)):
        with (TRANSLATIONS / language / "LC_MESSAGES" / "shelterdesk.po").open("rb") as handle:
            catalog = read_po(handle, locale=language)
        assert catalog.num_plurals == forms
        for message in catalog:
            if message.pluralizable and message.string:
                assert len(message.string) == forms, message.id
