"""Help → User guide: the guide shipped with the app, in the UI language, read offline.

The guide is Markdown (``resources/help/guide.<lang>.md``), one chapter per ``##``
heading, listed beside the text. Its pictures are the screenshots that
``scripts/screenshots.py`` makes, referred to as ``…/<lang>/<name>.png`` and looked up in
the copy shipped with the app (``resources/help/screenshots``) or, in a source checkout,
in ``docs/screenshots``. Nothing is fetched from a network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import _, active_language
from shelterdesk.ui.common.resources import resources_dir
from shelterdesk.ui.common.screen_fit import fit_to_screen

LANGUAGES = ("az", "ru", "en")
IMAGE_REF = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Chapter:
    title: str
    markdown: str


def guide_path(language: str) -> Path:
    language = language if language in LANGUAGES else "en"
    return resources_dir() / "help" / f"guide.{language}.md"


def screenshot_dirs() -> list[Path]:
    """Where the guide's pictures are: shipped with the app, or the source tree's docs."""
    root = resources_dir()
    return [root / "help" / "screenshots", root.parent / "docs" / "screenshots"]


def find_image(reference: str) -> Path | None:
    """A guide's ``…/<lang>/<name>.png`` as a file on this computer (None if absent)."""
    parts = reference.replace("\\", "/").split("/")
    if len(parts) < 2 or not parts[-1].endswith(".png"):
        return None
    for folder in screenshot_dirs():
        candidate = folder / parts[-2] / parts[-1]
        if candidate.is_file():
            return candidate
    return None


def chapters(language: str) -> list[Chapter]:
    """The guide split at its ``##`` headings (the ``#`` title line is dropped)."""
    text = guide_path(language).read_text("utf-8")
    found: list[Chapter] = []
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        title, _newline, body = block.partition("\n")
        found.append(Chapter(title.strip(), f"## {title.strip()}\n{body}"))
    return found


def image_references(language: str) -> list[str]:
    return IMAGE_REF.findall(guide_path(language).read_text("utf-8"))


class GuideBrowser(QTextBrowser):
    """Shows Markdown; images come from the local screenshot folders, links never open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)  # offline: no browser, no network
        self.setOpenExternalLinks(False)

    def loadResource(self, kind: int, name: QUrl) -> object:
        if kind == QTextDocument.ResourceType.ImageResource.value:
            path = find_image(name.toString())
            if path is not None:
                image = QImage(str(path))
                # Wide screens shrink to the reading width; small dialogs keep their size.
                width = max(320, self.viewport().width() - 40)
                return image.scaledToWidth(min(width, image.width()))
            return QImage()
        return super().loadResource(kind, name)


class HelpWindow(QDialog):
    """The user guide: chapters on the left, the chapter on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = ""
        self.chapter_list = QListWidget()
        self.chapter_list.setObjectName("guideChapters")
        self.browser = GuideBrowser()
        self.browser.setObjectName("guideText")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        body = QHBoxLayout()
        body.addWidget(self.chapter_list)
        body.addWidget(self.browser, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.chapter_list.currentRowChanged.connect(self.show_chapter)
        self.chapters: list[Chapter] = []
        fit_to_screen(self, 1000, 700)  # smaller on a small screen
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("ShelterDesk user guide"))
        language = active_language()
        if language != self.language:
            self.language = language
            row = max(0, self.chapter_list.currentRow())
            self.chapters = chapters(language)
            self.chapter_list.clear()
            self.chapter_list.addItems([c.title for c in self.chapters])
            self.chapter_list.setFixedWidth(max(
                (self.chapter_list.fontMetrics().horizontalAdvance(c.title)
                 for c in self.chapters), default=120) + 40)
            self.chapter_list.setCurrentRow(min(row, len(self.chapters) - 1))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def show_chapter(self, row: int) -> None:
        if 0 <= row < len(self.chapters):
            self.browser.setMarkdown(self.chapters[row].markdown)

    def select_chapter(self, row: int) -> None:
        self.chapter_list.setCurrentRow(row)
