"""The relay's API on both stores: idempotent storage, listings by version vector, device
authentication (forged, replayed, unknown, revoked, cross-organisation), limits and errors."""

from __future__ import annotations

import json
import secrets

import httpx

from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.relay.storage import CONFLICT, CREATED, SAME, Ref, RelayStore
from shelterdesk.sync.relay_client import RelayTransport
from shelterdesk.sync.transport import EnvelopeRef
from tests.relay_helpers import Device, admission_token, running_relay


def test_migrations_are_recorded_and_idempotent(relay_store) -> None:
    store, _url = relay_store
    assert store.schema_version() == 2
    assert store.migrate() == 2 and store.schema_version() == 2


def test_envelopes_are_idempotent_and_listed_beyond_a_vector(relay_store) -> None:
    store: RelayStore = relay_store[0]
    org, a, b = secrets.token_hex(16), "a" * 32, "b" * 32
    assert store.put_envelope(org, Ref(a, 1, 3), b"one") == CREATED
    assert store.put_envelope(org, Ref(a, 1, 3), b"one") == SAME
    assert store.put_envelope(org, Ref(a, 1, 3), b"other") == CONFLICT
    for n in range(4, 10):
        store.put_envelope(org, Ref(a, n, n), b"x%d" % n)
        store.put_envelope(org, Ref(b, n, n), b"y%d" % n)
    refs, more = store.list_envelopes(org, {a: 5}, 100)
    assert not more
    assert refs == [Ref(a, n, n) for n in range(6, 10)] + [Ref(b, n, n) for n in range(4, 10)]
    page, more = store.list_envelopes(org, {}, 3)
    assert more and page == [Ref(a, 1, 3), Ref(a, 4, 4), Ref(a, 5, 5)]
    assert store.list_envelopes(secrets.token_hex(16), {}, 100) == ([], False)
    assert store.get_envelope(org, Ref(a, 1, 3)) == b"one"


def test_client_pages_by_vector_and_orgs_stay_apart(relay_store) -> None:
    store, _ = relay_store
    with running_relay(store) as base:
        one, two = Device(base), Device(base)
        a = RelayTransport(base, page=4, admission_token=admission_token(store)).as_device(
            one.org, one.device, one.key)
        b = RelayTransport(base, page=4, admission_token=admission_token(store)).as_device(
            two.org, two.device, two.key)
        for n in range(1, 12):
            a.put_envelope(EnvelopeRef(one.device, n, n), b"blob %d" % n)
        a.put_envelope(EnvelopeRef(one.device, 1, 1), b"blob 1")  # a repeat is a no-op
        b.put_envelope(EnvelopeRef(two.device, 1, 1), b"theirs")
        assert a.list_envelopes({}) == [EnvelopeRef(one.device, n, n) for n in range(1, 12)]
        assert a.list_envelopes({one.device: 9}) == [EnvelopeRef(one.device, n, n)
                                                     for n in (10, 11)]
        assert b.list_envelopes({}) == [EnvelopeRef(two.device, 1, 1)]
        assert b.get_envelope(EnvelopeRef(one.device, 1, 1)) is None
        a.put_record("acks", one.device, b"ack")
        assert b.list_records("acks") == [] and b.get_record("acks", one.device) is None
        assert a.list_records("acks") == [one.device]


def test_forged_replayed_unknown_and_cross_org_requests_are_refused(relay_store) -> None:
    store, _ = relay_store
    with running_relay(store) as base:
        owner = Device(base)
        assert owner.register(admission_token(store)).status_code == 201
        path = f"/v1/envelopes/{owner.device}/1/1"
        assert owner.request("PUT", path, b"sealed").status_code == 201
        # forged: signed by another key
        forged = owner.request("GET", path, key=Device(base).key)
        assert (forged.status_code, forged.json()) == (401, {"error": "bad_signature"})
        # body altered after signing
        headers = owner.headers("PUT", f"/v1/envelopes/{owner.device}/2/2", b"good")
        altered = httpx.put(base + f"/v1/envelopes/{owner.device}/2/2", content=b"evil",
                            headers=headers)
        assert altered.status_code == 401
        # replayed: the same counter under the same challenge, then an unknown challenge
        headers = owner.headers("GET", path, b"")
        assert httpx.get(base + path, headers=headers).content == b"sealed"
        again = httpx.get(base + path, headers=headers)
        assert (again.status_code, again.json()["error"]) == (401, "stale_challenge")
        owner.nonce = secrets.token_hex(32)
        assert owner.request("GET", path).status_code == 401
        owner.nonce = ""
        # an expired challenge
        old = Device(base, owner.org)
        old.device, old.key = owner.device, owner.key
        old.headers("GET", path, b"")
        store.use_nonce(p.hash_id(old.nonce), owner.org, owner.device, 0)
        with store.transaction() as cursor:
            store._run(cursor, "UPDATE relay_nonces SET expires_at = 0")
        assert old.request("GET", path).status_code == 401
        # unknown device of a known org; unknown org: the same answer
        stranger = Device(base, owner.org)
        assert stranger.request("GET", path).json()["error"] == "unknown_device"
        assert Device(base).request("GET", path).json()["error"] == "unknown_device"
        # cross-organisation: a registered device of org B naming org A, and listing
        other = Device(base)
        assert other.register(admission_token(store)).status_code == 201
        crossing = other.request("GET", path, org=owner.org)
        assert crossing.status_code == 401
        listing = other.request("POST", "/v1/envelopes/list", b'{"beyond": {}}')
        assert listing.json() == {"envelopes": [], "more": False}
        assert other.request("GET", path).status_code == 404
        # a device may not write another device's envelopes, acks or announcements
        assert owner.request("PUT", f"/v1/envelopes/{other.device}/1/1", b"x").status_code == 403
        assert owner.request("PUT", f"/v1/records/acks/{other.device}", b"x").status_code == 403
        # someone else cannot take over an existing organisation
        squatter = Device(base, owner.org)
        assert squatter.register().json()["error"] == "admission_required"
        assert squatter.register(admission_token(store)).json()["error"] == "org_exists"


def test_roster_revokes_and_enrollment_admits_once(relay_store) -> None:
    store, _ = relay_store
    with running_relay(store) as base:
        coordinator = Device(base)
        coordinator.register(admission_token(store))
        lost = Device(base, coordinator.org)
        roster = [{"device_id": lost.device, "sign_pub": lost.pub_b64, "revoked": False}]
        body = json.dumps({"devices": roster}).encode()
        assert coordinator.request("POST", "/v1/roster", body).json()["added"] == 1
        assert lost.request("GET", "/v1/records/keys").status_code == 200
        roster[0]["revoked"] = True
        body = json.dumps({"devices": roster}).encode()
        assert coordinator.request("POST", "/v1/roster", body).json()["revoked"] == 1
        refused = lost.request("GET", "/v1/records/keys")
        assert (refused.status_code, refused.json()) == (403, {"error": "revoked_device"})
        roster[0]["revoked"] = False  # never un-revoked
        coordinator.request("POST", "/v1/roster", json.dumps({"devices": roster}).encode())
        assert lost.request("GET", "/v1/records/keys").status_code == 403
        # an invitation admits a new key; the relay keeps only the hash of the id
        invite_id = secrets.token_hex(16)
        put = coordinator.request("PUT", f"/v1/invitations/{invite_id}", b"sealed package")
        assert put.status_code == 201
        assert store.get_invitation(p.hash_id(invite_id)) == b"sealed package"
        newcomer = Device(base, coordinator.org)
        enroll = json.dumps({"invite_id": invite_id, "sign_pub": newcomer.pub_b64}).encode()
        assert newcomer.request("POST", "/v1/enroll", enroll).status_code == 200
        assert newcomer.request("GET", "/v1/records/keys").status_code == 200
        wrong_org = Device(base)
        enroll = json.dumps({"invite_id": invite_id, "sign_pub": wrong_org.pub_b64}).encode()
        assert wrong_org.request("POST", "/v1/enroll", enroll).status_code == 404
        guesser = Device(base, coordinator.org)
        bogus = json.dumps({"invite_id": secrets.token_hex(16),
                            "sign_pub": guesser.pub_b64}).encode()
        assert guesser.request("POST", "/v1/enroll", bogus).status_code == 404


def test_limits_malformed_input_and_internal_errors(relay_store) -> None:
    store, _ = relay_store
    with running_relay(store) as base:
        owner = Device(base)
        owner.register(admission_token(store))
        big = b"\0" * (p.MAX_ENVELOPE + 1)
        too_big = owner.request("PUT", f"/v1/envelopes/{owner.device}/1/1", big)
        assert (too_big.status_code, too_big.json()) == (413, {"error": "too_large"})
        bad_json = owner.request("POST", "/v1/envelopes/list", b"{not json")
        assert (bad_json.status_code, bad_json.json()) == (400, {"error": "bad_json"})
        bad_vector = owner.request("POST", "/v1/envelopes/list", b'{"beyond": {"x": "y"}}')
        assert bad_vector.json() == {"error": "bad_field", "field": "beyond"}
        assert owner.request("GET", "/v1/envelopes/zz/1/1").status_code == 400
        assert owner.request("GET", f"/v1/envelopes/{owner.device}/0/1").status_code == 400
        assert httpx.get(base + "/v1/nothing").json() == {"error": "not_found"}
        assert httpx.get(base + "/v1/envelopes/x/1/1").status_code in (400, 401)
        assert httpx.get(base + "/health").json() == {"status": "ok", "protocol": p.PROTOCOL}

        def explode(*_args: object) -> None:
            raise RuntimeError("secret detail /var/lib/relay.db password=hunter2")

        store.list_records = explode  # type: ignore[method-assign]
        broken = owner.request("GET", "/v1/records/acks")
        assert (broken.status_code, broken.json()) == (500, {"error": "internal"})
        assert "hunter2" not in broken.text
