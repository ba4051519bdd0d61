"""The unlocked work area: a sidebar of the sections the user's roles allow, and their pages."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from shelterdesk.domain.workspace import Area, area_label, areas_for
from shelterdesk.i18n import _
from shelterdesk.store.vault import Session
from shelterdesk.ui.account_page import AccountPage
from shelterdesk.ui.admin_page import AdministrationPage
from shelterdesk.ui.background import BusyIndicator
from shelterdesk.ui.cases.cases_page import CasesPage
from shelterdesk.ui.coming_page import ComingSectionPage
from shelterdesk.ui.follow_ups_page import FollowUpsPage
from shelterdesk.ui.referrals_page import ReferralsPage
from shelterdesk.ui.resources import icon
from shelterdesk.ui.shelter_board import ShelterBoardPage
from shelterdesk.ui.statistics_page import StatisticsPage

_ICONS = {area: area.value.replace("_", "") for area in Area}
_SECTION_PAGES = {Area.SHELTER: ShelterBoardPage, Area.REFERRALS: ReferralsPage,
                  Area.FOLLOW_UPS: FollowUpsPage}


class WorkArea(QWidget):
    """Built fresh for each unlocked session and thrown away when the window locks."""

    area_changed = Signal(str)
    status = Signal(str)
    language_chosen = Signal(str)
    auto_lock_changed = Signal(int)
    about_to_lock = Signal()  # from the main window, while the vault is still open

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.areas = areas_for(session.user.roles)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        # Set here rather than in the stylesheet, so the width below can be measured.
        font = self.sidebar.font()
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.2)
        self.sidebar.setFont(font)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget()
        self.page_for: dict[Area, QWidget] = {}
        for area in self.areas:
            page = self._build_page(area, session, busy)
            self.page_for[area] = page
            self.pages.addWidget(page)
            item = QListWidgetItem(icon(_ICONS[area]), "")
            item.setData(Qt.ItemDataRole.UserRole, area.value)
            self.sidebar.addItem(item)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.pages, 1)
        self.sidebar.currentRowChanged.connect(self._on_row_changed)
        self.retranslate_ui()
        if self.areas:
            self.sidebar.setCurrentRow(0)

    def _build_page(self, area: Area, session: Session, busy: BusyIndicator | None) -> QWidget:
        if area == Area.ADMINISTRATION:
            page = AdministrationPage(session, busy)
            page.status.connect(self.status)
            page.auto_lock_changed.connect(self.auto_lock_changed)
            return page
        if area == Area.ACCOUNT:
            account = AccountPage(session, busy)
            account.status.connect(self.status)
            account.language_chosen.connect(self.language_chosen)
            return account
        if area == Area.CASES:
            cases = CasesPage(session, busy, self.about_to_lock)
            cases.status.connect(self.status)
            return cases
        if area in _SECTION_PAGES:
            section = _SECTION_PAGES[area](session, busy)
            section.status.connect(self.status)
            return section
        if area == Area.STATISTICS:
            statistics = StatisticsPage(session, busy)
            statistics.status.connect(self.status)
            return statistics
        return ComingSectionPage(area)

    def retranslate_ui(self) -> None:
        self.sidebar.setAccessibleName(_("Sections"))
        for row, area in enumerate(self.areas):
            item = self.sidebar.item(row)
            item.setText(area_label(area))
            item.setToolTip(area_label(area))
        # Wide enough for the longest label in this language (Russian ones run long).
        metrics = self.sidebar.fontMetrics()
        widest = max((metrics.horizontalAdvance(self.sidebar.item(r).text())
                      for r in range(self.sidebar.count())), default=0)
        # icon, item padding and margins, selection border, a little air
        # At most 236 px, a longer label wrapping, so that the window fits 1024 px (a
        # 1280×720 screen at 125 %) with the widest section beside it.
        self.sidebar.setWordWrap(True)
        self.sidebar.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.sidebar.setFixedWidth(max(200, min(236, widest + 22 + 28 + 12 + 4 + 36)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def current_area(self) -> Area | None:
        row = self.sidebar.currentRow()
        return self.areas[row] if 0 <= row < len(self.areas) else None

    def select_area(self, area: Area | str) -> bool:
        """Show a section; False if this user may not enter it."""
        try:
            wanted = Area(area)
        except ValueError:
            return False
        if wanted not in self.areas:
            return False
        self.sidebar.setCurrentRow(self.areas.index(wanted))
        return True

    def drop_data(self) -> None:
        """Forget every record the pages hold (the window is locking)."""
        for page in self.page_for.values():
            drop = getattr(page, "drop_data", None)
            if drop is not None:
                drop()

    def _on_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.areas):
            self.pages.setCurrentWidget(self.page_for[self.areas[row]])
            self.area_changed.emit(self.areas[row].value)
