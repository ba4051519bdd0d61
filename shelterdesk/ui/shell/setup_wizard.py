"""First run: create the vault (organisation, first coordinator), then secure the recovery key.

The wizard does not finish until the recovery key has been written down and
one group of it typed back, because it is shown only this once.
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from shelterdesk.domain.accounts import check_username
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import _
from shelterdesk.store import settings
from shelterdesk.store.keys import recovery
from shelterdesk.store.vault import Session, Vault, check_prefix
from shelterdesk.sync.setup import SyncPlace
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.passphrase_fields import PassphrasePairFields
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.common.resources import icon
from shelterdesk.ui.shell.recovery_sheet import print_recovery_key
from shelterdesk.ui.shell.setup_join import JoinPage, join_and_unlock


def _restyle(label: QLabel, object_name: str, text: str) -> None:
    """Show ``text`` in another style (progress, error, success): the style sheet picks
    colours by object name, and a renamed widget keeps its old look until re-polished."""
    label.setObjectName(object_name)
    label.setText(text)
    label.style().unpolish(label)
    label.style().polish(label)


LANGUAGE_NAMES = (("az", "Azərbaycanca"), ("ru", "Русский"), ("en", "English"))


def _label(object_name: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label


class OrganisationPage(QWizardPage):
    """The language first (every later word is in it), then a new organisation or joining
    one."""

    def __init__(self, wizard: SetupWizard | None = None,
                 language: LanguageSwitcher | None = None) -> None:
        super().__init__()
        self._wizard = wizard
        self.language = language
        self.language_label = QLabel()
        self.language_combo = QComboBox()
        for code, name in LANGUAGE_NAMES:  # each in its own language: findable by anyone
            self.language_combo.addItem(name, code)
        if language is not None:
            self.language_combo.setCurrentIndex(
                max(0, self.language_combo.findData(language.language)))
        self.language_combo.currentIndexChanged.connect(self._language_chosen)
        self.language_label.setBuddy(self.language_combo)
        self.new_radio = QRadioButton()
        self.join_radio = QRadioButton()
        self.new_radio.setChecked(True)
        self.intro_label = _label()
        self.org_name_edit = QLineEdit()
        self.prefix_edit = QLineEdit("SD")
        self.prefix_edit.setMaxLength(6)
        self.prefix_hint_label = _label("hintLabel")
        self.org_name_label = QLabel()
        self.prefix_label = QLabel()
        self.org_name_label.setBuddy(self.org_name_edit)
        self.prefix_label.setBuddy(self.prefix_edit)
        language_row = QFormLayout()
        language_row.addRow(self.language_label, self.language_combo)
        form = QFormLayout()
        form.addRow(self.org_name_label, self.org_name_edit)
        form.addRow(self.prefix_label, self.prefix_edit)
        form.addRow("", self.prefix_hint_label)
        layout = QVBoxLayout(self)
        layout.addLayout(language_row)
        layout.addSpacing(8)
        layout.addWidget(self.new_radio)
        layout.addWidget(self.join_radio)
        layout.addSpacing(8)
        layout.addWidget(self.intro_label)
        layout.addSpacing(8)
        layout.addLayout(form)
        self.prefix_edit.textChanged.connect(self.completeChanged)
        self.org_name_edit.textChanged.connect(self.completeChanged)
        self.join_radio.toggled.connect(self._on_choice)

    def joining(self) -> bool:
        return self.join_radio.isChecked()

    def _on_choice(self) -> None:
        for widget in (self.org_name_edit, self.prefix_edit, self.intro_label,
                       self.org_name_label, self.prefix_label, self.prefix_hint_label):
            widget.setEnabled(not self.joining())
        self.completeChanged.emit()

    def nextId(self) -> int:
        if self._wizard is not None and self.joining():
            return self._wizard.page_id(self._wizard.join_page)
        return super().nextId()

    def retranslate_ui(self) -> None:
        self.new_radio.setText(_("Set up a new organisation on this laptop"))
        self.join_radio.setText(_("Join an existing organisation (another laptop invited "
                                  "this one)"))
        self.setTitle(_("Welcome to ShelterDesk"))
        self.setSubTitle(_("Set up the encrypted vault for your organisation."))
        self.intro_label.setText(_(
            "Everything you record is kept in one encrypted vault on this laptop. "
            "First, tell us about your organisation."))
        self.language_label.setText(_("Language"))
        self.language_combo.setAccessibleName(_("Language"))
        self.org_name_label.setText(_("Organisation name"))
        self.prefix_label.setText(_("Case-code prefix"))
        self.org_name_edit.setAccessibleName(_("Organisation name"))
        self.prefix_edit.setAccessibleName(_("Case-code prefix"))
        self.prefix_hint_label.setText(_(
            "2 to 6 Latin capitals or digits, e.g. TU. Case codes start with it "
            "(TU-2025-…); they never contain a name."))

    def chosen_language(self) -> str:
        return self.language_combo.currentData()

    def _language_chosen(self) -> None:
        if self.language is not None:
            self.language.apply(self.chosen_language())

    def isComplete(self) -> bool:
        if self.joining():
            return True
        if not self.org_name_edit.text().strip():
            return False
        try:
            check_prefix(self.prefix_edit.text())
        except UserFacingError:
            return False
        return True


class CoordinatorPage(QWizardPage):
    """The first coordinator. Its Next button creates the vault, in the background."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.created = False
        self.working = False
        self.intro_label = _label()
        self.username_edit = QLineEdit()
        self.username_label = QLabel()
        self.username_label.setBuddy(self.username_edit)
        # The name printed as the contact person on referral forms (`init --display-name`).
        self.display_name_edit = QLineEdit()
        self.display_name_label = QLabel()
        self.display_name_label.setBuddy(self.display_name_edit)
        self.passphrase = PassphrasePairFields()
        self.busy = BusyIndicator()
        self.message_label = _label("errorMessage")
        self.passphrase.form.insertRow(0, self.username_label, self.username_edit)
        self.passphrase.form.insertRow(1, self.display_name_label, self.display_name_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.busy)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        self.setCommitPage(True)
        self.username_edit.textChanged.connect(self.completeChanged)
        self.passphrase.changed.connect(self.completeChanged)

    def retranslate_ui(self) -> None:
        self.setTitle(_("The first coordinator"))
        self.setSubTitle(_("This person manages users, settings and backups."))
        self.intro_label.setText(_(
            "Choose your user name and a passphrase. A few unrelated words are easier to "
            "remember and harder to guess than a short password."))
        self.username_label.setText(_("User name"))
        self.username_edit.setAccessibleName(_("User name"))
        self.username_edit.setPlaceholderText(_("lowercase Latin letters, e.g. aysel"))
        self.display_name_label.setText(_("Display name"))
        self.display_name_edit.setAccessibleName(_("Display name"))
        self.display_name_edit.setPlaceholderText(_("full name, printed on referral forms"))
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Create the vault"))

    def initializePage(self) -> None:
        # Top to bottom: the user name row was inserted above fields created before it
        # (set here, once the page is inside the wizard, whose buttons join the chain).
        QWidget.setTabOrder(self.username_edit, self.passphrase.passphrase_edit)
        QWidget.setTabOrder(self.passphrase.passphrase_edit, self.passphrase.repeat_edit)
        # The first field is the user name: typed there, not (hidden) into the passphrase.
        # After the wizard has shown the page (it focuses a widget of its own choosing).
        QTimer.singleShot(0, lambda: self.username_edit.setFocus(
            Qt.FocusReason.OtherFocusReason))

    def isComplete(self) -> bool:
        return (not self.working and bool(self.username_edit.text().strip())
                and self.passphrase.is_acceptable())

    def validatePage(self) -> bool:
        if self.created:
            return True
        if self.working:
            return False
        try:
            username = check_username(self.username_edit.text())
            passphrase = self.passphrase.check()
        except UserFacingError as error:
            _restyle(self.message_label, "errorMessage", error.user_message())
            return False
        _restyle(self.message_label, "hintLabel", _(
            "Creating the vault and measuring this laptop's speed (a few seconds)…"))
        self.working = True
        self.completeChanged.emit()
        self.username_edit.setEnabled(False)
        self.display_name_edit.setEnabled(False)
        self.passphrase.setEnabled(False)
        self._wizard.set_navigation_enabled(False)
        self._wizard.create_vault(username, passphrase, self._on_created, self._on_failed,
                                  self.busy)
        return False

    def _on_created(self) -> None:
        self.working = False
        self.created = True
        self.message_label.clear()
        self._wizard.set_navigation_enabled(True)
        self._wizard.next()

    def _on_failed(self, error: BaseException) -> None:
        self.working = False
        self.username_edit.setEnabled(True)
        self.display_name_edit.setEnabled(True)
        self.passphrase.setEnabled(True)
        self._wizard.set_navigation_enabled(True)
        _restyle(self.message_label, "errorMessage", describe_error(error))
        self.completeChanged.emit()


class RecoveryKeyPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.intro_label = _label()
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton()
        self.print_button.setIcon(icon("print"))
        self.written_check = QCheckBox()
        self.keep_label = _label("hintLabel")
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.key_label)
        layout.addLayout(buttons)
        layout.addWidget(self.keep_label)
        layout.addWidget(self.written_check)
        layout.addStretch(1)
        self.print_button.clicked.connect(self._print)
        self.written_check.toggled.connect(self.completeChanged)

    def retranslate_ui(self) -> None:
        self.setTitle(_("Your recovery key"))
        self.setSubTitle(_("Shown only this once."))
        self.intro_label.setText(_(
            "If every coordinator forgets their passphrase, this key is the only way back "
            "into the vault. Write it down by hand or print it now."))
        self.print_button.setText(_("Print…"))
        self.keep_label.setText(_(
            "Keep it sealed in a locked place away from this laptop. Anyone who has both "
            "can read everything."))
        self.written_check.setText(_("I have written it down or printed it"))

    def initializePage(self) -> None:
        self.key_label.setText(self._wizard.recovery_key)

    def isComplete(self) -> bool:
        return self.written_check.isChecked()

    def _print(self) -> None:
        print_recovery_key(self, self._wizard.recovery_key, self._wizard.org_name)


class ConfirmKeyPage(QWizardPage):
    """One group of the key typed back proves it was really written down."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.group_index = 0
        self.intro_label = _label()
        self.group_edit = QLineEdit()
        self.group_edit.setMaxLength(recovery.GROUP + 2)
        self.group_label = QLabel()
        self.group_label.setBuddy(self.group_edit)
        self.feedback_label = _label("hintLabel")
        form = QFormLayout()
        form.addRow(self.group_label, self.group_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addWidget(self.feedback_label)
        layout.addStretch(1)
        self.group_edit.textChanged.connect(self._on_typed)

    def initializePage(self) -> None:
        count = len(recovery.groups(self._wizard.recovery_key))
        self.group_index = secrets.randbelow(count)
        self.group_edit.clear()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        number = self.group_index + 1
        self.setTitle(_("Check the recovery key"))
        self.setSubTitle(_("From what you wrote down, not from the screen."))
        self.intro_label.setText(_(
            "Type group {number} of your recovery key, counting from the left."
        ).format(number=number))
        self.group_label.setText(_("Group {number}").format(number=number))
        self.group_edit.setAccessibleName(_("Group {number}").format(number=number))
        self._on_typed()

    def expected_group(self) -> str:
        return recovery.groups(self._wizard.recovery_key)[self.group_index]

    def matches(self) -> bool:
        if not self._wizard.recovery_key:  # not made yet, or wiped once the wizard is done
            return False
        typed = self.group_edit.text().strip().upper()
        return bool(typed) and typed == self.expected_group()

    def _on_typed(self) -> None:
        typed = self.group_edit.text().strip()
        # Right and wrong look different (green and red), not only read different.
        if not typed:
            _restyle(self.feedback_label, "hintLabel", "")
        elif self.matches():
            _restyle(self.feedback_label, "okMessage",
                     "✓ " + _("That is right. The vault is ready."))
        elif len(typed) >= recovery.GROUP:
            _restyle(self.feedback_label, "errorMessage",
                     "✗ " + _("That does not match; check what you wrote."))
        else:
            _restyle(self.feedback_label, "hintLabel", "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.matches()

    def nextId(self) -> int:
        return -1  # the join page comes after this one in order, never after it in the flow


class SetupWizard(QWizard):
    """Emits ``completed`` with an open session for the new coordinator when it finishes."""

    completed = Signal(object)  # Session

    def __init__(self, vault: Vault, parent: QWidget | None = None, *,
                 language: LanguageSwitcher | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.recovery_key = ""
        self.org_name = ""
        self.session: Session | None = None
        self.setWindowIcon(icon("app"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, icon("app").pixmap(48, 48))
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.organisation_page = OrganisationPage(self, language)
        self.coordinator_page = CoordinatorPage(self)
        self.recovery_page = RecoveryKeyPage(self)
        self.confirm_page = ConfirmKeyPage(self)
        self.join_page = JoinPage(self)
        for page in (self.organisation_page, self.coordinator_page, self.recovery_page,
                     self.confirm_page, self.join_page):
            self.addPage(page)
        self.setMinimumSize(640, 520)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("ShelterDesk — first start"))
        for page_id in self.pageIds():
            page = self.page(page_id)
            page.retranslate_ui()  # type: ignore[attr-defined]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def page_id(self, page: QWizardPage) -> int:
        return next(i for i in self.pageIds() if self.page(i) is page)

    def join(self, code: str, place: SyncPlace, username: str, passphrase: str, on_success,
             on_failure, busy: BusyIndicator, on_sas=None, stop=None) -> None:
        """Enrol this laptop with an invitation, in the background; then the recovery key."""
        vault = self.vault

        def done(result: tuple[str, Session]) -> None:
            self.recovery_key, self.session = result
            self.org_name = self.session.meta("org_name")
            self.setOption(QWizard.WizardOption.NoCancelButton, True)
            on_success()

        run_in_background(lambda: join_and_unlock(vault, code, place, username, passphrase,
                                                  on_sas, stop),
                          done, on_failure, busy=busy, owner=self, waits=True)

    def set_navigation_enabled(self, enabled: bool) -> None:
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            button = self.button(which)
            if button is not None:
                button.setEnabled(enabled)

    def create_vault(self, username: str, passphrase: str, on_success, on_failure,
                     busy: BusyIndicator) -> None:
        vault = self.vault
        org_name = self.organisation_page.org_name_edit.text().strip()
        prefix = self.organisation_page.prefix_edit.text()
        display_name = self.coordinator_page.display_name_edit.text().strip()

        language = self.organisation_page.chosen_language()

        def work() -> tuple[str, Session]:
            created = vault.create(username, passphrase, org_name=org_name, prefix=prefix,
                                   display_name=display_name)
            session = vault.unlock(username, passphrase)
            settings.set_value(session, "language", language)  # the one chosen on page 1
            return created.recovery_key, session

        def done(result: tuple[str, Session]) -> None:
            self.recovery_key, self.session = result
            self.org_name = org_name
            # The vault exists now: there is no going back or cancelling, only forward.
            self.setOption(QWizard.WizardOption.NoCancelButton, True)
            on_success()

        run_in_background(work, done, on_failure, busy=busy, owner=self)

    def accept(self) -> None:
        if self.session is None or not self.confirm_page.matches():
            return
        session = self.session
        session.confirm_recovery_key()  # one group typed back: it was written down
        self.session = None
        self.recovery_key = ""
        self.recovery_page.key_label.clear()
        super().accept()
        self.completed.emit(session)

    def reject(self) -> None:
        # Once the vault exists the recovery key must be confirmed; closing is refused.
        if self.session is not None:
            return
        self.join_page.stop.set()  # a join waiting for the coordinator gives up
        super().reject()

    def close_session(self) -> None:
        """At quit: if the wizard was left half-way, lock the vault it created."""
        if self.session is not None:
            self.session.close(action="logout")
            self.session = None
