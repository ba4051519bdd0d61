"""The Laptops tab shows each laptop's name and user, a coordinator renames one in the window,
and the Conflicts tab says who (user on laptop) and when, on two laptops set up in the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from shelterdesk.domain.referrals import Organisation
from shelterdesk.domain.workspace import Area
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Vault
from shelterdesk.sync import devices
from shelterdesk.ui.common.background import operations_in_flight
from shelterdesk.ui.shell.main_window import MainWindow
from shelterdesk.ui.sync.sync_devices_tab import LaptopTableModel
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock
from tests.test_ui_sync import (
    click,
    invite_through_the_window,
    join_through_the_wizard,
    org_phone,
    set_up_sync_folder,
    wait_idle,
)

pytestmark = pytest.mark.gui
Columns = LaptopTableModel.Columns
RENAMED = "Qəbul otağı"


def cell(model: LaptopTableModel, row: int, column: Columns) -> str:
    return model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)


def sync_each(qtbot, *windows: MainWindow) -> None:
    for window in windows:
        wait_idle(qtbot, window)
        assert window.auto_sync.sync_now("test")
        wait_idle(qtbot, window)


def test_laptops_show_name_and_user_rename_and_conflicts_say_who(qtbot, vault: Vault,
                                                                  tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    window_a = make_window(qtbot, vault, sync_interval_ms=3_600_000)
    unlock(qtbot, window_a, ADMIN, ADMIN_PASSPHRASE)
    set_up_sync_folder(qtbot, window_a, shared)
    code = invite_through_the_window(qtbot, window_a)
    session_b = join_through_the_wizard(qtbot, tmp_path / "laptop-b", code, shared)
    window_b = MainWindow(Vault(tmp_path / "laptop-b"), QApplication.instance(),
                          sync_interval_ms=3_600_000)
    qtbot.addWidget(window_b)
    window_b.show()
    window_b.open_session(session_b)
    sync_each(qtbot, window_b, window_a, window_b)

    # Both laptops listed by their host name and the user who syncs on them.
    page_a = window_a.work_area.page_for[Area.SYNC]
    page_a.tabs.setCurrentWidget(page_a.devices_tab)
    laptops = page_a.devices_tab
    laptops.reload()
    qtbot.waitUntil(lambda: laptops.model.rowCount() == 2, timeout=WAIT_MS)
    host = devices.default_name()
    rows = {laptops.model.row_at(r).this_laptop: r for r in range(2)}
    assert cell(laptops.model, rows[True], Columns.NAME) == f"{host} (this laptop)"
    assert cell(laptops.model, rows[False], Columns.NAME) == host
    for row in rows.values():
        assert cell(laptops.model, row, Columns.USER) == ADMIN
        assert cell(laptops.model, row, Columns.EPOCH) == "1"
    assert laptops.model.headerData(Columns.USER, Qt.Orientation.Horizontal,
                                    Qt.ItemDataRole.DisplayRole) == "User"

    # Rename… laptop B: the name shows here, and on B after a sync.
    laptops.table.selectRow(rows[False])
    assert laptops.rename_button.isEnabled()
    dialog = laptops.ask_rename()
    assert isinstance(dialog, QInputDialog) and dialog.isVisible()
    assert dialog.textValue() == host  # it starts from the current name
    line = dialog.findChild(QLineEdit)
    line.selectAll()
    line.insert(RENAMED)  # QTest types ASCII only; Azerbaijani letters go in as a paste would
    qtbot.keyClick(line, Qt.Key.Key_Return)  # the keyboard alone
    qtbot.waitUntil(lambda: laptops.model.rowCount() == 2 and any(
        laptops.model.row_at(r).name == RENAMED for r in range(2)), timeout=WAIT_MS)
    assert RENAMED in window_a.statusBar().currentMessage()
    sync_each(qtbot, window_a, window_b)
    page_b = window_b.work_area.page_for[Area.SYNC]
    page_b.tabs.setCurrentWidget(page_b.devices_tab)
    laptops_b = page_b.devices_tab
    laptops_b.reload()
    qtbot.waitUntil(lambda: any(
        laptops_b.model.row_at(r) is not None and laptops_b.model.row_at(r).this_laptop
        and laptops_b.model.row_at(r).name == RENAMED
        for r in range(laptops_b.model.rowCount())), timeout=WAIT_MS)
    # A name no one can read: refused in words, nothing changed.
    laptops.table.selectRow(rows[False])
    click(qtbot, laptops.rename_button)
    dialog = laptops.findChild(QInputDialog)
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=WAIT_MS)
    dialog.setTextValue("  ")
    dialog.accept()
    qtbot.waitUntil(lambda: "60" in laptops.message_label.text(), timeout=WAIT_MS)

    # A conflict: who is the user on the named laptop, with when.
    session_a = window_a.session
    organisations.add_organisation(session_a, Organisation("Shared NGO", "ngo"))
    sync_each(qtbot, window_a, window_b)
    assert org_phone(session_b, "Shared NGO") is not None
    org_a = next(o for o in organisations.list_organisations(session_a) if o.name == "Shared NGO")
    org_b = next(o for o in organisations.list_organisations(session_b) if o.name == "Shared NGO")
    org_a.phone, org_b.phone = "+994 12 111", "+994 12 222"
    organisations.update_organisation(session_a, org_a)
    organisations.update_organisation(session_b, org_b)
    sync_each(qtbot, window_a, window_b, window_a)
    page_a.tabs.setCurrentWidget(page_a.conflicts_tab)
    conflicts = page_a.conflicts_tab
    conflicts.reload()
    qtbot.waitUntil(lambda: conflicts.model.rowCount() >= 1, timeout=WAIT_MS)
    conflicts.table.selectRow(0)
    view = conflicts.selected()
    assert {view.current_laptop, view.other_laptop} == {host, RENAMED}
    assert view.current_user == view.other_user == ADMIN
    whos = {conflicts.current_who.text(), conflicts.other_who.text()}
    assert any(text.startswith(f"{ADMIN} on {RENAMED}, ") for text in whos), whos
    assert any(text.startswith(f"{ADMIN} on {host}, ") for text in whos), whos
    window_a.close()
    window_b.close()
    qtbot.waitUntil(lambda: operations_in_flight() == 0, timeout=WAIT_MS)
