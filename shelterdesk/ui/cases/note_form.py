"""A note on a case: free text, searchable afterwards."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QWidget

from shelterdesk.domain.tasks import Note
from shelterdesk.i18n import N_, _
from shelterdesk.store.records import tasks
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import LongTextField
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.screen_fit import comfortable_width


class NoteForm(RecordForm):
    FORM = "note"

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, case_id, parent)
        form = QFormLayout()
        self.body_edit = self.add_field(form, "body", LongTextField(8, grow=True), N_("Note"))
        self.body.addLayout(form)
        comfortable_width(self, 560)
        self.finish_building()

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Add a note"))
        self.body_edit.setPlaceholderText(_(
            "What happened, what was agreed. Notes are found by the case search."))

    def record(self) -> Note:
        return Note(case_id=self.subject_id, body=self.body_edit.value().strip())

    def write(self, session: Session, record: Note) -> Note:
        return tasks.add_note(session, record)
