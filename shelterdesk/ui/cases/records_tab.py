"""One tab of a client file: the case's records of one kind, their details, and adding one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.i18n import _, format_datetime, ngettext
from shelterdesk.store.access import can
from shelterdesk.store.records import corrections
from shelterdesk.store.records.corrections import CorrectionMark
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.history_dialog import RecordHistoryDialog
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.background import run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.flow_layout import FlowLayout
from shelterdesk.ui.common.keyboard import keyboard_table, row_action
from shelterdesk.ui.common.list_table_model import full_text_tooltip

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str  # N_()
    value: Callable[[Any], str]
    stretch: bool = False


@dataclass(frozen=True)
class TabAction:
    """A button acting on the selected record (withdraw a consent, mark a task done)."""

    text: str  # N_()
    run: Callable[[Session, Any], Any]  # in the background
    applies: Callable[[Any], bool]
    confirm: str = ""  # N_(): asked first when set
    done: str = ""  # N_(): status message afterwards
    kind_action: Action = Action.EDIT


@dataclass(frozen=True)
class TabSpec:
    key: str
    kind: Kind
    title: str  # N_()
    intro: str  # N_()
    empty: str  # N_()
    columns: tuple[Column, ...]
    load: Callable[[Session, str], list[Any]]
    form: Callable[[CaseContext, str, QWidget], RecordForm] | None = None
    add_text: str = ""  # N_()
    details: Callable[[Any], str] | None = None
    actions: tuple[TabAction, ...] = field(default_factory=tuple)
    # Correcting a saved record (its form, filled in) and the table its versions are kept for.
    correct: Callable[[CaseContext, Any, QWidget], RecordForm] | None = None
    history_table: str = ""
    # Consents are amended, not corrected: a new version replaces the record (its row).
    amends: bool = False
    correctable: Callable[[Any], bool] | None = None  # None: every saved record


def saved_record(item: Any) -> Any:
    """The record itself of a row (rows of some tabs carry names looked up beside it)."""
    for name in ("record", "stay"):
        inner = getattr(item, name, None)
        if inner is not None:
            return inner
    return item


def record_id(item: Any) -> str:
    return getattr(saved_record(item), "id", "")


class RecordTableModel(QAbstractTableModel):
    """Rows of any record type, columns described by :class:`Column`."""

    def __init__(self, columns: tuple[Column, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self._records: list[Any] = []

    def set_records(self, records: list[Any]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def clear(self) -> None:
        self.set_records([])

    def record_at(self, row: int) -> Any:
        return self._records[row] if 0 <= row < len(self._records) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    @full_text_tooltip
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records) \
                or not 0 <= index.column() < len(self.columns):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self.columns[index.column()].value(self._records[index.row()])
            if role == Qt.ItemDataRole.DisplayRole:
                return text.replace("\n", " ")
            return text if len(text) > 40 else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return _(self.columns[section].header)
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self._records:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._records) - 1, len(self.columns) - 1))


class RecordsTab(QWidget):
    """Loads when first shown; ``changed`` after a record was added or acted on."""

    changed = Signal()
    status = Signal(str)
    loaded = Signal(int)

    def __init__(self, context: CaseContext, case_id: str, spec: TabSpec,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.case_id, self.spec = context, case_id, spec
        self.is_loaded = False
        self.model = RecordTableModel(spec.columns, self)
        self.intro_label = QLabel()
        self.intro_label.setObjectName("pageIntro")
        self.intro_label.setWordWrap(True)
        self.add_button = QPushButton()
        # hide() only: showing a widget before it has a parent opens it as a window.
        if spec.form is None or not can(context.session, spec.kind, Action.CREATE):
            self.add_button.hide()
        self.correct_button = QPushButton()
        self.history_button = QPushButton()
        # Correcting and earlier versions show the content: not for a writer who may not
        # read it (a case worker's evidence and perpetrators, domain/permissions.py).
        reads = can(context.session, spec.kind, Action.VIEW)
        if spec.correct is None or not can(context.session, spec.kind, Action.EDIT) \
                or not reads:
            self.correct_button.hide()
        if not spec.history_table or not reads:
            self.history_button.hide()
        self.marks: dict[str, CorrectionMark] = {}
        self.read_only = False  # the case is closed
        self.action_buttons: list[QPushButton] = []
        for action in spec.actions:
            button = QPushButton()
            if not can(context.session, spec.kind, action.kind_action):
                button.hide()
            button.clicked.connect(lambda _checked=False, a=action: self.run_action(a))
            self.action_buttons.append(button)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(90)
        for column, spec_column in enumerate(spec.columns):
            if spec_column.stretch:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("hintLabel")
        self.empty_label.setWordWrap(True)
        self.details_label = QLabel()
        self.details_label.setObjectName("detailsPane")
        self.details_label.setWordWrap(True)
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        if spec.details is None:
            self.details_label.hide()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        # The buttons wrap onto a second line rather than widen the window (1366×768 and
        # 1280×720 at 125 %, long Russian and Azerbaijani labels).
        buttons = FlowLayout(spacing=8)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.history_button)
        for button in self.action_buttons:
            buttons.addWidget(button)
        self.layout_box = QVBoxLayout(self)
        self.layout_box.addWidget(self.intro_label)
        self.layout_box.addLayout(buttons)
        self.layout_box.addWidget(self.table, 3)
        self.layout_box.addWidget(self.empty_label)
        self.layout_box.addWidget(self.details_label, 1)
        self.layout_box.addWidget(self.message_label)
        self.add_button.clicked.connect(lambda: self.open_form())
        self.correct_button.clicked.connect(lambda: self.open_correction())
        self.history_button.clicked.connect(lambda: self.open_history())
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.row_actions = [row_action(self, None, lambda a=action: self.run_action(a))
                            for action in spec.actions]
        for row_act, button in zip(self.row_actions, self.action_buttons, strict=True):
            row_act.setVisible(not button.isHidden())
        keyboard_table(self.table, actions=self.row_actions)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.intro_label.setText(_(self.spec.intro))
        self.add_button.setText(_(self.spec.add_text) if self.spec.add_text else "")
        self.correct_button.setText(_("Amend…") if self.spec.amends else _("Correct…"))
        self.history_button.setText(_("Earlier versions…"))
        for button, action in zip(self.action_buttons, self.spec.actions, strict=True):
            button.setText(_(action.text))
        for row_act, action in zip(self.row_actions, self.spec.actions, strict=True):
            row_act.setText(_(action.text))
        self.empty_label.setText(_(self.spec.empty))
        self.table.setAccessibleName(_(self.spec.title))
        self.model.retranslate()
        self._on_current()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        if not self.is_loaded:
            self.reload()

    # --- records -------------------------------------------------------------------------
    def reload(self) -> None:
        self.is_loaded = True
        session, case_id, load = self.context.session, self.case_id, self.spec.load
        table = self.spec.history_table

        def work() -> tuple[list[Any], dict[str, CorrectionMark]]:
            records = load(session, case_id)
            return records, corrections.marks_for_case(session, table, case_id) if table else {}

        run_in_background(work, self._on_loaded, self._show_error,
                          busy=self.context.busy, owner=self)

    def _on_loaded(self, loaded: tuple[list[Any], dict[str, CorrectionMark]]) -> None:
        records, self.marks = loaded
        self.message_label.clear()
        self.model.set_records(records)
        self.empty_label.setVisible(not records)
        self.table.setVisible(bool(records))
        self.details_label.setVisible(bool(records) and self.spec.details is not None)
        self.table.resizeColumnsToContents()
        for column, spec_column in enumerate(self.spec.columns):
            if not spec_column.stretch:
                width = self.table.columnWidth(column)
                self.table.setColumnWidth(column, min(width + 12, 320))
        if records:
            self.table.selectRow(0)
        self._on_current()
        self.loaded.emit(len(records))

    def _show_error(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    def selected(self) -> Any:
        return self.model.record_at(self.table.currentIndex().row())

    def _on_current(self, *_args: object) -> None:
        record = self.selected()
        if self.spec.details is not None:
            self.details_label.setText(self.spec.details(record) + self._corrected_line(record)
                                       if record is not None else "")
        self.correct_button.setEnabled(
            record is not None and not self.read_only
            and (self.spec.correctable is None or self.spec.correctable(saved_record(record))))
        self.add_button.setEnabled(not self.read_only)
        mark = self.marks.get(record_id(record)) if record is not None else None
        self.history_button.setEnabled(mark is not None)
        for button, row_act, action in zip(self.action_buttons, self.row_actions,
                                           self.spec.actions, strict=True):
            button.setEnabled(record is not None and action.applies(record)
                              and (not self.read_only or self.spec.kind == Kind.FOLLOW_UP))
            row_act.setEnabled(button.isEnabled())

    def set_read_only(self, read_only: bool) -> None:
        """A closed case: nothing is added or corrected (follow-ups may still be marked done)."""
        self.read_only = read_only
        self._on_current()

    def _corrected_line(self, record: Any) -> str:
        """"Corrected by … on …" under the details of a record that was corrected."""
        mark = self.marks.get(record_id(record))
        if mark is None:
            return ""
        when = format_datetime(mark.corrected_at.astimezone(), fmt="short") \
            if mark.corrected_at else ""
        if self.spec.amends:
            text = ngettext("Amended by {who} on {when} ({count} earlier version).",
                            "Amended by {who} on {when} ({count} earlier versions).",
                            mark.versions)
        else:
            text = ngettext("Corrected by {who} on {when} ({count} earlier version).",
                            "Corrected by {who} on {when} ({count} earlier versions).",
                            mark.versions)
        text = text.format(who=mark.corrected_by_name, when=when, count=mark.versions)
        return f"<p style='color:#5b6975'><i>{escape(text)}</i></p>"

    # --- adding and acting -----------------------------------------------------------------
    def open_form(self, *, restore: bool = False) -> RecordForm | None:
        if self.spec.form is None:
            return None
        form = self.spec.form(self.context, self.case_id, self)
        if restore:
            form.keeper.offered.connect(lambda _draft: form.restore_offered_draft())
        form.saved.connect(self._on_saved)
        form.open()
        return form

    def open_correction(self) -> RecordForm | None:
        record = self.selected()
        if self.spec.correct is None or record is None:
            return None
        form = self.spec.correct(self.context, saved_record(record), self)
        form.saved.connect(self._on_corrected)
        form.open()
        return form

    def _on_corrected(self, _record: object) -> None:
        self.status.emit(_("Consent amended; the earlier version is kept.") if self.spec.amends
                         else _("Correction saved; the earlier version is kept."))
        self.reload()
        self.changed.emit()

    def open_history(self) -> RecordHistoryDialog | None:
        record = self.selected()
        if not self.spec.history_table or record is None:
            return None
        dialog = RecordHistoryDialog(self.context.session, self.spec.history_table,
                                     saved_record(record).id, self)
        dialog.open()
        return dialog

    def _on_saved(self, _record: object) -> None:
        self.status.emit(_("Saved."))
        self.reload()
        self.changed.emit()

    def run_action(self, action: TabAction) -> None:
        record = self.selected()
        if record is None:
            return
        if action.confirm:
            answer = QMessageBox.question(self, _(action.text), _(action.confirm))
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.perform(action, record)

    def perform(self, action: TabAction, record: Any) -> None:
        session = self.context.session

        def done(_result: object) -> None:
            if action.done:
                self.status.emit(_(action.done))
            self.reload()
            self.changed.emit()

        run_in_background(lambda: action.run(session, record), done, self._show_error,
                          busy=self.context.busy, owner=self)

    def drop_data(self) -> None:
        self.model.clear()
        self.details_label.clear()
