"""The Stays tab: the case's shelter stays, admitting to a free bed and discharging the open stay
(with the Shelter board's own admit and discharge dialogs)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import _
from shelterdesk.store.access import can
from shelterdesk.store.records.case_stays import StayRow
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.records_tab import RecordsTab
from shelterdesk.ui.cases.stay_dates_dialog import StayDatesDialog
from shelterdesk.ui.cases.tab_specs import STAYS
from shelterdesk.ui.common.case_picker import CaseChoice
from shelterdesk.ui.shelter.stay_dialogs import AdmitDialog, DischargeDialog


class StaysTab(RecordsTab):
    """``who`` names the client as the header shows them (initials in privacy mode)."""

    def __init__(self, context: CaseContext, case_id: str, case_code: str, who: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, case_id, STAYS, parent)
        self.case_code, self.who = case_code, who
        self.admit_button = QPushButton()
        self.discharge_button = QPushButton()
        self.dates_button = QPushButton()  # coordinators correct a stay's dates
        if not context.session.user.has_role(Role.COORDINATOR):
            self.dates_button.hide()
        if not can(context.session, Kind.STAY, Action.CREATE):
            self.admit_button.hide()
        if not can(context.session, Kind.STAY, Action.EDIT):
            self.discharge_button.hide()
        row = self.layout_box.itemAt(1).layout()
        row.insertWidget(0, self.admit_button)
        row.insertWidget(1, self.discharge_button)
        row.insertWidget(2, self.dates_button)
        self.dates_button.clicked.connect(lambda: self.open_dates_dialog())
        self.admit_button.clicked.connect(lambda: self.open_admit_dialog())
        self.discharge_button.clicked.connect(lambda: self.open_discharge_dialog())
        self.loaded.connect(lambda _count: self._update_buttons())
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_args: self._update_buttons())
        self.retranslate_ui()
        self._update_buttons()

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        if hasattr(self, "admit_button"):
            self.admit_button.setText(_("Admit to a shelter…"))
            self.discharge_button.setText(_("Discharge…"))
            self.dates_button.setText(_("Correct the dates…"))

    def open_stay(self) -> StayRow | None:
        rows = [self.model.record_at(r) for r in range(self.model.rowCount())]
        return next((r for r in rows if r.stay.is_open), None)

    def _update_buttons(self) -> None:
        # One bed at a time: admitting waits until the open stay is discharged.
        self.admit_button.setEnabled(self.is_loaded and self.open_stay() is None)
        self.discharge_button.setEnabled(self.open_stay() is not None)
        self.dates_button.setEnabled(self.selected() is not None and not self.read_only)

    def open_admit_dialog(self) -> AdmitDialog:
        dialog = AdmitDialog(self.context.session,
                             case=CaseChoice(self.case_id, self.case_code, self.who),
                             parent=self)
        dialog.admitted.connect(self._on_saved)
        dialog.open()
        return dialog

    def open_discharge_dialog(self) -> DischargeDialog | None:
        found = self.open_stay()
        if found is None:
            return None
        dialog = DischargeDialog(self.context.session, found.stay,
                                 who=f"{self.case_code} · {self.who}" if self.who
                                 else self.case_code, where=found.place, parent=self)
        dialog.discharged.connect(self._on_saved)
        dialog.open()
        return dialog

    def open_dates_dialog(self) -> StayDatesDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = StayDatesDialog(self.context.session, row.stay, where=row.place, parent=self)
        dialog.corrected.connect(self._on_corrected)
        dialog.open()
        return dialog
