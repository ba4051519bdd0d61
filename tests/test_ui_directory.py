"""Administration's organisations directory and shelter set-up, through the real widgets."""

from __future__ import annotations

import pytest

from shelterdesk.domain.workspace import Area
from shelterdesk.store.records import organisations, shelters
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui


@pytest.fixture
def admin(qtbot, vault: Vault):
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    yield window, window.work_area.page_for[Area.ADMINISTRATION]
    window.close()


def test_add_and_edit_an_organisation(qtbot, admin) -> None:
    window, page = admin
    directory = page.organisations_page
    dialog = directory.open_add_dialog()
    dialog.name_edit.setText("Hüquqi Yardım Mərkəzi")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("ngo"))
    dialog.service_boxes["legal"].setChecked(True)
    dialog.service_boxes["documents"].setChecked(True)
    dialog.email_edit.setText("not an e-mail")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=WAIT_MS)
    assert "mail" in dialog.message_label.text().lower()  # names the field, keeps the form
    assert dialog.name_edit.text() == "Hüquqi Yardım Mərkəzi"
    dialog.email_edit.setText("info@example.org")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        dialog.save()
    qtbot.waitUntil(lambda: directory.model.rowCount() == 1, timeout=WAIT_MS)
    services = directory.model.index(0, directory.model.Columns.SERVICES).data()
    assert "Legal aid" in services and "Identity documents" in services
    directory.table.selectRow(0)
    edit = directory.open_edit_dialog()
    assert edit.service_boxes["legal"].isChecked()
    edit.service_boxes["psychosocial"].setChecked(True)
    with qtbot.waitSignal(edit.saved, timeout=WAIT_MS):
        edit.save()
    stored = organisations.list_organisations(window.session)
    assert [o.services for o in stored] == [["legal", "psychosocial", "documents"]]


def test_organisation_model(qtmodeltester, admin_session) -> None:
    from shelterdesk.domain.referrals import Organisation
    from shelterdesk.ui.administration.organisations_page import OrganisationTableModel

    organisations.add_organisation(admin_session, Organisation("IOM", "international",
                                                               ["return"]))
    model = OrganisationTableModel()
    model.set_rows(organisations.list_organisations(admin_session))
    qtmodeltester.check(model)
    assert model.index(0, model.Columns.KIND).data() == "International organisation"


def test_shelter_rooms_and_beds(qtbot, admin) -> None:
    window, page = admin
    setup = page.shelters_page
    assert setup.empty_label.text().startswith("No shelter yet")
    assert not setup.add_room_button.isEnabled()
    dialog = setup.open_add_shelter()
    dialog.edits["name"].setText("Ümid evi")
    dialog.edits["address"].setText("kept inside the vault")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        dialog.submit()
    qtbot.waitUntil(lambda: setup.shelter_combo.count() == 1
                    and setup.add_room_button.isEnabled(), timeout=WAIT_MS)
    room_dialog = setup.open_add_room()
    room_dialog.edits["name"].setText("")
    room_dialog.submit()
    qtbot.waitUntil(lambda: room_dialog.save_button.isEnabled(), timeout=WAIT_MS)
    assert room_dialog.message_label.text()  # a room needs a name
    room_dialog.edits["name"].setText("Otaq 1")
    with qtbot.waitSignal(room_dialog.saved, timeout=WAIT_MS):
        room_dialog.submit()
    qtbot.waitUntil(lambda: setup.tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    setup.tree.setCurrentItem(setup.tree.topLevelItem(0))
    bed_dialog = setup.open_add_bed()
    bed_dialog.edits["label"].setText("Çarpayı 1")
    with qtbot.waitSignal(bed_dialog.saved, timeout=WAIT_MS):
        bed_dialog.submit()
    qtbot.waitUntil(lambda: setup.tree.topLevelItemCount() == 1
                    and setup.tree.topLevelItem(0).childCount() == 1, timeout=WAIT_MS)
    bed_item = setup.tree.topLevelItem(0).child(0)
    assert (bed_item.text(0), bed_item.text(1)) == ("Çarpayı 1", "free")
    assert [b.label for b in shelters.board(window.session)] == ["Çarpayı 1"]
