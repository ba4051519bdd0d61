"""Building test clients, cases and users of every role on a real vault."""

from __future__ import annotations

from datetime import date

from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.roles import Role
from shelterdesk.store.keys import users
from shelterdesk.store.records import clients
from shelterdesk.store.vault import Session, Vault

ROLE_USERS = {
    Role.COORDINATOR: "coord2",
    Role.CASE_WORKER: "worker",
    Role.LEGAL_ADVISOR: "lawyer",
    Role.MEDICAL: "doctor",
    Role.STATISTICS: "analyst",
}
ROLE_PASSPHRASE = "role user passphrase"


def add_role_users(admin: Session) -> None:
    for role, name in ROLE_USERS.items():
        users.add_user(admin, name, [role], ROLE_PASSPHRASE)


def login(vault: Vault, role: Role) -> Session:
    return vault.unlock(ROLE_USERS[role], ROLE_PASSPHRASE)


def make_client(**overrides) -> Client:
    values = dict(given_name="Aynur", family_name="Məmmədova", sex="female",
                  date_of_birth=date(1999, 4, 12), nationality="AZ", languages=["az", "ru"],
                  phone="+994 50 123 45 67", address="Bakı, Nizami küç. 5",
                  document_number="AA1234567")
    values.update(overrides)
    return Client(**values)


def make_case(**overrides) -> Case:
    values = dict(intake_date=date(2026, 3, 1), exploitation_types=["sexual"],
                  recruitment_channel="dating_app", recruitment_platform="tinder",
                  means_of_control=["withheld_documents", "debt_bondage"],
                  countries_origin=["AZ"], countries_destination=["TR"], identified_by="ngo",
                  risk_level="high", victim_status="presumed")
    values.update(overrides)
    return Case(**values)


def intake(session: Session, **client_overrides) -> Case:
    return clients.create_intake(session, make_client(**client_overrides), make_case())
