"""The user guide: three languages with the same chapters, every picture a current screenshot
the screenshot script makes, shipped with the app, opened offline from the Help menu; About
names the licence of the app, Qt, the fonts and every bundled library."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument

from shelterdesk import __version__
from shelterdesk._build import copy_guide_screenshots
from shelterdesk.ui.shell import help_window
from shelterdesk.ui.shell.about_dialog import BUNDLED, AboutDialog
from shelterdesk.ui.shell.help_window import HelpWindow, chapters, guide_path, image_references
from tests.gui_helpers import make_window
from tests.test_screenshots import SCREENS

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "az", "ru")
# Screens another branch adds to scripts/screenshots.py (Administration → Backups, i16a);
# the lead folds them into SCREENS at merge and this set becomes empty.
FROM_OTHER_BRANCHES: set[str] = set()
TOPICS = 12  # who it is for … emergency erase: one chapter each


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guide_has_every_chapter_in_every_language(language: str) -> None:
    found = chapters(language)
    assert len(found) == TOPICS
    assert all(len(c.markdown) > 400 for c in found)
    assert [r.split("/")[-1] for r in image_references(language)] == \
        [r.split("/")[-1] for r in image_references("en")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_picture_is_a_screenshot_the_script_makes_in_that_language(
        language: str) -> None:
    references = image_references(language)
    assert len(references) >= 15
    for reference in references:
        folder, name = reference.split("/")[-2:]
        assert folder == language, reference
        assert name.endswith(".png") and name[:-4] in set(SCREENS) | FROM_OTHER_BRANCHES, name
        # The relative path works where the guide is read as a file (a repository viewer).
        assert (guide_path(language).parent / reference).resolve() == \
            ROOT / "docs" / "screenshots" / language / name


def test_the_build_ships_the_pictures_beside_the_guide(tmp_path: Path) -> None:
    copied = copy_guide_screenshots(tmp_path)
    committed = [r for lang in LANGUAGES for r in image_references(lang)
                 if (ROOT / "docs" / "screenshots" / r.split("/")[-2] / r.split("/")[-1])
                 .is_file()]
    assert copied and len(copied) == len(committed)
    assert all(path.stat().st_size > 5_000 for path in copied)


def test_the_help_window_shows_the_guide_offline(qtbot, monkeypatch, tmp_path: Path) -> None:
    # Pictures come from the shipped copy first: point it at a built copy to prove it.
    copy_guide_screenshots(tmp_path / "help" / "screenshots")
    monkeypatch.setattr(help_window, "screenshot_dirs", lambda: [tmp_path / "help" /
                                                                 "screenshots"])
    window = HelpWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.chapter_list.count() == TOPICS
    assert not window.browser.openLinks() and not window.browser.openExternalLinks()
    window.select_chapter(1)  # first run and the recovery key, with its pictures
    assert "recovery key" in window.browser.toPlainText()
    image = window.browser.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                        QUrl(image_references("en")[0]))
    assert not image.isNull()


def test_f1_opens_the_guide_in_the_window_language_even_when_locked(
        qtbot, vault, english) -> None:
    from shelterdesk.i18n import set_language

    window = make_window(qtbot, vault)
    set_language("az")
    window.menus.retranslate_ui()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.unlock_page.user_edit, Qt.Key.Key_F1)
    guide = window.menus.help_window
    assert guide is not None and guide.isVisible()
    assert guide.chapter_list.item(0).text() == chapters("az")[0].title
    set_language("en")


def test_about_names_the_version_and_every_bundled_library(qtbot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert __version__ in text and "AGPL-3.0-or-later" in text and "Qt " in text
    assert "DejaVu" in text
    for name, licence in BUNDLED:
        assert name in text and licence in text


def test_the_bundled_list_covers_every_runtime_dependency() -> None:
    """The closure of pyproject's dependencies, as installed, is in About's list."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "dependencies"]
    seen: set[str] = set()

    def walk(text: str) -> None:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            return
        name = requirement.name.lower().replace("_", "-")
        if name in seen:
            return
        seen.add(name)
        try:
            for sub in metadata.requires(requirement.name) or []:
                walk(sub)
        except metadata.PackageNotFoundError:
            pass

    for dependency in declared:
        walk(dependency)
    listed = {name.lower().replace("_", "-") for name, _licence in BUNDLED}
    assert seen - listed == set()
