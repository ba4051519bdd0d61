"""Switching language from My account retranslates the open window, Qt's own buttons included."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from shelterdesk.domain.workspace import Area
from shelterdesk.i18n import active_language
from shelterdesk.store import settings
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.qt_translator import CatalogTranslator, LanguageSwitcher
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui


@pytest.fixture
def switcher():
    switcher = LanguageSwitcher(QApplication.instance())
    yield switcher
    switcher.apply("en")


def test_switching_language_retranslates_the_open_window(qtbot, vault: Vault,
                                                         switcher) -> None:
    window = make_window(qtbot, vault, language=switcher)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    admin = window.work_area.page_for[Area.ADMINISTRATION]
    dialog = admin.users_page.open_add_dialog()
    assert dialog.save_button.text() == "Save"
    assert window.work_area.sidebar.item(0).text() == "Cases"
    window.work_area.select_area(Area.ACCOUNT)
    account = window.work_area.page_for[Area.ACCOUNT]
    account.language_combo.setCurrentIndex(account.language_combo.findData("az"))
    qtbot.waitUntil(lambda: active_language() == "az", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.work_area.sidebar.item(0).text() == "İşlər", timeout=2_000)
    sidebar = [window.work_area.sidebar.item(r).text()
               for r in range(window.work_area.sidebar.count())]
    assert sidebar == ["İşlər", "Sığınacaq", "Yönləndirmələr", "İzləmə tapşırıqları",
                       "Statistika", "Sinxronizasiya", "İdarəetmə", "Hesabım"]
    assert account.title_label.text() == "Hesabım"
    assert admin.tabs.tabText(0) == "İstifadəçilər"
    assert admin.users_page.model.headerData(0, Qt.Orientation.Horizontal) == "İstifadəçi adı"
    assert window.lock_action.text() == "Kilidlə"
    assert window.windowTitle() == "ShelterDesk — Hesabım"
    # Qt's own button text, from our catalog through the QTranslator (Qt ships no az).
    assert dialog.save_button.text() == "Saxla"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Ləğv et"
    # The hidden unlock page follows too, and the choice is the user's own setting.
    assert window.unlock_page.unlock_button.text() == "Kilidi aç"
    assert settings.get(window.session, "language") == "az"
    window.lock_now()
    assert window.unlock_page.title_label.text() == "ShelterDesk kilidlidir"
    window.close()


def test_users_language_is_applied_at_unlock(qtbot, vault: Vault, admin_session,
                                             switcher) -> None:
    settings.set_value(admin_session, "language", "ru")
    window = make_window(qtbot, vault, language=switcher)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert active_language() == "ru"
    assert window.work_area.sidebar.item(0).text() == "Дела"
    assert window.lock_action.text() == "Заблокировать"
    window.close()


def test_catalog_translator_answers_qt_strings_only_when_translated(switcher) -> None:
    translator = CatalogTranslator()
    switcher.apply("az")
    assert translator.translate("QWizard", "&Next >") == "İ&rəli >"
    assert translator.translate("QPlatformTheme", "Cancel") == "Ləğv et"
    assert translator.translate("QPlatformTheme", "Not a string we know") is None
    switcher.apply("en")
    assert translator.translate("QWizard", "&Next >") is None


def test_qt_buttons_keep_their_own_text_where_no_catalog_answers(qtbot, switcher) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    cancel = QDialogButtonBox.StandardButton.Cancel
    switcher.apply("en")
    english = QDialogButtonBox(cancel)
    qtbot.addWidget(english)
    assert english.button(cancel).text() == "Cancel"
    switcher.apply("az")
    azerbaijani = QDialogButtonBox(cancel | QDialogButtonBox.StandardButton.Open)
    qtbot.addWidget(azerbaijani)
    assert azerbaijani.button(cancel).text() == "Ləğv et"
    assert azerbaijani.button(QDialogButtonBox.StandardButton.Open).text()  # not blank
    switcher.apply("en")
