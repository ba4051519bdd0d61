"""Privacy mode: a client shown by case code and initials, revealed on request for 30 seconds.

Every reveal is audited as a view by the callback the caller passes in (it calls
``session.audit("client.reveal", ...)``), so the widget itself holds no rules.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from shelterdesk.domain.clients import name_initials
from shelterdesk.i18n import _
from shelterdesk.ui.common.resources import icon

REVEAL_MS = 30_000


def initials(*names: str) -> str:
    """"Aysel Məmmədova" → "A. M." — one capital letter per name part, nothing else."""
    return name_initials(*names)


def masked_label(case_code: str, *names: str) -> str:
    """What privacy mode shows instead of a name: the case code and the initials."""
    shown = initials(*names)
    return f"{case_code} · {shown}" if shown else case_code


class PrivateName(QWidget):
    """Shows ``masked_label`` in privacy mode; the eye button shows the name for 30 seconds."""

    revealed = Signal()
    hidden_again = Signal()

    def __init__(self, case_code: str, full_name: str, *, privacy_mode: bool,
                 audit_reveal: Callable[[], None], reveal_ms: int = REVEAL_MS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._case_code = case_code
        self._full_name = full_name
        self._privacy_mode = privacy_mode
        self._audit_reveal = audit_reveal
        self._shown = not privacy_mode
        self.name_label = QLabel()
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)  # a name is never markup
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.reveal_button = QToolButton()
        self.reveal_button.setIcon(icon("eye"))
        self.reveal_button.setAutoRaise(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(reveal_ms)
        self._timer.timeout.connect(self.hide_name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name_label)
        layout.addWidget(self.reveal_button)
        layout.addStretch(1)
        self.reveal_button.clicked.connect(self.reveal)
        self.retranslate_ui()

    @property
    def name_shown(self) -> bool:
        return self._shown

    def retranslate_ui(self) -> None:
        tip = _("Show the name for 30 seconds (recorded in the audit log)")
        self.reveal_button.setToolTip(tip)
        self.reveal_button.setAccessibleName(_("Show the name"))
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def reveal(self) -> None:
        if not self._privacy_mode:
            return
        # Audit first: if the vault refuses the entry, the name stays hidden.
        self._audit_reveal()
        self._shown = True
        self._timer.start()
        self._refresh()
        self.revealed.emit()

    def hide_name(self) -> None:
        if not self._privacy_mode:
            return
        self._timer.stop()
        self._shown = False
        self._refresh()
        self.hidden_again.emit()

    def _refresh(self) -> None:
        if self._shown:
            self.name_label.setText(self._full_name)
        else:
            self.name_label.setText(masked_label(self._case_code, *self._full_name.split()))
        self.reveal_button.setVisible(self._privacy_mode and not self._shown)
        self.name_label.setAccessibleName(
            _("Client name") if self._shown else _("Client, name hidden"))
