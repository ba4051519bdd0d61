"""Build the one-folder bundle with PyInstaller and smoke-test it, on Linux, Windows or macOS.

    python packaging/pyinstaller/build_bundle.py            (inside a fresh virtual environment)

Installs the app's dependencies (read from pyproject.toml) and PyInstaller into the
running Python, builds ``packaging/dist/shelterdesk/`` from this checkout with
``shelterdesk.spec``, then runs the bundled executable's ``--version`` and
``--self-test`` off screen with an environment that names no Python and no home of
the builder's. Prints the unpacked size and the time taken; exits non-zero on any
failure. ``packaging/build.sh`` (Linux) and the GitHub workflow call this; the Windows
installer is then made by ``packaging/windows/build_installer.py``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "pyinstaller" / "shelterdesk.spec"
DIST = ROOT / "packaging" / "dist"
WORK = ROOT / "packaging" / "build" / "pyinstaller"
BUNDLE = DIST / "shelterdesk"
# PyInstaller 6.10+ knows PySide6 6.7+ and Python 3.13; 7 may change the spec format.
PYINSTALLER = "pyinstaller>=6.10,<7"


def project() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]


def install_requirements() -> None:
    requirements = [*project()["dependencies"], PYINSTALLER]
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *requirements], check=True)


def run_pyinstaller() -> None:
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                    "--log-level", "WARN", "--distpath", str(DIST), "--workpath", str(WORK),
                    str(SPEC)], check=True, cwd=ROOT)


def cli_executable() -> Path:
    """The executable whose output can be read: on Windows the console twin of the window."""
    if sys.platform == "win32":
        return BUNDLE / "shelterdesk-cli.exe"
    if sys.platform == "darwin":
        return BUNDLE / "ShelterDesk"
    return BUNDLE / "shelterdesk"


def bare_environment(home: Path) -> dict[str, str]:
    """As little as the platform needs to start a program, and no way to any Python."""
    environment = {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    if sys.platform == "win32":
        system_root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        environment.update({
            "SYSTEMROOT": system_root, "WINDIR": system_root,
            "PATH": system_root + r"\System32",  # no Python directory on it
            "TEMP": str(home), "TMP": str(home), "USERPROFILE": str(home),
            "LOCALAPPDATA": str(home / "AppData" / "Local"),
            "APPDATA": str(home / "AppData" / "Roaming")})
    else:
        environment["PATH"] = "/nonexistent"
    return environment


def smoke_test(executable: Path, version: str) -> None:
    with tempfile.TemporaryDirectory(prefix="shelterdesk-smoke-") as temp:
        environment = bare_environment(Path(temp))
        shown = subprocess.run([str(executable), "--version"], env=environment, check=True,
                               capture_output=True, text=True, timeout=120).stdout.strip()
        if shown != f"ShelterDesk {version}":
            raise SystemExit(f"--version printed {shown!r}")
        print(f"--version: {shown}", flush=True)
        print("--self-test (bare environment, off screen):", flush=True)
        subprocess.run([str(executable), "--self-test"], env=environment, check=True,
                       timeout=300)


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink()) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-install", action="store_true",
                        help="use the packages already installed (no pip)")
    parser.add_argument("--no-build", action="store_true",
                        help="only smoke-test the bundle already in packaging/dist")
    args = parser.parse_args()
    started = time.monotonic()
    version = project()["version"]
    if sys.prefix == sys.base_prefix:
        print("warning: not in a virtual environment; packages go into this Python",
              file=sys.stderr)
    if not args.no_build:
        if not args.no_install:
            install_requirements()
        run_pyinstaller()
    smoke_test(cli_executable(), version)
    print(f"bundle: {BUNDLE} ({size_mb(BUNDLE):.0f} MB unpacked), "
          f"{time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
