"""The duplicate warning in the intake form: list the look-alikes, open one or say "different"."""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from shelterdesk.store import audit
from shelterdesk.store.records import case_list
from shelterdesk.store.records.case_list import CaseFilter
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.duplicate_dialog import DuplicateDialog
from shelterdesk.ui.cases.intake_dialog import IntakeDialog
from tests.cases_helpers import WAIT_MS, newest, type_text
from tests.records_helpers import intake

pytestmark = pytest.mark.gui


def filled_intake(qtbot, session: Session) -> IntakeDialog:
    parent = QWidget()  # parented, as in the window (see tests/test_ui_import.py)
    qtbot.addWidget(parent)
    dialog = IntakeDialog(CaseContext(session), parent=parent)
    dialog.test_parent = parent  # the parent lives as long as the test holds the dialog
    dialog.open()
    type_text(dialog.fields["given_name"], "AYNUR")
    type_text(dialog.fields["patronymic"], "Ali qizi")
    type_text(dialog.fields["family_name"], "Mammadova")
    dialog.fields["date_of_birth"].set_value(date(1999, 4, 12))
    dialog.fields["intake_date"].set_value(date(2026, 3, 4))
    for name, code in (("sex", "female"), ("victim_status", "presumed"), ("risk_level", "low")):
        dialog.fields[name].set_value(code)  # required choices start empty
    dialog.refresh()
    assert dialog.save_button.isEnabled(), dialog.hint_label.text()
    return dialog


def duplicate_dialog(qtbot, dialog: IntakeDialog) -> DuplicateDialog:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: newest(dialog, DuplicateDialog) is not None, timeout=WAIT_MS)
    return newest(dialog, DuplicateDialog)


def test_open_the_existing_case_instead(qtbot, admin_session: Session) -> None:
    existing = intake(admin_session, patronymic="Əli qızı")
    dialog = filled_intake(qtbot, admin_session)
    warning = duplicate_dialog(qtbot, dialog)
    row = warning.match_list.topLevelItem(0)
    assert warning.match_list.topLevelItemCount() == 1
    assert row.text(0) == existing.case_code and "date of birth" in row.text(3)
    with qtbot.waitSignal(dialog.open_existing, timeout=WAIT_MS) as opened:
        qtbot.mouseClick(warning.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [existing.id]
    # A closed form is deleted (nothing typed stays in memory).
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(),
                    timeout=WAIT_MS)
    assert case_list.count_cases(admin_session) == 1  # nothing new was saved


def test_a_different_person_is_saved_and_the_answer_audited(qtbot,
                                                            admin_session: Session) -> None:
    existing = intake(admin_session, patronymic="Əli qızı")
    dialog = filled_intake(qtbot, admin_session)
    warning = duplicate_dialog(qtbot, dialog)
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(warning.different_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].case_code != existing.case_code
    assert case_list.count_cases(admin_session) == 2
    assert case_list.count_cases(admin_session, CaseFilter("ali qizi")) == 2
    actions = [(e.action, e.object_id) for e in audit.recent(admin_session.connection, 10)]
    assert ("intake.not_duplicate", existing.id) in actions


def test_no_look_alike_saves_at_once(qtbot, admin_session: Session) -> None:
    intake(admin_session, patronymic="Vüqar qızı", phone="", document_number="")
    dialog = filled_intake(qtbot, admin_session)
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert newest(dialog, DuplicateDialog) is None
