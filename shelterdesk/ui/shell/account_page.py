"""My account: every user's own passphrase, language and privacy mode."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.roles import role_label
from shelterdesk.i18n import N_, _, format_list
from shelterdesk.store import settings
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.passphrase_fields import PassphrasePairFields, password_edit

# Each language is named in itself, so a person can find theirs whatever is shown now.
LANGUAGE_CHOICES: tuple[tuple[str, str], ...] = (
    ("", N_("As the computer is set")),
    ("az", "Azərbaycanca"),
    ("ru", "Русский"),
    ("en", "English"),
)


class AccountPage(QWidget):
    """Emits ``language_chosen`` (a code, '' for the system's) and ``status`` news."""

    language_chosen = Signal(str)
    privacy_mode_changed = Signal(bool)
    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.who_label = QLabel()
        self.who_label.setTextFormat(Qt.TextFormat.PlainText)  # user data, never markup
        self.who_label.setObjectName("pageIntro")
        self.who_label.setWordWrap(True)

        self.preferences_group = QGroupBox()
        self.language_combo = QComboBox()
        self.privacy_check = QCheckBox()
        self.privacy_hint_label = QLabel()
        self.privacy_hint_label.setWordWrap(True)
        self.privacy_hint_label.setObjectName("hintLabel")
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language_combo)
        # The fields sit in an inner widget: Qt names a group box's direct children after its
        # title too, and Orca announced the language box as "My settings".
        preferences_fields = QWidget()
        group_layout = QVBoxLayout(self.preferences_group)
        group_layout.addWidget(preferences_fields)
        preferences = QFormLayout(preferences_fields)
        preferences.setContentsMargins(0, 0, 0, 0)
        preferences.addRow(self.language_label, self.language_combo)
        preferences.addRow(self.privacy_check)
        preferences.addRow(self.privacy_hint_label)

        self.passphrase_group = QGroupBox()
        self.current_edit = password_edit()
        self.current_label = QLabel()
        self.current_label.setBuddy(self.current_edit)
        self.new_passphrase = PassphrasePairFields()
        self.change_button = QPushButton()
        self.passphrase_message_label = QLabel()
        self.passphrase_message_label.setWordWrap(True)
        self.passphrase_message_label.setObjectName("errorMessage")
        self.new_passphrase.form.insertRow(0, self.current_label, self.current_edit)
        self.new_passphrase.form.addRow("", self.change_button)
        # Inserted above the pair after they were made: read top to bottom, not by age.
        chain = (self.current_edit, self.new_passphrase.passphrase_edit,
                 self.new_passphrase.repeat_edit, self.change_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        passphrase_layout = QVBoxLayout(self.passphrase_group)
        passphrase_layout.addWidget(self.new_passphrase)
        passphrase_layout.addWidget(self.passphrase_message_label)

        column = QWidget()
        column.setMaximumWidth(640)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.who_label)
        layout.addWidget(self.preferences_group)
        layout.addWidget(self.passphrase_group)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 20)
        outer.addWidget(column)

        with session.lock:
            language = settings.get(session, "language")
            privacy = settings.get(session, "privacy_mode")
        for code, _label in LANGUAGE_CHOICES:
            self.language_combo.addItem("", code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(language)))
        self.privacy_check.setChecked(bool(privacy))
        self.language_combo.currentIndexChanged.connect(self._on_language_picked)
        self.privacy_check.toggled.connect(self._on_privacy_toggled)
        self.change_button.clicked.connect(self.change_passphrase)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        user = self.session.user
        self.title_label.setText(_("My account"))
        self.who_label.setText(_("You are logged in as {user} ({roles}).").format(
            user=user.username, roles=format_list([role_label(r) for r in user.roles])))
        self.preferences_group.setTitle(_("My settings"))
        self.language_label.setText(_("Language"))
        for index, (_code, label) in enumerate(LANGUAGE_CHOICES):
            self.language_combo.setItemText(index, _(label) if index == 0 else label)
        self.language_combo.setAccessibleName(_("Language"))
        self.language_combo.setAccessibleDescription(
            _("The language of the window, kept for your user name."))
        self.privacy_check.setText(_("Privacy mode: show case codes and initials instead of "
                                     "names"))
        self.privacy_hint_label.setText(_(
            "A name can still be shown for 30 seconds with the eye button; each time is "
            "recorded in the audit log."))
        self.passphrase_group.setTitle(_("Change my passphrase"))
        self.current_label.setText(_("Current passphrase"))
        self.current_edit.setAccessibleName(_("Current passphrase"))
        self.change_button.setText(_("Change passphrase"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def drop_data(self) -> None:
        self.current_edit.clear()
        self.new_passphrase.clear()

    def _on_language_picked(self, index: int) -> None:
        code = self.language_combo.itemData(index)
        session = self.session

        def saved(_result: object) -> None:
            self.language_chosen.emit(code)
            self.status.emit(_("Saved."))

        run_in_background(lambda: settings.set_value(session, "language", code), saved,
                          self._report, busy=self.busy, owner=self)

    def _on_privacy_toggled(self, on: bool) -> None:
        session = self.session

        def saved(_result: object) -> None:
            self.privacy_mode_changed.emit(on)
            self.status.emit(_("Saved."))

        run_in_background(lambda: settings.set_value(session, "privacy_mode", on), saved,
                          self._report, busy=self.busy, owner=self)

    def _report(self, error: BaseException) -> None:
        self.status.emit(describe_error(error))

    def change_passphrase(self) -> None:
        self.passphrase_message_label.setObjectName("errorMessage")
        try:
            new = self.new_passphrase.check()
        except UserFacingError as error:
            self._show_passphrase_message(error.user_message(), ok=False)
            return
        session, current = self.session, self.current_edit.text()
        self.change_button.setEnabled(False)
        self._show_passphrase_message(_("Changing the passphrase…"), ok=True)
        run_in_background(lambda: users.change_own_passphrase(session, current, new),
                          self._on_changed, self._on_change_failed, busy=self.busy, owner=self)

    def _on_changed(self, _result: object) -> None:
        self.change_button.setEnabled(True)
        self.drop_data()
        self._show_passphrase_message(_("Your passphrase has been changed."), ok=True)
        self.status.emit(_("Passphrase changed."))

    def _on_change_failed(self, error: BaseException) -> None:
        self.change_button.setEnabled(True)
        self._show_passphrase_message(describe_error(error), ok=False)

    def _show_passphrase_message(self, text: str, *, ok: bool) -> None:
        label = self.passphrase_message_label
        label.setObjectName("okMessage" if ok else "errorMessage")
        label.style().unpolish(label)
        label.style().polish(label)
        label.setText(text)
