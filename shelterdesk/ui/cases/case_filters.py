"""The filters above the case list: status, exploitation, recruitment, worker, shelter stay."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_case import CASE_STATUS, EXPLOITATION_TYPES, RECRUITMENT_CHANNELS
from shelterdesk.domain.vocabulary import Vocabulary
from shelterdesk.i18n import N_, _
from shelterdesk.store.records.case_list import CaseFilter
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.staff_picker import StaffPicker
from shelterdesk.ui.common.flow_layout import FlowLayout

ANY = N_("Any")


def compact(combo: QComboBox, characters: int = 8) -> None:
    """A filter that may shrink with the window; its list still opens wide enough to read."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
STAY_CHOICES = (("", ANY), ("in", N_("In a shelter now")), ("out", N_("Not in a shelter")))


class VocabularyFilter(QComboBox):
    """"Any" or one code of a vocabulary, by its translated label."""

    def __init__(self, vocabulary: Vocabulary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vocabulary = vocabulary
        self.addItem("", "")
        for code in vocabulary.codes:
            self.addItem("", code)
        self.retranslate()

    def retranslate(self) -> None:
        self.setItemText(0, _(ANY))
        for index in range(1, self.count()):
            self.setItemText(index, self.vocabulary.label(self.itemData(index)))

    def value(self) -> str:
        return self.currentData() or ""


class CaseFilterBar(QWidget):
    """Emits ``changed`` whenever a filter is picked; ``case_filter`` gives the store's filter."""

    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_combo = VocabularyFilter(CASE_STATUS)
        self.exploitation_combo = VocabularyFilter(EXPLOITATION_TYPES)
        self.channel_combo = VocabularyFilter(RECRUITMENT_CHANNELS)
        self.worker_combo = StaffPicker(session, any_label=N_("Anyone"))
        self.stay_combo = QComboBox()
        for code, _label in STAY_CHOICES:
            self.stay_combo.addItem("", code)
        self.clear_button = QPushButton()
        self.clear_button.setFlat(True)
        self.clear_button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.labels: list[QLabel] = []
        # Each filter is a cell (its label over its list); the cells wrap onto a second
        # line on a small screen instead of widening the window past it.
        flow = FlowLayout(self, spacing=10)
        self.combos = (self.status_combo, self.exploitation_combo, self.channel_combo,
                       self.worker_combo, self.stay_combo)
        for combo in self.combos:
            label = QLabel()
            label.setObjectName("filterLabel")
            label.setBuddy(combo)
            self.labels.append(label)
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(2)
            cell_layout.addWidget(label)
            cell_layout.addWidget(combo)
            flow.addWidget(cell)
            combo.currentIndexChanged.connect(self._on_changed)
        clear_cell = QWidget()
        clear_layout = QVBoxLayout(clear_cell)
        clear_layout.setContentsMargins(0, 0, 0, 0)
        clear_layout.addStretch(1)
        clear_layout.addWidget(self.clear_button)
        flow.addWidget(clear_cell)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # taller when the cells wrap
        self.setSizePolicy(policy)
        self.clear_button.clicked.connect(self.clear)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        texts = (_("Status"), _("Exploitation"), _("Recruited through"),
                 _("Assigned worker"), _("Shelter"))
        for label, combo, text in zip(self.labels, self.combos, texts, strict=True):
            label.setText(text)
            combo.setAccessibleName(text)
        for combo in (self.status_combo, self.exploitation_combo, self.channel_combo):
            combo.retranslate()
        self.worker_combo.retranslate()
        for index, (_code, label) in enumerate(STAY_CHOICES):
            self.stay_combo.setItemText(index, _(label))
        self.clear_button.setText(_("Clear filters"))
        for combo in self.combos:
            compact(combo)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def case_filter(self, search: str = "") -> CaseFilter:
        stay = self.stay_combo.currentData()
        return CaseFilter(search=search, status=self.status_combo.value(),
                          exploitation_type=self.exploitation_combo.value(),
                          recruitment_channel=self.channel_combo.value(),
                          assigned_worker_id=self.worker_combo.value(),
                          open_stay=None if not stay else stay == "in")

    def is_filtering(self) -> bool:
        return any(combo.currentIndex() > 0 for combo in self.combos)

    def _on_changed(self) -> None:
        self.clear_button.setEnabled(self.is_filtering())
        self.changed.emit()

    def clear(self) -> None:
        for combo in self.combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._on_changed()
