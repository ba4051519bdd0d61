"""Viewing one evidence file inside the app, from memory: images, PDFs and text.

The file is read from the vault (its SHA-256 checked, the view audited) off the
GUI thread and shown from the bytes in memory: an image from a QImage, a PDF
through QtPdf reading a QBuffer, text in a read-only editor. Nothing decrypted is
ever written to a temporary file; closing the viewer drops the bytes.
"""

from __future__ import annotations

from pathlib import PurePath

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain import codes_services as codes
from shelterdesk.domain.evidence import EvidenceItem
from shelterdesk.i18n import _, format_number
from shelterdesk.store.records import evidence
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.screen_fit import fit_to_screen

TEXT_SUFFIXES = {".txt", ".csv", ".json", ".html", ".htm", ".xml", ".md", ".log", ".eml"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}
MAX_TEXT_CHARS = 2_000_000  # a chat export of a few years; more is cut with a note


def viewer_kind(item: EvidenceItem, content: bytes) -> str:
    """"image", "pdf", "text" or "none": by the content first, then the type and the name."""
    suffix = PurePath(item.file_name).suffix.lower()
    media = (item.media_type or "").lower()
    if content.startswith(b"%PDF-"):
        return "pdf"
    if media.startswith("image/") or suffix in IMAGE_SUFFIXES:
        return "image"
    if media.startswith("text/") or suffix in TEXT_SUFFIXES or media == "application/json":
        return "text"
    return "none"


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM) first; Windows-1251, common in older Russian exports."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("utf-8", errors="replace")


class EvidenceViewerDialog(QDialog):
    """``shown`` carries the kind of view once the file is on screen ("image", "pdf", …)."""

    shown = Signal(str)

    def __init__(self, session: Session, item: EvidenceItem,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.item = item
        self.kind = ""
        self.loading = True
        self._buffer: QBuffer | None = None
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.image_label = QLabel()
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_area = QScrollArea()
        self.image_area.setWidget(self.image_label)
        self.image_area.setWidgetResizable(True)
        self.document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_view.setDocument(self.document)
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.none_label = QLabel()
        self.none_label.setWordWrap(True)
        self.none_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        for widget in (self.none_label, self.image_area, self.pdf_view, self.text_view):
            self.pages.addWidget(widget)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info_label)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 820, 760)  # the image scrolls on a small screen
        self.retranslate_ui()
        session_, item_id = session, item.id
        run_in_background(lambda: evidence.read_content(session_, item_id), self._show,
                          self._failed, busy=self.busy, owner=self)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Evidence"))
        size = _("{size} KB").format(size=format_number(max(1, round(self.item.size / 1024)))) \
            if self.item.size else ""
        parts = [codes.EVIDENCE_KINDS.label(self.item.kind), self.item.file_name, size]
        self.info_label.setText(" · ".join(p for p in parts if p) + "\n" + _(
            "SHA-256 {hash}: checked, unchanged since it was captured.").format(
                hash=self.item.sha256))
        self.none_label.setText(_(
            "This kind of file cannot be shown inside ShelterDesk. It stays in the encrypted "
            "vault; hand it over with Export for an investigator…"))
        self.pdf_view.setAccessibleName(_("Evidence"))
        self.text_view.setAccessibleName(_("Evidence"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self.message_label.setText(describe_error(error))
        self.info_label.setText(self.info_label.text().split("\n")[0])  # not "checked"
        self.shown.emit("")

    def _show(self, content: bytes) -> None:
        self.loading = False
        kind = viewer_kind(self.item, content)
        if kind == "image":
            image = QImage.fromData(content)
            if image.isNull():
                kind = "none"
            else:
                self.image_label.setPixmap(QPixmap.fromImage(image))
                self.pages.setCurrentWidget(self.image_area)
        elif kind == "pdf":
            buffer = QBuffer(self)
            buffer.setData(QByteArray(content))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document.load(buffer)
            self._buffer = buffer  # QtPdf reads from it while the document is shown
            if self.document.pageCount() == 0:
                kind = "none"
            else:
                self.pages.setCurrentWidget(self.pdf_view)
        elif kind == "text":
            text = decode_text(content)
            if len(text) > MAX_TEXT_CHARS:
                text = text[:MAX_TEXT_CHARS] + "\n\n" + _("(The rest of the file is not shown.)")
            self.text_view.setPlainText(text)
            self.pages.setCurrentWidget(self.text_view)
        if kind == "none":
            self.pages.setCurrentWidget(self.none_label)
        self.kind = kind
        self.shown.emit(kind)

    def done(self, result: int) -> None:
        """Closing drops what was shown: the document, the buffer, the pixmap and the text."""
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())
        self.image_label.clear()
        self.text_view.clear()
        super().done(result)
