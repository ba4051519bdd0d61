"""The documented screenshots exist, and the Azerbaijani screens carry no English left over."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from shelterdesk.i18n.catalogs import catalog_root

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
SCREENS = [
    "admin-audit-log", "admin-backups", "admin-organisations", "admin-retention", "admin-settings",
    "admin-shelters", "admin-users", "backup-overdue", "cases-file-evidence", "cases-file-legal",
    "cases-file-legal-corrected", "cases-file-overview", "dialog-about", "dialog-add-user",
    "dialog-admit", "dialog-amend-consent", "dialog-change-roles", "dialog-close-case",
    "dialog-consent", "dialog-correct-legal", "dialog-discharge", "dialog-duplicate-warning",
    "dialog-emergency-erase", "dialog-erase-client", "dialog-evidence-export",
    "dialog-evidence-viewer", "dialog-import-preview", "dialog-intake",
    "dialog-intake-recruitment", "dialog-invite", "dialog-legal-consultation",
    "dialog-new-referral", "dialog-organisation", "dialog-record-history",
    "dialog-referral-preview", "dialog-referral-status", "dialog-rename-laptop",
    "dialog-reopen-case", "dialog-restore-backup", "dialog-user-guide",
    "dialog-vault-in-synced-folder", "dialog-verify-backup", "locked", "section-account",
    "section-cases", "section-follow-ups", "section-referrals", "section-shelter",
    "section-statistics", "section-sync", "shelter-bed", "sync-conflicts", "sync-laptops",
    "unlock", "unlock-forgot-passphrase", "unlock-wrong-passphrase", "wizard-0-choice",
    "wizard-1-organisation", "wizard-2-coordinator", "wizard-3-recovery-key",
    "wizard-4-confirm-key", "wizard-join",
]
# Words that are the same in every language: names, brands, codes, units.
NOT_ENGLISH = {"shelterdesk", "demo", "ctrl", "shift", "facebook", "instagram", "telegram",
               "whatsapp", "tiktok", "tinder", "badoo", "risk", "platforma", "sha", "xlsx",
               "status"}  # "status" is Azerbaijani too (GLOSSARY)


def english_words() -> set[str]:
    """Every word of three letters or more in our English source strings."""
    from babel.messages.pofile import read_po

    with (catalog_root() / "shelterdesk.pot").open("rb") as handle:
        catalog = read_po(handle)
    words: set[str] = set()
    for message in catalog:
        for text in (message.id if isinstance(message.id, tuple) else (message.id,)):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", text or ""))
    return words - NOT_ENGLISH


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def untranslated(texts: dict[str, list[str]], english: dict[str, list[str]],
                 vocabulary: set[str]) -> list[tuple[str, str]]:
    """Texts shown identically in English on the same screen that read as English words."""
    found = []
    for screen, shown in texts.items():
        same_as_english = set(shown) & set(english.get(screen, []))
        for text in sorted(same_as_english):
            if _is_json_object(text):
                continue  # a record's own data (the audit log's details), not a sentence
            words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}
            if words & vocabulary:
                found.append((screen, text))
    return found


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_committed_screenshots_exist(language: str) -> None:
    folder = SHOTS / language
    missing = [name for name in SCREENS if not (folder / f"{name}.png").is_file()]
    assert not missing, missing
    assert (folder / "texts.json").is_file()


def test_committed_azerbaijani_screens_are_translated() -> None:
    az = json.loads((SHOTS / "az" / "texts.json").read_text("utf-8"))
    en = json.loads((SHOTS / "en" / "texts.json").read_text("utf-8"))
    assert set(az) == set(SCREENS)
    assert untranslated(az, en, english_words()) == []


def test_fresh_screens_have_no_english_in_azerbaijani(tmp_path: Path) -> None:
    """Runs the real script: every screen in en and az, then compares what is shown."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts" /
                                                  "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.capture(tmp_path, ["en", "az"])
    for language in ("en", "az"):
        for name in SCREENS:
            assert (tmp_path / language / f"{name}.png").stat().st_size > 5_000, name
    az = json.loads((tmp_path / "az" / "texts.json").read_text("utf-8"))
    en = json.loads((tmp_path / "en" / "texts.json").read_text("utf-8"))
    assert untranslated(az, en, english_words()) == []
    # The check itself bites: English screens compared with themselves are all "English".
    assert untranslated(en, en, english_words())
