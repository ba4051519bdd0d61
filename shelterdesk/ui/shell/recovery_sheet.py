"""Printing the recovery key: straight to the printer, never through a file on disk."""

from __future__ import annotations

import html

from PySide6.QtGui import QPageLayout, QPaintDevice, QPainter, QTextDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from shelterdesk.i18n import _


def recovery_sheet_html(recovery_key: str, org_name: str) -> str:
    """The page's content: what the key is, the key in large type, and how to keep it."""
    parts = [
        "<h1>" + html.escape(_("ShelterDesk recovery key")) + "</h1>",
        "<p>" + html.escape(org_name) + "</p>" if org_name else "",
        "<p style='font-family: monospace; font-size: 22pt; letter-spacing: 2px;'>"
        + html.escape(recovery_key) + "</p>",
        "<p>" + html.escape(_(
            "This key opens the vault if every coordinator has forgotten their passphrase. "
            "Anyone who holds it and the laptop can read everything in the vault.")) + "</p>",
        "<p>" + html.escape(_(
            "Keep this sheet sealed in a locked place away from the laptop, for example in "
            "the director's safe. Do not photograph it or keep a copy on a computer.")) + "</p>",
    ]
    return "".join(parts)


def render_recovery_sheet(device: QPaintDevice, recovery_key: str, org_name: str) -> None:
    """Paint the sheet onto any paint device: a printer, or an image in tests."""
    document = QTextDocument()
    document.setHtml(recovery_sheet_html(recovery_key, org_name))
    width = device.width()
    document.setTextWidth(width)
    painter = QPainter(device)
    try:
        # Scale the document's logical pixels to the device's resolution.
        scale = device.logicalDpiX() / 96 if device.logicalDpiX() > 0 else 1.0
        painter.scale(scale, scale)
        document.setTextWidth(width / scale)
        document.drawContents(painter)
    finally:
        painter.end()


def print_recovery_key(parent: QWidget, recovery_key: str, org_name: str) -> bool:
    """Ask for a printer and print one sheet; False if the person cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setDocName("ShelterDesk")
    dialog = QPrintDialog(printer, parent)
    # Printing to a file would leave the key on this very laptop.
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
    dialog.setWindowTitle(_("Print the recovery key"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat:
        return False
    render_recovery_sheet(printer, recovery_key, org_name)
    return True
