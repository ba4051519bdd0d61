"""The Unicode TrueType family every printed page uses, found beside the package and embedded."""

from __future__ import annotations

import sys
import threading
from functools import cache
from pathlib import Path

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_

REGULAR = "ShelterDeskSans"
BOLD = "ShelterDeskSans-Bold"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
LICENCE = "LICENSE-DejaVu.txt"

_lock = threading.Lock()
_registered = False


class FontsMissing(UserFacingError):
    message = N_("The fonts for printing are missing from this installation ({path}); "
                 "reinstall ShelterDesk.")


@cache
def resources_dir() -> Path:
    """The top-level ``resources/``: bundled inside the package, frozen, or the source tree."""
    package_dir = Path(__file__).resolve().parent.parent
    candidates = [package_dir / "_resources", package_dir.parent / "resources"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / "resources")
    for candidate in candidates:
        if (candidate / "fonts" / FILES[REGULAR]).is_file():
            return candidate
    return package_dir.parent / "resources"


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / FILES[name]


def register_fonts() -> None:
    """Register the family once per process (reportlab keeps fonts in a global registry)."""
    global _registered
    if _registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        if _registered:
            return
        for name in FILES:
            path = font_path(name)
            if not path.is_file():
                raise FontsMissing(path=str(path.parent))
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # No italics are used; <i> falls back to the upright faces rather than to Helvetica.
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                      boldItalic=BOLD)
        _registered = True
