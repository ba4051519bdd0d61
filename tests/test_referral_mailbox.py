"""Referrals through a relay mailbox (issue 22): two organisations' vaults and a real relay
(SQLite and PostgreSQL): sent, collected, accepted, completed, the sender sees each status;
the relay's database holds no plaintext and only bucketed sizes."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
import psycopg
import pytest

from shelterdesk.domain.referrals import Consent
from shelterdesk.reports.referral_send import refer_and_seal
from shelterdesk.store.exchange import inbox
from shelterdesk.store.records import clients, consents, referrals
from shelterdesk.sync import referral_mailbox, service
from shelterdesk.sync.relay import mailbox_store
from shelterdesk.sync.setup import SyncPlace, save_place
from shelterdesk.sync.transports import open_transport
from tests.exchange_helpers import introduce, open_vault
from tests.records_helpers import make_case, make_client
from tests.relay_helpers import Device, admission_token, raw_dump, running_relay


def _on_relay(session, base: str, store) -> str:
    """The organisation founded on the relay (an operator's admission token), syncing
    there, with its mailbox open."""
    service.sync_now(session, open_transport(relay=base, admission_token=admission_token(store)))
    save_place(session, SyncPlace(relay=base))
    return referral_mailbox.open_mailbox(session)


def _dump(store, url: str, tmp_path: Path) -> bytes:
    data = raw_dump(store, url, tmp_path)
    if url.startswith("sqlite"):
        return data
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for table in mailbox_store.TABLES:
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for chunk in copy:
                    data += bytes(chunk)
    return data


def test_a_referral_travels_through_the_relay_and_its_statuses_come_back(
        relay_store, tmp_path: Path) -> None:
    store, url = relay_store
    with running_relay(store) as base:
        sender = open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU")
        receiver = open_vault(tmp_path / "b", "Hüquqi Yardım Mərkəzi", "HY")
        mailbox_a, mailbox_b = _on_relay(sender, base, store), _on_relay(receiver, base, store)
        assert mailbox_a.startswith(base + "#") and mailbox_a != mailbox_b
        pair = introduce(sender, receiver)
        case = clients.create_intake(sender, make_client(), make_case())
        consents.add_consent(sender, Consent(case.id, "referral", case.intake_date,
                                             to_org_id=pair.receiver_entry.id,
                                             details=["name", "contact"]))
        referral, data = refer_and_seal(sender, case.case_code, pair.receiver_entry.name,
                                        anonymized=False)
        referral_mailbox.deliver_to_partner(sender, pair.receiver_entry.id, data)

        sizes = [len(bytes(r[0])) for r in store._rows(  # noqa: SLF001
            "SELECT blob FROM relay_mailbox_items")]
        assert sizes and all(size in mailbox_store.BUCKETS for size in sizes)
        dump = _dump(store, url, tmp_path)
        for secret in (b"Aynur", "Məmmədova".encode(), b"+994 50", case.case_code.encode(),
                       referral.number.encode(), "Hüquqi".encode(), "Təmiz".encode(),
                       mailbox_b.split("#")[1].encode()):
            assert secret not in dump, secret

        collected = referral_mailbox.collect(receiver)
        assert [r.kind for r in collected.applied] == ["referral"] and not collected.refused
        entry = inbox.list_received(receiver)[0]
        assert entry.identified["given_name"] == "Aynur"
        assert referral_mailbox.collect(receiver).applied == []  # taken out of the mailbox

        _entry, status = inbox.accept(receiver, entry.id, victim_status="presumed",
                                      risk_level="high")
        referral_mailbox.deliver_to_partner(receiver, pair.sender_entry.id, status)
        assert referral_mailbox.collect(sender).applied[0].status == "accepted"
        assert referrals.get_referral(sender, referral.id).status == "accepted"
        _entry, status = inbox.complete(receiver, entry.id, "Permit granted.")
        referral_mailbox.deliver_to_partner(receiver, pair.sender_entry.id, status)
        referral_mailbox.collect(sender)
        assert referrals.get_referral(sender, referral.id).status == "completed"

        # A copy dropped again is a replay: refused, audited, gone from the mailbox.
        referral_mailbox.deliver_to_partner(receiver, pair.sender_entry.id, status)
        again = referral_mailbox.collect(sender)
        assert again.applied == [] and len(again.refused) == 1
        assert "opened here before" in again.refused[0]
        sender.close()
        receiver.close()


def test_the_relay_refuses_odd_sizes_unknown_mailboxes_and_strangers(relay_store) -> None:
    store, _url = relay_store
    with running_relay(store) as base:
        owner = Device(base)
        assert owner.register(admission_token(store)).status_code == 201
        mailbox = secrets.token_hex(16)
        path = f"/v1/mailboxes/{mailbox}"
        assert httpx.put(base + path, headers=owner.headers("PUT", path, b"")).status_code == 201
        item = f"{path}/items/{secrets.token_hex(16)}"
        assert httpx.put(base + item, content=b"x" * 5000).status_code == 400  # not a bucket
        assert httpx.put(base + f"/v1/mailboxes/{secrets.token_hex(16)}/items/"
                         f"{secrets.token_hex(16)}", content=b" " * 4096).status_code == 404
        assert httpx.put(base + item, content=b" " * 4096).status_code == 201
        stranger = Device(base)  # another organisation, founded on the relay too
        assert stranger.register(admission_token(store)).status_code == 201
        listing = f"{path}/items"
        assert httpx.get(base + listing, headers=stranger.headers(
            "GET", listing, b"")).status_code == 404
        assert httpx.put(base + path, headers=stranger.headers("PUT", path, b"")
                         ).status_code == 409
        items = httpx.get(base + listing, headers=owner.headers("GET", listing, b"")).json()
        assert len(items["items"]) == 1


def test_a_partner_without_a_mailbox_is_named(tmp_path: Path) -> None:
    pair = introduce(open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU"),
                     open_vault(tmp_path / "b", "Hüquqi Yardım Mərkəzi", "HY"))
    with pytest.raises(referral_mailbox.NoMailbox):
        referral_mailbox.deliver_to_partner(pair.sender, pair.receiver_entry.id, b"{}")
    with pytest.raises(referral_mailbox.NoOwnMailbox):
        referral_mailbox.collect(pair.sender)
    pair.sender.close()
    pair.receiver.close()
