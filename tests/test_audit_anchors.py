"""Audit that cannot be rewritten quietly (issue 18, item 4): the insider deletes her audit
row with the project's own code and re-hashes the chain; ``audit verify`` still reports it
once an anchor signed at a sync exists, and the anchors come back from the other laptop
when she deletes them too."""

from __future__ import annotations

import json
from pathlib import Path

from shelterdesk.store import audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.vault import Vault
from shelterdesk.sync import service
from shelterdesk.sync.transport import ACKS
from tests.cli_helpers import run_cli
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, build_org


def rewrite_without(connection, action: str) -> int:
    """The insider's step: delete the entries of one action and recompute every hash and
    the stored head, with audit.py's own hash function. Returns the first seq removed."""
    rows = connection.execute(
        "SELECT seq, at, actor_id, action, object_kind, object_id, detail FROM audit_log"
        " ORDER BY seq").fetchall()
    first = next(r[0] for r in rows if r[3] == action)
    kept = [r for r in rows if r[3] != action]
    with transaction(connection):
        connection.execute("DELETE FROM audit_log")
        previous = audit.GENESIS
        for seq, row in enumerate(kept, start=1):
            digest = audit._row_hash(previous, seq, *row[1:])
            connection.execute(
                "INSERT INTO audit_log (seq, at, actor_id, action, object_kind, object_id,"
                " detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (seq, *row[1:], previous, digest))
            previous = digest
        connection.execute("UPDATE meta SET value = ? WHERE key = ?",
                           (f"{len(kept)}:{previous}", audit.HEAD_KEY))
    return first


def test_a_rewritten_chain_is_caught_by_the_anchors(tmp_path: Path) -> None:
    org = build_org(tmp_path / "org", ("a", "b"))
    transport = MemoryTransport(org.store)
    a, b = Vault(tmp_path / "org" / "a"), Vault(tmp_path / "org" / "b")
    with a.unlock(ADMIN, PASSPHRASE) as session:
        session.audit("client.view", "client", "someone-she-should-not-have-read")
        service.sync_now(session, transport)  # a signs its head (the view included)
        anchored = session.connection.execute(
            "SELECT count(*) FROM audit_anchors WHERE device_id = (SELECT device_id FROM"
            " sync_state)").fetchone()[0]
        assert anchored >= 1
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)  # b stores a's anchors and hands them on
        seen_on_b = session.connection.execute(
            "SELECT count(DISTINCT device_id) FROM audit_anchors").fetchone()[0]
        assert seen_on_b == 2
    # The relay / folder sees the anchors as opaque numbers and hashes only.
    for name in transport.list_records(ACKS):
        body = transport.get_record(ACKS, name)
        assert b"someone-she-should-not-have-read" not in body
    with a.unlock(ADMIN, PASSPHRASE) as session:
        connection = session.connection
        removed = rewrite_without(connection, "client.view")
        # The chain alone checks out: that was the attack.
        assert audit.verify(connection, anchors=False).ok
        report = audit.verify(connection)
        assert not report.ok and report.reason == "anchor_differs"
        assert report.first_bad_seq <= removed
        # She deletes the anchors too: the next sync brings them back from b.
        with transaction(connection):
            connection.execute("DELETE FROM audit_anchors")
        assert audit.verify(connection).ok  # nothing to hold the chain against…
        service.sync_now(session, transport)
        report = audit.verify(connection)
        assert not report.ok and report.reason == "anchor_differs"  # …until the sync


def test_a_truncation_after_the_anchor_is_reported(tmp_path: Path) -> None:
    org = build_org(tmp_path / "org", ("a", "b"))
    transport = MemoryTransport(org.store)
    a = Vault(tmp_path / "org" / "a")
    with a.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
        connection = session.connection
        signed = connection.execute(
            "SELECT max(seq) FROM audit_anchors WHERE device_id = (SELECT device_id FROM"
            " sync_state)").fetchone()[0]
        with transaction(connection):  # cut the end off, and fix the stored head
            connection.execute("DELETE FROM audit_log WHERE seq >= ?", (signed - 2,))
            last = connection.execute(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            connection.execute("UPDATE meta SET value = ? WHERE key = ?",
                               (f"{last[0]}:{last[1]}", audit.HEAD_KEY))
        report = audit.verify(connection)
        assert not report.ok and report.reason == "anchor_truncated"
        assert report.first_bad_seq == signed - 2


def test_a_forged_anchor_is_not_stored(tmp_path: Path) -> None:
    build_org(tmp_path / "org", ("a", "b"))
    a = Vault(tmp_path / "org" / "a")
    with a.unlock(ADMIN, PASSPHRASE) as session:
        from shelterdesk.sync import anchors

        held = anchors.outgoing(session.connection)
        assert held
        forged = [{**held[0], "seq": held[0]["seq"] + 1000}]
        with transaction(session.connection):
            assert anchors.absorb(session.connection, forged) == 0


def test_audit_verify_on_the_command_line_names_the_entry(tmp_path: Path) -> None:
    org = build_org(tmp_path / "org", ("a", "b"))
    transport = MemoryTransport(org.store)
    a = Vault(tmp_path / "org" / "a")
    with a.unlock(ADMIN, PASSPHRASE) as session:
        session.audit("client.view", "client", "x")
        service.sync_now(session, transport)
        rewrite_without(session.connection, "client.view")
    result = run_cli("audit", "verify", "--data-dir", str(a.directory), "--user", ADMIN,
                     "--json", passphrase=PASSPHRASE)
    assert result.returncode != 0
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["reason"] == "anchor_differs"
    assert "tampered with at entry" in result.stderr
