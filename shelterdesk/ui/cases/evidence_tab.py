"""The Evidence tab: digital evidence items with their SHA-256 and their chain of custody."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from shelterdesk.domain import codes_case
from shelterdesk.domain import codes_services as codes
from shelterdesk.domain.evidence import SEALED_TEXT, CustodyEvent, EvidenceItem
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.i18n import N_, _, format_number
from shelterdesk.store.access import can
from shelterdesk.store.records import evidence, staff
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.correction_forms import EvidenceCorrectionForm
from shelterdesk.ui.cases.custody_form import CustodyEventForm
from shelterdesk.ui.cases.evidence_form import EvidenceForm
from shelterdesk.ui.cases.records_tab import Column, RecordsTab, TabSpec
from shelterdesk.ui.cases.tab_specs import lines, moment
from shelterdesk.ui.common.background import run_in_background


def _size(item: EvidenceItem) -> str:
    return _("{size} KB").format(size=format_number(max(1, round(item.size / 1024)))) \
        if item.size else ""


EVIDENCE = TabSpec(
    "evidence", Kind.EVIDENCE, N_("Evidence"),
    N_("Files are kept inside the encrypted vault with their SHA-256, so a copy handed to the "
       "police can be shown to be unchanged."),
    N_("No digital evidence yet."),
    (Column(N_("Kind"), lambda i: codes.EVIDENCE_KINDS.label(i.kind)),
     Column(N_("File or link"), lambda i: _("Sealed") if i.sealed
            else i.file_name or i.source_link, stretch=True),
     Column(N_("Platform"), lambda i: codes_case.PLATFORMS.label(i.platform)
            if i.platform else ""),
     Column(N_("Size"), _size),
     Column(N_("Captured"), lambda i: moment(i.captured_at)),
     Column(N_("SHA-256"), lambda i: i.sha256[:16] + "…" if i.sha256 else "")),
    evidence.list_evidence, EvidenceForm, N_("Add evidence…"),
    details=lambda _item: "",  # EvidenceTab fills it with the hash and the custody chain
    correct=EvidenceCorrectionForm, history_table="evidence_items")


class EvidenceTab(RecordsTab):
    """Selecting an item shows its full hash and custody chain; custody events are added here."""

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None, *, case_code: str = "") -> None:
        super().__init__(context, case_id, EVIDENCE, parent)
        self.case_code = case_code
        self.custody: list[CustodyEvent] = []
        self._names: dict[str, str] = {}
        self.custody_button = QPushButton()
        if not can(context.session, Kind.EVIDENCE, Action.EDIT):
            self.custody_button.hide()
        self.custody_button.clicked.connect(lambda: self.open_custody_form())
        self.view_button = QPushButton()
        if not can(context.session, Kind.EVIDENCE, Action.VIEW):
            self.view_button.hide()  # a case worker records evidence, never opens it
        self.view_button.clicked.connect(lambda: self.open_viewer())
        self.export_button = QPushButton()
        if not can(context.session, Kind.EVIDENCE, Action.EXPORT):
            self.export_button.hide()
        self.export_button.clicked.connect(lambda: self.open_export())
        self.table.doubleClicked.connect(lambda _index: self.open_viewer())
        row = self.layout_box.itemAt(1).layout()
        row.insertWidget(1, self.view_button)
        row.insertWidget(2, self.custody_button)
        row.addWidget(self.export_button)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        if hasattr(self, "export_button"):
            self.custody_button.setText(_("Record a custody event…"))
            self.view_button.setText(_("Open the file"))
            self.view_button.setToolTip(_("Show the file here, without saving a copy anywhere"))
            self.export_button.setText(_("Export for an investigator…"))
            self._show_details()

    def _on_current(self, *_args: object) -> None:
        super()._on_current()
        if not hasattr(self, "export_button"):
            return
        item = self.selected()
        self.custody_button.setEnabled(item is not None)
        self.view_button.setEnabled(item is not None and bool(item.size) and not item.sealed)
        self.export_button.setEnabled(self.model.rowCount() > 0)
        self.custody = []
        self._show_details()
        if item is None:
            return
        session, item_id = self.context.session, item.id

        def load() -> tuple[list[CustodyEvent], dict[str, str]]:
            names = {m.id: m.name for m in staff.list_staff(session)}
            return evidence.custody_chain(session, item_id), names

        run_in_background(load, lambda found: self._on_chain(item_id, found), self._show_error,
                          owner=self)

    def _on_chain(self, item_id: str, found: tuple[list[CustodyEvent], dict[str, str]]) -> None:
        item = self.selected()
        if item is not None and item.id == item_id:
            self.custody, self._names = found
            self._show_details()

    def _show_details(self) -> None:
        item: Any = self.selected()
        if item is None:
            self.details_label.clear()
            return
        chain = [" · ".join(p for p in (moment(e.at), codes.CUSTODY_EVENTS.label(e.kind),
                                        self._names.get(e.actor_id, ""), e.recipient, e.notes)
                            if p) for e in self.custody]
        if item.sealed:  # write-only: what she may know, and the content marked sealed
            self.details_label.setText(lines(
                (_("Description"), _(SEALED_TEXT)),
                (_("Recorded by"), self._names.get(item.captured_by, "")),
                (_("SHA-256"), grouped_hash(item.sha256)),
                (_("Chain of custody"), "\n".join(chain))))
            return
        self.details_label.setText(lines(
            (_("Description"), item.description), (_("Source link"), item.source_link),
            (_("SHA-256"), grouped_hash(item.sha256)), (_("Chain of custody"), "\n".join(chain))))

    def open_custody_form(self, *, restore: bool = False) -> CustodyEventForm | None:
        item = self.selected()
        if item is None:
            return None
        form = CustodyEventForm(self.context, item.id, self.case_id, self)
        if restore:
            form.keeper.offered.connect(lambda _draft: form.restore_offered_draft())
        form.saved.connect(self._on_saved)
        form.open()
        return form

    def open_viewer(self) -> QDialog | None:
        """The selected file, shown from memory (never a temporary file)."""
        item = self.selected()
        if item is None or not item.size or item.sealed:
            return None
        from shelterdesk.ui.cases.evidence_viewer import EvidenceViewerDialog

        viewer = EvidenceViewerDialog(self.context.session, item, self)
        viewer.open()
        return viewer

    def open_export(self) -> QDialog | None:
        if self.model.rowCount() == 0:
            return None
        from shelterdesk.ui.cases.evidence_export_dialog import EvidenceExportDialog

        dialog = EvidenceExportDialog(self.context, self.case_id, self.case_code, self)
        dialog.exported.connect(self._on_exported)
        dialog.open()
        return dialog

    def _on_exported(self, _path: str) -> None:
        self.status.emit(_("Evidence exported; the hand-over is in the chain of custody."))
        self.reload()
        self.changed.emit()

    def select_item(self, evidence_id: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.record_at(row).id == evidence_id:
                self.table.selectRow(row)


def grouped_hash(digest: str) -> str:
    """A SHA-256 in four groups of 16 (as fingerprints are shown): the pane wraps it.

    Unbroken, its 64 characters made the client file 1070 px wide in Russian.
    """
    return " ".join(digest[i:i + 16] for i in range(0, len(digest), 16))
