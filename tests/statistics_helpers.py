"""A hand-built vault whose statistics are known; translators from the pending catalogs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shelterdesk.domain.care import LegalConsultation, MedicalService, OtherService
from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.referrals import Organisation, Referral
from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.i18n import Translator
from shelterdesk.store.keys import users
from shelterdesk.store.records import care, clients, organisations, referrals, shelters, stays
from shelterdesk.store.statistics.aggregates import Period
from shelterdesk.store.vault import Session

Q1 = Period(date(2026, 1, 1), date(2026, 4, 1))


@dataclass
class KnownVault:
    codes: list[str]
    names: list[str]
    phones: list[str]
    births: list[str]
    documents: list[str]
    shelter_a: str
    shelter_b: str
    worker_id: str


PEOPLE = [
    # given, family, sex, date of birth, age estimate, nationality, phone, document
    ("Aynur", "Məmmədova", "female", date(1999, 4, 12), None, "AZ", "+994 50 123 45 67", "AA1"),
    ("Gülnar", "Rzayeva", "female", date(2010, 3, 1), None, "UZ", "+994 55 222 33 44", "AB2"),
    ("Rəşad", "Quliyev", "male", None, 40, "RU", "+994 70 333 44 55", "AC3"),
    ("Lalə", "Hüseynova", "female", date(2017, 6, 1), None, "AZ", "+994 77 444 55 66", "AD4"),
    ("Nigar", "Abbasova", "female", date(2008, 1, 10), None, "AZ", "+994 51 555 66 77", "AE5"),
    ("Tural", "Kərimov", "unknown", None, None, "", "+994 50 666 77 88", "AF6"),
    ("Könül", "Babayeva", "female", date(1990, 5, 5), None, "GE", "+994 50 777 88 99", "AG7"),
]
CASES = [
    # intake, exploitation types, channel, platform, identified by, victim status
    (date(2026, 1, 10), ["sexual"], "dating_app", "tinder", "ngo", "presumed"),
    (date(2026, 2, 15), ["forced_labour", "domestic_servitude"], "social_network", "instagram",
     "police", "identified"),
    (date(2026, 3, 20), ["forced_labour"], "online_job_ad", "telegram", "hotline", "presumed"),
    (date(2026, 1, 5), ["sexual"], "family", "", "ngo", "presumed"),
    (date(2026, 1, 9), [], "", "", "", "presumed"),  # age 17: the day before 18
    (date(2025, 12, 31), ["sexual"], "other", "", "ngo", "presumed"),  # before the period
    (date(2026, 4, 1), ["sexual"], "acquaintance", "", "ngo", "presumed"),  # after it
]


def build_known_vault(admin: Session) -> KnownVault:
    """Seven clients, four beds in two shelters, services, stays and referrals (see tests)."""
    worker = users.add_user(admin, "leyla", [Role.CASE_WORKER], "case worker passphrase")
    made = []
    for person, (intake, types, channel, platform, source, status) in zip(PEOPLE, CASES,
                                                                         strict=True):
        given, family, sex, born, estimate, nationality, phone, document = person
        client = Client(given, family, sex=sex, date_of_birth=born, age_estimate=estimate,
                        nationality=nationality, phone=phone, document_number=document,
                        address="Bakı, gizli ünvan")
        case = Case(intake, types, channel, platform, identified_by=source, victim_status=status,
                    risk_level="medium",
                    status_decision_date=intake if status == "identified" else None,
                    status_authority="police" if status == "identified" else "",
                    means_of_control=["debt_bondage"], needs_summary="SECRET-NEEDS-NOTE")
        made.append(clients.create_intake(admin, client, case))
    third = made[2]
    third.assigned_worker_id = worker.id
    clients.update_case(admin, third)
    a = shelters.add_shelter(admin, Shelter("Ümid evi", address="Bakı"))
    b = shelters.add_shelter(admin, Shelter("Şimal"))
    room_a = shelters.add_room(admin, Room(a.id, "1"))
    room_b = shelters.add_room(admin, Room(b.id, "1"))
    beds = [shelters.add_bed(admin, Bed(room_a.id, f"A{i}")).id for i in range(3)]
    beds.append(shelters.add_bed(admin, Bed(room_b.id, "B1")).id)
    for case, bed, admitted, discharged in (
            (made[0], beds[0], date(2025, 12, 20), date(2026, 1, 10)),
            (made[1], beds[1], date(2026, 2, 15), date(2026, 3, 1)),
            (made[2], beds[2], date(2026, 3, 20), None),
            (made[3], beds[3], date(2026, 3, 31), date(2026, 4, 5))):
        stay = stays.admit(admin, case.id, bed, admitted)
        if discharged:
            stays.discharge(admin, stay.id, discharged)
    care.add_legal_consultation(admin, LegalConsultation(made[0].id, date(2026, 1, 15),
                                                         "compensation", summary="PRIVILEGED"))
    care.add_medical_service(admin, MedicalService(made[0].id, date(2026, 2, 1), "examination"))
    care.add_medical_service(admin, MedicalService(made[1].id, date(2026, 3, 31), "treatment"))
    care.add_other_service(admin, OtherService(made[2].id, date(2026, 4, 1), "psychosocial"))
    care.add_other_service(admin, OtherService(made[1].id, date(2025, 12, 31), "interpretation"))
    care.add_other_service(admin, OtherService(made[1].id, date(2026, 2, 2), "psychosocial"))
    ngo = organisations.add_organisation(admin, Organisation("Hüquqi Yardım", "ngo", ["legal"]))
    state = organisations.add_organisation(admin, Organisation("Polis", "state", ["legal"]))
    referrals.create_referral(admin, Referral(made[0].id, ngo.id, ["legal"], date(2026, 1, 20),
                                              status="sent", anonymized=True))
    second = referrals.create_referral(admin, Referral(made[1].id, state.id, ["legal"],
                                                       date(2026, 2, 10), status="sent",
                                                       anonymized=True))
    referrals.set_status(admin, second.id, "accepted", on=date(2026, 2, 12))
    referrals.create_referral(admin, Referral(made[2].id, ngo.id, ["medical"], date(2026, 4, 2),
                                              status="sent", anonymized=True))
    return KnownVault(
        codes=[c.case_code for c in made], names=[n for p in PEOPLE for n in p[:2]],
        phones=[p[6] for p in PEOPLE], births=[p[3].isoformat() for p in PEOPLE if p[3]],
        documents=[p[7] for p in PEOPLE], shelter_a=a.id, shelter_b=b.id, worker_id=worker.id)


def FragmentTranslator(language: str) -> Translator:  # noqa: N802 - reads like a class
    """The app's translator: its catalogs layer translations/pending/ on top until merged."""
    return Translator(language)
