"""Work off the GUI thread: one helper, results and errors delivered back on the GUI thread.

Modelled on Anki's ``CollectionOp``: the function runs on a pool thread and must
not touch widgets; ``on_success`` / ``on_failure`` run on the GUI thread. Store
work inside ``fn`` takes ``session.lock`` where it reads and writes, as the store
functions already do for their writes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressBar, QWidget
from shiboken6 import isValid

# Operations in flight keep their relay alive until the GUI thread has heard back.
_in_flight: set[_Relay] = set()
GC_INTERVAL_MS = 500
_gc_timer: QTimer | None = None


def collect_garbage_on_gui_thread() -> None:
    """Run Python's cyclic garbage collector only here, on the GUI thread, on a timer.

    Left automatic, it runs on whichever thread allocates at that moment — often a
    pool thread in the middle of a sync — and a Qt object caught in a reference cycle is
    then deleted on that thread while the GUI thread works with it: the process crashes
    (what PyQt's and PySide's own advice avoids the same way). Installed with the first
    background operation; idempotent.
    """
    global _gc_timer
    if _gc_timer is not None:
        return
    gc.disable()
    _gc_timer = QTimer()
    _gc_timer.timeout.connect(_collect)
    _gc_timer.start(GC_INTERVAL_MS)


def _collect() -> None:
    # Cheap young-generation passes often, a full pass when the thresholds say so.
    threshold = gc.get_threshold()[0]
    if gc.get_count()[0] > threshold:
        gc.collect(0)
    if gc.get_count()[1] > gc.get_threshold()[1]:
        gc.collect(1)
    if gc.get_count()[2] > gc.get_threshold()[2]:
        gc.collect(2)


class BusyIndicator(QProgressBar):
    """An indeterminate bar shown while at least one background operation runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 0)
        self.setTextVisible(False)
        self.setMaximumWidth(120)
        self.setMaximumHeight(14)
        self._depth = 0
        self.hide()

    @property
    def busy(self) -> bool:
        return self._depth > 0

    def begin(self) -> None:
        self._depth += 1
        self.show()

    def end(self) -> None:
        self._depth = max(0, self._depth - 1)
        if self._depth == 0:
            self.hide()


class _Relay(QObject):
    """Lives on the GUI thread; the worker's signals reach it through Qt's queued delivery."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, on_success: Callable[[Any], None] | None,
                 on_failure: Callable[[BaseException], None] | None,
                 busy: BusyIndicator | None, owner: QObject | None) -> None:
        super().__init__()
        self._on_success = on_success
        self._on_failure = on_failure
        self._busy = busy
        self._owner = owner
        self.task: QRunnable | None = None
        self.succeeded.connect(self._deliver_success)
        self.failed.connect(self._deliver_failure)

    def _finish(self) -> bool:
        """Forget the operation; False if whoever asked for it is gone (window locked)."""
        _in_flight.discard(self)
        if self._busy is not None and isValid(self._busy):
            self._busy.end()
        return self._owner is None or isValid(self._owner)

    def _release(self) -> None:
        """Drop the callbacks and let Qt delete this object here, on the GUI thread.

        Left to Python, a relay caught in a reference cycle is freed by the cyclic
        garbage collector on whichever thread it happens to run — a pool thread in the
        middle of a sync — and a QObject deleted there while the GUI thread works
        crashes the process.
        """
        self._on_success = self._on_failure = None
        self._busy = self._owner = None
        self.task = None  # the runnable goes here, on the GUI thread, never on the pool's
        self.deleteLater()

    @Slot(object)
    def _deliver_success(self, result: object) -> None:
        try:
            if self._finish() and self._on_success is not None:
                self._on_success(result)
        finally:
            self._release()

    @Slot(object)
    def _deliver_failure(self, error: object) -> None:
        try:
            if not self._finish():
                return
            if self._on_failure is not None:
                self._on_failure(error)  # type: ignore[arg-type]
            else:
                raise error  # type: ignore[misc]  # surfaces through Qt's exception hook
        finally:
            self._release()


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        # Not deleted by the pool on its thread (where PySide would free the Python
        # wrapper without the GIL): the relay drops it on the GUI thread after delivery.
        self.setAutoDelete(False)

    def run(self) -> None:
        fn, relay = self._fn, self._relay
        self._fn = self._relay = None  # nothing of ours outlives the call on this thread
        try:
            result = fn()
        except BaseException as error:  # noqa: BLE001 - every error goes back to the GUI thread
            relay.failed.emit(error)
        else:
            relay.succeeded.emit(result)
        del fn, relay


def run_in_background(fn: Callable[[], Any],
                      on_success: Callable[[Any], None] | None = None,
                      on_failure: Callable[[BaseException], None] | None = None,
                      *, busy: BusyIndicator | None = None,
                      owner: QObject | None = None, waits: bool = False) -> None:
    """Run ``fn()`` on a pool thread; call back with its result or its error on the GUI thread.

    ``owner``: the widget that asked; if it has been deleted by then (the window
    locked and dropped its pages), the callbacks are skipped. ``waits``: ``fn`` mostly
    waits for someone (minutes, e.g. a coordinator's confirmation); it runs on a pool of
    its own so that it never holds up the short jobs.
    """
    collect_garbage_on_gui_thread()
    relay = _Relay(on_success, on_failure, busy, owner)
    _in_flight.add(relay)
    if busy is not None:
        busy.begin()
    relay.task = _Task(fn, relay)
    (_waiting_pool() if waits else QThreadPool.globalInstance()).start(relay.task)


_WAITING: list[QThreadPool] = []


def _waiting_pool() -> QThreadPool:
    if not _WAITING:
        pool = QThreadPool()
        pool.setMaxThreadCount(4)
        _WAITING.append(pool)
    return _WAITING[0]


def operations_in_flight() -> int:
    """How many background operations have not yet reported back (tests and shutdown)."""
    return len(_in_flight)


def wait_for_background(timeout_ms: int = 30_000) -> bool:
    """Block until the pool is idle (at shutdown, so no work runs on a closed vault)."""
    done = QThreadPool.globalInstance().waitForDone(timeout_ms)
    return all([pool.waitForDone(timeout_ms) for pool in _WAITING]) and done
