"""The Referrals tab of a client file: this case's referrals, and making a new one from here."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.i18n import N_, _
from shelterdesk.store.access import can
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.records_tab import RecordsTab
from shelterdesk.ui.cases.tab_specs import REFERRALS
from shelterdesk.ui.common.case_picker import CaseChoice

SPEC = replace(REFERRALS, intro=N_(
    "Referrals of this case to other organisations. Make a new one here; move a referral "
    "on when you hear back in the Referrals section."))


class ReferralsTab(RecordsTab):
    """``changed`` also after a new referral was recorded (the file's counts follow)."""

    def __init__(self, context: CaseContext, case: CaseChoice,
                 parent: QWidget | None = None) -> None:
        self.case = case
        self.new_button = QPushButton()
        super().__init__(context, case.case_id, SPEC, parent)
        self.new_button.setObjectName("newReferralButton")
        if not (can(context.session, Kind.REFERRAL, Action.CREATE)
                and can(context.session, Kind.REFERRAL, Action.EXPORT)):
            self.new_button.hide()
        self.new_button.clicked.connect(lambda: self.open_new_referral())
        self.layout_box.itemAt(1).layout().insertWidget(0, self.new_button)

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.new_button.setText(_("New referral…"))

    def open_new_referral(self) -> QDialog:
        # Opened on demand: the dialog brings the document printer (reportlab) with it.
        from shelterdesk.ui.referrals.new_referral_dialog import NewReferralDialog

        dialog = NewReferralDialog(self.context, self, case=self.case)
        dialog.created.connect(lambda _referral: self._on_saved(_referral))
        dialog.open()
        return dialog
