"""Write-only evidence: a case worker records evidence she cannot read back.

The insider's path: the case worker opens her own slot outside the app with our own
functions and finds no evidence or perpetrator text — not even what she recorded
herself — while a legal advisor reads it (docs/security.md "Write-only evidence").
"""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.evidence import EvidenceItem, Perpetrator
from shelterdesk.domain.roles import Role
from shelterdesk.reports import evidence_export
from shelterdesk.store.connection import open_database, transaction
from shelterdesk.store.keys import compartments, sealing, write_only
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.records import corrections, evidence, perpetrators, record_corrections
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.raw_pages import everything_readable
from tests.records_helpers import ROLE_PASSPHRASE, ROLE_USERS, add_role_users, intake, login

DESCRIPTION = "Chat export from the recruiter, marker W-6613"
LINK = "https://instagram.example/recruiter.w7720"
FILE_NAME = "chat-marker-W-8841.txt"
FILE = b"WhatsApp chat bytes, marker W-3307"
PERPETRATOR = "Woman who called herself a model agent, marker W-5129"
PHONE = "+994 70 512 91 29"
HANDLE = "agent_w_4410"
MARKS: tuple[str | bytes, ...] = (DESCRIPTION, LINK, "recruiter.w7720", FILE_NAME,
                                  "marker-W-8841", FILE, PERPETRATOR, "512 91 29", HANDLE)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A vault where the case worker recorded an item and a perpetrator at intake."""
    vault = Vault(tmp_path_factory.mktemp("write_only") / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, prefix="TW")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        add_role_users(admin)
        case = intake(admin)
    with login(vault, Role.CASE_WORKER) as worker:
        assert worker.compartments.held() == []
        item = evidence.add_evidence(worker, EvidenceItem(
            case.id, "chat_export", FILE_NAME, "text/plain", FILE, platform="whatsapp",
            source_link=LINK, description=DESCRIPTION))
        perpetrator = perpetrators.add_perpetrator(worker, Perpetrator(
            case.id, roles=["recruiter"], description=PERPETRATOR, phones=[PHONE],
            accounts=[{"platform": "instagram", "handle": HANDLE}],
            evidence_ids=[item.id]))
        evidence.add_custody_event(worker, item.id, "handed_to_police", "Police station 3")
        worker.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return vault, case.id, item.id, perpetrator.id


def _insider(vault: Vault, username: str, passphrase: str):
    slots = SlotFile.load(vault.slots_path)
    opened = slots.unwrap_user_keys(slots.find(slots.slot_id_for(username)), passphrase)
    assert opened is not None
    vault_key, private_key = opened
    return vault_key, private_key, open_database(vault.database_path, vault_key)


def test_the_case_worker_s_own_slot_yields_none_of_what_she_recorded(world) -> None:
    vault = world[0]
    vault_key, private_key, connection = _insider(vault, ROLE_USERS[Role.CASE_WORKER],
                                                  ROLE_PASSPHRASE)
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table'")]
        dump = repr([connection.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables])
        user_id = connection.execute("SELECT id FROM users WHERE username = ?",
                                     (ROLE_USERS[Role.CASE_WORKER],)).fetchone()[0]
        keys = compartments.load(connection, user_id, bytes(private_key))
        cells = connection.execute(
            "SELECT id, description, content, file_name FROM evidence_items").fetchall()
    finally:
        connection.close()
    pages = everything_readable(vault.database_path, bytes(vault_key))
    assert b"Aynur" in pages  # the core really was decrypted
    for mark in MARKS:
        raw = mark if isinstance(mark, bytes) else mark.encode()
        assert raw not in pages, mark
        assert (mark if isinstance(mark, str) else mark.decode()) not in dump, mark
    assert keys.held() == []
    # Her next step: open the cells with what she has — her own private key, and the
    # project's own openers. Nothing opens.
    ((row_id, description, content, file_name),) = cells
    assert description.startswith(write_only.PREFIX) and bytes(content).startswith(b"sdc2:")
    body = base64.b64decode(description.split(":", 3)[3])
    assert sealing.open_sealed(bytes(private_key), body, b"") is None
    for column, value in (("description", description), ("content", content),
                          ("file_name", file_name)):
        with pytest.raises(compartments.CompartmentLocked):
            keys.open("evidence_items", column, row_id, value)


def test_the_case_worker_lists_what_she_recorded_sealed(world) -> None:
    vault, case_id, item_id, perpetrator_id = world
    with login(vault, Role.CASE_WORKER) as worker:
        (item,) = evidence.list_evidence(worker, case_id)
        assert item.sealed and (item.kind, item.platform) == ("chat_export", "whatsapp")
        assert (item.description, item.source_link, item.file_name) == ("", "", "")
        assert item.size == len(FILE) and item.captured_by == worker.user.id
        assert [e.kind for e in evidence.custody_chain(worker, item_id)] == [
            "captured", "handed_to_police"]
        (perpetrator,) = perpetrators.list_perpetrators(worker, case_id)
        assert perpetrator.sealed and perpetrator.roles == ["recruiter"]
        assert (perpetrator.description, perpetrator.phones, perpetrator.accounts) == (
            "", [], [])
        assert perpetrator.evidence_ids == [item_id] and perpetrator.id == perpetrator_id


def test_a_legal_advisor_and_a_coordinator_read_it(world) -> None:
    vault, case_id, item_id, _ = world
    for session in (login(vault, Role.LEGAL_ADVISOR), vault.unlock(ADMIN, ADMIN_PASSPHRASE)):
        with session:
            (item,) = evidence.list_evidence(session, case_id)
            assert not item.sealed
            assert (item.description, item.source_link, item.file_name) == (
                DESCRIPTION, LINK, FILE_NAME)
            assert evidence.read_content(session, item_id) == FILE
            (perpetrator,) = perpetrators.list_perpetrators(session, case_id)
            assert perpetrator.description == PERPETRATOR and perpetrator.phones == [PHONE]
            assert perpetrator.accounts == [{"platform": "instagram", "handle": HANDLE}]


def test_the_case_worker_is_refused_what_needs_the_content(world, tmp_path) -> None:
    vault, case_id, item_id, perpetrator_id = world
    with login(vault, Role.CASE_WORKER) as worker:
        attempts = [
            lambda: evidence.read_content(worker, item_id),
            lambda: evidence.export_item(worker, item_id, tmp_path / "out"),
            lambda: evidence_export.export_for_investigator(worker, case_id,
                                                            tmp_path / "x.zip"),
            lambda: record_corrections.correct_evidence(worker, EvidenceItem(
                case_id, "chat_export", source_link="https://a.example/", id=item_id), "typo"),
            lambda: perpetrators.update_perpetrator(worker, Perpetrator(
                case_id, roles=["recruiter"], id=perpetrator_id), "typo"),
            lambda: corrections.history(worker, "evidence_items", item_id),
        ]
        for attempt in attempts:
            with pytest.raises(PermissionDenied) as refused:
                attempt()
            assert "legal advisors and coordinators" in refused.value.user_message() \
                or "permission" in refused.value.user_message()
        denied = worker.connection.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'permission.denied'"
            " AND actor_id = ?", (worker.user.id,)).fetchone()[0]
        assert denied >= len(attempts)
    assert not (tmp_path / "out").exists() and not (tmp_path / "x.zip").exists()


def test_a_case_worker_s_old_evidence_grant_is_dropped_at_her_unlock(world) -> None:
    """A vault from before write-only evidence gave case workers the key: her unlock
    does not use it, and the grant goes."""
    vault, case_id, *_ = world
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        user_id, public = admin.connection.execute(
            "SELECT u.id, s.public_key FROM users u JOIN user_secrets s ON s.user_id = u.id"
            " WHERE u.username = ?", (ROLE_USERS[Role.CASE_WORKER],)).fetchone()
        key_id, (created, key) = next(iter(admin.compartments.keys["evidence"].items()))
        with transaction(admin.connection) as connection:
            compartments._grant(connection, user_id, bytes(public), "evidence", key_id,
                                created, bytes(key))
    with login(vault, Role.CASE_WORKER) as worker:
        assert worker.compartments.held() == []
        assert worker.connection.execute(
            "SELECT count(*) FROM compartment_grants WHERE user_id = ?",
            (user_id,)).fetchone()[0] == 0
        assert evidence.list_evidence(worker, case_id)[0].sealed


def test_a_swapped_public_key_is_refused_by_writers_and_put_back(world) -> None:
    vault, case_id, *_ = world
    attacker_private = sealing.new_private_key()
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin, \
            transaction(admin.connection) as connection:
        connection.execute("UPDATE compartment_public_keys SET public_key = ?",
                           (sealing.public_key(attacker_private),))
    with login(vault, Role.CASE_WORKER) as worker:
        before = worker.connection.execute("SELECT count(*) FROM evidence_items").fetchone()
        with pytest.raises(write_only.SealingKeyNotTrusted):
            evidence.add_evidence(worker, EvidenceItem(
                case_id, "screenshot", source_link="https://a.example/p", description="x"))
        after = worker.connection.execute("SELECT count(*) FROM evidence_items").fetchone()
        assert before == after  # nothing half-written
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:  # the holder's check puts it back
        assert admin.connection.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'compartments.key_mismatch'"
        ).fetchone()[0] >= 1
        key_id, (_created, key) = next(iter(admin.compartments.keys["evidence"].items()))
        stored = admin.connection.execute(
            "SELECT public_key FROM compartment_public_keys WHERE key_id = ?",
            (key_id,)).fetchone()[0]
        assert bytes(stored) == write_only.derived_public_key(bytes(key), "evidence", key_id)
    with login(vault, Role.CASE_WORKER) as worker:
        evidence.add_evidence(worker, EvidenceItem(
            case_id, "screenshot", source_link="https://a.example/p", description="again"))


def test_without_a_published_key_nothing_is_recorded(world) -> None:
    vault, case_id, *_ = world
    # (the coordinator's next unlock publishes it again; this session's unlock already ran)
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin, \
            transaction(admin.connection) as connection:
        saved = connection.execute("SELECT * FROM compartment_public_keys").fetchall()
        connection.execute("DELETE FROM compartment_public_keys")
    try:
        with login(vault, Role.CASE_WORKER) as worker:
            count = worker.connection.execute("SELECT count(*) FROM evidence_items").fetchone()
            with pytest.raises(write_only.NoSealingKey):
                evidence.add_evidence(worker, EvidenceItem(
                    case_id, "screenshot", source_link="https://a.example/q"))
            assert worker.connection.execute(
                "SELECT count(*) FROM evidence_items").fetchone() == count
    finally:
        with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
            assert admin.connection.execute(
                "SELECT count(*) FROM compartment_public_keys").fetchone()[0] == len(saved)


def test_a_tampered_or_moved_sdc2_cell_is_refused(world) -> None:
    vault, case_id, item_id, perpetrator_id = world
    with login(vault, Role.LEGAL_ADVISOR) as lawyer:
        row = lawyer.connection.execute(
            "SELECT description, content FROM evidence_items WHERE id = ?",
            (item_id,)).fetchone()
        description, content = row[0], bytes(row[1])
        keys = lawyer.compartments
        assert keys.open("evidence_items", "description", item_id, description) == DESCRIPTION
        head, body = description.rsplit(":", 1)
        raw = bytearray(base64.b64decode(body))
        raw[-1] ^= 1
        tampered = head + ":" + base64.b64encode(bytes(raw)).decode()
        flipped = content[:-1] + bytes([content[-1] ^ 1])
        for table, column, row_id, value in (
                ("evidence_items", "description", item_id, tampered),
                ("evidence_items", "content", item_id, flipped),
                ("evidence_items", "source_link", item_id, description),  # other column
                ("evidence_items", "description", perpetrator_id, description),  # other row
                ("perpetrators", "description", item_id, description)):  # other table
            with pytest.raises(compartments.CompartmentLocked):
                keys.open(table, column, row_id, value)


@settings(max_examples=30, deadline=None)
@given(text=st.text(min_size=1), data=st.binary(min_size=1, max_size=200),
       row=st.uuids(), other=st.uuids(), flip=st.integers(min_value=0))
def test_an_sdc2_cell_opens_only_where_it_was_sealed_and_as_it_was(
        text: str, data: bytes, row, other, flip: int) -> None:
    keys = compartments.CompartmentKeys()
    key_id = compartments.new_key(keys, compartments.EVIDENCE)
    public = write_only.derived_public_key(bytes(keys.keys["evidence"][key_id][1]),
                                           "evidence", key_id)
    for column, value in (("description", text), ("content", data)):
        sealed = write_only.seal_cell("evidence_items", column, str(row), value, "evidence",
                                      key_id, public)
        assert compartments.is_sealed(sealed) and keys.can_open(sealed)
        assert keys.open("evidence_items", column, str(row), sealed) == value
        if row != other:
            with pytest.raises(compartments.CompartmentLocked):
                keys.open("evidence_items", column, str(other), sealed)
        head = f"sdc2:evidence:{key_id}:"
        body = bytearray(base64.b64decode(sealed[len(head):]) if isinstance(sealed, str)
                         else sealed[len(head):])
        body[flip % len(body)] ^= 0x01  # any bit of the ciphertext, nonce or ephemeral key
        altered = head + base64.b64encode(bytes(body)).decode() if isinstance(sealed, str) \
            else head.encode() + bytes(body)
        with pytest.raises(compartments.CompartmentLocked):
            keys.open("evidence_items", column, str(row), altered)
    others = compartments.CompartmentKeys()
    compartments.new_key(others, compartments.EVIDENCE)
    with pytest.raises(compartments.CompartmentLocked):
        others.open("evidence_items", "description", str(row), write_only.seal_cell(
            "evidence_items", "description", str(row), text, "evidence", key_id, public))


def test_the_published_key_is_signed_by_the_coordinator(world) -> None:
    vault = world[0]
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        rows = admin.connection.execute(
            "SELECT statement, published_by FROM compartment_public_keys").fetchall()
        assert rows and all(json.loads(s) and by == admin.user.id for s, by in rows)


def test_the_cli_twin_adds_for_a_case_worker_and_shows_sealed_markers(tmp_path) -> None:
    from tests.cli_helpers import run_cli

    vault = Vault(tmp_path / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, prefix="TC")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        add_role_users(admin)
        code = intake(admin).case_code
    chat = tmp_path / "chat-export-W-8841.txt"
    chat.write_bytes(FILE)
    where = ("--data-dir", str(vault.directory), "--user")
    worker = (*where, ROLE_USERS[Role.CASE_WORKER])
    added = run_cli("evidence", "add", "--case", code, "--kind", "chat_export", "--file",
                    str(chat), "--link", LINK, "--platform", "whatsapp", "--description",
                    DESCRIPTION, "--json", *worker, passphrase=ROLE_PASSPHRASE)
    assert added.returncode == 0, added.stderr
    item_id = json.loads(added.stdout)["id"]
    bad = run_cli("evidence", "add", "--case", code, "--kind", "chat_export", *worker,
                  passphrase=ROLE_PASSPHRASE)  # neither file nor link
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and bad.stderr.strip()
    for command in (("list",), ("show", item_id[:8])):
        shown = run_cli("evidence", *command, "--case", code, *worker,
                        passphrase=ROLE_PASSPHRASE)
        assert shown.returncode == 0, shown.stderr
        assert "Sealed: only legal advisors and coordinators can read this" in shown.stdout
        assert DESCRIPTION not in shown.stdout and LINK not in shown.stdout
        assert "chat-export" not in shown.stdout
    listed = run_cli("evidence", "list", "--case", code, "--json", *worker,
                     passphrase=ROLE_PASSPHRASE)
    (row,) = json.loads(listed.stdout)
    assert row["sealed"] and row["kind"] == "chat_export" and row["size"] == len(FILE)
    refused = run_cli("evidence", "export", "--case", code, "--output",
                      str(tmp_path / "x.zip"), *worker, passphrase=ROLE_PASSPHRASE)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "only legal advisors and coordinators" in refused.stderr
    read = run_cli("evidence", "show", item_id, "--case", code, "--json",
                   *where, ROLE_USERS[Role.LEGAL_ADVISOR], passphrase=ROLE_PASSPHRASE)
    assert read.returncode == 0, read.stderr
    shown = json.loads(read.stdout)
    assert (shown["description"], shown["source_link"], shown["file_name"]) == (
        DESCRIPTION, LINK, chat.name)
    assert [e["kind"] for e in shown["custody"]] == ["captured"] and not shown["sealed"]


def test_after_a_rotation_writers_seal_to_the_new_key_only(tmp_path) -> None:
    """A copy of the old evidence key (a case worker's, from before write-only evidence)
    opens nothing recorded after the rotation; the holders read old and new."""
    from shelterdesk.store.keys import rotation

    vault = Vault(tmp_path / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, prefix="TR")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        add_role_users(admin)
        case_id = intake(admin).id
        old = compartments.CompartmentKeys()
        for key_id, (created, key) in admin.compartments.keys["evidence"].items():
            old.add("evidence", key_id, created, bytes(key))
        rotation.rotate(admin, reason="after upgrading to write-only evidence")
    with login(vault, Role.CASE_WORKER) as worker:
        item = evidence.add_evidence(worker, EvidenceItem(
            case_id, "screenshot", source_link=LINK, description=DESCRIPTION))
        (stored,) = worker.connection.execute(
            "SELECT description FROM evidence_items WHERE id = ?", (item.id,)).fetchone()
    assert stored.startswith(write_only.PREFIX)
    with pytest.raises(compartments.CompartmentLocked):
        old.open("evidence_items", "description", item.id, stored)
    with login(vault, Role.LEGAL_ADVISOR) as lawyer:
        assert evidence.list_evidence(lawyer, case_id)[0].description == DESCRIPTION


def test_the_client_s_own_data_export_opens_what_a_case_worker_sealed(world) -> None:
    from shelterdesk.store.records import subject_access

    vault, case_id, *_ = world
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        document = subject_access.collect(admin, case_id).as_json().decode()
    for mark in (DESCRIPTION, LINK, PERPETRATOR, HANDLE):
        assert mark in document
    assert write_only.PREFIX not in document
