"""The frame of every record form: fields with their problems beside them, Save only when
valid, a draft kept in the vault, and a question before unsaved typing is thrown away."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.errors import ValidationFailed
from shelterdesk.domain.validation import Problem, field_label
from shelterdesk.i18n import _, format_datetime, format_list
from shelterdesk.store.records import drafts
from shelterdesk.store.records.drafts import Draft
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.draft_keeper import DraftKeeper
from shelterdesk.ui.common.accessible_names import focus_target, name_field, set_buddy
from shelterdesk.ui.common.background import BusyIndicator
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import follow_reading_order
from shelterdesk.ui.common.screen_fit import FittingScrollArea


class DraftBanner(QFrame):
    """"You have an unsaved … from 14:32 — Restore / Discard", inside a form or on a page."""

    restore_clicked = Signal()
    discard_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftBanner")
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.restore_button = QPushButton()
        self.discard_button = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.discard_button)
        self.restore_button.clicked.connect(self.restore_clicked)
        self.discard_button.clicked.connect(self.discard_clicked)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.restore_button.setText(_("Restore"))
        self.discard_button.setText(_("Discard"))


class RecordForm(QDialog):
    """Subclasses add fields with :meth:`add_field` and define ``record()`` and ``write()``."""

    saved = Signal(object)
    FORM = ""  # the draft's form name
    # A problem the domain names by another field than the form's widget (phone → phones).
    PROBLEM_FIELDS: dict[str, str] = {}
    SCROLLS_ITSELF = False  # True: the form scrolls its own steps (the intake)

    def __init__(self, context: CaseContext, subject_id: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Cancelled or locked away, it is destroyed with what was typed in it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.context = context
        self.session: Session = context.session
        self.subject_id = subject_id
        self.fields: dict[str, Any] = {}
        self.labels: dict[str, QLabel] = {}
        self.problem_labels: dict[str, QLabel] = {}
        self._label_texts: dict[str, str] = {}
        self._touched: set[str] = set()
        self._problems: list[Problem] = []
        self._saving = False
        self._built = False
        self._quiet_close = False
        self.guard_box: QMessageBox | None = None
        self.offered_draft: Draft | None = None
        self.keeper = DraftKeeper(context, self.FORM, subject_id, self.content, self)
        self.keeper.offered.connect(self._offer_draft)
        if context.about_to_lock is not None:
            context.about_to_lock.connect(self.prepare_for_lock)
        self.draft_banner = DraftBanner()
        self.draft_banner.restore_clicked.connect(self.restore_offered_draft)
        self.draft_banner.discard_clicked.connect(self.discard_offered_draft)
        self.hint_label = QLabel()
        self.hint_label.setObjectName("hintLabel")
        self.hint_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for keys in (QKeySequence.StandardKey.Save, QKeySequence("Ctrl+Return")):
            QShortcut(keys, self, activated=self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.draft_banner)
        if self.SCROLLS_ITSELF:
            self.body = QVBoxLayout()
            layout.addLayout(self.body, 1)
        else:  # fits a 1280×720 screen at 125 %: the fields scroll, Save stays in view
            content = QWidget()
            self.body = QVBoxLayout(content)
            self.body.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(FittingScrollArea(content), 1)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.message_label)
        self.footer = QHBoxLayout()
        self.footer.addWidget(self.busy)
        self.footer.addStretch(1)
        self.footer.addWidget(self.buttons)
        layout.addLayout(self.footer)

    # --- building ------------------------------------------------------------------------
    def add_field(self, form: QFormLayout, name: str, widget: Any, label: str = "") -> Any:
        """A row: label, the widget, and under it the widget's problem (hidden when none)."""
        text_label = QLabel()
        set_buddy(text_label, widget)
        text_label.setWordWrap(True)
        problem_label = QLabel()
        problem_label.setObjectName("fieldProblem")
        problem_label.setWordWrap(True)
        problem_label.hide()
        cell = QWidget()
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addWidget(widget)
        cell_layout.addWidget(problem_label)
        form.addRow(text_label, cell)
        self.fields[name] = widget
        self.labels[name] = text_label
        self.problem_labels[name] = problem_label
        self._label_texts[name] = label
        widget.changed.connect(lambda: self._on_field_changed(name))
        return widget

    def finish_building(self, *, offer_draft: bool = True) -> None:
        """Call once the fields hold their starting values."""
        self._built = True
        self._touched.clear()  # starting values were set by us, not typed
        self.retranslate_ui()
        self.keeper.set_baseline()
        self.keeper.start(offer=offer_draft)
        self.refresh()

    # --- for subclasses --------------------------------------------------------------------
    def record(self) -> Any:
        raise NotImplementedError

    def write(self, session: Session, record: Any) -> Any:
        """Runs in the background: hand the record to the store."""
        raise NotImplementedError

    def problems(self, record: Any) -> list[Problem]:
        return record.validate()

    def retranslate_fields(self) -> None:
        """Texts of the subclass's own widgets (labels of fields are done here)."""

    # --- text ------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        for name, label in self.labels.items():
            text = _(self._label_texts[name]) if self._label_texts[name] else field_label(name)
            label.setText(text)
            name_field(self.fields[name], text)
            retranslate = getattr(self.fields[name], "retranslate", None)
            if retranslate is not None:
                retranslate()
        self.draft_banner.retranslate()
        self.retranslate_fields()
        if self.offered_draft is not None:
            self._describe_offer()
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- content, validation ------------------------------------------------------------
    def content(self) -> dict[str, Any]:
        return {name: field.draft_value() for name, field in self.fields.items()}

    def restore_content(self, content: dict[str, Any]) -> None:
        for name, value in content.items():
            if name in self.fields:
                self.fields[name].restore(value)
        self._touched.update(n for n in content if n in self.fields)
        self.refresh()

    def _on_field_changed(self, name: str) -> None:
        self._touched.add(name)
        self.refresh()

    def refresh(self) -> None:
        if not self._built:
            return
        try:
            self._problems = self.problems(self.record())
        except (ValueError, TypeError):
            self._problems = []
        by_field: dict[str, list[str]] = {}
        loose: list[str] = []
        for problem in self._problems:
            name = self.PROBLEM_FIELDS.get(problem.field, problem.field)
            if name in self.fields:
                by_field.setdefault(name, []).append(problem.text())
            else:
                loose.append(str(problem))
        waiting: list[str] = []
        for name, label in self.problem_labels.items():
            texts = by_field.get(name, [])
            shown = bool(texts) and name in self._touched
            label.setText("; ".join(texts) if shown else "")
            label.setVisible(shown)
            # A screen reader hears what is wrong with the field (or how to fill it in) as
            # the field's description, also before the problem is shown under it.
            target = focus_target(self.fields[name])
            description = "; ".join(texts) if texts else target.toolTip()
            if target.accessibleDescription() != description:
                target.setAccessibleDescription(description)
            if texts and not shown:
                waiting.append(self.labels[name].text())
        hints = []
        if waiting:
            hints.append(_("Still to fill in: {fields}.").format(fields=format_list(waiting)))
        hints.extend(loose)
        self.hint_label.setText(" ".join(hints))
        self.hint_label.setVisible(bool(hints))
        self.save_button.setEnabled(not self._problems and not self._saving)

    def is_valid(self) -> bool:
        return not self._problems

    def is_dirty(self) -> bool:
        return self.keeper.is_dirty()

    # --- saving --------------------------------------------------------------------------
    def submit(self) -> None:
        self.refresh()
        if self._saving or not self.is_valid():
            self._touched.update(self.fields)
            self.refresh()
            return
        record, session = self.record(), self.session
        self._saving = True
        self.keeper.stop()
        self.save_button.setEnabled(False)
        self.message_label.clear()
        self.busy.begin()
        form, subject = self.FORM, self.subject_id

        def work() -> Any:
            result = self.write(session, record)
            drafts.discard_draft(session, form, subject)
            return result

        self.keeper.run(work, self._on_saved, self._on_failed)

    def _on_saved(self, result: Any) -> None:
        self.busy.end()
        self._saving = False
        if self.guard_box is not None:
            self.guard_box.reject()
        self.saved.emit(result)
        self._quiet_close = True
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.busy.end()
        self._saving = False
        self.keeper.timer.start()
        if isinstance(error, ValidationFailed):
            self._touched.update(self.fields)
        self.message_label.setText(describe_error(error))
        self.refresh()

    # --- drafts --------------------------------------------------------------------------
    def _offer_draft(self, draft: Draft) -> None:
        self.offered_draft = draft
        self._describe_offer()
        self.draft_banner.show()

    def _describe_offer(self) -> None:
        assert self.offered_draft is not None
        self.draft_banner.text_label.setText(_(
            "You have an unsaved draft of this form from {time}.").format(
                time=format_datetime(self.offered_draft.saved_at.astimezone(), fmt="short")))

    def restore_offered_draft(self) -> None:
        if self.offered_draft is not None:
            self.restore_content(self.offered_draft.content)
        self.offered_draft = None
        self.draft_banner.hide()
        self.keeper.answered()

    def discard_offered_draft(self) -> None:
        self.offered_draft = None
        self.draft_banner.hide()
        self.keeper.discard()

    # --- closing -------------------------------------------------------------------------
    def reject(self) -> None:
        """Cancel: ask before throwing away typing; closes quietly when the window locks."""
        if self._quiet_close or self._saving or not self.is_dirty() \
                or not self.session.is_open:
            self.keeper.stop()
            super().reject()
            return
        if self.guard_box is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Unsaved changes"),
                          _("This form has changes that are not saved yet."),
                          parent=self)
        box.setInformativeText(_("Keep them as a draft to finish later, or discard them?"))
        keep = box.addButton(_("Keep as a draft"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(_("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Continue editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        self.guard_box = box

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            self.guard_box = None
            if clicked is keep:
                self.keeper.keep_now(lambda _draft: self._close_quietly())
            elif clicked is discard:
                self.keeper.stop()
                self.keeper.discard(lambda _gone: self._close_quietly())
            box.deleteLater()

        box.finished.connect(answered)
        box.open()

    def discard_and_close(self) -> None:
        """Close without saving and without asking; any draft of this form is erased."""
        self.keeper.stop()
        self.keeper.discard(lambda _gone: self._close_quietly())

    def _close_quietly(self) -> None:
        self._quiet_close = True
        self.reject()

    def prepare_for_lock(self) -> None:
        """Called through the keeper's lock hook: the draft is written; close without asking."""
        self._quiet_close = True
        if self.guard_box is not None:
            self.guard_box.reject()
            self.guard_box = None

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        follow_reading_order(self)  # rows inserted above others keep Tab in reading order
        first = next(iter(self.fields.values()), None)
        if first is not None and not self.focusWidget():
            first.setFocus(Qt.FocusReason.OtherFocusReason)
