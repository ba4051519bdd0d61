"""Help → About: the version, and the licences of the app, Qt, the fonts and each library."""

from __future__ import annotations

import html
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QEvent, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from shelterdesk import __version__
from shelterdesk.i18n import _
from shelterdesk.ui.common.resources import resources_dir

APP_LICENCE = "AGPL-3.0-or-later"
# Every library the app bundles (the runtime closure of pyproject's dependencies), with its
# licence as its authors publish it; tests/test_user_guide.py keeps this list complete.
BUNDLED: tuple[tuple[str, str], ...] = (
    ("PySide6-Essentials", "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"),
    ("PySide6-Addons", "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"),
    ("PySide6-Pdf", "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"),
    ("shiboken6", "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"),
    ("sqlcipher3", "Zlib (SQLCipher: BSD-3-Clause)"),
    ("cryptography", "Apache-2.0 OR BSD-3-Clause"),
    ("argon2-cffi", "MIT"),
    ("argon2-cffi-bindings", "MIT"),
    ("cffi", "MIT-0"),
    ("pycparser", "BSD-3-Clause"),
    ("reportlab", "BSD-3-Clause"),
    ("pillow", "MIT-CMU"),
    ("charset-normalizer", "MIT"),
    ("babel", "BSD-3-Clause"),
    ("platformdirs", "MIT"),
    ("segno", "BSD-3-Clause"),
    ("httpx", "BSD-3-Clause"),
    ("httpcore", "BSD-3-Clause"),
    ("h11", "MIT"),
    ("anyio", "MIT"),
    ("idna", "BSD-3-Clause"),
    ("certifi", "MPL-2.0"),
    ("typing_extensions", "PSF-2.0"),
    ("openpyxl", "MIT"),
    ("et-xmlfile", "MIT"),
)
FONTS = (("DejaVu Sans", "Bitstream Vera / DejaVu licence (free, redistributable)"),)


def installed_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # a frozen build may carry no metadata
        return "—"


def about_html() -> str:
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(installed_version(name))}</td>"
        f"<td>{html.escape(licence)}</td></tr>" for name, licence in BUNDLED)
    fonts = "".join(f"<tr><td>{html.escape(n)}</td><td></td><td>{html.escape(lic)}</td></tr>"
                    for n, lic in FONTS)
    font_file = resources_dir() / "fonts" / "LICENSE-DejaVu.txt"
    licence = _("Licence: {licence}. You may use, study, share and change it; whoever runs a "
                "changed version for others must offer them its source.").format(
        licence=APP_LICENCE)
    qt = _("Qt {qt} (through PySide6 {pyside}), used under the LGPL version 3.").format(
        qt=qVersion(), pyside=pyside_version)
    heading = _("Bundled libraries and fonts")
    columns = (_("Name"), _("Version"), _("Licence"))
    fonts_note = _("The fonts' licence is shipped with the app in {file}.").format(
        file=font_file.name)
    head = "".join(f"<th align='left'>{html.escape(c)}</th>" for c in columns)
    return (f"<h2>ShelterDesk {html.escape(__version__)}</h2>"
            f"<p>{html.escape(licence)}</p><p>{html.escape(qt)}</p>"
            f"<h3>{html.escape(heading)}</h3>"
            f"<table cellpadding='3'><tr>{head}</tr>{rows}{fonts}</table>"
            f"<p>{html.escape(fonts_note)}</p>")


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon_label = QLabel()
        self.text = QTextBrowser()
        self.text.setObjectName("aboutText")
        self.text.setOpenLinks(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.resize(640, 560)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("About ShelterDesk"))
        self.text.setHtml(about_html())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
