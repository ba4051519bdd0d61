"""A consent the client gave: for what, to whom, how, until when."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QWidget

from shelterdesk.domain.codes_services import CONSENT_METHODS, CONSENT_PURPOSES
from shelterdesk.domain.referrals import Consent
from shelterdesk.i18n import N_, _
from shelterdesk.store import consents
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import CodePicker, DateField, LongTextField
from shelterdesk.ui.cases.org_picker import OrganisationPicker
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.screen_fit import comfortable_width


class ConsentForm(RecordForm):
    FORM = "consent"

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, case_id, parent)
        form = QFormLayout()
        self.purpose_picker = self.add_field(form, "purpose",
                                             CodePicker(CONSENT_PURPOSES, choose=True))
        self.org_picker = self.add_field(form, "to_org_id", OrganisationPicker(context.session),
                                         N_("For the organisation"))
        self.scope_edit = self.add_field(form, "scope", LongTextField(3),
                                         N_("What may be shared"))
        self.method_picker = self.add_field(form, "method", CodePicker(CONSENT_METHODS))
        self.given_field = self.add_field(form, "given_on", DateField(not_after_today=True))
        self.expires_field = self.add_field(form, "expires_on", DateField(optional=True))
        self.body.addLayout(form)
        comfortable_width(self, 560)
        self.finish_building()

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Record a consent"))
        self.org_picker.setToolTip(_(
            "Needed for a referral consent; otherwise leave empty for any organisation."))
        self.scope_edit.setPlaceholderText(_("In the client's words, e.g. name and phone only"))

    def record(self) -> Consent:
        return Consent(case_id=self.subject_id, purpose=self.purpose_picker.value(),
                       given_on=self.given_field.value() or date.today(),
                       method=self.method_picker.value(), to_org_id=self.org_picker.value(),
                       scope=self.scope_edit.value().strip(),
                       expires_on=self.expires_field.value())

    def write(self, session: Session, record: Consent) -> Consent:
        return consents.add_consent(session, record)
