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
        # The same compiler the app and the PyInstaller spec use, pending fragments included.
        from shelterdesk.i18n.catalogs import compile_catalogs

        compile_catalogs(ROOT / "translations", package / "_translations")

