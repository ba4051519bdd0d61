"""Form fields with one interface: ``value()``, ``set_value()``, ``changed`` and draft values.

Every field of a record form is one of these, so a form can read, validate,
keep as a draft and restore itself without knowing which widget is which.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)

from shelterdesk.domain.vocabulary import Vocabulary
from shelterdesk.i18n import N_, _
from shelterdesk.ui.common.dates import DateInput, locale_date_format  # noqa: F401 - re-exported

NOT_RECORDED = N_("Not recorded")
CHOOSE = N_("Choose…")


class TextField(QLineEdit):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.textChanged.connect(self.changed)

    def value(self) -> str:
        return self.text()

    def set_value(self, value: Any) -> None:
        self.setText(str(value or ""))

    def draft_value(self) -> Any:
        return self.value()

    def restore(self, value: Any) -> None:
        self.set_value(value)


class LongTextField(QPlainTextEdit):
    """Multi-line text; Tab moves on to the next field instead of typing a tab."""

    changed = Signal()

    def __init__(self, lines: int = 4, *, grow: bool = False,
                 parent: QWidget | None = None) -> None:
        """``grow``: takes the form's spare height (a summary); otherwise ``lines`` high."""
        super().__init__(parent)
        self.setTabChangesFocus(True)
        height = self.fontMetrics().lineSpacing() * lines + 14
        self.setMinimumHeight(height)
        if not grow:
            self.setMaximumHeight(height)
        self.textChanged.connect(self.changed)

    def value(self) -> str:
        return self.toPlainText()

    def set_value(self, value: Any) -> None:
        self.setPlainText(str(value or ""))

    draft_value = value
    restore = set_value


class CheckField(QCheckBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggled.connect(self.changed)

    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))

    draft_value = value
    restore = set_value


class AnswerField(QComboBox):
    """Yes, no, or not recorded: a question that may not have been asked (not a check box,
    whose empty state would be printed as "No")."""

    changed = Signal()
    CHOICES = ((None, NOT_RECORDED), (True, N_("Yes")), (False, N_("No")))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for _value, _label in self.CHOICES:
            self.addItem("")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.currentIndexChanged.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        for index, (_value, label) in enumerate(self.CHOICES):
            self.setItemText(index, _(label))

    def value(self) -> bool | None:
        return self.CHOICES[max(0, self.currentIndex())][0]

    def set_value(self, value: Any) -> None:
        self.setCurrentIndex(0 if value is None else (1 if value else 2))

    draft_value = value
    restore = set_value


class NumberField(QSpinBox):
    """A whole number, or none ("—") when the field may stay empty."""

    changed = Signal()

    def __init__(self, minimum: int, maximum: int, *, optional: bool = True,
                 suffix: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._optional = optional
        self.setRange(minimum - 1 if optional else minimum, maximum)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("0000 min") + 60)
        self.setSpecialValueText("—" if optional else "")
        self._suffix = suffix
        self.setValue(self.minimum())
        self.valueChanged.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.setSuffix(" " + _(self._suffix) if self._suffix else "")

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        # Typing a digit over "—" replaces it (otherwise "—4" is refused, silently).
        if self.value() is None and event.text().isdigit():
            self.lineEdit().selectAll()
        super().keyPressEvent(event)

    def value(self) -> int | None:  # type: ignore[override]
        number = super().value()
        return None if self._optional and number == self.minimum() else number

    def set_value(self, value: Any) -> None:
        self.setValue(self.minimum() if value is None else int(value))

    draft_value = value
    restore = set_value


class DateField(QWidget):
    """A typed or picked date (weeks start on Monday), four-digit years; may be unset."""

    changed = Signal()

    def __init__(self, *, optional: bool = False, not_after_today: bool = False,
                 years_back: int = 0, parent: QWidget | None = None) -> None:
        """``years_back``: an unset date's calendar opens that far back (a date of birth)."""
        super().__init__(parent)
        self._optional = optional
        self.date_edit = DateInput(optional=optional, years_back=years_back,
                                   minimum=date(1900, 1, 1) if optional else date(1900, 1, 2),
                                   maximum=date.today() if not_after_today else None)
        # Not a Tab stop: in the field, Ctrl+Delete (this action's shortcut) clears it.
        self.clear_action = QAction("×", self)
        self.clear_action.setShortcut(QKeySequence("Ctrl+Del"))
        self.clear_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.clear_action.triggered.connect(lambda _checked=False: self.set_value(None))
        self.clear_button = QToolButton()
        self.clear_button.setDefaultAction(self.clear_action)
        self.clear_button.setAutoRaise(True)
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if optional:
            self.addAction(self.clear_action)
        else:
            self.clear_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.date_edit)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.setFocusProxy(self.date_edit)
        self.date_edit.dateChanged.connect(self._on_changed)
        self.set_value(None if optional else date.today())
        self._on_changed()
        self.retranslate()

    def retranslate(self) -> None:
        self.date_edit.retranslate()
        self.clear_action.setToolTip(_("Clear the date") + " (Ctrl+Del)")
        self.clear_button.setAccessibleName(_("Clear the date"))

    def _on_changed(self) -> None:
        self.clear_action.setEnabled(self.value() is not None)
        self.changed.emit()

    def value(self) -> date | None:
        return self.date_edit.value()

    def set_value(self, value: date | None) -> None:
        self.date_edit.set_value(value)

    def draft_value(self) -> str | None:
        value = self.value()
        return value.isoformat() if value else None

    def restore(self, value: Any) -> None:
        self.set_value(date.fromisoformat(value) if value else None)


class CodePicker(QComboBox):
    """One code of a vocabulary, shown by its translated label; optional ones start empty."""

    changed = Signal()

    def __init__(self, vocabulary: Vocabulary, *, optional: bool = False, choose: bool = False,
                 codes: list[str] | None = None, parent: QWidget | None = None) -> None:
        """``optional``: may stay empty; ``choose``: starts empty but must be chosen."""
        super().__init__(parent)
        self.vocabulary = vocabulary
        self._empty_label = CHOOSE if choose else NOT_RECORDED
        if optional or choose:
            self.addItem("", "")
        for code in codes or vocabulary.codes:
            self.addItem("", code)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.currentIndexChanged.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        for index in range(self.count()):
            code = self.itemData(index)
            self.setItemText(index, self.vocabulary.label(code) if code else _(self._empty_label))

    def value(self) -> str:
        return self.currentData() or ""

    def set_value(self, value: Any) -> None:
        self.setCurrentIndex(max(0, self.findData(value or "")))

    draft_value = value
    restore = set_value


class CodeChecklist(QWidget):
    """Several codes of a multi-valued vocabulary, as check boxes in columns."""

    changed = Signal()

    def __init__(self, vocabulary: Vocabulary, columns: int = 2,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vocabulary = vocabulary
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(2)
        rows = -(-len(vocabulary.codes) // columns)
        for index, code in enumerate(vocabulary.codes):
            box = QCheckBox()
            box.toggled.connect(self.changed)
            self.boxes[code] = box
            grid.addWidget(box, index % rows, index // rows)
        self.setFocusProxy(next(iter(self.boxes.values())))
        self.retranslate()

    def retranslate(self) -> None:
        for code, box in self.boxes.items():
            box.setText(self.vocabulary.label(code))

    def value(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for code, box in self.boxes.items():
            box.setChecked(code in chosen)

    draft_value = value
    restore = set_value
