"""Render resources/icons/app.svg into the icon files installers want: PNG, ICO and ICNS.

    QT_QPA_PLATFORM=offscreen python packaging/pyinstaller/icons.py OUT_DIR

Run at build time by the PyInstaller spec, so no binary icon is ever committed:
the SVG is the one source. Qt's own SVG renderer draws each size (the same one
the app uses for its window icon); the ICO and ICNS containers are written here
with PNG images inside, which Windows (Vista and later) and macOS both read, so
no image library beyond Qt is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SVG = ROOT / "resources" / "icons" / "app.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types for PNG data at each pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09",
              1024: b"ic10"}


def render_png(size: int) -> bytes:
    """The SVG drawn at ``size``×``size`` on a transparent background, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file (ICONDIR, one ICONDIRENTRY per size, then the PNG data)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        # A width or height of 0 means 256 in an ICONDIRENTRY.
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png),
                               offset + len(blobs))
        blobs += png
    return header + entries + blobs


def icns_bytes(images: dict[int, bytes]) -> bytes:
    """An ICNS file: 'icns', total length, then (type, length, PNG) per size."""
    body = b"".join(ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png
                    for size, png in sorted(images.items()))
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(out_dir: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication(sys.argv[:1])  # Qt's painting wants an application object
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = {size: render_png(size) for size in sorted(set(ICO_SIZES) | set(ICNS_TYPES))}
    (out_dir / "shelterdesk.png").write_bytes(pngs[256])
    (out_dir / "shelterdesk.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    (out_dir / "shelterdesk.icns").write_bytes(icns_bytes({s: pngs[s] for s in ICNS_TYPES}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
