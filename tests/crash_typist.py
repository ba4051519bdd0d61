"""Run as a separate process by the crash test: type into a form, let the draft land, die.

    python tests/crash_typist.py VAULT_DIR USER PASSPHRASE SEARCH TEXT

Opens the window on the vault, unlocks, opens the first case the search finds,
starts a note, types TEXT, waits until the form's timer has written the draft,
prints "DRAFT SAVED" and kills itself with SIGKILL: no lock, no close, no cleanup.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest  # noqa: E402

from shelterdesk.domain.workspace import Area  # noqa: E402
from shelterdesk.store.records import drafts  # noqa: E402
from shelterdesk.store.vault import Vault  # noqa: E402
from shelterdesk.ui.cases import context  # noqa: E402
from shelterdesk.ui.cases.note_form import NoteForm  # noqa: E402
from shelterdesk.ui.shell.app import make_application  # noqa: E402
from shelterdesk.ui.shell.main_window import MainWindow  # noqa: E402


def wait_until(condition, timeout_ms: int = 30_000) -> None:  # noqa: ANN001
    waited = 0
    while not condition():
        if waited > timeout_ms:
            raise SystemExit("timed out")
        QTest.qWait(20)
        waited += 20


def main(vault_dir: str, user: str, passphrase: str, search: str, text: str) -> None:
    context.DRAFT_INTERVAL_MS = 200
    application = make_application()
    window = MainWindow(Vault(vault_dir), application, idle_timeout_ms=3_600_000)
    window.show()
    window.unlock_page.user_edit.setText(user)
    window.unlock_page.passphrase_edit.setText(passphrase)
    window.unlock_page.try_unlock()
    wait_until(lambda: window.session is not None)
    window.work_area.select_area(Area.CASES)
    page = window.work_area.page_for[Area.CASES]
    page.list_page.search_edit.setText(search)
    page.list_page.apply_search()
    wait_until(lambda: not page.list_page.model.loading and page.list_page.model.rowCount())
    case_id = page.list_page.model.row_at(0).case_id
    page.show_case(case_id, "notes")
    wait_until(lambda: "notes" in page.file_page.record_tabs)
    page.file_page.select_tab("notes")
    form = page.file_page.record_tabs["notes"].open_form()
    assert isinstance(form, NoteForm)
    QTest.keyClicks(form.body_edit, text)
    session = window.session
    wait_until(lambda: (d := drafts.load_draft(session, "note", case_id)) is not None
               and d.content.get("body") == text)
    print("DRAFT SAVED", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main(*sys.argv[1:6])
