"""A client file: who (privacy-aware), status and risk, and the tabs the user's roles allow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.closure import CLOSED_STATUSES
from shelterdesk.domain.codes_case import CASE_STATUS, RISK_LEVELS
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_, _
from shelterdesk.reports import subject_access
from shelterdesk.store import settings
from shelterdesk.store.access import can
from shelterdesk.store.records import client_file, erasure_request, organisations, staff
from shelterdesk.ui.cases.closure_dialogs import CloseCaseDialog, ReopenCaseDialog
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.erase_dialog import EraseClientDialog
from shelterdesk.ui.cases.evidence_tab import EvidenceTab
from shelterdesk.ui.cases.intake_tab import IntakeTab
from shelterdesk.ui.cases.overview_tab import FileView, OverviewTab
from shelterdesk.ui.cases.records_tab import RecordsTab
from shelterdesk.ui.cases.referrals_tab import ReferralsTab
from shelterdesk.ui.cases.stays_tab import StaysTab
from shelterdesk.ui.cases.tab_specs import ORDER, SPECS
from shelterdesk.ui.common.background import run_in_background
from shelterdesk.ui.common.case_picker import CaseChoice
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import follow_reading_order
from shelterdesk.ui.common.privacy import PrivateName, initials
from shelterdesk.ui.common.screen_fit import FittingScrollArea

TAB_ORDER = ("overview", "intake", *ORDER[:6], "evidence", *ORDER[6:])
FIXED_TITLES = {"overview": N_("Overview"), "intake": N_("Intake"), "evidence": N_("Evidence")}
TAB_KINDS = {"overview": Kind.CLIENT, "intake": Kind.CLIENT, "evidence": Kind.EVIDENCE,
             **{key: spec.kind for key, spec in SPECS.items()}}


class FileTabs(QWidget):
    """The file's parts as a list beside their pages: twelve tabs fit in any language."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.nav = QListWidget()
        self.nav.setObjectName("fileNav")
        self.nav.setWordWrap(True)  # wraps, not elides, a long title (needs both below)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

    def clear(self) -> None:
        self.nav.clear()
        while self.pages.count():
            self.pages.removeWidget(self.pages.widget(0))

    def add(self, key: str, widget: QWidget) -> None:
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.nav.addItem(item)
        self.pages.addWidget(widget)

    def tab_keys(self) -> list[str]:
        return [self.nav.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.nav.count())]

    def set_titles(self, titles: dict[str, str]) -> None:
        for row, key in enumerate(self.tab_keys()):
            self.nav.item(row).setText(titles.get(key, key))
        metrics = self.nav.fontMetrics()
        widest = max((metrics.horizontalAdvance(self.nav.item(r).text())
                      for r in range(self.nav.count())), default=0)
        # At most 200 px: a long title wraps onto two lines (the Russian "Предполагаемые
        # преступники") rather than widening the window past a 1024 px wide screen.
        self.nav.setFixedWidth(min(200, max(150, widest + 44)))

    def current_key(self) -> str:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else ""

    def select(self, key: str) -> bool:
        if key not in self.tab_keys():
            return False
        self.nav.setCurrentRow(self.tab_keys().index(key))
        return True


class ClientFilePage(QWidget):
    """``back`` returns to the list; ``opened`` once a file is shown (with its case id)."""

    back = Signal()
    opened = Signal(str)
    status = Signal(str)
    changed = Signal()
    erased = Signal(list)  # the case codes erased (the file is gone)

    def __init__(self, context: CaseContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.case_id = ""
        self.view: FileView | None = None
        self.privacy_mode = True
        self.name_widget: PrivateName | None = None
        self.back_button = QPushButton()
        self.back_button.setObjectName("backButton")
        self.back_button.setFlat(True)
        self.code_label = QLabel()
        self.code_label.setObjectName("caseCode")
        self.state_label = QLabel()
        self.state_label.setObjectName("caseState")
        # Coordinators only: the right to erasure (the store checks the role again).
        # One menu button keeps the header narrow in every language.
        self.rights_button = QToolButton()
        self.rights_button.setObjectName("clientRightsButton")
        self.rights_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.rights_menu = QMenu(self)
        # Owned by the page (not the menu): they are retranslated as long as the page lives.
        self.export_action = QAction(self)
        self.rights_menu.addAction(self.export_action)
        self.export_action.triggered.connect(lambda: self.export_client_data())
        self.erase_action = QAction(self)
        self.rights_menu.addAction(self.erase_action)
        self.erase_action.triggered.connect(self.open_erase_dialog)
        self.rights_button.setMenu(self.rights_menu)
        self.erase_dialog: EraseClientDialog | None = None
        # Close the case… / Reopen the case… (issue 15): which one follows the case's status.
        self.closure_button = QPushButton()
        if not can(context.session, Kind.CLIENT, Action.EDIT):
            self.closure_button.hide()
        self.closure_button.clicked.connect(self.open_closure_dialog)
        self.closed_label = QLabel()
        self.closed_label.setObjectName("hintLabel")
        self.closed_label.setWordWrap(True)
        self.closed_label.hide()
        self.name_row = QHBoxLayout()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.tabs = FileTabs()
        self.overview = OverviewTab()
        # A file with many follow-ups and consents scrolls rather than growing the window.
        self.overview_scroll = FittingScrollArea(self.overview, self)
        self.intake_tab = IntakeTab(context, self)
        # Parented (so nothing is left ownerless at exit) and hidden until the tabs take them.
        self.overview_scroll.hide()
        self.intake_tab.hide()
        self.intake_tab.corrected.connect(self._on_changed)
        self.record_tabs: dict[str, RecordsTab] = {}
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(12)
        header.addLayout(self.name_row)
        header.addWidget(self.code_label)
        header.addStretch(1)
        # The case's state and its actions on a line of their own: one line of both was
        # wider than a small laptop's screen in Russian.
        state_row = QHBoxLayout()
        self.state_label.setWordWrap(True)
        state_row.addWidget(self.state_label, 1)
        state_row.addWidget(self.rights_button)
        state_row.addWidget(self.closure_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.addLayout(header)
        layout.addLayout(state_row)
        layout.addWidget(self.closed_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tabs, 1)
        self.back_button.clicked.connect(self.back)
        # Only once it has a parent: a parentless visible button would be a window of its own.
        coordinator = context.session.user.has_role(Role.COORDINATOR)
        self.rights_button.setVisible(coordinator)
        self.tabs.nav.currentRowChanged.connect(lambda _row: self._order_tabs_later())
        self.retranslate_ui()

    # --- text ----------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.back_button.setText(_("← All cases"))
        self.back_button.setToolTip(_("Back to the case list (Esc)"))
        self.rights_button.setText(_("Client's rights"))
        self.erase_action.setText(_("Erase this client…"))
        self.export_action.setText(_("Export this client's data…"))
        self.export_action.setToolTip(_("A PDF in the client's language and a JSON file of "
                                        "everything held about them, for the client"))
        self.tabs.nav.setAccessibleName(_("Parts of the client file"))
        self._update_header()
        self._update_tab_titles()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _update_header(self) -> None:
        if self.view is None:
            self.code_label.clear()
            self.state_label.clear()
            self.closed_label.hide()
            self.closure_button.setText(_("Close the case…"))
            return
        case = self.view.file.case
        closed = case.status in CLOSED_STATUSES
        self.closure_button.setText(_("Reopen the case…") if closed else _("Close the case…"))
        self.closed_label.setText(_("This case is closed: it is read-only until it is "
                                    "reopened.") if closed else "")
        self.closed_label.setVisible(closed)
        self.code_label.setText(case.case_code)
        self.state_label.setText(" · ".join((CASE_STATUS.label(case.status),
                                             RISK_LEVELS.label(case.risk_level))))

    def _update_tab_titles(self) -> None:
        counts = self.view.file.counts if self.view is not None else {}
        titles = {}
        for key in self.tabs.tab_keys():
            title = _(FIXED_TITLES.get(key) or SPECS[key].title)
            count = counts.get(TAB_KINDS[key].value) if key not in ("overview", "intake") else 0
            titles[key] = f"{title}  ·  {count}" if count else title
        self.tabs.set_titles(titles)

    # --- opening -------------------------------------------------------------------------
    def open_case(self, case_id: str, tab: str = "overview",
                  then: Callable[[ClientFilePage], None] | None = None, *,
                  rebuild: bool = True) -> None:
        """Load the file in the background (audited as a view), then show ``tab``."""
        self.case_id = case_id
        session = self.context.session

        def load() -> tuple[FileView, bool]:
            opened = client_file.open_file(session, case_id)
            names = {m.id: m.name for m in staff.list_staff(session)}
            orgs = {o.id: o.name for o in organisations.list_organisations(session)}
            with session.lock:
                privacy = bool(settings.get(session, "privacy_mode"))
            return FileView(opened, names, orgs), privacy

        def loaded(result: tuple[FileView, bool]) -> None:
            if case_id != self.case_id:
                return
            self._show(result[0], result[1], rebuild=rebuild)
            self.select_tab(tab)
            self.opened.emit(case_id)
            if then is not None:
                then(self)

        self.message_label.clear()
        run_in_background(load, loaded, self._show_error, busy=self.context.busy, owner=self)

    def refresh(self) -> None:
        """After a change: the overview, header and counts again (tabs keep their rows)."""
        if self.case_id:
            self.open_case(self.case_id, self.current_tab(), rebuild=False)

    def _show(self, view: FileView, privacy: bool, *, rebuild: bool) -> None:
        self.view = view
        self.privacy_mode = privacy
        client, case = view.file.client, view.file.case
        if self.name_widget is not None:
            self.name_widget.deleteLater()
        session, case_id = self.context.session, case.id
        self.name_widget = PrivateName(
            case.case_code, client.full_name,
            privacy_mode=privacy, reveal_ms=self.context.reveal_ms,
            audit_reveal=lambda: session.audit("client.reveal", "case", case_id))
        self.name_widget.name_label.setObjectName("clientName")
        self.name_widget.revealed.connect(lambda: self._name_shown(True))
        self.name_widget.hidden_again.connect(lambda: self._name_shown(False))
        self.code_label.setVisible(not privacy)
        self.name_row.addWidget(self.name_widget)
        if rebuild:
            self._build_tabs(view)
        self.overview.show_file(view)
        self.intake_tab.show_intake(client, case, identity_shown=not privacy)
        self._update_header()
        self._update_tab_titles()
        for tab in self.record_tabs.values():
            tab.set_read_only(case.status in CLOSED_STATUSES)

    def open_closure_dialog(self) -> QWidget | None:
        """Close the case, or reopen it when it is closed; the file reloads afterwards."""
        if self.view is None:
            return None
        case = self.view.file.case
        dialog: CloseCaseDialog | ReopenCaseDialog
        if case.status in CLOSED_STATUSES:
            dialog = ReopenCaseDialog(self.context.session, case.id, case.case_code, self)
        else:
            dialog = CloseCaseDialog(self.context.session, case.id, case.case_code,
                                     case.intake_date, self)
        dialog.done.connect(lambda _case_id: self._on_changed())
        dialog.open()
        return dialog
        self._order_tabs_later()

    def _order_tabs_later(self) -> None:
        """Tab in reading order (header, the list of parts, the part shown), once laid out."""
        QTimer.singleShot(0, self, lambda: follow_reading_order(self) if self.isVisible()
                          else None)

    def _name_shown(self, shown: bool) -> None:
        # The masked name already carries the case code; the full name does not.
        self.code_label.setVisible(shown)
        self.intake_tab.set_identity_shown(shown)

    def _build_tabs(self, view: FileView) -> None:
        self.tabs.clear()
        for tab in self.record_tabs.values():
            tab.deleteLater()
        self.record_tabs = {}
        for key in TAB_ORDER:
            if TAB_KINDS[key] not in view.file.visible:
                continue
            if key == "overview":
                widget: QWidget = self.overview_scroll
            elif key == "intake":
                widget = self.intake_tab
            else:
                tab = self._record_tab(key, view)
                tab.changed.connect(self._on_changed)
                tab.status.connect(self.status)
                # Its rows arrive later and enable buttons (Admit…) that were no Tab stop
                # when the page was ordered: order again once they are there.
                tab.loaded.connect(lambda _count: self._order_tabs_later())
                self.record_tabs[key] = tab
                widget = tab
            self.tabs.add(key, widget)

    def _record_tab(self, key: str, view: FileView) -> RecordsTab:
        case, client = view.file.case, view.file.client
        if key == "evidence":
            return EvidenceTab(self.context, case.id, case_code=case.case_code)
        if key == "referrals":
            return ReferralsTab(self.context, CaseChoice(
                case.id, case.case_code, initials(client.given_name, client.family_name)))
        if key == "stays":
            who = initials(client.given_name, client.family_name) if self.privacy_mode \
                else " ".join(p for p in (client.given_name, client.family_name) if p)
            return StaysTab(self.context, case.id, case.case_code, who)
        return RecordsTab(self.context, case.id, SPECS[key])

    def _on_changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def open_erase_dialog(self) -> None:
        """Count what would go (in the background), then ask for the reason and the code."""
        if self.view is None:
            return
        session, code = self.context.session, self.view.file.case.case_code

        def ask(plan: erasure_request.ErasurePlan) -> None:
            self.erase_dialog = EraseClientDialog(session, plan, self)
            self.erase_dialog.erased.connect(self._on_erased)
            self.erase_dialog.open()

        run_in_background(lambda: erasure_request.plan(session, code), ask, self._show_error,
                          busy=self.context.busy, owner=self)

    def export_client_data(self, folder: str | None = None) -> None:
        """Ask for a folder (unless given), then write the PDF and the JSON there."""
        if self.view is None:
            return
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self, _("Where should the client's data be saved?"))
        if not folder:
            return
        session, case_id = self.context.session, self.view.file.case.id

        def done(paths: tuple[Path, Path]) -> None:
            self.status.emit(_("Saved {pdf} and {json}.").format(pdf=paths[0].name,
                                                                json=paths[1].name))

        run_in_background(lambda: subject_access.export_to(session, case_id, Path(folder)),
                          done, self._show_error, busy=self.context.busy, owner=self)

    def _on_erased(self, codes: list) -> None:
        self.drop_data()
        self.status.emit(_("Erased: {codes}. Sync carries the erasure to the other "
                           "laptops.").format(codes=", ".join(codes)))
        self.erased.emit(codes)

    def _show_error(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    # --- tabs ----------------------------------------------------------------------------
    def tab_keys(self) -> list[str]:
        return self.tabs.tab_keys()

    def current_tab(self) -> str:
        return self.tabs.current_key() or "overview"

    def select_tab(self, key: str) -> bool:
        return self.tabs.select(key)

    def tab(self, key: str) -> QWidget | None:
        if key == "overview":
            return self.overview
        if key == "intake":
            return self.intake_tab
        return self.record_tabs.get(key)

    def drop_data(self) -> None:
        self.case_id = ""
        self.view = None
        if self.name_widget is not None:
            self.name_widget.deleteLater()
            self.name_widget = None
        self.overview.drop_data()
        self.intake_tab.drop_data()
        for tab in self.record_tabs.values():
            tab.drop_data()
        self._update_header()
