"""The bed board through the real widgets: admit, refuse, discharge, history, reserve, privacy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shelterdesk.domain.shelters import Bed, Room, Shelter, Stay
from shelterdesk.domain.workspace import Area
from shelterdesk.store import settings
from shelterdesk.store.records import shelters, stays
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.common.case_picker import CaseChoice, CaseChoiceModel
from shelterdesk.ui.common.dates import to_qdate
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.shelter.bed_panel import BedHistoryModel
from shelterdesk.ui.shelter.shelter_board import ShelterBoardPage
from shelterdesk.ui.shelter.stay_dialogs import AdmitDialog, DischargeDialog
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock
from tests.records_helpers import intake
from tests.screen_texts import names_shown

pytestmark = pytest.mark.gui
TODAY = date.today()
CLIENT_NAMES = ("Aynur", "Məmmədova", "Leyla", "Həsənova")


@pytest.fixture
def world(admin_session: Session):
    shelter = shelters.add_shelter(admin_session, Shelter("Ümid evi"))
    room = shelters.add_room(admin_session, Room(shelter.id, "Otaq 1"))
    beds = [shelters.add_bed(admin_session, Bed(room.id, f"Çarpayı {i}")).id for i in (1, 2)]
    aynur = intake(admin_session)
    leyla = intake(admin_session, given_name="Leyla", family_name="Həsənova")
    return beds, aynur, leyla


@pytest.fixture
def board(qtbot, vault: Vault, world):
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.SHELTER)
    page = window.work_area.page_for[Area.SHELTER]
    assert isinstance(page, ShelterBoardPage)
    qtbot.waitUntil(lambda: len(page.tiles) == 2 and not page.loading, timeout=WAIT_MS)
    yield window, page
    window.close()


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose_bed(qtbot, page: ShelterBoardPage, bed_id: str) -> None:
    qtbot.waitUntil(lambda: not page.loading and bed_id in page.tiles, timeout=WAIT_MS)
    click(qtbot, page.tiles[bed_id])
    qtbot.waitUntil(lambda: page.panel.bed is not None and page.panel.bed.bed_id == bed_id,
                    timeout=WAIT_MS)


def opened(qtbot, page: ShelterBoardPage, kind: type, button) -> object:
    before = set(page.findChildren(kind))
    click(qtbot, button)
    found = [d for d in page.findChildren(kind) if d not in before]
    assert len(found) == 1
    return found[0]


def pick(qtbot, dialog: AdmitDialog, text: str) -> None:
    qtbot.waitUntil(lambda: dialog.beds_loaded and not dialog.picker.searching, timeout=WAIT_MS)
    dialog.picker.search_edit.clear()
    qtbot.keyClicks(dialog.picker.search_edit, text)
    qtbot.waitUntil(lambda: dialog.picker.model.rowCount() == 1
                    and dialog.chosen_case() is not None, timeout=WAIT_MS)


def test_admit_refuse_discharge_history_and_reserve(qtbot, board, world) -> None:
    window, page = board
    (bed, other_bed), aynur, leyla = world
    assert {t.state for t in page.tiles.values()} == {"free"}
    assert page.count_labels["free"].text() == "Free: 2"

    choose_bed(qtbot, page, bed)
    assert page.panel.admit_button.isVisible() and not page.panel.discharge_button.isVisible()
    first = opened(qtbot, page, AdmitDialog, page.panel.admit_button)
    second = page.open_admit_dialog()  # a colleague at the same moment, same bed
    pick(qtbot, first, aynur.case_code)
    assert first.bed_combo.currentData() == bed
    admitted_on = TODAY - timedelta(days=5)
    first.date_edit.setDate(to_qdate(admitted_on))
    assert first.save_button.isEnabled()
    with qtbot.waitSignal(first.admitted, timeout=WAIT_MS):
        click(qtbot, first.save_button)
    qtbot.waitUntil(lambda: page.tiles[bed].state == "occupied", timeout=WAIT_MS)
    tile = page.tiles[bed]
    assert tile.lines() == ["Çarpayı 1", "Occupied", aynur.case_code, "A. M."]
    assert page.count_labels["occupied"].text() == "Occupied: 1"
    assert page.occupancy_label.text() == "1 of 2 beds occupied"

    # The second dialog still offers the bed; the store refuses, in the user's language.
    switcher = LanguageSwitcher(QApplication.instance())
    switcher.apply("az")
    try:
        pick(qtbot, second, "Leyla")
        click(qtbot, second.save_button)
        qtbot.waitUntil(lambda: bool(second.message_label.text()), timeout=WAIT_MS)
        assert second.message_label.text() == (
            "Bu çarpayı artıq tutulub; əvvəlcə oradakı benefisiarın çıxışını qeyd edin və ya boş "
            "çarpayı seçin.")
        assert second.isVisible() and second.chosen_case().case_code == leyla.case_code
    finally:
        switcher.apply("en")
    second.reject()

    # Aynur is in a bed already: a dialog for the other bed cannot admit her twice.
    choose_bed(qtbot, page, other_bed)
    third = opened(qtbot, page, AdmitDialog, page.panel.admit_button)
    qtbot.waitUntil(lambda: third.beds_loaded and not third.picker.searching, timeout=WAIT_MS)
    assert aynur.case_code not in [third.picker.model.choice_at(r).case_code
                                   for r in range(third.picker.model.rowCount())]
    assert third.bed_combo.count() == 1  # only the free bed
    third.reject()

    # Discharging before the admission: the domain's message, and no Save.
    choose_bed(qtbot, page, bed)
    assert page.panel.occupant_label.text() == f"{aynur.case_code} · A. M."
    assert "5 nights so far" in page.panel.admitted_label.text()
    discharge = opened(qtbot, page, DischargeDialog, page.panel.discharge_button)
    discharge.date_edit.setDate(to_qdate(admitted_on - timedelta(days=1)))
    assert discharge.date_message_label.text() == "Discharged on: is before Admitted on"
    assert discharge.date_message_label.isVisible()
    assert not discharge.save_button.isEnabled()
    discharge.date_edit.setDate(to_qdate(TODAY - timedelta(days=1)))
    assert discharge.date_message_label.text() == ""
    assert discharge.save_button.isEnabled()
    discharge.reason_combo.setCurrentIndex(discharge.reason_combo.findData("reintegrated"))
    with qtbot.waitSignal(discharge.discharged, timeout=WAIT_MS):
        click(qtbot, discharge.save_button)
    qtbot.waitUntil(lambda: page.tiles[bed].state == "free", timeout=WAIT_MS)
    model = page.panel.history_model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and "still here" not in model.index(
        0, model.Columns.STAY).data(), timeout=WAIT_MS)
    assert model.index(0, model.Columns.CASE).data() == f"{aynur.case_code}\nA. M."
    assert model.index(0, model.Columns.STAY).data().endswith(
        "4 nights · Returned to family or community")
    assert page.panel.admit_button.isVisible()
    [stay] = stays.bed_history(window.session, bed)
    assert (stay.discharged_on, stay.discharge_reason) == (TODAY - timedelta(days=1),
                                                           "reintegrated")

    # Reserve the other bed, then cancel the reservation.
    choose_bed(qtbot, page, other_bed)
    assert page.panel.reserve_button.text() == "Reserve this bed"
    click(qtbot, page.panel.reserve_button)
    qtbot.waitUntil(lambda: page.tiles[other_bed].state == "reserved", timeout=WAIT_MS)
    assert page.tiles[other_bed].lines() == ["Çarpayı 2", "Reserved"]
    assert "Reserved" in page.tiles[other_bed].accessibleName()
    qtbot.waitUntil(lambda: page.panel.reserve_button.text() == "Cancel the reservation",
                    timeout=WAIT_MS)
    click(qtbot, page.panel.reserve_button)
    qtbot.waitUntil(lambda: page.tiles[other_bed].state == "free", timeout=WAIT_MS)


def test_privacy_mode_keeps_names_off_the_board(qtbot, board, world) -> None:
    window, page = board
    (bed, other_bed), aynur, leyla = world
    stays.admit(window.session, aynur.id, bed, TODAY - timedelta(days=2))
    page.reload()
    qtbot.waitUntil(lambda: page.tiles[bed].state == "occupied", timeout=WAIT_MS)
    choose_bed(qtbot, page, bed)
    qtbot.waitUntil(lambda: page.panel.history_model.rowCount() == 1, timeout=WAIT_MS)
    discharge = opened(qtbot, page, DischargeDialog, page.panel.discharge_button)
    choose_bed(qtbot, page, other_bed)
    admit = opened(qtbot, page, AdmitDialog, page.panel.admit_button)
    qtbot.waitUntil(lambda: admit.beds_loaded and admit.picker.model.rowCount() == 1,
                    timeout=WAIT_MS)
    for root in (window, admit, discharge):
        assert names_shown(root, *CLIENT_NAMES) == []
    assert admit.picker.model.choice_at(0).person == "L. H."
    admit.reject()
    discharge.reject()

    # Privacy mode off (My account): the same screens now show the name, so the check bites.
    window.work_area.select_area(Area.ACCOUNT)
    account = window.work_area.page_for[Area.ACCOUNT]
    account.privacy_check.setChecked(False)
    qtbot.waitUntil(lambda: settings.get(window.session, "privacy_mode") is False,
                    timeout=WAIT_MS)
    window.work_area.select_area(Area.SHELTER)
    qtbot.waitUntil(lambda: not page.loading and "Aynur Məmmədova" in page.tiles[bed].lines(),
                    timeout=WAIT_MS)
    assert names_shown(window, "Aynur")


def test_board_without_beds_says_where_to_add_them(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.SHELTER)
    page = window.work_area.page_for[Area.SHELTER]
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT_MS)
    assert page.empty_label.isVisible() and "Administration" in page.empty_label.text()
    assert page.tiles == {}
    window.close()


def test_board_models(qtmodeltester) -> None:
    history = BedHistoryModel()
    history.set_rows([
        (Stay("c1", "b1", TODAY - timedelta(days=9), TODAY - timedelta(days=2), "left"),
         "TU-1 · A. M."),
        (Stay("c2", "b1", TODAY - timedelta(days=1)), "TU-2 · L. H.")])
    qtmodeltester.check(history)
    assert history.index(1, history.Columns.STAY).data().endswith("still here\n1 night")
    assert history.index(0, history.Columns.STAY).data().endswith(
        "7 nights · Left of their own accord")
    choices = CaseChoiceModel()
    choices.set_rows([CaseChoice("c1", "TU-1", "A. M.", "open", TODAY.isoformat())])
    qtmodeltester.check(choices)
    assert choices.index(0, choices.Columns.STATUS).data() == "Open"


@pytest.mark.parametrize("area", [Area.SHELTER, Area.REFERRALS, Area.FOLLOW_UPS])
def test_locking_starts_no_store_work(qtbot, board, area: Area) -> None:
    from shelterdesk.ui.common.background import operations_in_flight

    window, page = board
    choose_bed(qtbot, page, next(iter(page.tiles)))
    window.work_area.select_area(area)
    shown = window.work_area.page_for[area]
    qtbot.waitUntil(lambda: not shown.loading and operations_in_flight() == 0, timeout=WAIT_MS)
    window.lock_now()
    assert operations_in_flight() == 0  # dropping the pages' data asked the vault for nothing
    assert window.session is None


def test_open_screens_follow_a_change_of_language(qtbot, board, world) -> None:
    window, page = board
    (bed, _other), aynur, _leyla = world
    stays.admit(window.session, aynur.id, bed, TODAY)
    page.reload()
    qtbot.waitUntil(lambda: page.tiles[bed].state == "occupied", timeout=WAIT_MS)
    choose_bed(qtbot, page, bed)
    discharge = opened(qtbot, page, DischargeDialog, page.panel.discharge_button)
    switcher = LanguageSwitcher(QApplication.instance())
    try:
        switcher.apply("ru")
        qtbot.waitUntil(lambda: page.count_labels["free"].text() == "Свободна: 1", timeout=5_000)
        assert page.tiles[bed].lines()[1] == "Занята"
        assert page.tiles[bed].accessibleName().endswith(f"Занята — {aynur.case_code} · A. M.")
        assert page.occupancy_label.text() == "Занято 1 из 2 коек"
        assert page.panel.discharge_button.text() == "Оформить выбытие…"
        assert discharge.save_button.text() == "Оформить выбытие"
        assert discharge.reason_combo.itemText(0) == "Возвращение в семью или общину"
        for area, title in ((Area.REFERRALS, "Направления"), (Area.FOLLOW_UPS,
                                                              "Контрольные задачи")):
            other = window.work_area.page_for[area]
            assert other.title_label.text() == title
        follow_ups = window.work_area.page_for[Area.FOLLOW_UPS]
        assert follow_ups.model.headerData(0, Qt.Orientation.Horizontal) == "Когда"
    finally:
        switcher.apply("en")
    qtbot.waitUntil(lambda: page.count_labels["free"].text() == "Free: 1", timeout=5_000)
    assert page.tiles[bed].lines()[1] == "Occupied"
    discharge.reject()


def test_admit_dialog_for_a_known_client(qtbot, admin_session: Session, world) -> None:
    """The client file's way in: the client is fixed, only the bed and the day are chosen."""
    (bed, other_bed), aynur, _leyla = world
    shelters.set_reserved(admin_session, other_bed, True)
    dialog = AdmitDialog(admin_session, case=CaseChoice(aynur.id, aynur.case_code, "A. M."))
    qtbot.addWidget(dialog)
    assert dialog.picker is None and dialog.case_label.text() == f"{aynur.case_code} · A. M."
    qtbot.waitUntil(lambda: dialog.beds_loaded, timeout=WAIT_MS)
    assert [dialog.bed_combo.itemText(i) for i in range(dialog.bed_combo.count())] == [
        "Ümid evi › Otaq 1 › Çarpayı 1", "Ümid evi › Otaq 1 › Çarpayı 2 (reserved)"]
    dialog.bed_combo.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.admitted, timeout=WAIT_MS) as admitted:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert admitted.args[0].bed_id == other_bed and admitted.args[0].admitted_on == TODAY
    states = {b.bed_id: b.state for b in shelters.board(admin_session)}
    assert states[other_bed] == "occupied"  # admitting to a reserved bed takes the reservation
