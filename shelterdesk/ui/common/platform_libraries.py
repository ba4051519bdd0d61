"""Whether Qt's X11 platform plugin (xcb) can load here, and which Debian package is missing if not.

Qt aborts the whole process when the xcb plugin fails to load, with a message
that names ``libxcb-cursor0`` whatever is really missing. This reads the
plugin's ELF dependencies (DT_NEEDED) without loading it: libraries that come
with Qt or the bundle are found on disk and followed; every other one is asked
of the system's dynamic loader, which also checks that library's own
dependencies. The Debian package for each library the plugin needs is named
below; ``packaging/linux/debian-packages.txt`` must list them all (a test checks).
"""

from __future__ import annotations

import ctypes
import os
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

# The system libraries Qt 6's xcb plugin (and libQt6XcbQpa) link, and those the Qt
# modules the app imports link (QtPdf brings QtNetwork: Kerberos and Brotli), by
# Debian package. Essential ones (glibc, libstdc++, zlib, zstd) are left out.
DEBIAN_PACKAGES = {
    "libxcb-glx.so.0": "libxcb-glx0",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
}

_DT_NEEDED, _DT_RPATH, _DT_RUNPATH = 1, 15, 29
_SHT_DYNAMIC = 6
_MISSING_FILE = re.compile(r"([\w.+-]+\.so[\w.]*): cannot open shared object file")


@dataclass(frozen=True)
class Missing:
    """A library the plugin needs that cannot be loaded, and the package that provides it."""

    library: str
    package: str


class NotElf(ValueError):
    """The file is not a 64- or 32-bit ELF shared object."""


def elf_dependencies(path: Path) -> tuple[list[str], list[str]]:
    """A shared object's DT_NEEDED names and its RUNPATH/RPATH entries, read from its sections."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF":
        raise NotElf(str(path))
    wide = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if wide:
        shoff, = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
    sections = []
    for index in range(shnum):
        base = shoff + index * shentsize
        if wide:
            _name, kind, _flags, _addr, offset, size, link = struct.unpack_from(
                order + "IIQQQQI", data, base)
        else:
            _name, kind, _flags, _addr, offset, size, link = struct.unpack_from(
                order + "IIIIIII", data, base)
        sections.append((kind, offset, size, link))
    needed: list[str] = []
    paths: list[str] = []
    for kind, offset, size, link in sections:
        if kind != _SHT_DYNAMIC:
            continue
        strings_offset = sections[link][1]
        entry = struct.Struct(order + ("qQ" if wide else "iI"))
        for start in range(offset, offset + size, entry.size):
            tag, value = entry.unpack_from(data, start)
            if tag == 0:
                break
            if tag in (_DT_NEEDED, _DT_RPATH, _DT_RUNPATH):
                end = data.index(b"\0", strings_offset + value)
                text = data[strings_offset + value:end].decode("utf-8", "replace")
                (needed if tag == _DT_NEEDED else paths).append(text)
    search = [part for entry_path in paths for part in entry_path.split(":") if part]
    return needed, search


def xcb_plugin() -> Path | None:
    """Qt's xcb platform plugin as this installation (or bundle) would load it."""
    from PySide6.QtCore import QLibraryInfo

    folders = [p for p in os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    folders.append(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    for folder in folders:
        candidate = Path(folder) / "platforms" / "libqxcb.so"
        if candidate.is_file():
            return candidate
    return None


def missing_libraries(plugin: Path) -> list[Missing]:
    """Every library the plugin needs, directly or through Qt, that cannot be loaded here."""
    bundled = [Path(sys._MEIPASS)] if getattr(sys, "frozen", False) else []
    missing: dict[str, Missing] = {}
    seen: set[str] = set()
    pending = [plugin]
    while pending:
        current = pending.pop()
        needed, search = elf_dependencies(current)
        folders = [Path(entry.replace("$ORIGIN", str(current.parent))) for entry in search]
        for name in needed:
            if name in seen:
                continue
            seen.add(name)
            on_disk = next((folder / name for folder in [*folders, *bundled]
                            if (folder / name).is_file()), None)
            if on_disk is not None:
                pending.append(on_disk.resolve())
                continue
            problem = _load_problem(name)
            if problem is not None:
                missing.setdefault(problem, Missing(problem, debian_package(problem)))
    return sorted(missing.values(), key=lambda item: item.library)


def debian_package(library: str) -> str:
    """The Debian package of a library, by its name whatever its version ("" if not known)."""
    stem = library.split(".so")[0]
    return next((package for name, package in DEBIAN_PACKAGES.items()
                 if name.split(".so")[0] == stem), "")


def _load_problem(name: str) -> str | None:
    """None when the system loader finds ``name`` and its dependencies, else the missing file."""
    try:
        ctypes.CDLL(name, mode=getattr(os, "RTLD_LAZY", 1))
    except OSError as error:
        found = _MISSING_FILE.search(str(error))
        return found.group(1) if found else name
    return None
