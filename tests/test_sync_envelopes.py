"""Envelopes: what a forger, a tamperer or a replayer gets — a typed rejection, nothing applied."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelterdesk.store.connection import transaction
from shelterdesk.store.replication import changes, registry
from shelterdesk.sync import codec, crypto, envelope, records
from shelterdesk.sync.errors import EnvelopeRejected
from shelterdesk.sync.transport import EnvelopeRef
from tests.sync_helpers import MemoryTransport, build_org, sync_all


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"))


@pytest.fixture
def laptops(org, tmp_path: Path):
    found, store = org.copy(tmp_path)
    yield found, MemoryTransport(store)
    for laptop in found:
        laptop.close()


def _write(laptop, name: str) -> None:
    with transaction(laptop.connection):
        laptop.connection.execute(
            "INSERT INTO shelters (id, name, address, created_at) VALUES (?, ?, '', 'c')",
            (f"id-{name}", name))


def _names(laptop) -> set[str]:
    return {r[0] for r in laptop.connection.execute("SELECT name FROM shelters")}


def _newest(transport: MemoryTransport, device: str) -> tuple[EnvelopeRef, bytes]:
    refs = [r for (org, r) in transport.store.envelopes if r.device_id == device]
    ref = max(refs)
    return ref, transport.store.envelopes[(transport.org_id or _org(transport), ref)]


def _org(transport: MemoryTransport) -> str:
    return next(iter(transport.store.envelopes))[0]


def _replace(transport: MemoryTransport, ref: EnvelopeRef, blob: bytes) -> None:
    transport.store.envelopes[(_org(transport), ref)] = blob


def _reasons(summary) -> set[str]:
    return {p.reason for p in summary.problems}


def test_a_tampered_byte_is_rejected_and_reported(laptops) -> None:
    (a, b, _c), transport = laptops
    _write(a, "tampered")
    a.sync(transport)
    ref, blob = _newest(transport, a.device_id)
    for position in (10, envelope.HEADER_BYTES + 5, len(blob) - 3):  # header, body, signature
        flipped = blob[:position] + bytes([blob[position] ^ 1]) + blob[position + 1:]
        _replace(transport, ref, flipped)
        summary = b.sync(transport)
        assert "tampered" not in _names(b)
        assert _reasons(summary) & {"bad_signature", "malformed", "wrong_org", "truncated"}
        assert summary.rejected
    _replace(transport, ref, blob)
    b.sync(transport)
    assert "tampered" in _names(b)  # the genuine envelope still applies afterwards


def test_a_truncated_envelope_is_rejected(laptops) -> None:
    (a, b, _c), transport = laptops
    _write(a, "cut")
    a.sync(transport)
    ref, blob = _newest(transport, a.device_id)
    _replace(transport, ref, blob[:-40])
    assert "truncated" in _reasons(b.sync(transport))
    assert "cut" not in _names(b)


def test_an_envelope_forged_by_another_device_of_the_org_is_rejected(laptops) -> None:
    """C knows the organisation's key, so it can seal; it cannot sign as A."""
    (a, b, c), transport = laptops
    _write(a, "genuine")
    sync_all([a, b, c], transport)
    ident_c = registry.identity(c.connection)
    epoch = registry.current_epoch(c.connection)
    applied = {p.device_id: p for p in changes.peers(b.connection)}[a.device_id]
    seq = applied.applied_seq + 1
    forged_change = changes.Change(a.device_id, seq, changes.current_hlc(c.connection) + 1,
                                   "shelters", "id-genuine", "name", "forged", 0)
    blob = envelope.seal([forged_change], org_id=ident_c.org_id, sender=a.device_id, epoch=epoch,
                         epoch_key=registry.epoch_keys(c.connection)[epoch],
                         prev_hash=applied.last_hash, schema=registry.schema_version(c.connection),
                         signing_key=ident_c.sign_key)
    transport.store.envelopes[(ident_c.org_id, EnvelopeRef(a.device_id, seq, seq))] = blob
    summary = b.sync(transport)
    assert "bad_signature" in _reasons(summary)
    assert "forged" not in _names(b) and "genuine" in _names(b)


def test_a_replayed_envelope_changes_nothing(laptops) -> None:
    (a, b, _c), transport = laptops
    _write(a, "first")
    a.sync(transport)
    b.sync(transport)
    old_ref, old_blob = _newest(transport, a.device_id)
    with transaction(a.connection):
        a.connection.execute("UPDATE shelters SET name = 'second' WHERE id = 'id-first'")
    a.sync(transport)
    b.sync(transport)
    before = b.dump()
    # Replayed as itself: already applied, skipped. Replayed under a later name: its header
    # no longer matches the name, or its chain does not follow: rejected.
    _replace(transport, old_ref, old_blob)
    new_ref = EnvelopeRef(a.device_id, old_ref.seq_from + 100, old_ref.seq_to + 100)
    transport.store.envelopes[(_org(transport), new_ref)] = old_blob
    summary = b.sync(transport)
    assert b.dump() == before and "second" in _names(b)
    assert _reasons(summary) & {"malformed", "gap"}


def test_a_gap_waits_and_applies_once_filled(laptops) -> None:
    (a, b, _c), transport = laptops
    _write(a, "one")
    a.sync(transport)
    first_ref, first_blob = _newest(transport, a.device_id)
    _write(a, "two")
    a.sync(transport)
    second_ref, _ = _newest(transport, a.device_id)
    assert second_ref.seq_from == first_ref.seq_to + 1
    del transport.store.envelopes[(_org(transport), first_ref)]  # a slow folder
    summary = b.sync(transport)
    assert [(p.reason, p.waiting) for p in summary.problems
            if p.where.endswith(second_ref.env_id)] == [("gap", True)]
    assert not {"one", "two"} & _names(b)
    _replace(transport, first_ref, first_blob)
    summary = b.sync(transport)
    assert {"one", "two"} <= _names(b) and not summary.problems


def test_an_envelope_from_another_organisation_is_refused(laptops) -> None:
    (a, b, _c), transport = laptops
    _write(a, "elsewhere")
    a.sync(transport)
    ref, blob = _newest(transport, a.device_id)
    other_org = bytes(16).hex()
    header = envelope.parse_header(blob)
    forged = envelope.Header(other_org, header.sender, header.epoch, header.seq_from,
                             header.seq_to, header.prev_hash, header.schema, header.nonce,
                             header.body_length).pack() + blob[envelope.HEADER_BYTES:]
    _replace(transport, ref, forged)
    assert "wrong_org" in _reasons(b.sync(transport))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.integers(0, 2**32 - 1))
def test_random_bytes_give_typed_errors_only(data: bytes, length: int) -> None:
    for blob in (data, envelope.MAGIC + data, records.ACK + length.to_bytes(4, "big") + data):
        for parse in (envelope.parse_header,
                      lambda b: codec.unpack(b, "00" * 16),
                      lambda b: records.unpack(records.ACK, b, 1)):
            with contextlib.suppress(EnvelopeRejected):
                parse(blob)  # anything but a typed rejection fails the test


def test_a_huge_declared_length_is_refused_before_reading(laptops) -> None:
    blob = envelope.Header("00" * 16, "11" * 16, 1, 1, 1, b"\0" * 32, 4, b"\0" * 12,
                           2**32 - 1).pack() + b"\0" * 64
    with pytest.raises(EnvelopeRejected):
        envelope.parse_header(blob)
    bomb = codec.MAGIC + (50).to_bytes(4, "big") + __import__("zlib").compress(b"0" * 10**6)[:50]
    with pytest.raises(EnvelopeRejected):
        codec.unpack(bomb, "00" * 16)


def test_sealed_grants_open_only_for_their_device() -> None:
    key = crypto.random_key()
    alice, mallory = crypto.new_exchange_key(), crypto.new_exchange_key()
    sealed = crypto.seal_to(crypto.exchange_public(alice), key, b"aad")
    assert crypto.open_sealed(alice, sealed, b"aad") == key
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(mallory, sealed, b"aad")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(alice, sealed, b"other")
