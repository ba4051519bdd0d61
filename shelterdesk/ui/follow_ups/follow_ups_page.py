"""The Follow-ups section: overdue, today and this week across the user's cases; done in a click."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.tasks import SEES_ALL_FOLLOW_UPS
from shelterdesk.i18n import N_, _
from shelterdesk.store import access
from shelterdesk.store.records import case_labels, consents, tasks
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import keyboard_table, with_shortcut
from shelterdesk.ui.common.resources import icon
from shelterdesk.ui.follow_ups.follow_up_model import (
    BUCKET_ICONS,
    DoneButtonDelegate,
    DueItem,
    FollowUpTableModel,
)

FILTERS = {"all": N_("All ({count})"), "overdue": N_("Overdue ({count})"),
           "today": N_("Today ({count})"), "week": N_("This week ({count})")}


@dataclass
class DueData:
    items: list[DueItem]
    today: date = field(default_factory=date.today)


def load_due(session: Session, mine_only: bool) -> DueData:
    """Tasks due within a week or overdue, and consents running out, soonest first."""
    today = date.today()
    due = tasks.due_follow_ups(session, today, mine_only=mine_only)
    expiring = consents.expiring_consents(session, today, mine_only=mine_only) \
        if access.can(session, Kind.CONSENT, Action.VIEW) else []
    ids = [d.task.case_id for d in due] + [e.consent.case_id for e in expiring]
    labels = case_labels.case_labels(session, ids) \
        if ids and access.can(session, Kind.CLIENT, Action.VIEW) else {}

    def label(case_id: str, code: str) -> str:
        return labels[case_id].text if case_id in labels else code

    items = [DueItem(d.task.case_id, label(d.task.case_id, d.case_code), d.task.due_on,
                     d.task.kind, d.task.description, task_id=d.task.id) for d in due]
    items += [DueItem(e.consent.case_id, label(e.consent.case_id, e.case_code),
                      e.consent.expires_on or today, "consent_expiry", consent=e.consent,
                      org_name=e.org_name) for e in expiring]
    items.sort(key=lambda item: (item.due_on, item.case_label))
    return DueData(items, today)


class FollowUpsPage(QWidget):
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
        self.data: DueData | None = None
        self.last_done: DueItem | None = None
        self.sees_all = session.user.has_role(*SEES_ALL_FOLLOW_UPS)
        self.can_complete = access.can(session, Kind.FOLLOW_UP, Action.EDIT)
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.intro_label = QLabel()
        self.intro_label.setObjectName("pageIntro")
        self.intro_label.setWordWrap(True)
        self.mine_radio = QRadioButton()
        self.all_radio = QRadioButton()
        (self.all_radio if self.sees_all else self.mine_radio).setChecked(True)
        scope_group = QButtonGroup(self)
        scope_group.addButton(self.mine_radio)
        scope_group.addButton(self.all_radio)
        self.filter_buttons: dict[str, QToolButton] = {}
        self.filter_group = QButtonGroup(self)
        for bucket in FILTERS:
            button = QToolButton()
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            if bucket in BUCKET_ICONS:
                button.setIcon(icon(BUCKET_ICONS[bucket]))
            self.filter_buttons[bucket] = button
            self.filter_group.addButton(button)
        self.filter_buttons["all"].setChecked(True)
        self.model = FollowUpTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.done_delegate = DoneButtonDelegate(self.table)
        self.table.setItemDelegateForColumn(FollowUpTableModel.Columns.DONE, self.done_delegate)
        self.table.setMouseTracking(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(36)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FollowUpTableModel.Columns.DETAILS,
                                    QHeaderView.ResizeMode.Stretch)
        self.done_action = QAction(self)
        self.done_action.setShortcut(QKeySequence("Ctrl+D"))
        self.done_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.done_action.triggered.connect(self.complete_selected)
        self.table.addAction(self.done_action)
        # Done was only a button drawn in each row and Ctrl+D: a button Tab reaches too.
        self.done_button = QPushButton(icon("done"), "")
        self.done_button.clicked.connect(self.complete_selected)
        keyboard_table(self.table, actions=[self.done_action])
        self.undo_bar = QFrame()
        self.undo_bar.setObjectName("undoBar")
        self.undo_label = QLabel()
        self.undo_button = QPushButton()
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(10, 4, 10, 4)
        undo_layout.addWidget(self.undo_label, 1)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.hide()
        self.empty_label = QLabel()
        self.empty_label.setObjectName("hintLabel")
        self.empty_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        scope = QHBoxLayout()
        scope.addWidget(self.mine_radio)
        scope.addWidget(self.all_radio)
        scope.addStretch(1)
        self.scope_row = QWidget(self)  # a parent first: shown alone it would be a window
        self.scope_row.setLayout(scope)
        scope.setContentsMargins(0, 0, 0, 0)
        self.scope_row.setVisible(self.sees_all)
        filters = QHBoxLayout()
        for button in self.filter_buttons.values():
            filters.addWidget(button)
        filters.addStretch(1)
        filters.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.scope_row)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.message_label)
        self.all_radio.toggled.connect(lambda _on: self.reload())
        self.filter_group.buttonToggled.connect(lambda *_a: self._show_rows())
        self.table.selectionModel().selectionChanged.connect(self._update_done)
        self.model.modelReset.connect(self._update_done)
        self.done_delegate.clicked.connect(self.complete_row)
        self.undo_button.clicked.connect(self.undo)
        self.retranslate_ui()
        self._update_done()

    # --- text -------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.title_label.setText(_("Follow-ups"))
        self.intro_label.setText(
            _("Tasks that are overdue or due in the next seven days, and consents that run "
              "out, for every case.") if self.all_selected() else
            _("Tasks that are overdue or due in the next seven days, and consents that run "
              "out, for your cases and the tasks given to you."))
        self.mine_radio.setText(_("My cases and tasks"))
        self.all_radio.setText(_("All cases"))
        self.table.setAccessibleName(_("Follow-ups that are due"))
        self.done_action.setText(_("Mark the selected task as done"))
        self.done_button.setText(_("Done"))
        self.done_button.setToolTip(with_shortcut(_("Mark the selected task as done"),
                                                  self.done_action.shortcut()))
        self.done_button.setAccessibleDescription(self.done_button.toolTip())
        self.undo_button.setText(_("Undo"))
        self.model.retranslate()
        self._show_counts()
        self._show_empty()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def drop_data(self) -> None:
        self.data = None
        self.last_done = None
        self.model.clear()
        self.undo_bar.hide()

    def all_selected(self) -> bool:
        return self.sees_all and self.all_radio.isChecked()

    def current_filter(self) -> str:
        return next((b for b, button in self.filter_buttons.items() if button.isChecked()), "all")

    # --- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        if self.loading:
            self._reload_again = True
            return
        self.loading = True
        session, mine_only = self.session, not self.all_selected()
        run_in_background(lambda: load_due(session, mine_only), self._on_loaded,
                          self._on_failed, busy=self.busy, owner=self)

    def _on_loaded(self, data: DueData) -> None:
        self.loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        self.data = data
        self.message_label.clear()
        self.retranslate_ui()
        self._show_rows()
        self.loaded.emit()

    def _on_failed(self, error: BaseException) -> None:
        self.loading = False
        self._reload_again = False
        self.message_label.setText(describe_error(error))

    def _show_rows(self) -> None:
        if self.data is None:
            return
        wanted = self.current_filter()
        shown = [item for item in self.data.items
                 if wanted == "all" or item.bucket(self.data.today) == wanted]
        self.model.set_rows(shown, self.data.today)
        self._show_empty()

    def _show_counts(self) -> None:
        items, today = (self.data.items, self.data.today) if self.data else ([], date.today())
        for bucket, button in self.filter_buttons.items():
            count = len(items) if bucket == "all" else sum(
                1 for item in items if item.bucket(today) == bucket)
            button.setText(_(FILTERS[bucket]).format(count=count))

    def _show_empty(self) -> None:
        empty = self.data is not None and self.model.rowCount() == 0
        if self.data is not None and not self.data.items:
            text = _("Nothing is overdue or due in the next seven days.")
        else:
            text = _("Nothing here; choose “All” to see everything that is due.")
        self.empty_label.setText(text)
        self.empty_label.setVisible(empty)

    # --- done -------------------------------------------------------------------------------
    def _selected_item(self) -> DueItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item_at(rows[0].row()) if rows else None

    def _update_done(self, *_args: object) -> None:
        item = self._selected_item()
        doable = item is not None and item.is_task and self.can_complete
        self.done_button.setVisible(self.can_complete)
        self.done_button.setEnabled(doable)
        self.done_action.setEnabled(doable)

    def complete_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.complete_row(rows[0].row())

    def complete_row(self, row: int) -> None:
        item = self.model.item_at(row)
        if item is None or not item.is_task or not self.can_complete:
            return
        session, task_id = self.session, item.task_id

        def done(_result: object) -> None:
            self.last_done = item
            self.undo_label.setText(_("Marked as done: {what} ({case})").format(
                what=self.model.index(row, FollowUpTableModel.Columns.WHAT).data(),
                case=item.case_label))
            self.undo_bar.show()
            self.status.emit(_("Marked as done."))
            self.reload()

        run_in_background(lambda: tasks.complete_follow_up(session, task_id), done,
                          self._on_failed, busy=self.busy, owner=self)

    def undo(self) -> None:
        item = self.last_done
        if item is None:
            return
        session, task_id = self.session, item.task_id

        def reopened(_result: object) -> None:
            self.last_done = None
            self.undo_bar.hide()
            self.status.emit(_("The task is open again."))
            self.reload()

        run_in_background(lambda: tasks.reopen_follow_up(session, task_id), reopened,
                          self._on_failed, busy=self.busy, owner=self)
