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
    "wizard-1-organisation", "wizard-2-coordinator", "wizard-3-recovery-key",
    "wizard-4-confirm-key", "unlock", "unlock-wrong-passphrase", "unlock-forgot-passphrase",
    "section-cases", "section-shelter", "section-referrals", "section-follow-ups",
    "section-statistics", "section-sync", "section-account", "admin-users",
    "admin-organisations", "admin-shelters", "admin-settings", "dialog-add-user",
    "dialog-organisation", "locked", "shelter-bed", "dialog-discharge", "dialog-admit",
    "dialog-referral-status", "dialog-referral-preview", "cases-file-overview",
    "cases-file-legal", "cases-file-evidence", "dialog-legal-consultation", "dialog-intake",
    "dialog-intake-recruitment", "admin-audit-log", "dialog-erase-client",
    "dialog-emergency-erase", "dialog-user-guide", "dialog-about", "admin-retention",
]
# Words that are the same in every language: names, brands, codes, units.
NOT_ENGLISH = {"shelterdesk", "demo", "ctrl", "shift", "facebook", "instagram", "telegram",
               "whatsapp", "tiktok", "tinder", "badoo", "risk", "platforma", "sha"}


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


def untranslated(texts: dict[str, list[str]], english: dict[str, list[str]],
                 vocabulary: set[str]) -> list[tuple[str, str]]:
    """Texts shown identically in English on the same screen that read as English words."""
    found = []
    for screen, shown in texts.items():
        same_as_english = set(shown) & set(english.get(screen, []))
        for text in sorted(same_as_english):
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
