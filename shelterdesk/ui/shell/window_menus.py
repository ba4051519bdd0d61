"""The main window's menu bar: Help (user guide, About) for everyone, even while locked, and
the coordinator's Issue a new recovery key…, Rotate keys… and Emergency erase…"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from shelterdesk.domain.roles import Role
from shelterdesk.i18n import _
from shelterdesk.store.vault import Session
from shelterdesk.ui.administration.emergency_dialog import EmergencyEraseDialog
from shelterdesk.ui.administration.rotate_keys_dialog import RotateKeysDialog
from shelterdesk.ui.shell.about_dialog import AboutDialog
from shelterdesk.ui.shell.help_window import HelpWindow
from shelterdesk.ui.shell.new_recovery_key_dialog import NewRecoveryKeyDialog


class WindowMenus(QObject):
    """``erase_keys_requested`` asks the window to destroy this laptop's keys and lock."""

    erase_keys_requested = Signal()
    recovery_key_confirmed = Signal()  # a new recovery key was issued and typed back

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session: Session | None = None
        bar = window.menuBar()
        self.vault_menu = QMenu(window)
        self.emergency_action = QAction(window)
        self.emergency_action.triggered.connect(self.open_emergency)
        self.recovery_key_action = QAction(window)
        self.recovery_key_action.triggered.connect(self.open_new_recovery_key)
        self.rotate_keys_action = QAction(window)
        self.rotate_keys_action.triggered.connect(self.open_rotate_keys)
        self.vault_menu.addAction(self.recovery_key_action)
        self.vault_menu.addAction(self.rotate_keys_action)
        self.vault_menu.addAction(self.emergency_action)
        # Not the QAction that addMenu() returns kept in Python: that one is the menu's own
        # (made in C++), and PySide can invalidate a wrapper it holds for it while the
        # action lives on (then the window could no longer lock or close). Asked each time.
        bar.addMenu(self.vault_menu)
        self.help_menu = QMenu(window)
        self.guide_action = QAction(window)
        self.guide_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.guide_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.guide_action.triggered.connect(self.open_guide)
        self.about_action = QAction(window)
        self.about_action.triggered.connect(self.open_about)
        self.help_menu.addAction(self.guide_action)
        self.help_menu.addAction(self.about_action)
        bar.addMenu(self.help_menu)
        self.help_window: HelpWindow | None = None
        self.about_dialog: AboutDialog | None = None
        self.emergency_dialog: EmergencyEraseDialog | None = None
        self.recovery_key_dialog: NewRecoveryKeyDialog | None = None
        self.rotate_keys_dialog: RotateKeysDialog | None = None
        self.set_session(None)
        self.retranslate_ui()

    @property
    def vault_menu_action(self) -> QAction:
        """The bar's entry for the Vault menu, asked of the menu each time: a wrapper kept
        from ``addMenu`` can be invalidated by PySide while the menu lives on."""
        return self.vault_menu.menuAction()

    def retranslate_ui(self) -> None:
        self.vault_menu.setTitle(_("&Vault"))
        self.emergency_action.setText(_("Emergency erase…"))
        self.recovery_key_action.setText(_("Issue a new recovery key…"))
        self.rotate_keys_action.setText(_("Rotate keys…"))
        self.help_menu.setTitle(_("&Help"))
        self.guide_action.setText(_("User guide"))
        self.about_action.setText(_("About ShelterDesk"))

    def set_session(self, session: Session | None) -> None:
        """The coordinator's menu shows only while a coordinator is signed in."""
        self.session = session
        self.vault_menu_action.setVisible(
            session is not None and session.user.has_role(Role.COORDINATOR))

    def open_guide(self) -> HelpWindow:
        if self.help_window is None:
            self.help_window = HelpWindow(self.window)
        self.help_window.show()
        self.help_window.raise_()
        return self.help_window

    def open_about(self) -> AboutDialog:
        self.about_dialog = AboutDialog(self.window)
        self.about_dialog.open()
        return self.about_dialog

    def open_emergency(self) -> EmergencyEraseDialog | None:
        if self.session is None or not self.session.user.has_role(Role.COORDINATOR):
            return None
        self.emergency_dialog = EmergencyEraseDialog(self.session, self.window)
        self.emergency_dialog.erase_requested.connect(self.erase_keys_requested)
        self.emergency_dialog.open()
        return self.emergency_dialog

    def open_new_recovery_key(self) -> NewRecoveryKeyDialog | None:
        """Issue a new recovery key (coordinators); the old one is void once it is issued."""
        if self.session is None or not self.session.user.has_role(Role.COORDINATOR):
            return None
        self.recovery_key_dialog = NewRecoveryKeyDialog(self.session, self.window)
        self.recovery_key_dialog.confirmed.connect(self.recovery_key_confirmed)
        self.recovery_key_dialog.open()
        return self.recovery_key_dialog

    def open_rotate_keys(self) -> RotateKeysDialog | None:
        """New keys for the vault and its compartments (coordinators), in the background."""
        if self.session is None or not self.session.user.has_role(Role.COORDINATOR):
            return None
        self.rotate_keys_dialog = RotateKeysDialog(self.session, self.window)
        self.rotate_keys_dialog.open()
        return self.rotate_keys_dialog
