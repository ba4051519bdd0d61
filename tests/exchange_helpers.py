"""Two organisations' vaults that know each other's confirmed keys (referral exchange tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shelterdesk.domain.referrals import Organisation
from shelterdesk.store.exchange import identity
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Session, Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE


@dataclass
class Pair:
    sender: Session
    receiver: Session
    receiver_entry: Organisation  # the receiver in the sender's directory
    sender_entry: Organisation  # the sender in the receiver's directory


def open_vault(directory: Path, org_name: str, prefix: str) -> Session:
    vault = Vault(directory)
    vault.create(ADMIN, ADMIN_PASSPHRASE, org_name=org_name, prefix=prefix)
    return vault.unlock(ADMIN, ADMIN_PASSPHRASE)


def introduce(sender: Session, receiver: Session, *, confirm: bool = True) -> Pair:
    """Each adds the other to its directory with the other's code, and (by default) confirms."""
    to_entry = organisations.add_organisation(sender, Organisation(
        "Hüquqi Yardım Mərkəzi", "ngo", ["legal", "shelter"]))
    from_entry = organisations.add_organisation(receiver, Organisation(
        "Təmiz Ürək NGO", "ngo", ["shelter"]))
    identity.add_partner_code(sender, to_entry.id, identity.our_code(receiver))
    identity.add_partner_code(receiver, from_entry.id, identity.our_code(sender))
    if confirm:
        identity.confirm_partner(sender, to_entry.id)
        identity.confirm_partner(receiver, from_entry.id)
    return Pair(sender, receiver, to_entry, from_entry)
