"""Fold translations/pending/<topic>_<lang>.po fragments into the catalogs, then remove them.

    python3 scripts/merge_pending_translations.py

Run after merging work that added strings: it re-extracts the template, updates
each catalog, copies every translated pending message in and deletes the fragments.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


def find_conflicts(translations: Path) -> list[str]:
    """Messages that two fragments translate differently (two branches, two wordings).

    Merging would keep one of them silently; a person has to choose, so the merge stops.
    """
    conflicts = []
    languages = sorted({path.stem.rsplit("_", 1)[1]
                        for path in (translations / "pending").glob("*_*.po")})
    for language in languages:
        seen: dict[tuple, tuple[str, object]] = {}
        for fragment_path in sorted((translations / "pending").glob(f"*_{language}.po")):
            with fragment_path.open("rb") as handle:
                fragment = read_po(handle, locale=language)
            for message in fragment:
                if not message.id or not message.string or message.fuzzy:
                    continue
                key = (message.context, message.id)
                if key in seen and seen[key][1] != message.string:
                    first, string = seen[key]
                    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                    conflicts.append(
                        f"{language}: “{msgid}”{f' [{message.context}]' if message.context else ''}"
                        f" is “{string}” in {first} but “{message.string}” in "
                        f"{fragment_path.name}")
                seen.setdefault(key, (fragment_path.name, message.string))
    return conflicts


def main() -> int:
    conflicts = find_conflicts(TRANSLATIONS)
    if conflicts:
        for conflict in conflicts:
            print(conflict, file=sys.stderr)
        print(f"{len(conflicts)} message(s) translated two ways: choose one in the fragments,"
              " then merge again. Nothing was changed.", file=sys.stderr)
        return 1
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "pyproject.toml", "-k", "NN_:1,2", "--add-comments=TRANSLATORS:",
                    "--sort-by-file", "-o", "translations/shelterdesk.pot", "."],
                   cwd=ROOT, check=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "update", "-D",
                    "shelterdesk", "-i", "translations/shelterdesk.pot", "-d", "translations",
                    "--no-fuzzy-matching"], cwd=ROOT, check=True)
    for catalog_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/shelterdesk.po")):
        language = catalog_path.parent.parent.name
        with catalog_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        fragments = sorted((TRANSLATIONS / "pending").glob(f"*_{language}.po"))
        merged = 0
        for fragment_path in fragments:
            with fragment_path.open("rb") as handle:
                fragment = read_po(handle, locale=language)
            for message in fragment:
                if message.id and message.string and message.id in catalog:
                    catalog[message.id].string = message.string
                    catalog[message.id].flags.discard("fuzzy")
                    merged += 1
        with catalog_path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_by_file=True)
        for fragment_path in fragments:
            fragment_path.unlink()
        print(f"{language}: {merged} pending translation(s) merged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
