"""Bed tiles and room cards of the shelter board: state shown by colour, icon, border and words."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from shelterdesk.i18n import N_, _
from shelterdesk.store.records.shelters import BedState
from shelterdesk.ui.common.resources import icon

STATE_LABELS = {"free": N_("Free"), "occupied": N_("Occupied"), "reserved": N_("Reserved")}
STATE_ICONS = {"free": "bed-free", "occupied": "bed-occupied", "reserved": "bed-reserved"}
BEDS_PER_LINE = 3  # at most; fewer when the window is narrow
TILE_SPACING = 8
CARD_MARGINS = (8, 8, 8, 10)
MAX_TILE_WIDTH = 190  # longer texts are elided; the tooltip and the side panel show them whole


@dataclass(frozen=True)
class TileColours:
    """Painted explicitly (not taken from the palette), so any light or dark palette reads."""

    background: str
    border: str
    text: str
    dashed: bool = False


COLOURS = {
    "free": TileColours("#e9f6ee", "#3d8b57", "#163b23"),
    "occupied": TileColours("#e4edf7", "#2f5d8a", "#132f4c"),
    "reserved": TileColours("#fff4da", "#a87410", "#4a3300", dashed=True),
}
SELECTED_BORDER = "#12324a"


def state_label(state: str) -> str:
    return _(STATE_LABELS[state])


class BedTile(QAbstractButton):
    """One bed: its label, its state in words and an icon, and who is in it (code, initials)."""

    def __init__(self, bed: BedState, occupant: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.bed = bed
        self.occupant = occupant
        self.retranslate_ui()

    @property
    def state(self) -> str:
        return self.bed.state

    def lines(self) -> list[str]:
        """The text the tile shows, top to bottom."""
        shown = [self.bed.label, state_label(self.state)]
        if self.state == "occupied":
            code, _sep, person = self.occupant.partition(" · ")
            shown += [code or _("Occupied"), person]
        return [line for line in shown if line]

    def retranslate_ui(self) -> None:
        where = _("{bed}, {room}, {shelter}").format(
            bed=self.bed.label, room=self.bed.room_name, shelter=self.bed.shelter_name)
        state = state_label(self.state)
        described = _("{where}: {state}").format(where=where, state=state)
        if self.state == "occupied" and self.occupant:
            described = _("{where}: {state} by {occupant}").format(
                where=where, state=state, occupant=self.occupant)
        self.setAccessibleName(described)
        self.setToolTip(described)
        self.setText(" ".join(self.lines()))
        self.update()

    def needed_width(self) -> int:
        """Wide enough for the longest line (the bold label beside its icon, or the code)."""
        bold = QFont(self.font())
        bold.setBold(True)
        lines = self.lines()
        label = QFontMetrics(bold).horizontalAdvance(lines[0]) + self.fontMetrics().lineSpacing()
        rest = max((self.fontMetrics().horizontalAdvance(t) for t in lines[1:]), default=0)
        return max(label + 8, rest) + 22

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(max(140, metrics.averageCharWidth() * 18), metrics.lineSpacing() * 4 + 20)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event: QPaintEvent) -> None:
        colours = COLOURS[self.state]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = self.isChecked()
        width = 3.0 if selected else 1.5
        frame = QRectF(self.rect()).adjusted(width / 2 + 1, width / 2 + 1,
                                             -width / 2 - 1, -width / 2 - 1)
        background = QColor(colours.background)
        if self.underMouse() and not selected:
            background = background.darker(104)
        pen = QPen(QColor(SELECTED_BORDER if selected else colours.border), width)
        if colours.dashed and not selected:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(background)
        painter.drawRoundedRect(frame, 7, 7)
        if self.hasFocus() and not selected:
            focus = QPen(QColor(SELECTED_BORDER), 1, Qt.PenStyle.DotLine)
            painter.setPen(focus)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(frame.adjusted(3, 3, -3, -3), 5, 5)
        metrics = self.fontMetrics()
        line = metrics.lineSpacing()
        left, top = 10, 8
        icon_size = line + 2
        icon(STATE_ICONS[self.state]).paint(painter, QRect(left, top, icon_size, icon_size))
        painter.setPen(QColor(colours.text))
        texts = self.lines()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        text_left = left + icon_size + 6
        room = self.width() - text_left - 8
        painter.drawText(QRect(text_left, top, room, line + 2),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         painter.fontMetrics().elidedText(texts[0], Qt.TextElideMode.ElideRight,
                                                          room))
        painter.setFont(self.font())
        room = self.width() - left - 8
        for number, text in enumerate(texts[1:], start=1):
            rect = QRect(left, top + 2 + number * line, room, line)
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             metrics.elidedText(text, Qt.TextElideMode.ElideRight, room))
        painter.end()


class RoomCard(QFrame):
    """A room's name over its beds, a few to a line."""

    def __init__(self, room_name: str, tiles: list[BedTile], per_line: int = BEDS_PER_LINE,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roomCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.tiles = tiles
        self.name_label = QLabel(room_name)
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)  # user data, never markup
        self.name_label.setObjectName("roomName")
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        grid = QGridLayout()
        grid.setSpacing(TILE_SPACING)
        for index, tile in enumerate(tiles):
            grid.addWidget(tile, index // per_line, index % per_line)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*CARD_MARGINS)
        layout.setSpacing(6)
        layout.addWidget(self.name_label)
        layout.addLayout(grid)


def beds_per_line(width: int, tile_width: int) -> int:
    """How many tiles of a room fit side by side in ``width`` (1 to BEDS_PER_LINE)."""
    inner = width - CARD_MARGINS[0] - CARD_MARGINS[2] - 4  # the card's frame
    return max(1, min(BEDS_PER_LINE, (inner + TILE_SPACING) // (tile_width + TILE_SPACING)))
