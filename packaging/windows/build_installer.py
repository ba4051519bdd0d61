"""Compile the Windows installer from a built bundle with Inno Setup, versioned from pyproject.toml.

    python packaging/windows/build_installer.py [--iscc ISCC] [--bundle DIR] [--out DIR]

Run after ``packaging/pyinstaller/build_bundle.py`` has made ``packaging/dist/shelterdesk``
(see packaging/windows/README.md). Writes ``packaging/dist/ShelterDesk-<version>-setup.exe``.

ISCC is looked for in ``--iscc``, then ``$ISCC``, then on PATH, then where the Inno
Setup 6 installer (or ``choco install innosetup``) puts it. ``--iscc`` may be a
command, such as ``"wine /path/to/ISCC.exe"`` to compile on Linux; paths handed to a
wine command are converted with ``winepath``.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "windows" / "shelterdesk.iss"
ICON = ROOT / "packaging" / "build" / "pyinstaller" / "generated" / "icons" / "shelterdesk.ico"


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def numeric_version(version: str) -> str:
    """What Windows' version resource accepts: '1.2.0rc1' → '1.2.0'."""
    return ".".join(re.match(r"\d*", part).group() or "0" for part in version.split(".")[:4])


def find_iscc(given: str | None) -> list[str]:
    if given or os.environ.get("ISCC"):
        return shlex.split(given or os.environ["ISCC"], posix=os.name != "nt")
    for name in ("iscc", "ISCC"):
        found = shutil.which(name)
        if found:
            return [found]
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES"),
                 os.path.join(os.environ.get("LOCALAPPDATA", ""), "Programs")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").is_file():
            return [str(Path(base) / "Inno Setup 6" / "ISCC.exe")]
    raise SystemExit("Inno Setup's ISCC was not found: install Inno Setup 6 "
                     "(choco install innosetup) or pass --iscc")


def native_path(iscc: list[str], path: Path) -> str:
    """A path as ISCC sees it: Windows' own, or wine's Z:\\… form on Linux."""
    if Path(iscc[0]).name.startswith("wine"):
        return subprocess.run(["winepath", "-w", str(path)], check=True, capture_output=True,
                              text=True).stdout.strip()
    return str(path)


def iscc_command(iscc: list[str], version: str, bundle: Path, out: Path) -> list[str]:
    defines = {"AppVersion": version, "AppVersionNumbers": numeric_version(version),
               "SourceDir": native_path(iscc, bundle), "OutputDir": native_path(iscc, out),
               "IconFile": native_path(iscc, ICON)}
    return [*iscc, *(f"/D{key}={value}" for key, value in defines.items()),
            native_path(iscc, SCRIPT)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iscc", help="ISCC.exe, or a command that runs it")
    parser.add_argument("--bundle", type=Path, default=ROOT / "packaging" / "dist" / "shelterdesk")
    parser.add_argument("--out", type=Path, default=ROOT / "packaging" / "dist")
    args = parser.parse_args()
    bundle, out = args.bundle.resolve(), args.out.resolve()
    if not (bundle / "ShelterDesk.exe").is_file():
        raise SystemExit(f"no Windows bundle at {bundle}: run packaging/pyinstaller/"
                         "build_bundle.py first")
    if not ICON.is_file():
        raise SystemExit(f"no icon at {ICON}: it is rendered by the PyInstaller build")
    version = project_version()
    command = iscc_command(find_iscc(args.iscc), version, bundle, out)
    print(" ".join(command), flush=True)
    subprocess.run(command, check=True)
    installer = out / f"ShelterDesk-{version}-setup.exe"
    print(f"installer: {installer}")
    return 0 if installer.is_file() else 1


if __name__ == "__main__":
    sys.exit(main())
