"""Organisation codes and safety numbers (issue 22, item 1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelterdesk.domain import org_codes
from shelterdesk.domain.org_codes import BadOrganisationCode, OrganisationCode
from shelterdesk.store.exchange import identity
from tests.exchange_helpers import introduce, open_vault

KEYS = st.binary(min_size=32, max_size=32)
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@settings(max_examples=60, deadline=None)
@given(KEYS, KEYS, st.text(min_size=1, max_size=60), st.sampled_from(
    ["", "https://relay.example.org#" + "ab" * 16]))
def test_a_code_reads_back_what_it_carries(signing: bytes, exchange: bytes, name: str,
                                           mailbox: str) -> None:
    code = OrganisationCode(name.strip() or "x", signing, exchange, mailbox=mailbox)
    text = org_codes.encode(code)
    back = org_codes.decode(text.lower().replace("-", " "))
    assert (back.signing_key, back.exchange_key, back.mailbox) == (signing, exchange, mailbox)
    assert back.name == code.name.strip()


@settings(max_examples=200, deadline=None)
@given(KEYS, KEYS, st.data())
def test_a_mistyped_letter_is_caught(signing: bytes, exchange: bytes, data) -> None:
    text = org_codes.encode(OrganisationCode("Hüquqi Yardım Mərkəzi", signing, exchange))
    positions = [i for i, c in enumerate(text) if c in B32 and i > 7]
    where = data.draw(st.sampled_from(positions))
    other = data.draw(st.sampled_from([c for c in B32 if c != text[where]]))
    typo = text[:where] + other + text[where + 1:]
    with pytest.raises(BadOrganisationCode):
        org_codes.decode(typo)


def test_a_cut_code_and_rubbish_are_refused() -> None:
    text = org_codes.encode(OrganisationCode("A", os.urandom(32), os.urandom(32)))
    for bad in (text[:-6], "", "hello", "SDORG1-", text.replace("SDORG1", "SDORG9")):
        with pytest.raises((BadOrganisationCode, org_codes.UnsupportedCodeVersion)):
            org_codes.decode(bad)


def test_the_safety_number_is_the_same_on_both_sides_and_changes_with_a_key() -> None:
    a, b = (os.urandom(32), os.urandom(32)), (os.urandom(32), os.urandom(32))
    number = org_codes.safety_number(a, b)
    assert number == org_codes.safety_number(b, a)
    groups = number.split(" ")
    assert len(groups) == 12 and all(len(g) == 5 and g.isdigit() for g in groups)
    assert org_codes.safety_number(a, (os.urandom(32), b[1])) != number


def test_two_vaults_read_the_same_safety_number(tmp_path: Path) -> None:
    sender = open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU")
    receiver = open_vault(tmp_path / "b", "Hüquqi Yardım Mərkəzi", "HY")
    pair = introduce(sender, receiver, confirm=False)
    assert identity.safety_number(sender, pair.receiver_entry.id) == \
        identity.safety_number(receiver, pair.sender_entry.id)
    assert not identity.partner_keys(sender, pair.receiver_entry.id).confirmed
    identity.confirm_partner(sender, pair.receiver_entry.id)
    assert identity.partner_keys(sender, pair.receiver_entry.id).confirmed
    # The same keys again (say, with a mailbox now) stay confirmed; a changed key does not.
    identity.add_partner_code(sender, pair.receiver_entry.id, identity.our_code(receiver))
    assert identity.partner_keys(sender, pair.receiver_entry.id).confirmed
    changed = org_codes.encode(OrganisationCode("Hüquqi Yardım Mərkəzi", os.urandom(32),
                                                identity.require_keys(receiver).exchange_public))
    identity.add_partner_code(sender, pair.receiver_entry.id, changed)
    assert not identity.partner_keys(sender, pair.receiver_entry.id).confirmed
    with pytest.raises(identity.OwnCode):
        identity.add_partner_code(sender, pair.receiver_entry.id, identity.our_code(sender))
    sender.close()
    receiver.close()


def test_the_private_keys_are_only_inside_the_vault(tmp_path: Path) -> None:
    session = open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU")
    keys = identity.ensure_identity(session)
    session.close()
    for path in (tmp_path / "a").rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert keys.signing_private not in raw and keys.signing_private.hex().encode() \
                not in raw and keys.exchange_private.hex().encode() not in raw


def test_only_a_coordinator_manages_keys(tmp_path: Path) -> None:
    from shelterdesk.domain.roles import Role
    from tests.records_helpers import add_role_users, login

    session = open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU")
    add_role_users(session)
    worker = login(session.vault, Role.CASE_WORKER)
    with pytest.raises(identity.CoordinatorsOnly):
        identity.our_code(worker)
    worker.close()
    session.close()
