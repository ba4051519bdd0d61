"""The side panel of the shelter board: one bed's state, its actions, and who stayed in it."""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.shelters import DISCHARGE_REASONS, Stay
from shelterdesk.i18n import N_, _, format_date, format_number, ngettext
from shelterdesk.store.records.shelters import BedState
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.common.list_table_model import full_text_tooltip
from shelterdesk.ui.common.resources import icon
from shelterdesk.ui.shelter.bed_tiles import STATE_ICONS, state_label

AnyIndex = QModelIndex | QPersistentModelIndex


def nights(stay: Stay, today: date) -> int:
    return stay.nights_between(stay.admitted_on, stay.discharged_on or today)


class BedHistoryModel(QAbstractTableModel):
    """Every stay in one bed, newest first: who (case code, initials) and when, on two lines."""

    class Columns(IntEnum):
        CASE = 0
        STAY = 1

    HEADERS = {Columns.CASE: N_("Client"), Columns.STAY: N_("Stay")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Stay, str]] = []
        self.today = date.today()

    def set_rows(self, rows: list[tuple[Stay, str]], today: date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.today = today or date.today()
        self.endResetModel()

    def stay_at(self, row: int) -> Stay | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Columns)

    @full_text_tooltip
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        stay, who = self._rows[index.row()]
        if self.Columns(index.column()) == self.Columns.CASE:
            return "\n".join(part for part in who.split(" · ") if part)
        period = _("{start} – {end}").format(
            start=format_date(stay.admitted_on),
            end=format_date(stay.discharged_on) if stay.discharged_on else _("still here"))
        count = nights(stay, self.today)
        details = ngettext("{count} night", "{count} nights", count).format(
            count=format_number(count))
        if stay.discharge_reason:
            details = _("{nights} · {reason}").format(
                nights=details, reason=DISCHARGE_REASONS.label(stay.discharge_reason))
        return f"{period}\n{details}"

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.Columns)):
            return _(self.HEADERS[self.Columns(section)])
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.Columns) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self.Columns) - 1))


class BedPanel(QFrame):
    """Shows the bed chosen on the board; asks the page to admit, discharge or reserve."""

    admit_requested = Signal()
    discharge_requested = Signal()
    reserve_requested = Signal(bool)

    def __init__(self, *, can_change: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bedPanel")
        self.can_change = can_change
        self.bed: BedState | None = None
        self.occupant = ""
        self.today = date.today()
        self.title_label = QLabel()
        self.title_label.setObjectName("panelTitle")
        self.title_label.setWordWrap(True)
        self.place_label = QLabel()
        self.place_label.setObjectName("hintLabel")
        self.place_label.setWordWrap(True)
        self.state_icon_label = QLabel()
        self.state_label = QLabel()
        self.occupant_label = QLabel()
        self.occupant_label.setTextFormat(Qt.TextFormat.PlainText)  # a name is never markup
        self.occupant_label.setObjectName("occupant")
        self.occupant_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.admitted_label = QLabel()
        self.admitted_label.setWordWrap(True)
        self.admit_button = QPushButton()
        self.discharge_button = QPushButton()
        self.reserve_button = QPushButton()
        self.history_title_label = QLabel()
        self.history_title_label.setObjectName("sectionTitle")
        self.history_model = BedHistoryModel(self)
        self.history_table = QTableView()
        self.history_table.setModel(self.history_model)
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history_table.verticalHeader().hide()
        keyboard_table(self.history_table)
        self.history_table.setWordWrap(True)
        self.history_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.history_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.history_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.history_empty_label = QLabel()
        self.history_empty_label.setObjectName("hintLabel")
        self.history_empty_label.setWordWrap(True)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("hintLabel")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        state_row = QHBoxLayout()
        state_row.addWidget(self.state_icon_label)
        state_row.addWidget(self.state_label, 1)
        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title_label, self.place_label):
            details.addWidget(widget)
        details.addLayout(state_row)
        for widget in (self.occupant_label, self.admitted_label, self.admit_button,
                       self.discharge_button, self.reserve_button):
            details.addWidget(widget)
        details.addSpacing(10)
        details.addWidget(self.history_title_label)
        details.addWidget(self.history_table, 1)
        details.addWidget(self.history_empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.details, 1)
        self.admit_button.clicked.connect(self.admit_requested)
        self.discharge_button.clicked.connect(self.discharge_requested)
        self.reserve_button.clicked.connect(
            lambda: self.reserve_requested.emit(self.bed is not None and not self.bed.reserved))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.empty_label.setText(_("Choose a bed on the left to see who stays in it, admit a "
                                   "client or reserve it, and the bed's history."))
        self.admit_button.setText(_("Admit a client…"))
        self.discharge_button.setText(_("Discharge…"))
        self.history_title_label.setText(_("Stays in this bed"))
        self.history_table.setAccessibleName(_("Stays in this bed"))
        self.history_empty_label.setText(_("Nobody has stayed in this bed yet."))
        self.history_model.retranslate()
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def show_bed(self, bed: BedState | None, occupant: str = "",
                 today: date | None = None) -> None:
        changed = bed is None or self.bed is None or bed.bed_id != self.bed.bed_id
        self.bed, self.occupant, self.today = bed, occupant, today or date.today()
        if changed:
            self.history_model.set_rows([])
            self.history_empty_label.hide()
        self._refresh()

    def set_history(self, rows: list[tuple[Stay, str]]) -> None:
        self.history_model.set_rows(rows, self.today)
        self.history_table.setVisible(bool(rows))
        self.history_empty_label.setVisible(not rows)

    def _refresh(self) -> None:
        bed = self.bed
        self.empty_label.setVisible(bed is None)
        self.details.setVisible(bed is not None)
        if bed is None:
            return
        self.title_label.setText(bed.label)
        self.place_label.setText(_("{room}, {shelter}").format(room=bed.room_name,
                                                                shelter=bed.shelter_name))
        self.state_icon_label.setPixmap(icon(STATE_ICONS[bed.state]).pixmap(22, 22))
        self.state_label.setText(state_label(bed.state))
        occupied = bed.state == "occupied"
        self.occupant_label.setText(self.occupant if occupied else "")
        self.occupant_label.setVisible(occupied and bool(self.occupant))
        if occupied and bed.admitted_on:
            admitted = date.fromisoformat(bed.admitted_on)
            count = max(0, (self.today - admitted).days)
            self.admitted_label.setText(ngettext(
                "Admitted on {date} · {count} night so far",
                "Admitted on {date} · {count} nights so far", count).format(
                date=format_date(admitted), count=format_number(count)))
        else:
            self.admitted_label.setText("")
        self.admitted_label.setVisible(bool(self.admitted_label.text()))
        self.admit_button.setVisible(not occupied and self.can_change)
        self.discharge_button.setVisible(occupied and self.can_change and bool(bed.stay_id))
        self.reserve_button.setVisible(not occupied and self.can_change)
        self.reserve_button.setText(_("Cancel the reservation") if bed.reserved
                                    else _("Reserve this bed"))
