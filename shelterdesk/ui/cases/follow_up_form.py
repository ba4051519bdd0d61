"""A follow-up task on a case: a court date, a check-in, a deadline."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QFormLayout, QWidget

from shelterdesk.domain.codes_services import FOLLOW_UP_KINDS
from shelterdesk.domain.tasks import FollowUp
from shelterdesk.i18n import _
from shelterdesk.store.records import tasks
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import CodePicker, DateField, LongTextField
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.screen_fit import comfortable_width


class FollowUpForm(RecordForm):
    FORM = "follow_up"

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, case_id, parent)
        form = QFormLayout()
        self.kind_picker = self.add_field(form, "kind",
                                          CodePicker(FOLLOW_UP_KINDS, choose=True))
        self.due_field = self.add_field(form, "due_on", DateField())
        self.due_field.set_value(date.today() + timedelta(days=7))
        self.description_edit = self.add_field(form, "description", LongTextField(3))
        self.body.addLayout(form)
        comfortable_width(self, 520)
        self.finish_building()

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Add a follow-up task"))

    def record(self) -> FollowUp:
        return FollowUp(case_id=self.subject_id, due_on=self.due_field.value() or date.today(),
                        kind=self.kind_picker.value(),
                        description=self.description_edit.value().strip())

    def write(self, session: Session, record: FollowUp) -> FollowUp:
        return tasks.add_follow_up(session, record)
