"""The board, referrals and follow-ups in Azerbaijani and Russian: every message, every plural."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from shelterdesk.i18n import _, ngettext, set_language
from shelterdesk.i18n.catalogs import catalog_root

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "shelterdesk/ui/bed_panel.py", "shelterdesk/ui/bed_tiles.py", "shelterdesk/ui/case_picker.py",
    "shelterdesk/ui/follow_up_model.py", "shelterdesk/ui/follow_ups_page.py",
    "shelterdesk/ui/referral_model.py", "shelterdesk/ui/referral_status_dialog.py",
    "shelterdesk/ui/referrals_page.py", "shelterdesk/ui/shelter_board.py",
    "shelterdesk/ui/stay_dialogs.py", "shelterdesk/domain/shelters.py",
    "shelterdesk/domain/referrals.py", "shelterdesk/domain/validation.py",
    "shelterdesk/store/stays.py", "shelterdesk/store/consents.py", "shelterdesk/store/tasks.py",
    "shelterdesk/ui/referral_preview.py", "shelterdesk/reports/referral_reprint.py",
]
PLURALS = {"az": 2, "ru": 3}
FIELDS = re.compile(r"\{(\w*)\}")


def read(path: Path, language: str):
    """A catalog, or an empty one once the fragment has been folded into the main catalog."""
    if not path.is_file():
        from babel.messages.catalog import Catalog

        return Catalog(locale=language)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def messages() -> list[tuple[str, ...] | str]:
    keywords = {**DEFAULT_KEYWORDS, "NN_": (1, 2)}
    found: list = []
    for module in MODULES:
        for _line, message, _comments, _context in extract_from_file(
                "python", str(ROOT / module), keywords=keywords):
            if message not in found:
                found.append(message)
    return found


@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_message_is_translated(language: str) -> None:
    catalog = read(catalog_root() / language / "LC_MESSAGES" / "shelterdesk.po", language)
    # Every pending fragment is part of the catalog (README "Translations"), not only ours:
    # other branches add messages to these shared modules too (domain/validation.py).
    fragments = [read(path, language) for path in
                 sorted((catalog_root() / "pending").glob(f"*_{language}.po"))]
    assert catalog.num_plurals == PLURALS[language]
    missing, broken = [], []
    for message in messages():
        msgid = message[0] if isinstance(message, tuple) else message
        entry = next((f.get(msgid) for f in fragments if f.get(msgid) is not None
                      and f.get(msgid).string), None) or catalog.get(msgid)
        strings = entry.string if entry is not None else None
        strings = list(strings) if isinstance(strings, tuple) else [strings]
        if not all(strings) or (isinstance(message, tuple) and len(strings) != PLURALS[language]):
            missing.append(msgid)
            continue
        wanted = set(FIELDS.findall(msgid))
        broken += [(msgid, s) for s in strings if set(FIELDS.findall(s)) != wanted]
    assert missing == []
    assert broken == []


def test_the_pending_fragments_hold_only_our_messages() -> None:
    ours = {m[0] if isinstance(m, tuple) else m for m in messages()}
    for language in PLURALS:
        pending = read(catalog_root() / "pending" / f"boards_{language}.po", language)
        assert {m.id[0] if isinstance(m.id, tuple) else m.id for m in pending if m.id} <= ours


def test_translations_are_used_at_run_time() -> None:
    try:
        set_language("az")
        assert _("Admit a client…") == "Benefisiarı yerləşdir…"
        assert ngettext("In {count} day", "In {count} days", 3) == "{count} gün sonra"
        set_language("ru")
        forms = [ngettext("{count} night", "{count} nights", n).format(count=n)
                 for n in (1, 3, 5, 21, 12)]
        assert forms == ["1 ночь", "3 ночи", "5 ночей", "21 ночь", "12 ночей"]
    finally:
        set_language("en")
