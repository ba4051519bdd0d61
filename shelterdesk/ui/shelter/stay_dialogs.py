"""Admitting a client to a bed and discharging a stay (used by the board and the client file)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.shelters import DISCHARGE_REASONS, Stay
from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import _, format_date
from shelterdesk.store.records import shelters, stays
from shelterdesk.store.records.shelters import BedState
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.case_picker import CaseChoice, CasePicker
from shelterdesk.ui.common.dates import date_edit, from_qdate
from shelterdesk.ui.common.error_text import describe_error


def bed_place(bed: BedState) -> str:
    """"Ümid evi › Otaq 1 › Çarpayı 2": where a bed is, from the shelter down."""
    return " › ".join((bed.shelter_name, bed.room_name, bed.label))


def problems_text(problems: list[Problem], *fields: str) -> str:
    """The domain's messages for these fields, one per line."""
    return "\n".join(str(p) for p in problems if p.field in fields)


def _message_label(name: str = "errorMessage") -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class AdmitDialog(QDialog):
    """Pick a client (or get one), a free bed and the day; ``admitted`` carries the new Stay."""

    admitted = Signal(object)

    def __init__(self, session: Session, *, case: CaseChoice | None = None, bed_id: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Cancelled or locked away, it is destroyed with what was typed in it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.fixed_case = case
        self.wanted_bed_id = bed_id
        self.saving = False
        self.beds_loaded = False
        self.busy = BusyIndicator()
        self.picker = None if case is not None else CasePicker(session, busy=self.busy)
        self.case_label = QLabel(case.label if case is not None else "")
        self.bed_combo = QComboBox()
        self.bed_combo.setMinimumWidth(320)
        self.date_edit = date_edit()
        self.date_message_label = _message_label()
        self.message_label = _message_label()
        self.labels = {key: QLabel() for key in ("client", "bed", "date")}
        form = QFormLayout()
        form.addRow(self.labels["client"], self.picker if self.picker else self.case_label)
        form.addRow(self.labels["bed"], self.bed_combo)
        form.addRow(self.labels["date"], self.date_edit)
        form.addRow("", self.date_message_label)
        self.labels["bed"].setBuddy(self.bed_combo)
        self.labels["date"].setBuddy(self.date_edit)
        if self.picker is not None:
            self.labels["client"].setBuddy(self.picker.search_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.bed_combo.currentIndexChanged.connect(lambda _i: self.validate())
        self.date_edit.dateChanged.connect(lambda _d: self.validate())
        if self.picker is not None:
            self.picker.chosen.connect(lambda _c: self.validate())
        self.setMinimumWidth(700 if self.picker is not None else 460)
        self.retranslate_ui()
        self._load_beds()
        self.validate()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Admit a client"))
        self.labels["client"].setText(_("Client"))
        self.labels["bed"].setText(_("Bed"))
        self.labels["date"].setText(_("Admission date"))
        self.bed_combo.setAccessibleName(_("Bed"))
        self.date_edit.setAccessibleName(_("Admission date"))
        self.save_button.setText(_("Admit"))
        self.bed_combo.setPlaceholderText(_("No free bed") if self.beds_loaded else "")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def chosen_case(self) -> CaseChoice | None:
        return self.fixed_case if self.picker is None else self.picker.current()

    def _load_beds(self) -> None:
        session = self.session

        def loaded(beds: list[BedState]) -> None:
            self.bed_combo.blockSignals(True)
            self.bed_combo.clear()
            for bed in beds:
                text = bed_place(bed)
                if bed.state == "reserved":
                    text = _("{place} (reserved)").format(place=text)
                self.bed_combo.addItem(text, bed.bed_id)
            found = self.bed_combo.findData(self.wanted_bed_id)
            self.bed_combo.setCurrentIndex(found if found >= 0 else (0 if beds else -1))
            self.bed_combo.blockSignals(False)
            self.beds_loaded = True
            self.retranslate_ui()
            self.validate()

        run_in_background(
            lambda: [b for b in shelters.board(session) if b.state in ("free", "reserved")],
            loaded, self._on_failed, busy=self.busy, owner=self)

    def stay(self) -> Stay:
        choice = self.chosen_case()
        return Stay(choice.case_id if choice else "", self.bed_combo.currentData() or "",
                    from_qdate(self.date_edit.date()))

    def validate(self) -> bool:
        """Show the domain's message for the date; Save only when everything is there."""
        stay = self.stay()
        self.date_message_label.setText(problems_text(stay.validate(), "admitted_on"))
        self.date_message_label.setVisible(bool(self.date_message_label.text()))
        ready = (bool(stay.case_id) and bool(stay.bed_id) and not stay.validate()
                 and not self.saving)
        self.save_button.setEnabled(ready)
        return ready

    def save(self) -> None:
        if not self.validate():
            return
        session, stay = self.session, self.stay()
        self.saving = True
        self.save_button.setEnabled(False)
        self.message_label.clear()
        run_in_background(lambda: stays.admit(session, stay.case_id, stay.bed_id,
                                              stay.admitted_on),
                          self._on_saved, self._on_failed, busy=self.busy, owner=self)

    def _on_saved(self, stay: Stay) -> None:
        self.saving = False
        self.admitted.emit(stay)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        # Everything chosen stays as it was; the message says what to change.
        self.saving = False
        self.message_label.setText(describe_error(error))
        self.validate()


class DischargeDialog(QDialog):
    """The day a stay ended and why; ``discharged`` carries the closed Stay."""

    discharged = Signal(object)

    def __init__(self, session: Session, stay: Stay, *, who: str, where: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Cancelled or locked away, it is destroyed with what was typed in it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.open_stay = stay
        self.saving = False
        self.who_label = QLabel(who)
        self.who_label.setTextFormat(Qt.TextFormat.PlainText)  # user data, never markup
        self.where_label = QLabel(where)
        self.where_label.setWordWrap(True)
        self.admitted_label = QLabel()
        self.date_edit = date_edit()
        self.reason_combo = QComboBox()
        for code in DISCHARGE_REASONS.codes:
            self.reason_combo.addItem("", code)
        self.reason_combo.setCurrentIndex(-1)
        self.date_message_label = _message_label()
        self.message_label = _message_label()
        self.busy = BusyIndicator()
        self.labels = {key: QLabel() for key in ("who", "where", "admitted", "date", "reason")}
        form = QFormLayout()
        for key, widget in (("who", self.who_label), ("where", self.where_label),
                            ("admitted", self.admitted_label), ("date", self.date_edit)):
            form.addRow(self.labels[key], widget)
        form.addRow("", self.date_message_label)
        form.addRow(self.labels["reason"], self.reason_combo)
        self.labels["date"].setBuddy(self.date_edit)
        self.labels["reason"].setBuddy(self.reason_combo)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.date_edit.dateChanged.connect(lambda _d: self.validate())
        self.setMinimumWidth(480)
        self.retranslate_ui()
        self.validate()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Discharge a client"))
        texts = {"who": _("Client"), "where": _("Bed"), "admitted": _("Admitted on"),
                 "date": _("Discharge date"), "reason": _("Reason")}
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.date_edit.setAccessibleName(texts["date"])
        self.reason_combo.setAccessibleName(texts["reason"])
        self.reason_combo.setPlaceholderText(_("Not recorded"))
        for index, code in enumerate(DISCHARGE_REASONS.codes):
            self.reason_combo.setItemText(index, DISCHARGE_REASONS.label(code))
        self.admitted_label.setText(format_date(self.open_stay.admitted_on))
        self.save_button.setText(_("Discharge"))
        self.validate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def stay(self) -> Stay:
        return replace(self.open_stay, discharged_on=from_qdate(self.date_edit.date()),
                       discharge_reason=self.reason_combo.currentData() or "")

    def validate(self, today: date | None = None) -> bool:
        problems = self.stay().validate(today)
        self.date_message_label.setText(problems_text(problems, "discharged_on"))
        self.date_message_label.setVisible(bool(self.date_message_label.text()))
        ready = not problems and not self.saving
        self.save_button.setEnabled(ready)
        return ready

    def save(self) -> None:
        if not self.validate():
            return
        session, stay = self.session, self.stay()
        self.saving = True
        self.save_button.setEnabled(False)
        self.message_label.clear()
        run_in_background(lambda: stays.discharge(session, stay.id, stay.discharged_on,
                                                  stay.discharge_reason),
                          self._on_saved, self._on_failed, busy=self.busy, owner=self)

    def _on_saved(self, stay: Stay) -> None:
        self.saving = False
        self.discharged.emit(stay)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.saving = False
        self.message_label.setText(describe_error(error))
        self.validate()
