"""Qt's X11 (xcb) plugin: its libraries resolve, a missing one is named with its Debian package.

CI installs exactly packaging/linux/debian-packages.txt (the README's list), so
the first test is the "window opens on a Debian with only the README's packages"
check that needs no X server.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from shelterdesk.ui.common import platform_libraries
from shelterdesk.ui.common.platform_libraries import (
    DEBIAN_PACKAGES,
    elf_dependencies,
    missing_libraries,
    xcb_plugin,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "packaging" / "linux" / "debian-packages.txt"

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's xcb plugin")


def listed_packages() -> list[str]:
    return [line.split("#")[0].strip() for line in PACKAGES.read_text("utf-8").splitlines()
            if line.split("#")[0].strip()]


@linux_only
def test_every_library_of_the_xcb_plugin_resolves() -> None:
    plugin = xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so"
    needed, search = elf_dependencies(plugin)
    assert "libQt6XcbQpa.so.6" in needed and "$ORIGIN/../../lib" in search
    assert missing_libraries(plugin) == []


@linux_only
def test_the_package_list_covers_every_system_library_the_plugin_links() -> None:
    plugin = xcb_plugin()
    qt_lib = plugin.parent.parent.parent / "lib"
    system = {name for source in (plugin, qt_lib / "libQt6XcbQpa.so.6")
              for name in elf_dependencies(source)[0] if not (qt_lib / name).exists()}
    base = {"libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6"}  # glibc, gcc
    assert system - base <= set(DEBIAN_PACKAGES), system - base - set(DEBIAN_PACKAGES)
    assert {"libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"} <= system
    assert set(DEBIAN_PACKAGES.values()) <= set(listed_packages())


@linux_only
def test_the_package_list_covers_what_the_apps_qt_modules_link() -> None:
    """Every system library of the Qt modules the app imports and the plugins it keeps."""
    import PySide6

    pyside = Path(PySide6.__file__).parent
    qt_lib = pyside / "Qt" / "lib"
    used = set()
    for path in (ROOT / "shelterdesk").rglob("*.py"):
        used |= set(re.findall(r"\bPySide6\.(Qt\w+)", path.read_text("utf-8")))
    plugins = pyside / "Qt" / "plugins"
    pending = [pyside / f"{module}.abi3.so" for module in sorted(used)]
    # The X11 and off-screen platforms (a Wayland session brings libwayland itself; the
    # framebuffer and EGL platforms and the GTK theme are left out of the bundle).
    pending += [plugins / "platforms" / "libqxcb.so", plugins / "platforms" / "libqoffscreen.so"]
    pending += [p for folder in ("xcbglintegrations", "imageformats", "iconengines",
                                 "platformthemes")
                for p in (plugins / folder).glob("*.so") if "gtk3" not in p.name]
    seen: set[Path] = set()
    system: dict[str, str] = {}
    while pending:
        current = pending.pop()
        if current in seen or not current.is_file():
            continue
        seen.add(current)
        for name in elf_dependencies(current)[0]:
            if (qt_lib / name).exists():
                pending.append(qt_lib / name)
            elif not name.startswith(("libpyside6", "libshiboken6")):
                system.setdefault(name, current.name)
    essential = {"libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6", "libdl.so.2",
                 "libpthread.so.0", "librt.so.1", "libresolv.so.2", "libz.so.1",
                 "libzstd.so.1", "ld-linux-x86-64.so.2"}  # glibc, gcc, zlib, zstd: always there
    unlisted = {f"{name} (needed by {who})" for name, who in system.items()
                if name not in essential and name not in DEBIAN_PACKAGES}
    assert not unlisted, sorted(unlisted)
    assert "libgssapi_krb5.so.2" in system  # QtPdf → QtNetwork: the check sees that far


def test_the_readme_shows_the_one_list() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    shown = re.search(r"```text\n *# packaging/linux/debian-packages\.txt\n(.*?)```", readme, re.S)
    assert shown, "the README's block showing packaging/linux/debian-packages.txt"
    assert shown.group(1).split() == listed_packages()
    assert "sed 's/#.*//' packaging/linux/debian-packages.txt" in readme
    for script in (".ci/run", "packaging/build.sh", ".github/workflows/package.yml"):
        assert "debian-packages.txt" in (ROOT / script).read_text("utf-8"), script


@linux_only
def test_a_missing_library_is_named_with_its_debian_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the plugin linking libxcb-icccm.so.9 (no such library) plays a bare Debian."""
    real = xcb_plugin()
    plugins = tmp_path / "plugins" / "platforms"
    plugins.mkdir(parents=True)
    data = real.read_bytes()
    assert data.count(b"libxcb-icccm.so.4\0") == 1
    (plugins / "libqxcb.so").write_bytes(data.replace(b"libxcb-icccm.so.4\0",
                                                      b"libxcb-icccm.so.9\0"))
    (tmp_path / "lib").symlink_to(real.parent.parent.parent / "lib")
    missing = missing_libraries(plugins / "libqxcb.so")
    assert missing == [platform_libraries.Missing("libxcb-icccm.so.9", "libxcb-icccm4")]

    from shelterdesk.cli import self_test

    monkeypatch.setenv("QT_PLUGIN_PATH", str(tmp_path / "plugins"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    with pytest.raises(self_test.SelfTestFailed,
                       match=r"libxcb-icccm\.so\.9 not found; install: sudo apt-get install "
                             r"libxcb-icccm4"):
        self_test._check_xcb()
    assert self_test.os.environ["QT_QPA_PLATFORM"] == "offscreen"  # Qt must not abort after


def test_elf_reader_refuses_what_is_not_elf(tmp_path: Path) -> None:
    text = tmp_path / "not.so"
    text.write_text("hello")
    with pytest.raises(platform_libraries.NotElf):
        elf_dependencies(text)


@linux_only
def test_self_test_with_platform_xcb_checks_the_libraries(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from shelterdesk.cli import self_test

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # restored after run_self_test sets it
    for step in ("_check_catalogs", "_check_locale_data"):
        monkeypatch.setattr(self_test, step, lambda: "skipped here")
    for step in ("_check_vault", "_check_record", "_check_search", "_check_sheet",
                 "_check_audit"):
        monkeypatch.setattr(self_test, step, lambda *_args: "skipped here")
    monkeypatch.setattr(self_test, "_check_qt",
                        lambda _dir: "painted on " + self_test.os.environ["QT_QPA_PLATFORM"])
    assert self_test.run_self_test("xcb") == 0
    out = capsys.readouterr().out
    assert "ok    X11 platform libraries: libqxcb.so: every library found (no display" in out
    assert "ok    Qt: painted on offscreen" in out
