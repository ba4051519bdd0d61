"""No silent defaults that become data: required choices of the intake start empty and
must be made, optional answers stay "not recorded", and sheets print "not recorded"."""

from __future__ import annotations

import re
from datetime import date

import pytest

from shelterdesk.domain.clients import Case
from shelterdesk.reports.referral_print import refer_and_render
from shelterdesk.store.records import clients
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import AnswerField
from shelterdesk.ui.cases.intake_dialog import IntakeDialog
from tests.cases_helpers import type_text
from tests.records_helpers import make_case, make_client
from tests.referral_helpers import pdf_text

REQUIRED_CHOICES = ("sex", "victim_status", "risk_level")


@pytest.mark.gui
def test_the_intake_assumes_nothing(qtbot, admin_session: Session) -> None:
    dialog = IntakeDialog(CaseContext(admin_session))
    qtbot.addWidget(dialog)
    for name in REQUIRED_CHOICES:
        picker = dialog.fields[name]
        assert picker.value() == "" and picker.currentText() == "Choose…", name
    interpreter = dialog.fields["interpreter_needed"]
    assert isinstance(interpreter, AnswerField)
    assert interpreter.value() is None and interpreter.currentText() == "Not recorded"
    type_text(dialog.fields["given_name"], "Aynur")
    record = dialog.record()
    assert record.client.sex == "" and record.case.victim_status == ""
    assert record.case.risk_level == "" and record.case.interpreter_needed is None
    problems = {p.field for p in record.client.validate() + record.case.validate()}
    assert set(REQUIRED_CHOICES) <= problems  # each must be chosen before Save
    assert not dialog.save_button.isEnabled()
    for name, code in (("sex", "unknown"), ("victim_status", "presumed"),
                       ("risk_level", "low")):
        dialog.fields[name].set_value(code)
    assert dialog.save_button.isEnabled()
    interpreter.set_value(False)
    assert dialog.record().case.interpreter_needed is False
    dialog.discard_and_close()


@pytest.mark.parametrize("answer", [None, True, False])
def test_an_unanswered_interpreter_question_is_kept_apart_from_no(admin_session: Session,
                                                                    answer) -> None:
    case = clients.create_intake(admin_session, make_client(),
                                 make_case(interpreter_needed=answer))
    _client, stored = clients.load_case(admin_session.connection, case.id)
    assert stored.interpreter_needed is answer


def test_the_anonymized_sheet_says_not_recorded(admin_session: Session) -> None:
    from shelterdesk.domain.referrals import Organisation
    from shelterdesk.store.records import organisations

    org = organisations.add_organisation(admin_session, Organisation("Hüquqi Yardım", "ngo"))
    case = clients.create_intake(admin_session, make_client(),
                                 make_case(interpreter_needed=None, vulnerabilities=[]))
    _referral, pdf = refer_and_render(admin_session, case.case_code, org.name, ["legal"],
                                      anonymized=True, language="en")
    text = " ".join(pdf_text(pdf).split())
    assert "Interpreter needed Not recorded" in text
    assert "Medical needs Not recorded" in text
    assert not re.search(r"(Interpreter needed|Medical needs) No(?!t)", text)


def test_the_domain_defaults_are_not_choices() -> None:
    case = Case(intake_date=date(2026, 3, 1))
    assert case.victim_status == "" and case.risk_level == ""
    assert case.interpreter_needed is None
