"""A client name holding markup (``<a href=x>``, ``<img src=x>``) is shown as typed on every
screen that shows it, never rendered as rich text (issue 18, item 7)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QApplication, QLabel

from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.domain.tasks import FollowUp
from shelterdesk.domain.workspace import Area
from shelterdesk.store import settings
from shelterdesk.store.records import shelters, stays, tasks
from shelterdesk.store.vault import Session, Vault
from tests.cases_helpers import cases_page
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock
from tests.records_helpers import intake

pytestmark = pytest.mark.gui
GIVEN, FAMILY = "<a href=x>Leyla</a>", "<img src=x>Həsənova"
MARKUP = ("<a href=x>", "<img src=x>", "href=x", "src=x")


def renders_rich(label: QLabel) -> bool:
    text_format = label.textFormat()
    return text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text()))


def markup_rendered(seen: list[str]) -> list[str]:
    """Every label holding the name's markup that would render it; records those seen."""
    bad = []
    for widget in QApplication.allWidgets():
        if not isinstance(widget, QLabel):
            continue
        text = widget.text()
        if any(m in text for m in MARKUP):
            seen.append(text)
            if renders_rich(widget) and any(m in text for m in MARKUP[:2]):
                bad.append(f"{type(widget.parent()).__name__}/{widget.objectName()}: {text}")
        elif "&lt;a href=x&gt;" in text and not renders_rich(widget):
            bad.append(f"escaped twice: {text}")  # shows the entity instead of the name
    return bad


@pytest.fixture
def world(admin_session: Session):
    settings.set_value(admin_session, "privacy_mode", False)  # names shown in full
    case = intake(admin_session, given_name=GIVEN, family_name=FAMILY)
    shelter = shelters.add_shelter(admin_session, Shelter("Ümid evi"))
    room = shelters.add_room(admin_session, Room(shelter.id, "Otaq 1"))
    bed = shelters.add_bed(admin_session, Bed(room.id, "Çarpayı 1"))
    stays.admit(admin_session, case.id, bed.id, on=date.today())
    tasks.add_follow_up(admin_session, FollowUp(case.id, date.today(), "check_in",
                                                "Call about the hearing"))
    return case, bed.id


def test_a_name_with_markup_is_shown_as_typed_everywhere(qtbot, vault: Vault, world) -> None:
    case, bed_id = world
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    seen: list[str] = []
    problems: list[str] = []

    def settle() -> None:
        qtbot.wait(300)
        problems.extend(markup_rendered(seen))

    # The case list, then the client file with its tabs.
    page = cases_page(qtbot, window)
    settle()
    page.show_case(case.id)
    qtbot.waitUntil(lambda: page.file_page.case_id == case.id, timeout=WAIT_MS)
    settle()
    for key in ("intake", "stays", "referrals"):
        page.file_page.select_tab(key)
        settle()
    referrals_tab = page.file_page.tab("referrals")
    dialog = referrals_tab.open_new_referral()
    settle()
    dialog.reject()
    # The shelter board with the bed chosen, and the follow-ups.
    window.work_area.select_area(Area.SHELTER)
    board = window.work_area.page_for[Area.SHELTER]
    qtbot.waitUntil(lambda: bed_id in board.tiles and not board.loading, timeout=WAIT_MS)
    qtbot.mouseClick(board.tiles[bed_id], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: board.panel.bed is not None, timeout=WAIT_MS)
    settle()
    window.work_area.select_area(Area.FOLLOW_UPS)
    settle()
    window.work_area.select_area(Area.REFERRALS)
    settle()
    assert seen, "the name was shown nowhere: the walk checked nothing"
    assert not problems, "\n".join(sorted(set(problems)))
    window.close()
