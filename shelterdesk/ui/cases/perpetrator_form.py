"""A perpetrator as the client describes them: roles, relationship, accounts, phones, evidence."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_case import PLATFORMS, SEX, TRAFFICKER_RELATIONSHIP
from shelterdesk.domain.codes_services import EVIDENCE_KINDS, PERPETRATOR_ROLES
from shelterdesk.domain.evidence import EvidenceItem, Perpetrator
from shelterdesk.i18n import N_, _, format_datetime
from shelterdesk.store.records import evidence, perpetrators
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import CodeChecklist, CodePicker, LongTextField, TextField
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.cases.territory_fields import CountryPicker
from shelterdesk.ui.common.background import run_in_background
from shelterdesk.ui.common.screen_fit import comfortable_width


class AccountsField(QWidget):
    """Online accounts the perpetrator used: a platform and a handle per row."""

    changed = Signal()

    def __init__(self, rows: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.rows: list[tuple[QComboBox, QLineEdit]] = []
        self._label = ""
        self.row_labels: dict[int, QLabel] = {}
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        for _row in range(rows):
            self.add_row()
        self.retranslate()

    def add_row(self) -> None:
        platform = QComboBox()
        for code in PLATFORMS.codes:
            platform.addItem(PLATFORMS.label(code), code)
        handle = QLineEdit()
        handle.setPlaceholderText(_("name, link or number on that platform"))
        platform.currentIndexChanged.connect(self.changed)
        handle.textChanged.connect(self.changed)
        row = len(self.rows)
        self.grid.addWidget(platform, row, 0)
        self.grid.addWidget(handle, row, 1)
        self.rows.append((platform, handle))
        if len(self.rows) == 1:
            self.setFocusProxy(platform)  # the form's label names the first account's platform
        else:
            # On Linux a combo box is named for a screen reader only by a label whose buddy it
            # is (Qt passes its current text as the name): one unseen label per further row.
            label = QLabel()
            label.setBuddy(platform)
            label.hide()
            self.grid.addWidget(label, row, 2)
            self.row_labels[row] = label
        self._name_row(row)

    def set_accessible_label(self, label: str) -> None:
        """Each row's platform and handle, numbered, under the form's label."""
        self._label = label
        for row in range(len(self.rows)):
            self._name_row(row)

    def _name_row(self, row: int) -> None:
        platform, handle = self.rows[row]
        platform.setAccessibleName(_("{field}: platform {number}").format(
            field=self._label, number=row + 1))
        if row in self.row_labels:
            self.row_labels[row].setText(platform.accessibleName())
        handle.setAccessibleName(_("{field}: name or link {number}").format(
            field=self._label, number=row + 1))

    def retranslate(self) -> None:
        self.add_button.setText(_("Another account"))
        self.set_accessible_label(self._label)
        for platform, handle in self.rows:
            for index in range(platform.count()):
                platform.setItemText(index, PLATFORMS.label(platform.itemData(index)))
            handle.setPlaceholderText(_("name, link or number on that platform"))

    def value(self) -> list[dict[str, str]]:
        return [{"platform": p.currentData(), "handle": h.text().strip()}
                for p, h in self.rows if h.text().strip()]

    def set_value(self, value: Any) -> None:
        accounts = list(value or [])
        while len(self.rows) < len(accounts):
            self.add_row()
        for index, (platform, handle) in enumerate(self.rows):
            account = accounts[index] if index < len(accounts) else {}
            platform.setCurrentIndex(max(0, platform.findData(account.get("platform", ""))))
            handle.setText(account.get("handle", ""))

    draft_value = value
    restore = set_value


class EvidenceLinks(QListWidget):
    """The case's evidence items, ticked when they show this perpetrator."""

    changed = Signal()

    def __init__(self, session: Session, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending: list[str] = []
        self.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.itemChanged.connect(lambda _item: self.changed.emit())
        run_in_background(lambda: evidence.list_evidence(session, case_id), self._on_loaded,
                          lambda _error: None, owner=self)

    def _on_loaded(self, items: list[EvidenceItem]) -> None:
        self.blockSignals(True)
        for item in items:
            if item.sealed:  # a case worker links what she cannot read: kind, platform, day
                parts = (EVIDENCE_KINDS.label(item.kind), PLATFORMS.label(item.platform)
                         if item.platform else "", format_datetime(
                             item.captured_at.astimezone(), fmt="short")
                         if item.captured_at else "")
            else:
                parts = (EVIDENCE_KINDS.label(item.kind), item.file_name or item.source_link,
                         item.description)
            text = " · ".join(p for p in parts if p)
            row = QListWidgetItem(text)
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked if item.id in self._pending
                              else Qt.CheckState.Unchecked)
            self.addItem(row)
        self.blockSignals(False)

    def value(self) -> list[str]:
        if not self.count():
            return list(self._pending)
        return [self.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.count())
                if self.item(r).checkState() == Qt.CheckState.Checked]

    def set_value(self, value: Any) -> None:
        self._pending = list(value or [])
        for row in range(self.count()):
            item = self.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in self._pending else Qt.CheckState.Unchecked)

    draft_value = value
    restore = set_value


class PerpetratorForm(RecordForm):
    FORM = "perpetrator"
    PROBLEM_FIELDS = {"phone": "phones", "platform": "accounts"}

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, case_id, parent)
        form = QFormLayout()
        self.roles_list = self.add_field(form, "roles", CodeChecklist(PERPETRATOR_ROLES),
                                         N_("Role in the trafficking"))
        self.relationship_picker = self.add_field(
            form, "relationship", CodePicker(TRAFFICKER_RELATIONSHIP, optional=True),
            N_("Relationship to the client"))
        self.sex_picker = self.add_field(form, "sex", CodePicker(SEX))
        self.sex_picker.set_value("unknown")
        self.nationality_picker = self.add_field(form, "nationality", CountryPicker())
        self.description_edit = self.add_field(form, "description", LongTextField(3))
        self.accounts_field = self.add_field(form, "accounts", AccountsField(),
                                             N_("Online accounts"))
        self.phones_edit = self.add_field(form, "phones", TextField(), N_("Phone numbers"))
        self.evidence_list = self.add_field(form, "evidence_ids",
                                            EvidenceLinks(context.session, case_id),
                                            N_("Shown in the evidence"))
        self.body.addLayout(form)
        comfortable_width(self, 640)
        self.finish_building()

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Describe a perpetrator"))
        self.description_edit.setPlaceholderText(_("Appearance, names used, where they were met"))
        self.phones_edit.setPlaceholderText(_("Several numbers separated by commas"))

    def record(self) -> Perpetrator:
        phones = [p.strip() for p in re.split(r"[,;]", self.phones_edit.value()) if p.strip()]
        return Perpetrator(case_id=self.subject_id, roles=self.roles_list.value(),
                           relationship=self.relationship_picker.value(),
                           sex=self.sex_picker.value(),
                           nationality=self.nationality_picker.value(),
                           description=self.description_edit.value().strip(),
                           accounts=self.accounts_field.value(), phones=phones,
                           evidence_ids=self.evidence_list.value())

    def write(self, session: Session, record: Perpetrator) -> Perpetrator:
        return perpetrators.add_perpetrator(session, record)
