"""Amending a consent in the client file: a new version, the old one in its history."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.referrals import Consent, Organisation
from shelterdesk.store.records import consents, organisations
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.correction_forms import ConsentAmendForm
from shelterdesk.ui.cases.history_dialog import RecordHistoryDialog
from tests.cases_helpers import WAIT_MS, newest, type_text
from tests.records_helpers import intake
from tests.test_ui_corrections import loaded_tab, open_page

pytestmark = pytest.mark.gui


def test_amending_a_consent_adds_contact_as_a_new_version(qtbot,
                                                          admin_session: Session) -> None:
    case = intake(admin_session)
    org = organisations.add_organisation(admin_session, Organisation("Hüquqi Yardım", "ngo",
                                                                      ["legal"]))
    old = consents.add_consent(admin_session, Consent(case.id, "referral", date(2026, 3, 1),
                                                      to_org_id=org.id))
    page = open_page(qtbot, admin_session, case.id)
    tab = loaded_tab(qtbot, page, "consents")
    assert tab.correct_button.text() == "Amend…" and tab.correct_button.isEnabled()
    assert not tab.history_button.isEnabled()
    qtbot.mouseClick(tab.correct_button, Qt.MouseButton.LeftButton)
    form = newest(tab, ConsentAmendForm)
    assert form is not None and form.details_checks.value() == ["name"]
    qtbot.waitUntil(lambda: form.org_picker.is_loaded, timeout=WAIT_MS)
    assert form.org_picker.value() == org.id and form.purpose_picker.value() == "referral"
    assert not form.save_button.isEnabled()  # nothing changed yet
    form.details_checks.boxes["contact"].setFocus()
    qtbot.keyClick(form.details_checks.boxes["contact"], Qt.Key.Key_Space)
    assert form.details_checks.value() == ["name", "contact"], form.isVisible()
    type_text(form.reason_edit, "the client agreed to share her phone")
    assert form.save_button.isEnabled(), form.hint_label.text()
    with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Amended by" in tab.details_label.text(), timeout=WAIT_MS)
    # The list shows the new version only; the old one is in its history.
    assert tab.model.rowCount() == 1
    with admin_session.lock:
        in_force = consents.consent_in_force(admin_session.connection, case.id, "referral",
                                             org.id, date.today())
    assert in_force is not None and in_force.id != old.id
    assert in_force.details == ["name", "contact"]
    assert tab.selected().record.id == in_force.id
    assert "Contact" in tab.details_label.text() or "contact" in tab.details_label.text()
    assert tab.history_button.isEnabled()
    qtbot.mouseClick(tab.history_button, Qt.MouseButton.LeftButton)
    history = newest(tab, RecordHistoryDialog)
    assert history is not None
    qtbot.waitUntil(lambda: history.version_list.count() == 1, timeout=WAIT_MS)
    assert "the client agreed to share her phone" in history.text()
    history.close()
    # Withdrawn: it can no longer be amended.
    consents.withdraw_consent(admin_session, in_force.id)
    tab.reload()
    qtbot.waitUntil(lambda: "withdrawn" in tab.model.data(
        tab.model.index(0, 5)), timeout=WAIT_MS)
    assert not tab.correct_button.isEnabled()
    page.drop_data()
