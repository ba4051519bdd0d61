"""The referrals table: one row per referral, labels in the current language, sortable keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from shelterdesk.domain.codes_services import REFERRAL_STATUS, SERVICES, URGENCY
from shelterdesk.i18n import N_, _, format_date, format_list
from shelterdesk.store.records.referrals import ReferralRow
from shelterdesk.ui.common.list_table_model import ListTableModel

AnyIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class ReferralItem:
    """A referral as listed: the store's row and how its case is shown (code, initials)."""

    row: ReferralRow
    case_label: str

    @property
    def referral_id(self) -> str:
        return self.row.referral.id


def _date(value: date | str | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, fmt="short")


class ReferralTableModel(ListTableModel[ReferralItem]):
    """Display text, a tooltip for long cells, and a sort key (``SORT_ROLE``) per cell."""

    class Columns(IntEnum):
        NUMBER = 0
        CASE = 1
        ORGANISATION = 2
        SERVICES = 3
        URGENCY = 4
        STATUS = 5
        REFERRED_ON = 6
        LAST_CHANGE = 7
        OUTCOME = 8
        ANONYMIZED = 9

    HEADERS = {
        Columns.NUMBER: N_("Referral number"),
        Columns.CASE: N_("Case"),
        Columns.ORGANISATION: N_("Referred to"),
        Columns.SERVICES: N_("Services"),
        Columns.URGENCY: N_("Urgency"),
        Columns.STATUS: N_("Status"),
        Columns.REFERRED_ON: N_("Referred on"),
        Columns.LAST_CHANGE: N_("Last change"),
        Columns.OUTCOME: N_("Outcome"),
        Columns.ANONYMIZED: N_("Anonymized"),
    }

    def item_at(self, row: int) -> ReferralItem | None:
        return self.row_at(row)

    def row_of(self, referral_id: str) -> int:
        return next((n for n, item in enumerate(self._rows)
                     if item.referral_id == referral_id), -1)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = self.Columns(index.column())
        if role == SORT_ROLE:
            return self._sort_key(item, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        return None

    def _text(self, item: ReferralItem, column: Columns) -> str:
        referral = item.row.referral
        if column == self.Columns.NUMBER:
            return referral.number or "—"  # made before numbers existed: one at the next print
        if column == self.Columns.CASE:
            return item.case_label
        if column == self.Columns.ORGANISATION:
            return item.row.org_name
        if column == self.Columns.SERVICES:
            return format_list([SERVICES.label(code) for code in referral.services])
        if column == self.Columns.URGENCY:
            return URGENCY.label(referral.urgency)
        if column == self.Columns.STATUS:
            return REFERRAL_STATUS.label(referral.status)
        if column == self.Columns.REFERRED_ON:
            return _date(referral.referred_on)
        if column == self.Columns.LAST_CHANGE:
            return _date(item.row.status_changed_on)
        if column == self.Columns.OUTCOME:
            return referral.outcome
        return _("Yes") if referral.anonymized else _("No")

    def _tooltip(self, item: ReferralItem, column: Columns) -> str:
        referral = item.row.referral
        if column == self.Columns.REFERRED_ON:
            return format_date(referral.referred_on) if referral.referred_on else ""
        if column == self.Columns.LAST_CHANGE and item.row.status_changed_on:
            return format_date(date.fromisoformat(item.row.status_changed_on))
        if column == self.Columns.ANONYMIZED:
            return (_("An anonymized sheet: no name or details that identify the client.")
                    if referral.anonymized else
                    _("An identified referral, made with the client's consent."))
        return self._text(item, column)

    def _sort_key(self, item: ReferralItem, column: Columns) -> Any:
        referral = item.row.referral
        if column == self.Columns.STATUS:
            return REFERRAL_STATUS.codes.index(referral.status) \
                if referral.status in REFERRAL_STATUS else 99
        if column == self.Columns.URGENCY:
            return URGENCY.codes.index(referral.urgency) if referral.urgency in URGENCY else 99
        if column == self.Columns.REFERRED_ON:
            return referral.referred_on.isoformat() if referral.referred_on else ""
        if column == self.Columns.LAST_CHANGE:
            return item.row.status_changed_on or ""
        if column == self.Columns.ANONYMIZED:
            return int(referral.anonymized)
        return self._text(item, column).casefold()

