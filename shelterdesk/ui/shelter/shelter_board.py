"""The Shelter section: every bed by shelter and room, who is in it, admit, discharge, reserve."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.shelters import Shelter, Stay
from shelterdesk.i18n import _, format_number, ngettext
from shelterdesk.store import access
from shelterdesk.store.records import case_labels, shelters, stays
from shelterdesk.store.records.shelters import BedState
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.flow_layout import FlowLayout
from shelterdesk.ui.common.resources import icon
from shelterdesk.ui.shelter.bed_panel import BedPanel
from shelterdesk.ui.shelter.bed_tiles import (
    MAX_TILE_WIDTH,
    STATE_ICONS,
    BedTile,
    RoomCard,
    beds_per_line,
    state_label,
)
from shelterdesk.ui.shelter.stay_dialogs import AdmitDialog, DischargeDialog, bed_place

PANEL_WIDTH = 280


@dataclass
class BoardData:
    """What one load brings back from the vault (built off the GUI thread)."""

    shelters: list[Shelter]
    beds: list[BedState]
    occupants: dict[str, str] = field(default_factory=dict)  # case id → code and initials
    bed_nights: int = 0
    today: date = field(default_factory=date.today)


def load_board(session: Session, shelter_id: str) -> BoardData:
    today = date.today()
    beds = shelters.board(session, shelter_id or None)
    case_ids = [b.case_id for b in beds if b.case_id]
    occupants: dict[str, str] = {}
    if case_ids and access.can(session, Kind.CLIENT, Action.VIEW):
        occupants = {k: v.text for k, v in case_labels.case_labels(session, case_ids).items()}
    nights = stays.bed_nights(session, today.replace(day=1), today, shelter_id)
    return BoardData(shelters.list_shelters(session), beds, occupants, nights, today)


def load_history(session: Session, bed_id: str) -> list[tuple[Stay, str]]:
    history = stays.bed_history(session, bed_id)
    labels = case_labels.case_labels(session, [s.case_id for s in history]) \
        if history and access.can(session, Kind.CLIENT, Action.VIEW) else {}
    return [(s, labels[s.case_id].text if s.case_id in labels else "") for s in history]


class ShelterBoardPage(QWidget):
    """Loads when shown; ``loaded`` after each load, ``status`` for the window's status bar."""

    status = Signal(str)
    loaded = Signal()

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.loading = False
        self.data: BoardData | None = None
        self.tiles: dict[str, BedTile] = {}
        self.selected_bed_id = ""
        self._reload_again = False
        self._per_line = 0
        self.can_change = (access.can(session, Kind.STAY, Action.CREATE)
                           and access.can(session, Kind.STAY, Action.EDIT))
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.shelter_label = QLabel()
        self.shelter_combo = QComboBox()
        self.shelter_combo.setMinimumWidth(220)
        # A long shelter name must not widen the window past a small laptop's screen.
        self.shelter_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.shelter_combo.setMinimumContentsLength(24)
        self.shelter_label.setBuddy(self.shelter_combo)
        self.count_labels: dict[str, QLabel] = {}
        legend = QHBoxLayout()
        legend.setSpacing(14)
        for state in ("free", "occupied", "reserved"):
            icon_label = QLabel()
            icon_label.setPixmap(icon(STATE_ICONS[state]).pixmap(20, 20))
            self.count_labels[state] = QLabel()
            self.count_labels[state].setObjectName(f"{state}Count")
            legend.addWidget(icon_label)
            legend.addWidget(self.count_labels[state])
        self.occupancy_label = QLabel()
        self.occupancy_label.setWordWrap(True)
        self.nights_label = QLabel()
        self.nights_label.setWordWrap(True)
        self.nights_label.setObjectName("hintLabel")
        self.board_widget = QWidget()
        self.board_layout = QVBoxLayout(self.board_widget)
        self.board_layout.setContentsMargins(0, 0, 6, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(self.board_widget)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("hintLabel")
        self.empty_label.setWordWrap(True)
        self.panel = BedPanel(can_change=self.can_change)
        self.panel.setFixedWidth(PANEL_WIDTH)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.tile_group = QButtonGroup(self)
        self.tile_group.setExclusive(True)
        # The controls and the counts wrap onto a second line on a small screen (1366×768,
        # 1280×720 at 125 %) instead of widening the window past it.
        legend_box = QWidget()
        legend.setContentsMargins(0, 0, 0, 0)
        legend_box.setLayout(legend)
        top = FlowLayout(spacing=12)
        for widget in (self.shelter_label, self.shelter_combo, legend_box):
            top.addWidget(widget)
        summary = QHBoxLayout()
        summary.addWidget(self.occupancy_label, 1)
        summary.addSpacing(18)
        summary.addWidget(self.nights_label, 1)
        board_column = QVBoxLayout()
        board_column.addWidget(self.empty_label)
        board_column.addWidget(self.scroll, 1)
        body = QHBoxLayout()
        body.addLayout(board_column, 1)
        body.addWidget(self.panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.addWidget(self.title_label)
        layout.addLayout(top)
        layout.addLayout(summary)
        layout.addLayout(body, 1)
        layout.addWidget(self.message_label)
        self.shelter_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.tile_group.idClicked.connect(self._on_tile_clicked)
        self.panel.admit_requested.connect(self.open_admit_dialog)
        self.panel.discharge_requested.connect(self.open_discharge_dialog)
        self.panel.reserve_requested.connect(self.set_reserved)
        self.retranslate_ui()

    # --- text -------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.title_label.setText(_("Shelter"))
        self.shelter_label.setText(_("Shelter"))
        self.shelter_combo.setAccessibleName(_("Shelter"))
        if self.shelter_combo.count():
            self.shelter_combo.setItemText(0, _("All shelters"))
        self.empty_label.setText(_(
            "No beds yet. A coordinator adds shelters, rooms and beds in Administration → "
            "Shelters."))
        self.scroll.setAccessibleName(_("Beds by shelter and room"))
        self._show_counts()
        for tile in self.tiles.values():
            tile.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()  # others may have admitted or discharged since it was last shown

    def drop_data(self) -> None:
        self.data = None
        self._clear_board()
        self.panel.show_bed(None)
        self.shelter_combo.blockSignals(True)  # a change of shelter would load again
        self.shelter_combo.clear()
        self.shelter_combo.blockSignals(False)

    # --- loading ----------------------------------------------------------------------------
    def current_shelter_id(self) -> str:
        return self.shelter_combo.currentData() or ""

    def reload(self) -> None:
        if self.loading:
            self._reload_again = True
            return
        self.loading = True
        session, shelter_id = self.session, self.current_shelter_id()
        run_in_background(lambda: load_board(session, shelter_id), self._on_loaded,
                          self._on_failed, busy=self.busy, owner=self)

    def _on_loaded(self, data: BoardData) -> None:
        self.loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        self.data = data
        self.message_label.clear()
        self._fill_shelters(data.shelters)
        self._build_board(data)
        self._show_counts()
        self.select_bed(self.selected_bed_id)
        self.loaded.emit()

    def _on_failed(self, error: BaseException) -> None:
        self.loading = False
        self._reload_again = False
        self._report(error)

    def _report(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    def _fill_shelters(self, found: list[Shelter]) -> None:
        current = self.current_shelter_id()
        self.shelter_combo.blockSignals(True)
        self.shelter_combo.clear()
        self.shelter_combo.addItem(_("All shelters"), "")
        for shelter in found:
            self.shelter_combo.addItem(shelter.name, shelter.id)
        self.shelter_combo.setCurrentIndex(max(0, self.shelter_combo.findData(current)))
        self.shelter_combo.setVisible(len(found) > 1)
        self.shelter_label.setVisible(len(found) > 1)
        self.shelter_combo.blockSignals(False)

    def _clear_board(self) -> None:
        for tile in self.tiles.values():
            self.tile_group.removeButton(tile)
        self.tiles = {}
        while self.board_layout.count():
            item = self.board_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _build_board(self, data: BoardData) -> None:
        scrolled = self.scroll.verticalScrollBar().value()
        self._clear_board()
        self.empty_label.setVisible(not data.beds)
        self.scroll.setVisible(bool(data.beds))
        tiles = {bed.bed_id: self._make_tile(bed, data) for bed in data.beds}
        # One width for every tile, so the rooms line up like the real beds do.
        width = min(MAX_TILE_WIDTH, max((t.needed_width() for t in tiles.values()), default=0))
        for tile in tiles.values():
            tile.setFixedSize(max(width, tile.sizeHint().width()), tile.sizeHint().height())
        tile_width = max((t.width() for t in tiles.values()), default=0)
        self._per_line = beds_per_line(self._board_width(), tile_width) if tiles else 0
        shelter_ids = list(dict.fromkeys(b.shelter_id for b in data.beds))
        for number, shelter_id in enumerate(shelter_ids):
            beds = [b for b in data.beds if b.shelter_id == shelter_id]
            heading = QLabel(beds[0].shelter_name)
            heading.setObjectName("shelterTitle")
            rooms = QWidget()
            flow = FlowLayout(rooms, spacing=12)
            for room_id in dict.fromkeys(b.room_id for b in beds):
                room_beds = [b for b in beds if b.room_id == room_id]
                flow.addWidget(RoomCard(room_beds[0].room_name,
                                        [tiles[b.bed_id] for b in room_beds], self._per_line))
            if number:
                self.board_layout.addSpacing(10)
            self.board_layout.addWidget(heading)
            self.board_layout.addWidget(rooms)
        self.board_layout.addStretch(1)
        bar = self.scroll.verticalScrollBar()
        QTimer.singleShot(0, bar, lambda: _scroll_back(bar, scrolled))  # once laid out again

    def _board_width(self) -> int:
        """The room for cards, counting the scroll bar as there (it comes with a full board)."""
        margins = self.board_layout.contentsMargins()
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        return self.scroll.width() - bar - margins.left() - margins.right() - 2

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Fewer beds to a line when the window narrows (or more when it widens).
        if self.data is not None and self.tiles:
            tile_width = next(iter(self.tiles.values())).width()
            if beds_per_line(self._board_width(), tile_width) != self._per_line:
                self._build_board(self.data)
                self.select_bed(self.selected_bed_id, with_history=False)

    def _make_tile(self, bed: BedState, data: BoardData) -> BedTile:
        tile = BedTile(bed, data.occupants.get(bed.case_id, bed.case_code))
        self.tile_group.addButton(tile, len(self.tiles))
        self.tiles[bed.bed_id] = tile
        return tile

    def _show_counts(self) -> None:
        beds = self.data.beds if self.data else []
        counts = {state: sum(1 for b in beds if b.state == state)
                  for state in ("free", "occupied", "reserved")}
        for state, label in self.count_labels.items():
            label.setText(_("{state}: {count}").format(state=state_label(state),
                                                        count=format_number(counts[state])))
        total = len(beds)
        self.occupancy_label.setText(ngettext(
            "{occupied} of {total} bed occupied", "{occupied} of {total} beds occupied",
            total).format(occupied=format_number(counts["occupied"]),
                          total=format_number(total)) if beds else "")
        nights = self.data.bed_nights if self.data else 0
        self.nights_label.setText(_("Bed-nights this month: {count}").format(
            count=format_number(nights)) if self.data else "")
        self.nights_label.setToolTip(_(
            "Nights spent in the beds shown, from the first of the month to last night."))

    # --- choosing a bed ---------------------------------------------------------------------
    def bed(self, bed_id: str) -> BedState | None:
        tile = self.tiles.get(bed_id)
        return tile.bed if tile is not None else None

    def _on_tile_clicked(self, button_id: int) -> None:
        tile = self.tile_group.button(button_id)
        if isinstance(tile, BedTile):
            self.select_bed(tile.bed.bed_id)

    def select_bed(self, bed_id: str, *, with_history: bool = True) -> None:
        tile = self.tiles.get(bed_id)
        if tile is None:
            self.selected_bed_id = ""
            self.panel.show_bed(None)
            return
        self.selected_bed_id = bed_id
        tile.setChecked(True)
        self.panel.show_bed(tile.bed, tile.occupant, self.data.today if self.data else None)
        if with_history:
            session = self.session
            run_in_background(lambda: load_history(session, bed_id),
                              lambda rows: self._on_history(bed_id, rows), self._report,
                              busy=self.busy, owner=self)

    def _on_history(self, bed_id: str, rows: list[tuple[Stay, str]]) -> None:
        if bed_id == self.selected_bed_id:
            self.panel.set_history(rows)

    # --- actions ----------------------------------------------------------------------------
    def open_admit_dialog(self) -> AdmitDialog | None:
        bed = self.bed(self.selected_bed_id)
        if bed is None or bed.state == "occupied":
            return None
        dialog = AdmitDialog(self.session, bed_id=bed.bed_id, parent=self)
        dialog.admitted.connect(lambda stay: self._after_change(_("Admitted."), stay.bed_id))
        dialog.open()
        return dialog

    def open_discharge_dialog(self) -> DischargeDialog | None:
        bed = self.bed(self.selected_bed_id)
        if bed is None or not bed.stay_id:
            return None
        stay = Stay(bed.case_id, bed.bed_id, date.fromisoformat(bed.admitted_on), id=bed.stay_id)
        dialog = DischargeDialog(self.session, stay, who=self.tiles[bed.bed_id].occupant,
                                 where=bed_place(bed), parent=self)
        dialog.discharged.connect(lambda done: self._after_change(_("Discharged."),
                                                                  done.bed_id))
        dialog.open()
        return dialog

    def set_reserved(self, reserved: bool) -> None:
        bed = self.bed(self.selected_bed_id)
        if bed is None:
            return
        session, bed_id = self.session, bed.bed_id
        done = _("The bed is reserved.") if reserved else _("The reservation is cancelled.")
        run_in_background(lambda: shelters.set_reserved(session, bed_id, reserved),
                          lambda _r: self._after_change(done, bed_id), self._report,
                          busy=self.busy, owner=self)

    def _after_change(self, news: str, bed_id: str) -> None:
        self.selected_bed_id = bed_id
        self.status.emit(news)
        self.reload()


def _scroll_back(bar, value: int) -> None:
    """Put the board back where it was scrolled, unless the page is gone meanwhile."""
    if shiboken6.isValid(bar):
        bar.setValue(value)
