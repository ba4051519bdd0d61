"""Erasing a client reaches every laptop, and leaves no copy in any laptop's sync machinery."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from shelterdesk.domain.tasks import Note
from shelterdesk.store.records import clients, erasure, search, tasks
from shelterdesk.store.replication import registry
from shelterdesk.store.vault import Vault
from shelterdesk.sync import envelope, service
from tests.raw_pages import everything_readable
from tests.records_helpers import intake
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, build_org

MARKER = "ERASE-ME-Gülnarə"
SYNC_TABLES = ("change_log", "sync_orphans", "sync_quarantine", "sync_conflicts")


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b"))


def _traces(vault: Vault) -> dict[str, int]:
    """Rows anywhere in the replicated tables or the sync machinery that hold the marker."""
    found = {}
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        tables = [r[0] for r in session.connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'search_index_%'")]
        for table in tables:
            for row in session.connection.execute(f"SELECT * FROM {table}"):
                if any(isinstance(v, str) and MARKER in v for v in row):
                    found[table] = found.get(table, 0) + 1
    return found


def test_an_erasure_reaches_the_other_laptop_and_scrubs_its_outbox(org, tmp_path: Path) -> None:
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    transport = MemoryTransport(copy.deepcopy(org.store))
    with a.unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session, given_name=MARKER)
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
        client, _case = clients.load_case(session.connection, case.id)
        client.address = MARKER + " street"  # edited on b, not yet sent
        clients.update_client(session, client, case.id)
    assert _traces(b).get("change_log")
    with a.unlock(ADMIN, PASSPHRASE) as session:
        erasure.erase_client(session, case.id)
        tombstones = session.connection.execute(
            "SELECT count(*) FROM change_log WHERE col = '-' AND value = 'erase'").fetchone()[0]
        assert tombstones >= 2  # the client and the case at least
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
        assert session.connection.execute("SELECT count(*) FROM clients WHERE id = ?",
                                          (case.client_id,)).fetchone()[0] == 0
    with a.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)  # b's scrubbed edit arrives as a no-op
        assert session.connection.execute("SELECT count(*) FROM clients WHERE id = ?",
                                          (case.client_id,)).fetchone()[0] == 0
    assert _traces(a) == {} and _traces(b) == {}
    assert _sent_values(b) and not [v for v in _sent_values(b) if MARKER in v]
    with a.unlock(ADMIN, PASSPHRASE) as session:
        assert session.connection.execute(
            "SELECT count(*) FROM sync_conflicts WHERE kind = 'edited_and_deleted'").fetchone() \
            == (0,)  # b's edit never left b


def _sent_values(vault: Vault) -> list[str]:
    """Every value in the envelopes this laptop sealed, decrypted with its own keys."""
    values = []
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        keys = registry.epoch_keys(session.connection)
        for sent in registry.sent_envelopes(session.connection):
            if sent.blob is None:
                continue
            header = envelope.parse_header(sent.blob)
            for change in envelope.open_body(sent.blob, header, keys[header.epoch]):
                values.append(str(change.value))
    return values


def test_erasing_a_client_never_synced_leaves_only_tombstones(org, tmp_path: Path) -> None:
    shutil.copytree(org.root / "a", tmp_path / "a")
    a = Vault(tmp_path / "a")
    with a.unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session, given_name=MARKER)
        erasure.erase_client(session, case.id)
        logged = session.connection.execute(
            "SELECT tbl, col FROM change_log WHERE tbl NOT LIKE '~%'").fetchall()
        assert logged and all(col == "-" for _tbl, col in logged)
    assert _traces(a) == {}


# Strings only the erased client has, as typed and as the search index folds them.
SECRETS = ["Zümrüdxanım", "zumrudxanim", "Qarayeva", "qarayeva", "Gizli küçə 77",
           "705559876", "Syncnote qvzt", "syncnote", "Syncdraft wxyz"]


def _pages(vault: Vault, key: bytes) -> bytes:
    return everything_readable(vault.database_path, key)


def _rich_client(session):
    case = intake(session, given_name="Zümrüdxanım", family_name="Qarayeva",
                  phone="+994 70 555 98 76", address="Gizli küçə 77")
    tasks.add_note(session, Note(case.id, "Syncnote qvzt"))
    return case


def test_a_received_erasure_leaves_no_string_in_any_page_of_either_laptop(
        org, tmp_path: Path) -> None:
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    transport = MemoryTransport(copy.deepcopy(org.store))
    with a.unlock(ADMIN, PASSPHRASE) as session:
        case = _rich_client(session)
        intake(session, given_name="Gülnarə", family_name="Keepova")
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
        with session.lock:  # a half-typed form about her on the receiving laptop
            session.connection.execute(
                "INSERT INTO drafts (id, user_id, form, subject_id, content, saved_at)"
                " VALUES ('draft-b', ?, 'note', ?, ?, 'now')",
                (session.user.id, case.id, json.dumps({"body": "Syncdraft wxyz"})))
            session.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # The control: the decryption shows her strings on the receiving laptop before.
    before = _pages(b, org.keys["b"])
    assert all(text.encode() in before for text in SECRETS), \
        [t for t in SECRETS if t.encode() not in before]
    with a.unlock(ADMIN, PASSPHRASE) as session:
        assert erasure.erase_client(session, case.id).purged
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        summary = service.sync_now(session, transport)
        assert summary.erased_rows >= 2 and "erasure_not_compacted" not in summary.warnings
        assert search.matching_case_ids(session.connection, "qarayeva") == []
        assert search.matching_case_ids(session.connection, "keepova")
        assert session.connection.execute("SELECT count(*) FROM drafts").fetchone() == (0,)
    for vault, name in ((a, "a"), (b, "b")):
        data = _pages(vault, org.keys[name])
        for text in SECRETS:
            for encoding in ("utf-8", "utf-16-le"):
                assert text.encode(encoding) not in data, (name, text)
        assert b"Keepova" in data, name
