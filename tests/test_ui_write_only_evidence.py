"""A case worker in the window: she adds evidence and a perpetrator at intake, and sees them
listed as sealed (no file opened, no correction, no export), while a legal advisor reads
what she typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.evidence import SEALED_TEXT, Perpetrator
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import _
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.records import drafts, evidence, perpetrators
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.cases.client_file_page import ClientFilePage
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.custody_form import CustodyEventForm
from shelterdesk.ui.cases.evidence_form import EvidenceForm
from tests.cases_helpers import WAIT_MS, newest, type_text
from tests.raw_pages import everything_readable
from tests.records_helpers import ROLE_PASSPHRASE, ROLE_USERS, add_role_users, intake, login
from tests.test_ui_case_forms import drop_file, save

pytestmark = pytest.mark.gui

DESCRIPTION = "Instagram chat with the 'model agency', marker UI-4471"
LINK = "https://instagram.example/agency.ui4471"


def test_a_case_worker_adds_evidence_and_sees_it_sealed(
        qtbot, vault: Vault, admin_session: Session, tmp_path: Path) -> None:
    add_role_users(admin_session)
    case_id = intake(admin_session).id
    worker = login(vault, Role.CASE_WORKER)
    try:
        perpetrators.add_perpetrator(worker, Perpetrator(
            case_id, roles=["recruiter"], description="marker UI-5521"))
        page = ClientFilePage(CaseContext(worker))
        qtbot.addWidget(page)
        page.resize(1000, 700)
        page.show()
        with qtbot.waitSignal(page.opened, timeout=WAIT_MS):
            page.open_case(case_id)
        assert page.select_tab("evidence")
        tab = page.tab("evidence")
        qtbot.waitUntil(lambda: tab.is_loaded and not tab.context.busy, timeout=WAIT_MS)
        assert not tab.add_button.isHidden() and tab.view_button.isHidden()
        assert tab.export_button.isHidden() and tab.correct_button.isHidden()
        assert tab.history_button.isHidden() and not tab.custody_button.isHidden()

        qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
        form = newest(tab, EvidenceForm)
        assert form.sealed_note.isVisibleTo(form) and "legal advisors" in form.sealed_note.text()
        form.kind_picker.setCurrentIndex(form.kind_picker.findData("screenshot"))
        screenshot = tmp_path / "profile-ui4471.png"
        screenshot.write_bytes(b"\x89PNG screenshot, marker UI-4471")
        drop_file(form.file_field, screenshot)
        qtbot.waitUntil(lambda: form.file_field.loaded is not None, timeout=WAIT_MS)
        type_text(form.link_edit, LINK)
        form.platform_picker.setCurrentIndex(form.platform_picker.findData("instagram"))
        type_text(form.description_edit, DESCRIPTION)
        form.keeper.write_if_changed()  # the draft the timer keeps while she types
        qtbot.waitUntil(lambda: not form.keeper.busy, timeout=WAIT_MS)
        draft = drafts.load_draft(worker, "evidence", case_id)
        assert draft is not None and DESCRIPTION in repr(draft.content)
        save(qtbot, form)
        qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
        tab.table.selectRow(0)
        assert tab.model.index(0, 1).data() == _("Sealed")
        qtbot.waitUntil(lambda: "Captured" in tab.details_label.text(), timeout=WAIT_MS)
        details = tab.details_label.text()
        assert _(SEALED_TEXT) in details and DESCRIPTION not in details and LINK not in details
        assert tab.open_viewer() is None  # double-click on a sealed item opens nothing

        # A hand-over needs no content: she records it, and sees it in the chain.
        qtbot.mouseClick(tab.custody_button, Qt.MouseButton.LeftButton)
        custody = newest(tab, CustodyEventForm)
        custody.kind_picker.setCurrentIndex(custody.kind_picker.findData("handed_to_police"))
        custody.recipient_edit.setText("Baku police, unit 5")
        save(qtbot, custody)
        qtbot.waitUntil(lambda: "Baku police" in tab.details_label.text(), timeout=WAIT_MS)
        assert tab.message_label.text() == ""

        assert page.select_tab("perpetrators")
        people = page.tab("perpetrators")
        qtbot.waitUntil(lambda: people.is_loaded and people.model.rowCount() == 1,
                        timeout=WAIT_MS)
        people.table.selectRow(0)
        assert _(SEALED_TEXT) in people.details_label.text()
        assert "UI-5521" not in people.details_label.text()
        assert people.correct_button.isHidden() and people.message_label.text() == ""
        item_id = evidence.list_evidence(worker, case_id)[0].id
    finally:
        worker.close()
    # Her own slot, outside the app: the draft went with the save, the cells are sealed.
    slots = SlotFile.load(vault.slots_path)
    opened = slots.unwrap_user_keys(
        slots.find(slots.slot_id_for(ROLE_USERS[Role.CASE_WORKER])), ROLE_PASSPHRASE)
    assert opened is not None
    pages = everything_readable(vault.database_path, bytes(opened[0]))
    assert b"Aynur" in pages
    for mark in (DESCRIPTION, LINK, "agency.ui4471", "profile-ui4471", "UI-4471", "UI-5521"):
        assert mark.encode() not in pages, mark
    with login(vault, Role.LEGAL_ADVISOR) as lawyer:
        (item,) = evidence.list_evidence(lawyer, case_id)
        assert (item.description, item.source_link, item.file_name) == (
            DESCRIPTION, LINK, "profile-ui4471.png")
        assert evidence.read_content(lawyer, item_id) == screenshot.read_bytes()
