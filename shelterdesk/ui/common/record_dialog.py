"""A small form of named text fields whose save runs in the background (shelter, room, bed)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.screen_fit import comfortable_width


class RecordDialog(QDialog):
    """``save(values)`` runs off the GUI thread; the dialog closes only when it succeeded."""

    saved = Signal(object)

    def __init__(self, title: str, fields: list[tuple[str, str]],
                 save: Callable[[dict[str, str]], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Cancelled or locked away, it is destroyed with what was typed in it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self._save = save
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, label_text in fields:
            edit = QLineEdit()
            edit.setAccessibleName(label_text)
            label = QLabel(label_text)
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.edits[key] = edit
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        comfortable_width(self, 420)

    def values(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.edits.items()}

    def submit(self) -> None:
        values, save = self.values(), self._save
        self.save_button.setEnabled(False)
        self.message_label.clear()
        run_in_background(lambda: save(values), self._on_saved, self._on_failed,
                          busy=self.busy, owner=self)

    def _on_saved(self, result: object) -> None:
        self.saved.emit(result)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message_label.setText(describe_error(error))
