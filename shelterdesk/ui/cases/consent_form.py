"""A consent the client gave: for what, to whom, which details, how, until when."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QWidget

from shelterdesk.domain.codes_services import CONSENT_METHODS, CONSENT_PURPOSES, CONSENT_SCOPE
from shelterdesk.domain.disclosure import default_scope
from shelterdesk.domain.referrals import Consent
from shelterdesk.i18n import N_, _
from shelterdesk.store.records import consents
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import CodeChecklist, CodePicker, DateField
from shelterdesk.ui.cases.org_picker import OrganisationPicker
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.screen_fit import comfortable_width


class ConsentForm(RecordForm):
    """``purpose`` and ``org_id`` preset the form (a referral dialog asks for one inline)."""

    FORM = "consent"

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None, *, purpose: str = "",
                 org_id: str = "") -> None:
        super().__init__(context, case_id, parent)
        form = QFormLayout()
        self.purpose_picker = self.add_field(form, "purpose",
                                             CodePicker(CONSENT_PURPOSES, choose=True))
        self.org_picker = self.add_field(form, "to_org_id", OrganisationPicker(context.session),
                                         N_("For the organisation"))
        # Ticked one by one with the client: an identified form prints exactly these.
        self.details_checks = self.add_field(form, "details", CodeChecklist(CONSENT_SCOPE),
                                             N_("What may be shared"))
        self.method_picker = self.add_field(form, "method", CodePicker(CONSENT_METHODS))
        self.given_field = self.add_field(form, "given_on", DateField(not_after_today=True))
        self.expires_field = self.add_field(form, "expires_on", DateField(optional=True))
        self.body.addLayout(form)
        comfortable_width(self, 720)  # the ticks' Russian labels are long
        if purpose:
            self.purpose_picker.set_value(purpose)
        if org_id:
            self.org_picker.set_value(org_id)
        self.details_checks.set_value(default_scope(purpose))
        self.purpose_picker.changed.connect(self._purpose_changed)
        self.finish_building(offer_draft=not (purpose or org_id))

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Record a consent"))
        self.org_picker.setToolTip(_(
            "Needed for a referral consent; otherwise leave empty for any organisation."))
        self.details_checks.setToolTip(_(
            "Tick only what the client agreed to share. A form that names the client prints "
            "exactly these details."))

    def _purpose_changed(self) -> None:
        # Until the person ticks something, the boxes follow the purpose's usual scope.
        if "details" not in self._touched:
            self.details_checks.set_value(default_scope(self.purpose_picker.value()))
            self._touched.discard("details")

    def record(self) -> Consent:
        return Consent(case_id=self.subject_id, purpose=self.purpose_picker.value(),
                       given_on=self.given_field.value() or date.today(),
                       method=self.method_picker.value(), to_org_id=self.org_picker.value(),
                       details=self.details_checks.value(),
                       expires_on=self.expires_field.value())

    def write(self, session: Session, record: Consent) -> Consent:
        return consents.add_consent(session, record)
