"""Administration → Backups: the folder, schedule and rotation, Back up now, verify, restore."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import N_, _, format_number, ngettext
from shelterdesk.store import settings
from shelterdesk.store.backups import schedule as backup_schedule
from shelterdesk.store.backups.offer import backup_header
from shelterdesk.store.backups.schedule import BackupEntry, BackupStatus, ScheduledBackup
from shelterdesk.store.vault import Session
from shelterdesk.ui.administration.backup_dialogs import RestoreDialog, VerifyDialog
from shelterdesk.ui.administration.backup_watch import overdue_text
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.flow_layout import FlowLayout
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.common.list_table_model import ListTableModel
from shelterdesk.ui.sync.sync_status_tab import when_text

AnyIndex = QModelIndex | QPersistentModelIndex
BACKUP_SETTINGS = ("backup_folder", "backup_every_hours", "backup_keep_daily",
                   "backup_keep_monthly", "backup_warn_days", "backup_on_exit")


def size_text(size: int) -> str:
    return _("{size} MB").format(size=format_number(round(size / 1_000_000, 1)))


class BackupTableModel(ListTableModel[BackupEntry]):
    class Columns(IntEnum):
        MADE = 0
        SIZE = 1
        FILE = 2

    HEADERS = {Columns.MADE: N_("Made"), Columns.SIZE: N_("Size"), Columns.FILE: N_("File")}

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.row_at(index.row()) if index.isValid() else None
        if entry is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        column = self.Columns(index.column())
        if column == self.Columns.MADE:
            return when_text(entry.header.created_at)
        if column == self.Columns.SIZE:
            return size_text(entry.size)
        return entry.path.name


def _spin(name: str) -> QSpinBox:
    spin = QSpinBox()
    spec = settings.SPECS[name]
    spin.setRange(spec.minimum or 0, spec.maximum or 999)
    return spin


class BackupsPage(QWidget):
    """``backed_up`` fires after a backup was made here (the window re-checks the warning)."""

    status = Signal(str)
    loaded = Signal()
    backed_up = Signal(object)
    settings_saved = Signal(dict)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.last_status: BackupStatus | None = None
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.intro_label.setObjectName("pageIntro")
        # --- settings -----------------------------------------------------------------
        self.settings_box = QGroupBox()
        self.folder_edit = QLineEdit()
        self.choose_button = QPushButton()
        self.every_spin = _spin("backup_every_hours")
        self.daily_spin = _spin("backup_keep_daily")
        self.monthly_spin = _spin("backup_keep_monthly")
        self.warn_spin = _spin("backup_warn_days")
        self.on_exit_check = QCheckBox()
        self.save_button = QPushButton()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        # The folder on its own line: a path needs the whole width.
        self.folder_label = QLabel()
        self.folder_label.setBuddy(self.folder_edit)
        self.form = QFormLayout()
        for spin in (self.every_spin, self.daily_spin, self.monthly_spin, self.warn_spin):
            spin.setMinimumWidth(110)
            label = QLabel()
            label.setWordWrap(True)
            label.setBuddy(spin)
            self.form.addRow(label, spin)
        settings_layout = QVBoxLayout(self.settings_box)
        settings_layout.addWidget(self.folder_label)
        settings_layout.addLayout(folder_row)
        settings_layout.addSpacing(6)
        settings_layout.addLayout(self.form)
        settings_layout.addWidget(self.on_exit_check)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        settings_layout.addLayout(save_row)
        settings_layout.addStretch(1)
        # --- status, now, the list -------------------------------------------------------
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.backup_button = QPushButton()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(200)
        self.progress_bar.hide()  # only while a backup is being made
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        now_row = QHBoxLayout()
        now_row.addWidget(self.backup_button)
        now_row.addWidget(self.progress_bar)
        now_row.addWidget(self.progress_label, 1)
        self.model = BackupTableModel(self)
        self.table = QTableView()
        keyboard_table(self.table)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            BackupTableModel.Columns.FILE, QHeaderView.ResizeMode.Stretch)
        self.verify_button = QPushButton()
        self.restore_button = QPushButton()
        self.other_file_button = QPushButton()
        list_buttons = FlowLayout(spacing=8)  # wraps on a small screen instead of widening it
        list_buttons.addWidget(self.verify_button)
        list_buttons.addWidget(self.restore_button)
        list_buttons.addWidget(self.other_file_button)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("errorMessage")
        right = QVBoxLayout()
        right.addWidget(self.state_label)
        right.addLayout(now_row)
        right.addWidget(self.table, 1)
        right.addLayout(list_buttons)
        right.addWidget(self.message_label)
        columns = QHBoxLayout()
        columns.addWidget(self.settings_box, 2)
        columns.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(columns, 1)

        self.choose_button.clicked.connect(self.choose_folder)
        self.save_button.clicked.connect(self.save_settings)
        self.backup_button.clicked.connect(self.back_up_now)
        self.verify_button.clicked.connect(lambda: self.open_verify_dialog())
        self.restore_button.clicked.connect(lambda: self.open_restore_dialog())
        self.other_file_button.clicked.connect(self.choose_other_file)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._load_settings()
        self.retranslate_ui()
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.intro_label.setText(_(
            "A backup is one encrypted file holding the whole vault. Keep backups on an "
            "external drive (a USB drive is the usual place) stored away from this laptop, "
            "and check now and then that one restores."))
        self.settings_box.setTitle(_("Where and when"))
        self.folder_label.setText(_("Backup folder"))
        labels = (_("Back up automatically every (hours)"),
                  _("Keep one a day for (days)"), _("Keep one a month for (months)"),
                  _("Warn when the last backup is older than (days)"))
        for row, text in enumerate(labels):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                item.widget().setText(text)  # type: ignore[union-attr]
        self.folder_edit.setAccessibleName(_("Backup folder"))
        self.every_spin.setSpecialValueText(_("only by hand"))
        self.choose_button.setText(_("Choose…"))
        self.on_exit_check.setText(_("Back up when ShelterDesk closes"))
        self.save_button.setText(_("Save"))
        self.backup_button.setText(_("Back up now"))
        self.verify_button.setText(_("Verify…"))
        self.restore_button.setText(_("Restore into a new folder…"))
        self.other_file_button.setText(_("Another backup file…"))
        self.table.setAccessibleName(_("Backups in the folder"))
        self.model.retranslate()
        if self.last_status is not None:
            self._show_status(self.last_status)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def drop_data(self) -> None:
        self.model.clear()

    # --- settings -----------------------------------------------------------------------
    def _load_settings(self) -> None:
        values = {name: settings.get(self.session, name) for name in BACKUP_SETTINGS}
        self.folder_edit.setText(values["backup_folder"])
        self.every_spin.setValue(values["backup_every_hours"])
        self.daily_spin.setValue(values["backup_keep_daily"])
        self.monthly_spin.setValue(values["backup_keep_monthly"])
        self.warn_spin.setValue(values["backup_warn_days"])
        self.on_exit_check.setChecked(bool(values["backup_on_exit"]))

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Backup folder"),
                                                  self.folder_edit.text())
        if chosen:
            self.folder_edit.setText(chosen)

    def save_settings(self) -> None:
        session = self.session
        chosen = {"backup_folder": self.folder_edit.text().strip(),
                  "backup_every_hours": self.every_spin.value(),
                  "backup_keep_daily": self.daily_spin.value(),
                  "backup_keep_monthly": self.monthly_spin.value(),
                  "backup_warn_days": self.warn_spin.value(),
                  "backup_on_exit": self.on_exit_check.isChecked()}

        def work() -> None:
            settings.set_values(session, chosen)

        def done(_result: object) -> None:
            self.status.emit(_("Backup settings saved."))
            self.settings_saved.emit(chosen)
            self.reload()

        self.message_label.clear()
        run_in_background(work, done, self._on_failed, busy=self.busy, owner=self)

    # --- status and list ----------------------------------------------------------------
    def reload(self) -> None:
        session = self.session

        def work() -> tuple[BackupStatus, list[BackupEntry]]:
            state = backup_schedule.backup_status(session)
            entries = (backup_schedule.list_backups(Path(state.folder).expanduser(),
                                                    session.meta("vault_id"))
                       if state.folder_available else [])
            return state, entries

        run_in_background(work, self._on_loaded, self._on_failed, busy=self.busy, owner=self)

    def _on_loaded(self, result: tuple[BackupStatus, list[BackupEntry]]) -> None:
        state, entries = result
        self.last_status = state
        self.model.set_rows(entries)
        self._show_status(state)
        self._update_buttons()
        self.loaded.emit()

    def _show_status(self, state: BackupStatus) -> None:
        if not state.folder:
            text = _("No backup folder has been chosen yet.")
        elif not state.folder_available:
            text = _("The backup folder “{folder}” is missing: plug in the backup drive.") \
                .format(folder=state.folder)
        elif state.last_backup_at is None:
            text = _("There is no good backup of this vault in the folder yet.")
        else:
            text = _("Last good backup: {when}.").format(
                when=when_text(state.last_backup_at.isoformat()))
        warning = overdue_text(state)
        self.state_label.setText(text + ("\n" + warning if warning else ""))
        self.state_label.setObjectName("errorMessage" if warning else "okMessage")
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)

    def selected(self) -> BackupEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.verify_button.setEnabled(chosen)
        self.restore_button.setEnabled(chosen)

    def _on_failed(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    # --- back up now ------------------------------------------------------------------------
    def back_up_now(self) -> None:
        session = self.session
        self.message_label.clear()
        self.backup_button.setEnabled(False)
        self.progress_bar.setRange(0, 0)
        self.progress_bar.show()
        self.progress_label.setText(_("Copying the vault, checking the copy, writing the "
                                      "file…"))
        run_in_background(lambda: backup_schedule.run_scheduled_backup(session),
                          self._on_backed_up, self._on_backup_failed, busy=self.busy, owner=self)

    def _on_backed_up(self, result: ScheduledBackup) -> None:
        self.backup_button.setEnabled(True)
        self.progress_bar.hide()
        text = _("Backup made and checked: {file} ({size}).").format(
            file=result.info.path.name, size=size_text(result.info.size))
        if result.deleted:
            text += " " + ngettext("{count} older backup removed by the rotation.",
                                   "{count} older backups removed by the rotation.",
                                   len(result.deleted)).format(count=len(result.deleted))
        self.progress_label.setText(text)
        self.status.emit(text)
        self.backed_up.emit(result)
        self.reload()

    def _on_backup_failed(self, error: BaseException) -> None:
        self.backup_button.setEnabled(True)
        self.progress_bar.hide()
        self.progress_label.clear()
        self.message_label.setText(describe_error(error))
        self.reload()

    # --- verify and restore ------------------------------------------------------------------
    def choose_other_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, _("Another backup file"), "",
                                                      "*.sdbackup")
        if chosen:
            self.offer_file(Path(chosen))

    def offer_file(self, path: Path) -> None:
        """Put a backup file from elsewhere at the top of the list, selected (then Verify… or
        Restore… it; a backup of another vault is refused by the restore)."""
        def work() -> BackupEntry:

            return BackupEntry(path, backup_header(path), path.stat().st_size)

        def done(entry: BackupEntry) -> None:
            rows = [entry] + [r for r in self.model.rows() if r.path != path]
            self.model.set_rows(rows)
            self.table.selectRow(0)

        self.message_label.clear()
        run_in_background(work, done, self._on_failed, busy=self.busy, owner=self)

    def open_verify_dialog(self, path: Path | None = None) -> VerifyDialog | None:
        entry = self.selected()
        path = path or (entry.path if entry else None)
        if path is None:
            return None
        dialog = VerifyDialog(path, self.session.user.username, self)
        dialog.open()
        return dialog

    def open_restore_dialog(self, path: Path | None = None) -> RestoreDialog | None:
        entry = self.selected()
        path = path or (entry.path if entry else None)
        if path is None:
            return None
        dialog = RestoreDialog(path, self.session.meta("vault_id"), self.session.user.username,
                               self)
        dialog.open()
        return dialog
