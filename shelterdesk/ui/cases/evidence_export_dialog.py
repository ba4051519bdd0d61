"""*Export for an investigator…*: on what basis (consent or a coordinator's reason), which
language for the summary, and where the ZIP goes; the export itself is the store's."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Consent
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import _, active_language, format_date
from shelterdesk.store.access import can
from shelterdesk.store.records import evidence
from shelterdesk.ui.cases.consent_form import ConsentForm
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error

LANGUAGES = (("az", "Azərbaycanca"), ("ru", "Русский"), ("en", "English"))


def ask_zip_path(parent: QWidget, suggested: str) -> str:
    path, _filter = QFileDialog.getSaveFileName(parent, _("Save the evidence archive"),
                                                suggested, _("ZIP archives (*.zip)"))
    return path


class EvidenceExportDialog(QDialog):
    """``exported`` carries the path written."""

    exported = Signal(str)

    def __init__(self, context: CaseContext, case_id: str, case_code: str,
                 parent: QWidget | None = None, *,
                 ask_path: Callable[[QWidget, str], str] = ask_zip_path) -> None:
        super().__init__(parent)
        self.context = context
        self.session = context.session
        self.case_id, self.case_code = case_id, case_code
        self.ask_path = ask_path
        self.consent: Consent | None = None
        self.checked = False
        self.working = False
        self.is_coordinator = self.session.user.has_role(Role.COORDINATOR)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.basis_label = QLabel()
        self.basis_label.setWordWrap(True)
        self.basis_label.setObjectName("hintLabel")
        self.record_consent_button = QPushButton()
        self.reason_label = QLabel()
        self.reason_edit = QLineEdit()
        self.reason_label.setBuddy(self.reason_edit)
        self.language_label = QLabel()
        self.language_combo = QComboBox()
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(active_language())))
        self.language_label.setBuddy(self.language_combo)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.export_button = QPushButton()
        self.export_button.setDefault(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        basis = QHBoxLayout()
        basis.addWidget(self.basis_label, 1)
        basis.addWidget(self.record_consent_button)
        form = QFormLayout()
        form.addRow(self.reason_label, self.reason_edit)
        form.addRow(self.language_label, self.language_combo)
        footer = QHBoxLayout()
        footer.addWidget(self.busy)
        footer.addStretch(1)
        footer.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(basis)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addLayout(footer)
        self.reason_edit.textChanged.connect(lambda _t: self._update_state())
        self.record_consent_button.clicked.connect(lambda: self.open_consent_form())
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(680)
        self.retranslate_ui()
        self.check_consent()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Export for an investigator"))
        self.intro_label.setText(_(
            "A ZIP archive with every evidence file of case {code}, a manifest with each "
            "file's SHA-256 and its chain of custody, and a one-page summary. The archive is "
            "not encrypted: hand it over in person, and delete your copy afterwards.").format(
                code=self.case_code))
        self.record_consent_button.setText(_("Record a consent…"))
        self.reason_label.setText(_("Reason for the override"))
        self.reason_edit.setPlaceholderText(_("For example: the prosecutor's written request"))
        self.language_label.setText(_("Language of the summary"))
        self.export_button.setText(_("Export…"))
        self._update_state()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def check_consent(self) -> None:
        session, case_id = self.session, self.case_id

        def found(consent: Consent | None) -> None:
            self.consent, self.checked = consent, True
            self._update_state()

        run_in_background(lambda: evidence.law_enforcement_consent(session, case_id), found,
                          lambda error: self.message_label.setText(describe_error(error)),
                          busy=self.busy, owner=self)

    def _update_state(self) -> None:
        if not self.checked:
            text = ""
        elif self.consent is not None:
            text = _("The client's consent to share with law enforcement, given on {date}, "
                     "allows this export.").format(date=format_date(self.consent.given_on))
        elif self.is_coordinator:
            text = _("No consent to share with law enforcement is in force: as coordinator "
                     "you may export for a reason, which is recorded.")
        else:
            text = _("No consent to share with law enforcement is in force, so the evidence "
                     "cannot be exported; record the client's consent, or ask a coordinator.")
        self.basis_label.setText(text)
        no_consent = self.checked and self.consent is None
        self.record_consent_button.setVisible(
            no_consent and can(self.session, Kind.CONSENT, Action.CREATE))
        self.reason_label.setVisible(no_consent and self.is_coordinator)
        self.reason_edit.setVisible(no_consent and self.is_coordinator)
        allowed = self.consent is not None or (
            self.is_coordinator and bool(self.reason_edit.text().strip()))
        self.export_button.setEnabled(self.checked and allowed and not self.working)
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

    def open_consent_form(self) -> ConsentForm:
        form = ConsentForm(self.context, self.case_id, self, purpose="law_enforcement")
        form.saved.connect(lambda _consent: self.check_consent())
        form.open()
        return form

    def export(self) -> None:
        self._update_state()
        if not self.export_button.isEnabled():
            return
        path = self.ask_path(self, f"evidence-{self.case_code}.zip")
        if not path:
            return
        if not path.lower().endswith(".zip"):
            path += ".zip"
        session, case_id = self.session, self.case_id
        language = self.language_combo.currentData() or "en"
        reason = "" if self.consent is not None else self.reason_edit.text().strip()
        self.working = True
        self.message_label.clear()
        self._update_state()

        def work() -> str:
            # reportlab loads with the first export, not with the window.
            from shelterdesk.reports.evidence_export import export_for_investigator

            return str(export_for_investigator(session, case_id, path, language=language,
                                               override_reason=reason).path)

        run_in_background(work, self._done, self._failed, busy=self.busy, owner=self)

    def _done(self, path: str) -> None:
        self.working = False
        self.exported.emit(path)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.working = False
        self.message_label.setText(describe_error(error))
        self._update_state()
