"""Referrals that travel (issue 22): two organisations' vaults exchange sealed files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shelterdesk.domain.referrals import Consent
from shelterdesk.reports.referral_received import render_received
from shelterdesk.reports.referral_send import refer_and_seal
from shelterdesk.store.exchange import identity, inbox, outbox, receive
from shelterdesk.store.exchange.sealing import (
    NewerExchangeVersion,
    NotAnExchangeFile,
    TamperedFile,
    WrongRecipient,
    new_keys,
    open_file,
    seal,
)
from shelterdesk.store.records import clients, consents, referrals
from shelterdesk.store.records.referrals import ConsentRequired
from tests.exchange_helpers import Pair, introduce, open_vault
from tests.records_helpers import make_case, make_client
from tests.referral_helpers import pdf_text


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    sender = open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU")
    receiver = open_vault(tmp_path / "b", "Hüquqi Yardım Mərkəzi", "HY")
    yield introduce(sender, receiver)
    sender.close()
    receiver.close()


def _case(session, **client):
    return clients.create_intake(session, make_client(**client), make_case(
        needs_summary="Needs a lawyer for the residence permit."))


def _status(session, referral_id: str) -> str:
    return referrals.get_referral(session, referral_id).status


def test_sent_received_accepted_completed_and_the_sender_sees_each_status(pair: Pair) -> None:
    case = _case(pair.sender)
    referral, data = refer_and_seal(pair.sender, case.case_code, pair.receiver_entry.name)
    assert _status(pair.sender, referral.id) == "sent"
    for secret in (b"Aynur", "Məmmədova".encode(), b"AA1234567", b"Needs a lawyer"):
        assert secret not in data
    got = receive.receive(pair.receiver, data, "r.sdreferral")
    assert got.kind == "referral" and got.org_name == "Təmiz Ürək NGO"
    entry = inbox.get_received(pair.receiver, got.target_id)
    assert entry.number == referral.number and entry.case_code == case.case_code
    assert entry.identified is None and entry.status == "received"
    text = pdf_text(render_received(pair.receiver, entry, "en"))
    assert referral.number in text and "Aynur" not in text

    entry, status = inbox.accept(pair.receiver, entry.id, victim_status="presumed",
                                 risk_level="medium")
    assert entry.status == "accepted" and entry.case_id
    assert receive.receive(pair.sender, status, "s1.sdreferral").status == "accepted"
    assert _status(pair.sender, referral.id) == "accepted"
    assert outbox.sent(pair.sender, referral.id).their_reference.startswith("HY-")

    entry, status = inbox.complete(pair.receiver, entry.id, "Residence permit granted.")
    receive.receive(pair.sender, status, "s2.sdreferral")
    done = referrals.get_referral(pair.sender, referral.id)
    assert done.status == "completed" and done.outcome == "Residence permit granted."


def test_a_declined_referral_carries_its_reason_back(pair: Pair) -> None:
    referral, data = refer_and_seal(pair.sender, _case(pair.sender).case_code,
                                    pair.receiver_entry.name)
    entry_id = receive.receive(pair.receiver, data, "r.sdreferral").target_id
    _entry, status = inbox.decline(pair.receiver, entry_id, "No lawyer free this month.")
    receive.receive(pair.sender, status, "s.sdreferral")
    back = referrals.get_referral(pair.sender, referral.id)
    assert back.status == "declined" and back.outcome == "No lawyer free this month."


def test_an_identified_referral_is_refused_without_consent_and_nothing_is_recorded(
        pair: Pair) -> None:
    case = _case(pair.sender)
    with pytest.raises(ConsentRequired):
        refer_and_seal(pair.sender, case.case_code, pair.receiver_entry.name, anonymized=False)
    assert referrals.list_referrals(pair.sender, case_id=case.id) == []


def _consented_referral(pair: Pair, details: list[str]):
    case = _case(pair.sender)
    consents.add_consent(pair.sender, Consent(case.id, "referral", date(2026, 3, 1),
                                              to_org_id=pair.receiver_entry.id,
                                              details=details))
    return case, refer_and_seal(pair.sender, case.case_code, pair.receiver_entry.name,
                                anonymized=False)


def test_an_identified_referral_carries_exactly_what_the_consent_covers(pair: Pair) -> None:
    _case_, (referral, data) = _consented_referral(pair, ["name", "contact"])
    for secret in (b"Aynur", b"+994 50", "Məmmədova".encode()):
        assert secret not in data  # sealed: the identified details are not readable in transit
    entry = inbox.get_received(pair.receiver,
                               receive.receive(pair.receiver, data, "r.sdreferral").target_id)
    named = entry.identified
    assert named["given_name"] == "Aynur" and named["phone"] == "+994 50 123 45 67"
    assert "date_of_birth" not in named and "address" not in named
    assert "document_number" not in named
    text = pdf_text(render_received(pair.receiver, entry, "en"))
    assert "Aynur" in text and "AA1234567" not in text and "Nizami" not in text


def test_consent_withdrawal_erases_the_identified_details_at_the_receiver(pair: Pair) -> None:
    case, (referral, data) = _consented_referral(pair, ["name", "date_of_birth", "contact"])
    entry_id = receive.receive(pair.receiver, data, "r.sdreferral").target_id
    entry, status = inbox.accept(pair.receiver, entry_id, victim_status="presumed",
                                 risk_level="high")
    receive.receive(pair.sender, status, "s.sdreferral")
    client, _ = clients.get_case(pair.receiver, entry.case_id)
    assert client.given_name == "Aynur"

    consents.withdraw(pair.sender, case.id, "referral", pair.receiver_entry.id)
    request = outbox.request_erasure(pair.sender, referral.id)
    result = receive.receive(pair.receiver, request, "erase.sdreferral")
    assert result.kind == "erase" and result.reply
    entry = inbox.get_received(pair.receiver, entry_id)
    assert entry.identified is None and entry.erased_at
    client, _ = clients.get_case(pair.receiver, entry.case_id)
    assert client.given_name == referral.number and client.phone == ""
    assert client.date_of_birth is None
    raw = pair.receiver.connection.execute(
        "SELECT payload FROM exchange_received WHERE id = ?", (entry_id,)).fetchone()[0]
    assert "Aynur" not in raw and "123 45 67" not in raw
    receive.receive(pair.sender, result.reply, "erased.sdreferral")
    assert outbox.sent(pair.sender, referral.id).erase_confirmed_at


def test_a_replayed_status_is_refused_and_audited(pair: Pair) -> None:
    referral, data = refer_and_seal(pair.sender, _case(pair.sender).case_code,
                                    pair.receiver_entry.name)
    entry_id = receive.receive(pair.receiver, data, "r.sdreferral").target_id
    _entry, status = inbox.accept(pair.receiver, entry_id, victim_status="presumed",
                                  risk_level="low")
    receive.receive(pair.sender, status, "s.sdreferral")
    with pytest.raises(receive.Replayed):
        receive.receive(pair.sender, status, "s.sdreferral")
    with pytest.raises(receive.Replayed):
        receive.receive(pair.receiver, data, "r.sdreferral")
    assert _status(pair.sender, referral.id) == "accepted"
    for side in (pair.sender, pair.receiver):
        assert _audit_actions(side).count("referral.file.refused") == 1


def _audit_actions(session) -> list[str]:
    return [row[0] for row in session.connection.execute("SELECT action FROM audit_log")]


def test_a_status_for_a_referral_never_sent_is_refused(pair: Pair) -> None:
    """The receiver answers a referral the sender never sent to it (an attacker with the
    receiver's keys, or a mix-up): the sender refuses, nothing moves."""
    referral, data = refer_and_seal(pair.sender, _case(pair.sender).case_code,
                                    pair.receiver_entry.name)
    entry_id = receive.receive(pair.receiver, data, "r.sdreferral").target_id
    pair.receiver.connection.execute(
        "UPDATE exchange_received SET sender_referral_id = 'not-a-referral' WHERE id = ?",
        (entry_id,))
    _entry, status = inbox.accept(pair.receiver, entry_id, victim_status="presumed",
                                  risk_level="low")
    with pytest.raises(outbox.StatusForUnknownReferral):
        receive.receive(pair.sender, status, "s.sdreferral")
    assert _status(pair.sender, referral.id) == "sent"
    assert "referral.file.refused" in _audit_actions(pair.sender)


def test_an_old_status_after_a_newer_one_is_refused(pair: Pair) -> None:
    """A fresh "accepted" (new message id, so no replay) after "completed" cannot move the
    referral back: the state machine refuses it."""
    from shelterdesk.store.exchange import messages
    from shelterdesk.store.exchange.sealing import seal

    referral, data = refer_and_seal(pair.sender, _case(pair.sender).case_code,
                                    pair.receiver_entry.name)
    entry_id = receive.receive(pair.receiver, data, "r.sdreferral").target_id
    _entry, accepted = inbox.accept(pair.receiver, entry_id, victim_status="presumed",
                                    risk_level="low")
    _entry, completed = inbox.complete(pair.receiver, entry_id, "Done.")
    receive.receive(pair.sender, accepted, "s1.sdreferral")
    receive.receive(pair.sender, completed, "s2.sdreferral")
    theirs = identity.require_keys(pair.receiver)
    ours = identity.require_keys(pair.sender)
    again = seal(theirs, ours.signing_public, ours.exchange_public, messages.new_message(
        "status", "x", referral_id=referral.id, status="accepted", reason="", outcome="",
        reference=""))
    with pytest.raises(outbox.StatusOutOfOrder):
        receive.receive(pair.sender, again, "s3.sdreferral")
    assert _status(pair.sender, referral.id) == "completed"


def test_a_file_signed_by_an_unknown_organisation_is_refused(pair: Pair,
                                                             tmp_path: Path) -> None:
    from shelterdesk.store.exchange import messages
    from shelterdesk.store.exchange.sealing import seal

    stranger = open_vault(tmp_path / "s", "Stranger", "ST")
    keys = identity.ensure_identity(stranger)
    mine = identity.require_keys(pair.receiver)
    forged = seal(keys, mine.signing_public, mine.exchange_public,
                  messages.new_message("erase", "Stranger", referral_id="x"))
    with pytest.raises(receive.UnknownSender):
        receive.receive(pair.receiver, forged, "f.sdreferral")
    assert "referral.file.refused" in _audit_actions(pair.receiver)
    stranger.close()


def test_a_tampered_file_is_refused_with_nothing_applied(pair: Pair) -> None:
    _referral, data = refer_and_seal(pair.sender, _case(pair.sender).case_code,
                                     pair.receiver_entry.name)
    outer = json.loads(data)
    sealed = bytearray(outer["sealed"].encode())
    sealed[100] = ord("A") if sealed[100] != ord("A") else ord("B")
    outer["sealed"] = sealed.decode()
    with pytest.raises(TamperedFile):
        receive.receive(pair.receiver, json.dumps(outer).encode(), "t.sdreferral")
    assert inbox.list_received(pair.receiver) == []


def test_a_file_for_another_organisation_is_refused(pair: Pair, tmp_path: Path) -> None:
    _referral, data = refer_and_seal(pair.sender, _case(pair.sender).case_code,
                                     pair.receiver_entry.name)
    third = open_vault(tmp_path / "c", "Third NGO", "TN")
    identity.ensure_identity(third)
    with pytest.raises(WrongRecipient):
        receive.receive(third, data, "r.sdreferral")
    third.close()


def test_unconfirmed_keys_send_nothing_and_receive_nothing(tmp_path: Path) -> None:
    sender = open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU")
    receiver = open_vault(tmp_path / "b", "Hüquqi Yardım Mərkəzi", "HY")
    pair = introduce(sender, receiver, confirm=False)
    case = _case(sender)
    with pytest.raises(identity.PartnerNotConfirmed):
        refer_and_seal(sender, case.case_code, pair.receiver_entry.name)
    assert referrals.list_referrals(sender, case_id=case.id) == []
    identity.confirm_partner(sender, pair.receiver_entry.id)
    _referral, data = refer_and_seal(sender, case.case_code, pair.receiver_entry.name)
    with pytest.raises(receive.UnconfirmedSender):
        receive.receive(receiver, data, "r.sdreferral")
    assert inbox.list_received(receiver) == []
    sender.close()
    receiver.close()


def test_erasing_the_client_at_the_receiver_removes_the_inbox_entry(pair: Pair) -> None:
    from shelterdesk.store.records import erasure

    _case_, (_referral, data) = _consented_referral(pair, ["name", "contact"])
    entry_id = receive.receive(pair.receiver, data, "r.sdreferral").target_id
    entry, _status_file = inbox.accept(pair.receiver, entry_id, victim_status="presumed",
                                       risk_level="high")
    erasure.erase_client(pair.receiver, entry.case_id)
    assert inbox.list_received(pair.receiver) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_changed_byte_is_refused(data) -> None:
    """Sign-then-seal: whichever byte of a file is changed, it does not open."""
    sender, receiver = new_keys(), new_keys()
    message = {"v": 1, "id": "m", "kind": "erase", "from_name": "x", "referral_id": "r"}
    sealed = bytearray(seal(sender, receiver.signing_public, receiver.exchange_public, message))
    where = data.draw(st.integers(0, len(sealed) - 2))  # the last byte is the newline
    sealed[where] ^= data.draw(st.integers(1, 255))
    with pytest.raises((TamperedFile, WrongRecipient, NotAnExchangeFile,
                        NewerExchangeVersion)):
        open_file(receiver, bytes(sealed), "f.sdreferral")


def test_a_lost_answer_is_made_again_and_completed_says_accepted_too(pair: Pair) -> None:
    referral, data = refer_and_seal(pair.sender, _case(pair.sender).case_code,
                                    pair.receiver_entry.name)
    entry_id = receive.receive(pair.receiver, data, "r.sdreferral").target_id
    inbox.accept(pair.receiver, entry_id, victim_status="presumed", risk_level="low")
    _lost = inbox.complete(pair.receiver, entry_id, "Done.")  # neither file arrives
    receive.receive(pair.sender, inbox.answer_again(pair.receiver, entry_id), "again")
    back = referrals.get_referral(pair.sender, referral.id)
    assert back.status == "completed" and back.outcome == "Done."
    with pytest.raises(outbox.StatusOutOfOrder):  # a second copy changes nothing
        receive.receive(pair.sender, inbox.answer_again(pair.receiver, entry_id), "again2")
