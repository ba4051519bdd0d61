"""A client file: who (privacy-aware), status and risk, and the tabs the user's roles allow."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_case import CASE_STATUS, RISK_LEVELS
from shelterdesk.domain.permissions import Kind
from shelterdesk.i18n import N_, _
from shelterdesk.store import client_file, organisations, settings, staff
from shelterdesk.ui.background import run_in_background
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.evidence_tab import EvidenceTab
from shelterdesk.ui.cases.intake_tab import IntakeTab
from shelterdesk.ui.cases.overview_tab import FileView, OverviewTab
from shelterdesk.ui.cases.records_tab import RecordsTab
from shelterdesk.ui.cases.stays_tab import StaysTab
from shelterdesk.ui.cases.tab_specs import ORDER, SPECS
from shelterdesk.ui.privacy import PrivateName, initials
from shelterdesk.ui.unlock_page import describe_error

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
        self.name_row = QHBoxLayout()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.tabs = FileTabs()
        self.overview = OverviewTab(self)
        self.intake_tab = IntakeTab(context, self)
        # Parented (so nothing is left ownerless at exit) and hidden until the tabs take them.
        self.overview.hide()
        self.intake_tab.hide()
        self.intake_tab.corrected.connect(self._on_changed)
        self.record_tabs: dict[str, RecordsTab] = {}
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(12)
        header.addLayout(self.name_row)
        header.addWidget(self.code_label)
        header.addStretch(1)
        header.addWidget(self.state_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.addLayout(header)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tabs, 1)
        self.back_button.clicked.connect(self.back)
        self.retranslate_ui()

    # --- text ----------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.back_button.setText(_("← All cases"))
        self.back_button.setToolTip(_("Back to the case list (Esc)"))
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
            return
        case = self.view.file.case
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
            case.case_code, " ".join(p for p in (client.given_name, client.family_name) if p),
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
                widget: QWidget = self.overview
            elif key == "intake":
                widget = self.intake_tab
            else:
                tab = self._record_tab(key, view)
                tab.changed.connect(self._on_changed)
                tab.status.connect(self.status)
                self.record_tabs[key] = tab
                widget = tab
            self.tabs.add(key, widget)

    def _record_tab(self, key: str, view: FileView) -> RecordsTab:
        case, client = view.file.case, view.file.client
        if key == "evidence":
            return EvidenceTab(self.context, case.id)
        if key == "stays":
            who = initials(client.given_name, client.family_name) if self.privacy_mode \
                else " ".join(p for p in (client.given_name, client.family_name) if p)
            return StaysTab(self.context, case.id, case.case_code, who)
        return RecordsTab(self.context, case.id, SPECS[key])

    def _on_changed(self) -> None:
        self.refresh()
        self.changed.emit()

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
