"""Referrals → Inbox: referrals other organisations sent as sealed files — open a file,
preview it as the printed document, accept (link or open a case), decline with a reason,
complete with an outcome. Each answer is saved as a sealed status file for the sender."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_case import RISK_LEVELS, VICTIM_STATUS
from shelterdesk.i18n import N_, _, active_language
from shelterdesk.store.exchange import inbox, receive
from shelterdesk.store.exchange.inbox import Received
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.fields import CodePicker
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.flow_layout import FlowLayout
from shelterdesk.ui.common.keyboard import keyboard_table, row_action
from shelterdesk.ui.common.screen_fit import fit_to_screen
from shelterdesk.ui.referrals.exchange_files import (
    SUFFIX,
    ask_open_exchange_file,
    ask_save_exchange_file,
    write_exchange_file,
)

STATUS_LABELS = {"received": N_("Received, not answered"), "accepted": N_("Accepted"),
                 "declined": N_("Declined"), "completed": N_("Completed")}
HEADERS = (N_("Referral number"), N_("Sent by"), N_("Their case code"), N_("Status"),
           N_("Received on"), N_("Names the client"))


def open_received_file(session: Session, path: str) -> receive.ReceiveResult:
    """Off the GUI thread: read and apply one file (the CLI's `referral receive`)."""
    file = Path(path)
    return receive.receive(session, receive.read_file(file), file.name)


def result_sentence(result: receive.ReceiveResult) -> str:
    if result.kind == "referral":
        return _("Referral from “{name}” added to the inbox.").format(name=result.org_name)
    if result.kind == "status":
        return _("“{name}” reports the referral as: {status}.").format(
            name=result.org_name, status=_(STATUS_LABELS.get(result.status, N_("details erased"))))
    return _("The details that name the client were erased as “{name}” asked.").format(
        name=result.org_name)


class AnswerDialog(QDialog):
    """Accept (a case code to link, or victim status and risk for a new case), decline
    (a reason) or complete (an outcome)."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finished.connect(self.deleteLater)  # read by the accepted handler first
        self.kind = kind
        self.case_edit = QLineEdit()
        self.victim_status = CodePicker(VICTIM_STATUS, choose=True)
        self.risk = CodePicker(RISK_LEVELS, choose=True)
        self.text_edit = QPlainTextEdit()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hintLabel")
        form = QFormLayout()
        self.labels = {key: QLabel() for key in ("case", "victim", "risk", "text")}
        if kind == "accepted":
            for key, widget in (("case", self.case_edit), ("victim", self.victim_status),
                                ("risk", self.risk)):
                self.labels[key].setBuddy(widget)
                form.addRow(self.labels[key], widget)
        else:
            self.labels["text"].setBuddy(self.text_edit)
            form.addRow(self.labels["text"], self.text_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        titles = {"accepted": _("Accept the referral"), "declined": _("Decline the referral"),
                  "completed": _("Complete the referral")}
        self.setWindowTitle(titles[self.kind])
        self.labels["case"].setText(_("Link to the case (its code)"))
        self.labels["victim"].setText(_("Victim status"))
        self.labels["risk"].setText(_("Risk level"))
        self.labels["text"].setText(_("Reason") if self.kind == "declined" else _("Outcome"))
        self.hint.setText(_(
            "Give the code of a case you already have for this person, or leave it empty to "
            "open a new case from what was sent (choose the victim status and the risk "
            "level).") if self.kind == "accepted" else _(
            "The sender receives this text in the sealed status file."))
        for key, widget in (("case", self.case_edit), ("victim", self.victim_status),
                            ("risk", self.risk), ("text", self.text_edit)):
            widget.setAccessibleName(self.labels[key].text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


class ReceivedPreviewDialog(QDialog):
    """The received referral as its printed document (read only)."""

    def __init__(self, session: Session, entry: Received, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(buttons)
        self.setWindowTitle(_("Received referral"))
        self.view.setAccessibleName(_("Received referral"))
        fit_to_screen(self, 760, 860)
        self.pdf = b""
        self._buffer: QBuffer | None = None
        language = active_language()
        from shelterdesk.reports.referral_received import render_received  # reportlab

        run_in_background(lambda: render_received(session, entry, language), self._show,
                          lambda error: self.message_label.setText(describe_error(error)),
                          owner=self)

    def _show(self, pdf: bytes) -> None:
        self.pdf = pdf
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)


class InboxDialog(QDialog):
    """``changed`` after a file was opened or an answer saved."""

    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None, *,
                 ask_open: Callable[[QWidget], str] = ask_open_exchange_file,
                 ask_save: Callable[[QWidget, str], str] = ask_save_exchange_file) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closed: gone with its rows
        self.session = session
        self.ask_open = ask_open
        self.ask_save = ask_save
        self.entries: list[Received] = []
        self.entries_shown: list[Received] = []
        self.model = QStandardItemModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # Columns as wide as their title or content (an empty inbox cut "Номер направления").
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.open_button = QPushButton()
        self.preview_button = QPushButton()
        self.accept_button = QPushButton()
        self.decline_button = QPushButton()
        self.complete_button = QPushButton()
        self.collect_button = QPushButton()
        self.again_button = QPushButton()
        row = FlowLayout(spacing=8)  # wraps on a small screen instead of widening it
        for button in (self.open_button, self.collect_button, self.preview_button,
                       self.accept_button, self.decline_button, self.complete_button,
                       self.again_button, self.busy):
            row.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(close)
        self.open_button.clicked.connect(lambda: self.open_file())
        self.preview_button.clicked.connect(lambda: self.preview())
        self.accept_button.clicked.connect(lambda: self.answer("accepted"))
        self.decline_button.clicked.connect(lambda: self.answer("declined"))
        self.complete_button.clicked.connect(lambda: self.answer("completed"))
        self.collect_button.clicked.connect(lambda: self.collect())
        self.again_button.clicked.connect(lambda: self.answer_again())
        self.table.doubleClicked.connect(lambda _index: self.preview())
        self.row_actions = {kind: row_action(self, None, handler) for kind, handler in (
            ("preview", self.preview), ("accepted", lambda: self.answer("accepted")),
            ("declined", lambda: self.answer("declined")),
            ("completed", lambda: self.answer("completed")))}
        keyboard_table(self.table, open_row=self.preview,
                       actions=list(self.row_actions.values()))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        fit_to_screen(self, 900, 520)
        self.retranslate_ui()
        self.reload()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Inbox: referrals received"))
        self.intro_label.setText(_(
            "Referrals other organisations sent you as sealed files (.sdreferral). Each "
            "answer is saved as a sealed file for the sender; deliver it as you received "
            "theirs."))
        self.open_button.setText(_("Open received referral…"))
        self.preview_button.setText(_("Preview…"))
        self.accept_button.setText(_("Accept…"))
        self.decline_button.setText(_("Decline…"))
        self.complete_button.setText(_("Complete…"))
        self.collect_button.setText(_("Collect from our relay mailbox"))
        self.again_button.setText(_("Send the answer again…"))
        self.again_button.setToolTip(_("When the sender did not get the sealed status file: "
                                       "the same answer in a new file."))
        self.table.setAccessibleName(_("Referrals received"))
        for kind, button in (("preview", self.preview_button), ("accepted", self.accept_button),
                             ("declined", self.decline_button),
                             ("completed", self.complete_button)):
            self.row_actions[kind].setText(button.text())
        self.model.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def reload(self) -> None:
        session = self.session
        run_in_background(lambda: inbox.list_received(session), self._loaded, self._failed,
                          busy=self.busy, owner=self)

    def _loaded(self, entries: list[Received]) -> None:
        self.entries = entries
        self._fill()

    def _failed(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    def _fill(self) -> None:
        """The rows again, the selected entry still selected (a reload keeps the choice)."""
        chosen = self.selected() if self.model.rowCount() == len(self.entries_shown) else None
        self.model.removeRows(0, self.model.rowCount())
        self.entries_shown = list(self.entries)
        for entry in self.entries:
            cells = [entry.number, entry.from_org_name, entry.case_code,
                     _(STATUS_LABELS.get(entry.status, entry.status)), entry.received_at[:10],
                     _("Yes") if entry.identified is not None else _("No")]
            self.model.appendRow([QStandardItem(c) for c in cells])
        ids = [entry.id for entry in self.entries]
        if chosen is not None and chosen.id in ids:
            self.table.selectRow(ids.index(chosen.id))
        self._update()

    def selected(self) -> Received | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries_shown[rows[0].row()] if rows else None

    def _update(self) -> None:
        entry = self.selected()
        status = entry.status if entry else ""
        self.preview_button.setEnabled(entry is not None)
        self.accept_button.setEnabled(status == "received")
        self.decline_button.setEnabled(status == "received")
        self.complete_button.setEnabled(status == "accepted")
        for kind, button in (("preview", self.preview_button), ("accepted", self.accept_button),
                             ("declined", self.decline_button),
                             ("completed", self.complete_button)):
            self.row_actions[kind].setEnabled(button.isEnabled())
        self.again_button.setEnabled(status in ("accepted", "declined", "completed"))

    # --- actions --------------------------------------------------------------------------
    def open_file(self, path: str = "") -> None:
        path = path or self.ask_open(self)
        if not path:
            return
        session = self.session
        run_in_background(lambda: open_received_file(session, path),
                          lambda result: self._opened(result, path), self._failed,
                          busy=self.busy, owner=self)

    def _opened(self, result: receive.ReceiveResult, path: str) -> None:
        self.message_label.setText(result_sentence(result))
        if result.reply:
            target = self.ask_save(self, str(Path(path).with_name(
                Path(path).stem + "-erased" + SUFFIX)))
            if target:
                write_exchange_file(target, result.reply)
        self.changed.emit()
        self.reload()

    def preview(self) -> QDialog | None:
        entry = self.selected()
        if entry is None:
            return None
        dialog = ReceivedPreviewDialog(self.session, inbox.get_received(self.session, entry.id),
                                       self)
        dialog.open()
        return dialog

    def answer(self, kind: str) -> AnswerDialog | None:
        entry = self.selected()
        if entry is None:
            return None
        dialog = AnswerDialog(kind, self)
        dialog.accepted.connect(lambda: self._answered(entry, dialog))
        dialog.open()
        return dialog

    def _answered(self, entry: Received, dialog: AnswerDialog) -> None:
        session, kind = self.session, dialog.kind
        text = dialog.text_edit.toPlainText()
        case_code = dialog.case_edit.text().strip()
        victim, risk = dialog.victim_status.value() or "", dialog.risk.value() or ""

        def work() -> bytes:
            if kind == "accepted":
                return inbox.accept(session, entry.id, case_code=case_code,
                                    victim_status=victim, risk_level=risk)[1]
            if kind == "declined":
                return inbox.decline(session, entry.id, text)[1]
            return inbox.complete(session, entry.id, text)[1]

        self._hand_over(entry, work, kind)

    def answer_again(self) -> None:
        entry = self.selected()
        if entry is None or entry.status == "received":
            return
        session = self.session
        self._hand_over(entry, lambda: inbox.answer_again(session, entry.id), entry.status)

    def _hand_over(self, entry: Received, make: Callable[[], bytes], kind: str) -> None:
        """Make the sealed answer, then drop it into the sender's relay mailbox when it has
        one, else ask where to save it (a lost file is made again with Send the answer
        again…)."""
        session = self.session

        def work() -> tuple[bytes, bool]:
            from shelterdesk.store.exchange import identity
            from shelterdesk.sync.referral_mailbox import deliver_to_partner

            data = make()
            partner = identity.partner_keys(session, entry.from_org_id)
            if partner is None or not partner.mailbox:
                return data, False
            deliver_to_partner(session, entry.from_org_id, data)
            return data, True

        def done(result: tuple[bytes, bool]) -> None:
            data, delivered = result
            if delivered:
                self.message_label.setText(_("Sealed file delivered to the organisation's "
                                             "relay mailbox."))
            else:
                target = self.ask_save(self, f"{entry.number or 'referral'}-{kind}{SUFFIX}")
                if target:
                    self._save_answer(target, data)
            self.changed.emit()
            self.reload()

        run_in_background(work, done, self._failed, busy=self.busy, owner=self)

    def _save_answer(self, target: str, data: bytes) -> None:
        write_exchange_file(target, data)
        self.message_label.setText(_("Sealed file written to {path}; deliver it to the "
                                     "organisation (USB stick or shared folder).").format(
            path=target))

    def collect(self) -> None:
        """Open every file waiting in our relay mailbox (the CLI's `referral collect`)."""
        from shelterdesk.sync.referral_mailbox import collect

        session = self.session
        run_in_background(lambda: collect(session), self._collected, self._failed,
                          busy=self.busy, owner=self)

    def _collected(self, found) -> None:
        lines = [result_sentence(result) for result in found.applied] + list(found.refused)
        for name, data in found.replies_to_save:
            target = self.ask_save(self, f"{name}-erased{SUFFIX}")
            if target:
                write_exchange_file(target, data)
        self.message_label.setText("\n".join(lines) or _("The mailbox is empty."))
        self.changed.emit()
        self.reload()
