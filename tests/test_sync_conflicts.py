"""What merging cannot settle is flagged for a coordinator, and nothing typed is lost."""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path

import pytest

from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.store.connection import transaction
from shelterdesk.store.keys import users
from shelterdesk.store.records import clients, shelters, stays
from shelterdesk.store.replication import conflicts as sync_conflicts
from shelterdesk.store.replication import merge_rules
from shelterdesk.store.vault import Vault
from shelterdesk.sync import service
from tests.records_helpers import intake
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, build_org


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b"))


@pytest.fixture
def pair(org, tmp_path: Path):
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    return Vault(tmp_path / "a"), Vault(tmp_path / "b"), MemoryTransport(copy.deepcopy(org.store))


def _sync(vault: Vault, transport) -> service.engine.SyncSummary:
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        return service.sync_now(session, transport)


def _open(vault: Vault) -> list[sync_conflicts.Conflict]:
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        return sync_conflicts.list_conflicts(session)


def test_one_bed_given_twice_offline_keeps_both_stays_and_is_flagged(pair) -> None:
    a, b, transport = pair
    with a.unlock(ADMIN, PASSPHRASE) as session:
        shelter = shelters.add_shelter(session, Shelter(name="Ümid evi"))
        room = shelters.add_room(session, Room(shelter_id=shelter.id, name="1"))
        bed = shelters.add_bed(session, Bed(room_id=room.id, label="A"))
        service.sync_now(session, transport)
    _sync(b, transport)
    for vault, name in ((a, "Aynur"), (b, "Nigar")):  # both offline, both admit to bed A
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            case = intake(session, given_name=name)
            stays.admit(session, case.id, bed.id, date(2026, 3, 1))
    _sync(a, transport)
    _sync(b, transport)
    _sync(a, transport)
    for vault in (a, b):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            open_stays = session.connection.execute(
                "SELECT count(*) FROM stays WHERE bed_id = ? AND discharged_on IS NULL",
                (bed.id,)).fetchone()[0]
            assert open_stays == 2
        kinds = [c.kind for c in _open(vault)]
        assert kinds.count("bed_double_booked") == 1
    # A coordinator discharges one: the conflict closes by itself at the next sync.
    with a.unlock(ADMIN, PASSPHRASE) as session:
        stay_id = session.connection.execute(
            "SELECT id FROM stays WHERE bed_id = ? ORDER BY id LIMIT 1", (bed.id,)).fetchone()[0]
        stays.discharge(session, stay_id, date(2026, 3, 2), "moved")
        service.sync_now(session, transport)
    _sync(b, transport)
    assert "bed_double_booked" not in [c.kind for c in _open(b)]


def test_two_intakes_of_one_person_on_two_laptops_are_flagged(pair) -> None:
    a, b, transport = pair
    with a.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name="Aynur", family_name="Məmmədova",
               date_of_birth=date(1999, 4, 12), phone="+994 50 123 45 67")
    with b.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name="AYNUR", family_name="Mammadova",
               date_of_birth=date(1999, 4, 12), phone="")
        intake(session, given_name="Someone", family_name="Else",
               date_of_birth=date(1980, 1, 1), phone="050 123 45 67")
    for vault in (a, b, a):
        _sync(vault, transport)
    found = [c for c in _open(a) if c.kind == "possible_duplicate"]
    assert sorted(c.detail["by"] for c in found) == ["name_birth", "phone"]
    with a.unlock(ADMIN, PASSPHRASE) as session:
        sync_conflicts.resolve(session, found[0].id, "checked: two different people")
        remaining = sync_conflicts.list_conflicts(session)
        assert found[0].id not in [c.id for c in remaining]


def test_concurrent_edits_keep_the_losing_value_for_review(pair) -> None:
    a, b, transport = pair
    with a.unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session)
        service.sync_now(session, transport)
    _sync(b, transport)
    for vault, text in ((a, "Needs a lawyer"), (b, "Needs a doctor")):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            _client, found = clients.load_case(session.connection, case.id)
            found.needs_summary = text
            clients.update_case(session, found)
    for vault in (a, b, a):
        _sync(vault, transport)
    values = set()
    for vault in (a, b):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            values.add(session.connection.execute(
                "SELECT needs_summary FROM cases WHERE id = ?", (case.id,)).fetchone()[0])
        kept = [c.value for c in _open(vault) if c.kind == "concurrent_edit"]
        assert len(kept) == 1 and kept[0] in {"Needs a lawyer", "Needs a doctor"}
    assert len(values) == 1 and kept[0] not in values  # the winner stays, the loser is kept
    # A later edit made after seeing the other is not a conflict.
    with b.unlock(ADMIN, PASSPHRASE) as session:
        _client, found = clients.load_case(session.connection, case.id)
        found.needs_summary = "Needs both"
        clients.update_case(session, found)
    _sync(b, transport)
    _sync(a, transport)
    assert len([c for c in _open(a) if c.kind == "concurrent_edit"]) == 1


def test_a_case_code_given_out_twice_is_renumbered_the_same_everywhere(pair) -> None:
    a, b, transport = pair
    codes = []
    for vault in (a, b):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            case = intake(session)
            with transaction(session.connection):
                session.connection.execute("UPDATE cases SET case_code = 'TU-26-AAAAAA-0'"
                                           " WHERE id = ?", (case.id,))
            codes.append(case.id)
    for vault in (a, b, a):
        _sync(vault, transport)
    seen = []
    for vault in (a, b):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            seen.append(dict(session.connection.execute(
                "SELECT id, case_code FROM cases WHERE id IN (?, ?)", codes).fetchall()))
        assert [c.kind for c in _open(vault)].count("duplicate_value") == 1
    assert seen[0] == seen[1]
    keeper, renamed = sorted(codes)
    assert seen[0][keeper] == "TU-26-AAAAAA-0"
    assert seen[0][renamed] == merge_rules.derived_value("cases", "TU-26-AAAAAA-0", renamed)
    from shelterdesk.domain import case_codes

    assert case_codes.is_valid(seen[0][renamed])


def test_only_a_coordinator_sees_the_conflicts(pair) -> None:
    a, _b, _transport = pair
    with a.unlock(ADMIN, PASSPHRASE) as session:
        users.add_user(session, "leyla", [Role.CASE_WORKER], "case worker passphrase")
    from shelterdesk.domain.errors import PermissionDenied

    with a.unlock("leyla", "case worker passphrase") as session, \
            pytest.raises(PermissionDenied):
        sync_conflicts.list_conflicts(session)
