"""Administration → Shelters: each shelter's rooms and beds (configuration, no personal data)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.i18n import N_, _
from shelterdesk.store.records import shelter_changes, shelters
from shelterdesk.store.records.shelters import BedState
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.history_dialog import RecordHistoryDialog
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.common.record_dialog import RecordDialog

BED_STATES = {"free": N_("free"), "reserved": N_("reserved"), "occupied": N_("occupied")}
ROOM_ROLE = Qt.ItemDataRole.UserRole
BED_ROLE = Qt.ItemDataRole.UserRole + 1  # a bed row's bed id (room rows hold none)


class SheltersPage(QWidget):
    """Pick a shelter; see its rooms with their beds; add shelters, rooms and beds."""

    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self._rooms: list[Room] = []
        self._beds: list[BedState] = []
        self._shelters: list[Shelter] = []
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.intro_label.setObjectName("pageIntro")
        self.shelter_label = QLabel()
        self.shelter_combo = QComboBox()
        self.shelter_combo.setMinimumWidth(260)
        self.shelter_label.setBuddy(self.shelter_combo)
        self.add_shelter_button = QPushButton()
        self.change_shelter_button = QPushButton()
        self.rename_button = QPushButton()
        self.retire_button = QPushButton()
        self.history_button = QPushButton()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(True)
        keyboard_table(self.tree)
        self.add_room_button = QPushButton()
        self.add_bed_button = QPushButton()
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setObjectName("hintLabel")
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.shelter_label)
        top.addWidget(self.shelter_combo)
        top.addWidget(self.add_shelter_button)
        top.addWidget(self.change_shelter_button)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_room_button)
        buttons.addWidget(self.add_bed_button)
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.retire_button)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.message_label)
        self.shelter_combo.currentIndexChanged.connect(lambda _i: self.reload_rooms())
        self.add_shelter_button.clicked.connect(self.open_add_shelter)
        self.add_room_button.clicked.connect(self.open_add_room)
        self.add_bed_button.clicked.connect(self.open_add_bed)
        self._connect_changes()
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.retranslate_ui()
        self.reload()

    def retranslate_ui(self) -> None:
        self.intro_label.setText(_(
            "Shelters, their rooms and beds. Addresses stay inside the vault and are never "
            "printed on referral sheets."))
        self.shelter_label.setText(_("Shelter"))
        self.shelter_combo.setAccessibleName(_("Shelter"))
        self.add_shelter_button.setText(_("Add a shelter…"))
        self.add_room_button.setText(_("Add a room…"))
        self.add_bed_button.setText(_("Add a bed…"))
        self.change_shelter_button.setText(_("Change the shelter…"))
        self.rename_button.setText(_("Rename…"))
        self.retire_button.setText(_("Retire the bed…"))
        self.history_button.setText(_("Earlier versions…"))
        self.tree.setHeaderLabels([_("Room and bed"), _("State")])
        self.tree.setAccessibleName(_("Rooms and beds"))
        self._fill_tree()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def drop_data(self) -> None:
        self._rooms, self._beds = [], []
        self.tree.clear()

    # --- loading ----------------------------------------------------------------------------
    def current_shelter_id(self) -> str:
        return self.shelter_combo.currentData() or ""

    def reload(self, select_id: str = "") -> None:
        session = self.session

        def loaded(found: list[Shelter]) -> None:
            wanted = select_id or self.current_shelter_id()
            self._shelters = found
            self.shelter_combo.blockSignals(True)
            self.shelter_combo.clear()
            for shelter in found:
                self.shelter_combo.addItem(shelter.name, shelter.id)
            index = self.shelter_combo.findData(wanted)
            self.shelter_combo.setCurrentIndex(index if index >= 0 else 0)
            self.shelter_combo.blockSignals(False)
            self.reload_rooms()

        run_in_background(lambda: shelters.list_shelters(session), loaded, self._on_failed,
                          busy=self.busy, owner=self)

    def reload_rooms(self) -> None:
        session, shelter_id = self.session, self.current_shelter_id()
        if not shelter_id:
            self.drop_data()
            self._fill_tree()
            return

        def load() -> tuple[list[Room], list[BedState]]:
            return shelters.list_rooms(session, shelter_id), shelters.board(session, shelter_id)

        def loaded(result: tuple[list[Room], list[BedState]]) -> None:
            self._rooms, self._beds = result
            self._fill_tree()

        run_in_background(load, loaded, self._on_failed, busy=self.busy, owner=self)

    def _fill_tree(self) -> None:
        self.tree.clear()
        has_shelter = bool(self.current_shelter_id())
        self.empty_label.setText(
            "" if has_shelter else _("No shelter yet. Add the first one."))
        self.empty_label.setVisible(not has_shelter)
        for room in self._rooms:
            room_item = QTreeWidgetItem([room.name, ""])
            room_item.setData(0, ROOM_ROLE, room.id)
            self.tree.addTopLevelItem(room_item)
            for bed in (b for b in self._beds if b.room_id == room.id):
                bed_item = QTreeWidgetItem([bed.label, _(BED_STATES[bed.state])])
                bed_item.setData(0, ROOM_ROLE, room.id)
                bed_item.setData(0, BED_ROLE, bed.bed_id)
                bed_item.setData(1, BED_ROLE, bed.state)
                room_item.addChild(bed_item)
            room_item.setExpanded(True)
        self.tree.resizeColumnToContents(0)
        self._update_buttons()

    def selected_room_id(self) -> str:
        items = self.tree.selectedItems()
        return items[0].data(0, ROOM_ROLE) if items else ""

    def _update_buttons(self) -> None:
        self.add_room_button.setEnabled(bool(self.current_shelter_id()))
        self.add_bed_button.setEnabled(bool(self.selected_room_id()))
        self.change_shelter_button.setEnabled(bool(self.current_shelter_id()))
        self.rename_button.setEnabled(bool(self.tree.selectedItems()))
        self.history_button.setEnabled(bool(self.tree.selectedItems()))
        item = self.tree.selectedItems()[0] if self.tree.selectedItems() else None
        self.retire_button.setEnabled(item is not None and bool(item.data(0, BED_ROLE))
                                      and item.data(1, BED_ROLE) != "occupied")

    def _on_failed(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    # --- adding -----------------------------------------------------------------------------
    def open_add_shelter(self) -> RecordDialog:
        session = self.session

        def save(values: dict[str, str]) -> Shelter:
            return shelters.add_shelter(session, Shelter(
                values["name"], address=values["address"], phone=values["phone"]))

        dialog = RecordDialog(_("Add a shelter"), [
            ("name", _("Name")), ("address", _("Address")), ("phone", _("Phone"))], save, self)
        dialog.saved.connect(lambda shelter: (self.status.emit(_("Saved.")),
                                              self.reload(shelter.id)))
        dialog.open()
        return dialog

    def open_add_room(self) -> RecordDialog | None:
        session, shelter_id = self.session, self.current_shelter_id()
        if not shelter_id:
            return None
        dialog = RecordDialog(_("Add a room"), [("name", _("Room"))], lambda values: (
            shelters.add_room(session, Room(shelter_id, values["name"]))), self)
        dialog.saved.connect(lambda _room: (self.status.emit(_("Saved.")), self.reload_rooms()))
        dialog.open()
        return dialog

    def open_add_bed(self) -> RecordDialog | None:
        session, room_id = self.session, self.selected_room_id()
        if not room_id:
            return None
        dialog = RecordDialog(_("Add a bed"), [("label", _("Bed"))], lambda values: (
            shelters.add_bed(session, Bed(room_id, values["label"]))), self)
        dialog.saved.connect(lambda _bed: (self.status.emit(_("Saved.")), self.reload_rooms()))
        dialog.open()
        return dialog

    # --- correcting (issue 15): renames keep the earlier name in the record's history ------
    def _connect_changes(self) -> None:
        self.change_shelter_button.clicked.connect(self.open_change_shelter)
        self.rename_button.clicked.connect(self.open_rename)
        self.retire_button.clicked.connect(self.retire_selected)
        self.history_button.clicked.connect(self.open_history)

    def open_change_shelter(self) -> RecordDialog | None:
        shelter_id = self.current_shelter_id()
        found = next((s for s in self._shelters if s.id == shelter_id), None)
        if found is None:
            return None
        session = self.session

        def save(values: dict[str, str]) -> Shelter:
            changed = Shelter(values["name"], address=values["address"], phone=values["phone"],
                              id=shelter_id)
            shelter_changes.change_shelter(session, changed)
            return changed

        dialog = RecordDialog(_("Change the shelter"), [
            ("name", _("Name")), ("address", _("Address")), ("phone", _("Phone"))], save, self)
        for key in ("name", "address", "phone"):
            dialog.edits[key].setText(getattr(found, key))
        dialog.saved.connect(lambda shelter: (self.status.emit(_("Saved.")),
                                              self.reload(shelter.id)))
        dialog.open()
        return dialog

    def open_rename(self) -> RecordDialog | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        item, session = items[0], self.session
        room_id, bed_id = item.data(0, ROOM_ROLE), item.data(0, BED_ROLE)
        if bed_id:
            dialog = RecordDialog(_("Rename the bed"), [("label", _("Bed"))], lambda values: (
                shelter_changes.rename_bed(session, Bed(room_id, values["label"], id=bed_id))),
                self)
            dialog.edits["label"].setText(item.text(0))
        else:
            shelter_id = self.current_shelter_id()
            dialog = RecordDialog(_("Rename the room"), [("name", _("Room"))], lambda values: (
                shelter_changes.rename_room(session, Room(shelter_id, values["name"],
                                                          id=room_id))), self)
            dialog.edits["name"].setText(item.text(0))
        dialog.saved.connect(lambda _r: (self.status.emit(_("Saved.")), self.reload_rooms()))
        dialog.open()
        return dialog

    def retire_selected(self, *, confirm: bool = True) -> None:
        items = self.tree.selectedItems()
        bed_id = items[0].data(0, BED_ROLE) if items else ""
        if not bed_id:
            return
        if confirm and QMessageBox.question(
                self, _("Retire the bed"),
                _("Take the bed “{bed}” off the board for good? Its past stays remain in the "
                  "history.").format(bed=items[0].text(0))) != QMessageBox.StandardButton.Yes:
            return
        session = self.session
        run_in_background(lambda: shelter_changes.retire_bed(session, bed_id),
                          lambda _r: (self.status.emit(_("Bed retired.")), self.reload_rooms()),
                          self._on_failed, busy=self.busy, owner=self)

    def open_history(self) -> RecordHistoryDialog | None:
        """Earlier names of the selected room or bed."""
        items = self.tree.selectedItems()
        if not items:
            return None
        bed_id = items[0].data(0, BED_ROLE)
        table, record_id = ("beds", bed_id) if bed_id else ("rooms", items[0].data(0, ROOM_ROLE))
        dialog = RecordHistoryDialog(self.session, table, record_id, self)
        dialog.open()
        return dialog
