"""Laptops on different transports converge through the ones that use both (store and
forward): first the bug (a folder-only laptop's change never reached the relay-only one),
then a hypothesis property over three laptops with random transports and faults."""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from shelterdesk.store.connection import transaction
from shelterdesk.store.replication import replica
from shelterdesk.store.vault import Vault
from shelterdesk.sync import forward, service
from shelterdesk.sync.binding import place_for
from shelterdesk.sync.folder import FolderTransport
from shelterdesk.sync.relay.stores import open_store
from shelterdesk.sync.relay_client import RelayRefused, RelayTransport
from shelterdesk.sync.transport import EnvelopeRef
from tests.records_helpers import intake
from tests.relay_helpers import admission_token, drop_schema, running_relay, store_url
from tests.sync_helpers import ADMIN, PASSPHRASE, FaultyTransport, MemoryTransport, Store, build_org


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("office", "field", "online"))


@pytest.fixture
def relay(tmp_path: Path):
    url = store_url("postgres", tmp_path)
    store = open_store(url)
    try:
        with running_relay(store) as base:
            yield RelayTransport(base, allow_http=True, admission_token=admission_token(store))
    finally:
        store.close()
        drop_schema(url)


def _round(tmp_path: Path, relay_transport, folder) -> tuple[bool, bool]:
    """The field laptop (folder only) writes; the office syncs with both; the online laptop
    (relay only) syncs. Returns (office has it, online has it)."""
    office, field, online = (Vault(tmp_path / n) for n in ("office", "field", "online"))
    with field.unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session, given_name="Fieldonly")
        service.sync_now(session, folder)
    with office.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, folder)
        service.sync_now(session, relay_transport)
        at_office = _has(session, case.id)
    with online.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, relay_transport)
        return at_office, _has(session, case.id)


def _has(session, case_id: str) -> bool:
    return session.connection.execute("SELECT count(*) FROM cases WHERE id = ?",
                                      (case_id,)).fetchone() == (1,)


def _copy(org, tmp_path: Path) -> FolderTransport:
    for name in ("office", "field", "online"):
        shutil.copytree(org.root / name, tmp_path / name)
    (tmp_path / "folder").mkdir()
    return FolderTransport(tmp_path / "folder")


def test_without_forwarding_the_relay_only_laptop_never_sees_the_folder_only_change(
        org, relay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bug as it was: the office holds the change, the relay-only laptop never does."""
    folder = _copy(org, tmp_path)
    monkeypatch.setattr(forward, "offer", lambda *_args: 0)
    assert _round(tmp_path, relay, folder) == (True, False)


def test_a_folder_only_change_reaches_the_relay_only_laptop_through_the_office(
        org, relay, tmp_path: Path) -> None:
    folder = _copy(org, tmp_path)
    assert _round(tmp_path, relay, folder) == (True, True)


def test_a_forwarded_envelope_must_be_what_its_origin_signed(org, relay, tmp_path: Path
                                                             ) -> None:
    """The relay takes another laptop's envelope only byte for byte as its origin signed it."""
    folder = _copy(org, tmp_path)
    _round(tmp_path, relay, folder)
    with Vault(tmp_path / "office").unlock(ADMIN, PASSPHRASE) as session:
        place = place_for(relay, session.connection)
        kept = session.connection.execute(
            "SELECT device_id, seq_from, seq_to, blob FROM sync_received LIMIT 1").fetchone()
        assert kept is not None
        device, seq_from, seq_to, blob = kept[0], kept[1], kept[2], bytes(kept[3])
        forged = EnvelopeRef(device, seq_to + 1000, seq_to + 1000)
        with pytest.raises(RelayRefused, match="not_your_envelope"):  # same bytes, other name
            place.put_envelope(forged, blob)
        flipped = blob[:-10] + bytes([blob[-10] ^ 1]) + blob[-9:]
        with pytest.raises(RelayRefused, match="not_your_envelope"):  # altered bytes
            place.put_envelope(EnvelopeRef(device, seq_to + 2000, seq_to + 2000), flipped)
        place.put_envelope(EnvelopeRef(device, seq_from, seq_to), blob)  # verbatim: fine


# --- the property ------------------------------------------------------------------------------
TRANSPORTS = ("folder", "relay")
# Which transports each of three laptops uses; the graph must be connected (someone uses both
# when some use only one), or no protocol could converge.
LAYOUTS = [layout for layout in (
    (a, b, c) for a in ((0,), (1,), (0, 1)) for b in ((0,), (1,), (0, 1))
    for c in ((0,), (1,), (0, 1)))
    if len({t for laptop in layout for t in laptop}) == 1
    or any(len(laptop) == 2 for laptop in layout)]


class CrashingStore(MemoryTransport):
    """A transport whose writes can fail part-way (the laptop crashed, the stick was pulled)."""

    budget: int | None = None

    def put_envelope(self, ref: EnvelopeRef, blob: bytes) -> None:
        self._spend()
        super().put_envelope(ref, blob)

    def put_record(self, kind: str, name: str, blob: bytes) -> None:
        self._spend()
        super().put_record(kind, name, blob)

    def _spend(self) -> None:
        if CrashingStore.budget is not None:
            CrashingStore.budget -= 1
            if CrashingStore.budget < 0:
                CrashingStore.budget = None
                raise RuntimeError("simulated crash mid-write")


def make_machine(org):
    class Mixed(RuleBasedStateMachine):
        @initialize(layout=st.sampled_from(LAYOUTS), seed=st.integers(0, 2**32 - 1))
        def start(self, layout, seed: int) -> None:
            self.temp = Path(tempfile.mkdtemp(prefix="sync-mixed-"))
            self.laptops, _history = org.copy(self.temp)
            self.layout = layout
            self.stores = [Store(), Store()]
            self.rng = random.Random(seed)
            self.written: list[tuple[str, str]] = []
            self.crashes = 0
            event("layout: " + " / ".join("+".join(TRANSPORTS[t] for t in laptop)
                                            for laptop in layout))
            for who in range(3):  # every laptop has something to pass on
                self.write(who, f"start{who}", owned=who == 1)

        def _place(self, transport: int, faulty: bool):
            if faulty:
                return FaultyTransport(self.stores[transport], None, self.rng, rate=0.25)
            return CrashingStore(self.stores[transport])

        @rule(who=st.integers(0, 2), name=st.text(alphabet="abcəüöИ", min_size=1, max_size=8),
              owned=st.booleans())
        def write(self, who: int, name: str, owned: bool) -> None:
            laptop = self.laptops[who]
            row_id = f"w-{who}-{len(self.written)}"
            with transaction(laptop.connection):
                if owned:  # a client: sealed under a client key, forwarded with its ring
                    laptop.connection.execute(
                        "INSERT INTO clients (id, given_name, created_at, updated_at)"
                        " VALUES (?, ?, 'c', 'u')", (row_id, name))
                else:
                    laptop.connection.execute(
                        "INSERT INTO shelters (id, name, address, created_at)"
                        " VALUES (?, ?, '', 'c')", (row_id, name))
            self.written.append(("clients" if owned else "shelters", row_id))

        @rule(who=st.integers(0, 2), pick=st.integers(0, 1), faulty=st.booleans(),
              crash=st.one_of(st.none(), st.integers(0, 4)), dropped=st.booleans())
        def sync(self, who: int, pick: int, faulty: bool, crash: int | None,
                 dropped: bool) -> None:
            if dropped:  # the round never happened (laptop off, network down)
                return
            transports = self.layout[who]
            transport = transports[pick % len(transports)]
            CrashingStore.budget = None if faulty else crash
            try:
                self.laptops[who].sync(self._place(transport, faulty))
            except RuntimeError as error:
                assert "simulated crash" in str(error)
                self.crashes += 1
            finally:
                CrashingStore.budget = None

        def teardown(self) -> None:
            if not hasattr(self, "laptops"):
                return
            try:
                event(f"crashes: {min(self.crashes, 3)}")
                for _round in range(12):
                    for who, laptop in enumerate(self.laptops):
                        for transport in self.layout[who]:
                            laptop.sync(MemoryTransport(self.stores[transport]))
                    dumps = [laptop.dump() for laptop in self.laptops]
                    if dumps[0] == dumps[1] == dumps[2]:
                        break
                assert dumps[0] == dumps[1] == dumps[2], "laptops differ: " + str(self.layout)
                for table, row_id in self.written:
                    for laptop in self.laptops:
                        assert laptop.connection.execute(
                            f"SELECT count(*) FROM {table} WHERE id = ?",
                            (row_id,)).fetchone() == (1,), (table, row_id, self.layout)
                for laptop in self.laptops:
                    assert laptop.connection.execute(
                        "SELECT count(*) FROM sync_sealed_waiting").fetchone() == (0,)
            finally:
                for laptop in self.laptops:
                    laptop.close()
                shutil.rmtree(self.temp, ignore_errors=True)

    return Mixed


def test_three_laptops_on_random_transports_with_faults_converge(org) -> None:
    machine = make_machine(org)
    machine.TestCase.settings = settings(
        max_examples=12, stateful_step_count=18, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    machine.TestCase().runTest()


def test_crash_mid_apply_during_forwarding_loses_nothing(org, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """An apply that crashes keeps nothing for forwarding (same transaction); the next sync
    applies and keeps it."""
    laptops, _history = org.copy(tmp_path)
    office, field, online = laptops
    folder, cloud = Store(), Store()
    with transaction(field.connection):
        field.connection.execute("INSERT INTO shelters (id, name, address, created_at)"
                                 " VALUES ('crash-1', 'C', '', 'c')")
    field.sync(MemoryTransport(folder))
    original = replica.Merger.apply
    calls = {"n": 0}

    def crashing(self, found):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("simulated crash mid-apply")
        return original(self, found)

    monkeypatch.setattr(replica.Merger, "apply", crashing)
    with pytest.raises(RuntimeError):
        office.sync(MemoryTransport(folder))
    assert office.connection.execute("SELECT count(*) FROM sync_received").fetchone() == (0,)
    office.sync(MemoryTransport(folder))
    office.sync(MemoryTransport(cloud))
    online.sync(MemoryTransport(cloud))
    assert online.connection.execute("SELECT count(*) FROM shelters WHERE id = 'crash-1'"
                                     ).fetchone() == (1,)
    for laptop in laptops:
        laptop.close()


def test_the_relay_prunes_only_what_every_device_acknowledges_and_a_snapshot_covers(
        org, relay, tmp_path: Path) -> None:
    from shelterdesk.store.replication import registry
    from shelterdesk.sync import snapshots

    _copy(org, tmp_path)
    office, online = Vault(tmp_path / "office"), Vault(tmp_path / "online")
    with office.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name="Relayprune")
        service.sync_now(session, relay)
        place = place_for(relay, session.connection)
        me = registry.identity(session.connection).device_id
        assert place.prune_envelopes({me: 10**9}) == 0  # no snapshot, no acks: nothing
    with online.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, relay)
        snapshots.produce(place_for(relay, session.connection), session.connection)
        service.sync_now(session, relay)
    with Vault(tmp_path / "field").unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, relay)  # the third laptop says what it holds
    with office.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name="Not covered")
        summary = service.sync_now(session, relay)
        assert summary.pruned_envelopes >= 1
        left = [r for r in place.list_envelopes({}) if r.device_id == me]
        assert len(left) == 1  # the new envelope: no snapshot covers it
        assert place.prune_envelopes({me: 10**9}) == 0  # asking for more gets nothing more
        assert [r for r in place.list_envelopes({}) if r.device_id == me] == left
