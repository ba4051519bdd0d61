"""The first run, kindly: the language is chosen on the first page (and kept), the user
name comes first in focus and Tab order, progress is not shown as an error, right and wrong
recovery groups look different, and after the wizard the window opens locked."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shelterdesk.store import settings
from shelterdesk.store.keys import recovery
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.shell.main_window import MainWindow
from shelterdesk.ui.shell.setup_wizard import SetupWizard
from tests.gui_helpers import WAIT_MS, unlock

pytestmark = pytest.mark.gui
PASSPHRASE = "four calm words together"


@pytest.fixture
def switcher():
    switcher = LanguageSwitcher(QApplication.instance())
    yield switcher
    switcher.apply("en")


def test_the_whole_first_run(qtbot, tmp_path: Path, switcher) -> None:
    vault = Vault(tmp_path / "vault")
    window = MainWindow(vault, QApplication.instance(), language=switcher)
    qtbot.addWidget(window)
    wizard = SetupWizard(vault, language=switcher)
    qtbot.addWidget(wizard)
    wizard.completed.connect(window.after_setup)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    organisation = wizard.organisation_page
    combo = organisation.language_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Azərbaycanca", "Русский", "English"]
    combo.setCurrentIndex(combo.findData("ru"))  # the language first
    qtbot.waitUntil(lambda: wizard.windowTitle() == "ShelterDesk — первый запуск")
    assert combo.hasFocus() or QApplication.focusWidget() is None  # the top field first
    organisation.org_name_edit.setText("Чистое сердце")
    organisation.prefix_edit.setText("CS")
    wizard.next()
    coordinator = wizard.coordinator_page
    qtbot.waitUntil(coordinator.username_edit.hasFocus)  # not the passphrase field
    qtbot.keyClicks(QApplication.focusWidget(), "aysel")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert coordinator.passphrase.passphrase_edit.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), PASSPHRASE)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert coordinator.passphrase.repeat_edit.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), PASSPHRASE)
    assert coordinator.username_edit.text() == "aysel"
    wizard.next()  # creates the vault: progress, not an error
    assert coordinator.message_label.objectName() == "hintLabel"
    assert coordinator.message_label.text()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=WAIT_MS)
    key = wizard.recovery_page.key_label.text()
    wizard.recovery_page.written_check.setChecked(True)
    wizard.next()
    confirm = wizard.confirm_page
    groups = recovery.groups(key)
    qtbot.keyClicks(confirm.group_edit, groups[(confirm.group_index + 1) % len(groups)])
    wrong = (confirm.feedback_label.objectName(), confirm.feedback_label.text())
    confirm.group_edit.clear()
    qtbot.keyClicks(confirm.group_edit, groups[confirm.group_index])
    right = (confirm.feedback_label.objectName(), confirm.feedback_label.text())
    assert wrong[0] == "errorMessage" and right[0] == "okMessage"
    assert wrong[1].startswith("✗") and right[1].startswith("✓")
    wizard.accept()
    # The window opens locked, the user name filled in, and says why.
    assert window.is_locked
    assert window.unlock_page.user_edit.text() == "aysel"
    assert window.unlock_page.reason_label.text()
    unlock(qtbot, window, "aysel", PASSPHRASE)
    assert not window.is_locked
    assert settings.get(window.session, "language") == "ru"  # kept for the next start
    window.close()
