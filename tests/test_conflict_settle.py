"""Settling a concurrent edit: keep the record's value, take the other, or write a merge;
the choice is an ordinary edit that sync carries, audited without the values."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.store import audit
from shelterdesk.store.records import clients
from shelterdesk.store.replication import conflict_settle
from shelterdesk.store.vault import Vault
from shelterdesk.sync import service
from tests.records_helpers import intake
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, build_org


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b"))


@pytest.fixture
def conflicted(org, tmp_path: Path):
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    transport = MemoryTransport(copy.deepcopy(org.store))
    with a.unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session)
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
    for vault, text in ((a, "Needs a lawyer"), (b, "Needs a doctor")):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            _client, found = clients.load_case(session.connection, case.id)
            found.needs_summary = text
            clients.update_case(session, found)
    for vault in (a, b, a):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            service.sync_now(session, transport)
    return a, b, transport, case.id


def _summary(session, case_id: str) -> str:
    return session.connection.execute("SELECT needs_summary FROM cases WHERE id = ?",
                                      (case_id,)).fetchone()[0]


def test_keeping_the_other_value_reaches_every_laptop(conflicted) -> None:
    a, b, transport, case_id = conflicted
    with a.unlock(ADMIN, PASSPHRASE) as session:
        views = [v for v in conflict_settle.conflict_views(session)
                 if v.conflict.kind == "concurrent_edit"]
        assert len(views) == 1 and views[0].can_take_value
        view = views[0]
        assert view.current == _summary(session, case_id)
        assert {view.current, view.other} == {"Needs a lawyer", "Needs a doctor"}
        assert view.other_device and view.other_at_ms > 0  # who and when
        conflict_settle.settle(session, view.conflict.id, conflict_settle.KEEP_OTHER)
        assert _summary(session, case_id) == view.other
        with pytest.raises(UserFacingError):  # settled once; a second time is refused
            conflict_settle.settle(session, view.conflict.id, conflict_settle.KEEP_OTHER)
        entries = [e for e in audit.recent(session.connection, 50)
                   if e.action == "sync.conflict.resolve"]
        assert entries and view.other not in str(entries[0])  # no values in the audit log
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
        assert _summary(session, case_id) == view.other


def test_a_typed_merge_and_keeping_the_current_value(conflicted) -> None:
    a, _b, _transport, case_id = conflicted
    with a.unlock(ADMIN, PASSPHRASE) as session:
        view = next(v for v in conflict_settle.conflict_views(session)
                    if v.conflict.kind == "concurrent_edit")
        before = _summary(session, case_id)
        conflict_settle.settle(session, view.conflict.id, conflict_settle.TYPED,
                               "Needs a lawyer and a doctor")
        assert _summary(session, case_id) == "Needs a lawyer and a doctor"
        assert before != _summary(session, case_id)
        assert not [v for v in conflict_settle.conflict_views(session)
                    if v.conflict.kind == "concurrent_edit"]
