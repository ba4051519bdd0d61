"""Administration → Organisations: this organisation's code (text and QR code, shown, never
saved), adding a partner's code, and comparing the safety number before trusting its keys
(issue 22, item 1; the CLI's `org code`, `org add-key`, `org confirm`)."""

from __future__ import annotations

import io

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.referrals import Organisation
from shelterdesk.i18n import _
from shelterdesk.store.exchange import identity
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import run_in_background
from shelterdesk.ui.common.error_text import describe_error


def qr_pixmap(text: str, scale: int = 4) -> QPixmap:
    """The code drawn as a QR code in memory (segno → PNG bytes → pixmap); never a file."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


def _mono(label: QLabel) -> None:
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)


class OurCodeDialog(QDialog):
    """Our organisation code to read out, type or scan (made with the keys on first use)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Our organisation code"))
        self.intro = QLabel(_("Give this code to a partner organisation (read it out, send it, "
                              "or let them scan the QR code). It holds only your "
                              "organisation's name and public keys."))
        self.intro.setWordWrap(True)
        self.code_label = QLabel()
        _mono(self.code_label)
        self.code_label.setAccessibleName(_("Our organisation code"))
        self.qr_label = QLabel()
        self.qr_label.setAccessibleName(_("Our organisation code as a QR code"))
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.mailbox_button = buttons.addButton(_("Open a relay mailbox"),
                                                QDialogButtonBox.ButtonRole.ActionRole)
        self.mailbox_button.setToolTip(_(
            "Partners then drop sealed referral files into it on the relay this laptop syncs "
            "with; the code names it, so give them the code again."))
        self.mailbox_button.clicked.connect(self.open_mailbox)
        self.mailbox_label = QLabel()
        self.mailbox_label.setWordWrap(True)
        self.mailbox_label.setObjectName("hintLabel")
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.code_label, self.qr_label, self.mailbox_label,
                       self.message_label, buttons):
            layout.addWidget(widget)
        self.session = session
        self.code = ""
        self.mailbox = ""
        self._load()

    def _load(self) -> None:
        session = self.session
        run_in_background(lambda: (identity.our_code(session), identity.own_mailbox(session)),
                          self._show,
                          lambda error: self.message_label.setText(describe_error(error)),
                          owner=self)

    def open_mailbox(self) -> None:
        from shelterdesk.sync.referral_mailbox import open_mailbox

        session = self.session
        run_in_background(lambda: open_mailbox(session), lambda _address: self._load(),
                          lambda error: self.message_label.setText(describe_error(error)),
                          owner=self)

    def _show(self, loaded: tuple[str, str]) -> None:
        code, self.mailbox = loaded
        self.mailbox_button.setVisible(not self.mailbox)
        self.mailbox_label.setText(_("Relay mailbox: {address}").format(address=self.mailbox)
                                   if self.mailbox else _(
            "No relay mailbox: partners hand you sealed files (USB stick, shared folder)."))
        self.code = code
        self.code_label.setText(code)
        self.qr_label.setPixmap(qr_pixmap(code))


class AddSecureContactDialog(QDialog):
    """Paste or type a partner's code; its keys are kept unconfirmed until compared."""

    added = Signal(str)  # the safety number to compare next

    def __init__(self, session: Session, org: Organisation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.org = session, org
        self.setWindowTitle(_("Add secure contact: {name}").format(name=org.name))
        self.intro = QLabel(_("Type or paste the organisation code that “{name}” gave you "
                              "(it begins with SDORG1). Then compare the safety number with "
                              "them before sending anything.").format(name=org.name))
        self.intro.setWordWrap(True)
        self.code_edit = QPlainTextEdit()
        self.code_edit.setAccessibleName(_("Their organisation code"))
        self.code_edit.setTabChangesFocus(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.code_edit, self.message_label, self.buttons):
            layout.addWidget(widget)

    def save(self) -> None:
        session, org_id, text = self.session, self.org.id, self.code_edit.toPlainText()

        def work() -> str:
            identity.add_partner_code(session, org_id, text)
            return identity.safety_number(session, org_id)

        run_in_background(work, self._saved,
                          lambda error: self.message_label.setText(describe_error(error)),
                          owner=self)

    def _saved(self, number: str) -> None:
        self.added.emit(number)
        self.accept()


class SafetyNumberDialog(QDialog):
    """The 60-digit number both organisations see; confirmed only when a person ticks that
    it matches what the partner read out."""

    confirmed = Signal()

    def __init__(self, session: Session, org: Organisation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.org = session, org
        self.setWindowTitle(_("Compare safety number: {name}").format(name=org.name))
        self.intro = QLabel(_("Read these numbers to “{name}” (by phone, or at a coalition "
                              "meeting), or listen to theirs: they must be exactly the same "
                              "on both sides. If one digit differs, do not confirm.").format(
            name=org.name))
        self.intro.setWordWrap(True)
        self.number_label = QLabel()
        _mono(self.number_label)
        self.number_label.setAccessibleName(_("Safety number"))
        self.match_check = QCheckBox(_("The numbers are the same on both sides"))
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button = self.buttons.addButton(_("Confirm the keys"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setEnabled(False)
        self.match_check.toggled.connect(self.confirm_button.setEnabled)
        self.confirm_button.clicked.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.number_label, self.match_check, self.message_label,
                       self.buttons):
            layout.addWidget(widget)
        self.number = ""
        run_in_background(lambda: identity.safety_number(session, org.id), self._show,
                          lambda error: self.message_label.setText(describe_error(error)),
                          owner=self)

    def _show(self, number: str) -> None:
        self.number = number
        groups = number.split(" ")
        self.number_label.setText("\n".join(" ".join(groups[i:i + 4]) for i in range(0, 12, 4)))

    def confirm(self) -> None:
        if not self.match_check.isChecked() or not self.number:
            return
        session, org_id, number = self.session, self.org.id, self.number
        run_in_background(lambda: identity.confirm_partner(session, org_id, number),
                          lambda _found: (self.confirmed.emit(), self.accept()),
                          lambda error: self.message_label.setText(describe_error(error)),
                          owner=self)
