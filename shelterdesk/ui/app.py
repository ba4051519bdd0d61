"""Starting the Qt application on a vault directory (or a throwaway demo vault)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget

from shelterdesk.i18n import _
from shelterdesk.store.vault import Vault
from shelterdesk.ui.unlock_page import UnlockPage

DEMO_USER = "demo"
DEMO_PASSPHRASE = "demo passphrase"


class MainWindow(QMainWindow):
    """The window: locked page or the work area, as pages of one stack."""

    def __init__(self, vault: Vault, hint: str = "") -> None:
        super().__init__()
        self.vault = vault
        self.session = None
        self.setWindowTitle("ShelterDesk")
        self.stack = QStackedWidget()
        self.unlock_page = UnlockPage(vault, hint)
        self.work_page = QLabel()
        self.stack.addWidget(self.unlock_page)
        self.stack.addWidget(self.work_page)
        self.setCentralWidget(self.stack)
        self.unlock_page.unlocked.connect(self._on_unlocked)
        self.resize(1000, 680)

    def _on_unlocked(self, session) -> None:
        self.session = session
        self.work_page.setText(_("Unlocked as {user}.").format(user=session.user.username))
        self.stack.setCurrentWidget(self.work_page)

    def closeEvent(self, event) -> None:
        if self.session is not None:
            self.session.close()
        super().closeEvent(event)


def run_app(data_dir: Path, demo: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    temp_dir = None
    hint = ""
    if demo:
        temp_dir = tempfile.mkdtemp(prefix="shelterdesk-demo-")
        vault = Vault(Path(temp_dir) / "vault")
        vault.create(DEMO_USER, DEMO_PASSPHRASE, org_name="Demo", prefix="DEMO")
        hint = _("Demo vault: user “{user}”, passphrase “{passphrase}”.").format(
            user=DEMO_USER, passphrase=DEMO_PASSPHRASE)
    else:
        vault = Vault(data_dir)
    window = MainWindow(vault, hint)
    if demo:
        window.unlock_page.user_edit.setText(DEMO_USER)
    window.show()
    try:
        return app.exec()
    finally:
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)
