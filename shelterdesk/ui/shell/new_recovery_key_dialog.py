"""Issue a new recovery key (coordinators): for a vault whose key was never confirmed (a
crash on the first-run wizard's last page) or may have been seen by someone else.

The same steps as the wizard's last pages: the key shown once in groups, Print, and one
group typed back from what was written down. The old key stops working the moment the new
one is issued (the store's ``replace_recovery_key``, audited there, as the CLI's
``shelterdesk recovery-key new``).
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import _
from shelterdesk.store.keys import recovery
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.resources import icon
from shelterdesk.ui.shell.recovery_sheet import print_recovery_key
from shelterdesk.ui.shell.setup_wizard import _label, _restyle


class NewRecoveryKeyDialog(QDialog):
    """``issued`` once the new key replaced the old one; ``confirmed`` once a group of it
    was typed back (the vault then no longer warns)."""

    issued = Signal()
    confirmed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.recovery_key = ""
        self.group_index = 0
        with session.lock:
            self.org_name = session.meta("org_name") or ""
        # Step 1: what issuing a new key does, before it is done.
        self.before = QWidget()
        self.warning_label = _label("warningBox")
        self.issue_button = QPushButton()
        self.issue_button.setDefault(True)
        self.error_label = _label("errorMessage")
        before_layout = QVBoxLayout(self.before)
        before_layout.addWidget(self.warning_label)
        before_layout.addWidget(self.issue_button, 0, Qt.AlignmentFlag.AlignLeft)
        before_layout.addWidget(self.error_label)
        before_layout.addStretch(1)
        # Step 2: the key in groups, Print, and one group typed back.
        self.after = QWidget()
        self.intro_label = _label()
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton()
        self.print_button.setIcon(icon("print"))
        self.keep_label = _label("hintLabel")
        self.check_label = _label()
        self.group_label = QLabel()
        self.group_edit = QLineEdit()
        self.group_edit.setMaxLength(recovery.GROUP + 2)
        self.group_label.setBuddy(self.group_edit)
        self.feedback_label = _label("hintLabel")
        print_row = QHBoxLayout()
        print_row.addWidget(self.print_button)
        print_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.group_label, self.group_edit)
        after_layout = QVBoxLayout(self.after)
        after_layout.addWidget(self.intro_label)
        after_layout.addWidget(self.key_label)
        after_layout.addLayout(print_row)
        after_layout.addWidget(self.keep_label)
        after_layout.addWidget(self.check_label)
        after_layout.addLayout(form)
        after_layout.addWidget(self.feedback_label)
        after_layout.addStretch(1)
        self.steps = QStackedWidget()
        self.steps.addWidget(self.before)
        self.steps.addWidget(self.after)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                       | QDialogButtonBox.StandardButton.Cancel)
        self.done_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.done_button.setVisible(False)
        self.done_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.buttons)
        self.issue_button.clicked.connect(self.issue)
        self.print_button.clicked.connect(self._print)
        self.group_edit.textChanged.connect(self._on_typed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(460)  # wrapped text reads well; fits 1024 px (1280 at 125 %)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Issue a new recovery key"))
        self.warning_label.setText(_(
            "A new recovery key replaces the old one: the old key stops working at once. "
            "Have paper and a pen or a printer ready, because the new key is shown only "
            "this once."))
        self.issue_button.setText(_("Issue the new key"))
        self.intro_label.setText(_(
            "If every coordinator forgets their passphrase, this key is the only way back "
            "into the vault. Write it down by hand or print it now."))
        self.key_label.setAccessibleName(_("Your recovery key"))
        self.print_button.setText(_("Print…"))
        self.keep_label.setText(_(
            "Keep it sealed in a locked place away from this laptop. Anyone who has both "
            "can read everything."))
        number = self.group_index + 1
        self.check_label.setText(_(
            "Type group {number} of your recovery key, counting from the left."
        ).format(number=number))
        self.group_label.setText(_("Group {number}").format(number=number))
        self.group_edit.setAccessibleName(_("Group {number}").format(number=number))
        self.done_button.setText(_("Done"))
        self._on_typed()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def issue(self) -> bool:
        """Replace the vault's recovery key (the old one is void from now on)."""
        try:
            with self.session.lock:
                self.recovery_key = self.session.replace_recovery_key()
        except Exception as error:  # noqa: BLE001 - said in the dialog, nothing changed
            self.error_label.setText(describe_error(error))
            return False
        self.group_index = secrets.randbelow(len(recovery.groups(self.recovery_key)))
        self.key_label.setText(self.recovery_key)
        self.steps.setCurrentWidget(self.after)
        self.done_button.setVisible(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Later"))
        self.retranslate_ui()
        self.group_edit.setFocus()
        self.issued.emit()
        return True

    def expected_group(self) -> str:
        return recovery.groups(self.recovery_key)[self.group_index]

    def matches(self) -> bool:
        if not self.recovery_key:
            return False
        typed = self.group_edit.text().strip().upper()
        return bool(typed) and typed == self.expected_group()

    def _on_typed(self) -> None:
        typed = self.group_edit.text().strip()
        if not typed:
            _restyle(self.feedback_label, "hintLabel", "")
        elif self.matches():
            _restyle(self.feedback_label, "okMessage", "✓ " + _("That is right."))
        elif len(typed) >= recovery.GROUP:
            _restyle(self.feedback_label, "errorMessage",
                     "✗ " + _("That does not match; check what you wrote."))
        else:
            _restyle(self.feedback_label, "hintLabel", "")
        self.done_button.setEnabled(self.matches())

    def _print(self) -> None:
        print_recovery_key(self, self.recovery_key, self.org_name)

    def accept(self) -> None:
        if not self.matches():
            return
        try:
            with self.session.lock:
                self.session.confirm_recovery_key()  # one group typed back: written down
        except Exception as error:  # noqa: BLE001 - said in the dialog
            _restyle(self.feedback_label, "errorMessage", describe_error(error))
            return
        self._forget()
        self.confirmed.emit()
        super().accept()

    def reject(self) -> None:
        self._forget()
        super().reject()

    def _forget(self) -> None:
        """The key leaves the screen and memory once the dialog is done."""
        self.recovery_key = ""
        self.key_label.clear()
        self.group_edit.clear()
