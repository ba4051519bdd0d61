"""Finding and loading the gettext catalogs, compiled or straight from the .po source."""

from __future__ import annotations

import gettext
import io
import sys
from pathlib import Path

DOMAIN = "shelterdesk"


def catalog_root() -> Path:
    """Where the catalogs live: a frozen bundle, beside the installed package, or the source tree.

    A PyInstaller bundle unpacks its data under ``sys._MEIPASS`` and carries the
    compiled catalogs as ``translations/`` there (packaging/pyinstaller/shelterdesk.spec).
    """
    package_dir = Path(__file__).resolve().parent.parent
    candidates = [package_dir / "_translations", package_dir.parent / "translations"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / "translations")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return package_dir.parent / "translations"


def load_translations(language: str) -> gettext.NullTranslations:
    """The compiled .mo when it is up to date, else the .po compiled in memory.

    Compiling in memory keeps a source checkout correct without a build step;
    installed bundles carry .mo files produced at build time.
    """
    root = catalog_root()
    po_path = root / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo_path = root / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    pending = pending_fragments(root, language)
    if pending and po_path.is_file():
        return _compile_in_memory(po_path, language, pending)
    if mo_path.is_file() and (not po_path.is_file()
                              or mo_path.stat().st_mtime >= po_path.stat().st_mtime):
        with mo_path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po_path.is_file():
        return _compile_in_memory(po_path, language)
    return gettext.NullTranslations()


def pending_fragments(root: Path, language: str) -> list[Path]:
    """Translations written on a branch before they are merged into the catalog.

    ``translations/pending/<topic>_<language>.po`` files let parallel work add
    translations without conflicting edits of the big catalogs; the merge script
    (``scripts/merge_pending_translations.py``) folds them in and removes them.
    """
    return sorted((root / "pending").glob(f"*_{language}.po"))


def compile_catalog(po_path: Path, language: str, pending: list[Path] | None = None) -> bytes:
    """The .mo bytes of a .po catalog with its pending fragments folded in.

    The one compiler for every route: in memory for a source checkout, and at build
    time for wheels (``shelterdesk/_build.py``) and bundles (the PyInstaller spec),
    so a bundle never lacks a translation that a source checkout shows.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for fragment_path in pending or []:
        with fragment_path.open("rb") as handle:
            fragment = read_po(handle, locale=language)
        for message in fragment:
            if message.id and message.string and not message.fuzzy:
                catalog[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Compile every ``source/<lang>/LC_MESSAGES/*.po`` (with pending fragments) into ``target``."""
    written = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        language = po_path.parent.parent.name
        out_dir = target / language / "LC_MESSAGES"
        out_dir.mkdir(parents=True, exist_ok=True)
        pending = pending_fragments(source, language) if po_path.stem == DOMAIN else []
        mo_path = out_dir / (po_path.stem + ".mo")
        mo_path.write_bytes(compile_catalog(po_path, language, pending))
        written.append(mo_path)
    return written


def _compile_in_memory(po_path: Path, language: str,
                       pending: list[Path] | None = None) -> gettext.NullTranslations:
    return gettext.GNUTranslations(io.BytesIO(compile_catalog(po_path, language, pending)))
