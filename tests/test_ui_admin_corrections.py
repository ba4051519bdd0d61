"""Coordinators correct configuration in the window: roles, re-enabling, renames, retiring beds."""

from __future__ import annotations

from datetime import date

import pytest

from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.domain.workspace import Area
from shelterdesk.store.keys import users
from shelterdesk.store.records import corrections, shelters, stays
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE, WORKER_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock
from tests.records_helpers import intake

pytestmark = pytest.mark.gui


def test_change_roles_and_re_enable_a_user(qtbot, vault: Vault, admin_session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    users.disable_user(admin_session, "leyla")
    users.add_user(admin_session, "nigar", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    page = window.work_area.page_for[Area.ADMINISTRATION].users_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=WAIT_MS)
    names = [page.model.user_at(r).username for r in range(3)]
    page.table.selectRow(names.index("nigar"))
    assert page.roles_button.isEnabled() and not page.enable_button.isEnabled()
    dialog = page.open_roles_dialog()
    assert not dialog.save_button.isEnabled()  # nothing changed yet
    dialog.role_boxes[Role.LEGAL_ADVISOR].setChecked(True)
    with qtbot.waitSignal(dialog.done, timeout=WAIT_MS):
        dialog.save()
    nigar = next(u for u in users.list_users(admin_session) if u.username == "nigar")
    assert set(nigar.roles) == {Role.CASE_WORKER, Role.LEGAL_ADVISOR}
    assert corrections.history(admin_session, "users", nigar.id)[0].content["roles"] \
        == "case_worker"
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=WAIT_MS)
    page.table.selectRow(names.index("leyla"))
    assert page.enable_button.isEnabled() and not page.roles_button.isEnabled()
    enable = page.open_enable_dialog()
    enable.passphrase.passphrase_edit.setText("leyla is back again")
    enable.passphrase.repeat_edit.setText("leyla is back again")
    with qtbot.waitSignal(enable.done, timeout=WAIT_MS):
        enable.save()
    vault.unlock("leyla", "leyla is back again").close()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3 and not page.model.user_at(
        names.index("leyla")).disabled, timeout=WAIT_MS)
    page.table.selectRow(names.index("nigar"))
    history = page.open_history()
    qtbot.waitUntil(lambda: history.version_list.count() == 1, timeout=WAIT_MS)
    assert "Case worker" in history.text()
    history.reject()
    window.close()


def test_rename_a_bed_and_retire_only_a_free_one(qtbot, vault: Vault, admin_session) -> None:
    shelter = shelters.add_shelter(admin_session, Shelter("Ümid evi"))
    room = shelters.add_room(admin_session, Room(shelter.id, "Otaq 1"))
    free = shelters.add_bed(admin_session, Bed(room.id, "Çarpayı 1"))
    taken = shelters.add_bed(admin_session, Bed(room.id, "Çarpayı 2"))
    stays.admit(admin_session, intake(admin_session).id, taken.id, date(2026, 3, 1))
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    page = window.work_area.page_for[Area.ADMINISTRATION].shelters_page
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    room_item = page.tree.topLevelItem(0)
    room_item.child(1).setSelected(True)
    assert not page.retire_button.isEnabled()  # the client is still in that bed
    page.tree.clearSelection()
    room_item.child(0).setSelected(True)
    dialog = page.open_rename()
    assert dialog.edits["label"].text() == "Çarpayı 1"
    dialog.edits["label"].setText("Pəncərə yanı")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        dialog.submit()
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1 and
                    page.tree.topLevelItem(0).child(0).text(0) == "Pəncərə yanı",
                    timeout=WAIT_MS)
    page.tree.topLevelItem(0).child(0).setSelected(True)
    assert page.retire_button.isEnabled()
    page.retire_selected(confirm=False)
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1 and
                    page.tree.topLevelItem(0).childCount() == 1, timeout=WAIT_MS)
    assert [b.label for b in shelters.board(admin_session)] == ["Çarpayı 2"]
    assert corrections.history(admin_session, "beds", free.id)[0].content["label"] \
        == "Çarpayı 1"
    window.close()
