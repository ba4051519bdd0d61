"""Administration → Backups dialogs: verify a backup (quick or deep), restore into a new folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import _, format_number
from shelterdesk.store.backups import offer as backup_offer
from shelterdesk.store.backups import restore as backup_restore
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.sync.sync_status_tab import when_text


def _wrapped(name: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def _restyle(label: QLabel, name: str) -> None:
    label.setObjectName(name)
    label.style().unpolish(label)
    label.style().polish(label)


class VerifyDialog(QDialog):
    """Quick: header and checksum. Deep: opened with a passphrase and integrity-checked."""

    verified = Signal(object)  # VerifyReport

    def __init__(self, path: Path, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.busy = BusyIndicator()
        self.file_label = _wrapped("hintLabel")
        self.quick_radio = QRadioButton()
        self.deep_radio = QRadioButton()
        self.quick_radio.setChecked(True)
        self.user_edit = QLineEdit(username)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.user_label = QLabel()
        self.passphrase_label = QLabel()
        self.user_label.setBuddy(self.user_edit)
        self.passphrase_label.setBuddy(self.passphrase_edit)
        form = QFormLayout()
        form.addRow(self.user_label, self.user_edit)
        form.addRow(self.passphrase_label, self.passphrase_edit)
        self.result_label = _wrapped()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.verify_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.quick_radio)
        layout.addWidget(self.deep_radio)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.verify_button.clicked.connect(self.verify)
        self.deep_radio.toggled.connect(self._update)
        self.setMinimumWidth(520)
        self.retranslate_ui()
        self._update()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Verify a backup"))
        self.file_label.setText(_("Backup: {file}").format(file=self.path.name))
        self.quick_radio.setText(_("Quick: check that the file is whole (no passphrase)"))
        self.deep_radio.setText(_("Deep: open it with a passphrase and check the database"))
        self.user_label.setText(_("User name"))
        self.passphrase_label.setText(_("Passphrase"))
        self.verify_button.setText(_("Verify"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _update(self) -> None:
        deep = self.deep_radio.isChecked()
        self.user_edit.setEnabled(deep)
        self.passphrase_edit.setEnabled(deep)

    def verify(self) -> None:
        path = self.path
        deep = self.deep_radio.isChecked()
        user, passphrase = self.user_edit.text().strip(), self.passphrase_edit.text()
        self.verify_button.setEnabled(False)
        self.result_label.setText(_("Checking…"))
        _restyle(self.result_label, "hintLabel")

        def work() -> backup_restore.VerifyReport:
            if deep:
                return backup_restore.verify_backup(path, username=user, passphrase=passphrase)
            return backup_restore.verify_backup(path)

        run_in_background(work, self._on_verified, self._on_failed, busy=self.busy, owner=self)

    def _on_verified(self, report: backup_restore.VerifyReport) -> None:
        self.verify_button.setEnabled(True)
        self.passphrase_edit.clear()
        if report.deep:
            text = _("The backup is good: it opens, and its database and audit log passed every "
                     "check ({rows} records).").format(
                rows=format_number(sum(report.tables.values())))
        else:
            text = _("The file is whole (its checksum matches). For a full check, verify it "
                     "deeply with a passphrase.")
        self.result_label.setText(text)
        _restyle(self.result_label, "okMessage")
        self.verified.emit(report)

    def _on_failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.passphrase_edit.clear()
        self.result_label.setText(describe_error(error))
        _restyle(self.result_label, "errorMessage")


class RestoreDialog(QDialog):
    """Step by step: the backup (of this vault), an empty new folder, a passphrase, restore."""

    restored = Signal(object)  # RestoreReport

    def __init__(self, path: Path, vault_id: str, username: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.vault_id = vault_id
        self.busy = BusyIndicator()
        self.step1_label = _wrapped()
        self.backup_label = _wrapped("hintLabel")
        self.step2_label = _wrapped()
        self.target_edit = QLineEdit()
        self.choose_button = QPushButton()
        self.step3_label = _wrapped()
        self.user_edit = QLineEdit(username)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.user_label = QLabel()
        self.passphrase_label = QLabel()
        self.result_label = _wrapped()
        target_row = QHBoxLayout()
        target_row.addWidget(self.target_edit, 1)
        target_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow(self.user_label, self.user_edit)
        form.addRow(self.passphrase_label, self.passphrase_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        for item in (self.step1_label, self.backup_label, self.step2_label):
            layout.addWidget(item)
        layout.addLayout(target_row)
        layout.addWidget(self.step3_label)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.choose_button.clicked.connect(self.choose_target)
        self.restore_button.clicked.connect(self.restore)
        self.target_edit.textChanged.connect(self._update)
        self.header_ok = False
        self.setMinimumWidth(560)
        self.retranslate_ui()
        self._check_backup()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Restore a backup into a new folder"))
        self.step1_label.setText(_("1. The backup"))
        self.step2_label.setText(_("2. An empty or new folder for the restored vault (this "
                                   "vault stays as it is)"))
        self.step3_label.setText(_("3. A passphrase that opens the backup, so it is fully "
                                   "checked before anything is written"))
        self.choose_button.setText(_("Choose…"))
        self.target_edit.setAccessibleName(_("Folder for the restored vault"))
        self.user_label.setText(_("User name"))
        self.passphrase_label.setText(_("Passphrase"))
        self.restore_button.setText(_("Restore"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _check_backup(self) -> None:
        path, vault_id = self.path, self.vault_id
        self.backup_label.setText(self.path.name)
        run_in_background(lambda: backup_offer.require_this_vault(path, vault_id),
                          self._on_header, self._on_refused, busy=self.busy, owner=self)

    def _on_header(self, header) -> None:
        self.header_ok = True
        self.backup_label.setText(_("{file}, made {when}.").format(
            file=self.path.name, when=when_text(header.created_at)))
        self._update()

    def _on_refused(self, error: BaseException) -> None:
        self.header_ok = False
        self.result_label.setText(describe_error(error))
        _restyle(self.result_label, "errorMessage")
        self._update()

    def _update(self) -> None:
        self.restore_button.setEnabled(self.header_ok and bool(self.target_edit.text().strip()))

    def choose_target(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Folder for the restored vault"))
        if chosen:
            self.target_edit.setText(chosen)

    def restore(self) -> None:
        path, target = self.path, Path(self.target_edit.text().strip()).expanduser()
        user, passphrase = self.user_edit.text().strip(), self.passphrase_edit.text()
        self.restore_button.setEnabled(False)
        self.result_label.setText(_("Restoring and checking…"))
        _restyle(self.result_label, "hintLabel")

        def work() -> backup_restore.RestoreReport:
            return backup_restore.restore_backup(path, target, username=user or None,
                                                 passphrase=passphrase or None)

        run_in_background(work, self._on_restored, self._on_failed, busy=self.busy, owner=self)

    def _on_restored(self, report: backup_restore.RestoreReport) -> None:
        self.passphrase_edit.clear()
        self.result_label.setText(_(
            "Restored into “{folder}”. To open it, start ShelterDesk with --data-dir "
            "“{folder}”. It holds the same sensitive data: keep it as safe as this vault, and "
            "delete it when you no longer need it.").format(folder=str(report.target)))
        _restyle(self.result_label, "okMessage")
        self.restored.emit(report)

    def _on_failed(self, error: BaseException) -> None:
        self.passphrase_edit.clear()
        self._update()
        self.result_label.setText(describe_error(error))
        _restyle(self.result_label, "errorMessage")
