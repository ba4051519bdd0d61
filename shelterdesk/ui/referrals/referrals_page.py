"""The Referrals section: every referral with its status, filters, and moving a status on."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_services import REFERRAL_STATUS
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Organisation, next_statuses
from shelterdesk.i18n import _, format_number, ngettext
from shelterdesk.store import access
from shelterdesk.store.records import case_labels, organisations, referrals
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.flow_layout import FlowLayout
from shelterdesk.ui.common.keyboard import keyboard_table, row_action, with_shortcut
from shelterdesk.ui.common.resources import icon
from shelterdesk.ui.referrals.referral_model import SORT_ROLE, ReferralItem, ReferralTableModel
from shelterdesk.ui.referrals.referral_status_dialog import ReferralStatusDialog

LIMIT = 500
_C = ReferralTableModel.Columns
VISUAL_ORDER = (_C.NUMBER, _C.CASE, _C.ORGANISATION, _C.STATUS, _C.REFERRED_ON, _C.LAST_CHANGE,
                _C.ANONYMIZED, _C.URGENCY, _C.SERVICES, _C.OUTCOME)
ORGANISATION_MIN_WIDTH = 150
COLUMN_CAPS = {_C.NUMBER: 130, _C.CASE: 190, _C.SERVICES: 120, _C.URGENCY: 100, _C.STATUS: 100,
               _C.REFERRED_ON: 100, _C.LAST_CHANGE: 100, _C.OUTCOME: 110, _C.ANONYMIZED: 100}


@dataclass
class ReferralsData:
    items: list[ReferralItem]
    organisations: list[Organisation]


def load_referrals(session: Session, status: str, org_id: str) -> ReferralsData:
    rows = referrals.list_referrals(session, status=status, to_org_id=org_id, limit=LIMIT)
    labels = case_labels.case_labels(session, [r.referral.case_id for r in rows]) \
        if rows and access.can(session, Kind.CLIENT, Action.VIEW) else {}
    items = [ReferralItem(r, labels[r.referral.case_id].text if r.referral.case_id in labels
                          else r.case_code) for r in rows]
    return ReferralsData(items, organisations.list_organisations(session))


class ReferralsPage(QWidget):
    """Loads when shown; ``loaded`` after each load, ``status`` for the window's status bar."""

    status = Signal(str)
    loaded = Signal()

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.loading = False
        self._reload_again = False
        self._select_after_load = ""
        self.can_change = access.can(session, Kind.REFERRAL, Action.EDIT)
        self.can_print = access.can(session, Kind.REFERRAL, Action.EXPORT)
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.intro_label = QLabel()
        self.intro_label.setObjectName("pageIntro")
        self.intro_label.setWordWrap(True)
        self.status_filter_label = QLabel()
        self.status_combo = QComboBox()
        self.status_combo.addItem("", "")
        for code in REFERRAL_STATUS.codes:
            self.status_combo.addItem("", code)
        self.status_filter_label.setBuddy(self.status_combo)
        self.org_filter_label = QLabel()
        self.org_combo = QComboBox()
        self.org_combo.addItem("", "")
        self.org_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.org_combo.setMinimumContentsLength(26)
        self.org_filter_label.setBuddy(self.org_combo)
        self.change_button = QPushButton()
        self.print_button = QPushButton(icon("print"), "")
        self.new_button = QPushButton()
        self.inbox_button = QPushButton()
        self.erase_button = QPushButton()
        self.can_create = access.can(session, Kind.REFERRAL, Action.CREATE) and self.can_print
        self.model = ReferralTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ReferralTableModel.Columns.REFERRED_ON,
                                Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        # The arrow's room on every column would push the table past the window's edge.
        header.setSortIndicatorShown(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Most needed first; in a narrow window the rest scrolls in from the right.
        for position, column in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(column), position)
        self.details_label = QLabel()
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label = QLabel()
        self.count_label.setObjectName("hintLabel")
        self.empty_label = QLabel()
        self.empty_label.setObjectName("hintLabel")
        self.empty_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        filters = FlowLayout(spacing=8)  # wraps on a small screen instead of widening it
        for widget in (self.status_filter_label, self.status_combo, self.org_filter_label,
                       self.org_combo, self.new_button, self.change_button, self.print_button,
                       self.inbox_button, self.erase_button):
            filters.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro_label)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.count_label)
        layout.addWidget(self.message_label)
        self.status_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.org_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.change_button.clicked.connect(self.open_status_dialog)
        self.print_button.clicked.connect(self.open_preview)
        self.new_button.clicked.connect(lambda: self.open_new_referral())
        self.inbox_button.clicked.connect(lambda: self.open_inbox())
        self.erase_button.clicked.connect(lambda: self.request_erasure())
        self.table.doubleClicked.connect(lambda _index: self.open_status_dialog())
        self.change_action = row_action(self, "Ctrl+E", self.open_status_dialog)
        self.print_action = row_action(self, QKeySequence.StandardKey.Print, self.open_preview)
        keyboard_table(self.table, open_row=self._open_selected,
                       actions=[self.change_action, self.print_action])
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.installEventFilter(self)
        self.retranslate_ui()
        self._update_buttons()

    # --- text -------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.title_label.setText(_("Referrals"))
        self.intro_label.setText(_(
            "Every referral to a partner organisation and where it stands. Move a referral "
            "on when you hear back: sent, then accepted or declined, then completed."))
        self.status_filter_label.setText(_("Status"))
        self.status_combo.setAccessibleName(_("Show referrals with the status"))
        self.status_combo.setItemText(0, _("All statuses"))
        for index, code in enumerate(REFERRAL_STATUS.codes, start=1):
            self.status_combo.setItemText(index, REFERRAL_STATUS.label(code))
        self.org_filter_label.setText(_("Organisation"))
        self.org_combo.setAccessibleName(_("Show referrals to the organisation"))
        self.org_combo.setItemText(0, _("All organisations"))
        self.change_button.setText(_("Change the status…"))
        self.print_button.setText(_("Print / preview…"))
        self.new_button.setText(_("New referral…"))
        self.inbox_button.setText(_("Inbox: referrals received…"))
        self.erase_button.setText(_("Ask the receiver to erase…"))
        self.erase_button.setToolTip(_(
            "After the client withdrew consent: a sealed request for the receiving "
            "organisation to erase the details that name the client."))
        self.change_action.setText(_("Change the status…"))
        self.print_action.setText(_("Print / preview…"))
        self.print_button.setToolTip(with_shortcut(_("Print / preview…"),
                                                   self.print_action.shortcut()))
        self.table.setAccessibleName(_("Referrals"))
        self.empty_label.setText(_(
            "No referrals to show. Make one with New referral… (or from a client's file); "
            "change the filters above to see others."))
        self.model.retranslate()
        self._show_count()
        self._update_buttons()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def drop_data(self) -> None:
        self.model.clear()
        self.org_combo.blockSignals(True)
        while self.org_combo.count() > 1:
            self.org_combo.removeItem(1)
        self.org_combo.blockSignals(False)

    # --- loading ----------------------------------------------------------------------------
    def reload(self, select_id: str = "") -> None:
        self._select_after_load = select_id or self._selected_id()
        if self.loading:
            self._reload_again = True
            return
        self.loading = True
        session = self.session
        status, org_id = self.status_combo.currentData() or "", self.org_combo.currentData() or ""
        run_in_background(lambda: load_referrals(session, status, org_id), self._on_loaded,
                          self._on_failed, busy=self.busy, owner=self)

    def _on_loaded(self, data: ReferralsData) -> None:
        self.loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload(self._select_after_load)
            return
        self.message_label.clear()
        self._fill_organisations(data.organisations)
        self.model.set_rows(data.items)
        self._fit_columns()
        row = self.model.row_of(self._select_after_load)
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        self._show_count()
        self._update_buttons()
        self.loaded.emit()

    def _on_failed(self, error: BaseException) -> None:
        self.loading = False
        self._reload_again = False
        self.message_label.setText(describe_error(error))

    def _fit_columns(self) -> None:
        """Each column as wide as its header and cells, up to a cap (longer text is elided,
        whole in its tooltip and in the line under the table)."""
        header = self.table.horizontalHeader()
        for column, cap in COLUMN_CAPS.items():
            title = self.model.headerData(column, Qt.Orientation.Horizontal) or ""
            needed = max(self.table.sizeHintForColumn(column),
                         header.fontMetrics().horizontalAdvance(title) + 16)
            header.resizeSection(column, min(needed, cap))
        self._fit_organisation()

    def _fit_organisation(self) -> None:
        """The organisation takes the room left over, but never less than it needs to be read."""
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in COLUMN_CAPS)
        left = self.table.viewport().width() - others
        header.resizeSection(ReferralTableModel.Columns.ORGANISATION,
                             max(ORGANISATION_MIN_WIDTH, left))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_organisation()
        return super().eventFilter(watched, event)

    def _fill_organisations(self, found: list[Organisation]) -> None:
        current = self.org_combo.currentData() or ""
        self.org_combo.blockSignals(True)
        while self.org_combo.count() > 1:
            self.org_combo.removeItem(1)
        for org in found:
            self.org_combo.addItem(org.name, org.id)
        self.org_combo.setCurrentIndex(max(0, self.org_combo.findData(current)))
        self.org_combo.blockSignals(False)

    def _show_count(self) -> None:
        count = self.model.rowCount()
        if count >= LIMIT:
            text = _("The newest {count} referrals are shown; narrow them with the filters.") \
                .format(count=format_number(LIMIT))
        else:
            text = ngettext("{count} referral", "{count} referrals", count).format(
                count=format_number(count))
        self.count_label.setText(text if count else "")
        self.empty_label.setVisible(count == 0 and not self.loading)

    # --- changing a status ------------------------------------------------------------------
    def selected(self) -> ReferralItem | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.item_at(self.proxy.mapToSource(rows[0]).row())

    def _selected_id(self) -> str:
        item = self.selected()
        return item.referral_id if item else ""

    def _update_buttons(self) -> None:
        item = self.selected()
        movable = item is not None and bool(next_statuses(item.row.referral.status))
        self.change_button.setVisible(self.can_change)
        self.change_button.setEnabled(self.can_change and movable)
        if item is not None and not movable:
            tip = _("A declined or completed referral does not change any more.")
        elif item is None:
            tip = _("Choose a referral in the list first.")
        else:
            tip = ""
        self.change_button.setToolTip(tip)
        self.new_button.setVisible(self.can_create)
        self.change_button.setToolTip(tip or with_shortcut(_("Change the status…"),
                                                           self.change_action.shortcut()))
        self.change_action.setVisible(self.can_change)
        self.change_action.setEnabled(self.change_button.isEnabled())
        self.print_button.setVisible(self.can_print)
        self.inbox_button.setVisible(self.can_change)
        self.erase_button.setVisible(self.can_change)
        self.erase_button.setEnabled(self.can_change and item is not None
                                     and not item.row.referral.anonymized
                                     and item.row.referral.status != "draft")
        self.print_button.setEnabled(self.can_print and item is not None)
        self.print_action.setVisible(self.can_print)
        self.print_action.setEnabled(self.print_button.isEnabled())
        self._show_details(item)

    def _show_details(self, item: ReferralItem | None) -> None:
        """The selected referral in full, for the cells too narrow to hold it."""
        if item is None:
            self.details_label.clear()
            self.details_label.hide()
            return
        model, row = self.model, self.model.row_of(item.referral_id)
        cell = lambda column: model.index(row, column).data() or ""  # noqa: E731
        columns = ReferralTableModel.Columns
        text = _("{case} → {organisation}: {services}. {status} since {date}").format(
            case=cell(columns.CASE), organisation=cell(columns.ORGANISATION),
            services=cell(columns.SERVICES), status=cell(columns.STATUS),
            date=model.index(row, columns.LAST_CHANGE).data(Qt.ItemDataRole.ToolTipRole))
        if item.row.referral.outcome:
            text += " " + _("Outcome: {outcome}").format(outcome=item.row.referral.outcome)
        self.details_label.setText(text)
        self.details_label.show()

    def _open_selected(self) -> QDialog | None:
        """Enter on a row: move its status on, or (when it cannot move) its preview."""
        return self.open_status_dialog() or self.open_preview()

    def open_status_dialog(self) -> ReferralStatusDialog | None:
        item = self.selected()
        if item is None or not self.can_change or not next_statuses(item.row.referral.status):
            return None
        dialog = ReferralStatusDialog(self.session, item, self)
        dialog.changed.connect(lambda referral: (self.status.emit(_("Status changed.")),
                                                 self.reload(referral.id)))
        dialog.open()
        return dialog

    def open_preview(self) -> QDialog | None:
        """The referral's form or sheet, rendered in the background, to print or save."""
        item = self.selected()
        if item is None or not self.can_print:
            return None
        # reportlab loads with the first preview, not with the window.
        from shelterdesk.ui.referrals.referral_preview import ReferralPreviewDialog

        dialog = ReferralPreviewDialog(self.session, item, self)
        dialog.saved.connect(lambda _path: self.status.emit(_("Saved.")))
        dialog.open()
        return dialog

    def open_new_referral(self) -> QDialog | None:
        """Pick the client, then the organisation, services and document (case picker)."""
        if not self.can_create:
            return None
        from shelterdesk.ui.referrals.new_referral_dialog import (
            NewReferralDialog,  # brings reportlab
        )

        dialog = NewReferralDialog(CaseContext(self.session, self.busy), self)
        dialog.created.connect(lambda referral: (self.status.emit(_("Referral recorded.")),
                                                 self.reload(referral.id)))
        dialog.open()
        return dialog

    def open_inbox(self) -> QDialog | None:
        """Referrals received from other organisations as sealed files (issue 22)."""
        if not self.can_change:
            return None
        from shelterdesk.ui.referrals.inbox_dialog import InboxDialog

        dialog = InboxDialog(self.session, self)
        dialog.changed.connect(lambda: self.reload())
        dialog.open()
        return dialog

    def request_erasure(self, path: str = "") -> None:
        """A sealed erase request for the selected identified referral sent securely."""
        from shelterdesk.store.exchange import outbox
        from shelterdesk.ui.referrals.exchange_files import (
            ask_save_exchange_file,
            write_exchange_file,
        )

        item = self.selected()
        if item is None or not self.can_change:
            return
        path = path or ask_save_exchange_file(
            self, f"{item.row.referral.number or 'referral'}-erase.sdreferral")
        if not path:
            return
        session, referral_id = self.session, item.referral_id

        def written(data: bytes) -> None:
            write_exchange_file(path, data)
            self.status.emit(_("Sealed file written to {path}; deliver it to the "
                               "organisation (USB stick or shared folder).").format(path=path))

        run_in_background(lambda: outbox.request_erasure(session, referral_id), written,
                          self._on_failed, busy=self.busy, owner=self)
