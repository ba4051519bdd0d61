"""A calm page for a section whose screens are still being built: says what will be there."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from shelterdesk.domain.workspace import Area, area_label
from shelterdesk.i18n import N_, _
from shelterdesk.ui.resources import icon

PLANNED: dict[Area, str] = {
    Area.CASES: N_(
        "Here you will find your clients and their cases: the intake of a new client, "
        "the case file with legal consultations, medical and other services, consents, "
        "digital evidence and notes. In privacy mode a name shows as the case code and "
        "initials until you choose to see it."),
    Area.SHELTER: N_(
        "Here you will see each shelter with its rooms and beds, who stays where, and "
        "admit or discharge a stay."),
    Area.REFERRALS: N_(
        "Here you will refer a client to a partner organisation and print the referral "
        "sheet: with the client's name only when the client has consented to it, "
        "otherwise anonymized."),
    Area.FOLLOW_UPS: N_(
        "Here you will see the follow-up tasks that are due: appointments, court dates "
        "and check-ins after a client has left the shelter."),
    Area.STATISTICS: N_(
        "Here you will prepare statistics for the Ministry and for donors. Small numbers "
        "are hidden so that no client can be recognised from them."),
    Area.SYNC: N_(
        "Here you will connect this laptop with your organisation's other laptops, "
        "through a shared folder or a relay server, and see when data was last exchanged. "
        "Everything that travels is encrypted."),
}


class ComingSectionPage(QWidget):
    """Title, what the section will hold, and a plain word that it is not ready yet."""

    def __init__(self, area: Area, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self.icon_label = QLabel()
        self.icon_label.setPixmap(icon(area.value.replace("_", "")).pixmap(48, 48))
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.planned_label = QLabel()
        self.planned_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("pageIntro")
        card = QFrame()
        card.setObjectName("comingCard")
        card.setMaximumWidth(640)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(28, 24, 28, 24)
        card_layout.setSpacing(12)
        card_layout.addWidget(self.icon_label)
        card_layout.addWidget(self.title_label)
        card_layout.addWidget(self.planned_label)
        card_layout.addWidget(self.status_label)
        # No alignment flags on the card: they would size it by sizeHint and cut the
        # wrapped text; stretches centre it and keep height-for-width working.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addLayout(row)
        layout.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title_label.setText(area_label(self.area))
        self.planned_label.setText(_(PLANNED[self.area]))
        self.status_label.setText(_(
            "This part of ShelterDesk is still being built. Nothing is shown or stored "
            "here yet."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def drop_data(self) -> None:
        """Nothing to drop: this page holds no records."""
