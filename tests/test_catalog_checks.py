"""The catalog checks CI runs (msgfmt, pofilter, mnemonics, Russian spelling) pass on the
catalogs and catch each kind of fault; merging pending fragments refuses two translations of
one message; the screenshots were taken with today's catalogs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import check_catalogs  # noqa: E402
import merge_pending_translations  # noqa: E402

HEADER = '''msgid ""
msgstr ""
"Project-Id-Version: ShelterDesk 0.1.0\\n"
"PO-Revision-Date: 2026-12-04 17:00+0000\\n"
"Last-Translator: ShelterDesk translators\\n"
"Language-Team: {lang}\\n"
"Language: {lang}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

'''

needs_tools = pytest.mark.skipif(
    bool(check_catalogs.missing_tools()),
    reason=f"catalog tools missing: {check_catalogs.missing_tools()} (.ci/run installs them)")


def write_catalog(root: Path, lang: str, body: str, fragment: str = "") -> Path:
    path = root / (f"pending/{fragment}_{lang}.po" if fragment
                   else f"{lang}/LC_MESSAGES/shelterdesk.po")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(lang=lang) + body, encoding="utf-8")
    return path


@needs_tools
def test_the_catalogs_pass_every_check() -> None:
    assert check_catalogs.run_checks(ROOT / "translations") == []


@needs_tools
def test_each_kind_of_fault_is_caught(tmp_path: Path) -> None:
    write_catalog(tmp_path, "ru", '''#, python-brace-format
msgid "Saved {count} records."
msgstr "Сохранено {cnt} записей."

msgid "Discharge"
msgstr "Выбытее"

msgid "&Save"
msgstr "Сохранить"
''')
    write_catalog(tmp_path, "az", '''msgid "&Copy"
msgstr "Kö&çür"

msgid "Lock"
msgstr "Kilidlə "
''')
    write_catalog(tmp_path, "en", "")
    problems = "\n".join(check_catalogs.run_checks(tmp_path))
    assert "pythonbraceformat" in problems  # {cnt} is not {count}
    assert "Выбытее" in problems  # a misspelt Russian word
    assert "0 mnemonic(s) where the original has 1" in problems
    assert "“&ç” is on a key missing" in problems
    assert "endwhitespace" in problems
    assert check_catalogs.main(["--translations", str(tmp_path)]) == 1


def test_two_translations_of_one_message_stop_the_merge(tmp_path: Path, monkeypatch,
                                                        capsys) -> None:
    write_catalog(tmp_path, "ru", 'msgid "Discharge"\nmsgstr "Выбытие"\n', fragment="i15")
    write_catalog(tmp_path, "ru", 'msgid "Discharge"\nmsgstr "Выписка"\n', fragment="i19")
    write_catalog(tmp_path, "az", 'msgid "Discharge"\nmsgstr "Çıxış"\n', fragment="i15")
    conflicts = merge_pending_translations.find_conflicts(tmp_path)
    assert len(conflicts) == 1
    assert "Выбытие" in conflicts[0] and "Выписка" in conflicts[0]
    assert "i15_ru.po" in conflicts[0] and "i19_ru.po" in conflicts[0]
    monkeypatch.setattr(merge_pending_translations, "TRANSLATIONS", tmp_path)
    before = {p: p.read_text() for p in tmp_path.rglob("*.po")}
    assert merge_pending_translations.main() == 1
    assert "translated two ways" in capsys.readouterr().err
    assert {p: p.read_text() for p in tmp_path.rglob("*.po")} == before  # nothing merged


def test_the_fingerprint_follows_what_the_screens_say(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "translations", tmp_path / "t")
    first = check_catalogs.catalog_fingerprint(tmp_path / "t")
    catalog = tmp_path / "t" / "ru" / "LC_MESSAGES" / "shelterdesk.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("#: ", "#:  "), encoding="utf-8")  # comments only
    assert check_catalogs.catalog_fingerprint(tmp_path / "t") == first
    catalog.write_text(text.replace('msgstr "Разделы"', 'msgstr "Секции"'), encoding="utf-8")
    assert check_catalogs.catalog_fingerprint(tmp_path / "t") != first


def test_the_screenshots_were_taken_with_todays_catalogs() -> None:
    recorded = ROOT / "docs" / "screenshots" / "catalogs.sha256"
    assert recorded.is_file(), "run scripts/screenshots.py: the screens record their catalogs"
    assert recorded.read_text().strip() == check_catalogs.catalog_fingerprint(
        ROOT / "translations"), ("a catalog changed after the screenshots were taken: run "
                                 "scripts/screenshots.py")
