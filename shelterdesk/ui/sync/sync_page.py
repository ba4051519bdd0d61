"""The Sync section (coordinators): this laptop's sync place and status, laptops, conflicts."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from shelterdesk.i18n import _
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator
from shelterdesk.ui.sync.auto_sync import AutoSync
from shelterdesk.ui.sync.sync_conflicts_tab import SyncConflictsTab
from shelterdesk.ui.sync.sync_devices_tab import SyncDevicesTab
from shelterdesk.ui.sync.sync_status_tab import SyncStatusTab


class SyncPage(QWidget):
    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 auto_sync: AutoSync | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.tabs = QTabWidget()
        self.status_tab = SyncStatusTab(session, auto_sync, busy)
        self.devices_tab = SyncDevicesTab(session, auto_sync, busy)
        self.conflicts_tab = SyncConflictsTab(session, busy)
        for tab in (self.status_tab, self.devices_tab, self.conflicts_tab):
            self.tabs.addTab(tab, "")
            tab.status.connect(self.status)
        self.auto_sync = auto_sync
        if auto_sync is not None:
            # What arrived may hold new laptops or conflicts: show them. Cut in drop_data():
            # the AutoSync belongs to the window and outlives this page.
            auto_sync.finished.connect(self._refresh_visible)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.title_label)
        layout.addWidget(self.tabs, 1)
        self.retranslate_ui()

    def _refresh_visible(self, _summary: object = None) -> None:
        current = self.tabs.currentWidget()
        if current is not self.status_tab and current.isVisible():
            current.reload()  # type: ignore[attr-defined]

    def retranslate_ui(self) -> None:
        self.title_label.setText(_("Sync"))
        self.tabs.setTabText(self.tabs.indexOf(self.status_tab), _("This laptop"))
        self.tabs.setTabText(self.tabs.indexOf(self.devices_tab), _("Laptops"))
        self.tabs.setTabText(self.tabs.indexOf(self.conflicts_tab), _("Conflicts"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def drop_data(self) -> None:
        if self.auto_sync is not None:
            self.auto_sync.finished.disconnect(self._refresh_visible)
            self.auto_sync = None
        for tab in (self.status_tab, self.devices_tab, self.conflicts_tab):
            tab.drop_data()
