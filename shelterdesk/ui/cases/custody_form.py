"""One event in a piece of evidence's chain of custody: copied, handed over, returned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QFormLayout, QWidget

from shelterdesk.domain.codes_services import CUSTODY_EVENTS
from shelterdesk.domain.evidence import custody_problems
from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import N_, _
from shelterdesk.store.records import evidence
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import CodePicker, LongTextField, TextField
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.screen_fit import comfortable_width

# "captured" is written by the store when the item is added; "exported" by an export.
HAND_KINDS = [c for c in CUSTODY_EVENTS.codes if c not in ("captured", "exported")]


@dataclass
class CustodyEntry:
    """What the form holds; the rules are the domain's."""

    evidence_id: str
    kind: str
    recipient: str = ""
    notes: str = ""

    def validate(self) -> list[Problem]:
        return custody_problems(self.kind, self.recipient)


class CustodyEventForm(RecordForm):
    FORM = "custody"

    def __init__(self, context: CaseContext, evidence_id: str, case_id: str,
                 parent: QWidget | None = None) -> None:
        self.case_id = case_id
        super().__init__(context, evidence_id, parent)
        form = QFormLayout()
        self.kind_picker = self.add_field(form, "kind", CodePicker(
            CUSTODY_EVENTS, choose=True, codes=HAND_KINDS), N_("What happened"))
        self.recipient_edit = self.add_field(form, "recipient", TextField(), N_("Given to"))
        self.notes_edit = self.add_field(form, "notes", LongTextField(3), N_("Notes"))
        self.body.addLayout(form)
        comfortable_width(self, 500)
        self.finish_building()

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Record a custody event"))
        self.recipient_edit.setPlaceholderText(_("Office and officer, e.g. Baku police, 3rd "
                                                 "department"))

    def content(self) -> dict[str, Any]:
        # The draft is keyed by the evidence item; the case lets the drafts list find it.
        return {**super().content(), "_case_id": self.case_id}

    def record(self) -> CustodyEntry:
        return CustodyEntry(self.subject_id, self.kind_picker.value(),
                            self.recipient_edit.value().strip(), self.notes_edit.value().strip())

    def write(self, session: Session, record: CustodyEntry) -> CustodyEntry:
        evidence.add_custody_event(session, record.evidence_id, record.kind, record.recipient,
                                   record.notes)
        return record
