"""Print / preview of a recorded referral: rendered off the GUI thread, shown, printed or saved.

The PDF lives only in memory (a QBuffer, never a temporary file); it reaches the
disk only where the person chooses to save it, after a warning for a form that
names the client. Consent is checked on the day of every output: printing first
checks that the consents the shown document relies on are still in force, and
*Save as* makes the document again today before writing it.
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
    MedicalConsentEnded,
    RenderedReferral,
    check_output,
    record_paper_print,
    render_for_output,
    save_for_output,
)
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.resources import icon
from shelterdesk.ui.common.screen_fit import fit_to_screen
from shelterdesk.ui.referrals.referral_model import ReferralItem

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
    printed = Signal(bool)

    def __init__(self, session: Session, item: ReferralItem, parent: QWidget | None = None, *,
                 ask_path: Callable[[QWidget, str], str] = ask_save_path,
                 confirm_identified: Callable[[QWidget], bool] = confirm_identified_save,
                 initial: RenderedReferral | None = None) -> None:
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
        self.medical_included = False
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
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(
            initial.language if initial is not None else active_language())))
        if initial is not None:
            self.kind_combo.setCurrentIndex(1 if initial.anonymized else 0)
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
        fit_to_screen(self, 760, 860)  # the preview scrolls on a small screen
        self.retranslate_ui()
        if initial is not None:  # just made by the New referral dialog: shown as it is
            self._show(initial)
        else:
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

        def done(made: RenderedReferral) -> None:
            if request == self._request:
                self._show(made)

        def failed(error: BaseException) -> None:
            if request == self._request:
                self.rendering = False
                self.pdf = None
                self.document.close()
                self.message_label.setText(describe_error(error))

        run_in_background(lambda: render_for_output(session, referral_id, language,
                                                    anonymized=anonymized),
                          done, failed, busy=self.busy, owner=self)

    def _show(self, made: RenderedReferral) -> None:
        pdf = made.pdf
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer  # the document reads from it while it is shown
        self.pdf, self.pdf_anonymized, self.pdf_language = pdf, made.anonymized, made.language
        self.medical_included = made.medical_included
        self.rendering = False
        self._set_ready(self.document.pageCount() > 0)
        self.rendered.emit()

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    # --- printing and saving ----------------------------------------------------------------
    def print_document(self, printer: QPrinter | None = None) -> None:
        """Check today's consents, then print every page (a print dialog first unless a
        printer is given); ``printed`` tells whether it went to the printer."""
        if self.pdf is None:
            self.printed.emit(False)
            return
        session, referral_id = self.session, self.item.referral_id
        anonymized, medical = self.pdf_anonymized, self.medical_included
        run_in_background(lambda: check_output(session, referral_id, anonymized=anonymized,
                                               medical_included=medical),
                          lambda _ok: self._print_checked(printer), self._output_refused,
                          busy=self.busy, owner=self)

    def _output_refused(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))
        if isinstance(error, MedicalConsentEnded):
            message = self.message_label.text()
            self.render()  # made again without the medical part; the person prints again
            self.message_label.setText(message)
        else:
            self._set_ready(False)
        self.printed.emit(False)

    def _print_checked(self, printer: QPrinter | None) -> None:
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
                self.printed.emit(False)
                return
        painter = QPainter()
        if not painter.begin(printer):
            self.message_label.setText(_("The printer could not be used."))
            self.printed.emit(False)
            return
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
        self.printed.emit(True)

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
        session, referral_id = self.session, self.item.referral_id
        anonymized, language = self.pdf_anonymized, self.pdf_language
        self.message_label.clear()

        def written(made: RenderedReferral) -> None:
            self._show(made)  # what was written is what is on screen now
            self.saved.emit(path)

        # Made again today, not the bytes on screen: a consent may have ended since.
        run_in_background(lambda: save_for_output(session, referral_id, path, language,
                                                  anonymized=anonymized),
                          written, self._output_refused_on_save, busy=self.busy, owner=self)

    def _output_refused_on_save(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))
