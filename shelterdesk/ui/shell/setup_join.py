"""First run, *Join an existing organisation*: enrol with the invitation code, then the person's
own passphrase; the organisation's data arrives with the first sync."""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from shelterdesk.i18n import _
from shelterdesk.sync import service, setup
from shelterdesk.sync.setup import SyncPlace
from shelterdesk.ui.common.background import BusyIndicator
from shelterdesk.ui.common.passphrase_fields import password_edit


def _wrapped(name: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class JoinPage(QWizardPage):
    """Its commit button enrols this laptop in the background (nothing is left if it fails);
    while it waits for the coordinator, it shows the digits to compare."""

    sas_ready = Signal(str)  # emitted from the worker thread; Qt queues it to this one

    def __init__(self, wizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.joined = False
        self.working = False
        self.intro_label = _wrapped()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-X")
        self.folder_radio = QRadioButton()
        self.relay_radio = QRadioButton()
        group = QButtonGroup(self)
        group.addButton(self.folder_radio)
        group.addButton(self.relay_radio)
        self.folder_radio.setChecked(True)
        self.folder_edit = QLineEdit()
        self.choose_button = QPushButton()
        self.relay_edit = QLineEdit()
        self.username_edit = QLineEdit()
        self.passphrase_edit = password_edit()
        self.code_label = QLabel()
        self.username_label = QLabel()
        self.passphrase_label = QLabel()
        self.code_label.setBuddy(self.code_edit)
        self.username_label.setBuddy(self.username_edit)
        self.passphrase_label.setBuddy(self.passphrase_edit)
        self.busy = BusyIndicator()
        self.message_label = _wrapped("errorMessage")
        self.sas_label = _wrapped()
        self.digits_label = QLabel()
        self.digits_label.setObjectName("recoveryKey")
        self.digits = ""
        self.stop = threading.Event()  # set when the person cancels while it waits
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow(self.code_label, self.code_edit)
        form.addRow(self.folder_radio, folder_row)
        form.addRow(self.relay_radio, self.relay_edit)
        form.addRow(self.username_label, self.username_edit)
        form.addRow(self.passphrase_label, self.passphrase_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.message_label)
        layout.addWidget(self.sas_label)
        layout.addWidget(self.digits_label)
        layout.addStretch(1)
        self.sas_ready.connect(self._show_digits)
        self.setCommitPage(True)
        for edit in (self.code_edit, self.folder_edit, self.relay_edit, self.username_edit,
                     self.passphrase_edit):
            edit.textChanged.connect(self.completeChanged)
        self.folder_radio.toggled.connect(self._update_enabled)
        self.choose_button.clicked.connect(self.choose_folder)
        self._update_enabled()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Join an existing organisation"))
        self.setSubTitle(_("Another laptop of your organisation invited this one."))
        self.intro_label.setText(_(
            "Type the invitation code shown on the inviting laptop, and where the laptops "
            "meet: the same shared folder or relay. Then your own user name and passphrase, "
            "the ones you use on the other laptops."))
        self.code_label.setText(_("Invitation code"))
        self.folder_radio.setText(_("Shared folder"))
        self.relay_radio.setText(_("Relay address"))
        self.choose_button.setText(_("Choose…"))
        self.username_label.setText(_("User name"))
        self.passphrase_label.setText(_("Passphrase"))
        self.code_edit.setAccessibleName(_("Invitation code"))
        self.folder_edit.setAccessibleName(_("Shared folder"))
        self.relay_edit.setAccessibleName(_("Relay address"))
        self.relay_edit.setPlaceholderText(_("e.g. https://relay.example.org"))
        self.username_edit.setAccessibleName(_("User name"))
        self.passphrase_edit.setAccessibleName(_("Passphrase"))
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Join"))
        self.digits_label.setAccessibleName(_("Digits to compare"))
        if self.digits:
            self.sas_label.setText(_(
                "Show these digits to the coordinator at the inviting laptop. When they match "
                "there and the coordinator confirms, this laptop receives the organisation's "
                "data."))

    def _update_enabled(self) -> None:
        folder = self.folder_radio.isChecked()
        self.folder_edit.setEnabled(folder)
        self.choose_button.setEnabled(folder)
        self.relay_edit.setEnabled(not folder)
        self.completeChanged.emit()

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the shared folder"))
        if chosen:
            self.folder_edit.setText(chosen)

    def place(self) -> SyncPlace:
        if self.folder_radio.isChecked():
            return SyncPlace(folder=self.folder_edit.text().strip())
        return SyncPlace(relay=self.relay_edit.text().strip())

    def isComplete(self) -> bool:
        return (not self.working and bool(self.code_edit.text().strip())
                and self.place().is_set and bool(self.username_edit.text().strip())
                and bool(self.passphrase_edit.text()))

    def nextId(self) -> int:
        return self._wizard.page_id(self._wizard.recovery_page)

    def validatePage(self) -> bool:
        if self.joined:
            return True
        if self.working:
            return False
        self.working = True
        self.completeChanged.emit()
        self.message_label.setObjectName("hintLabel")
        self.message_label.setText(_("Joining and receiving the organisation's data "
                                     "(this can take a while)…"))
        self._wizard.set_navigation_enabled(False)
        self.stop.clear()
        self._wizard.join(self.code_edit.text().strip(), self.place(),
                          self.username_edit.text().strip(), self.passphrase_edit.text(),
                          self._on_joined, self._on_failed, self.busy, self.sas_ready.emit,
                          self.stop.is_set)
        return False

    def _show_digits(self, digits: str) -> None:
        self.digits = digits
        self.digits_label.setText(digits)
        self.retranslate_ui()
        # waiting for a person now: Cancel works again (the worker stops within a second)
        cancel = self._wizard.button(QWizard.WizardButton.CancelButton)
        if cancel is not None:
            cancel.setEnabled(True)

    def _on_joined(self) -> None:
        self.working = False
        self.joined = True
        self.passphrase_edit.clear()
        self.message_label.clear()
        self._wizard.set_navigation_enabled(True)
        self._wizard.next()

    def _on_failed(self, error: BaseException) -> None:
        self.working = False
        self.digits = ""
        self.digits_label.clear()
        self.sas_label.clear()
        self._wizard.set_navigation_enabled(True)
        self.message_label.setObjectName("errorMessage")
        self.message_label.style().unpolish(self.message_label)
        self.message_label.style().polish(self.message_label)
        self.message_label.setText(setup.describe_failure(error))
        self.completeChanged.emit()


def join_and_unlock(vault, code: str, place: SyncPlace, username: str, passphrase: str,
                    on_sas=None, stop=None):
    """On a pool thread: enrol into ``vault``'s folder (``on_sas`` gets the digits to show),
    remember the place, unlock."""
    transport = setup.transport_for(vault.directory, place)
    joined = service.join(vault.directory, code, transport, username, passphrase,
                          on_sas=on_sas, stop=stop)
    session = vault.unlock(username, passphrase)
    try:
        setup.remember_joined_place(session, place)
    except BaseException:
        session.close(action="logout")
        raise
    return joined.recovery_key, session
