"""The project explains itself from inside: nothing points outside the repository, no dead link."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Built from parts so that this file does not match itself.
OUTSIDE = ("../" + "shared", "DESIGN" + ".md", "/work" + "/")


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode("utf-8").split("\0")
    files = []
    for name in filter(None, listed):
        path = ROOT / name
        if path.suffix in {".png", ".ttf", ".ico", ".icns", ".mo", ".pdf"} or not path.is_file():
            continue
        files.append(path)
    return files


def test_no_file_refers_to_a_path_outside_the_repository() -> None:
    found = []
    for path in _tracked_text_files():
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        for line_number, line in enumerate(text.splitlines(), 1):
            if any(marker in line for marker in OUTSIDE):
                found.append(f"{path.relative_to(ROOT)}:{line_number}: {line.strip()[:80]}")
    assert not found, "\n".join(found)


def test_relative_links_in_the_documentation_resolve() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} → {target}")
    assert not broken, broken
    assert (ROOT / "docs" / "ARCHITECTURE.md").exists()
