"""A legal consultation, fast to fill during the meeting: topic, summary, outcome, next step."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QWidget

from shelterdesk.domain.care import LegalConsultation
from shelterdesk.domain.codes_services import LEGAL_TOPICS
from shelterdesk.i18n import N_, _
from shelterdesk.store.records import care
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import (
    CheckField,
    CodePicker,
    DateField,
    LongTextField,
    NumberField,
    TextField,
)
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.screen_fit import comfortable_width


class LegalConsultationForm(RecordForm):
    FORM = "legal"

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, case_id, parent)
        form = QFormLayout()
        self.topic_picker = self.add_field(form, "topic", CodePicker(LEGAL_TOPICS, choose=True))
        self.date_field = self.add_field(form, "date", DateField(not_after_today=True))
        self.duration_field = self.add_field(form, "duration_minutes",
                                             NumberField(1, 24 * 60, suffix=N_("min")))
        self.interpreter_check = self.add_field(form, "interpreter_used", CheckField(),
                                                N_("Interpreter"))
        self.summary_edit = self.add_field(form, "summary", LongTextField(7, grow=True))
        self.outcome_edit = self.add_field(form, "outcome", LongTextField(3))
        self.next_step_edit = self.add_field(form, "next_step", TextField(), N_("Next step"))
        self.next_step_date = self.add_field(form, "next_step_date", DateField(optional=True))
        self.body.addLayout(form)
        comfortable_width(self, 620)
        self.finish_building()

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Record a legal consultation"))
        self.interpreter_check.setText(_("An interpreter took part"))
        self.summary_edit.setPlaceholderText(_(
            "What the client asked and what was advised. Seen only by legal advisors and "
            "coordinators."))
        self.next_step_edit.setPlaceholderText(_("e.g. file the victim-status application"))

    def record(self) -> LegalConsultation:
        return LegalConsultation(
            case_id=self.subject_id, date=self.date_field.value() or date.today(),
            topic=self.topic_picker.value(), summary=self.summary_edit.value().strip(),
            outcome=self.outcome_edit.value().strip(),
            next_step=self.next_step_edit.value().strip(),
            next_step_date=self.next_step_date.value(),
            duration_minutes=self.duration_field.value(),
            interpreter_used=self.interpreter_check.value())

    def write(self, session: Session, record: LegalConsultation) -> LegalConsultation:
        return care.add_legal_consultation(session, record)
