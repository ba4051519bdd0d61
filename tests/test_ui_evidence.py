"""Evidence in the window: each file viewed from memory (image, PDF, text) with no decrypted
temporary file anywhere, and *Export for an investigator…* with a coordinator's reason."""

from __future__ import annotations

import io
import os
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QDir, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from reportlab.pdfgen.canvas import Canvas

from shelterdesk.domain.evidence import EvidenceItem
from shelterdesk.store.records import evidence
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.cases.evidence_export_dialog import EvidenceExportDialog
from shelterdesk.ui.cases.evidence_viewer import EvidenceViewerDialog
from tests.cases_helpers import WAIT_MS, cases_page, newest, search_and_open, type_text
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import make_window, unlock
from tests.records_helpers import intake

pytestmark = pytest.mark.gui

MARKER = "Dubay-ofisiant-vakansiyasi-7731"


def a_pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, MARKER)
    canvas.save()
    return out.getvalue()


def a_png() -> bytes:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


CHAT = ("Вакансия в Дубае, официантка, 2000$. " + MARKER + "\n").encode("cp1251")


def new_files_holding(roots: list[Path], since: float, secrets: list[bytes]) -> list[str]:
    """Files under the temporary folders written since then that hold any of the contents."""
    found = []
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                try:
                    if path.stat().st_mtime < since or path.stat().st_size > 50_000_000:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue  # another process's file, gone or not readable
                if any(secret in data for secret in secrets):
                    found.append(str(path))
    return found


def test_viewing_from_memory_and_exporting_for_an_investigator(
        qtbot, vault: Vault, admin_session: Session, tmp_path: Path) -> None:
    case = intake(admin_session)
    files = {"statement.pdf": ("document", "application/pdf", a_pdf()),
             "profile.png": ("screenshot", "image/png", a_png()),
             "chat.txt": ("chat_export", "text/plain", CHAT)}
    for name, (kind, media, content) in files.items():
        evidence.add_evidence(admin_session, EvidenceItem(case.id, kind, name, media, content))
    started = time.time() - 1
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    cases = cases_page(qtbot, window)
    search_and_open(qtbot, cases, "mammadova")
    cases.file_page.select_tab("evidence")
    tab = cases.file_page.record_tabs["evidence"]
    qtbot.waitUntil(lambda: tab.is_loaded and tab.model.rowCount() == 3, timeout=WAIT_MS)

    shown = {}
    for row in range(3):
        tab.table.selectRow(row)
        assert tab.view_button.isEnabled()
        qtbot.mouseClick(tab.view_button, Qt.MouseButton.LeftButton)
        viewer = newest(tab, EvidenceViewerDialog)
        qtbot.waitUntil(lambda v=viewer: not v.loading, timeout=WAIT_MS)
        shown[viewer.item.file_name] = viewer.kind
        if viewer.kind == "pdf":
            assert viewer.document.pageCount() == 1
        elif viewer.kind == "image":
            assert viewer.image_label.pixmap().width() == 64
        elif viewer.kind == "text":
            assert "Вакансия в Дубае" in viewer.text_view.toPlainText()
        assert viewer.message_label.text() == ""
        viewer.reject()
    assert shown == {"statement.pdf": "pdf", "profile.png": "image", "chat.txt": "text"}
    roots = sorted({Path(tempfile.gettempdir()), Path(QDir.tempPath())})
    assert new_files_holding(roots, started, [c for _k, _m, c in files.values()]
                             + [MARKER.encode()]) == []

    # Export: no law-enforcement consent, so the coordinator gives a reason.
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    dialog = newest(tab, EvidenceExportDialog)
    qtbot.waitUntil(lambda: dialog.checked, timeout=WAIT_MS)
    assert not dialog.export_button.isEnabled() and dialog.reason_edit.isVisible()
    type_text(dialog.reason_edit, "Prokurorun yazılı sorğusu")
    assert dialog.export_button.isEnabled()
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    dialog.ask_path = lambda _parent, suggested: str(chosen / suggested)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ru"))
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as exported:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    archive = Path(exported.args[0])
    assert archive == chosen / f"evidence-{case.case_code}.zip"
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        assert {"manifest.json", "summary.pdf"} <= set(names) and len(names) == 5
    for item in evidence.list_evidence(admin_session, case.id):
        assert evidence.custody_chain(admin_session, item.id)[-1].kind == "exported"
    window.close()
