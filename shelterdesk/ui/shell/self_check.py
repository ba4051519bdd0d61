"""The self-test's Qt half: Qt starts, finds its plugins and our resources, and paints a screen.

In a PyInstaller bundle this is what proves the bundle is whole: the platform
plugin (offscreen or the desktop's), the SVG icon engine, the stylesheet from
``resources/``, Qt's own Russian catalog, and our bridge that answers Qt's
strings in Azerbaijani. Nothing is shown on screen: ``grab()`` paints into a pixmap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from shelterdesk.i18n import active_language
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.common.resources import icon, stylesheet
from shelterdesk.ui.shell.app import make_application
from shelterdesk.ui.shell.unlock_page import UnlockPage


class QtCheckFailed(RuntimeError):
    """A part of Qt or of our resources is missing from this installation."""


@dataclass(frozen=True)
class QtReport:
    qt_version: str
    platform: str
    width: int
    height: int
    qtbase_ru: bool


def check_qt(vault_dir: Path) -> QtReport:
    """Start Qt, paint the unlock screen of ``vault_dir`` off screen, check the translators."""
    application = make_application()
    if not stylesheet():
        raise QtCheckFailed("the stylesheet (resources/styles) was not found")
    if icon("app").pixmap(64, 64).isNull():
        raise QtCheckFailed("the app icon did not render: resources/icons or the SVG plugin")
    switcher = LanguageSwitcher(application)
    previous = active_language()
    try:
        switcher.apply("ru")
        qtbase_ru = switcher.qt_catalog_loaded
        if not qtbase_ru:
            raise QtCheckFailed("Qt's own Russian catalog (qtbase_ru.qm) is missing")
        switcher.apply("az")
        cancel = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        button = cancel.button(QDialogButtonBox.StandardButton.Cancel)
        if button is None or button.text() in ("", "Cancel", "&Cancel"):
            raise QtCheckFailed("Qt's own strings are not answered from the az catalog")
        page = UnlockPage(Vault(vault_dir))
        page.resize(640, 480)
        picture = page.grab()
        if picture.isNull() or picture.width() < 100 or picture.height() < 100:
            raise QtCheckFailed("the unlock screen did not paint")
        image = picture.toImage()
        # A painted screen has text, fields and the logo: many colours on a coarse grid.
        colours = {image.pixel(x, y) for x in range(0, image.width(), 8)
                   for y in range(0, image.height(), 8)}
        if len(colours) < 4:
            raise QtCheckFailed("the unlock screen painted blank")
        page.deleteLater()
        cancel.deleteLater()
    finally:
        switcher.apply(previous)
    return QtReport(qt_version=qVersion(), platform=QGuiApplication.platformName(),
                    width=picture.width(), height=picture.height(), qtbase_ru=qtbase_ru)
