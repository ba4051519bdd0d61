"""Statistics → Submit quarter…: this organisation's protected statistics of one ended
quarter, sealed for a receiving body (the Ministry, the coalition's secretariat) and saved
as a `.sdstats` file or dropped into its relay mailbox (the CLI's `stats submit`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain import quarters
from shelterdesk.i18n import _
from shelterdesk.store.exchange import identity
from shelterdesk.store.exchange.submissions import SUFFIX
from shelterdesk.store.keys.keyslots import atomic_write
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.screen_fit import fit_to_screen

QUARTERS_OFFERED = 8


def ask_save_submission(parent: QWidget, suggested: str) -> str:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save the sealed statistics for the receiving body"), suggested,
        _("Sealed statistics files (*.sdstats)"))
    if path and not path.endswith(SUFFIX):
        path += SUFFIX
    return path


def receiving_bodies(session: Session) -> list[tuple[str, str, bool]]:
    """(id, name, has a relay mailbox) of every partner whose keys are confirmed."""
    states = identity.key_states(session)
    found = []
    for org in organisations.list_organisations(session):
        if states.get(org.id) == "confirmed":
            keys = identity.partner_keys(session, org.id)
            found.append((org.id, org.name, bool(keys and keys.mailbox)))
    return found


class SubmitQuarterDialog(QDialog):
    """A quarter, a receiving body, then *Save file…* or *Send to mailbox*."""

    def __init__(self, session: Session, parent: QWidget | None = None, *,
                 ask_save: Callable[[QWidget, str], str] = ask_save_submission,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.ask_save = session, ask_save
        self.today = today or date.today()
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.quarter_choice = QComboBox()
        for quarter in quarters.ended(self.today, QUARTERS_OFFERED):
            self.quarter_choice.addItem(quarter.code, quarter.code)
        self.body_choice = QComboBox()
        self.bodies = receiving_bodies(session)
        for org_id, name, _mailbox in self.bodies:
            self.body_choice.addItem(name, org_id)
        self.quarter_label, self.body_label = QLabel(), QLabel()
        self.quarter_label.setBuddy(self.quarter_choice)
        self.body_label.setBuddy(self.body_choice)
        form = QFormLayout()
        form.addRow(self.quarter_label, self.quarter_choice)
        form.addRow(self.body_label, self.body_choice)
        self.save_button, self.send_button = QPushButton(), QPushButton()
        self.save_button.clicked.connect(lambda: self.save_file())
        self.send_button.clicked.connect(lambda: self.send_to_mailbox())
        self.body_choice.currentIndexChanged.connect(lambda _i: self._update())
        self.busy = BusyIndicator()
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.send_button)
        row.addStretch(1)
        row.addWidget(self.busy)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        layout.addWidget(close)
        self.retranslate_ui()
        self._update()
        fit_to_screen(self, 620, 340)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Submit quarterly statistics"))
        self.intro_label.setText(_(
            "Sends this organisation's statistics of one ended quarter to a receiving body "
            "(the Ministry or the coalition's secretariat), signed with your organisation's "
            "key and sealed to theirs. Every count is perturbed as in every published "
            "report; no name, date or case code leaves. A quarter is submitted once."))
        if not self.bodies:
            self.intro_label.setText(self.intro_label.text() + "\n\n" + _(
                "No partner has confirmed keys yet: add the receiving body's organisation "
                "code and compare the safety number (Administration → Organisations)."))
        self.quarter_label.setText(_("Quarter"))
        self.body_label.setText(_("Receiving body"))
        self.quarter_choice.setAccessibleName(_("Quarter"))
        self.body_choice.setAccessibleName(_("Receiving body"))
        self.save_button.setText(_("Save file…"))
        self.send_button.setText(_("Send to mailbox"))
        self.send_button.setToolTip(_("Drops the sealed file into the receiving body's relay "
                                      "mailbox (named in its organisation code)."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _update(self) -> None:
        index = self.body_choice.currentIndex()
        chosen = self.bodies[index] if 0 <= index < len(self.bodies) else None
        self.save_button.setEnabled(chosen is not None)
        self.send_button.setEnabled(chosen is not None and chosen[2])

    def _chosen(self) -> tuple[quarters.Quarter, str, str]:
        index = self.body_choice.currentIndex()
        org_id, name, _mailbox = self.bodies[index]
        return quarters.parse(self.quarter_choice.currentData()), org_id, name

    def _sealed(self) -> Callable[[], bytes]:
        from shelterdesk.reports.statistics.submission import submit

        quarter, org_id, _name = self._chosen()
        session, today = self.session, self.today
        return lambda: submit(session, quarter, org_id, today=today)

    def save_file(self) -> None:
        if not self.bodies:
            return
        quarter, _org_id, _name = self._chosen()
        target = self.ask_save(self, f"statistics-{quarter.code}{SUFFIX}")
        if not target:
            return
        make = self._sealed()

        def work() -> Path:
            atomic_write(Path(target), make())
            return Path(target)

        run_in_background(work, lambda path: self.message_label.setText(_(
            "Statistics for {quarter} sealed in {path}; deliver the file to the receiving "
            "body.").format(quarter=quarter.code, path=path)), self._failed, busy=self.busy,
            owner=self)

    def send_to_mailbox(self) -> None:
        if not self.bodies:
            return
        quarter, org_id, name = self._chosen()
        make, session = self._sealed(), self.session

        def work() -> None:
            from shelterdesk.sync.referral_mailbox import deliver_to_partner

            deliver_to_partner(session, org_id, make(), "stats.file.delivered")

        run_in_background(work, lambda _none: self.message_label.setText(_(
            "Statistics for {quarter} delivered to the relay mailbox of “{name}”.").format(
            quarter=quarter.code, name=name)), self._failed, busy=self.busy, owner=self)

    def _failed(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))
