"""Smaller pieces of the shell: the background helper, privacy mode, the clipboard, My account."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shelterdesk.domain.workspace import Area
from shelterdesk.store import settings
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.clipboard_guard import ClipboardGuard
from shelterdesk.ui.common.privacy import PrivateName, initials, masked_label
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui


def test_background_results_and_errors_arrive_on_the_gui_thread(qtbot) -> None:
    gui_thread = threading.current_thread()
    seen: dict[str, object] = {}
    busy = BusyIndicator()
    qtbot.addWidget(busy)

    def work() -> int:
        seen["worker"] = threading.current_thread()
        return 42

    def done(result: int) -> None:
        seen["result"], seen["callback"] = result, threading.current_thread()

    run_in_background(work, done, busy=busy)
    assert busy.busy
    qtbot.waitUntil(lambda: "result" in seen, timeout=WAIT_MS)
    assert seen["result"] == 42
    assert seen["worker"] is not gui_thread and seen["callback"] is gui_thread
    assert not busy.busy

    failures: list[BaseException] = []
    run_in_background(lambda: 1 / 0, None, failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)
    assert isinstance(failures[0], ZeroDivisionError)


def test_background_callbacks_skip_a_deleted_owner(qtbot) -> None:
    from PySide6.QtWidgets import QWidget
    from shiboken6 import delete

    owner = QWidget()
    release = threading.Event()
    called: list[object] = []
    run_in_background(lambda: release.wait(5), called.append, called.append, owner=owner)
    delete(owner)
    release.set()
    qtbot.wait(200)
    assert called == []


def test_initials_and_masked_label() -> None:
    assert initials("Aysel", "Məmmədova") == "A. M."
    assert initials("  ", "") == ""
    assert masked_label("TU-2025-7KQ2M", "Ülviyyə Əliyeva") == "TU-2025-7KQ2M · Ü. Ə."


def test_private_name_reveals_for_a_while_and_is_audited(qtbot, admin_session) -> None:
    def audit_reveal() -> None:
        admin_session.audit("client.reveal", "client", "c-1")

    widget = PrivateName("TU-2025-7KQ2M", "Aysel Məmmədova", privacy_mode=True,
                         audit_reveal=audit_reveal, reveal_ms=200)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.name_label.text() == "TU-2025-7KQ2M · A. M."
    assert "Aysel" not in widget.name_label.text()
    with qtbot.waitSignal(widget.revealed):
        qtbot.mouseClick(widget.reveal_button, Qt.MouseButton.LeftButton)
    assert widget.name_label.text() == "Aysel Məmmədova"
    rows = admin_session.connection.execute(
        "SELECT action, object_id, detail FROM audit_log WHERE action = 'client.reveal'"
    ).fetchall()
    assert rows == [("client.reveal", "c-1", "{}")]
    with qtbot.waitSignal(widget.hidden_again, timeout=2_000):
        pass
    assert widget.name_label.text() == "TU-2025-7KQ2M · A. M."


def test_private_name_without_privacy_mode_shows_the_name(qtbot) -> None:
    calls: list[int] = []
    widget = PrivateName("TU-1", "Aysel Məmmədova", privacy_mode=False,
                         audit_reveal=lambda: calls.append(1))
    qtbot.addWidget(widget)
    assert widget.name_label.text() == "Aysel Məmmədova"
    assert widget.reveal_button.isHidden()


def test_clipboard_guard_only_clears_its_own_text(qtbot) -> None:
    clipboard = QApplication.clipboard()
    guard = ClipboardGuard(clipboard)
    guard.copy("TU-2025-ABCDE")
    assert guard.clear_if_ours() and clipboard.text() == ""
    guard.copy("TU-2025-ABCDE")
    clipboard.setText("something the person copied elsewhere")
    assert not guard.clear_if_ours()
    assert clipboard.text() == "something the person copied elsewhere"


def test_change_my_passphrase_and_privacy(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.work_area.select_area(Area.ACCOUNT)
    page = window.work_area.page_for[Area.ACCOUNT]
    page.current_edit.setText("wrong current passphrase")
    page.new_passphrase.passphrase_edit.setText("my brand new passphrase")
    page.new_passphrase.repeat_edit.setText("my brand new passphrase")
    page.change_passphrase()
    qtbot.waitUntil(lambda: page.change_button.isEnabled(), timeout=WAIT_MS)
    assert "not correct" in page.passphrase_message_label.text()
    page.current_edit.setText(ADMIN_PASSPHRASE)
    page.change_passphrase()
    qtbot.waitUntil(lambda: "changed" in page.passphrase_message_label.text(), timeout=WAIT_MS)
    assert page.current_edit.text() == ""
    assert page.privacy_check.isChecked()
    page.privacy_check.setChecked(False)
    qtbot.waitUntil(lambda: settings.get(window.session, "privacy_mode") is False,
                    timeout=WAIT_MS)
    window.lock_now()
    unlock(qtbot, window, ADMIN, "my brand new passphrase")
    assert window.session is not None
    window.close()


def test_vault_settings_page_saves_and_updates_auto_lock(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    page = window.work_area.page_for[Area.ADMINISTRATION].settings_page
    page.auto_lock_spin.setValue(3)
    page.k_spin.setValue(7)
    assert page.population_spin.value() == 20  # statistics filters: the default threshold
    page.population_spin.setValue(40)
    page.paper_combo.setCurrentIndex(page.paper_combo.findData("Letter"))
    with qtbot.waitSignal(page.auto_lock_changed, timeout=WAIT_MS):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    values = settings.all_values(window.session)
    assert (values["auto_lock_minutes"], values["anonymization_k"], values["paper_size"]) == (
        3, 7, "Letter")
    assert values["statistics_min_population"] == 40
    assert window.inactivity.timeout_ms == 180_000
    window.close()
