"""Administration → Settings: the vault-wide settings a coordinator chooses for everyone."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import N_, _
from shelterdesk.store import settings
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error

PAPER_SIZES: tuple[tuple[str, str], ...] = (("A4", N_("A4")), ("Letter", N_("US Letter")))


class VaultSettingsPage(QWidget):
    """Auto-lock, paper size, k for anonymization; emits ``auto_lock_changed`` in minutes."""

    auto_lock_changed = Signal(int)
    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.intro_label.setObjectName("pageIntro")
        self.auto_lock_spin = QSpinBox()
        self.auto_lock_spin.setRange(settings.SPECS["auto_lock_minutes"].minimum or 1,
                                     settings.SPECS["auto_lock_minutes"].maximum or 60)
        self.paper_combo = QComboBox()
        for code, _label in PAPER_SIZES:
            self.paper_combo.addItem("", code)
        self.k_spin = QSpinBox()
        self.k_spin.setRange(settings.SPECS["anonymization_k"].minimum or 2,
                             settings.SPECS["anonymization_k"].maximum or 50)
        self.population_spin = QSpinBox()
        spec = settings.SPECS["statistics_min_population"]
        self.population_spin.setRange(spec.minimum or 10, spec.maximum or 1000)
        self.population_label = QLabel()
        self.population_label.setBuddy(self.population_spin)
        self.auto_lock_label = QLabel()
        self.paper_label = QLabel()
        self.k_label = QLabel()
        self.k_hint_label = QLabel()
        self.k_hint_label.setWordWrap(True)
        self.k_hint_label.setObjectName("hintLabel")
        self.auto_lock_label.setBuddy(self.auto_lock_spin)
        self.paper_label.setBuddy(self.paper_combo)
        self.k_label.setBuddy(self.k_spin)
        self.save_button = QPushButton()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("errorMessage")
        form = QFormLayout()
        form.addRow(self.auto_lock_label, self.auto_lock_spin)
        form.addRow(self.paper_label, self.paper_combo)
        form.addRow(self.k_label, self.k_spin)
        form.addRow("", self.k_hint_label)
        form.addRow(self.population_label, self.population_spin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        column = QWidget()
        column.setMaximumWidth(640)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addWidget(column)
        self.save_button.clicked.connect(self.save)
        self.load()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.intro_label.setText(_("These settings apply to every user of this vault."))
        self.auto_lock_label.setText(_("Lock after inactivity"))
        self.auto_lock_spin.setSuffix(" " + _("min"))
        self.auto_lock_spin.setAccessibleName(_("Minutes of inactivity before locking"))
        self.paper_label.setText(_("Paper size"))
        self.paper_combo.setAccessibleName(_("Paper size"))
        for index, (_code, label) in enumerate(PAPER_SIZES):
            self.paper_combo.setItemText(index, _(label))
        self.k_label.setText(_("Anonymization threshold (k)"))
        self.k_spin.setAccessibleName(_("Anonymization threshold (k)"))
        self.k_hint_label.setText(_(
            "On anonymized sheets and statistics a rare value (a nationality, an age) is "
            "generalised until at least this many clients share it."))
        self.population_label.setText(_("Smallest population for statistics filters"))
        self.population_spin.setAccessibleName(_("Smallest population for statistics filters"))
        self.population_spin.setToolTip(_(
            "Statistics for one shelter or one worker are refused when fewer cases than "
            "this lie behind them."))
        self.save_button.setText(_("Save settings"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def drop_data(self) -> None:
        """Nothing personal here; the values are re-read at the next unlock."""

    def load(self) -> None:
        with self.session.lock:
            values = settings.all_values(self.session)
        self.auto_lock_spin.setValue(int(values["auto_lock_minutes"]))
        self.paper_combo.setCurrentIndex(max(0, self.paper_combo.findData(values["paper_size"])))
        self.k_spin.setValue(int(values["anonymization_k"]))
        self.population_spin.setValue(int(values["statistics_min_population"]))

    def save(self) -> None:
        session = self.session
        wanted = {"auto_lock_minutes": self.auto_lock_spin.value(),
                  "paper_size": self.paper_combo.currentData(),
                  "anonymization_k": self.k_spin.value(),
                  "statistics_min_population": self.population_spin.value()}

        def write() -> None:
            for name, value in wanted.items():
                if settings.get(session, name) != value:
                    settings.set_value(session, name, value)

        def saved(_result: object) -> None:
            self.save_button.setEnabled(True)
            self.message_label.clear()
            self.auto_lock_changed.emit(wanted["auto_lock_minutes"])
            self.status.emit(_("Settings saved."))

        self.save_button.setEnabled(False)
        run_in_background(write, saved, self._on_failed, busy=self.busy, owner=self)

    def _on_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message_label.setText(describe_error(error))
