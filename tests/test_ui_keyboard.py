"""Keyboard-only use, with real key presses: Tab leaves tables, Enter opens rows, the Menu key
lists row actions, focus lands somewhere useful and follows reading order, and a cancelled or
locked-away dialog leaves nothing of what was typed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from shelterdesk.domain.referrals import Referral
from shelterdesk.domain.tasks import FollowUp
from shelterdesk.domain.workspace import Area
from shelterdesk.store.records import case_list, organisations, referrals, tasks
from shelterdesk.store.vault import Vault
from shelterdesk.ui.administration.user_dialogs import ResetPassphraseDialog
from shelterdesk.ui.common.keyboard import in_reading_order, tab_stops
from shelterdesk.ui.referrals.referral_preview import ReferralPreviewDialog
from shelterdesk.ui.referrals.referral_status_dialog import ReferralStatusDialog
from shelterdesk.ui.shell.app import DEMO_PASSPHRASE, DEMO_USER, create_demo_vault
from tests.accessibility_audit import settle
from tests.cases_helpers import newest, type_text
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    vault = create_demo_vault(Path(tmp_path_factory.mktemp("keys")) / "demo", clients=8)
    # A referral still to move on and a task due today, whatever the generator drew.
    with vault.unlock(DEMO_USER, DEMO_PASSPHRASE) as session:
        case = case_list.list_cases(session, limit=1)[0]
        org = organisations.list_organisations(session)[0]
        referrals.create_referral(session, Referral(case.case_id, org.id, ["legal"],
                                                    date.today(), anonymized=True))
        tasks.add_follow_up(session, FollowUp(case.case_id, date.today(), "check_in",
                                              "Call back"))
    return vault


@pytest.fixture
def window(qtbot, demo_vault: Vault):
    window = make_window(qtbot, demo_vault, idle_timeout_ms=3_600_000)
    window.activateWindow()
    unlock(qtbot, window, DEMO_USER, DEMO_PASSPHRASE)
    settle()
    yield window
    window.close()


def section(window, area: Area) -> QWidget:
    window.work_area.select_area(area)
    settle()
    return window.work_area.page_for[area]


def focus_row(qtbot, view: QAbstractItemView, row: int = 0) -> None:
    qtbot.waitUntil(lambda: view.model().rowCount() > row, timeout=WAIT_MS)
    view.setFocus(Qt.FocusReason.TabFocusReason)
    view.setCurrentIndex(view.model().index(row, 0))
    view.selectRow(row) if hasattr(view, "selectRow") else None


def tab_until(qtbot, start: QWidget, target: QWidget, limit: int = 40) -> bool:
    """Press Tab from ``start`` until ``target`` has focus (True) or ``limit`` presses."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    for _press in range(limit):
        if QApplication.focusWidget() is target:
            return True
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    return QApplication.focusWidget() is target


# --- tables --------------------------------------------------------------------------------
def test_tab_and_shift_tab_leave_every_table(qtbot, window) -> None:
    checked = 0
    for area in window.work_area.areas:
        page = section(window, area)
        for view in page.findChildren(QAbstractItemView):
            if not view.isVisible() or view is window.work_area.sidebar:
                continue
            for key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                view.setFocus(Qt.FocusReason.TabFocusReason)
                if view.model() is not None and view.model().rowCount():
                    view.setCurrentIndex(view.model().index(0, 0))
                assert QApplication.focusWidget() is view
                qtbot.keyClick(view, key)
                focused = QApplication.focusWidget()
                assert focused is not view and not view.isAncestorOf(focused), \
                    f"{type(page).__name__}: {view.accessibleName()} keeps {key}"
            checked += 1
    assert checked >= 6


def test_referral_actions_from_the_keyboard(qtbot, window) -> None:
    page = section(window, Area.REFERRALS)
    model = page.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT_MS)
    movable = next(r for r in range(model.rowCount())
                   if model.item_at(r).row.referral.status in ("draft", "sent", "accepted"))
    row = page.proxy.mapFromSource(model.index(movable, 0)).row()
    focus_row(qtbot, page.table, row)
    # Enter opens the row (its status), Esc closes it and focus comes back to the table.
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = newest(page, ReferralStatusDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table, timeout=WAIT_MS)
    # Both actions are Tab stops once the table lets go.
    assert tab_until(qtbot, page.table, page.change_button)
    assert tab_until(qtbot, page.table, page.print_button)
    # The Menu key lists them, with their shortcuts, beside the row.
    focus_row(qtbot, page.table, row)
    qtbot.keyClick(page.table, Qt.Key.Key_Menu)
    menu = page.table.keyboard_keys.menu
    qtbot.waitUntil(menu.isVisible, timeout=WAIT_MS)
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Change the status…", "Print / preview…"]
    assert [a.shortcut().isEmpty() for a in menu.actions()] == [False, False]
    menu.close()
    # Shift+F10 too; and the shortcut from the table opens the preview.
    qtbot.keyClick(page.table, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(menu.isVisible, timeout=WAIT_MS)
    menu.close()
    focus_row(qtbot, page.table, row)
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    preview = newest(page, ReferralPreviewDialog)
    assert preview is not None and preview.isVisible()
    assert "Ctrl+P" in page.print_button.toolTip()
    preview.reject()


def test_users_reset_passphrase_reachable_and_enter_opens_it(qtbot, window) -> None:
    admin = section(window, Area.ADMINISTRATION)
    users = admin.users_page
    focus_row(qtbot, users.table)
    assert tab_until(qtbot, users.table, users.reset_button)
    focus_row(qtbot, users.table)
    qtbot.keyClick(users.table, Qt.Key.Key_Return)
    dialog = newest(users, ResetPassphraseDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=WAIT_MS)


def test_follow_up_done_is_a_button_with_its_shortcut(qtbot, window) -> None:
    page = section(window, Area.FOLLOW_UPS)
    assert page.done_button.isVisible() and not page.done_button.isEnabled()
    assert "Ctrl+D" in page.done_button.toolTip()
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT_MS)
    due = [r for r in range(page.model.rowCount()) if page.model.item_at(r).is_task]
    assert due
    focus_row(qtbot, page.table, due[0])
    assert page.done_button.isEnabled()
    assert tab_until(qtbot, page.table, page.done_button)
    before = page.model.rowCount()
    qtbot.keyClick(page.done_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.undo_bar.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.model.rowCount() == before - 1, timeout=WAIT_MS)


# --- focus ---------------------------------------------------------------------------------
def test_focus_lands_in_the_section_after_unlock_and_on_enter(qtbot, window) -> None:
    work = window.work_area
    focused = QApplication.focusWidget()
    assert focused is not None and work.pages.currentWidget().isAncestorOf(focused)
    work.sidebar.setFocus()
    row = work.areas.index(Area.REFERRALS)
    work.sidebar.setCurrentRow(row)
    assert QApplication.focusWidget() is work.sidebar  # arrows keep focus in the list
    qtbot.keyClick(work.sidebar, Qt.Key.Key_Return)
    focused = QApplication.focusWidget()
    assert work.page_for[Area.REFERRALS].isAncestorOf(focused)
    window.lock_now()
    unlock(qtbot, window, DEMO_USER, DEMO_PASSPHRASE)
    focused = QApplication.focusWidget()
    assert focused is not None and window.work_area.pages.currentWidget().isAncestorOf(focused)


def test_my_account_reads_current_passphrase_first(qtbot, window) -> None:
    page = section(window, Area.ACCOUNT)
    stops = tab_stops(page)
    current = stops.index(page.current_edit)
    assert current < stops.index(page.new_passphrase.passphrase_edit) \
        < stops.index(page.new_passphrase.repeat_edit) < stops.index(page.change_button)
    assert page.language_combo.accessibleName() == "Language"


def test_intake_tab_order_and_nothing_left_after_cancel_or_lock(qtbot, window) -> None:
    cases = section(window, Area.CASES)
    dialog = cases.open_intake()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    stops = tab_stops(dialog)
    cancel = dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
    assert stops.index(dialog.steps_list) < stops.index(dialog.fields["given_name"]) \
        < stops.index(dialog.next_button) < stops.index(cancel)
    assert stops == in_reading_order(dialog, stops)
    secret = "Zeynəb Qurbanova-Xyz"
    type_text(dialog.fields["given_name"], secret)
    dialog.discard_and_close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=WAIT_MS)
    assert not holders_of(secret)
    # Locked away with a draft kept: the widgets are gone all the same.
    dialog = cases.open_intake()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    type_text(dialog.fields["family_name"], secret)
    window.lock_now()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=WAIT_MS)
    assert not holders_of(secret)


def holders_of(text: str) -> list[str]:
    found = []
    for widget in QApplication.allWidgets():
        if isinstance(widget, QLineEdit) and text in widget.text() \
                or isinstance(widget, QPlainTextEdit) and text in widget.toPlainText() \
                or text in widget.accessibleName():
            found.append(type(widget).__name__)
    return found


def test_client_file_reads_back_then_header_then_the_part(qtbot, window) -> None:
    cases = section(window, Area.CASES)
    table = cases.list_page.table
    focus_row(qtbot, table)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    file_page = cases.file_page
    qtbot.waitUntil(lambda: file_page.view is not None, timeout=WAIT_MS)
    for key in ("intake", "stays"):
        file_page.select_tab(key)
        settle()
        qtbot.wait(50)
        stops = tab_stops(file_page)
        assert stops[0] is file_page.back_button
        assert stops == in_reading_order(file_page, stops), key
    stays = file_page.tab("stays")
    stops = tab_stops(file_page)
    if stays.table.isVisible():
        assert stops.index(stays.admit_button) < stops.index(stays.table)


def test_names_follow_a_language_change(qtbot, window) -> None:
    from shelterdesk.ui.common.qt_translator import LanguageSwitcher

    page = section(window, Area.STATISTICS)
    assert page.table_view.accessibleName() == "Figures of the chosen table"
    switcher = LanguageSwitcher(QApplication.instance())
    try:
        switcher.apply("az")
        qtbot.waitUntil(lambda: page.table_view.accessibleName() != "Figures of the chosen "
                        "table", timeout=WAIT_MS)
        assert "Tab" in page.table_view.accessibleDescription()
        assert page.table_view.accessibleDescription() != \
            "Arrow keys move between rows; Tab leaves the table."
    finally:
        switcher.apply("en")


# --- focus is visible ------------------------------------------------------------------------
def kind_of(widget: QWidget) -> str:
    flat = getattr(widget, "isFlat", lambda: False)()
    return type(widget).__name__ + (" (flat)" if flat else "")


def focus_shows(qtbot, widget: QWidget, elsewhere: QWidget) -> bool:
    """The widget looks different with the keyboard focus than without it."""
    # As after any Tab press: styles draw focus frames only once the keyboard moved focus.
    widget.window().setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
    elsewhere.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait(30)
    without = widget.grab().toImage()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2_000)
    qtbot.wait(30)
    with_focus = widget.grab().toImage()
    return without != with_focus


@pytest.fixture
def styled():
    """The app's own stylesheet, as ``make_application`` sets it."""
    from shelterdesk.ui.common.resources import stylesheet

    application = QApplication.instance()
    application.setStyleSheet(stylesheet())
    yield application.style().name()
    application.setStyleSheet("")


def test_focus_is_visible_on_every_kind_of_control(qtbot, styled, window) -> None:
    from tests.accessibility_audit import is_control, takes_tab

    samples: dict[str, tuple[QWidget, QWidget]] = {}

    def collect(root: QWidget) -> None:
        stops = [w for w in root.findChildren(QWidget) if w.isVisible() and w.isEnabled()
                 and takes_tab(w) and is_control(w)]
        for widget in stops:
            other = next(w for w in stops if w is not widget and not w.isAncestorOf(widget)
                         and not widget.isAncestorOf(w))
            samples.setdefault(kind_of(widget), (widget, other))

    checked: list[str] = []
    invisible: list[str] = []
    for area in (Area.CASES, Area.SHELTER, Area.FOLLOW_UPS, Area.STATISTICS,
                 Area.ADMINISTRATION, Area.ACCOUNT):
        samples.clear()
        collect(section(window, area))
        for kind, (widget, other) in samples.items():
            if kind in checked:
                continue
            checked.append(kind)
            if not focus_shows(qtbot, widget, other):
                invisible.append(f"{kind} in {area.value}")
    cases = section(window, Area.CASES)
    dialog = cases.open_intake()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    samples.clear()
    collect(dialog)
    for kind, (widget, other) in samples.items():
        if kind not in checked:
            checked.append(kind)
            if not focus_shows(qtbot, widget, other):
                invisible.append(f"{kind} in the intake")
    dialog.discard_and_close()
    window.lock_now()
    samples.clear()
    collect(window.unlock_page)
    for kind, (widget, other) in samples.items():
        if kind not in checked:
            checked.append(kind)
            if not focus_shows(qtbot, widget, other):
                invisible.append(f"{kind} on the unlock page")
    assert len(checked) >= 10, checked
    assert invisible == [], "\n".join([*invisible, styled, *checked])


def test_language_is_labelled_by_its_label_not_by_the_group(qtbot, window) -> None:
    from PySide6.QtGui import QAccessible

    page = section(window, Area.ACCOUNT)
    interface = QAccessible.queryAccessibleInterface(page.language_combo)
    labels = [other.text(QAccessible.Text.Name)
              for other, _kind in interface.relations(QAccessible.Relation.Label)]
    assert labels == ["Language"]
