"""Listing a shelter's rooms, including rooms that have no beds yet (for the setup screen)."""

from __future__ import annotations

import pytest

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.store.keys import users
from shelterdesk.store.records import shelters
from shelterdesk.store.vault import Session, Vault
from tests.conftest import WORKER_PASSPHRASE


def test_rooms_of_one_shelter_in_name_order(vault: Vault, admin_session: Session) -> None:
    first = shelters.add_shelter(admin_session, Shelter("Ümid evi"))
    other = shelters.add_shelter(admin_session, Shelter("Second"))
    room_b = shelters.add_room(admin_session, Room(first.id, "Otaq 2"))
    room_a = shelters.add_room(admin_session, Room(first.id, "Otaq 1"))
    shelters.add_room(admin_session, Room(other.id, "Elsewhere"))
    shelters.add_bed(admin_session, Bed(room_b.id, "A"))
    listed = shelters.list_rooms(admin_session, first.id)
    assert [(r.id, r.name, r.shelter_id) for r in listed] == [
        (room_a.id, "Otaq 1", first.id), (room_b.id, "Otaq 2", first.id)]
    assert shelters.list_rooms(admin_session, "no such shelter") == []
    users.add_user(admin_session, "murad", [Role.STATISTICS], WORKER_PASSPHRASE)
    with vault.unlock("murad", WORKER_PASSPHRASE) as statistics:
        assert len(shelters.list_rooms(statistics, first.id)) == 2  # configuration only
        with pytest.raises(PermissionDenied):
            shelters.add_room(statistics, Room(first.id, "Otaq 3"))
