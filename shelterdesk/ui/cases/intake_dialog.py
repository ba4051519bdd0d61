"""The intake form, step by step: a new client and their case (or a correction of both)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.codes_case import ONLINE_CHANNELS
from shelterdesk.domain.disclosure import default_scope
from shelterdesk.domain.referrals import Consent
from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import _
from shelterdesk.store.records import clients
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.duplicate_dialog import check_then_save
from shelterdesk.ui.cases.intake_steps import build_pages
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.keyboard import follow_reading_order
from shelterdesk.ui.common.screen_fit import fit_to_screen

PROBLEM_COLOUR = QColor("#a12a2a")


@dataclass
class IntakeRecord:
    client: Client
    case: Case
    consents: list[Consent] = field(default_factory=list)

    def validate(self) -> list[Problem]:
        return (self.client.validate() + self.case.validate()
                + [p for consent in self.consents for p in consent.validate()])


class IntakeDialog(RecordForm):
    """A new client and case; ``saved`` carries the new case (with its code)."""

    FORM = "intake"
    SCROLLS_ITSELF = True  # each step is its own scroll area
    editing = False
    # The worker chose to open a case the client already has instead (duplicate warning).
    open_existing = Signal(str)
    duplicates_cleared = False
    duplicate_dialog: QWidget | None = None
    PROBLEM_FIELDS = {"to_org_id": "consent_org", "expires_on": "consent_expires",
                      "method": "consent_method", "purpose": "consent_purposes",
                      "given_on": "intake_date"}

    def __init__(self, context: CaseContext, subject_id: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(context, subject_id, parent)
        self.steps_list = QListWidget()
        self.steps_list.setObjectName("stepList")
        self.steps_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.pages = build_pages(self)
        for _step, page, _intro, _names in self.pages:
            self.stack.addWidget(page)
            self.steps_list.addItem(QListWidgetItem())
        row = QHBoxLayout()
        row.addWidget(self.steps_list)
        row.addWidget(self.stack, 1)
        self.body.addLayout(row)
        self.back_button = QPushButton()
        self.next_button = QPushButton()
        self.footer.insertWidget(2, self.back_button)
        self.footer.insertWidget(3, self.next_button)
        self.back_button.clicked.connect(lambda: self.go_to(self.stack.currentIndex() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.stack.currentIndex() + 1))
        self.steps_list.currentRowChanged.connect(self.go_to)
        for name in ("recruitment_channel", "victim_status", "consent_purposes"):
            if name in self.fields:
                self.fields[name].changed.connect(self._update_dependent)
        fit_to_screen(self, 980, 660)  # each step scrolls on a small screen
        self._update_dependent()
        self.go_to(0)
        self.finish_building(offer_draft=not self.editing)

    # --- steps ---------------------------------------------------------------------------
    def go_to(self, index: int) -> None:
        if not 0 <= index < self.stack.count():
            return
        self.stack.setCurrentIndex(index)
        if self.steps_list.currentRow() != index:
            self.steps_list.setCurrentRow(index)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.stack.count() - 1)
        if self.isVisible():
            follow_reading_order(self)  # the step list, this step's fields, then the buttons
        names = self.pages[index][3]
        if names:
            self.fields[names[0]].setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Enter in a field moves on (next field, next step, at the end the Save button) and
        # never saves: a stray Enter must not file half an intake. Ctrl+Enter still saves.
        focus = QApplication.focusWidget()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain
                and focus is not None and self.stack.isAncestorOf(focus)):
            self.move_on_from(focus)
            return
        super().keyPressEvent(event)

    def move_on_from(self, focus: QWidget) -> None:
        """Focus the field after the one holding ``focus``, on this step or the next."""
        index = self.stack.currentIndex()
        names = self.pages[index][3]
        current = next((i for i, name in enumerate(names)
                        if self.fields[name] is focus or self.fields[name].isAncestorOf(focus)),
                       -1)
        for name in names[current + 1:]:
            if self.fields[name].isEnabled() and self.fields[name].isVisible():
                self.fields[name].setFocus(Qt.FocusReason.TabFocusReason)
                return
        if index < self.stack.count() - 1:
            self.go_to(index + 1)
        else:
            self.save_button.setFocus(Qt.FocusReason.TabFocusReason)

    def step_of(self, name: str) -> int:
        return next((i for i, page in enumerate(self.pages) if name in page[3]), 0)

    def _update_dependent(self) -> None:
        """Ask only what applies: a platform for online channels, a decision once identified."""
        online = self.fields["recruitment_channel"].value() in ONLINE_CHANNELS
        platform = self.fields["recruitment_platform"]
        if not online and platform.value():
            platform.set_value("")
        platform.setEnabled(online)
        identified = self.fields["victim_status"].value() == "identified"
        for name in ("status_decision_date", "status_authority"):
            self.fields[name].setEnabled(identified)
        if "consent_org" in self.fields:
            self.fields["consent_org"].setEnabled(
                "referral" in self.fields["consent_purposes"].value())

    # --- text ----------------------------------------------------------------------------
    def retranslate_fields(self) -> None:
        self.setWindowTitle(self.title())
        for index, (step, _page, intro, _names) in enumerate(self.pages):
            self.steps_list.item(index).setText(
                _("{number}. {title}").format(number=index + 1, title=_(step.title)))
            intro.setText(_(step.intro))
        metrics = self.steps_list.fontMetrics()
        widest = max(metrics.horizontalAdvance(self.steps_list.item(r).text())
                     for r in range(self.steps_list.count()))
        self.steps_list.setFixedWidth(min(280, widest + 44))  # item padding and margins
        self.steps_list.setAccessibleName(_("Steps of the intake"))
        self.back_button.setText(_("< Back"))
        self.next_button.setText(_("Next >"))
        self.fields["recruitment_platform"].setToolTip(
            _("Only for a social network, a dating app or an online job advert."))

    def title(self) -> str:
        return _("New intake")

    # --- record --------------------------------------------------------------------------
    def value(self, name: str, default: Any = "") -> Any:
        return self.fields[name].value() if name in self.fields else default

    def build_client(self) -> Client:
        text = {name: (self.value(name) or "").strip() for name in (
            "given_name", "family_name", "other_names", "phone", "email", "address",
            "document_number", "patronymic")}
        return Client(sex=self.value("sex"), date_of_birth=self.value("date_of_birth", None),
                      age_estimate=self.value("age_estimate", None),
                      nationality=self.value("nationality"),
                      languages=self.value("languages", []), **text)

    def build_case(self) -> Case:
        lists = {name: self.value(name, []) for name in (
            "exploitation_types", "means_of_control", "countries_origin", "countries_transit",
            "countries_destination", "vulnerabilities")}
        codes = {name: self.value(name) for name in (
            "recruitment_channel", "recruitment_platform", "victim_status", "identified_by",
            "trafficker_relationship", "risk_level", "assigned_worker_id")}
        return Case(intake_date=self.value("intake_date", None) or date.today(),
                    status_decision_date=self.value("status_decision_date", None),
                    status_authority=self.value("status_authority").strip(),
                    interpreter_needed=self.value("interpreter_needed", None),
                    needs_summary=self.value("needs_summary").strip(),
                    status=self.value("status") or "open", **lists, **codes)

    def build_consents(self, intake_date: date) -> list[Consent]:
        purposes = self.value("consent_purposes", [])
        return [Consent(case_id="", purpose=purpose, given_on=intake_date,
                        method=self.value("consent_method") or "signed",
                        to_org_id=self.value("consent_org") if purpose == "referral" else "",
                        expires_on=self.value("consent_expires", None),
                        details=default_scope(purpose))
                for purpose in purposes]

    def record(self) -> IntakeRecord:
        case = self.build_case()
        return IntakeRecord(self.build_client(), case, self.build_consents(case.intake_date))

    def write(self, session: Session, record: IntakeRecord) -> Case:
        return clients.create_intake(session, record.client, record.case, record.consents)

    # --- steps show their problems ---------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        if not self._built:
            return
        touched_problems = {self.PROBLEM_FIELDS.get(p.field, p.field) for p in self._problems}
        for index, (_step, _page, _intro, names) in enumerate(self.pages):
            flagged = any(n in touched_problems and n in self._touched for n in names)
            item = self.steps_list.item(index)
            item.setForeground(QBrush(PROBLEM_COLOUR) if flagged else QBrush())

    def submit(self) -> None:
        if not self.editing and not self.duplicates_cleared and not self._saving:
            self.refresh()
            if self.is_valid():
                check_then_save(self)  # saves, or asks about clients who look the same
                return
        super().submit()
        if self._problems:
            first = self.PROBLEM_FIELDS.get(self._problems[0].field, self._problems[0].field)
            self.go_to(self.step_of(first))

    def content(self) -> dict[str, Any]:
        content = super().content()
        if hasattr(self, "stack"):
            content["_step"] = self.stack.currentIndex()
        return content

    def restore_content(self, content: dict[str, Any]) -> None:
        super().restore_content(content)
        self._update_dependent()
        self.go_to(int(content.get("_step", 0)))


class IntakeEditDialog(IntakeDialog):
    """Correct the intake of an existing case: the same steps, without the consents."""

    FORM = "intake_edit"
    editing = True

    def __init__(self, context: CaseContext, client: Client, case: Case,
                 parent: QWidget | None = None) -> None:
        self.client_record, self.case_record = client, case
        super().__init__(context, case.id, parent)

    def finish_building(self, *, offer_draft: bool = True) -> None:
        client, case = self.client_record, self.case_record
        for record in (client, case):
            for name, widget in self.fields.items():
                if hasattr(record, name):
                    widget.set_value(getattr(record, name))
        self._update_dependent()
        super().finish_building(offer_draft=True)

    def title(self) -> str:
        return _("Correct the intake")

    def record(self) -> IntakeRecord:
        client, case = self.build_client(), self.build_case()
        client.id = self.client_record.id
        case.id, case.client_id = self.case_record.id, self.client_record.id
        case.case_code = self.case_record.case_code
        return IntakeRecord(client, case)

    def write(self, session: Session, record: IntakeRecord) -> Case:
        clients.update_intake(session, record.client, record.case)
        return record.case
