"""The unlocked work area: a sidebar of the sections the user's roles allow, and their pages."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.roles import Role
from shelterdesk.domain.workspace import Area, area_label, areas_for
from shelterdesk.i18n import _
from shelterdesk.store.vault import Session
from shelterdesk.ui.administration.admin_page import AdministrationPage
from shelterdesk.ui.cases.cases_page import CasesPage
from shelterdesk.ui.common.background import BusyIndicator
from shelterdesk.ui.common.keyboard import focus_first
from shelterdesk.ui.common.resources import icon
from shelterdesk.ui.follow_ups.follow_ups_page import FollowUpsPage
from shelterdesk.ui.referrals.referrals_page import ReferralsPage
from shelterdesk.ui.shell.account_page import AccountPage
from shelterdesk.ui.shelter.shelter_board import ShelterBoardPage
from shelterdesk.ui.statistics.statistics_page import StatisticsPage
from shelterdesk.ui.sync.auto_sync import AutoSync
from shelterdesk.ui.sync.sync_page import SyncPage

_ICONS = {area: area.value.replace("_", "") for area in Area}
_SECTION_PAGES = {Area.SHELTER: ShelterBoardPage, Area.REFERRALS: ReferralsPage,
                  Area.FOLLOW_UPS: FollowUpsPage}


def recovery_unconfirmed_text(session: Session) -> str:
    """The warning for a vault whose recovery key nobody confirmed having written down."""
    if session.user.has_role(Role.COORDINATOR):
        return _("This vault's recovery key was never confirmed, so nobody may have it "
                 "written down. Issue a new one now (or: shelterdesk recovery-key new).")
    return _("This vault's recovery key was never confirmed, so nobody may have it written "
             "down. Ask a coordinator to issue a new one.")


class WorkArea(QWidget):
    """Built fresh for each unlocked session and thrown away when the window locks."""

    area_changed = Signal(str)
    status = Signal(str)
    language_chosen = Signal(str)
    auto_lock_changed = Signal(int)
    about_to_lock = Signal()  # from the main window, while the vault is still open
    issue_recovery_key = Signal()  # a coordinator asked for a new recovery key

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 auto_sync: AutoSync | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.auto_sync = auto_sync
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
        # A notice across the top (an overdue backup), hidden unless there is one.
        self.notice = QFrame()
        self.notice.setObjectName("noticeBanner")
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_button = QPushButton()
        notice_layout = QHBoxLayout(self.notice)
        notice_layout.setContentsMargins(16, 8, 16, 8)
        notice_layout.addWidget(self.notice_label, 1)
        notice_layout.addWidget(self.notice_button)
        self.notice.hide()
        self.notice_button.clicked.connect(self._open_backups)
        # A second one for a recovery key never confirmed, so that neither hides the other.
        self.recovery_notice = QFrame()
        self.recovery_notice.setObjectName("noticeBanner")
        self.recovery_notice_label = QLabel()
        self.recovery_notice_label.setWordWrap(True)
        self.recovery_notice_button = QPushButton()
        recovery_layout = QHBoxLayout(self.recovery_notice)
        recovery_layout.setContentsMargins(16, 8, 16, 8)
        recovery_layout.addWidget(self.recovery_notice_label, 1)
        recovery_layout.addWidget(self.recovery_notice_button)
        self.recovery_notice.hide()
        self.recovery_notice_button.setVisible(session.user.has_role(Role.COORDINATOR))
        self.recovery_notice_button.clicked.connect(self.issue_recovery_key)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.notice)
        layout.addWidget(self.recovery_notice)
        layout.addLayout(row, 1)
        self.sidebar.currentRowChanged.connect(self._on_row_changed)
        # Arrow keys keep focus in the list (a screen reader reads each section's name);
        # choosing one with Enter or a click takes focus into the section.
        self.sidebar.itemActivated.connect(lambda _item: self.focus_page())
        self.sidebar.itemClicked.connect(lambda _item: self.focus_page())
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
        if area == Area.SYNC:
            sync = SyncPage(session, busy, self.auto_sync)
            sync.status.connect(self.status)
            return sync
        raise ValueError(f"no page for {area}")

    def show_notice(self, text: str) -> None:
        """Show (or with '' hide) the notice across the top."""
        self.notice_label.setText(text)
        self.notice_button.setVisible(Area.ADMINISTRATION in self.areas)
        self.notice.setVisible(bool(text))

    def show_recovery_notice(self, unconfirmed: bool) -> None:
        """Say (or stop saying) that the vault's recovery key was never confirmed."""
        self.recovery_notice.setVisible(unconfirmed)

    def _open_backups(self) -> None:
        if self.select_area(Area.ADMINISTRATION):
            self.page_for[Area.ADMINISTRATION].show_backups()  # type: ignore[attr-defined]

    def retranslate_ui(self) -> None:
        self.notice_button.setText(_("Open Backups"))
        self.recovery_notice_label.setText(recovery_unconfirmed_text(self.session))
        self.recovery_notice_button.setText(_("Issue a new recovery key…"))
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
        if not self.sidebar.hasFocus():
            self.focus_page()
        return True

    def focus_page(self) -> bool:
        """Focus on the current section's first useful control (after unlock, on Enter)."""
        page = self.pages.currentWidget()
        return page is not None and focus_first(page)

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
