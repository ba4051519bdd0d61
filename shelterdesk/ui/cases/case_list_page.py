"""The case list: search as you type, filters, sortable columns, privacy mode, new intake."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_case import CASE_STATUS, RISK_LEVELS
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import _, format_number, ngettext
from shelterdesk.store import settings
from shelterdesk.store.access import can
from shelterdesk.ui.cases.case_filters import CaseFilterBar
from shelterdesk.ui.cases.case_list_model import CASE_ID_ROLE, CaseListModel
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.drafts_panel import DraftsPanel
from shelterdesk.ui.common.background import run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import keyboard_table, row_action
from shelterdesk.ui.common.resources import icon

SEARCH_DEBOUNCE_MS = 250


class CaseTable(QTableView):
    """Enter opens the selected case, like a double click."""

    activated_row = Signal(int)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class CaseListPage(QWidget):
    """``open_case`` with a case id; ``new_intake`` when the person starts an intake."""

    open_case = Signal(str)
    new_intake = Signal()
    import_requested = Signal()  # Import clients… (coordinators)
    status = Signal(str)

    def __init__(self, context: CaseContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        session = context.session
        self.model = CaseListModel(session, busy=context.busy, reveal_ms=context.reveal_ms,
                                   parent=self)
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.new_button = QPushButton()
        self.new_button.setObjectName("primaryButton")
        # hide() only: showing a widget before it has a parent opens it as a window.
        if not _can_create(context):
            self.new_button.hide()
        self.import_button = QPushButton()
        if not session.user.has_role(Role.COORDINATOR):
            self.import_button.hide()
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setObjectName("searchEdit")
        self.filters = CaseFilterBar(session)
        self.drafts_panel = DraftsPanel(session, context.busy)
        self.table = CaseTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # The indicator first: enabling sorting sorts at once by whatever it shows.
        header.setSortIndicator(CaseListModel.Columns.ACTIVITY, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.setSectionsClickable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for shared in (CaseListModel.Columns.EXPLOITATION, CaseListModel.Columns.CHANNEL):
            header.setSectionResizeMode(shared, QHeaderView.ResizeMode.Stretch)
        self.count_label = QLabel()
        self.count_label.setObjectName("hintLabel")
        self.privacy_label = QLabel()
        self.privacy_label.setObjectName("hintLabel")
        self.reveal_button = QPushButton(icon("eye"), "")
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addStretch(1)
        top.addWidget(self.import_button)
        top.addWidget(self.new_button)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.privacy_label)
        footer.addWidget(self.reveal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.addLayout(top)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.filters)
        layout.addWidget(self.drafts_panel)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)
        layout.addLayout(footer)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.apply_search)
        self.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_search)
        self.filters.changed.connect(self.apply_search)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.activated_row.connect(self._open_row)
        self.open_action = row_action(self, None,
                                      lambda: self._open_row(self.table.currentIndex().row()))
        self.reveal_action = row_action(self, None, self.reveal_selected)
        # Enter is CaseTable's own; the Menu key lists opening and showing the name.
        keyboard_table(self.table, actions=[self.open_action, self.reveal_action])
        self.table.selectionModel().currentRowChanged.connect(self._update_reveal)
        header.sortIndicatorChanged.connect(self._on_sort_indicator)
        self.new_button.clicked.connect(self.new_intake)
        self.import_button.clicked.connect(self.import_requested)
        self.reveal_button.clicked.connect(self.reveal_selected)
        self.model.total_changed.connect(self._update_count)
        self.model.page_loaded.connect(self._on_page_loaded)
        self.model.load_failed.connect(self._show_error)
        self.model.revealed.connect(lambda _case: self._update_reveal())
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self._new_if_allowed)
        self.last_opened = ""
        self._sort_column = int(CaseListModel.Columns.ACTIVITY)
        self._sort_order = Qt.SortOrder.DescendingOrder
        self.retranslate_ui()
        self._update_reveal()

    # --- text ----------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.title_label.setText(_("Cases"))
        self.new_button.setText(_("New intake…"))
        self.import_button.setText(_("Import clients…"))
        self.search_edit.setPlaceholderText(_(
            "Search by name, case code, phone or a word in the notes (Ctrl+F)"))
        self.search_edit.setAccessibleName(_("Search cases"))
        self.table.setAccessibleName(_("Cases"))
        self.reveal_button.setText(_("Show name"))
        self.reveal_action.setText(_("Show name"))
        self.open_action.setText(_("Open the client file"))
        self.reveal_button.setToolTip(_(
            "Show the selected client's name for 30 seconds (recorded in the audit log)"))
        self.privacy_label.setText(_("Privacy mode: names hidden."))
        self.model.retranslate()
        self._update_count(self.model.total)
        self._size_columns()

    def _size_columns(self) -> None:
        """Starting widths from the font: codes, labels and dates whole, exploitation gets
        what is left (all columns can still be dragged wider)."""
        metrics = self.table.fontMetrics()
        columns = CaseListModel.Columns

        def widest(*texts: str) -> int:
            return max(metrics.horizontalAdvance(t) for t in texts)

        widths = {
            columns.CODE: widest("DEMO-26-7KQ2M4-P"),
            columns.CLIENT: widest("Aynur Məmmədova") if not self.model.privacy_mode
            else widest("W. W. W."),
            columns.STATUS: min(widest(*[CASE_STATUS.label(c) for c in CASE_STATUS.codes]),
                                130),
            columns.RISK: widest(*[RISK_LEVELS.label(c) for c in RISK_LEVELS.codes]),
            columns.INTAKE: widest("00.00.0000"),
            columns.ACTIVITY: widest("00.00.0000"),
            columns.STAY: 16,
        }
        header = self.table.horizontalHeader()
        for column, width in widths.items():
            title = self.model.headerData(column, Qt.Orientation.Horizontal) or ""
            width = max(width, min(metrics.horizontalAdvance(title) + 22, 110))
            header.resizeSection(column, width + 16)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- loading -------------------------------------------------------------------------
    def load(self) -> None:
        """Read this user's privacy setting, then the first page and any drafts."""
        self.refresh_privacy()
        self.apply_search()
        self.drafts_panel.reload()

    def refresh_privacy(self) -> None:
        """Privacy mode as set now in My account (it may change while the window is open)."""
        session = self.context.session

        def privacy() -> bool:
            with session.lock:
                return bool(settings.get(session, "privacy_mode"))

        run_in_background(privacy, self._set_privacy, self._show_error, owner=self)

    def _set_privacy(self, on: bool) -> None:
        self.model.set_privacy_mode(on)
        self._size_columns()
        self.privacy_label.setVisible(on)
        self._update_reveal()

    def apply_search(self) -> None:
        self.search_timer.stop()
        self.message_label.hide()
        self.model.set_filter(self.filters.case_filter(self.search_edit.text().strip()))

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _on_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        # Columns the store cannot sort by keep the previous indicator.
        if CaseListModel.Columns(column) not in CaseListModel.SORT_KEYS:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self._sort_column, self._sort_order)
            header.blockSignals(False)
            return
        self._sort_column, self._sort_order = column, order

    def _on_page_loaded(self, _rows: int) -> None:
        if self.table.currentIndex().row() < 0 and self.model.rowCount():
            # Back from a client file, the case just seen stays selected.
            self.table.selectRow(max(0, self.model.row_of(self.last_opened)))
        self._update_reveal()

    def _update_count(self, total: int) -> None:
        if self.model.filter.search or self.filters.is_filtering():
            text = ngettext("{count} case found", "{count} cases found", total)
        else:
            text = ngettext("{count} case", "{count} cases", total)
        self.count_label.setText(text.format(count=format_number(total)))

    def _show_error(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))
        self.message_label.show()

    # --- rows ----------------------------------------------------------------------------
    def selected_case_id(self) -> str:
        index = self.table.currentIndex()
        if not index.isValid():
            return ""
        return index.siblingAtColumn(0).data(CASE_ID_ROLE) or ""

    def _open_row(self, row: int) -> None:
        found = self.model.row_at(row)
        if found is not None:
            self.last_opened = found.case_id
            self.open_case.emit(found.case_id)

    def reveal_selected(self) -> None:
        case_id = self.selected_case_id()
        if case_id:
            self.model.reveal(case_id)

    def _update_reveal(self, *_args: QModelIndex) -> None:
        case_id = self.selected_case_id()
        self.reveal_button.setVisible(self.model.privacy_mode)
        self.reveal_button.setEnabled(bool(case_id) and not self.model.name_shown(case_id))
        self.reveal_action.setVisible(self.model.privacy_mode)
        self.reveal_action.setEnabled(self.reveal_button.isEnabled())
        self.open_action.setEnabled(bool(case_id))

    def _new_if_allowed(self) -> None:
        if self.new_button.isVisible():
            self.new_intake.emit()

    def drop_data(self) -> None:
        self.search_timer.stop()
        self.model.clear()
        self.drafts_panel.clear()
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)


def _can_create(context: CaseContext) -> bool:
    return can(context.session, Kind.CLIENT, Action.CREATE)
