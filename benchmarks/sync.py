"""Sync at scale: merging field changes, a first full sync over a folder, envelope sizes,
and what change capture costs the bulk demo-data writer.

    python3 -m benchmarks sync                    # 10,000 clients, 100,000 field changes
    BENCH_SYNC_CLIENTS=2000 python3 -m benchmarks sync

Every number comes from the real code: the store's capture triggers, the
engine's envelopes (sealed, signed, written to a folder, read back, checked,
decrypted) and the merge, on SQLCipher; the merge also runs on a plain SQLite
copy of the same database, for comparison.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.common import print_table
from shelterdesk.store.connection import transaction
from shelterdesk.store.records import demo
from shelterdesk.store.replication import changes, registry, replica
from shelterdesk.store.vault import Vault
from shelterdesk.sync import service, snapshots
from shelterdesk.sync.folder import FolderTransport
from tests.sync_helpers import join_with_code

USER, PASSPHRASE = "bench", "benchmark passphrase"
REMOTE = "f" * 32
FIELDS = ("given_name", "family_name", "other_names", "nationality", "phone", "email",
          "address", "document_number", "languages", "sex")


def _field_changes(connection, count: int) -> list[changes.Change]:
    """``count`` edits by another laptop that had seen every row (no conflicts): one per
    client field, the way a day of another laptop's work arrives."""
    ids = [r[0] for r in connection.execute("SELECT id FROM clients ORDER BY id")]
    clock = changes.current_hlc(connection) + 1
    base = {r[0]: r[1] for r in connection.execute(
        "SELECT row_id, hlc FROM sync_rows WHERE tbl = 'clients'")}
    found = []
    seq = 0
    while len(found) < count:
        for row_id in ids:
            for field in FIELDS:
                seq += 1
                value = "female" if field == "sex" else f"{field} {seq}"
                found.append(changes.Change(REMOTE, seq, clock + seq, "clients", row_id, field,
                                            value, base[row_id]))
                if len(found) == count:
                    return found
    return found


def _merge_rate(connection, batch: list[changes.Change]) -> float:
    """Changes merged per second (one transaction per 5,000, as envelopes are applied)."""
    start = time.perf_counter()
    for offset in range(0, len(batch), 5000):
        with replica.applying(connection):
            replica.Merger(connection, 1 << 62).apply(batch[offset:offset + 5000])
    return len(batch) / (time.perf_counter() - start)


def _plain_copy(session, path: Path) -> sqlite3.Connection:
    session.connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(path),))
    session.connection.execute("SELECT sqlcipher_export('plain')")
    session.connection.execute("DETACH DATABASE plain")
    plain = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                   "temp_store = MEMORY", "cache_size = 20000"):
        plain.execute(f"PRAGMA {pragma}")
    return plain


def _generate(directory: Path, clients: int, capture: bool) -> float:
    vault = Vault(directory)
    vault.create(USER, PASSPHRASE, prefix="BN")
    with vault.unlock(USER, PASSPHRASE) as session:
        if not capture:  # what the triggers skip while the engine applies: no capture at all
            session.connection.execute("UPDATE sync_state SET applying = 1")
        start = time.perf_counter()
        demo.generate(session, clients, seed=42)
        took = time.perf_counter() - start
        session.connection.execute("UPDATE sync_state SET applying = 0")
    return took


def run() -> None:
    os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")
    clients = int(os.environ.get("BENCH_SYNC_CLIENTS", "10000"))
    merge_count = int(os.environ.get("BENCH_SYNC_CHANGES", "100000"))
    root = Path(tempfile.mkdtemp(prefix="shelterdesk-bench-sync-"))
    try:
        with_capture = _generate(root / "a", clients, capture=True)
        without_capture = _generate(root / "nocapture", clients, capture=False)
        a = Vault(root / "a")
        folder = root / "shared"
        folder.mkdir()
        transport = FolderTransport(folder)
        automatic = snapshots.EVERY_CHANGES
        snapshots.EVERY_CHANGES = 10**12  # first: the whole history, envelope by envelope
        with a.unlock(USER, PASSPHRASE) as session:
            logged = changes.last_seq(session.connection)
            start = time.perf_counter()
            invitation = service.invite(session, transport)
            push = time.perf_counter() - start
        files = list(folder.rglob("*.sde"))
        envelope_bytes = sum(p.stat().st_size for p in files)
        start = time.perf_counter()
        joined = join_with_code(a, invitation.code, transport, root / "b", USER, PASSPHRASE,
                                inviter_user=USER, inviter_passphrase=PASSPHRASE)
        first_sync = time.perf_counter() - start
        with Vault(root / "b").unlock(USER, PASSPHRASE) as session:
            received = session.connection.execute("SELECT count(*) FROM clients").fetchone()[0]
            with transaction(session.connection):
                session.connection.execute("UPDATE clients SET phone = '+994 50 000 00 00'"
                                           " WHERE rowid = 1")
            single = service.sync_now(session, transport).sent_bytes
        snapshots.EVERY_CHANGES = automatic
        with a.unlock(USER, PASSPHRASE) as session:  # then: a snapshot, and a join from it
            service.sync_now(session, transport)
            start = time.perf_counter()
            org_id = registry.identity(session.connection).org_id
            snapshots.produce(transport.for_org(org_id), session.connection)
            snapshot_write = time.perf_counter() - start
            invitation = service.invite(session, transport)
        start = time.perf_counter()
        from_snapshot = service.join(root / "c", invitation.code, transport, USER, PASSPHRASE)
        snapshot_join = time.perf_counter() - start
        assert from_snapshot.summary.snapshot_changes > 0
        with a.unlock(USER, PASSPHRASE) as session:
            batch = _field_changes(session.connection, merge_count)
            plain = _plain_copy(session, root / "plain.db")
            encrypted_rate = _merge_rate(session.connection, batch)
        plain_rate = _merge_rate(plain, batch)
        plain.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows = [
        (f"merge {merge_count:,} field changes (ms)", 1000 * merge_count / encrypted_rate,
         1000 * merge_count / plain_rate, "≥20k/s"),
        (f"first sync, {clients:,} clients, seal + put (ms)", push * 1000, None, "—"),
        (f"first sync, {clients:,} clients, join + pull (ms)", first_sync * 1000, None,
         "< 60000" if clients == 10_000 else "—"),
        (f"snapshot of {clients:,} clients written (ms)", snapshot_write * 1000, None, "—"),
        ("join from that snapshot (ms)", snapshot_join * 1000, None, "—"),
    ]
    print_table(f"Sync: {clients:,} clients ({logged:,} changes), "
                f"{merge_count:,} field changes merged", rows)
    print(f"\nmerge rate: {encrypted_rate:,.0f} changes/s on SQLCipher, {plain_rate:,.0f} on "
          f"plain SQLite (target ≥ 20,000/s)")
    print(f"first sync: {received:,} clients arrived, {joined.summary.applied_changes:,} changes "
          f"applied in {first_sync:.1f} s (target < 60 s for 10,000 clients)")
    print(f"envelopes: {len(files)} files, {envelope_bytes:,} bytes for {logged:,} changes = "
          f"{envelope_bytes / max(logged, 1):.1f} bytes per change; one lone edit sends "
          f"{single:,} bytes (the padding's floor)")
    print(f"capture cost: demo-data with triggers {with_capture:.1f} s, without "
          f"{without_capture:.1f} s (x{with_capture / without_capture:.2f})")
