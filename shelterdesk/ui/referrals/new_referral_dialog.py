"""New referral: to whom, which services, how urgent, then the identified form or the sheet.

The identified form is offered only while a consent in force covers this
organisation (or a coordinator overrides the check with a reason); otherwise the
dialog says why in one sentence and offers to record the consent right here. The
referral is recorded and its document made by ``refer_and_render``, the same call
as ``shelterdesk referral``; the document then opens in the preview to print or save.
Pages import this module when it is first opened: it brings reportlab with it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain import disclosure
from shelterdesk.domain.codes_services import SERVICES, URGENCY
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Consent, Referral
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import _, format_date, format_list
from shelterdesk.reports.referral_print import medical_to_share, refer_and_render
from shelterdesk.reports.referral_reprint import RenderedReferral
from shelterdesk.store.access import can
from shelterdesk.store.records import consents
from shelterdesk.store.records.referrals import ReferralRow
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.consent_form import ConsentForm
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import CodeChecklist, CodePicker
from shelterdesk.ui.cases.org_picker import OrganisationPicker
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.case_picker import CaseChoice, CasePicker
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.referrals.referral_model import ReferralItem
from shelterdesk.ui.referrals.referral_preview import LANGUAGES, ReferralPreviewDialog


def make_referral(session: Session, case_id: str, org_id: str, services: list[str],
                  urgency: str, anonymized: bool, language: str,
                  override_reason: str) -> tuple[Referral, RenderedReferral]:
    """Off the GUI thread: record and print (the CLI's call), and whether medical went along."""
    referral, pdf = refer_and_render(session, case_id, org_id, services, urgency=urgency,
                                     anonymized=anonymized, language=language,
                                     override_reason=override_reason)
    medical = False
    if not anonymized:
        medical_consent, records = medical_to_share(session, referral, referral.referred_on)
        medical = medical_consent is not None and bool(records)
    return referral, RenderedReferral(pdf, anonymized, language, medical)


class NewReferralDialog(QDialog):
    """``created`` carries the recorded Referral; the preview then opens on the parent."""

    created = Signal(object)

    def __init__(self, context: CaseContext, parent: QWidget | None = None, *,
                 case: CaseChoice | None = None, open_preview: bool = True) -> None:
        super().__init__(parent)
        # Cancelled (or locked away) is gone: nothing typed stays in memory or in the
        # accessibility tree. A referral that was made hands its preview over first.
        self.rejected.connect(self.deleteLater)
        self.context = context
        self.session = context.session
        self.case = case
        self.open_preview = open_preview
        self.consent: Consent | None = None
        self.consent_known = False
        self.making = False
        self.preview: QDialog | None = None
        self._request = 0
        self._services_touched = False
        self.is_coordinator = self.session.user.has_role(Role.COORDINATOR)
        self.can_record_consent = can(self.session, Kind.CONSENT, Action.CREATE)
        self.case_picker: CasePicker | None = None
        if case is None:
            self.case_picker = CasePicker(self.session, without_stay=False,
                                          busy=context.busy)
            self.case_picker.chosen.connect(self._case_chosen)
        self.case_label = QLabel(case.label if case else "")
        self.case_label.setObjectName("caseCode")
        self.org_picker = OrganisationPicker(self.session, optional=False)
        self.services = CodeChecklist(SERVICES, columns=2)
        self.urgency = CodePicker(URGENCY)
        self.urgency.set_value("routine")
        self.identified_radio = QRadioButton()
        self.anonymized_radio = QRadioButton()
        kinds = QButtonGroup(self)
        kinds.addButton(self.identified_radio)
        kinds.addButton(self.anonymized_radio)
        self.anonymized_radio.setChecked(True)
        self.consent_label = QLabel()
        self.consent_label.setWordWrap(True)
        self.consent_label.setObjectName("hintLabel")
        self.record_consent_button = QPushButton()
        self.override_check = QCheckBox()
        self.override_edit = QLineEdit()
        self.language_combo = QComboBox()
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self.labels = {key: QLabel() for key in (
            "case", "organisation", "services", "urgency", "document", "reason", "language")}
        for key, widget in (("organisation", self.org_picker), ("services", self.services),
                            ("urgency", self.urgency), ("reason", self.override_edit),
                            ("language", self.language_combo),
                            ("document", self.identified_radio)):
            self.labels[key].setBuddy(widget)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.make_button = QPushButton()
        self.make_button.setDefault(True)
        self.send_button = QPushButton()
        self.secure = False  # the chosen organisation's keys are confirmed (and ours exist)
        self.partner_mailbox = False  # … and it named a relay mailbox: delivered, no file
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.make_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        self._build_layout()
        self.org_picker.changed.connect(self._org_chosen)
        self.org_picker.loaded.connect(self._update_state)
        self.services.changed.connect(self._services_changed)
        self.identified_radio.toggled.connect(lambda _on: self._update_state())
        self.override_check.toggled.connect(lambda _on: self._update_state())
        self.override_edit.textChanged.connect(lambda _t: self._update_state())
        self.record_consent_button.clicked.connect(lambda: self.open_consent_form())
        self.make_button.clicked.connect(self.make)
        self.send_button.clicked.connect(lambda: self.send())
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(720)
        self.retranslate_ui()

    def _build_layout(self) -> None:
        form = QFormLayout()
        if self.case_picker is not None:
            form.addRow(self.labels["case"], self.case_picker)
        else:
            form.addRow(self.labels["case"], self.case_label)
        form.addRow(self.labels["organisation"], self.org_picker)
        form.addRow(self.labels["services"], self.services)
        form.addRow(self.labels["urgency"], self.urgency)
        kinds = QVBoxLayout()
        kinds.addWidget(self.anonymized_radio)
        kinds.addWidget(self.identified_radio)
        kinds.addWidget(self.override_check)
        form.addRow(self.labels["document"], kinds)
        form.addRow(self.labels["reason"], self.override_edit)
        form.addRow(self.labels["language"], self.language_combo)
        footer = QHBoxLayout()
        footer.addWidget(self.busy)
        footer.addStretch(1)
        footer.addWidget(self.buttons)
        # The consent sentence under the form, full width: in az and ru it runs long.
        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent_label, 1)
        consent_row.addWidget(self.record_consent_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addLayout(consent_row)
        layout.addWidget(self.message_label)
        layout.addLayout(footer)
        self._form = form

    # --- text ---------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("New referral"))
        self.labels["case"].setText(_("Client"))
        self.labels["organisation"].setText(_("Receiving organisation"))
        self.labels["services"].setText(_("Services requested"))
        self.labels["urgency"].setText(_("Urgency"))
        self.labels["document"].setText(_("Document"))
        self.labels["reason"].setText(_("Reason for the override"))
        self.labels["language"].setText(_("Language of the document"))
        self.anonymized_radio.setText(_("Anonymized sheet (no personal data)"))
        self.identified_radio.setText(_("Referral form that names the client"))
        self.record_consent_button.setText(_("Record a consent…"))
        self.override_check.setText(_("Emergency: print it without a consent (coordinator)"))
        self.override_edit.setPlaceholderText(_("Why it cannot wait for the client's consent"))
        self.make_button.setText(_("Record and show the document"))
        self.send_button.setText(_("Send securely…"))
        for widget, key in ((self.services, "services"), (self.urgency, "urgency"),
                            (self.org_picker, "organisation"), (self.language_combo,
                                                                "language")):
            widget.setAccessibleName(self.labels[key].text())
            retranslate = getattr(widget, "retranslate", None)
            if retranslate is not None:
                retranslate()
        self._update_state()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- choices ------------------------------------------------------------------------
    def case_id(self) -> str:
        return self.case.case_id if self.case else ""

    def _case_chosen(self, choice: CaseChoice | None) -> None:
        self.case = choice
        self._check_consent()

    def _org_chosen(self) -> None:
        org = self.org_picker.organisation(self.org_picker.value())
        if org is not None and not self._services_touched:
            self.services.blockSignals(True)
            self.services.set_value(org.services)
            self.services.blockSignals(False)
        self._check_secure()
        self._check_consent()

    def _check_secure(self) -> None:
        from shelterdesk.store.exchange.identity import can_send_securely, partner_keys

        session, org_id = self.session, self.org_picker.value()
        self.secure = False
        self.partner_mailbox = False

        def check() -> tuple[bool, bool]:
            secure = can_send_securely(session, org_id)
            return secure, secure and bool(partner_keys(session, org_id).mailbox)

        def found(answer: tuple[bool, bool]) -> None:
            if org_id == self.org_picker.value():
                self.secure, self.partner_mailbox = answer
                self._update_state()

        run_in_background(check, found,
                          lambda error: self.message_label.setText(describe_error(error)),
                          busy=self.busy, owner=self)

    def _services_changed(self) -> None:
        self._services_touched = True
        self._update_state()

    def _check_consent(self) -> None:
        """Ask the vault which referral consent covers this client and organisation today."""
        self._request += 1
        request, session = self._request, self.session
        case_id, org_id = self.case_id(), self.org_picker.value()
        self.consent, self.consent_known = None, False
        self._update_state()
        if not case_id or not org_id:
            return

        def found(consent: Consent | None) -> None:
            if request == self._request:
                self.consent, self.consent_known = consent, True
                if consent is None and not self.is_coordinator:
                    self.anonymized_radio.setChecked(True)
                self._update_state()

        def failed(error: BaseException) -> None:
            if request == self._request:
                self.message_label.setText(describe_error(error))

        run_in_background(lambda: consents.referral_consent(session, case_id, org_id),
                          found, failed, busy=self.busy, owner=self)

    def identified_allowed(self) -> bool:
        return self.consent is not None or (
            self.is_coordinator and self.override_check.isChecked()
            and bool(self.override_edit.text().strip()))

    def _update_state(self) -> None:
        chosen = bool(self.case_id() and self.org_picker.value())
        no_consent = chosen and self.consent_known and self.consent is None
        self.identified_radio.setEnabled(self.consent is not None or
                                         (no_consent and self.is_coordinator))
        self.consent_label.setText(self._consent_sentence(chosen))
        self.record_consent_button.setVisible(no_consent and self.can_record_consent)
        overriding = no_consent and self.is_coordinator and self.identified_radio.isChecked()
        self.override_check.setVisible(overriding)
        self.override_edit.setVisible(overriding and self.override_check.isChecked())
        self.labels["reason"].setVisible(self.override_edit.isVisibleTo(self))
        ready = chosen and self.consent_known and bool(self.services.value()) \
            and not self.making
        if self.identified_radio.isChecked():
            ready = ready and self.identified_allowed()
        self.make_button.setEnabled(ready)
        self.send_button.setEnabled(ready and self.secure)
        self.send_button.setToolTip("" if self.secure else _(
            "This organisation's keys are not confirmed: paper referrals only. A coordinator "
            "adds and confirms them in Administration → Organisations."))
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to the wrapped sentences' height: a size hint does not count wrapped lines."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def _consent_sentence(self, chosen: bool) -> str:
        if self.org_picker.count() <= 1 and self.org_picker.is_loaded:
            return _("The directory has no organisation yet: the receiving organisation is "
                     "added first, in Administration (Add an organisation…).")
        if not chosen:
            return _("Choose the client and the organisation: the form that names the client "
                     "needs their consent to a referral there.")
        if not self.consent_known:
            return ""
        if self.consent is None:
            return _("No consent in force covers a referral of this client to this "
                     "organisation, so only the anonymized sheet can be made.")
        details = [disclosure.SHARED_DETAILS.label(code) for code in disclosure.SHARED_DETAILS.codes
                   if code in disclosure.details_covered(self.consent.details)]
        return _("The client's consent of {date} covers this referral; the form carries the "
                 "name and: {details}.").format(date=format_date(self.consent.given_on),
                                                details=format_list(details))

    # --- consent ------------------------------------------------------------------------
    def open_consent_form(self) -> ConsentForm | None:
        if not self.case_id() or not self.can_record_consent:
            return None
        form = ConsentForm(self.context, self.case_id(), self, purpose="referral",
                           org_id=self.org_picker.value())
        form.saved.connect(lambda _consent: self._check_consent())
        form.open()
        return form

    # --- making -------------------------------------------------------------------------
    def anonymized(self) -> bool:
        return self.anonymized_radio.isChecked()

    def make(self) -> None:
        self._update_state()
        if not self.make_button.isEnabled():
            return
        session, case_id, org_id = self.session, self.case_id(), self.org_picker.value()
        services, urgency, anonymized = self.services.value(), self.urgency.value(), \
            self.anonymized()
        language = self.language_combo.currentData() or "en"
        reason = "" if anonymized or self.consent is not None \
            else self.override_edit.text().strip()
        self.making = True
        self.message_label.clear()
        self._update_state()
        run_in_background(lambda: make_referral(session, case_id, org_id, services, urgency,
                                                anonymized, language, reason),
                          self._made, self._failed, busy=self.busy, owner=self)

    def _failed(self, error: BaseException) -> None:
        self.making = False
        self.message_label.setText(describe_error(error))
        self._update_state()

    def _made(self, result: tuple[Referral, RenderedReferral]) -> None:
        referral, rendered = result
        self.making = False
        self.created.emit(referral)
        if self.open_preview:
            self.preview = self._open_preview(referral, rendered)
        self.accept()

    def _open_preview(self, referral: Referral, rendered: RenderedReferral) -> QDialog:
        assert self.case is not None
        row = ReferralRow(referral, self.case.case_code,
                          self.org_picker.name_of(referral.to_org_id),
                          (referral.referred_on or date.today()).isoformat())
        dialog = ReferralPreviewDialog(self.session, ReferralItem(row, self.case.label),
                                       self.parentWidget(), initial=rendered)
        dialog.open()
        return dialog

    # --- sending securely (issue 22) ----------------------------------------------------
    def send(self, path: str = "") -> None:
        """Record the referral and save it sealed for the receiver (`referral send`)."""
        self._update_state()
        if not self.send_button.isEnabled():
            return
        from shelterdesk.reports.referral_send import refer_and_seal
        from shelterdesk.ui.referrals.exchange_files import (
            ask_save_exchange_file,
            write_exchange_file,
        )

        if not self.partner_mailbox:
            path = path or ask_save_exchange_file(self, "referral.sdreferral")
            if not path:
                return
        session, case_id, org_id = self.session, self.case_id(), self.org_picker.value()
        services, urgency, anonymized = self.services.value(), self.urgency.value(), \
            self.anonymized()
        reason = "" if anonymized or self.consent is not None \
            else self.override_edit.text().strip()
        self.making = True
        self.message_label.clear()
        self._update_state()

        def work() -> Referral:
            referral, data = refer_and_seal(session, case_id, org_id, services,
                                            urgency=urgency, anonymized=anonymized,
                                            override_reason=reason)
            if path:
                write_exchange_file(path, data)
            else:  # the partner's relay mailbox
                from shelterdesk.sync.referral_mailbox import deliver_to_partner

                deliver_to_partner(session, org_id, data)
            return referral

        def sent(referral: Referral) -> None:
            self.making = False
            self.created.emit(referral)
            self.accept()

        run_in_background(work, sent, self._failed, busy=self.busy, owner=self)
