"""Administration (coordinators): users, organisations, shelters, settings, backups, as tabs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from shelterdesk.i18n import _
from shelterdesk.store.vault import Session
from shelterdesk.ui.administration.audit_log_page import AuditLogPage
from shelterdesk.ui.administration.backups_page import BackupsPage
from shelterdesk.ui.administration.organisations_page import OrganisationsPage
from shelterdesk.ui.administration.retention_page import RetentionPage
from shelterdesk.ui.administration.shelters_page import SheltersPage
from shelterdesk.ui.administration.users_page import UsersPage
from shelterdesk.ui.administration.vault_settings_page import VaultSettingsPage
from shelterdesk.ui.common.background import BusyIndicator


class AdministrationPage(QWidget):
    """Forwards its tabs' ``status`` news and the auto-lock change to the window."""

    status = Signal(str)
    auto_lock_changed = Signal(int)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.tabs = QTabWidget()
        self.users_page = UsersPage(session, busy)
        self.organisations_page = OrganisationsPage(session, busy)
        self.shelters_page = SheltersPage(session, busy)
        self.settings_page = VaultSettingsPage(session, busy)
        self.backups_page = BackupsPage(session, busy)
        self.audit_page = AuditLogPage(session, busy)
        self.retention_page = RetentionPage(session, busy)
        for page in (self.users_page, self.organisations_page, self.shelters_page,
                     self.settings_page, self.backups_page, self.audit_page,
                     self.retention_page):
            self.tabs.addTab(page, "")
            page.status.connect(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.title_label)
        layout.addWidget(self.tabs, 1)
        self.settings_page.auto_lock_changed.connect(self.auto_lock_changed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title_label.setText(_("Administration"))
        self.tabs.setTabText(self.tabs.indexOf(self.users_page), _("Users"))
        self.tabs.setTabText(self.tabs.indexOf(self.organisations_page), _("Organisations"))
        self.tabs.setTabText(self.tabs.indexOf(self.shelters_page), _("Shelters"))
        self.tabs.setTabText(self.tabs.indexOf(self.settings_page), _("Settings"))
        self.tabs.setTabText(self.tabs.indexOf(self.backups_page), _("Backups"))
        self.tabs.setTabText(self.tabs.indexOf(self.audit_page), _("Audit log"))
        self.tabs.setTabText(self.tabs.indexOf(self.retention_page), _("Retention"))

    def show_backups(self) -> None:
        self.tabs.setCurrentWidget(self.backups_page)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def drop_data(self) -> None:
        for page in (self.users_page, self.organisations_page, self.shelters_page,
                     self.settings_page, self.backups_page, self.audit_page,
                     self.retention_page):
            page.drop_data()
