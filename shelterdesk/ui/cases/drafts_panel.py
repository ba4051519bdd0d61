"""Unsaved drafts offered back on the case list (after a crash or a lock): restore or discard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from shelterdesk.i18n import N_, _, format_datetime
from shelterdesk.store.records import drafts
from shelterdesk.store.records.drafts import Draft
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.record_form import DraftBanner
from shelterdesk.ui.common.background import BusyIndicator, run_in_background

FORM_NAMES = {
    "intake": N_("new intake"),
    "intake_edit": N_("intake correction"),
    "legal": N_("legal consultation"),
    "medical": N_("medical service"),
    "service": N_("service"),
    "consent": N_("consent"),
    "evidence": N_("digital evidence"),
    "custody": N_("custody event"),
    "perpetrator": N_("perpetrator"),
    "note": N_("note"),
    "follow_up": N_("follow-up task"),
}


def describe_draft(draft: Draft) -> str:
    """"Unsaved form: new intake, from 28 Nov 14:32" — never a name, at most a case code."""
    form = _(FORM_NAMES.get(draft.form, draft.form))
    if draft.case_code:
        form = _("{form} for {code}").format(form=form, code=draft.case_code)
    return _("Unsaved form: {form}, from {time}.").format(
        form=form, time=format_datetime(draft.saved_at.astimezone(), fmt="short"))


class DraftsPanel(QWidget):
    """One banner per draft of this user; ``restore_requested`` carries the chosen draft."""

    restore_requested = Signal(object)  # Draft
    drafts_found = Signal(int)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.drafts: list[Draft] = []
        self.banners: list[DraftBanner] = []
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(4)
        self.hide()

    def reload(self) -> None:
        session = self.session
        run_in_background(lambda: drafts.list_drafts(session), self._show_drafts,
                          lambda _error: None, busy=self.busy, owner=self)

    def _show_drafts(self, found: list[Draft]) -> None:
        for banner in self.banners:
            banner.deleteLater()
        self.banners = []
        self.drafts = found
        for draft in found:
            banner = DraftBanner()
            banner.restore_clicked.connect(lambda d=draft: self.restore_requested.emit(d))
            banner.discard_clicked.connect(lambda d=draft: self.discard(d))
            self.box.addWidget(banner)
            self.banners.append(banner)
            banner.show()
        self.retranslate_ui()
        self.setVisible(bool(found))
        self.drafts_found.emit(len(found))

    def retranslate_ui(self) -> None:
        for draft, banner in zip(self.drafts, self.banners, strict=True):
            banner.retranslate()
            banner.text_label.setText(describe_draft(draft))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def discard(self, draft: Draft) -> None:
        session = self.session
        run_in_background(lambda: drafts.discard_draft(session, draft.form, draft.subject_id),
                          lambda _gone: self.reload(), lambda _error: self.reload(),
                          busy=self.busy, owner=self)

    def clear(self) -> None:
        self._show_drafts([])
