"""An organisation of the coalition's directory, picked by name (loaded in the background)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from shelterdesk.domain.referrals import Organisation
from shelterdesk.i18n import _
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.fields import NOT_RECORDED
from shelterdesk.ui.common.background import run_in_background


class OrganisationPicker(QComboBox):
    """``loaded`` fires once the directory has arrived; a value set earlier is kept."""

    changed = Signal()
    loaded = Signal()

    def __init__(self, session: Session, *, optional: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._optional = optional
        self._pending = ""
        self._orgs: list[Organisation] = []
        self.is_loaded = False
        self.setMinimumContentsLength(28)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.currentIndexChanged.connect(self.changed)
        self.addItem("", "")
        self.retranslate()
        run_in_background(lambda: organisations.list_organisations(session), self._on_loaded,
                          lambda _error: None, owner=self)

    def retranslate(self) -> None:
        self.setItemText(0, _(NOT_RECORDED) if self._optional else _("Choose an organisation…"))

    def _on_loaded(self, orgs: list[Organisation]) -> None:
        self._orgs = orgs
        self.is_loaded = True
        self.blockSignals(True)
        for org in orgs:
            self.addItem(org.name, org.id)
        self.blockSignals(False)
        self.set_value(self._pending)
        self.loaded.emit()

    def value(self) -> str:
        # Until the directory has loaded, the value set (a saved record's) is still the value.
        return self.currentData() or ("" if self.is_loaded else self._pending)

    def set_value(self, value: Any) -> None:
        self._pending = value or ""
        index = self.findData(self._pending)
        if index >= 0:
            self.setCurrentIndex(index)

    def organisation(self, org_id: str) -> Organisation | None:
        return next((o for o in self._orgs if o.id == org_id), None)

    def name_of(self, org_id: str) -> str:
        return next((o.name for o in self._orgs if o.id == org_id), "")

    draft_value = value
    restore = set_value
