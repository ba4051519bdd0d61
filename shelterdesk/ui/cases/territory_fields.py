"""Countries and languages by their names in the current language: one, or several."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.vocabulary import fold
from shelterdesk.i18n import _, format_list
from shelterdesk.i18n.territories import (
    country_codes,
    country_name,
    language_codes,
    language_name,
)
from shelterdesk.ui.cases.fields import NOT_RECORDED

# Shown first: where most clients come from and go to.
COMMON_COUNTRIES = ("AZ", "TR", "RU", "AE", "GE", "IR")
COMMON_LANGUAGES = ("az", "ru", "en", "tr")


def _ordered(codes: frozenset[str], common: tuple[str, ...],
             name: Callable[[str], str]) -> list[str]:
    rest = sorted((c for c in codes if c not in common), key=lambda c: fold(name(c)))
    return [c for c in common if c in codes] + rest


class CountryPicker(QComboBox):
    """One country (nationality); type the first letters of its name to jump to it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxVisibleItems(16)
        self.currentIndexChanged.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        current = self.value() if self.count() else ""
        self.blockSignals(True)
        self.clear()
        self.addItem(_(NOT_RECORDED), "")
        for code in _ordered(country_codes(), COMMON_COUNTRIES, country_name):
            self.addItem(country_name(code), code)
        self.set_value(current)
        self.blockSignals(False)

    def value(self) -> str:
        return self.currentData() or ""

    def set_value(self, value: Any) -> None:
        self.setCurrentIndex(max(0, self.findData(value or "")))

    draft_value = value
    restore = set_value


class TerritoryChecklist(QWidget):
    """Several countries or languages: a filter box over a checkable list, chosen ones first."""

    changed = Signal()

    def __init__(self, codes: frozenset[str], common: tuple[str, ...],
                 name: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._codes, self._common, self._name = codes, common, name
        self._chosen: list[str] = []
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.list_widget = QListWidget()
        self.list_widget.setUniformItemSizes(True)
        self.list_widget.setMaximumHeight(self.fontMetrics().lineSpacing() * 6 + 12)
        self.chosen_label = QLabel()
        self.chosen_label.setObjectName("hintLabel")
        self.chosen_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list_widget)
        layout.addWidget(self.chosen_label)
        self.setFocusProxy(self.filter_edit)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.list_widget.itemChanged.connect(self._on_item_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.filter_edit.setPlaceholderText(_("Type to find…"))
        self.list_widget.blockSignals(True)
        self.list_widget.clear()
        for code in _ordered(self._codes, self._common, self._name):
            item = QListWidgetItem(self._name(code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in self._chosen
                               else Qt.CheckState.Unchecked)
            self.list_widget.addItem(item)
        self.list_widget.blockSignals(False)
        self._apply_filter()
        self._update_summary()

    def set_accessible_label(self, label: str) -> None:
        """The filter box and the list, each named after the form's label."""
        self.filter_edit.setAccessibleName(_("{field}: type to find").format(field=label))
        self.list_widget.setAccessibleName(label)
        self.list_widget.setAccessibleDescription(
            _("Space ticks or unticks the highlighted entry; the ticked ones are listed below."))

    def _apply_filter(self) -> None:
        wanted = fold(self.filter_edit.text())
        for row in range(self.list_widget.count()):
            item = self.list_widget.item(row)
            code = item.data(Qt.ItemDataRole.UserRole)
            visible = not wanted or wanted in fold(item.text()) or wanted == code.lower()
            item.setHidden(not visible)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        code = item.data(Qt.ItemDataRole.UserRole)
        checked = item.checkState() == Qt.CheckState.Checked
        if checked and code not in self._chosen:
            self._chosen.append(code)
        elif not checked and code in self._chosen:
            self._chosen.remove(code)
        self._update_summary()
        self.changed.emit()

    def _update_summary(self) -> None:
        names = [self._name(code) for code in self._chosen]
        self.chosen_label.setText(_("Chosen: {names}").format(names=format_list(names))
                                  if names else _("None chosen yet."))

    def value(self) -> list[str]:
        return list(self._chosen)

    def set_value(self, value: Any) -> None:
        self._chosen = [code for code in (value or []) if code in self._codes]
        self.retranslate()
        self.changed.emit()

    draft_value = value
    restore = set_value


def country_checklist() -> TerritoryChecklist:
    return TerritoryChecklist(country_codes(), COMMON_COUNTRIES, country_name)


def language_checklist() -> TerritoryChecklist:
    return TerritoryChecklist(language_codes(), COMMON_LANGUAGES, language_name)
