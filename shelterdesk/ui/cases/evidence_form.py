"""Digital evidence: a file dropped or chosen (its SHA-256 shown), or a link, with its context."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_case import PLATFORMS
from shelterdesk.domain.codes_services import EVIDENCE_KINDS
from shelterdesk.domain.evidence import MAX_EVIDENCE_BYTES, EvidenceItem, sha256_hex
from shelterdesk.domain.permissions import Kind, write_only
from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import N_, _, format_number
from shelterdesk.store.records import evidence
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import CodePicker, LongTextField, TextField
from shelterdesk.ui.cases.record_form import RecordForm
from shelterdesk.ui.common.background import run_in_background


@dataclass(frozen=True)
class LoadedFile:
    path: str
    content: bytes
    sha256: str
    media_type: str


def read_file(path: str) -> LoadedFile:
    """Read a file for the vault (at most one byte past the limit, so the limit is seen)."""
    with open(path, "rb") as handle:
        content = handle.read(MAX_EVIDENCE_BYTES + 1)
    media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return LoadedFile(path, content, sha256_hex(content), media_type)


class FileDropField(QFrame):
    """Drop a file here or choose one; shows its name, size and SHA-256 once read."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.loaded: LoadedFile | None = None
        self._path = ""
        self.prompt_label = QLabel()
        self.prompt_label.setWordWrap(True)
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.hash_label = QLabel()
        self.hash_label.setObjectName("hashLabel")
        self.hash_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hash_label.setWordWrap(True)
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self.choose)
        top = QHBoxLayout()
        top.addWidget(self.prompt_label, 1)
        top.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.file_label)
        layout.addWidget(self.hash_label)
        self.setFocusProxy(self.choose_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.prompt_label.setText(_("Drop a screenshot, chat export or other file here."))
        self.choose_button.setText(_("Choose a file…"))
        self._show()

    def choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose the evidence file"))
        if path:
            self.set_value(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.set_value(urls[0].toLocalFile())
            event.acceptProposedAction()

    def value(self) -> str:
        return self._path

    def set_value(self, value: Any) -> None:
        """Read the file in the background; ``changed`` fires when it is read (or failed)."""
        self._path = str(value or "")
        self.loaded = None
        self._show()
        self.changed.emit()
        if not self._path:
            return
        path = self._path

        def done(loaded: LoadedFile) -> None:
            if loaded.path == self._path:
                self.loaded = loaded
                self._show()
                self.changed.emit()

        def failed(_error: BaseException) -> None:
            if path == self._path:
                self.file_label.setText(_("The file could not be read."))

        run_in_background(lambda: read_file(path), done, failed, owner=self)

    def _show(self) -> None:
        if not self._path:
            self.file_label.setText(_("No file chosen."))
            self.hash_label.clear()
        elif self.loaded is None:
            self.file_label.setText(_("Reading {name}…").format(name=Path(self._path).name))
            self.hash_label.clear()
        else:
            kib = max(1, round(len(self.loaded.content) / 1024))
            self.file_label.setText(_("{name} · {size} KB").format(
                name=Path(self._path).name, size=format_number(kib)))
            self.hash_label.setText(_("SHA-256: {digest}").format(digest=self.loaded.sha256))

    draft_value = value
    restore = set_value


class EvidenceForm(RecordForm):
    FORM = "evidence"
    PROBLEM_FIELDS = {"file_name": "file"}

    def __init__(self, context: CaseContext, case_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, case_id, parent)
        form = QFormLayout()
        self.kind_picker = self.add_field(form, "kind", CodePicker(EVIDENCE_KINDS, choose=True))
        self.file_field = self.add_field(form, "file", FileDropField(), N_("File"))
        self.link_edit = self.add_field(form, "source_link", TextField())
        self.platform_picker = self.add_field(form, "platform",
                                              CodePicker(PLATFORMS, optional=True))
        self.description_edit = self.add_field(form, "description", LongTextField(3))
        # A case worker records evidence she cannot read back: said before she saves.
        self.sealed_note = QLabel()
        self.sealed_note.setObjectName("hintLabel")
        self.sealed_note.setWordWrap(True)
        self.sealed_note.setVisible(write_only(context.session.user.roles, Kind.EVIDENCE))
        self.body.addWidget(self.sealed_note)
        self.body.addLayout(form)
        self.setMinimumWidth(620)
        self.finish_building()

    def retranslate_fields(self) -> None:
        self.setWindowTitle(_("Add digital evidence"))
        self.link_edit.setPlaceholderText("https://")
        self.description_edit.setPlaceholderText(_("What it shows and where it came from"))
        self.sealed_note.setText(_("Once saved, the file, link and description are sealed: "
                                   "only legal advisors and coordinators can read them. You "
                                   "will see that the item exists and its chain of custody."))

    def record(self) -> EvidenceItem:
        loaded = self.file_field.loaded
        return EvidenceItem(
            case_id=self.subject_id, kind=self.kind_picker.value(),
            file_name=Path(loaded.path).name if loaded else "",
            media_type=loaded.media_type if loaded else "",
            content=loaded.content if loaded else b"",
            platform=self.platform_picker.value(), source_link=self.link_edit.value().strip(),
            description=self.description_edit.value().strip())

    def problems(self, record: EvidenceItem) -> list[Problem]:
        found = record.validate()
        if self.file_field.value() and self.file_field.loaded is None:
            found = [p for p in found if p.field != "file_name"]
            found.append(Problem("file_name", N_("is still being read")))
        return found

    def write(self, session: Session, record: EvidenceItem) -> EvidenceItem:
        return evidence.add_evidence(session, record)
