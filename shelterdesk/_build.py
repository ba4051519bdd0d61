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


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        package = Path(self.build_lib) / "shelterdesk"
        resources = ROOT / "resources"
        if resources.is_dir():
            shutil.copytree(resources, package / "_resources", dirs_exist_ok=True)
        self._compile_catalogs(ROOT / "translations", package / "_translations")

    @staticmethod
    def _compile_catalogs(source: Path, target: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
            language = po_path.parent.parent.name
            out_dir = target / language / "LC_MESSAGES"
            out_dir.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            with (out_dir / (po_path.stem + ".mo")).open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)

