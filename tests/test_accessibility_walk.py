"""Every window and dialog the app shows, read as a screen reader reads it, in en, az and ru.

The walk is generic: every section of the coordinator's window, every stacked page and tab,
a client file's tabs, and every dialog a button ending in "…" opens (and the dialogs those
open). It fails on a focusable control without an accessible name (or with one left in
English), a label whose buddy cannot take focus, a table that keeps Tab, a button with no
keyboard path, and a cancelled dialog that still exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from shelterdesk.domain.workspace import Area
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.shell.app import DEMO_PASSPHRASE, DEMO_USER, create_demo_vault
from shelterdesk.ui.shell.setup_wizard import SetupWizard
from tests.accessibility_audit import (
    Audit,
    DialogWalker,
    ellipsis_buttons,
    select_first_rows,
    settle,
)
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui

LANGUAGES = ("en", "az", "ru")


@pytest.fixture(scope="module")
def demo_vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    return create_demo_vault(Path(tmp_path_factory.mktemp("a11y")) / "demo", clients=8)


@pytest.fixture
def switcher():
    switcher = LanguageSwitcher(QApplication.instance())
    yield switcher
    switcher.apply("en")


def walk_section(window, area: Area, audit: Audit, walker: DialogWalker) -> None:
    work = window.work_area
    work.select_area(area)
    page = work.page_for[area]
    settle()
    select_first_rows(page)
    audit.check_pages(page, settle)
    for button in list(ellipsis_buttons(page)):
        button.click()
        settle()


def walk_client_file(window, audit: Audit, walker: DialogWalker, qtbot) -> None:
    """Open the first case from the list with Enter, as a keyboard user would."""
    from PySide6.QtCore import Qt

    work = window.work_area
    work.select_area(Area.CASES)
    cases = work.page_for[Area.CASES]
    qtbot.waitUntil(lambda: cases.list_page.model.rowCount() > 0, timeout=WAIT_MS)
    table = cases.list_page.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cases.file_page.view is not None, timeout=WAIT_MS)
    settle()
    file_page = cases.file_page
    audit.check_pages(file_page, settle)
    for key in file_page.tab_keys():
        file_page.select_tab(key)
        settle()
        select_first_rows(file_page)
        audit.check_pages(file_page, settle)
        for button in list(ellipsis_buttons(file_page)):
            button.click()
            settle()
    cases.show_list()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_window_and_dialog_is_named_and_reachable(qtbot, demo_vault: Vault, switcher,
                                                        language: str, tmp_path: Path) -> None:
    switcher.apply(language)
    audit = Audit(language=language)
    with DialogWalker(audit) as walker:
        wizard = SetupWizard(Vault(tmp_path / "new"))
        qtbot.addWidget(wizard)
        wizard.show()
        audit.check_pages(wizard, settle)
        wizard.close()

        window = make_window(qtbot, demo_vault, language=switcher, idle_timeout_ms=3_600_000)
        audit.check_pages(window, settle)
        unlock(qtbot, window, DEMO_USER, DEMO_PASSPHRASE)
        assert window.session is not None
        for area in window.work_area.areas:
            walk_section(window, area, audit, walker)
        walk_client_file(window, audit, walker, qtbot)
        leftovers = walker.check_deleted(qtbot)
        window.lock_now()
        audit.check(window)
        window.close()
    assert audit.controls_checked > 150
    assert audit.report() == [], "\n".join(audit.report())
    assert {"AddUserDialog", "IntakeDialog", "ReferralPreviewDialog"} <= set(walker.seen), \
        walker.seen
    assert leftovers == [], f"cancelled dialogs still alive: {leftovers}"
