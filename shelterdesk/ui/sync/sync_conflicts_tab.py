"""Sync → Conflicts: what merging could not settle; both values side by side, keep or merge."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.validation import field_label
from shelterdesk.i18n import N_, _, format_datetime
from shelterdesk.store.replication import conflict_settle
from shelterdesk.store.replication.conflict_settle import ConflictView
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.common.list_table_model import ListTableModel
from shelterdesk.ui.sync.sync_devices_tab import laptop_name
from shelterdesk.ui.sync.sync_status_tab import when_text

AnyIndex = QModelIndex | QPersistentModelIndex
# What a person calls the records of each replicated table.
RECORD_LABELS = {
    "users": N_("User"), "organisations": N_("Organisation"), "shelters": N_("Shelter"),
    "rooms": N_("Room"), "beds": N_("Bed"), "clients": N_("Client"), "cases": N_("Case"),
    "legal_consultations": N_("Legal consultation"), "medical_services": N_("Medical service"),
    "other_services": N_("Service"), "stays": N_("Stay"), "consents": N_("Consent"),
    "referrals": N_("Referral"), "evidence_items": N_("Digital evidence"),
    "perpetrators": N_("Perpetrator"), "notes": N_("Note"), "follow_ups": N_("Follow-up task"),
}


def record_text(table: str, column: str) -> str:
    """"Organisation — Phone": the kind of record and the field, in the reader's language."""
    record = _(RECORD_LABELS[table]) if table in RECORD_LABELS else table
    return f"{record} — {field_label(column)}" if column else record


def clock_text(wall_ms: int) -> str:
    if wall_ms <= 0:
        return "—"
    return format_datetime(datetime.fromtimestamp(wall_ms / 1000, UTC).astimezone())


def value_text(value: Any) -> str:
    if value is None:
        return _("(empty)")
    if isinstance(value, bytes):
        return _("(a file, {size} bytes)").format(size=len(value))
    return str(value)


class ConflictTableModel(ListTableModel[ConflictView]):
    class Columns(IntEnum):
        WHAT = 0
        RECORD = 1
        FOUND = 2

    HEADERS = {Columns.WHAT: N_("Kind of conflict"), Columns.RECORD: N_("Record and field"),
               Columns.FOUND: N_("Found")}

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        view = self.row_at(index.row()) if index.isValid() else None
        if view is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        conflict = view.conflict
        column = self.Columns(index.column())
        if column == self.Columns.WHAT:
            return _(conflict.label)
        if column == self.Columns.RECORD:
            return record_text(conflict.table, conflict.column)
        return when_text(conflict.found_at)


class SyncConflictsTab(QWidget):
    status = Signal(str)
    loaded = Signal()
    resolved = Signal(int)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.model = ConflictTableModel(self)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.intro_label.setObjectName("pageIntro")
        self.table = QTableView()
        keyboard_table(self.table)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ConflictTableModel.Columns.WHAT,
                                    QHeaderView.ResizeMode.Stretch)
        for column in (ConflictTableModel.Columns.RECORD, ConflictTableModel.Columns.FOUND):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.detail_box = QGroupBox()
        self.current_title = QLabel()
        self.other_title = QLabel()
        self.current_value = QLabel()
        self.other_value = QLabel()
        self.current_who = QLabel()
        self.other_who = QLabel()
        for label in (self.current_value, self.other_value, self.current_who, self.other_who):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.current_value.setObjectName("conflictValue")
        self.other_value.setObjectName("conflictValue")
        self.keep_current_button = QPushButton()
        self.keep_other_button = QPushButton()
        self.merge_edit = QLineEdit()
        self.merge_button = QPushButton()
        self.note_edit = QLineEdit()
        self.done_button = QPushButton()
        grid = QGridLayout()
        grid.addWidget(self.current_title, 0, 0)
        grid.addWidget(self.other_title, 0, 1)
        grid.addWidget(self.current_value, 1, 0)
        grid.addWidget(self.other_value, 1, 1)
        grid.addWidget(self.current_who, 2, 0)
        grid.addWidget(self.other_who, 2, 1)
        grid.addWidget(self.keep_current_button, 3, 0)
        grid.addWidget(self.keep_other_button, 3, 1)
        merge_row = QHBoxLayout()
        merge_row.addWidget(self.merge_edit, 1)
        merge_row.addWidget(self.merge_button)
        resolve_row = QHBoxLayout()
        resolve_row.addWidget(self.note_edit, 1)
        resolve_row.addWidget(self.done_button)
        detail_layout = QVBoxLayout(self.detail_box)
        detail_layout.addLayout(grid)
        detail_layout.addLayout(merge_row)
        detail_layout.addLayout(resolve_row)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("errorMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail_box)
        layout.addWidget(self.message_label)
        self.keep_current_button.clicked.connect(
            lambda: self.settle(conflict_settle.KEEP_CURRENT))
        self.keep_other_button.clicked.connect(lambda: self.settle(conflict_settle.KEEP_OTHER))
        self.merge_button.clicked.connect(lambda: self.settle(conflict_settle.TYPED))
        self.done_button.clicked.connect(lambda: self.settle(conflict_settle.KEEP_CURRENT))
        self.merge_edit.textChanged.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.retranslate_ui()
        self._show_selected()

    def retranslate_ui(self) -> None:
        self.intro_label.setText(_(
            "When two laptops changed the same thing before they synced, nothing is thrown "
            "away: the value that lost is kept here. Choose which value stays, or type one "
            "that combines them. Your choice goes to every laptop at the next sync."))
        self.detail_box.setTitle(_("The conflict"))
        self.current_title.setText(_("In the record now"))
        self.other_title.setText(_("The other value"))
        self.keep_current_button.setText(_("Keep this one"))
        self.keep_other_button.setText(_("Keep this one instead"))
        self.keep_current_button.setAccessibleName(_("Keep the value in the record"))
        self.keep_other_button.setAccessibleName(_("Keep the other value"))
        self.merge_edit.setPlaceholderText(_("or type a combined value"))
        self.merge_edit.setAccessibleName(_("Combined value"))
        self.merge_button.setText(_("Use the typed value"))
        self.note_edit.setPlaceholderText(_("a note for the audit log (optional)"))
        self.note_edit.setAccessibleName(_("Note"))
        self.done_button.setText(_("Mark resolved"))
        self.table.setAccessibleName(_("Conflicts"))
        self.model.retranslate()
        self._show_selected()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def drop_data(self) -> None:
        self.model.clear()

    def reload(self) -> None:
        session = self.session
        run_in_background(lambda: conflict_settle.conflict_views(session), self._on_loaded,
                          self._on_failed, busy=self.busy, owner=self)

    def _on_loaded(self, views: list[ConflictView]) -> None:
        self.model.set_rows(views)
        if views:
            self.table.selectRow(0)
        self._show_selected()
        self.loaded.emit()

    def _on_failed(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    def selected(self) -> ConflictView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _show_selected(self) -> None:
        view = self.selected()
        self.detail_box.setEnabled(view is not None)
        if view is None:
            for label in (self.current_value, self.other_value, self.current_who,
                          self.other_who):
                label.clear()
        else:
            valued = view.can_take_value
            self.current_value.setText(value_text(view.current) if valued else
                                       _(view.conflict.label))
            self.other_value.setText(value_text(view.other) if valued else
                                     record_text(view.conflict.table, view.conflict.column))
            self.current_who.setText(self._who(view.current_device, view.current_at_ms,
                                               view.current_laptop, view.current_user))
            self.other_who.setText(self._who(view.other_device, view.other_at_ms,
                                             view.other_laptop, view.other_user))
        self._update_buttons()

    def _who(self, device: str, wall_ms: int, name: str = "", user: str = "") -> str:
        if not device:
            return ""
        laptop = laptop_name(device, name=name)
        if user:
            return _("{user} on {laptop}, {when}").format(user=user, laptop=laptop,
                                                          when=clock_text(wall_ms))
        return _("{laptop}, {when}").format(laptop=laptop, when=clock_text(wall_ms))

    def _update_buttons(self) -> None:
        view = self.selected()
        valued = view is not None and view.can_take_value
        for widget in (self.keep_current_button, self.keep_other_button, self.merge_edit):
            widget.setEnabled(valued)
        self.merge_button.setEnabled(valued and bool(self.merge_edit.text().strip()))
        self.done_button.setEnabled(view is not None)

    def settle(self, choice: str) -> None:
        view = self.selected()
        if view is None:
            return
        session, conflict_id = self.session, view.conflict.id
        typed, note = self.merge_edit.text().strip(), self.note_edit.text()
        self.message_label.clear()

        def done(_result: object) -> None:
            self.merge_edit.clear()
            self.note_edit.clear()
            self.status.emit(_("Conflict resolved; the choice goes to the other laptops at the "
                               "next sync."))
            self.resolved.emit(conflict_id)
            self.reload()

        run_in_background(lambda: conflict_settle.settle(session, conflict_id, choice, typed,
                                                         note), done, self._on_failed,
                          busy=self.busy, owner=self)
