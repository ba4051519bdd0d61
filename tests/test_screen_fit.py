"""Every screen fits a 1366×768 laptop at 100 % and 1280×720 at 125 % (1024×576 logical
pixels) in every language: the main window with each section, and every dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from shelterdesk.domain.workspace import Area
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.common.screen_fit import SMALLEST_SCREEN
from shelterdesk.ui.shell.app import DEMO_PASSPHRASE, DEMO_USER
from shelterdesk.ui.shell.setup_wizard import SetupWizard
from tests.accessibility_audit import DialogWalker, ellipsis_buttons, select_first_rows, settle
from tests.cases_helpers import WAIT_MS
from tests.dialog_catalog import NOT_SHOWN, demo_vault, dialog_classes, openers
from tests.gui_helpers import make_window, unlock

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple:
    return demo_vault(Path(tmp_path_factory.mktemp("fit")) / "demo")


class FitMeasure:
    """Takes the accessibility audit's place in the dialog walker: measures each dialog."""

    def __init__(self) -> None:
        self.too_big: list[tuple[str, int, int]] = []
        self.seen: set[str] = set()

    def check_pages(self, dialog: QWidget, settle_: Callable[[], None] = lambda: None,
                    depth: int = 0) -> None:
        settle_()
        name = type(dialog).__name__
        self.seen.add(name)
        available = (dialog.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        hint, size = dialog.minimumSizeHint(), dialog.size()
        if hint.width() > SMALLEST_SCREEN.width() or hint.height() > SMALLEST_SCREEN.height():
            self.too_big.append((name, hint.width(), hint.height()))
        if size.width() > available.width() or size.height() > available.height():
            self.too_big.append((name + " (opened)", size.width(), size.height()))
        if size.width() < hint.width() or size.height() < hint.height():
            self.too_big.append((name + " (cramped)", hint.width(), hint.height()))


def click_every_dialog_button(root: QWidget) -> None:
    """Every "…" button of ``root`` on each tab of each tab widget (rows chosen first)."""
    settle()
    select_first_rows(root)
    for button in list(ellipsis_buttons(root)):
        if shiboken6.isValid(button) and button.isVisible() and button.isEnabled():
            button.click()
            settle()
    for tabs in root.findChildren(QTabWidget):
        if not shiboken6.isValid(tabs) or not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            settle()
            select_first_rows(tabs.widget(index))
            for button in list(ellipsis_buttons(tabs.widget(index))):
                if shiboken6.isValid(button) and button.isVisible() and button.isEnabled():
                    button.click()
                    settle()


def walk_every_dialog(window, case_id: str, qtbot) -> None:
    """Every section's and every client-file tab's dialogs, then the catalog's (menus)."""
    work = window.work_area
    for area in list(work.areas):
        work.select_area(area)
        click_every_dialog_button(work.page_for[area])
    work.select_area(Area.CASES)
    cases = work.page_for[Area.CASES]
    cases.show_case(case_id)
    qtbot.waitUntil(lambda: cases.file_page.view is not None, timeout=WAIT_MS)
    file_page = cases.file_page
    for key in file_page.tab_keys():
        file_page.select_tab(key)
        settle()
        click_every_dialog_button(file_page)
    for opener in openers(case_id).values():
        opener(window)
        settle()
    cases.show_list()


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_every_screen_fits_a_small_laptop(qtbot, demo, language: str, tmp_path: Path) -> None:
    vault, case_id = demo
    switcher = LanguageSwitcher(QApplication.instance())
    switcher.apply(language)
    measure = FitMeasure()
    try:
        with DialogWalker(measure, max_depth=2) as walker:
            wizard = SetupWizard(Vault(tmp_path / "new"), language=switcher)
            qtbot.addWidget(wizard)
            wizard.show()
            settle()
            measure.check_pages(wizard)
            wizard.close()
            window = make_window(qtbot, vault, idle_timeout_ms=3_600_000, language=switcher)
            unlock(qtbot, window, DEMO_USER, DEMO_PASSPHRASE)
            too_big = []
            for area in list(window.work_area.areas):
                window.work_area.select_area(area)
                QApplication.processEvents()
                hint = window.minimumSizeHint()
                if hint.width() > SMALLEST_SCREEN.width() \
                        or hint.height() > SMALLEST_SCREEN.height():
                    too_big.append((area.value, hint.width(), hint.height()))
            walk_every_dialog(window, case_id, qtbot)
            settle()
        # Once a client file has been open (its tabs and overview are the widest page).
        window.work_area.select_area(window.work_area.areas[0])
        QApplication.processEvents()
        hint = window.minimumSizeHint()
        if hint.width() > SMALLEST_SCREEN.width() or hint.height() > SMALLEST_SCREEN.height():
            too_big.append(("client file", hint.width(), hint.height()))
        assert not too_big + measure.too_big, (language, too_big + measure.too_big)
        missing = dialog_classes() - set(NOT_SHOWN) - measure.seen
        assert not missing, f"dialogs never opened (so never measured): {sorted(missing)}"
        assert set(walker.seen) >= measure.seen
        window.lock_now()
        window.close()
    finally:
        switcher.apply("en")


def test_every_dialog_class_is_known() -> None:
    """The walk's list of exceptions names only classes that exist (no stale excuses)."""
    assert set(NOT_SHOWN) <= dialog_classes()


def test_the_screenshot_script_fails_on_a_screen_larger_than_asked(qtbot) -> None:
    import sys

    from PySide6.QtWidgets import QLabel

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import screenshots

    label = QLabel("x")
    qtbot.addWidget(label)
    screenshots.ask_size(label, 300, 100)
    screenshots.check_fits("small", label)
    label.setMinimumSize(400, 120)  # the layout needs more: Qt grows the window past the ask
    with pytest.raises(screenshots.ScreenTooLarge, match="small"):
        screenshots.check_fits("small", label)
    label.setMinimumSize(0, 0)
    screenshots.ask_size(label, 1500, 700)  # wider than the laptop
    with pytest.raises(screenshots.ScreenTooLarge):
        screenshots.check_fits("wide", label)
