"""The report's embedded TrueType fonts (DejaVu: Latin with ə ğ ı ö ş ü ç, and Cyrillic)."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


def fonts_dir() -> Path:
    """``resources/fonts``: bundled inside the package, frozen, or the source tree."""
    package_dir = Path(__file__).resolve().parents[2]
    candidates = [package_dir / "_resources" / "fonts", package_dir.parent / "resources" / "fonts"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / "resources" / "fonts")
    for candidate in candidates:
        if (candidate / f"{REGULAR}.ttf").is_file():
            return candidate
    raise FileNotFoundError(f"{REGULAR}.ttf not found in {', '.join(map(str, candidates))}")


@cache
def register() -> tuple[str, str]:
    """Register both faces once (names shared with other reports); returns their names."""
    directory = fonts_dir()
    for name in (REGULAR, BOLD):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(directory / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)
    return REGULAR, BOLD
