"""Every dialog the window can open, by the call its button makes (for lock and size tests).

``open_dialogs(window)`` yields ``(name, dialog)`` one at a time on an unlocked window
of a demo vault; the caller closes (or locks away) each before asking for the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from shelterdesk.domain.workspace import Area
from shelterdesk.store.records import case_list, client_file
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.background import operations_in_flight
from shelterdesk.ui.shell.app import DEMO_PASSPHRASE, DEMO_USER, create_demo_vault
from shelterdesk.ui.shell.main_window import MainWindow
from tests.cases_helpers import WAIT_MS

RECORD_TABS = ("legal", "medical", "services", "consents", "perpetrators", "notes",
               "follow_ups", "evidence")


def demo_vault(directory: Path) -> tuple[Vault, str]:
    """A small demo vault and the id of a case with an open stay (for its forms)."""
    vault = create_demo_vault(directory, clients=16)
    with vault.unlock(DEMO_USER, DEMO_PASSPHRASE) as session:
        rows = case_list.list_cases(session, limit=40)
        files = [client_file.open_file(session, row.case_id) for row in rows]
        case_id = next(f.case.id for f in files if f.open_stay is not None)
    return vault, case_id


def wait_until(condition: Callable[[], bool], timeout_ms: int = WAIT_MS) -> None:
    waited = 0
    while not condition():
        QTest.qWait(20)
        waited += 20
        if waited > timeout_ms:
            raise TimeoutError("condition not met")


def _page(window: MainWindow, area: Area):
    assert window.work_area is not None
    window.work_area.select_area(area)
    return window.work_area.page_for[area]


def _file_tab(window: MainWindow, case_id: str, key: str):
    page = _page(window, Area.CASES)
    if page.file_page.case_id != case_id:
        page.show_case(case_id)
        wait_until(lambda: page.file_page.view is not None
                   and page.file_page.case_id == case_id)
    assert page.file_page.select_tab(key), key
    tab = page.file_page.tab(key)
    wait_until(lambda: getattr(tab, "is_loaded", True) and operations_in_flight() == 0)
    return tab


def _select_row(page, statuses: tuple[str, ...]) -> None:
    wait_until(lambda: page.model.rowCount() > 0)
    row = next(r for r in range(page.model.rowCount())
               if not statuses or page.model.item_at(r).row.referral.status in statuses)
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())


def _board(window: MainWindow, state: str):
    page = _page(window, Area.SHELTER)
    wait_until(lambda: any(t.state == state for t in page.tiles.values()))
    page.select_bed(next(b for b, tile in page.tiles.items() if tile.state == state))
    return page


def _admin(window: MainWindow, index: int):
    page = _page(window, Area.ADMINISTRATION)
    page.tabs.setCurrentIndex(index)
    return page


def _referrals(window: MainWindow, *statuses: str):
    page = _page(window, Area.REFERRALS)
    _select_row(page, statuses)
    return page


def openers(case_id: str) -> dict[str, Callable[[MainWindow], QDialog | None]]:
    """Name -> the call that opens that dialog on an unlocked demo window."""
    found: dict[str, Callable[[MainWindow], QDialog | None]] = {
        "intake": lambda w: _page(w, Area.CASES).open_intake(),
        "intake-edit": lambda w: _file_tab(w, case_id, "intake").open_edit_form(),
        "stay-discharge": lambda w: _file_tab(w, case_id, "stays").open_discharge_dialog(),
        "board-admit": lambda w: _board(w, "free").open_admit_dialog(),
        "board-discharge": lambda w: _board(w, "occupied").open_discharge_dialog(),
        "referral-status": lambda w: _referrals(w, "draft", "sent", "accepted")
        .open_status_dialog(),
        "referral-preview": lambda w: _referrals(w).open_preview(),
        "add-user": lambda w: _admin(w, 0).users_page.open_add_dialog(),
        "add-organisation": lambda w: _admin(w, 1).organisations_page.open_add_dialog(),
        "add-shelter": lambda w: _admin(w, 2).shelters_page.open_add_shelter(),
        "new-recovery-key": lambda w: w.menus.open_new_recovery_key(),
        "rotate-keys": lambda w: w.menus.open_rotate_keys(),
    }
    for key in RECORD_TABS:
        found[f"form-{key}"] = lambda w, key=key: _file_tab(w, case_id, key).open_form()
    return found


def open_dialogs(window: MainWindow, case_id: str) -> Iterator[tuple[str, QDialog]]:
    for name, opener in openers(case_id).items():
        dialog = opener(window)
        assert dialog is not None, f"{name} did not open"
        wait_until(dialog.isVisible)
        yield name, dialog
