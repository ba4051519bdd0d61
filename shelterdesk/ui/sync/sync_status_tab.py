"""Sync → This laptop: where it syncs (folder or relay), a connection test, status, Sync now."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import _, format_datetime, format_number
from shelterdesk.store import settings
from shelterdesk.store.vault import Session
from shelterdesk.sync import explain, setup
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.sync.auto_sync import AutoSync

PHASE_ORDER = ("receiving", "merging", "sealing", "sending")


def _wrapped(object_name: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label


def when_text(iso: str) -> str:
    if not iso:
        return _("never")
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone())


class SyncStatusTab(QWidget):
    """``status`` carries news for the status bar; ``loaded`` fires after each status read."""

    status = Signal(str)
    loaded = Signal()
    place_saved = Signal()

    def __init__(self, session: Session, auto_sync: AutoSync | None,
                 busy: BusyIndicator | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.auto_sync = auto_sync
        self.busy = busy
        self.last_status: setup.SyncStatus | None = None
        # --- where --------------------------------------------------------------------
        self.place_box = QGroupBox()
        self.folder_radio = QRadioButton()
        self.relay_radio = QRadioButton()
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.folder_radio)
        self.kind_group.addButton(self.relay_radio)
        self.folder_edit = QLineEdit()
        self.choose_button = QPushButton()
        self.relay_edit = QLineEdit()
        # the relay operator's token, needed once to found the organisation on a relay
        self.admission_edit = QLineEdit()
        self.admission_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.admission_label = QLabel()
        self.admission_label.setBuddy(self.admission_edit)
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(0, 24 * 60)
        self.interval_spin.setMinimumWidth(180)
        self.interval_spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.interval_label = QLabel()
        self.interval_label.setBuddy(self.interval_spin)
        self.test_button = QPushButton()
        self.save_button = QPushButton()
        self.test_label = _wrapped("hintLabel")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        place_form = QFormLayout()
        place_form.addRow(self.folder_radio, folder_row)
        relay_row = QHBoxLayout()  # one row: the page must fit a small laptop's height
        relay_row.addWidget(self.relay_edit, 2)
        relay_row.addWidget(self.admission_label)
        relay_row.addWidget(self.admission_edit, 1)
        place_form.addRow(self.relay_radio, relay_row)
        place_form.addRow(self.interval_label, self.interval_spin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        place_layout = QVBoxLayout(self.place_box)
        place_layout.addLayout(place_form)
        place_layout.addLayout(buttons)
        place_layout.addWidget(self.test_label)
        # --- status -------------------------------------------------------------------
        self.status_box = QGroupBox()
        self.last_sync_value = QLabel()
        self.waiting_value = QLabel()
        self.received_value = QLabel()
        self.clock_value = _wrapped()
        self.conflicts_value = QLabel()
        self.status_form = QFormLayout()
        for value in (self.last_sync_value, self.waiting_value, self.received_value,
                      self.clock_value, self.conflicts_value):
            self.status_form.addRow(QLabel(), value)
        self.relaying_label = _wrapped("hintLabel")  # store and forward, keys waiting
        self.relaying_label.hide()
        self.event_label = _wrapped("errorMessage")
        self.event_label.hide()
        self.sync_button = QPushButton()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, len(PHASE_ORDER))
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.hide()  # shown while a sync runs, phase by phase
        self.progress_label = _wrapped()
        sync_row = QHBoxLayout()
        sync_row.addWidget(self.sync_button)
        sync_row.addWidget(self.progress_bar)
        sync_row.addWidget(self.progress_label, 1)
        status_layout = QVBoxLayout(self.status_box)
        status_layout.addLayout(self.status_form)
        status_layout.addWidget(self.relaying_label)
        status_layout.addWidget(self.event_label)
        status_layout.addLayout(sync_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.place_box)
        layout.addWidget(self.status_box)
        layout.addStretch(1)

        self.choose_button.clicked.connect(self.choose_folder)
        self.folder_radio.toggled.connect(self._update_enabled)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save_place)
        self.sync_button.clicked.connect(self.sync_now)
        # The AutoSync outlives this page (it belongs to the window): drop_data() cuts
        # these connections before the page is deleted at lock.
        self._links = [] if auto_sync is None else [
            (auto_sync.started, self._on_started), (auto_sync.phase, self._on_phase),
            (auto_sync.finished, self._on_finished), (auto_sync.failed, self._on_failed)]
        for signal, slot in self._links:
            signal.connect(slot)
        self._load_place()
        self.retranslate_ui()

    # --- text ---------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.place_box.setTitle(_("Where this laptop syncs"))
        self.folder_radio.setText(_("Shared folder"))
        self.relay_radio.setText(_("Relay address"))
        self.folder_edit.setAccessibleName(_("Shared folder"))
        self.folder_edit.setPlaceholderText(_("a network share, a USB drive, a Syncthing folder"))
        self.relay_edit.setAccessibleName(_("Relay address"))
        self.relay_edit.setPlaceholderText(_("e.g. https://relay.example.org"))
        self.admission_label.setText(_("Admission token"))
        self.admission_edit.setAccessibleName(_("Admission token"))
        self.admission_edit.setToolTip(_("only to found your organisation on a relay "
                                         "(from its operator)"))
        self.choose_button.setText(_("Choose…"))
        self.interval_label.setText(_("Sync automatically every"))
        self.interval_spin.setSuffix(" " + _("min"))
        self.interval_spin.setSpecialValueText(_("only when I ask"))
        self.test_button.setText(_("Test the connection"))
        self.save_button.setText(_("Save"))
        self.status_box.setTitle(_("Status"))
        labels = (_("Last successful sync"), _("Changes waiting to go out"),
                  _("Changes received"), _("This laptop's clock"), _("Open conflicts"))
        for row, text in enumerate(labels):
            item = self.status_form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                item.widget().setText(text)  # type: ignore[union-attr]
        self.sync_button.setText(_("Sync now"))
        if self.last_status is not None:
            self._show_status(self.last_status)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def drop_data(self) -> None:
        self.last_status = None
        for signal, slot in self._links:
            signal.disconnect(slot)
        self._links = []

    # --- where ----------------------------------------------------------------------------
    def _load_place(self) -> None:
        place = setup.saved_place(self.session)
        self.folder_edit.setText(place.folder)
        self.relay_edit.setText(place.relay)
        self.admission_edit.setText(place.admission_token)
        (self.relay_radio if place.relay else self.folder_radio).setChecked(True)
        self.interval_spin.setValue(int(settings.get(self.session, "sync_interval_minutes")))
        self._update_enabled()

    def _update_enabled(self) -> None:
        folder = self.folder_radio.isChecked()
        self.folder_edit.setEnabled(folder)
        self.choose_button.setEnabled(folder)
        self.relay_edit.setEnabled(not folder)
        self.admission_edit.setEnabled(not folder)

    def place(self) -> setup.SyncPlace:
        if self.folder_radio.isChecked():
            return setup.SyncPlace(folder=self.folder_edit.text().strip())
        return setup.SyncPlace(relay=self.relay_edit.text().strip(),
                               admission_token=self.admission_edit.text().strip())

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the shared folder"),
                                                  self.folder_edit.text())
        if chosen:
            self.folder_edit.setText(chosen)

    def test_connection(self) -> None:
        place, directory = self.place(), self.session.vault.directory
        self.test_label.setObjectName("hintLabel")
        self.test_label.setText(_("Testing…"))
        self.test_button.setEnabled(False)
        run_in_background(lambda: setup.test_place(directory, place), self._on_tested,
                          self._on_test_failed, busy=self.busy, owner=self)

    def _on_tested(self, text: str) -> None:
        self.test_button.setEnabled(True)
        self.test_label.setText(text)
        self._restyle(self.test_label, "okMessage")

    def _on_test_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.test_label.setText(setup.describe_failure(error))
        self._restyle(self.test_label, "errorMessage")

    @staticmethod
    def _restyle(label: QLabel, name: str) -> None:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)

    def save_place(self) -> None:
        place, session = self.place(), self.session
        minutes = self.interval_spin.value()
        directory = session.vault.directory

        def work() -> str:
            text = setup.test_place(directory, place)  # never save a place that does not work
            setup.save_place(session, place, minutes)
            return text

        def done(text: str) -> None:
            self._on_tested(text)
            self.status.emit(_("Sync settings saved."))
            if self.auto_sync is not None:
                self.auto_sync.set_place(place)
                self.auto_sync.apply_interval(minutes)
            self.place_saved.emit()

        self.save_button.setEnabled(False)
        run_in_background(work, lambda text: (self.save_button.setEnabled(True), done(text)),
                          lambda error: (self.save_button.setEnabled(True),
                                         self._on_test_failed(error)),
                          busy=self.busy, owner=self)

    # --- status ---------------------------------------------------------------------------
    def reload(self) -> None:
        session = self.session
        run_in_background(lambda: setup.sync_status(session), self._on_status,
                          lambda error: self.progress_label.setText(describe_error(error)),
                          busy=self.busy, owner=self)

    def _on_status(self, state: setup.SyncStatus) -> None:
        self.last_status = state
        self._show_status(state)
        self.loaded.emit()

    def _show_status(self, state: setup.SyncStatus) -> None:
        self.last_sync_value.setText(when_text(state.last_sync_at))
        self.waiting_value.setText(format_number(state.waiting_changes))
        self.received_value.setText(format_number(state.received_changes))
        self.conflicts_value.setText(format_number(state.open_conflicts))
        clock = _("correct")
        if state.clock_ahead:
            clock = _(explain.WARNINGS["own_clock_was_ahead"])
        if state.held_changes:
            clock += " " + _("{count} changes from laptops whose clocks run ahead are held "
                             "back until then (quarantine); nothing is lost.").format(
                count=format_number(state.held_changes))
        self.clock_value.setText(clock)
        relaying = explain.status_relaying_text(state.kept_envelopes, state.sealed_waiting,
                                                state.snapshot_covers, state.pruned_envelopes)
        self.relaying_label.setText(relaying)
        self.relaying_label.setAccessibleName(_("Passed on for other laptops"))
        self.relaying_label.setVisible(bool(relaying))
        event = ""
        if state.halted:
            event = _(explain.ROLLBACK)
        elif state.revoked:
            event = _(explain.REVOKED)
        elif self.auto_sync is not None and self.auto_sync.last_error:
            event = self.auto_sync.last_error
        self.event_label.setText(event)
        self.event_label.setVisible(bool(event))
        self.sync_button.setEnabled(not state.halted and not state.revoked)

    # --- sync now -------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.auto_sync is None:
            return
        if not self.auto_sync.sync_now("manual"):
            if not self.auto_sync.is_set_up():
                self.progress_label.setText(setup.SyncNotSetUp().user_message())
            else:
                self.progress_label.setText(_("A sync is already running."))

    def _on_started(self) -> None:
        self.sync_button.setEnabled(False)
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.progress_label.setText(_("Starting…"))

    def _on_phase(self, phase: str, received: int, sent: int) -> None:
        if phase in PHASE_ORDER:
            self.progress_bar.setValue(PHASE_ORDER.index(phase))
        self.progress_label.setText(_("{phase} {received} received, {sent} going out.").format(
            phase=explain.phase_text(phase), received=format_number(received),
            sent=format_number(sent)))

    def _on_finished(self, summary) -> None:
        self.sync_button.setEnabled(True)
        self.progress_bar.hide()
        text = explain.summary_text(summary)
        for code in summary.warnings:
            text += " " + explain.warning_text(code)
        self.progress_label.setText(text)
        self.reload()

    def _on_failed(self, words: str) -> None:
        self.sync_button.setEnabled(True)
        self.progress_bar.hide()
        self.progress_label.setText(_("Sync failed: {reason}").format(reason=words))
        self.reload()
