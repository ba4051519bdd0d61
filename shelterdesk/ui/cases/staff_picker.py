"""A colleague (the worker assigned to a case), picked by name, loaded in the background."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from shelterdesk.i18n import _
from shelterdesk.store.records import staff
from shelterdesk.store.records.staff import StaffMember
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import run_in_background


class StaffPicker(QComboBox):
    """Active colleagues; ``any_label`` adds a first entry meaning "anyone" (for filters)."""

    changed = Signal()
    loaded = Signal(object)  # list[StaffMember]

    def __init__(self, session: Session, *, any_label: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._any_label = any_label
        self._pending = session.user.id if not any_label else ""
        self.members: list[StaffMember] = []
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        if any_label:
            self.addItem("", "")
        else:
            # Until the list arrives the current user stands alone (the usual answer).
            self.addItem(session.user.display_name or session.user.username, session.user.id)
        self.currentIndexChanged.connect(self.changed)
        self.retranslate()
        run_in_background(lambda: staff.list_staff(session), self._on_loaded,
                          lambda _error: None, owner=self)

    def retranslate(self) -> None:
        if self._any_label:
            self.setItemText(0, _(self._any_label))

    def _on_loaded(self, members: list[StaffMember]) -> None:
        self.members = members
        pending = self._pending
        self.blockSignals(True)
        for index in range(self.count() - 1, 0 if self._any_label else -1, -1):
            self.removeItem(index)
        for member in members:
            if not member.disabled:
                self.addItem(member.name, member.id)
        self.blockSignals(False)
        self.set_value(pending)
        self.view().setMinimumWidth(self.view().sizeHintForColumn(0) + 24)
        self.loaded.emit(members)

    def value(self) -> str:
        return self.currentData() or ""

    def set_value(self, value: Any) -> None:
        self._pending = value or ""
        index = self.findData(self._pending)
        if index >= 0:
            self.setCurrentIndex(index)

    draft_value = value
    restore = set_value
