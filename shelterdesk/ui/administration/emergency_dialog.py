"""Emergency erase (coordinators): the duress passphrase, erase after N failed unlocks, and
erasing this laptop's keys now. Off by default; the warning says what it costs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import _
from shelterdesk.store.keys import emergency
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.passphrase_fields import PassphrasePairFields

CONFIRM_WORD = "ERASE"


class EmergencyEraseDialog(QDialog):
    """``saved`` carries the new policy; ``erase_requested`` asks the window to destroy this
    laptop's keys and lock (the window owns the session's end)."""

    saved = Signal(object)
    erase_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.current = emergency.policy(session)
        self.warning_label = QLabel()
        self.warning_label.setObjectName("warningBox")
        self.warning_label.setWordWrap(True)
        self.policy_box = QGroupBox()
        self.duress_check = QCheckBox()
        self.duress_check.setChecked(self.current.duress)
        self.duress_hint = QLabel()
        self.duress_hint.setObjectName("hintLabel")
        self.duress_hint.setWordWrap(True)
        self.duress_fields = PassphrasePairFields()
        self.failures_label = QLabel()
        self.failures_spin = QSpinBox()
        self.failures_spin.setRange(0, emergency.MAX_WIPE_AFTER)
        self.failures_spin.setValue(self.current.wipe_after)
        self.failures_label.setBuddy(self.failures_spin)
        self.save_button = QPushButton()
        policy_form = QFormLayout(self.policy_box)
        policy_form.addRow(self.duress_check)
        policy_form.addRow(self.duress_hint)
        policy_form.addRow(self.duress_fields)
        policy_form.addRow(self.failures_label, self.failures_spin)
        policy_form.addRow(self.save_button)
        self.now_box = QGroupBox()
        self.now_label = QLabel()
        self.now_label.setWordWrap(True)
        self.confirm_edit = QLineEdit()
        self.erase_button = QPushButton()
        self.erase_button.setObjectName("dangerButton")
        now_layout = QVBoxLayout(self.now_box)
        now_layout.addWidget(self.now_label)
        now_layout.addWidget(self.confirm_edit)
        now_layout.addWidget(self.erase_button)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.policy_box)
        layout.addWidget(self.now_box)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.duress_check.toggled.connect(self._update)
        self.duress_fields.changed.connect(self._update)
        self.confirm_edit.textChanged.connect(self._update)
        self.save_button.clicked.connect(self.save)
        self.erase_button.clicked.connect(self._erase_now)
        self.setMinimumWidth(600)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Emergency erase"))
        self.warning_label.setText(_(
            "Off unless you turn it on. When it fires, this laptop's keys are destroyed: "
            "nobody — you included — can open ShelterDesk on this laptop again without the "
            "printed recovery key. Turn it on only if the recovery key is kept safely "
            "somewhere else. Other laptops of the organisation keep their data."))
        self.policy_box.setTitle(_("When to erase"))
        self.duress_check.setText(_("A duress passphrase"))
        self.duress_hint.setText(
            _("A duress passphrase is set. Leave the fields empty to keep it, or type a new "
              "one.") if self.current.duress else
            _("Typed at the unlock screen with any user name, it destroys this laptop's keys "
              "and then shows the ordinary “wrong passphrase” message."))
        self.failures_label.setText(_("Erase after this many failed unlocks (0: never)"))
        self.save_button.setText(_("Save these settings"))
        self.now_box.setTitle(_("Erase now"))
        self.now_label.setText(_("Destroys this laptop's keys at once and locks the window. "
                                 "Type {word} to confirm.").format(word=CONFIRM_WORD))
        self.erase_button.setText(_("Erase this laptop's keys now"))
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _update(self) -> None:
        self.duress_fields.setEnabled(self.duress_check.isChecked())
        self.erase_button.setEnabled(self.confirm_edit.text().strip() == CONFIRM_WORD)

    def save(self) -> None:
        session = self.session
        wipe_after = self.failures_spin.value()
        use_duress = self.duress_check.isChecked()
        typed = self.duress_fields.passphrase()
        keep = use_duress and self.current.duress and not typed
        new = None
        if use_duress and not keep:
            try:
                new = self.duress_fields.check()
            except UserFacingError as problem:
                self.message_label.setText(problem.user_message())
                return
        self.message_label.clear()
        self.save_button.setEnabled(False)

        def done(policy: emergency.Policy) -> None:
            self.current = policy
            self.save_button.setEnabled(True)
            self.duress_fields.clear()
            self.retranslate_ui()
            self.message_label.setText(_("Emergency erase is on.") if policy.enabled
                                       else _("Emergency erase is off."))
            self.saved.emit(policy)

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.message_label.setText(describe_error(error))

        run_in_background(lambda: emergency.set_policy(
            session, duress_passphrase=new, wipe_after=wipe_after, keep_duress=keep),
            done, failed, busy=self.busy, owner=self)

    def _erase_now(self) -> None:
        if self.confirm_edit.text().strip() == CONFIRM_WORD:
            self.erase_requested.emit()
