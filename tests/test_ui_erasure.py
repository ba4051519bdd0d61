"""Erase this client… through the real window on one laptop; sync takes it to the other; no
page of either laptop's database, decrypted, holds any of her strings."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.tasks import Note
from shelterdesk.store.records import case_list, tasks
from shelterdesk.store.vault import Vault
from shelterdesk.sync import service
from shelterdesk.ui.cases.erase_dialog import EraseClientDialog
from tests.cases_helpers import WAIT_MS, cases_page, search_and_open, type_text
from tests.gui_helpers import make_window, unlock
from tests.raw_pages import everything_readable
from tests.records_helpers import intake
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, build_org

pytestmark = pytest.mark.gui
SECRETS = ["Zümrüdxanım", "zumrudxanim", "Qarayeva", "qarayeva", "Gizli küçə 77", "705559876",
           "Windownote qvzt", "windownote"]


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b"))


def test_erase_through_the_window_then_sync_leaves_no_string_on_either_laptop(
        qtbot, org, tmp_path: Path) -> None:
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    transport = MemoryTransport(copy.deepcopy(org.store))
    with a.unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session, given_name="Zümrüdxanım", family_name="Qarayeva",
                      phone="+994 70 555 98 76", address="Gizli küçə 77")
        tasks.add_note(session, Note(case.id, "Windownote qvzt"))
        intake(session, given_name="Gülnarə", family_name="Keepova")
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
        session.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert all(t.encode() in everything_readable(b.database_path, org.keys["b"])
               for t in SECRETS)

    window = make_window(qtbot, a)
    unlock(qtbot, window, ADMIN, PASSPHRASE)
    page = cases_page(qtbot, window)
    search_and_open(qtbot, page, "qarayeva")
    file_page = page.file_page
    assert file_page.rights_button.isVisible()
    assert file_page.erase_action in file_page.rights_button.menu().actions()
    file_page.erase_action.trigger()
    qtbot.waitUntil(lambda: file_page.erase_dialog is not None
                    and file_page.erase_dialog.isVisible(), timeout=WAIT_MS)
    dialog: EraseClientDialog = file_page.erase_dialog
    assert case.case_code in dialog.what_label.text()
    assert "relay" in dialog.intro_label.text() and "unreadable" in dialog.intro_label.text()
    assert not dialog.erase_button.isEnabled()
    type_text(dialog.reason_edit, "the client asked in person")
    type_text(dialog.code_edit, "wrong")
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.message_label.text()), timeout=WAIT_MS)
    assert case.case_code in dialog.message_label.text()  # "type the code … exactly"
    assert dialog.isVisible()
    dialog.code_edit.clear()
    type_text(dialog.code_edit, case.case_code.lower())
    with qtbot.waitSignal(file_page.erased, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.list_page, timeout=WAIT_MS)
    assert case_list.count_cases(window.session) == 1
    window.lock_now()

    with a.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
    for vault, name in ((a, "a"), (b, "b")):
        data = everything_readable(vault.database_path, org.keys[name])
        leaks = [t for t in SECRETS for enc in ("utf-8", "utf-16-le") if t.encode(enc) in data]
        assert leaks == [], name
        assert b"Keepova" in data, name
