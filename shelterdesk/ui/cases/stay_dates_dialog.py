"""A coordinator corrects when a stay began or ended, with a reason; the earlier dates are kept."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.shelters import Stay
from shelterdesk.i18n import _
from shelterdesk.store.records import record_corrections
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.dates import date_edit, from_qdate, to_qdate
from shelterdesk.ui.common.error_text import describe_error


class StayDatesDialog(QDialog):
    """``corrected`` carries the stay with its new dates; an open stay keeps no end date."""

    corrected = Signal(object)

    def __init__(self, session: Session, stay: Stay, *, where: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Closed is gone: nothing typed stays in memory or in the accessibility tree.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.stay = session, stay
        self.saving = False
        self.where_label = QLabel(where)
        self.where_label.setWordWrap(True)
        self.admitted_edit = date_edit()
        self.admitted_edit.setDate(to_qdate(stay.admitted_on))
        self.discharged_edit = date_edit()
        if stay.discharged_on:
            self.discharged_edit.setDate(to_qdate(stay.discharged_on))
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(64)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("fieldProblem")
        self.problem_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.captions = {key: QLabel() for key in ("where", "admitted", "discharged", "reason")}
        form = QFormLayout()
        form.addRow(self.captions["where"], self.where_label)
        form.addRow(self.captions["admitted"], self.admitted_edit)
        if stay.discharged_on:
            form.addRow(self.captions["discharged"], self.discharged_edit)
        form.addRow("", self.problem_label)
        form.addRow(self.captions["reason"], self.reason_edit)
        for key, widget in (("admitted", self.admitted_edit),
                            ("discharged", self.discharged_edit),
                            ("reason", self.reason_edit)):
            self.captions[key].setBuddy(widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.admitted_edit.dateChanged.connect(lambda _d: self.validate())
        self.discharged_edit.dateChanged.connect(lambda _d: self.validate())
        self.reason_edit.textChanged.connect(self.validate)
        self.setMinimumWidth(480)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Correct the dates of a stay"))
        self.intro_label.setText(_("The earlier dates are kept in the stay's history with "
                                   "your name and the reason."))
        texts = {"where": _("Bed"), "admitted": _("Admitted on"),
                 "discharged": _("Discharged on"), "reason": _("Reason for the correction")}
        for key, text in texts.items():
            self.captions[key].setText(text)
        self.admitted_edit.setAccessibleName(texts["admitted"])
        self.discharged_edit.setAccessibleName(texts["discharged"])
        self.reason_edit.setAccessibleName(texts["reason"])
        self.save_button.setText(_("Save the correction"))
        self.validate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def corrected_stay(self) -> Stay:
        discharged = from_qdate(self.discharged_edit.date()) if self.stay.discharged_on else None
        return Stay(self.stay.case_id, self.stay.bed_id, from_qdate(self.admitted_edit.date()),
                    discharged, self.stay.discharge_reason, self.stay.id)

    def validate(self) -> bool:
        stay = self.corrected_stay()
        problems = stay.validate()
        self.problem_label.setText("\n".join(str(p) for p in problems))
        self.problem_label.setVisible(bool(problems))
        changed = (stay.admitted_on, stay.discharged_on) != (self.stay.admitted_on,
                                                            self.stay.discharged_on)
        ready = not problems and changed and bool(self.reason_edit.toPlainText().strip()) \
            and not self.saving
        self.save_button.setEnabled(ready)
        return ready

    def save(self) -> None:
        if not self.validate():
            return
        session, stay = self.session, self.corrected_stay()
        reason = self.reason_edit.toPlainText()
        self.saving = True
        self.save_button.setEnabled(False)
        self.message_label.clear()
        run_in_background(lambda: record_corrections.correct_stay_dates(
            session, stay.id, stay.admitted_on, stay.discharged_on, reason),
            self._on_saved, self._on_failed, busy=self.busy, owner=self)

    def _on_saved(self, stay: Stay) -> None:
        self.saving = False
        self.corrected.emit(stay)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.saving = False
        self.message_label.setText(describe_error(error))
        self.validate()
