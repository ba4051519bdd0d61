"""Sync → Laptops: the organisation's laptops, Invite a laptop…, and Revoke… with confirmation."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import N_, _
from shelterdesk.store.vault import Session
from shelterdesk.sync import service, setup
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.common.list_table_model import ListTableModel
from shelterdesk.ui.sync.auto_sync import AutoSync
from shelterdesk.ui.sync.invite_dialog import InviteDialog
from shelterdesk.ui.sync.sync_status_tab import when_text

AnyIndex = QModelIndex | QPersistentModelIndex


def laptop_name(device_id: str, this_laptop: bool = False, name: str = "") -> str:
    """A laptop's name (it travels only inside envelopes); a short id until its name arrives."""
    short = f"{device_id[:4]}-{device_id[4:8]}".upper()
    if name:
        return _("{name} (this laptop)").format(name=name) if this_laptop else name
    return _("This laptop ({id})").format(id=short) if this_laptop else _("Laptop {id}").format(
        id=short)


class LaptopTableModel(ListTableModel[setup.LaptopRow]):
    class Columns(IntEnum):
        NAME = 0
        USER = 1
        INVITED_BY = 2
        JOINED = 3
        LAST_SEEN = 4
        EPOCH = 5

    HEADERS = {
        Columns.NAME: N_("Laptop"),
        Columns.USER: N_("User"),
        Columns.INVITED_BY: N_("Invited by"),
        Columns.JOINED: N_("Joined"),
        Columns.LAST_SEEN: N_("Last seen"),
        Columns.EPOCH: N_("Key epoch"),
    }

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = self.Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.Columns.NAME:
                return laptop_name(row.device_id, row.this_laptop, row.name)
            if column == self.Columns.USER:
                return row.user or _("not known yet")
            if column == self.Columns.INVITED_BY:
                if row.added_by in ("", row.device_id):
                    return ""
                inviter = next((r for r in self.rows() if r.device_id == row.added_by), None)
                return laptop_name(row.added_by, name=inviter.name if inviter else "")
            if column == self.Columns.JOINED:
                return when_text(row.added_at)
            if column == self.Columns.LAST_SEEN:
                return _("now") if row.this_laptop else when_text(row.last_seen)
            return _("removed") if row.epoch is None else str(row.epoch)
        if role == Qt.ItemDataRole.ForegroundRole and row.epoch is None:
            return Qt.GlobalColor.gray
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.device_id
        return None


class SyncDevicesTab(QWidget):
    status = Signal(str)
    loaded = Signal()

    def __init__(self, session: Session, auto_sync: AutoSync | None,
                 busy: BusyIndicator | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.auto_sync = auto_sync
        self.busy = busy
        self.model = LaptopTableModel(self)
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
        self.table.horizontalHeader().setSectionResizeMode(
            LaptopTableModel.Columns.NAME, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(110)
        self.invite_button = QPushButton()
        self.rename_button = QPushButton()
        self.revoke_button = QPushButton()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("errorMessage")
        buttons = QHBoxLayout()
        buttons.addWidget(self.invite_button)
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)
        self.invite_button.clicked.connect(self.open_invite_dialog)
        self.rename_button.clicked.connect(lambda: self.ask_rename())
        self.revoke_button.clicked.connect(self.confirm_revoke)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.retranslate_ui()
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.intro_label.setText(_(
            "Every laptop of the organisation holds a full encrypted copy. Remove a laptop "
            "that was lost, stolen or retired: from the next sync on it receives nothing new, "
            "and what it sends is refused."))
        self.invite_button.setText(_("Invite a laptop…"))
        self.rename_button.setText(_("Rename…"))
        self.revoke_button.setText(_("Revoke…"))
        self.table.setAccessibleName(_("Laptops"))
        self.model.retranslate()

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
        run_in_background(lambda: setup.laptops(session), self._on_loaded, self._on_failed,
                          busy=self.busy, owner=self)

    def _on_loaded(self, rows: list[setup.LaptopRow]) -> None:
        self.model.set_rows(rows)
        self._update_buttons()
        self.loaded.emit()

    def _on_failed(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    def selected(self) -> setup.LaptopRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        row = self.selected()
        self.rename_button.setEnabled(row is not None and row.epoch is not None)
        self.revoke_button.setEnabled(row is not None and not row.this_laptop
                                      and row.epoch is not None)

    def open_invite_dialog(self) -> InviteDialog | None:
        place = self.auto_sync.place if self.auto_sync is not None else setup.SyncPlace()
        if not place.is_set:
            self.message_label.setText(setup.SyncNotSetUp().user_message())
            return None
        self.message_label.clear()
        dialog = InviteDialog(self.session, place, self)
        dialog.invited.connect(lambda _invitation: self.status.emit(
            _("Invitation made; it waits in the sync folder or relay.")))
        dialog.finished.connect(lambda _result: self.reload())
        dialog.open()
        return dialog

    def ask_rename(self) -> QInputDialog | None:
        """Rename… : a small dialog with the current name, non-blocking (``open``)."""
        row = self.selected()
        if row is None:
            return None
        dialog = QInputDialog(self)
        dialog.setWindowTitle(_("Rename a laptop"))
        dialog.setLabelText(_(
            "A name everyone recognises, such as the room or the person it is lent to. "
            "It travels only inside the encrypted sync."))
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(row.name)
        dialog.setMinimumWidth(440)
        dialog.textValueSelected.connect(lambda name: self.rename(row.device_id, name))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def rename(self, device_id: str, name: str) -> None:
        session = self.session
        self.message_label.clear()

        def done(kept: str) -> None:
            self.status.emit(_("Laptop renamed “{name}”; the others learn it at their next "
                               "sync.").format(name=kept))
            self.reload()
            if self.auto_sync is not None:
                self.auto_sync.sync_now("rename")

        run_in_background(lambda: service.rename_laptop(session, device_id, name), done,
                          self._on_failed, busy=self.busy, owner=self)

    def confirm_revoke(self) -> None:
        row = self.selected()
        if row is None:
            return
        answer = QMessageBox.question(
            self, _("Revoke a laptop"),
            _("Remove {laptop} from the organisation? It will receive nothing new, what it "
              "sends from now on is refused, and the others change to a new key at their next "
              "sync. This cannot be undone; the laptop can only be invited again.").format(
                laptop=laptop_name(row.device_id, name=row.name)))
        if answer == QMessageBox.StandardButton.Yes:
            self.revoke(row.device_id)

    def revoke(self, device_id: str) -> None:
        session = self.session

        def done(result: tuple[int, int]) -> None:
            self.status.emit(_("{laptop} removed; the others get the new key (epoch {epoch}) at "
                               "the next sync.").format(laptop=laptop_name(device_id),
                                                        epoch=result[1]))
            self.reload()
            if self.auto_sync is not None:
                self.auto_sync.sync_now("revoke")

        run_in_background(lambda: service.revoke(session, device_id), done, self._on_failed,
                          busy=self.busy, owner=self)
