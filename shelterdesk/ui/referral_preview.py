"""Print / preview of a recorded referral: rendered off the GUI thread, shown, printed or saved.

The PDF lives only in memory (a QBuffer, never a temporary file); it reaches the
disk only where the person chooses to save it, after a warning for a form that
names the client.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import _, active_language
from shelterdesk.reports.referral_reprint import (
    record_paper_print,
    render_recorded_referral,
    save_document,
)
from shelterdesk.store.vault import Session
from shelterdesk.ui.background import BusyIndicator, run_in_background
from shelterdesk.ui.referral_model import ReferralItem
from shelterdesk.ui.resources import icon
from shelterdesk.ui.unlock_page import describe_error

# Each language is named in itself: the form is in the receiving organisation's language.
LANGUAGES = (("az", "Azərbaycanca"), ("ru", "Русский"), ("en", "English"))
PRINT_DPI = 300


def ask_save_path(parent: QWidget, suggested: str) -> str:
    path, _filter = QFileDialog.getSaveFileName(parent, _("Save the referral as PDF"),
                                                suggested, _("PDF documents (*.pdf)"))
    return path


def confirm_identified_save(parent: QWidget) -> bool:
    answer = QMessageBox.warning(
        parent, _("This form names the client"),
        _("The file will hold the client's name and the details their consent covers. Save "
          "it only where nobody else can read it (not a shared or cloud folder), and delete "
          "it once it has been handed over."),
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Save


class ReferralPreviewDialog(QDialog):
    """``rendered`` once a document is on screen; ``saved`` with the path written."""

    rendered = Signal()
    saved = Signal(str)

    def __init__(self, session: Session, item: ReferralItem, parent: QWidget | None = None, *,
                 ask_path: Callable[[QWidget, str], str] = ask_save_path,
                 confirm_identified: Callable[[QWidget], bool] = confirm_identified_save) -> None:
        super().__init__(parent)
        # Cancelled or locked away, it is destroyed with what was typed in it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.item = item
        self.ask_path = ask_path
        self.confirm_identified = confirm_identified
        self.pdf: bytes | None = None
        self.pdf_anonymized = True
        self.pdf_language = ""
        self.rendering = False
        self._request = 0
        self._buffer: QBuffer | None = None
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("", False)
        self.kind_combo.addItem("", True)
        anonymized = item.row.referral.anonymized
        self.kind_combo.setCurrentIndex(1 if anonymized else 0)
        self.kind_combo.setEnabled(not anonymized)  # an anonymized referral has only its sheet
        self.language_combo = QComboBox()
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(active_language())))
        self.labels = {key: QLabel() for key in ("kind", "language")}
        self.labels["kind"].setBuddy(self.kind_combo)
        self.labels["language"].setBuddy(self.language_combo)
        self.warning_label = QLabel()
        self.warning_label.setObjectName("errorMessage")
        self.warning_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.busy = BusyIndicator()
        self.print_button = QPushButton(icon("print"), "")
        self.save_button = QPushButton()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        choices = QHBoxLayout()
        choices.addWidget(self.labels["kind"])
        choices.addWidget(self.kind_combo)
        choices.addSpacing(16)
        choices.addWidget(self.labels["language"])
        choices.addWidget(self.language_combo)
        choices.addStretch(1)
        choices.addWidget(self.busy)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self.render())
        self.language_combo.currentIndexChanged.connect(lambda _i: self.render())
        self.print_button.clicked.connect(lambda: self.print_document())
        self.save_button.clicked.connect(self.save_as)
        self.buttons.rejected.connect(self.reject)
        self.resize(760, 860)
        self.retranslate_ui()
        self.render()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Print or preview the referral"))
        self.labels["kind"].setText(_("Document"))
        self.labels["language"].setText(_("Language of the form"))
        self.kind_combo.setItemText(0, _("Referral form (names the client)"))
        self.kind_combo.setItemText(1, _("Anonymized sheet"))
        self.kind_combo.setAccessibleName(_("Document"))
        self.language_combo.setAccessibleName(_("Language of the form"))
        self.view.setAccessibleName(_("Preview"))
        self.print_button.setText(_("Print…"))
        self.save_button.setText(_("Save as…"))
        self.warning_label.setText("" if self.anonymized() else _(
            "This form names the client. Print it only for the organisation the client "
            "agreed to, and keep paper copies locked away."))
        self.warning_label.setVisible(not self.anonymized())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def anonymized(self) -> bool:
        return bool(self.kind_combo.currentData())

    def language(self) -> str:
        return self.language_combo.currentData() or "en"

    # --- rendering --------------------------------------------------------------------------
    def render(self) -> None:
        self._request += 1
        request, session = self._request, self.session
        referral_id, language, anonymized = self.item.referral_id, self.language(), \
            self.anonymized()
        self.rendering = True
        self.retranslate_ui()
        self._set_ready(False)
        self.message_label.clear()

        def done(pdf: bytes) -> None:
            if request == self._request:
                self._show(pdf, anonymized, language)

        def failed(error: BaseException) -> None:
            if request == self._request:
                self.rendering = False
                self.pdf = None
                self.document.close()
                self.message_label.setText(describe_error(error))

        run_in_background(lambda: render_recorded_referral(session, referral_id, language,
                                                           anonymized=anonymized),
                          done, failed, busy=self.busy, owner=self)

    def _show(self, pdf: bytes, anonymized: bool, language: str) -> None:
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer  # the document reads from it while it is shown
        self.pdf, self.pdf_anonymized, self.pdf_language = pdf, anonymized, language
        self.rendering = False
        self._set_ready(self.document.pageCount() > 0)
        self.rendered.emit()

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    # --- printing and saving ----------------------------------------------------------------
    def print_document(self, printer: QPrinter | None = None) -> bool:
        """Print every page (a print dialog first unless a printer is given)."""
        if self.pdf is None:
            return False
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
                return False
        painter = QPainter()
        if not painter.begin(printer):
            self.message_label.setText(_("The printer could not be used."))
            return False
        for page in range(self.document.pageCount()):
            if page:
                printer.newPage()
            points = self.document.pagePointSize(page)
            image = self.document.render(page, QSize(round(points.width() * PRINT_DPI / 72),
                                                     round(points.height() * PRINT_DPI / 72)))
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(area.topLeft(), size), image)
        painter.end()
        session, referral_id = self.session, self.item.referral_id
        anonymized, language = self.pdf_anonymized, self.pdf_language
        run_in_background(lambda: record_paper_print(session, referral_id,
                                                     anonymized=anonymized, language=language),
                          None, lambda error: self.message_label.setText(describe_error(error)),
                          busy=self.busy, owner=self)
        return True

    def save_as(self) -> None:
        if self.pdf is None:
            return
        kind = "anonymized" if self.pdf_anonymized else "form"
        suggested = f"referral-{self.item.row.case_code}-{kind}-{self.pdf_language}.pdf"
        path = self.ask_path(self, suggested)
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        if not self.pdf_anonymized and not self.confirm_identified(self):
            return
        session, referral_id, pdf = self.session, self.item.referral_id, self.pdf
        anonymized, language = self.pdf_anonymized, self.pdf_language
        run_in_background(lambda: save_document(session, referral_id, pdf, path,
                                                anonymized=anonymized, language=language),
                          lambda target: self.saved.emit(str(target)),
                          lambda error: self.message_label.setText(describe_error(error)),
                          busy=self.busy, owner=self)
