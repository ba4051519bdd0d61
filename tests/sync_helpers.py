"""Sync test harness: an in-memory transport with faults, and an organisation of laptops.

``build_org`` makes real vaults through the real path (create, invite, join);
``Org.copy`` gives each test (or hypothesis example) its own copy in moments,
with connections opened directly with the vault keys (no Argon2id per copy).
"""

from __future__ import annotations

import copy
import random
import shutil
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shelterdesk.store.connection import Connection, open_database
from shelterdesk.store.keys import member_slots
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.migrate import apply_migrations
from shelterdesk.store.replication import changes, registry, snapshot
from shelterdesk.store.vault import Vault
from shelterdesk.sync import engine, enrollment, service
from shelterdesk.sync.transport import RECORD_KINDS, EnvelopeRef, Transport

PASSPHRASE = "coordinator passphrase"
ADMIN = "aysel"


@dataclass
class Store:
    envelopes: dict[EnvelopeRef, bytes] = field(default_factory=dict)
    records: dict[tuple[str, str, str], bytes] = field(default_factory=dict)
    invitations: dict[str, bytes] = field(default_factory=dict)
    requests: dict[str, bytes] = field(default_factory=dict)


class MemoryTransport(Transport):
    """The transport protocol over dictionaries (what a relay stores, minus the network)."""

    def __init__(self, store: Store | None = None, org_id: str | None = None) -> None:
        self.store = store or Store()
        self.org_id = org_id

    def for_org(self, org_id: str) -> MemoryTransport:
        clone = copy.copy(self)  # shares the store (and a faulty one's record of faults)
        clone.org_id = org_id
        return clone

    def put_envelope(self, ref: EnvelopeRef, blob: bytes) -> None:
        self.store.envelopes.setdefault((self.org_id, ref), bytes(blob))

    def list_envelopes(self, beyond: Mapping[str, int]) -> list[EnvelopeRef]:
        return sorted(ref for (org, ref) in self.store.envelopes
                      if org == self.org_id and ref.seq_to > beyond.get(ref.device_id, 0))

    def get_envelope(self, ref: EnvelopeRef) -> bytes | None:
        return self.store.envelopes.get((self.org_id, ref))

    def prune_envelopes(self, upto: Mapping[str, int]) -> int:
        gone = [key for key in self.store.envelopes if key[0] == self.org_id
                and key[1].seq_to <= upto.get(key[1].device_id, 0)]
        for key in gone:
            del self.store.envelopes[key]
        return len(gone)

    def put_record(self, kind: str, name: str, blob: bytes) -> None:
        assert kind in RECORD_KINDS
        self.store.records[(self.org_id, kind, name)] = bytes(blob)

    def list_records(self, kind: str) -> list[str]:
        return sorted(n for (org, k, n) in self.store.records if org == self.org_id and k == kind)

    def get_record(self, kind: str, name: str) -> bytes | None:
        return self.store.records.get((self.org_id, kind, name))

    def put_invitation(self, invite_id: str, blob: bytes) -> None:
        self.store.invitations[invite_id] = bytes(blob)

    def get_invitation(self, invite_id: str) -> bytes | None:
        return self.store.invitations.get(invite_id)

    def delete_invitation(self, invite_id: str) -> None:
        self.store.invitations.pop(invite_id, None)
        self.store.requests.pop(invite_id, None)

    def post_enrollment_request(self, invite_id: str, blob: bytes) -> bool:
        return self.store.requests.setdefault(invite_id, bytes(blob)) == blob

    def get_enrollment_request(self, invite_id: str) -> bytes | None:
        return self.store.requests.get(invite_id)


class FaultyTransport(MemoryTransport):
    """Reads that lose, duplicate, reorder, truncate or flip bits of envelopes (the stored
    bytes stay intact, as on a flaky network or a half-synced folder)."""

    def __init__(self, store: Store, org_id: str | None, rng: random.Random,
                 rate: float = 0.2) -> None:
        super().__init__(store, org_id)
        self.rng, self.rate = rng, rate
        self.injected: list[str] = []

    def list_envelopes(self, beyond: Mapping[str, int]) -> list[EnvelopeRef]:
        found = super().list_envelopes(beyond)
        if found and self.rng.random() < self.rate:
            found = found + [self.rng.choice(found)]  # a duplicate listing
            self.injected.append("duplicate")
        if self.rng.random() < self.rate:
            self.rng.shuffle(found)  # delivered in any order: the engine sorts it out
            found.sort(key=lambda r: r.device_id)
            self.injected.append("reorder")
        return found

    def get_envelope(self, ref: EnvelopeRef) -> bytes | None:
        blob = super().get_envelope(ref)
        if blob is None or self.rng.random() >= self.rate:
            return blob
        fault = self.rng.choice(["drop", "truncate", "flip"])
        self.injected.append(fault)
        if fault == "drop":
            return None
        if fault == "truncate":
            return blob[:self.rng.randrange(len(blob))]
        position = self.rng.randrange(len(blob))
        return blob[:position] + bytes([blob[position] ^ (1 << self.rng.randrange(8))]) + \
            blob[position + 1:]


@dataclass
class Replica:
    name: str
    directory: Path
    key: bytes
    connection: Connection
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def device_id(self) -> str:
        return changes.device_id(self.connection)

    def context(self) -> engine.SyncContext:
        slots_path = Vault(self.directory).slots_path
        return engine.SyncContext(
            self.connection, self.lock, self.directory,
            lambda: member_slots.refresh(self.connection, slots_path, bytearray(self.key)))

    def sync(self, transport: Transport) -> engine.SyncSummary:
        return engine.run(self.context(), transport)

    def dump(self) -> bytes:
        return snapshot.canonical_dump(self.connection)

    def close(self) -> None:
        self.connection.close()


@dataclass
class Org:
    root: Path
    store: Store
    keys: dict[str, bytes]

    def copy(self, target: Path) -> tuple[list[Replica], Store]:
        replicas = []
        for name, key in self.keys.items():
            shutil.copytree(self.root / name, target / name)
            connection = open_database(target / name / "vault.db", key)
            apply_migrations(connection)
            replicas.append(Replica(name, target / name, key, connection))
        return replicas, copy.deepcopy(self.store)


def vault_key(directory: Path) -> bytes:
    slots = SlotFile.load(Vault(directory).slots_path)
    found = slots.unwrap_user(slots.find(slots.slot_id_for(ADMIN)), PASSPHRASE)
    return bytes(found)


def join_with_code(inviter: Vault, code: str, transport: Transport, directory: Path,
                   user: str = ADMIN, passphrase: str = PASSPHRASE, *,
                   inviter_user: str = ADMIN, inviter_passphrase: str = PASSPHRASE
                   ) -> service.Joined:
    """The whole enrollment exchange in one process: the new laptop asks, the inviting
    laptop answers, the coordinator confirms the digits the new laptop shows, it joins."""
    pending = service.request_join(transport, code)
    with inviter.unlock(inviter_user, inviter_passphrase) as session:
        sas = service.answer_join(session, transport, code)
        assert sas is not None
        sas_seen = enrollment.read_answer(transport, pending)
        service.confirm_join(session, transport, code, sas_seen or "")
    return service.join(directory, pending, transport, user, passphrase)


def build_org(root: Path, names: tuple[str, ...] = ("a", "b", "c")) -> Org:
    """The first laptop founds the organisation, the others join it with codes."""
    store = Store()
    transport = MemoryTransport(store)
    founder = Vault(root / names[0])
    founder.create(ADMIN, PASSPHRASE, org_name="Test NGO", prefix="TU")
    for name in names[1:]:
        with founder.unlock(ADMIN, PASSPHRASE) as session:
            invitation = service.invite(session, transport)
        join_with_code(founder, invitation.code, transport, root / name)
    for name in names:  # everyone knows everyone
        with Vault(root / name).unlock(ADMIN, PASSPHRASE) as session:
            service.sync_now(session, transport)
    return Org(root, store, {name: vault_key(root / name) for name in names})


def quiet(replicas: list[Replica]) -> bool:
    """Every change of every replica is sealed, and applied by every other replica."""
    sealed = {}
    for replica in replicas:
        upto, _hash = registry.last_sent(replica.connection)
        if upto != changes.last_seq(replica.connection):
            return False
        sealed[replica.device_id] = upto
    for replica in replicas:
        applied = {p.device_id: p.applied_seq for p in changes.peers(replica.connection)}
        for device, upto in sealed.items():
            if device != replica.device_id and applied.get(device, 0) != upto:
                return False
    return True


def sync_all(replicas: list[Replica], transport: Transport, rounds: int = 8) -> None:
    """Sync every replica in turn until all hold everything (all-pairs, through the transport)."""
    for _ in range(rounds):
        for replica in replicas:
            replica.sync(transport)
        if quiet(replicas):
            return
    raise AssertionError("replicas did not settle")
