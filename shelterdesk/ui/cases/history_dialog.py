"""The earlier versions of a corrected record: who replaced each, when, why, and what it said."""

from __future__ import annotations

import json
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain import codes_case, codes_services
from shelterdesk.domain.roles import Role, role_label
from shelterdesk.domain.validation import field_label
from shelterdesk.domain.vocabulary import Vocabulary
from shelterdesk.i18n import N_, _, format_date, format_datetime, format_list
from shelterdesk.store.records import corrections
from shelterdesk.store.records.corrections import Version
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error

# Bookkeeping columns a person does not need to compare versions.
_HIDDEN = frozenset({"id", "case_id", "created_at", "updated_at", "advisor_id", "staff_id",
                     "author_id", "captured_by", "captured_at", "done_by", "sha256", "size",
                     "media_type", "provider_org_id", "assigned_to", "room_id", "shelter_id",
                     "bed_id", "recorded_by", "retired_at", "reserved", "disabled"})
# Stored column names the shared field labels do not cover, as the forms call them.
_LABELS = {"interpreter_used": N_("Interpreter"), "next_step": N_("Next step"),
           "provider": N_("Doctor or clinic"), "follow_up_date": N_("See again on"),
           "phones": N_("Phone numbers"), "accounts": N_("Online accounts"),
           "address": N_("Address"), "discharge_reason": N_("Reason"),
           "username": N_("User name"), "display_name": N_("Display name")}
_CODES: dict[str, dict[str, Vocabulary]] = {
    "legal_consultations": {"topic": codes_services.LEGAL_TOPICS},
    "medical_services": {"kind": codes_services.MEDICAL_KINDS},
    "other_services": {"kind": codes_services.OTHER_SERVICE_KINDS},
    "follow_ups": {"kind": codes_services.FOLLOW_UP_KINDS},
    "evidence_items": {"kind": codes_services.EVIDENCE_KINDS,
                       "platform": codes_case.PLATFORMS},
    "perpetrators": {"roles": codes_services.PERPETRATOR_ROLES, "sex": codes_case.SEX,
                     "relationship": codes_case.TRAFFICKER_RELATIONSHIP},
}


def _shown_value(table: str, name: str, value: Any) -> str:
    """A stored value as a person reads it: labels for codes, dates in the language."""
    if value is None or value == "" or value == "[]":
        return ""
    vocabulary = _CODES.get(table, {}).get(name)
    if table == "users" and name == "roles" and isinstance(value, str):
        return format_list([role_label(Role(code)) for code in value.split() if code in
                            {r.value for r in Role}])
    if isinstance(value, str) and value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            items = None
        if isinstance(items, list):
            return format_list([vocabulary.label(i) if vocabulary and isinstance(i, str)
                                else (i if isinstance(i, str) else json.dumps(
                                    i, ensure_ascii=False)) for i in items])
    if vocabulary is not None and isinstance(value, str):
        return vocabulary.label(value)
    if name == "interpreter_used":
        return _("yes") if value else _("no")
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_date(date.fromisoformat(value), fmt="medium")
        except ValueError:
            return value
    return str(value)


def version_html(table: str, content: dict[str, Any]) -> str:
    """One version's fields as a small label/value table (every value escaped)."""
    rows = []
    for name, value in content.items():
        if name in _HIDDEN:
            continue
        text = _shown_value(table, name, value)
        if text:
            rows.append(f"<tr><td style='color:#5b6975; padding-right:14px'>"
                        f"{escape(_(_LABELS[name]) if name in _LABELS else field_label(name))}"
                        "</td>"
                        f"<td>{escape(text).replace(chr(10), '<br>')}</td></tr>")
    return f"<table cellspacing='0' cellpadding='2'>{''.join(rows)}</table>"


def version_title(version: Version) -> str:
    when = format_datetime(version.corrected_at.astimezone(), fmt="short") \
        if version.corrected_at else ""
    return _("Version {number}, replaced on {when} by {who}").format(
        number=version.version, when=when, who=version.corrected_by_name or _("someone"))


class RecordHistoryDialog(QDialog):
    """Lists the earlier versions of one record; ``loaded`` carries how many there are."""

    loaded = Signal(int)

    def __init__(self, session: Session, table: str, record_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Closed is gone: nothing typed stays in memory or in the accessibility tree.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.table, self.record_id = session, table, record_id
        self.versions: list[Version] = []
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.version_list = QListWidget()
        self.version_list.setObjectName("versionList")
        self.version_list.setWordWrap(True)  # "Version 2, replaced on … by …" in full
        self.content_label = QLabel()
        self.content_label.setObjectName("detailsPane")
        self.content_label.setWordWrap(True)
        self.content_label.setTextFormat(Qt.TextFormat.RichText)
        self.content_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.content_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.version_list)
        splitter.addWidget(self.content_label)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([300, 440])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.version_list.currentRowChanged.connect(self._show_version)
        self.resize(760, 420)
        self.retranslate_ui()
        self.busy.begin()
        run_in_background(lambda: corrections.history(session, table, record_id),
                          self._on_loaded, self._on_failed, owner=self)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Earlier versions"))
        self.version_list.setAccessibleName(_("Earlier versions"))
        if self.versions:
            self.intro_label.setText(_("A correction never destroys the earlier text: each "
                                       "version below is how the record read before it was "
                                       "corrected."))
        else:
            self.intro_label.setText(_("This record has not been corrected."))
        for row, version in enumerate(self.versions):
            self.version_list.item(row).setText(version_title(version))
        self._show_version(self.version_list.currentRow())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _on_loaded(self, versions: list[Version]) -> None:
        self.busy.end()
        # Newest first: the version a person most often wants is the one just replaced.
        self.versions = list(reversed(versions))
        self.version_list.clear()
        for _version in self.versions:
            self.version_list.addItem(QListWidgetItem())
        self.retranslate_ui()
        if self.versions:
            self.version_list.setCurrentRow(0)
        self.loaded.emit(len(self.versions))

    def _on_failed(self, error: BaseException) -> None:
        self.busy.end()
        self.message_label.setText(describe_error(error))

    def _show_version(self, row: int) -> None:
        if not 0 <= row < len(self.versions):
            self.content_label.clear()
            return
        version = self.versions[row]
        reason = f"<p><b>{escape(_('Reason'))}:</b> {escape(version.reason)}</p>" \
            if version.reason else ""
        self.content_label.setText(reason + version_html(self.table, version.content))

    def text(self) -> str:
        """What the dialog shows, as plain text (for tests and screen readers)."""
        items = [self.version_list.item(i).text() for i in range(self.version_list.count())]
        return "\n".join([self.intro_label.text(), *items, self.content_label.text()])
