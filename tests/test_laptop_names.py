"""Laptop names and users: they travel only inside encrypted envelopes, a coordinator's rename
reaches every laptop, the latest rename wins everywhere, and only a laptop says who uses it."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.store import audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.keys import users
from shelterdesk.store.replication import changes, registry
from shelterdesk.store.vault import Vault
from shelterdesk.sync import devices, service
from shelterdesk.sync.errors import LaptopNameInvalid, UnknownDeviceId
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, build_org

NAME = "Otaq 4 — Zəhranın noutbuku"


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b"))


@pytest.fixture
def pair(org, tmp_path: Path):
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    return Vault(tmp_path / "a"), Vault(tmp_path / "b"), MemoryTransport(copy.deepcopy(org.store))


def _sync(vault: Vault, transport) -> None:
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)


def _info(vault: Vault) -> tuple[str, dict[str, registry.LaptopInfo]]:
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        return service.this_device(session).device_id, service.laptop_info(session)


def _cleartext(transport: MemoryTransport) -> bytes:
    store = transport.store
    return b"".join([*store.envelopes.values(), *store.records.values(),
                     *store.invitations.values(), *(str(k).encode() for k in store.records)])


def test_each_laptop_is_named_after_its_host_and_says_who_syncs_on_it(pair) -> None:
    a, b, transport = pair
    for vault in (a, b, a):
        _sync(vault, transport)
    id_a, info_a = _info(a)
    id_b, info_b = _info(b)
    assert info_a == info_b  # every laptop knows the same
    assert set(info_a) == {id_a, id_b}
    for device_id in (id_a, id_b):
        assert info_a[device_id].name == devices.default_name()
        assert info_a[device_id].user_name == ADMIN
        assert info_a[device_id].user_id


def test_a_rename_reaches_every_laptop_and_never_the_folder_in_clear(pair) -> None:
    a, b, transport = pair
    id_b, _ = _info(b)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        assert service.rename_laptop(session, id_b, f"  {NAME}  ") == NAME
        with session.lock:
            actions = [e.action for e in audit.recent(session.connection, 50)]
        assert "sync.rename" in actions
        service.sync_now(session, transport)
    _sync(b, transport)
    _sync(b, transport)  # b's own default name must not overwrite the coordinator's
    _sync(a, transport)
    for vault in (a, b):
        assert _info(vault)[1][id_b].name == NAME
    blob = _cleartext(transport)
    assert NAME.encode() not in blob and NAME.encode("utf-16-le") not in blob
    host = devices.default_name().encode()
    assert len(host) < 6 or host not in blob  # a very short host name could occur by chance
    assert ADMIN.encode() not in blob


def test_concurrent_renames_end_the_same_on_both_laptops(pair) -> None:
    a, b, transport = pair
    id_a, _ = _info(a)
    for vault, name in ((a, "Reception"), (b, "Office")):  # both offline
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            service.rename_laptop(session, id_a, name)
    for vault in (a, b, a):
        _sync(vault, transport)
    names = {_info(vault)[1][id_a].name for vault in (a, b)}
    assert len(names) == 1 and names <= {"Reception", "Office"}


def test_only_a_laptop_itself_says_who_uses_it(pair) -> None:
    a, b, _transport = pair
    id_a, _ = _info(a)
    id_b, before = _info(b)
    with b.unlock(ADMIN, PASSPHRASE) as session, session.lock, transaction(
            session.connection) as connection:
        forged = changes.Change(origin=id_a, seq=999, hlc=1 << 60, tbl="~laptop", row_id=id_b,
                                col="", value={"user": "someone-else", "name": "From A"})
        devices.apply_controls(connection, [forged])
        info = registry.laptop_info(connection)
    assert info[id_b].user_id == before[id_b].user_id  # the user claim from A is ignored
    assert info[id_b].name == "From A"  # a rename by another laptop is allowed
    bad = changes.Change(origin=id_a, seq=1000, hlc=1 << 61, tbl="~laptop", row_id=id_b,
                         col="", value={"name": "x" * 500})
    with b.unlock(ADMIN, PASSPHRASE) as session, session.lock, transaction(
            session.connection) as connection:
        devices.apply_controls(connection, [bad])  # malformed: changes nothing, raises nothing
        assert registry.laptop_info(connection)[id_b].name == "From A"


@pytest.mark.parametrize("name", ["", "   ", "two\nlines", "x" * (devices.NAME_MAX + 1)])
def test_bad_names_are_refused_with_words(pair, name: str) -> None:
    a, _b, _transport = pair
    with a.unlock(ADMIN, PASSPHRASE) as session:
        me = service.this_device(session).device_id
        with pytest.raises(LaptopNameInvalid) as refused:
            service.rename_laptop(session, me, name)
        assert str(devices.NAME_MAX) in refused.value.user_message()
        with pytest.raises(UnknownDeviceId):
            service.rename_laptop(session, "f" * 32, "Fine")
        assert service.laptop_info(session)[me].name == devices.default_name()


def test_only_a_coordinator_renames(pair) -> None:
    a, _b, _transport = pair
    with a.unlock(ADMIN, PASSPHRASE) as session:
        me = service.this_device(session).device_id
        users.add_user(session, "kamran", [Role.CASE_WORKER], "worker passphrase 1")
    with a.unlock("kamran", "worker passphrase 1") as session, pytest.raises(PermissionDenied):
        service.rename_laptop(session, me, "Mine now")
