"""Three organisations and a ministry that know each other's confirmed keys, each
organisation with a few cases in 2026's first quarter (statistics exchange tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.referrals import Organisation
from shelterdesk.store.exchange import identity
from shelterdesk.store.records import clients, organisations
from shelterdesk.store.vault import Session
from tests.exchange_helpers import open_vault

QUARTER_DAY = date(2026, 5, 1)  # "today" for submitting 2026Q1: the quarter is over
MINISTRY = "Daxili İşlər Nazirliyi"
ORGS = (("Təmiz Ürək NGO", "TU"), ("Hüquqi Yardım Mərkəzi", "HY"), ("Ümid Evi", "UE"))
# (sex, nationality, month) of each organisation's intakes: a lone man in one, a lone
# Uzbek national in another — cells of one person that no national table may show.
PEOPLE = (
    [("female", "AZ", 1)] * 6 + [("female", "AZ", 2)] * 4 + [("male", "AZ", 3)],
    [("female", "AZ", 1)] * 3 + [("female", "UZ", 2)] + [("male", "AZ", 2)] * 2,
    [("female", "AZ", 3)] * 7 + [("male", "AZ", 1)] * 5,
)


@dataclass
class Coalition:
    ministry: Session
    senders: list[Session]
    ministry_entry: list[Organisation] = field(default_factory=list)  # in each sender's list
    sender_entries: list[Organisation] = field(default_factory=list)  # in the ministry's

    def close(self) -> None:
        for session in [self.ministry, *self.senders]:
            session.close()


def intakes(session: Session, people: list[tuple[str, str, int]]) -> None:
    for n, (sex, nationality, month) in enumerate(people):
        clients.create_intake(session, Client(f"Ad{n}", "Soyad", sex=sex, age_estimate=30,
                                              nationality=nationality),
                              Case(date(2026, month, 10), ["sexual"], "social_network",
                                   "instagram", victim_status="presumed", risk_level="low"))


def introduce(sender: Session, ministry: Session, sender_name: str
              ) -> tuple[Organisation, Organisation]:
    to_entry = organisations.add_organisation(sender, Organisation(MINISTRY, "state", ["legal"]))
    from_entry = organisations.add_organisation(ministry, Organisation(sender_name, "ngo",
                                                                       ["shelter"]))
    identity.add_partner_code(sender, to_entry.id, identity.our_code(ministry))
    identity.add_partner_code(ministry, from_entry.id, identity.our_code(sender))
    identity.confirm_partner(sender, to_entry.id)
    identity.confirm_partner(ministry, from_entry.id)
    return to_entry, from_entry


def coalition(root: Path, count: int = 3) -> Coalition:
    ministry = open_vault(root / "ministry", MINISTRY, "DI")
    made = Coalition(ministry, [])
    for (name, prefix), people in list(zip(ORGS, PEOPLE, strict=True))[:count]:
        sender = open_vault(root / prefix, name, prefix)
        intakes(sender, people)
        to_entry, from_entry = introduce(sender, ministry, name)
        made.senders.append(sender)
        made.ministry_entry.append(to_entry)
        made.sender_entries.append(from_entry)
    return made
