"""Closing a case (date and reason from the vocabulary) and reopening it (with a reason)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.closure import CLOSURE_REASONS, Closure, reopen_problems
from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import _, format_date
from shelterdesk.store.records import case_closure
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.dates import date_edit, from_qdate
from shelterdesk.ui.common.error_text import describe_error


def _message_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldProblem")
    label.setWordWrap(True)
    label.hide()
    return label


def _show(label: QLabel, problems: list[Problem], *fields: str) -> None:
    label.setText("\n".join(p.text() for p in problems if p.field in fields))
    label.setVisible(bool(label.text()))


class _CaseDialog(QDialog):
    """The frame both dialogs share: a form, a message line, Cancel and the action button."""

    done = Signal(str)  # the case id

    def __init__(self, session: Session, case_id: str, case_code: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Closed is gone: nothing typed stays in memory or in the accessibility tree.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.case_id, self.case_code = session, case_id, case_code
        self.saving = False
        self.form = QFormLayout()
        self.case_label = QLabel(case_code)
        self.case_caption = QLabel()
        self.form.addRow(self.case_caption, self.case_label)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(self.form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(500)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.case_caption.setText(_("Case"))

    def validate(self) -> bool:
        raise NotImplementedError

    def work(self) -> None:
        raise NotImplementedError

    def save(self) -> None:
        if not self.validate():
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.message_label.clear()
        run_in_background(self.work, self._on_saved, self._on_failed, busy=self.busy,
                          owner=self)

    def _on_saved(self, _result: object) -> None:
        self.saving = False
        self.done.emit(self.case_id)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.saving = False
        self.message_label.setText(describe_error(error))
        self.validate()


class CloseCaseDialog(_CaseDialog):
    """Close a case: the date (not before the intake) and a reason; ``done`` once closed."""

    def __init__(self, session: Session, case_id: str, case_code: str, intake_date: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, case_id, case_code, parent)
        self.intake_date = intake_date
        self.date_edit = date_edit()
        self.date_problem = _message_label()
        self.reason_combo = QComboBox()
        for code in CLOSURE_REASONS.codes:
            self.reason_combo.addItem("", code)
        self.reason_combo.setCurrentIndex(-1)
        self.reason_problem = _message_label()
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(70)
        self.note_problem = _message_label()
        self.captions = {key: QLabel() for key in ("date", "reason", "note")}
        for key, widget, problem in (("date", self.date_edit, self.date_problem),
                                     ("reason", self.reason_combo, self.reason_problem),
                                     ("note", self.note_edit, self.note_problem)):
            self.form.addRow(self.captions[key], widget)
            self.form.addRow("", problem)
            self.captions[key].setBuddy(widget)
        self.touched = False
        self.date_edit.dateChanged.connect(lambda _d: self.validate())
        self.reason_combo.currentIndexChanged.connect(lambda _i: self._touch())
        self.note_edit.textChanged.connect(self.validate)
        self.retranslate_ui()
        self.validate()

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.setWindowTitle(_("Close the case"))
        self.intro_label.setText(_(
            "A closed case is read-only until it is reopened. The client must have been "
            "discharged from any shelter stay first. Intake: {date}.").format(
                date=format_date(self.intake_date)))
        texts = {"date": _("Closing date"), "reason": _("Reason for closing"),
                 "note": _("Details")}
        for key, text in texts.items():
            self.captions[key].setText(text)
        self.date_edit.setAccessibleName(texts["date"])
        self.reason_combo.setAccessibleName(texts["reason"])
        self.note_edit.setAccessibleName(texts["note"])
        self.reason_combo.setPlaceholderText(_("Choose a reason"))
        for index, code in enumerate(CLOSURE_REASONS.codes):
            self.reason_combo.setItemText(index, CLOSURE_REASONS.label(code))
        self.note_edit.setPlaceholderText(_("Needed when the reason is “Other”."))
        self.save_button.setText(_("Close the case"))
        self.validate()

    def _touch(self) -> None:
        self.touched = True
        self.validate()

    def closure(self) -> Closure:
        return Closure(from_qdate(self.date_edit.date()), self.reason_combo.currentData() or "",
                       self.note_edit.toPlainText())

    def validate(self) -> bool:
        problems = self.closure().validate(self.intake_date)
        _show(self.date_problem, problems, "closed_on")
        shown = problems if self.touched else [p for p in problems
                                               if p.field != "closure_reason"]
        _show(self.reason_problem, shown, "closure_reason")
        _show(self.note_problem, problems, "closure_note")
        ready = not problems and not self.saving
        self.save_button.setEnabled(ready)
        return ready

    def work(self) -> None:
        case_closure.close_case(self.session, self.case_id, self.closure())


class ReopenCaseDialog(_CaseDialog):
    """Reopen a closed case with a reason; ``done`` once open again."""

    def __init__(self, session: Session, case_id: str, case_code: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, case_id, case_code, parent)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(70)
        self.reason_caption = QLabel()
        self.reason_caption.setBuddy(self.reason_edit)
        self.form.addRow(self.reason_caption, self.reason_edit)
        self.reason_edit.textChanged.connect(self.validate)
        self.retranslate_ui()
        self.validate()

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.setWindowTitle(_("Reopen the case"))
        self.intro_label.setText(_("The case becomes open again and can be changed; the "
                                   "reason is kept with its closures."))
        self.reason_caption.setText(_("Reason for reopening"))
        self.reason_edit.setAccessibleName(_("Reason for reopening"))
        self.save_button.setText(_("Reopen the case"))

    def validate(self) -> bool:
        ready = not reopen_problems(self.reason_edit.toPlainText()) and not self.saving
        self.save_button.setEnabled(ready)
        return ready

    def work(self) -> None:
        case_closure.reopen_case(self.session, self.case_id, self.reason_edit.toPlainText())
