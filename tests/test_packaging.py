"""The packaging recipes, checked without running PyInstaller (packaging/build.sh does that).

The spec's lists are read from its source and exercised where they can be on
their own: the Qt modules left out are none the app imports, the CLDR locales
kept are enough for every language, the icons render; the shell scripts parse,
and the Linux packer and menu-entry installer work on a stand-in bundle.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

import shelterdesk

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "pyinstaller" / "shelterdesk.spec"
ISS = PACKAGING / "windows" / "shelterdesk.iss"


def spec_value(name: str, namespace: dict | None = None):
    """Evaluate one top-level assignment (or run one function definition) of the spec."""
    tree = ast.parse(SPEC.read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return eval(compile(ast.Expression(node.value), str(SPEC), "eval"),  # noqa: S307
                        dict(namespace or {}))
        if isinstance(node, ast.FunctionDef) and node.name == name:
            scope = dict(namespace or {})
            exec(compile(ast.Module([node], []), str(SPEC), "exec"), scope)  # noqa: S102
            return scope[name]
    raise KeyError(name)


def test_version_is_one_number_everywhere() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    # --version prints shelterdesk.__version__; the spec and the installer read pyproject.
    assert shelterdesk.__version__ == version


def test_spec_leaves_out_qt_modules_the_app_does_not_use() -> None:
    excluded = set(spec_value("QT_EXCLUDES"))
    for big in ("QtWebEngineCore", "Qt3DCore", "QtMultimedia", "QtQml", "QtQuick",
                "QtNetworkAuth", "QtWebSockets", "QtHttpServer",
                "QtSql", "QtTest", "QtBluetooth", "QtPositioning"):
        assert "PySide6." + big in excluded, big
    used = set()
    for path in (ROOT / "shelterdesk").rglob("*.py"):
        used |= set(re.findall(r"\bPySide6\.(Qt\w+)", path.read_text("utf-8")))
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    assert not {"PySide6." + module for module in used} & excluded
    # QtNetwork is bundled for QNetworkInformation alone (automatic sync when the network
    # returns): its plugins stay, TLS (which would pull OpenSSL in) does not.
    assert "QtNetwork" in used
    dropped = spec_value("QT_PLUGINS_DROPPED")
    assert "tls/" in dropped
    assert not any(plugin.startswith("networkinformation") for plugin in dropped)


def test_spec_keeps_only_the_qt_catalog_the_app_loads() -> None:
    assert spec_value("QT_CATALOGS_KEPT") == {"qtbase_ru.qm"}
    translator = (ROOT / "shelterdesk" / "ui" / "common" / "qt_translator.py").read_text("utf-8")
    assert re.findall(r'load\("(qt\w+)"', translator) == ["qtbase_ru"]


def test_spec_recognises_qt_libraries_on_every_platform() -> None:
    qt_library = spec_value("qt_library", {"re": re, "Path": Path})
    assert qt_library("PySide6/Qt/lib/libQt6Quick.so.6") == "Quick"
    assert qt_library("PySide6/Qt6Quick.dll") == "Quick"
    assert qt_library("PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick") == "Quick"
    assert qt_library("libicudata.so.73") is None
    version_numbers = spec_value("version_numbers", {"re": re})
    assert version_numbers("0.1.0") == (0, 1, 0, 0)
    assert version_numbers("1.2.0rc1") == (1, 2, 0, 0)


@pytest.mark.slow
def test_cldr_locales_kept_in_the_bundle_are_enough(tmp_path: Path) -> None:
    """With only the kept locale files, every language formats dates and names countries."""
    import babel

    from shelterdesk.i18n import BABEL_LOCALES

    kept = spec_value("babel_locales_kept", {"BABEL_LOCALES": BABEL_LOCALES})()
    assert {"root", "az", "az_Latn", "az_Latn_AZ", "ru", "ru_RU", "en", "en_GB"} <= kept
    source = Path(babel.__file__).parent / "locale-data"
    for name in kept:
        shutil.copy(source / f"{name}.dat", tmp_path / f"{name}.dat")
    assert len(list(tmp_path.iterdir())) < 12
    check = (
        "import babel.localedata as data, sys; data._dirname = sys.argv[1]\n"
        "from datetime import date\n"
        "from shelterdesk.i18n import SUPPORTED_LANGUAGES, format_date\n"
        "from shelterdesk.i18n.territories import country_name, language_name\n"
        "for lang in SUPPORTED_LANGUAGES:\n"
        "    print(format_date(date(2026, 3, 8), lang), country_name('AZ', lang),"
        " language_name('ru', lang))\n")
    result = subprocess.run([sys.executable, "-c", check, str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Azərbaycan" in result.stdout and "Азербайджан" in result.stdout


def test_icons_render_from_the_svg(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(PACKAGING / "pyinstaller" / "icons.py"),
                             str(tmp_path)], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    png = (tmp_path / "shelterdesk.png").read_bytes()
    assert png.startswith(b"\x89PNG") and struct.unpack(">II", png[16:24]) == (256, 256)
    ico = (tmp_path / "shelterdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = [ico[6 + 16 * i] or 256 for i in range(count)]
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    icns = (tmp_path / "shelterdesk.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)


def test_installer_script_keeps_the_vault_and_installs_per_user() -> None:
    text = ISS.read_text("utf-8")
    setup = dict(re.findall(r"^(\w+)=(.*)$", text.split("[Setup]")[1].split("\n[")[0], re.M))
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"] == r"{autopf}\{#AppName}"
    assert "{{" in setup["AppId"]
    # Nothing is deleted at uninstall beyond what was installed, and nothing under the vault.
    assert not re.search(r"^\[UninstallDelete\]", text, re.M)
    assert not re.search(r"^Type:\s*filesandordirs", text, re.M)
    assert "'{localappdata}\\ShelterDesk'" in text
    languages = re.findall(r'^Name: "(\w+)"; MessagesFile: "([^"]+)"', text, re.M)
    assert dict(languages) == {"en": "compiler:Default.isl",
                               "ru": r"compiler:Languages\Russian.isl",
                               "az": "compiler:Default.isl,Azerbaijani.isl"}


def test_installer_messages_are_given_in_every_language() -> None:
    text = ISS.read_text("utf-8")
    custom = re.findall(r"^(en|ru|az)\.(\w+)=", text, re.M)
    by_language = {lang: {name for code, name in custom if code == lang}
                   for lang in ("en", "ru", "az")}
    assert by_language["en"] and by_language["en"] == by_language["ru"] == by_language["az"]
    used = set(re.findall(r"CustomMessage\('(\w+)'\)|\{cm:(\w+)", text))
    inno_own = {"CreateDesktopIcon", "AdditionalIcons", "LaunchProgram"}
    assert {a or b for a, b in used} <= by_language["en"] | inno_own
    isl = (PACKAGING / "windows" / "Azerbaijani.isl").read_bytes()
    assert isl.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: how Inno Setup 6 reads Unicode
    assert b"LanguageID=$042C" in isl and "Ləğv et".encode() in isl


def test_installer_driver_passes_the_version_and_paths(tmp_path: Path) -> None:
    sys.path.insert(0, str(PACKAGING / "windows"))
    try:
        import build_installer
    finally:
        sys.path.remove(str(PACKAGING / "windows"))
    assert build_installer.numeric_version("1.2.0rc1") == "1.2.0"
    command = build_installer.iscc_command(["ISCC.exe"], "0.1.0", tmp_path / "b", tmp_path / "o")
    assert command[0] == "ISCC.exe" and command[-1] == str(ISS)
    assert "/DAppVersion=0.1.0" in command and f"/DSourceDir={tmp_path / 'b'}" in command


@pytest.mark.parametrize("script", ["build.sh", "linux/package.sh", "linux/smoke_test.sh",
                                    "linux/install-desktop-entry.sh"])
def test_shell_scripts_parse(script: str) -> None:
    result = subprocess.run(["bash", "-n", str(PACKAGING / script)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


def test_desktop_entry() -> None:
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "linux" / "shelterdesk.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Exec"] == "shelterdesk"
    assert section["Icon"] == "shelterdesk" and section["Terminal"] == "false"
    assert section["Categories"].endswith(";")
    assert {"Comment[az]", "Comment[ru]", "GenericName[az]", "GenericName[ru]"} <= set(section)
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate",
                                 str(PACKAGING / "linux" / "shelterdesk.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_linux_packer_and_menu_entry_on_a_stand_in_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "shelterdesk"
    (bundle / "_internal").mkdir(parents=True)
    executable = bundle / "shelterdesk"
    executable.write_text("#!/bin/sh\necho ShelterDesk 9.9\n", "utf-8")
    executable.chmod(0o755)
    out = tmp_path / "out"
    environment = {k: v for k, v in os.environ.items() if k != "APPIMAGETOOL"}
    environment["PATH"] = "/usr/bin:/bin"  # no appimagetool: the tarball only, said so
    result = subprocess.run(["bash", str(PACKAGING / "linux" / "package.sh"), str(bundle), "9.9",
                             str(out)], capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    assert "AppImage: skipped" in result.stdout
    tarball = next(out.glob("ShelterDesk-9.9-linux-*.tar.gz"))
    with tarfile.open(tarball) as archive:
        members = {m.name: m for m in archive.getmembers()}
        # The "tar" filter exists from Python 3.11.4 (Debian 12 has 3.11.2).
        safe = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
        archive.extractall(tmp_path / "unpacked", **safe)
    top = "ShelterDesk-9.9"
    for name in ("shelterdesk", "_internal", "shelterdesk.desktop", "shelterdesk.svg",
                 "install-desktop-entry.sh"):
        assert f"{top}/{name}" in members, name
    assert {m.uid for m in members.values()} == {0}
    unpacked = tmp_path / "unpacked" / top
    data_home = tmp_path / "data"
    install = subprocess.run([str(unpacked / "install-desktop-entry.sh")], capture_output=True,
                             text=True, env={**environment, "XDG_DATA_HOME": str(data_home),
                                             "HOME": str(tmp_path)})
    assert install.returncode == 0, install.stderr
    written = (data_home / "applications" / "shelterdesk.desktop").read_text("utf-8")
    assert f'Exec="{unpacked}/shelterdesk"' in written
    assert f"Icon={unpacked}/shelterdesk.svg" in written
    (data_home / "ShelterDesk").mkdir()
    (data_home / "ShelterDesk" / "vault.db").write_bytes(b"encrypted")
    remove = subprocess.run([str(unpacked / "install-desktop-entry.sh"), "--remove"],
                            capture_output=True, text=True,
                            env={**environment, "XDG_DATA_HOME": str(data_home)})
    assert remove.returncode == 0
    assert not (data_home / "applications" / "shelterdesk.desktop").exists()
    assert (data_home / "ShelterDesk" / "vault.db").read_bytes() == b"encrypted"


def _qt_libraries_needed(start: list[Path], qt_lib: Path) -> dict[str, str]:
    """Every Qt library (by short name) the files need, through Qt's own libraries: name → who."""
    from shelterdesk.ui.common.platform_libraries import elf_dependencies

    qt_library = spec_value("qt_library", {"re": re, "Path": Path})
    needed: dict[str, str] = {}
    pending = list(start)
    while pending:
        current = pending.pop()
        for name in elf_dependencies(current)[0]:
            library = qt_library(name)
            if library and library not in needed:
                needed[library] = current.name
                if (qt_lib / name).is_file():
                    pending.append(qt_lib / name)
    return needed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads ELF files")
def test_spec_keeps_every_qt_library_an_included_one_needs() -> None:
    """QtPdf links QtNetwork: a spec that drops a needed library fails here, not in the build."""
    import PySide6

    pyside = Path(PySide6.__file__).parent
    used = set()
    for path in (ROOT / "shelterdesk").rglob("*.py"):
        used |= set(re.findall(r"\bPySide6\.(Qt\w+)", path.read_text("utf-8")))
    modules = [pyside / f"{module}.abi3.so" for module in sorted(used)]
    plugins = pyside / "Qt" / "plugins"
    kept_plugins = [plugins / "platforms" / "libqxcb.so",
                    plugins / "platforms" / "libqoffscreen.so",
                    plugins / "imageformats" / "libqsvg.so",
                    plugins / "iconengines" / "libqsvgicon.so"]
    needed = _qt_libraries_needed([p for p in modules + kept_plugins if p.is_file()],
                                  pyside / "Qt" / "lib")
    assert {"Core", "Gui", "Widgets", "Pdf", "Network", "XcbQpa"} <= set(needed), needed

    namespace = {"QT_LIBRARIES_DROPPED": spec_value("QT_LIBRARIES_DROPPED"),
                 "QT_LIBRARIES_IF_UNUSED": spec_value("QT_LIBRARIES_IF_UNUSED")}
    dropped = spec_value("qt_libraries_dropped", namespace)(set(needed))
    assert not {f"libQt6{lib} (needed by {needed[lib]})" for lib in set(needed) & dropped}
    # The optional ones do go when nothing needs them.
    assert spec_value("qt_libraries_dropped", namespace)({"Core"}) >= {"Pdf", "Network"}
