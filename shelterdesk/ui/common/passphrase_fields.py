"""A new passphrase typed twice, with a strength hint and a match check (wizard and dialogs)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFocusEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QToolTip, QWidget

from shelterdesk.domain.accounts import (
    MIN_PASSPHRASE_LENGTH,
    PassphraseMismatch,
    check_passphrase,
    passphrase_strength,
)
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_, _
from shelterdesk.ui.common.resources import icon

STRENGTH_LABELS = (
    N_("Too short"),
    N_("Weak: add more words"),
    N_("Fair: a few more words would help"),
    N_("Good"),
    N_("Strong"),
)


class PassphraseEdit(QLineEdit):
    """A hidden passphrase with a show/hide button, that warns when Caps Lock seems on.

    Qt cannot ask the keyboard for Caps Lock, so it is read from what is typed: a
    capital letter without Shift (or a small one with it) means Caps Lock is on; a
    passphrase typed that way fails, and the person cannot see why.
    """

    caps_lock_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caps_lock_on = False
        self.setEchoMode(QLineEdit.EchoMode.Password)
        # Keep passphrases out of input-method prediction and history.
        self.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData
                                 | Qt.InputMethodHint.ImhNoPredictiveText
                                 | Qt.InputMethodHint.ImhHiddenText)
        self.show_action = QAction(icon("eye"), "", self)
        self.show_action.setCheckable(True)
        self.show_action.toggled.connect(self.set_shown)
        # The eye is not a Tab stop (a passphrase field should not cost two); Ctrl+H in
        # the field does the same (as in KeePassXC).
        self.show_action.setShortcut(QKeySequence("Ctrl+H"))
        self.show_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.addAction(self.show_action, QLineEdit.ActionPosition.TrailingPosition)
        self.retranslate()

    def retranslate(self) -> None:
        text = _("Hide the passphrase") if self.show_action.isChecked() \
            else _("Show the passphrase")
        self.show_action.setText(text)
        self.show_action.setToolTip(f"{text} (Ctrl+H)")
        self._update_warning()

    def set_shown(self, shown: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.retranslate()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        text = event.text()
        if len(text) == 1 and text.isalpha() and text.lower() != text.upper():
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._set_caps_lock(text.isupper() != shift)
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        QToolTip.hideText()
        super().focusOutEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def warning(self) -> str:
        return _("Caps Lock is on") if self.caps_lock_on else ""

    def _set_caps_lock(self, on: bool) -> None:
        if on == self.caps_lock_on:
            return
        self.caps_lock_on = on
        self._update_warning()
        self.caps_lock_changed.emit(on)

    def _update_warning(self) -> None:
        # Shown beside the field while typing (a tooltip), and kept in the field's
        # accessible description for screen readers.
        self.setAccessibleDescription(self.warning())
        if self.caps_lock_on and self.hasFocus():
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), self.warning(), self)
        elif not self.caps_lock_on:
            QToolTip.hideText()


def password_edit() -> PassphraseEdit:
    return PassphraseEdit()


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
