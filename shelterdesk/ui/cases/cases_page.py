"""The Cases section: the case list and, in its place when opened, one client file."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from shelterdesk.i18n import _, ngettext
from shelterdesk.store.records.drafts import Draft
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.case_list_page import CaseListPage
from shelterdesk.ui.cases.client_file_page import ClientFilePage
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.import_dialog import ImportClientsDialog
from shelterdesk.ui.cases.intake_dialog import IntakeDialog
from shelterdesk.ui.cases.records_tab import RecordsTab
from shelterdesk.ui.cases.style import CASES_QSS
from shelterdesk.ui.common.background import BusyIndicator

# Which tab of a client file holds the form a draft belongs to.
DRAFT_TABS = {"legal": "legal", "medical": "medical", "service": "services",
              "consent": "consents", "evidence": "evidence", "perpetrator": "perpetrators",
              "note": "notes", "follow_up": "follow_ups", "intake_edit": "intake",
              "custody": "evidence"}


class CasesPage(QWidget):
    """Given to the work area; ``status`` carries short news for the status bar."""

    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 about_to_lock: SignalInstance | None = None,
                 context: CaseContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context or CaseContext(session, busy, about_to_lock)
        self.list_page = CaseListPage(self.context)
        self.file_page = ClientFilePage(self.context)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.file_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._loaded = False
        self.setStyleSheet(CASES_QSS)
        self.list_page.open_case.connect(self.show_case)
        self.list_page.new_intake.connect(self.open_intake)
        self.list_page.import_requested.connect(self.open_import)
        self.list_page.status.connect(self.status)
        self.list_page.drafts_panel.restore_requested.connect(self.restore_draft)
        self.list_page.drafts_panel.drafts_found.connect(self._tell_about_drafts)
        self.file_page.back.connect(self.show_list)
        self.file_page.status.connect(self.status)
        self.file_page.erased.connect(lambda _codes: self.show_list())
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.file_page)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.show_list)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.list_page.load()
        else:
            self.list_page.refresh_privacy()

    # --- navigation ----------------------------------------------------------------------
    def show_case(self, case_id: str, tab: str = "overview", then=None) -> None:  # noqa: ANN001
        self.stack.setCurrentWidget(self.file_page)
        self.file_page.open_case(case_id, tab, then)

    def focus_target(self) -> QWidget | None:
        """Where focus goes on entering the section: the search box of the list."""
        return self.list_page.search_edit if self.stack.currentWidget() is self.list_page \
            else None

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self.list_page.apply_search()
        self.list_page.drafts_panel.reload()
        self.list_page.table.setFocus()

    def open_intake(self, *, restore: bool = False) -> IntakeDialog:
        dialog = IntakeDialog(self.context, parent=self)
        if restore:
            dialog.keeper.offered.connect(lambda _draft: dialog.restore_offered_draft())
        dialog.saved.connect(self._on_intake_saved)
        dialog.open_existing.connect(self.show_case)
        dialog.open()
        return dialog

    def open_import(self) -> ImportClientsDialog:
        dialog = ImportClientsDialog(self.context.session, self)
        dialog.imported.connect(self._on_imported)
        dialog.open()
        return dialog

    def _on_imported(self, codes: list[str]) -> None:
        self.status.emit(ngettext("Imported {count} client.", "Imported {count} clients.",
                                  len(codes)).format(count=len(codes)))
        self.list_page.load()

    def _on_intake_saved(self, case) -> None:  # noqa: ANN001
        self.status.emit(_("Intake saved: case {code}.").format(code=case.case_code))
        self.list_page.drafts_panel.reload()
        self.list_page.apply_search()
        self.show_case(case.id)

    # --- drafts --------------------------------------------------------------------------
    def _tell_about_drafts(self, count: int) -> None:
        if count:
            self.status.emit(_("You have unsaved forms: restore or discard them above the "
                               "case list."))

    def restore_draft(self, draft: Draft) -> None:
        """Open the form the draft belongs to, with the draft's content in it."""
        if draft.form == "intake":
            self.open_intake(restore=True)
            return
        case_id = draft.content.get("_case_id", "") if draft.form == "custody" \
            else draft.subject_id
        tab = DRAFT_TABS.get(draft.form)
        if not case_id or tab is None:
            return

        def reopen(page: ClientFilePage) -> None:
            widget = page.tab(tab)
            if widget is None or not page.select_tab(tab):
                self.status.emit(_("You may no longer open this form."))
            elif draft.form == "intake_edit":
                page.intake_tab.open_edit_form(restore=True)
            elif draft.form == "custody":
                def pick(_count: int) -> None:
                    widget.loaded.disconnect(pick)
                    widget.select_item(draft.subject_id)
                    widget.open_custody_form(restore=True)
                widget.loaded.connect(pick)
                widget.reload()
            elif isinstance(widget, RecordsTab):
                widget.open_form(restore=True)

        self.show_case(case_id, tab, reopen)

    def drop_data(self) -> None:
        """Forget every record shown (the window is locking)."""
        self.list_page.drop_data()
        self.file_page.drop_data()
        self.stack.setCurrentWidget(self.list_page)
