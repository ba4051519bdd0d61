"""What every screen and form of the Cases section is given: the session and the shell's hooks."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import SignalInstance

from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator
from shelterdesk.ui.common.privacy import REVEAL_MS

DRAFT_INTERVAL_MS = 4_000


@dataclass
class CaseContext:
    """``about_to_lock`` fires while the vault is still open, before the window locks."""

    session: Session
    busy: BusyIndicator | None = None
    about_to_lock: SignalInstance | None = None
    # Read when a context is made, so tests can shorten them for the whole section.
    draft_interval_ms: int = field(default_factory=lambda: DRAFT_INTERVAL_MS)
    reveal_ms: int = field(default_factory=lambda: REVEAL_MS)
