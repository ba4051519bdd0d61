"""Build step (setuptools cmdclass): ship resources/ and compiled catalogs inside the wheel.

In a source checkout the code finds ``resources/`` and ``translations/`` beside
the package; an installed wheel carries them as ``shelterdesk/_resources`` and
``shelterdesk/_translations`` (with .mo files compiled here, never committed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent.parent


def copy_guide_screenshots(target: Path) -> list[Path]:
    """The screenshots the user guide shows (docs/screenshots/<lang>/<name>.png), so the
    installed app shows them offline; only those the guides refer to."""
    import re

    copied = []
    for guide in sorted((ROOT / "resources" / "help").glob("guide.*.md")):
        for reference in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", guide.read_text("utf-8")):
            language, name = reference.split("/")[-2:]
            source = ROOT / "docs" / "screenshots" / language / name
            if source.is_file():
                (target / language).mkdir(parents=True, exist_ok=True)
                copied.append(Path(shutil.copy2(source, target / language / name)))
    return copied


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        package = Path(self.build_lib) / "shelterdesk"
        resources = ROOT / "resources"
        if resources.is_dir():
            shutil.copytree(resources, package / "_resources", dirs_exist_ok=True)
            copy_guide_screenshots(package / "_resources" / "help" / "screenshots")
        # The same compiler the app and the PyInstaller spec use, pending fragments included.
        from shelterdesk.i18n.catalogs import compile_catalogs

        compile_catalogs(ROOT / "translations", package / "_translations")

