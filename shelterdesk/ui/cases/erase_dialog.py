"""*Erase this client…*: what will go, the reason, the case code typed back, then the erasure."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import _, format_list, ngettext
from shelterdesk.store.records import erasure_request
from shelterdesk.store.records.erasure import ErasureReport
from shelterdesk.store.records.erasure_request import ErasurePlan
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error


class EraseClientDialog(QDialog):
    """Built from a :class:`ErasurePlan`; ``erased`` carries the case codes that went."""

    erased = Signal(list)

    def __init__(self, session: Session, plan: ErasurePlan,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plan = plan
        self.working = False
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.what_label = QLabel()
        self.what_label.setObjectName("erasureList")
        self.what_label.setWordWrap(True)
        self.reason_label = QLabel()
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(erasure_request.REASON_MAX)
        self.code_label = QLabel()
        self.code_label.setWordWrap(True)
        self.code_edit = QLineEdit()
        self.reason_label.setBuddy(self.reason_edit)
        self.code_label.setBuddy(self.code_edit)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        form = QFormLayout()
        form.addRow(self.reason_label, self.reason_edit)
        form.addRow(self.code_label, self.code_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = QPushButton()
        self.erase_button.setObjectName("dangerButton")
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.what_label)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.erase)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._update_button)
        self.code_edit.textChanged.connect(self._update_button)
        self.setMinimumWidth(560)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        plan = self.plan
        self.setWindowTitle(_("Erase this client"))
        self.intro_label.setText(_(
            "Everything held about this client is erased from this laptop, and sync erases "
            "it on every other laptop of the organisation. The client's own key is destroyed "
            "too, so every copy already sent (on the relay, in the shared folder, in old "
            "sync files) becomes unreadable everywhere. It cannot be undone. Backups made "
            "before today keep it until they are rotated away."))
        lines = [ngettext("{count} case: {codes}", "{count} cases: {codes}",
                          len(plan.case_codes)).format(count=len(plan.case_codes),
                                                       codes=format_list(plan.case_codes)),
                 ngettext("{count} record in all", "{count} records in all",
                          plan.records).format(count=plan.records)]
        for kind, label, _tables in erasure_request.KINDS:
            lines.append(f"{_(label)}: {plan.counts[kind]}")
        self.what_label.setText("\n".join("•  " + line for line in lines))
        self.reason_label.setText(_("Reason"))
        self.reason_edit.setPlaceholderText(_("e.g. the client asked in person; write no name"))
        self.code_label.setText(_("Type the case code {code} to confirm").format(
            code=plan.case_code))
        self.erase_button.setText(_("Erase for good"))
        self._update_button()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _update_button(self) -> None:
        # The store checks both again; this only keeps the button honest while typing.
        ready = bool(self.reason_edit.text().strip()) and bool(self.code_edit.text().strip())
        self.erase_button.setEnabled(ready and not self.working)

    def erase(self) -> None:
        if self.working:
            return
        session, plan = self.session, self.plan
        reason, typed = self.reason_edit.text(), self.code_edit.text()
        self.working = True
        self.message_label.clear()
        self._update_button()

        def done(report: ErasureReport) -> None:
            self.working = False
            self.erased.emit(list(plan.case_codes))
            self.accept()

        def failed(error: BaseException) -> None:
            self.working = False
            self.message_label.setText(describe_error(error))
            self._update_button()

        run_in_background(
            lambda: erasure_request.erase_on_request(session, plan.case_code, typed, reason),
            done, failed, busy=self.busy, owner=self)
