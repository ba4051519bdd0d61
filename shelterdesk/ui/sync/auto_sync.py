"""Automatic sync: after unlock, every N minutes, when the network returns, and before lock.

One sync at a time, always on a pool thread (``ui/background``). Failures go to
the status bar in plain words with what to do. "When the network returns" is
QNetworkInformation's reachability turning Online (the system's network backend:
NetworkManager, GLib, Windows' Network List Manager, macOS' SCNetwork). The retry a
minute after every failed sync stays as the fallback where no backend loads
(a headless session, a minimal Linux) and for a USB drive plugged back in, which no
network event reports.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QNetworkInformation

from shelterdesk.i18n import _
from shelterdesk.store import settings
from shelterdesk.store.vault import Session
from shelterdesk.sync import explain, service, setup
from shelterdesk.sync.engine import SyncSummary
from shelterdesk.sync.errors import RollbackDetected
from shelterdesk.ui.common.background import BusyIndicator, run_in_background

RETRY_MS = 60_000


class _Progress(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the call to the GUI thread."""

    phase = Signal(str, int, int)  # phase, changes received so far, changes going out


class AutoSync(QObject):
    """Owned by the main window; ``attach`` a session at unlock, ``detach`` it at lock."""

    started = Signal()
    phase = Signal(str, int, int)
    finished = Signal(object)  # SyncSummary
    failed = Signal(str)  # plain words: what happened and what to do
    status = Signal(str, int)  # for the status bar: text, timeout in ms (0 = stays)

    def __init__(self, busy: BusyIndicator | None = None, *, interval_ms: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.busy = busy
        self.session: Session | None = None
        self.place = setup.SyncPlace()  # kept here: reading settings would wait for a sync
        self.running = False
        self.retry_ms = RETRY_MS
        self.last_error = ""
        self._fixed_interval_ms = interval_ms
        self._progress = _Progress(self)
        self._progress.phase.connect(self.phase)
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.sync_now("timer"))
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(lambda: self.sync_now("retry"))
        self.network = _network_information()
        if self.network is not None:
            self.network.reachabilityChanged.connect(self.on_reachability_changed)

    # --- the network --------------------------------------------------------------------
    def on_reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        """The network came back: sync now instead of waiting for the retry or the timer."""
        if reachability == QNetworkInformation.Reachability.Online:
            self.sync_now("network")

    # --- the session ----------------------------------------------------------------------
    def attach(self, session: Session) -> None:
        """After unlock: sync once now, then on the interval from the settings."""
        self.session = session
        self.place = setup.saved_place(session)
        self.apply_interval()
        self.sync_now("unlock")

    def apply_interval(self, minutes: int | None = None) -> None:
        self.timer.stop()
        if self.session is None:
            return
        if minutes is None:
            minutes = settings.get(self.session, "sync_interval_minutes")
        interval = self._fixed_interval_ms or int(minutes) * 60_000
        if interval > 0:
            self.timer.start(interval)

    def is_set_up(self) -> bool:
        return self.session is not None and self.place.is_set

    def set_place(self, place: setup.SyncPlace) -> None:
        """The Sync page saved a new place: use it from the next sync on."""
        self.place = place

    def detach(self) -> Callable[[Session], SyncSummary] | None:
        """At lock: stop the timers and forget the session. Returns the last sync to run
        (on a pool thread, before the session closes), or None when syncing is not set up."""
        session, self.session = self.session, None
        self.timer.stop()
        self.retry_timer.stop()
        place = self.place
        if session is None or not place.is_set:
            return None

        def last_sync(closing: Session) -> SyncSummary:
            return service.sync_now(closing, setup.transport_for(closing.vault.directory, place))

        return last_sync

    # --- syncing --------------------------------------------------------------------------
    def sync_now(self, reason: str = "manual") -> bool:
        """Start a sync in the background; False if none could start (not set up, busy)."""
        session = self.session
        place = self.place
        if session is None or self.running or not place.is_set:
            return False
        self.running = True
        self.started.emit()
        progress = self._progress

        def work() -> SyncSummary:
            def tell(phase: str, summary: SyncSummary) -> None:
                progress.phase.emit(phase, summary.applied_changes, summary.sent_changes)

            return service.sync_now(
                session, setup.transport_for(session.vault.directory, place), tell)

        run_in_background(work, self._done, self._failed, busy=self.busy, owner=self)
        return True

    def _done(self, summary: SyncSummary) -> None:
        self.running = False
        self.last_error = ""
        self.retry_timer.stop()
        text = explain.summary_text(summary)
        for code in summary.warnings:
            text += " " + explain.warning_text(code)
        self.status.emit(text, 0 if summary.warnings else 8_000)
        self.finished.emit(summary)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        if isinstance(error, RollbackDetected):
            words = _(explain.ROLLBACK)
        else:
            words = setup.describe_failure(error)
            if self.session is not None:  # the network or the drive may be back by then
                self.retry_timer.start(self.retry_ms)
        self.last_error = words
        self.status.emit(_("Sync failed: {reason}").format(reason=words), 0)
        self.failed.emit(words)


def _network_information() -> QNetworkInformation | None:
    """The system's reachability reporter, or None where no backend loads (then: the retry)."""
    try:
        if QNetworkInformation.instance() is None and not QNetworkInformation.loadBackendByFeatures(
                QNetworkInformation.Feature.Reachability):
            return None
    except RuntimeError:  # no plugin in this build or session
        return None
    return QNetworkInformation.instance()
