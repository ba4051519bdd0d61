"""A full sync: check for rollback, take keys and devices, receive and apply, review, send.

Receiving goes device by device in sequence order. Each envelope is checked
(layout, organisation, sender, signature, chain, key, decryption, schema) and
then applied with the new version-vector entry in one transaction, so a
crash replays it cleanly and nothing is applied twice or out of order. A gap
waits; an envelope that fails a check is reported and never applied, and one
bad envelope does not hold back other devices. Rounds repeat while anything
new applies (an envelope may introduce the device whose envelopes were
waiting).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from itertools import groupby
from pathlib import Path

from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.keys import roster_guard
from shelterdesk.store.records import erasure
from shelterdesk.store.replication import changes, forwarding, registry, replica, state_transfer
from shelterdesk.store.replication import conflicts as sync_conflicts
from shelterdesk.store.replication.capture import shapes as table_shapes
from shelterdesk.sync import (
    acks,
    devices,
    envelope,
    forward,
    hlc,
    outbox,
    pruning,
    shredding,
    snapshots,
)
from shelterdesk.sync.binding import place_for
from shelterdesk.sync.errors import (
    BadSignature,
    ChainBroken,
    EnvelopeMalformed,
    EnvelopeRejected,
    MissingEpochKey,
    RevokedDevice,
    SchemaTooNew,
    UnknownDevice,
    WrongOrganisation,
)
from shelterdesk.sync.transport import EnvelopeRef, Transport

MAX_ROUNDS = 64
# Role or laptop changes no coordinator signed arrived and were refused (explain.py).
ROSTER_ATTACK = "unsigned_roster_changes_refused"
WAITING_REASONS = frozenset({devices.SIGNER_NOT_KNOWN_YET, roster_guard.SIGNER_NOT_KNOWN_YET})


@dataclass
class SyncContext:
    """What a sync needs of an open vault (a session, or a vault being enrolled)."""

    connection: Connection
    lock: threading.RLock
    vault_dir: Path
    refresh_slots: Callable[[], int] = lambda: 0
    user_id: str = ""  # who syncs here, told to the others (devices.note_this_laptop)


@dataclass
class Problem:
    """An envelope or record not applied: ``waiting`` ones may apply at a later sync."""

    where: str
    reason: str
    waiting: bool


@dataclass
class SyncSummary:
    device_id: str = ""
    org_id: str = ""
    sent_envelopes: int = 0
    sent_changes: int = 0
    sent_bytes: int = 0
    received_envelopes: int = 0
    applied_changes: int = 0
    erased_rows: int = 0  # rows an erasure received from another laptop removed here
    superseded_changes: int = 0
    quarantined_changes: int = 0
    released_changes: int = 0
    held_changes: int = 0
    conflicts_new: int = 0
    conflicts_open: int = 0
    devices_added: int = 0
    keys_received: int = 0
    case_keys_received: int = 0
    sealed_waiting: int = 0  # changes whose client key has not arrived yet
    forwarded_envelopes: int = 0  # other laptops' envelopes put where they were missing
    snapshot_changes: int = 0  # changes a snapshot stood in for (a laptop that joined)
    snapshot_written: bool = False
    pruned_envelopes: int = 0  # envelopes every laptop holds and a snapshot covers, deleted
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[Problem]:
        return [p for p in self.problems if not p.waiting]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["rejected"] = len(self.rejected)
        return data


Progress = Callable[[str, SyncSummary], None]


def run(ctx: SyncContext, transport: Transport, progress: Progress | None = None) -> SyncSummary:
    """Push, pull and apply everything; the summary says what happened.

    ``progress(phase, summary)`` is told each phase as it starts ("receiving",
    "merging", "sealing", "sending") with the counts so far; it runs on this thread.
    """
    report = progress or (lambda _phase, _summary: None)
    with ctx.lock:
        conn = ctx.connection
        with transaction(conn):
            ident = devices.ensure_org(conn)
            if ctx.user_id:  # in this sync's envelope: its name (once) and who works on it
                devices.note_this_laptop(conn, ctx.user_id)
        summary = SyncSummary(ident.device_id, ident.org_id)
        place = place_for(transport, conn)
        with transaction(conn):
            found, refused = acks.read(place, conn)
        summary.problems += [Problem(where, reason, False) for where, reason in refused]
        acks.check_rollback(conn, found, outbox.own_envelopes(conn, place))
        _registry_pass(conn, place, summary)
        shapes = table_shapes(conn)
        report("receiving", summary)
        if state_transfer.is_fresh(conn):  # a laptop that just joined: a snapshot first
            loaded = snapshots.SnapshotReport()
            snapshots.load(place, conn, loaded)
            summary.snapshot_changes = loaded.loaded_changes
            summary.problems += [Problem(w, r, True) for w, r in loaded.problems]
        for _attempt in range(4):
            _pull(ctx, place, ident, summary, shapes)
            if not _registry_pass(conn, place, summary):
                break
        report("merging", summary)
        _release_sealed(conn, ident.org_id, summary, shapes)
        _release(conn, summary, shapes)
        with transaction(conn):
            summary.conflicts_new += sync_conflicts.review(conn)
        summary.conflicts_open = len(sync_conflicts.open_conflicts(conn))
        ctx.refresh_slots()
        devices.write_grants(place, conn)
        # Sent last: what arrived may have erased some of what this laptop was about to send.
        pruned = pruning.limits(place, conn)  # never put back what was pruned
        _push(conn, place, summary, report, pruned)
        # What other laptops sent through another transport, passed on (store and forward).
        summary.forwarded_envelopes += forward.offer(conn, place, pruned)
        shredding.withdraw_invitations(place, conn)
        acks.publish(place, conn)
        forward.tidy(conn)
        summary.snapshot_written = snapshots.maybe_produce(place, conn)
        summary.pruned_envelopes = pruning.prune(place, conn)
        summary.sealed_waiting = shredding.waiting(conn)
        with transaction(conn):  # kept only until every laptop has them (erasure hygiene)
            registry.forget_acknowledged_blobs(conn, acks.everyone_holds(conn))
        _warnings(conn, found, summary)
        if summary.erased_rows or registry_meta(conn, erasure.COMPACT_PENDING):
            _compact_after_erasure(conn, summary)
        return summary


def _compact_after_erasure(conn: Connection, summary: SyncSummary) -> None:
    """An erasure arrived: merge the search index and rebuild the file exactly as the erasing
    laptop did, so no page of this laptop's database keeps the client's strings."""
    with transaction(conn):
        conn.execute("INSERT INTO meta (key, value) VALUES (?, 'yes')"
                     " ON CONFLICT (key) DO NOTHING", (erasure.COMPACT_PENDING,))
    try:
        erasure.compact(conn, optimize_index=True)
    except erasure.ErasureNotPurged:
        # Rows are gone and secure_delete zeroed their pages; the next sync tries again.
        summary.warnings.append("erasure_not_compacted")
        return
    with transaction(conn):
        conn.execute("DELETE FROM meta WHERE key = ?", (erasure.COMPACT_PENDING,))


def registry_meta(conn: Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else ""


def _registry_pass(conn: Connection, place: Transport, summary: SyncSummary) -> int:
    report = devices.RegistryReport()
    with transaction(conn):
        devices.read_grants(place, conn, report)
        devices.read_announcements(place, conn, report)
        rings = shredding.read_rings(place, conn)
    summary.case_keys_received += rings.keys_received
    report.rejected += rings.rejected
    summary.devices_added += report.devices_added
    summary.keys_received += report.keys_received
    seen = {p.where for p in summary.problems}
    summary.problems += [Problem(w, r, False) for w, r in report.rejected if w not in seen]
    if report.newer_epoch_missing and "newer_key_missing" not in summary.warnings:
        summary.warnings.append("newer_key_missing")
    return report.devices_added + report.keys_received + rings.keys_received


def _push(conn: Connection, place: Transport, summary: SyncSummary,
          progress: Progress, pruned: dict[str, int]) -> None:
    report = outbox.PushReport()
    progress("sealing", summary)
    outbox.seal_pending(conn, report)
    # Client keys reach every laptop before (or with) the envelopes sealed under them.
    shredding.write_rings(place, conn)
    # Counted once sealed, so the "sending" phase can say how many go out.
    summary.sent_envelopes += report.envelopes
    summary.sent_changes += report.changes
    summary.sent_bytes += report.bytes
    progress("sending", summary)
    outbox.send(conn, place, report, pruned)


def _pull(ctx: SyncContext, place: Transport, ident: registry.Identity,
          summary: SyncSummary, shapes: dict) -> None:
    conn = ctx.connection
    schema = registry.schema_version(conn)
    problems: dict[str, Problem] = {}
    for _round in range(MAX_ROUNDS):
        progress = False
        vector = {p.device_id: p.applied_seq for p in changes.peers(conn)}
        refs = [r for r in place.list_envelopes(vector) if r.device_id != ident.device_id]
        for device, group in groupby(refs, key=lambda r: r.device_id):
            applied = vector.get(device, 0)
            for ref in group:
                where = f"env/{ref.env_id}"
                if ref.seq_to <= applied:
                    continue
                if ref.seq_from <= applied:
                    problems[where] = Problem(where, "overlap", False)
                    continue
                if ref.seq_from > applied + 1:
                    problems[where] = Problem(where, "gap", True)
                    break
                try:
                    _apply_envelope(ctx, place, ref, ident, schema, summary, shapes)
                except EnvelopeRejected as error:
                    problems[where] = Problem(where, error.reason, error.retry_later)
                    continue
                problems.pop(where, None)
                applied, progress = ref.seq_to, True
        if not progress:
            break
    summary.problems += [p for p in problems.values()
                         if not (p.reason == "gap" and _filled(conn, p))]


def _filled(conn: Connection, problem: Problem) -> bool:
    device, _, span = problem.where[len("env/"):].partition("/")
    applied = {p.device_id: p.applied_seq for p in changes.peers(conn)}.get(device, 0)
    return int(span.split("-")[1]) <= applied


def _check(conn: Connection, blob: bytes, ref: EnvelopeRef, ident: registry.Identity,
           schema: int) -> tuple[envelope.Header, list[changes.Change]]:
    """Every check an envelope must pass, cheapest first; returns its changes."""
    header = envelope.parse_header(blob)
    if header.org_id != ident.org_id:
        raise WrongOrganisation()
    if (header.sender, header.seq_from, header.seq_to) != (
            ref.device_id, ref.seq_from, ref.seq_to):
        raise EnvelopeMalformed(detail="name")
    sender = registry.device(conn, header.sender)
    if sender is None:
        raise UnknownDevice()
    if sender.revoked_after is not None and header.seq_to > sender.revoked_after:
        raise RevokedDevice()
    if not envelope.signature_valid(blob, sender.sign_pub):
        raise BadSignature()
    state = {p.device_id: p for p in changes.peers(conn)}.get(header.sender)
    expected = state.last_hash if state is not None and state.applied_seq else envelope.ZERO_HASH
    if header.prev_hash != expected:
        raise ChainBroken()
    key = registry.epoch_keys(conn).get(header.epoch)
    if key is None:
        raise MissingEpochKey()
    if header.schema > schema:
        raise SchemaTooNew()
    return header, envelope.open_body(blob, header, key)


def _apply_envelope(ctx: SyncContext, place: Transport, ref: EnvelopeRef,
                    ident: registry.Identity, schema: int, summary: SyncSummary,
                    shapes: dict) -> None:
    blob = place.get_envelope(ref)
    if blob is None:
        raise MissingEpochKey()  # gone since listing: wait for the next sync
    conn = ctx.connection
    header, found = _check(conn, blob, ref, ident, schema)
    with replica.applying(conn):
        found = shredding.open_batch(conn, found, ident.org_id)
        forwarding.keep(conn, header.sender, header.seq_from, header.seq_to, blob)
        merger = replica.Merger(conn, hlc.horizon(changes.wall_ms(conn)), shapes)
        found, refused = roster_guard.screen(conn, found)
        report = merger.apply(found)
        refused += roster_guard.review(conn, found, header.sender)
        summary.devices_added += devices.apply_controls(conn, report.controls, refused)
        replica.reindex(conn, report.touched)
        sync_conflicts.queue_for_review(conn, report.touched)
        changes.record_applied(conn, header.sender, header.seq_to, envelope.digest(blob))
    summary.received_envelopes += 1
    summary.applied_changes += report.applied
    summary.erased_rows += report.erased
    summary.superseded_changes += report.superseded
    summary.quarantined_changes += report.quarantined
    summary.conflicts_new += report.conflicts
    _note_refused(summary, refused)


def _note_refused(summary: SyncSummary, refused: list[tuple[str, str]]) -> None:
    if refused:
        summary.problems += [Problem(where, reason, reason in WAITING_REASONS)
                             for where, reason in refused]
        if ROSTER_ATTACK not in summary.warnings and any(
                reason not in WAITING_REASONS for _where, reason in refused):
            summary.warnings.append(ROSTER_ATTACK)


def _release_sealed(conn: Connection, org_id: str, summary: SyncSummary,
                    shapes: dict) -> None:
    """Apply the sealed changes that waited for their client's key, now that it is here."""
    with replica.applying(conn):
        ready = shredding.take_ready(conn, org_id)
        if not ready:
            return
        merger = replica.Merger(conn, hlc.horizon(changes.wall_ms(conn)), shapes)
        report = merger.apply(ready)
        replica.reindex(conn, report.touched)
        sync_conflicts.queue_for_review(conn, report.touched)
    summary.applied_changes += report.applied
    summary.superseded_changes += report.superseded
    summary.quarantined_changes += report.quarantined
    summary.conflicts_new += report.conflicts


def _release(conn: Connection, summary: SyncSummary, shapes: dict) -> None:
    with replica.applying(conn):
        refused = roster_guard.screen_held(conn)
        merger = replica.Merger(conn, hlc.horizon(changes.wall_ms(conn)), shapes)
        report = merger.release_quarantine()
        # Released user rows and statements get the same review as an envelope's.
        if "users" in report.touched or "roster_statements" in report.touched:
            refused += roster_guard.review_rows(
                conn, set(report.touched.get("users", ())),
                set(report.touched.get("roster_statements", ())))
        replica.reindex(conn, report.touched)
        sync_conflicts.queue_for_review(conn, report.touched)
    summary.released_changes += report.applied + report.superseded
    _note_refused(summary, refused)
    summary.conflicts_new += report.conflicts
    summary.held_changes = conn.execute("SELECT count(*) FROM sync_quarantine").fetchone()[0]


def _warnings(conn: Connection, found: list[acks.Ack], summary: SyncSummary) -> None:
    now_ms = changes.wall_ms(conn)
    if summary.held_changes:
        summary.warnings.append("changes_from_the_future_held")
    if any(a.wall_ms > now_ms + hlc.MAX_DRIFT_MS for a in found):
        summary.warnings.append("peer_clock_ahead")
    if hlc.wall_ms(changes.current_hlc(conn)) > now_ms + hlc.MAX_DRIFT_MS:
        summary.warnings.append("own_clock_was_ahead")
    if any(p.reason == "missing_key" for p in summary.problems) and \
            "newer_key_missing" not in summary.warnings:
        summary.warnings.append("newer_key_missing")
    if summary.applied_changes and replica.dangling_references(conn):
        summary.warnings.append("waiting_for_related_records")
