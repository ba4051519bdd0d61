"""A new passphrase typed twice, with a strength hint and a match check (wizard and dialogs)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from shelterdesk.domain.accounts import (
    MIN_PASSPHRASE_LENGTH,
    PassphraseMismatch,
    check_passphrase,
    passphrase_strength,
)
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_, _

STRENGTH_LABELS = (
    N_("Too short"),
    N_("Weak: add more words"),
    N_("Fair: a few more words would help"),
    N_("Good"),
    N_("Strong"),
)


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    # Keep passphrases out of input-method prediction and history.
    edit.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData
                             | Qt.InputMethodHint.ImhNoPredictiveText
                             | Qt.InputMethodHint.ImhHiddenText)
    return edit


class PassphrasePairFields(QWidget):
    """Two fields that must match; ``changed`` fires on every keystroke."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.passphrase_edit = password_edit()
        self.repeat_edit = password_edit()
        self.strength_label = QLabel()
        self.strength_label.setObjectName("strengthHint")
        self.strength_label.setWordWrap(True)
        self.match_label = QLabel()
        self.match_label.setObjectName("hintLabel")
        self.passphrase_label = QLabel()
        self.repeat_label = QLabel()
        self.passphrase_label.setBuddy(self.passphrase_edit)
        self.repeat_label.setBuddy(self.repeat_edit)
        # Public, so a form can put its own rows (user name, current passphrase) in line.
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.passphrase_label, self.passphrase_edit)
        self.form.addRow("", self.strength_label)
        self.form.addRow(self.repeat_label, self.repeat_edit)
        self.form.addRow("", self.match_label)
        self.passphrase_edit.textChanged.connect(self._update)
        self.repeat_edit.textChanged.connect(self._update)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.passphrase_label.setText(_("New passphrase"))
        self.repeat_label.setText(_("Repeat it"))
        self.passphrase_edit.setAccessibleName(_("New passphrase"))
        self.repeat_edit.setAccessibleName(_("Repeat the new passphrase"))
        self.passphrase_edit.setPlaceholderText(
            _("At least {minimum} characters; several words are best").format(
                minimum=MIN_PASSPHRASE_LENGTH))
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def clear(self) -> None:
        self.passphrase_edit.clear()
        self.repeat_edit.clear()

    def is_acceptable(self) -> bool:
        try:
            self.check()
        except UserFacingError:
            return False
        return True

    def check(self) -> str:
        """The passphrase, or the UserFacingError that explains why it cannot be used."""
        first = self.passphrase_edit.text()
        check_passphrase(first)
        if first != self.repeat_edit.text():
            raise PassphraseMismatch()
        return first

    def _update(self) -> None:
        first = self.passphrase_edit.text()
        if first:
            score = passphrase_strength(first)
            self.strength_label.setText(
                _("Strength: {label}").format(label=_(STRENGTH_LABELS[score])))
            self.strength_label.setProperty("strength", str(score))
        else:
            self.strength_label.setText("")
            self.strength_label.setProperty("strength", "")
        # A dynamic property only restyles after the style is re-applied.
        self.strength_label.style().unpolish(self.strength_label)
        self.strength_label.style().polish(self.strength_label)
        repeat = self.repeat_edit.text()
        if not repeat:
            self.match_label.setText("")
        elif repeat == first:
            self.match_label.setText(_("The two passphrases match."))
        else:
            self.match_label.setText(_("The two passphrases are not the same yet."))
        for label in (self.strength_label, self.match_label):
            self.form.setRowVisible(label, bool(label.text()))
        self.changed.emit()
