"""Every screen fits a 1366×768 laptop at 100 % and 1280×720 at 125 % (1024×576 logical
pixels) in every language: the main window with each section, and every dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.common.screen_fit import SMALLEST_SCREEN
from shelterdesk.ui.shell.app import DEMO_PASSPHRASE, DEMO_USER
from tests.cases_helpers import WAIT_MS
from tests.dialog_catalog import demo_vault, openers, wait_until
from tests.gui_helpers import make_window, unlock

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple:
    return demo_vault(Path(tmp_path_factory.mktemp("fit")) / "demo")


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_every_screen_fits_a_small_laptop(qtbot, demo, language: str) -> None:
    vault, case_id = demo
    switcher = LanguageSwitcher(QApplication.instance())
    switcher.apply(language)
    try:
        window = make_window(qtbot, vault, idle_timeout_ms=3_600_000, language=switcher)
        unlock(qtbot, window, DEMO_USER, DEMO_PASSPHRASE)
        too_big = []
        for area in list(window.work_area.areas):
            window.work_area.select_area(area)
            QApplication.processEvents()
            hint = window.minimumSizeHint()
            if hint.width() > SMALLEST_SCREEN.width() or hint.height() > SMALLEST_SCREEN.height():
                too_big.append((area.value, hint.width(), hint.height()))
        available = QGuiApplication.primaryScreen().availableGeometry().size()
        for name, opener in openers(case_id).items():
            dialog = opener(window)
            assert dialog is not None, name
            qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
            hint, size = dialog.minimumSizeHint(), dialog.size()
            if hint.width() > SMALLEST_SCREEN.width() or hint.height() > SMALLEST_SCREEN.height():
                too_big.append((name, hint.width(), hint.height()))
            if size.width() > available.width() or size.height() > available.height():
                too_big.append((name + " (opened)", size.width(), size.height()))
            if size.width() < hint.width() or size.height() < hint.height():
                too_big.append((name + " (cramped)", hint.width(), hint.height()))
            if hasattr(dialog, "discard_and_close"):
                dialog.discard_and_close()
            else:
                dialog.reject()
            wait_until(lambda d=dialog: not shiboken6.isValid(d) or not d.isVisible())
        # Once a client file has been open (its tabs and overview are the widest page).
        window.work_area.select_area(window.work_area.areas[0])
        QApplication.processEvents()
        hint = window.minimumSizeHint()
        if hint.width() > SMALLEST_SCREEN.width() or hint.height() > SMALLEST_SCREEN.height():
            too_big.append(("client file", hint.width(), hint.height()))
        assert not too_big, (language, too_big)
        window.lock_now()
        window.close()
    finally:
        switcher.apply("en")


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
