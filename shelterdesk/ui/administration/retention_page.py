"""Administration → Retention: how long each kind of record is kept, a dry run listing what
would go, and the erasure on the coordinator's confirmation (store/records/retention.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import _
from shelterdesk.store.records import retention
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error


class RetentionPage(QWidget):
    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.intro_label.setObjectName("pageIntro")
        self.cases_spin = QSpinBox()
        self.cases_spin.setRange(0, 50)
        self.files_spin = QSpinBox()
        self.files_spin.setRange(0, 50)
        self.drafts_spin = QSpinBox()
        self.drafts_spin.setRange(0, 3650)
        self.labels = {k: QLabel() for k in ("cases", "files", "drafts")}
        for key, spin in (("cases", self.cases_spin), ("files", self.files_spin),
                          ("drafts", self.drafts_spin)):
            self.labels[key].setBuddy(spin)
            spin.setMaximumWidth(120)
        self.save_button = QPushButton()
        self.dry_run_button = QPushButton()
        self.run_button = QPushButton()
        self.run_button.setObjectName("dangerButton")
        self.plan_label = QLabel()
        self.plan_list = QListWidget()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.labels["cases"], self.cases_spin)
        form.addRow(self.labels["files"], self.files_spin)
        form.addRow(self.labels["drafts"], self.drafts_spin)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.dry_run_button, self.run_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.plan_list, 1)
        self.save_button.clicked.connect(self.save)
        self.dry_run_button.clicked.connect(self.dry_run)
        self.run_button.clicked.connect(self.confirm_run)
        self.plan: retention.RetentionPlan | None = None
        self._loaded = False
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.intro_label.setText(_(
            "How long records are kept; 0 keeps them for ever. Nothing goes by itself: a dry "
            "run lists what is due, and it is erased only when you confirm (on every laptop, "
            "through sync)."))
        self.labels["cases"].setText(_("Clients whose cases are all closed: years after closing"))
        self.labels["files"].setText(_("Evidence files: years after the case closed"))
        self.labels["drafts"].setText(_("Unsaved drafts: days after last saved"))
        self.save_button.setText(_("Save the policy"))
        self.dry_run_button.setText(_("Dry run"))
        self.run_button.setText(_("Erase what is due…"))
        self.plan_list.setAccessibleName(_("Dry run"))
        self._show_plan()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            session = self.session
            run_in_background(lambda: retention.policy(session), self._show_policy,
                              self._show_error, busy=self.busy, owner=self)

    def _show_policy(self, rules: retention.Policy) -> None:
        self.cases_spin.setValue(rules.closed_case_years)
        self.files_spin.setValue(rules.evidence_years)
        self.drafts_spin.setValue(rules.draft_days)

    def current(self) -> retention.Policy:
        return retention.Policy(self.cases_spin.value(), self.files_spin.value(),
                                self.drafts_spin.value())

    def save(self) -> None:
        session, rules = self.session, self.current()
        run_in_background(lambda: retention.set_policy(session, rules),
                          lambda _r: self.status.emit(_("Retention policy saved.")),
                          self._show_error, busy=self.busy, owner=self)

    def dry_run(self) -> None:
        session = self.session
        self.message_label.clear()

        def shown(plan: retention.RetentionPlan) -> None:
            self.plan = plan
            self._show_plan()

        run_in_background(lambda: retention.plan(session), shown, self._show_error,
                          busy=self.busy, owner=self)

    def _show_plan(self) -> None:
        self.plan_list.clear()
        plan = self.plan
        self.run_button.setEnabled(plan is not None and not plan.empty)
        if plan is None:
            self.plan_label.clear()
            return
        self.plan_label.setText(_("Due now: clients {clients}, evidence files {files}, drafts "
                                  "{drafts}.").format(clients=len(plan.clients),
                                                      files=len(plan.evidence_files),
                                                      drafts=plan.drafts))
        for _case, codes in plan.clients:
            self.plan_list.addItem(_("Client of {codes}: everything").format(
                codes=", ".join(codes)))
        for _item, code in plan.evidence_files:
            self.plan_list.addItem(_("Evidence file of {code}").format(code=code))

    def confirm_run(self) -> None:
        if self.plan is None or self.plan.empty:
            return
        answer = QMessageBox.question(
            self, _("Erase what is due"),
            _("Erase {clients} clients, {files} evidence files and {drafts} drafts for good, "
              "on every laptop?").format(clients=len(self.plan.clients),
                                        files=len(self.plan.evidence_files),
                                        drafts=self.plan.drafts))
        if answer == QMessageBox.StandardButton.Yes:
            self.run_now()

    def run_now(self) -> None:
        session = self.session

        def done(result: retention.RetentionResult) -> None:
            self.plan = None
            self._show_plan()
            self.status.emit(_("Erased: clients {clients}, evidence files {files}, drafts "
                               "{drafts}.").format(clients=result.clients,
                                                   files=result.evidence_files,
                                                   drafts=result.drafts))

        run_in_background(lambda: retention.run(session), done, self._show_error,
                          busy=self.busy, owner=self)

    def _show_error(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    def drop_data(self) -> None:
        self.plan = None
        self.plan_list.clear()
