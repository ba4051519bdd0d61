"""Another service delivered: psychosocial support, interpretation, documents and the rest."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QWidget

from shelterdesk.domain.care import OtherService
from shelterdesk.domain.codes_services import OTHER_SERVICE_KINDS
from shelterdesk.i18n import N_, _
from shelterdesk.store.records import care
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import CodePicker, DateField, LongTextField
from shelterdesk.ui.cases.org_picker import OrganisationPicker
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.screen_fit import comfortable_width


class OtherServiceForm(RecordForm):
    FORM = "service"

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, case_id, parent)
        form = QFormLayout()
        self.kind_picker = self.add_field(form, "kind",
                                          CodePicker(OTHER_SERVICE_KINDS, choose=True),
                                          N_("Service"))
        self.date_field = self.add_field(form, "date", DateField(not_after_today=True))
        self.provider_picker = self.add_field(form, "provider_org_id",
                                              OrganisationPicker(context.session),
                                              N_("Provided by"))
        self.description_edit = self.add_field(form, "description", LongTextField(5))
        self.body.addLayout(form)
        comfortable_width(self, 560)
        self.finish_building()

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Record a service"))
        self.provider_picker.setToolTip(_("Leave empty when your organisation provided it."))

    def record(self) -> OtherService:
        return OtherService(
            case_id=self.subject_id, date=self.date_field.value() or date.today(),
            kind=self.kind_picker.value(), description=self.description_edit.value().strip(),
            provider_org_id=self.provider_picker.value())

    def write(self, session: Session, record: OtherService) -> OtherService:
        return care.add_other_service(session, record)
