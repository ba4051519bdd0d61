"""Before a new client is saved: clients who look the same, to open instead or to rule out."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_case import CASE_STATUS
from shelterdesk.i18n import N_, _, format_list
from shelterdesk.store.records import duplicates
from shelterdesk.store.records.duplicates import PossibleDuplicate
from shelterdesk.ui.common.background import run_in_background
from shelterdesk.ui.common.error_text import describe_error

REASONS = {"name": N_("same name and date of birth"), "phone": N_("same phone number"),
           "document": N_("same identity document")}


class DuplicateDialog(QDialog):
    """``open_case`` with the chosen case id, or ``different`` once the worker rules them out."""

    open_case = Signal(str)
    different = Signal()

    def __init__(self, matches: list[PossibleDuplicate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matches = matches
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.match_list = QTreeWidget()
        self.match_list.setRootIsDecorated(False)
        self.match_list.setColumnCount(4)
        for match in matches:
            item = QTreeWidgetItem()
            item.setData(0, Qt.ItemDataRole.UserRole, match.case_id)
            self.match_list.addTopLevelItem(item)
        self.match_list.setCurrentItem(self.match_list.topLevelItem(0))
        self.open_button = QPushButton()
        self.different_button = QPushButton()
        self.back_button = QPushButton()
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.different_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.open_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.match_list, 1)
        layout.addWidget(self.buttons)
        self.open_button.clicked.connect(self._open)
        self.match_list.itemActivated.connect(lambda *_args: self._open())
        self.different_button.clicked.connect(self._different)
        self.back_button.clicked.connect(self.reject)
        self.resize(640, 320)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("This client may already have a case"))
        self.intro_label.setText(_(
            "Before saving: these cases look like the same person. Open the existing case, or "
            "confirm that this is a different person (your answer is recorded)."))
        self.match_list.setHeaderLabels([_("Case"), _("Initials"), _("Status"), _("Why")])
        self.match_list.setAccessibleName(_("Cases that look the same"))
        for row, match in enumerate(self.matches):
            item = self.match_list.topLevelItem(row)
            item.setText(0, match.case_code)
            item.setText(1, match.initials)
            item.setText(2, CASE_STATUS.label(match.status))
            item.setText(3, format_list([_(REASONS[r]) for r in match.reasons]))
        for column in range(3):
            self.match_list.resizeColumnToContents(column)
            self.match_list.setColumnWidth(column, self.match_list.columnWidth(column) + 16)
        self.open_button.setText(_("Open the existing case"))
        self.different_button.setText(_("A different person: save"))
        self.back_button.setText(_("Back to the form"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _open(self) -> None:
        item = self.match_list.currentItem()
        if item is not None:
            self.open_case.emit(item.data(0, Qt.ItemDataRole.UserRole))
            self.accept()

    def _different(self) -> None:
        self.different.emit()
        self.accept()


def check_then_save(form: Any) -> None:
    """Look for the same person; save at once when none, else let the worker decide.

    ``form`` is the intake form (``IntakeDialog``), which imports this module.
    """
    session, client = form.session, form.build_client()
    form.busy.begin()
    form.save_button.setEnabled(False)

    def found(matches: list[PossibleDuplicate]) -> None:
        form.busy.end()
        form.refresh()
        if not matches:
            form.duplicates_cleared = True
            form.submit()
            return
        dialog = DuplicateDialog(matches, form)
        form.duplicate_dialog = dialog

        def confirmed() -> None:
            ids = [m.case_id for m in matches]
            run_in_background(lambda: duplicates.confirm_different_person(session, ids),
                              lambda _r: cleared(), show_error, owner=form)

        def cleared() -> None:
            form.duplicates_cleared = True
            form.submit()

        def open_existing(case_id: str) -> None:
            form.open_existing.emit(case_id)
            # After this click is handled: closing the form deletes this dialog with it.
            QTimer.singleShot(0, form.discard_and_close)

        dialog.different.connect(confirmed)
        dialog.open_case.connect(open_existing)
        dialog.open()

    def show_error(error: BaseException) -> None:
        form.message_label.setText(describe_error(error))
        form.refresh()

    def failed(error: BaseException) -> None:
        form.busy.end()
        show_error(error)

    run_in_background(lambda: duplicates.find_possible_duplicates(session, client), found,
                      failed, owner=form)
