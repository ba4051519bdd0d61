"""Starting the Qt application on a vault directory (or a throwaway demo vault)."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from shelterdesk.i18n import _, active_language
from shelterdesk.store.records import demo
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common import app_style
from shelterdesk.ui.common.background import wait_for_background
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.common.resources import icon, stylesheet
from shelterdesk.ui.shell.location_refusal import location_refusal, show_location_refusal
from shelterdesk.ui.shell.main_window import MainWindow
from shelterdesk.ui.shell.setup_wizard import SetupWizard

DEMO_USER = "demo"
DEMO_PASSPHRASE = "demo passphrase"


def make_application() -> QApplication:
    """The QApplication with our name, icon, stylesheet and high-DPI rounding."""
    existing = QApplication.instance()
    if existing is None:
        # Fractional scaling (150 %) renders crisply instead of rounding to 1x or 2x.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        existing = QApplication(sys.argv[:1])
    application = existing  # type: ignore[assignment]
    application.setApplicationName("ShelterDesk")
    application.setApplicationDisplayName("ShelterDesk")
    application.setWindowIcon(icon("app"))
    app_style.install(application)
    application.setStyleSheet(stylesheet())
    return application  # type: ignore[return-value]


DEMO_CLIENTS = 60


def create_demo_vault(directory: Path, clients: int = DEMO_CLIENTS,
                      language: str = "") -> Vault:
    """A throwaway vault with the demo coordinator and synthetic clients (never real people),
    written in ``language`` (the one in force when '')."""
    os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")
    vault = Vault(directory)
    vault.create(DEMO_USER, DEMO_PASSPHRASE, org_name="Demo", prefix="DEMO")
    with vault.unlock(DEMO_USER, DEMO_PASSPHRASE) as session:
        demo.generate(session, clients, seed=7, language=language or active_language())
        # A throwaway vault deleted at exit: its recovery key protects nothing to recover.
        session.confirm_recovery_key()
    return vault


def _quit_on_signals(application: QApplication) -> None:
    """Ctrl+C or a polite kill quits through the normal path: lock, close, delete the demo."""
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_args: application.quit())
    # Python only runs signal handlers when it gets control; Qt's loop is C++.
    heartbeat = QTimer(application)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(300)


def run_app(data_dir: Path, demo: bool = False, language: str = "") -> int:
    """Open the window (or the first-run wizard); ``language`` '' keeps the one in force."""
    application = make_application()
    switcher = LanguageSwitcher(application)
    switcher.apply(language or active_language())
    temp_dir = None
    hint = ""
    if demo:
        temp_dir = tempfile.mkdtemp(prefix="shelterdesk-demo-")
        vault = create_demo_vault(Path(temp_dir) / "vault")
        hint = _("Demo vault: user “{user}”, passphrase “{passphrase}”.").format(
            user=DEMO_USER, passphrase=DEMO_PASSPHRASE)
    else:
        refusal = location_refusal(data_dir)
        if refusal:
            show_location_refusal(refusal)
            return 1
        vault = Vault(data_dir)
    window = MainWindow(vault, application, hint=hint, language=switcher)
    wizard = None
    if demo:  # the name typed for her: the passphrase is what she types next
        window.unlock_page.reset(DEMO_USER)
    if vault.exists():
        window.show()
    else:
        wizard = SetupWizard(vault, language=switcher)
        wizard.completed.connect(window.after_setup)
        wizard.completed.connect(lambda _session: window.show())
        wizard.show()
    _quit_on_signals(application)
    try:
        return application.exec()
    finally:
        window.lock("logout")
        if wizard is not None:
            wizard.close_session()
        # The last sync and the backup on exit run after the window has gone (minutes for
        # a large vault on a slow drive); a backup cut short leaves no file, only a
        # temporary one the next run removes.
        wait_for_background(5 * 60_000)
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)
