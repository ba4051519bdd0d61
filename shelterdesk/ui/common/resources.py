"""Finding the icons and the stylesheet that ship beside the package."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon


@cache
def resources_dir() -> Path:
    """The top-level ``resources/``: bundled inside the package, frozen, or the source tree."""
    package_dir = Path(__file__).resolve().parent.parent.parent
    candidates = [package_dir / "_resources", package_dir.parent / "resources"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / "resources")
    for candidate in candidates:
        if (candidate / "icons").is_dir():
            return candidate
    return package_dir.parent / "resources"


def icon_path(name: str) -> Path:
    return resources_dir() / "icons" / f"{name}.svg"


def icon(name: str) -> QIcon:
    """An SVG icon by name (``lock``, ``cases`` …); an empty icon if it is missing."""
    path = icon_path(name)
    return QIcon(str(path)) if path.is_file() else QIcon()


def stylesheet() -> str:
    path = resources_dir() / "styles" / "shelterdesk.qss"
    return path.read_text("utf-8") if path.is_file() else ""
