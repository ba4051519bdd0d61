"""Signed snapshots: a new laptop joins from a snapshot, not the history; its state and merge
state are what replaying would give; a bad snapshot is refused; an erasure reaches it."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from shelterdesk.domain.tasks import Note
from shelterdesk.store.records import clients, erasure, tasks
from shelterdesk.store.replication import case_keys, registry, snapshot
from shelterdesk.store.vault import Vault
from shelterdesk.sync import crypto, records, service, shredding, snapshots
from shelterdesk.sync.transport import SNAPSHOTS
from tests.records_helpers import intake
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, build_org, join_with_code

SECRET = "Snapshotxanım Qvzr"


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b"))


def _setup(org, tmp_path: Path) -> tuple[Vault, Vault, MemoryTransport, str]:
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    transport = MemoryTransport(copy.deepcopy(org.store))
    with a.unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session, given_name=SECRET)
        tasks.add_note(session, Note(case.id, "snapnote " + SECRET))
        for n in range(3):
            intake(session, given_name=f"Other{n}")
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
        loaded_client, _case = clients.load_case(session.connection, case.id)
        loaded_client.address = "edited on b"
        clients.update_client(session, loaded_client, case.id)
        service.sync_now(session, transport)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
    return a, b, transport, case.id


def _merge_state(vault: Vault) -> list:
    """Rows' and fields' clocks by device id (what decides every later merge)."""
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        c = session.connection
        devices = dict(c.execute("SELECT idx, device_id FROM sync_peers").fetchall())
        rows = sorted((t, r, h, devices[d], a, p) for t, r, h, d, a, p in c.execute(
            "SELECT tbl, row_id, hlc, dev, alive, prev FROM sync_rows"))
        fields = sorted((t, r, col, h, devices[d], p) for t, r, col, h, d, p in c.execute(
            "SELECT tbl, row_id, col, hlc, dev, prev FROM sync_fields"))
        return [rows, fields]


def _dump(vault: Vault) -> bytes:
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        return snapshot.canonical_dump(session.connection)


def test_a_new_laptop_joins_from_a_snapshot_without_the_history(org, tmp_path: Path) -> None:
    a, b, transport, _case_id = _setup(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        manifest = snapshots.produce(transport.for_org(registry.identity(
            session.connection).org_id), session.connection)
        invitation = service.invite(session, transport)
    covered = {device: seq for device, (seq, _hash) in manifest.vector.items()}
    # The history the snapshot covers is gone from the place: only the snapshot can help.
    for (org_id, ref) in list(transport.store.envelopes):
        if ref.seq_to <= covered.get(ref.device_id, 0):
            del transport.store.envelopes[(org_id, ref)]
    joined = join_with_code(a, invitation.code, transport, tmp_path / "c")
    assert joined.summary.snapshot_changes == manifest.covers > 0
    assert joined.summary.rejected == []
    c = Vault(tmp_path / "c")
    for vault in (a, b, c):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            service.sync_now(session, transport)
    assert _dump(a) == _dump(b) == _dump(c)
    assert _merge_state(a) == _merge_state(c)
    with c.unlock(ADMIN, PASSPHRASE) as session:  # search works on what the snapshot brought
        hits = session.connection.execute("SELECT count(*) FROM search_map").fetchone()[0]
        assert hits >= 4
    # Later edits on every laptop still converge.
    with c.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name="After snapshot")
        service.sync_now(session, transport)
    for vault in (a, b, c, a):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            service.sync_now(session, transport)
    assert _dump(a) == _dump(b) == _dump(c)


def test_a_tampered_snapshot_is_refused_and_the_history_replayed(org, tmp_path: Path) -> None:
    a, _b, transport, _case_id = _setup(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        org_id = registry.identity(session.connection).org_id
        snapshots.produce(transport.for_org(org_id), session.connection)
        key = next(k for k in transport.store.records
                   if k[1] == SNAPSHOTS and k[2].endswith(".0"))
        part = transport.store.records[key]
        transport.store.records[key] = part[:-1] + bytes([part[-1] ^ 1])
        summary = service.sync_now(session, transport)
        assert summary.pruned_envelopes == 0  # a snapshot no one could use prunes nothing
        invitation = service.invite(session, transport)
    joined = join_with_code(a, invitation.code, transport, tmp_path / "c")
    assert joined.summary.snapshot_changes == 0
    assert any(p.where.startswith("snapshot/") for p in joined.summary.problems)
    assert _dump(a) == _dump(Vault(tmp_path / "c"))


def test_an_erasure_reaches_snapshots_made_before_it(org, tmp_path: Path) -> None:
    a, b, transport, case_id = _setup(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        org_id = registry.identity(session.connection).org_id
        snapshots.produce(transport.for_org(org_id), session.connection)
        old = {k: v for k, v in transport.store.records.items() if k[1] == SNAPSHOTS}
        erasure.erase_client(session, case_id)
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
        ident = registry.identity(session.connection)
        epochs = registry.epoch_keys(session.connection)
        keys = list(case_keys.held(session.connection).values())
        manifest = snapshots.newest(transport.for_org(org_id), session.connection)
    assert manifest is not None
    for (_org, _kind, name), blob in transport.store.records.items():  # every ring, too
        if _kind == "keys" and name.startswith("c"):
            body, _m, _s = records.unpack(shredding.RING, blob, 1)
            try:
                payload = json.loads(crypto.open_sealed(ident.kx_key, records.unb64(
                    body["sealed"]), shredding._ring_aad(org_id, body["writer"],
                                                         body["recipient"], body["page"])))
            except crypto.DecryptionFailed:
                continue
            keys += [records.unb64(k) for _c, k in payload["k"]]
    # The snapshot from before the erasure, opened with the member's epoch key...
    stale = MemoryTransport(copy.deepcopy(transport.store), org_id)
    stale.store.records.update(old)
    plain = snapshots._open(stale, _session_like(ident, epochs), manifest)
    opened = json.dumps(plain["plain"], ensure_ascii=False)
    for _client, text in plain["sealed"].items():  # ...and every client key b can find
        blob = records.unb64(text)
        for key in keys:
            try:
                opened += crypto.decrypt(snapshots._group_key(key, org_id),
                                         blob[:crypto.NONCE_BYTES], blob[crypto.NONCE_BYTES:],
                                         _client.encode()).decode()
            except crypto.DecryptionFailed:
                continue
    assert "Other0" in opened  # the attack reads what is not erased
    assert SECRET not in opened and "snapnote" not in opened


class _session_like:  # noqa: N801 - the two registry calls _open makes, from b's keys
    def __init__(self, ident, epochs) -> None:
        self.ident, self.epochs = ident, epochs


@pytest.fixture(autouse=True)
def _registry_from_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    real_identity, real_epochs = registry.identity, registry.epoch_keys
    monkeypatch.setattr(registry, "identity", lambda c: c.ident if isinstance(
        c, _session_like) else real_identity(c))
    monkeypatch.setattr(registry, "epoch_keys", lambda c: c.epochs if isinstance(
        c, _session_like) else real_epochs(c))


def test_what_everyone_holds_and_a_snapshot_covers_is_pruned_from_the_folder(
        org, tmp_path: Path) -> None:
    from shelterdesk.sync.folder import FolderTransport

    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    (tmp_path / "folder").mkdir()
    folder = FolderTransport(tmp_path / "folder")
    with a.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name="Prunee")
        summary = service.sync_now(session, folder)
        org_id = registry.identity(session.connection).org_id
        assert summary.pruned_envelopes == 0  # no snapshot yet
    envelopes = tmp_path / "folder" / org_id / "env"
    before = sorted(envelopes.rglob("*.sde"))
    assert before
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, folder)
        snapshots.produce(folder.for_org(org_id), session.connection)
        # b holds all of a's envelopes, a holds its own, the snapshot covers them: they go.
        assert service.sync_now(session, folder).pruned_envelopes == len(before)
    assert not [path for path in before if path.exists()]
    with a.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name="After pruning")
        service.sync_now(session, folder)
        me = registry.identity(session.connection).device_id
    mine = sorted((envelopes / me).glob("*.sde"))
    assert len(mine) == 1  # a's new envelope: no snapshot covers it, it stays
    joiner = tmp_path / "c"
    with a.unlock(ADMIN, PASSPHRASE) as session:
        invitation = service.invite(session, folder)
    joined = join_with_code(a, invitation.code, folder, joiner)
    assert joined.summary.snapshot_changes > 0
    for vault in (b, a, Vault(joiner)):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            service.sync_now(session, folder)
    assert _dump(a) == _dump(Vault(joiner))
