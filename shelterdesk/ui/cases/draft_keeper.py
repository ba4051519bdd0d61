"""Keeps one open form's draft in the vault: every few seconds, and at once before a lock.

A form's store work (draft writes, the final save, erasing the draft) runs one
operation at a time, in order, so a late draft write can never bring back a
draft the save has just erased.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from shelterdesk.store.records import drafts
from shelterdesk.store.records.drafts import Draft
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.common.background import run_in_background


class DraftKeeper(QObject):
    """``offered`` carries a draft found when the form opened; ``written`` each write."""

    offered = Signal(object)  # Draft
    written = Signal(object)  # Draft
    failed = Signal(object)  # BaseException

    def __init__(self, context: CaseContext, form: str, subject_id: str,
                 content: Callable[[], dict[str, Any]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = context.session
        self.form = form
        self.subject_id = subject_id
        self._content = content
        self._baseline: dict[str, Any] | None = None
        self._last_written: dict[str, Any] | None = None
        self._running = False
        self._queue: list[tuple[Callable[[], Any], Callable[[Any], None] | None,
                                Callable[[BaseException], None] | None]] = []
        self._held = False  # an offered draft awaits an answer: do not overwrite it
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.setInterval(context.draft_interval_ms)
        self.timer.timeout.connect(self.write_if_changed)
        if context.about_to_lock is not None:
            context.about_to_lock.connect(self.keep_before_lock)

    # --- state -------------------------------------------------------------------------
    def set_baseline(self) -> None:
        """The form as it was opened: only what differs from it is worth a draft."""
        self._baseline = self._content()

    def is_dirty(self) -> bool:
        return self._baseline is not None and self._content() != self._baseline

    @property
    def busy(self) -> bool:
        return self._running or bool(self._queue)

    # --- serial store work ---------------------------------------------------------------
    def run(self, fn: Callable[[], Any], on_success: Callable[[Any], None] | None = None,
            on_failure: Callable[[BaseException], None] | None = None) -> None:
        """Run ``fn`` in the background after every earlier operation of this form."""
        self._queue.append((fn, on_success, on_failure))
        self._next()

    def _next(self) -> None:
        if self._running or not self._queue:
            return
        fn, on_success, on_failure = self._queue.pop(0)
        self._running = True

        def succeeded(result: Any) -> None:
            self._running = False
            if on_success is not None:
                on_success(result)
            self._next()

        def failed(error: BaseException) -> None:
            self._running = False
            (on_failure or self.failed.emit)(error)
            self._next()

        run_in_background(fn, succeeded, failed, owner=self)

    # --- drafts ------------------------------------------------------------------------
    def start(self, *, offer: bool = True) -> None:
        """Look for an earlier draft of this form (offered to the person), then keep writing."""
        self.timer.start()
        if not offer:
            return
        self._held = True
        session, form, subject = self.session, self.form, self.subject_id
        self.run(lambda: drafts.load_draft(session, form, subject), self._on_loaded)

    def _on_loaded(self, draft: Draft | None) -> None:
        if draft is None:
            self._held = False
        else:
            self.offered.emit(draft)

    def answered(self) -> None:
        """The person restored or discarded the offered draft: writing may go on."""
        self._held = False

    def write_if_changed(self) -> None:
        if self._stopped or self._held or self._running or not self.is_dirty():
            return
        content = self._content()
        if content == self._last_written:
            return
        self._last_written = content
        session, form, subject = self.session, self.form, self.subject_id
        self.run(lambda: drafts.save_draft(session, form, content, subject), self.written.emit)

    def keep_before_lock(self) -> None:
        """The window is about to lock: write the draft now, on this thread, while it can."""
        if self.busy:
            # Let work already under way land first (a save, or an older draft), so a
            # save completes before the vault closes and our draft is the last word.
            QThreadPool.globalInstance().waitForDone(5_000)
        if self._stopped:
            return
        self.timer.stop()
        self._stopped = True
        if not self.is_dirty() or not self.session.is_open:
            return
        try:
            drafts.save_draft(self.session, self.form, self._content(), self.subject_id)
        except Exception as error:  # noqa: BLE001 - locking must go on whatever happens here
            self.failed.emit(error)

    def discard(self, then: Callable[[Any], None] | None = None) -> None:
        self._held = False
        self._last_written = None
        session, form, subject = self.session, self.form, self.subject_id
        self.run(lambda: drafts.discard_draft(session, form, subject), then)

    def keep_now(self, then: Callable[[Any], None] | None = None) -> None:
        """Write the draft at once (the person chose to keep it for later)."""
        self._held = False
        self.stop()
        content = self._content()
        session, form, subject = self.session, self.form, self.subject_id
        self.run(lambda: drafts.save_draft(session, form, content, subject), then)

    def stop(self) -> None:
        self.timer.stop()
        self._stopped = True
