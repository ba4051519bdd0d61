"""A medical service: what kind, when, by whom, and when to see the client again."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QWidget

from shelterdesk.domain.care import MedicalService
from shelterdesk.domain.codes_services import MEDICAL_KINDS
from shelterdesk.i18n import N_, _
from shelterdesk.store.records import care
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import CodePicker, DateField, LongTextField, TextField
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.screen_fit import comfortable_width


class MedicalServiceForm(RecordForm):
    FORM = "medical"

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, case_id, parent)
        form = QFormLayout()
        self.kind_picker = self.add_field(form, "kind", CodePicker(MEDICAL_KINDS, choose=True),
                                          N_("Service"))
        self.date_field = self.add_field(form, "date", DateField(not_after_today=True))
        self.provider_edit = self.add_field(form, "provider", TextField(),
                                            N_("Doctor or clinic"))
        self.summary_edit = self.add_field(form, "summary", LongTextField(6, grow=True))
        self.follow_up_date = self.add_field(form, "follow_up_date", DateField(optional=True),
                                             N_("See again on"))
        self.body.addLayout(form)
        comfortable_width(self, 580)
        self.finish_building()

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Record a medical service"))
        self.summary_edit.setPlaceholderText(_(
            "Findings and treatment. Seen only by medical staff and coordinators."))

    def record(self) -> MedicalService:
        return MedicalService(
            case_id=self.subject_id, date=self.date_field.value() or date.today(),
            kind=self.kind_picker.value(), summary=self.summary_edit.value().strip(),
            provider=self.provider_edit.value().strip(),
            follow_up_date=self.follow_up_date.value())

    def write(self, session: Session, record: MedicalService) -> MedicalService:
        return care.add_medical_service(session, record)
