"""Plausible synthetic cases for demos and benchmarks: never a real person.

Azerbaijani and Russian names, realistic mixes of exploitation types and
recruitment channels (social networks and dating apps rising), services,
stays, consents, referrals, notes and follow-ups. Written in bulk, in batches
of one transaction each, so 100,000 clients take well under two minutes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from shelterdesk.domain import case_codes, codes_case, codes_services
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.keys import compartments
from shelterdesk.store.records import referrals, search
from shelterdesk.store.records.demo_words import DemoWords, words_for
from shelterdesk.store.rows import dumps, now
from shelterdesk.store.vault import Session

NATIONALITIES = ["AZ"] * 14 + ["UZ", "TJ", "KG", "RU", "UA", "GE", "NP", "IN", "PH", "TM"]
DESTINATIONS = ["TR", "AE", "RU", "AZ", "IR", "GE", "CY", "DE", "QA"]
CHANNEL_WEIGHTS = {"social_network": 30, "dating_app": 14, "online_job_ad": 18,
                   "offline_job_ad": 9, "acquaintance": 12, "family": 6, "intimate_partner": 7,
                   "other": 4}
PLATFORMS_BY_CHANNEL = {
    "social_network": ["facebook", "instagram", "tiktok", "vkontakte", "odnoklassniki",
                       "telegram", "whatsapp"],
    "dating_app": ["tinder", "badoo", "telegram", "other"],
    "online_job_ad": ["facebook", "telegram", "instagram", "other"],
}
EXPLOITATION_WEIGHTS = {"sexual": 40, "forced_labour": 30, "domestic_servitude": 10,
                        "forced_marriage": 7, "forced_begging": 5, "forced_criminality": 4,
                        "organ_removal": 1, "other": 3}
class BedBook:
    """Which nights each bed is taken (half-open: the day of leaving is free again)."""

    def __init__(self, beds: list[str]) -> None:
        self.beds = list(beds)
        self.taken: dict[str, list[tuple[date, date | None]]] = {b: [] for b in beds}

    def add(self, bed: str, start: date, end: date | None) -> None:
        self.taken.setdefault(bed, []).append((start, end))

    def is_free(self, bed: str, start: date, end: date | None) -> bool:
        far = date.max
        return all((end or far) <= other_start or (other_end or far) <= start
                   for other_start, other_end in self.taken.get(bed, []))

    def free_from(self, bed: str) -> date | None:
        """None when someone is in the bed now (an open stay)."""
        ends = [end for _start, end in self.taken.get(bed, [])]
        if any(end is None for end in ends):
            return None
        return max(ends, default=date.min)

    def pick(self, rng: random.Random, start: date, end: date) -> str | None:
        free = [b for b in self.beds if self.is_free(b, start, end)]
        return rng.choice(free) if free else None


@dataclass(frozen=True)
class DemoSummary:
    clients: int
    services: int
    stays: int


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng: random.Random, words: DemoWords) -> tuple[str, str, str]:
    sex = "female" if rng.random() < 0.78 else "male"
    given = rng.choice(words.female if sex == "female" else words.male)
    family = rng.choice(words.family) + (words.feminine_suffix if sex == "female" else "")
    return given, family, sex


def _ensure_directory(connection: Connection, rng: random.Random, stamp: str,
                      words: DemoWords) -> tuple[list, list]:
    orgs = [r[0] for r in connection.execute("SELECT id FROM organisations")]
    if not orgs:
        for name, kind, services in words.organisations:
            org_id = _uuid(rng)
            connection.execute(
                "INSERT INTO organisations (id, name, kind, services, contact_person, phone,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (org_id, name, kind, dumps(list(services)), words.contact_person,
                 f"+994 12 {rng.randint(400, 599)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                 stamp, stamp))
            orgs.append(org_id)
    beds = [r[0] for r in connection.execute("SELECT id FROM beds")]
    if not beds:
        for shelter_name in words.shelters:
            shelter_id = _uuid(rng)
            connection.execute("INSERT INTO shelters (id, name, address, created_at)"
                               " VALUES (?, ?, ?, ?)", (shelter_id, shelter_name,
                                                        words.address, stamp))
            for room_number in range(1, 5):
                room_id = _uuid(rng)
                connection.execute("INSERT INTO rooms (id, shelter_id, name, created_at)"
                                   " VALUES (?, ?, ?, ?)",
                                   (room_id, shelter_id, words.room.format(number=room_number),
                                    stamp))
                for bed_number in range(1, 4):
                    bed_id = _uuid(rng)
                    connection.execute("INSERT INTO beds (id, room_id, label, created_at)"
                                       " VALUES (?, ?, ?, ?)",
                                       (bed_id, room_id, words.bed.format(number=bed_number),
                                        stamp))
                    beds.append(bed_id)
    return orgs, beds


def generate(session: Session, clients: int, seed: int = 1, *, services_per_client: float = 3.0,
             batch: int = 5000, today: date | None = None, language: str = "az") -> DemoSummary:
    """Add ``clients`` synthetic clients (each with one case) to the vault; coordinator only.

    ``language``: the language of names, organisations, rooms and notes (az, ru, en).
    """
    session.require_role(Role.COORDINATOR, action=N_("generate demo data"))
    rng = random.Random(seed)
    today = today or date.today()
    prefix = session.meta("case_prefix", "SD")
    total_services = total_stays = 0
    words = words_for(language)
    with session.lock, transaction(session.connection) as connection:
        orgs, beds = _ensure_directory(connection, rng, now(), words)
        booked = BedBook(beds)
        for bed_id, admitted, discharged in connection.execute(
                "SELECT bed_id, admitted_on, discharged_on FROM stays"):
            booked.add(bed_id, date.fromisoformat(admitted),
                       date.fromisoformat(discharged) if discharged else None)
    free_beds = [b for b in beds if booked.free_from(b) is not None]
    with session.lock:
        used_codes = {r[0] for r in session.connection.execute("SELECT case_code FROM cases")}
    done = 0
    while done < clients:
        size = min(batch, clients - done)
        with session.lock, transaction(session.connection) as connection:
            services, stays_made = _batch(connection, rng, size, prefix, orgs, free_beds, today,
                                          services_per_client, session.user.id, used_codes,
                                          words, booked)
        total_services += services
        total_stays += stays_made
        done += size
    with session.lock, transaction(session.connection) as connection:
        # Written in bulk as plaintext, sealed here in the compartments this session holds.
        compartments.seal_plaintext(connection, session.compartments)
        audit.append(connection, session.user.id, "demo.generate", "vault", "",
                     clients=clients, seed=seed)
    return DemoSummary(clients, total_services, total_stays)


def _batch(connection: Connection, rng: random.Random, size: int, prefix: str, orgs: list[str],
           free_beds: list[str], today: date, services_per_client: float,
           user_id: str, used_codes: set[str], words: DemoWords,
           booked: BedBook) -> tuple[int, int]:
    clients_rows, cases_rows, legal, medical, other = [], [], [], [], []
    stays_rows, consents_rows, notes_rows, tasks_rows, referrals_rows = [], [], [], [], []
    for _ in range(size):
        given, family, sex = _person(rng, words)
        client_id, case_id = _uuid(rng), _uuid(rng)
        intake = today - timedelta(days=rng.randint(0, 3 * 365))
        age = rng.choices([rng.randint(12, 17), rng.randint(18, 24), rng.randint(25, 34),
                           rng.randint(35, 44), rng.randint(45, 60)],
                          weights=[10, 32, 33, 17, 8])[0]
        born = intake - timedelta(days=365 * age + rng.randint(0, 364))
        known_birth = rng.random() < 0.8
        phone = (f"+994 {rng.choice(['50', '51', '55', '70', '77'])} {rng.randint(100, 999)}"
                 f" {rng.randint(10, 99)} {rng.randint(10, 99)}") if rng.random() < 0.85 else ""
        clients_rows.append((client_id, given, family, sex,
                             born.isoformat() if known_birth else None,
                             None if known_birth else age, rng.choice(NATIONALITIES),
                             dumps(["az", "ru"] if rng.random() < 0.6 else ["az"]), phone,
                             intake.isoformat()))
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        platform = rng.choice(PLATFORMS_BY_CHANNEL[channel]) \
            if channel in PLATFORMS_BY_CHANNEL else ""
        exploitation = sorted({_weighted(rng, EXPLOITATION_WEIGHTS)
                               for _ in range(rng.choice([1, 1, 1, 2]))})
        control = rng.sample(codes_case.MEANS_OF_CONTROL.codes[:-1], rng.randint(1, 4))
        code = case_codes.generate(prefix, intake, rng)
        while code in used_codes:
            code = case_codes.generate(prefix, intake, rng)
        used_codes.add(code)
        activity = datetime.combine(intake, datetime.min.time(), UTC) + timedelta(
            minutes=rng.randint(0, 60 * 24 * max(1, (today - intake).days)))
        status = "open" if (today - intake).days < 200 else rng.choice(
            ["open", "follow_up", "closed", "closed_referred"])
        cases_rows.append((case_id, client_id, code, status, intake.isoformat(),
                           dumps(exploitation), channel, platform, dumps(control),
                           rng.choice(["presumed", "presumed", "identified"]),
                           rng.choice(["police", "ngo", "hotline", "self_referral", "embassy"]),
                           dumps(["AZ"] if rng.random() < 0.8 else ["UZ"]),
                           dumps([rng.choice(DESTINATIONS)]),
                           rng.choice(["low", "medium", "medium", "high"]), user_id,
                           activity.strftime("%Y-%m-%dT%H:%M:%S.%fZ")))
        count = max(0, int(rng.expovariate(1 / services_per_client) + 0.5))
        for _ in range(count):
            day = (intake + timedelta(days=rng.randint(0, 120))).isoformat()
            kind = rng.random()
            if kind < 0.3:
                legal.append((_uuid(rng), case_id, day,
                              rng.choice(codes_services.LEGAL_TOPICS.codes),
                              words.legal_summary, rng.randint(20, 90)))
            elif kind < 0.6:
                medical.append((_uuid(rng), case_id, day,
                                rng.choice(codes_services.MEDICAL_KINDS.codes),
                                words.medical_summary))
            else:
                other.append((_uuid(rng), case_id, day,
                               rng.choice(codes_services.OTHER_SERVICE_KINDS.codes)))
        if rng.random() < 0.3:
            admitted = intake + timedelta(days=rng.randint(0, 5))
            open_bed = next((b for b in reversed(free_beds)
                             if booked.is_free(b, admitted, None)), None)
            if open_bed and status == "open" and rng.random() < 0.5:
                free_beds.remove(open_bed)
                booked.add(open_bed, admitted, None)
                stays_rows.append((_uuid(rng), case_id, open_bed, admitted.isoformat(),
                                   None, ""))
            else:
                discharged = admitted + timedelta(days=rng.randint(3, 90))
                # A past stay goes to a bed that was free all those nights, or is left out:
                # two people on one bed made the demo's occupancy read 103 %.
                bed = booked.pick(rng, admitted, discharged) if discharged <= today else None
                if bed is not None:
                    booked.add(bed, admitted, discharged)
                    stays_rows.append((_uuid(rng), case_id, bed, admitted.isoformat(),
                                       discharged.isoformat(), "reintegrated"))
        if rng.random() < 0.7:
            org = rng.choice(orgs)
            consents_rows.append((_uuid(rng), case_id, "referral", "signed", org,
                                  intake.isoformat(),
                                  (intake + timedelta(days=365)).isoformat()))
            if rng.random() < 0.6:
                referrals_rows.append((_uuid(rng), case_id, org, dumps(["legal"]),
                                       rng.choice(["sent", "accepted", "completed"]),
                                       intake.isoformat()))
        if rng.random() < 0.5:
            notes_rows.append((_uuid(rng), case_id, user_id, rng.choice(
                list(words.notes))))
        if status == "open" and rng.random() < 0.4:
            tasks_rows.append((_uuid(rng), case_id,
                               (today + timedelta(days=rng.randint(-10, 30))).isoformat(),
                               rng.choice(codes_services.FOLLOW_UP_KINDS.codes), user_id))
    stamp = now()
    connection.executemany(
        "INSERT INTO clients (id, given_name, family_name, sex, date_of_birth, age_estimate,"
        " nationality, languages, phone, created_at, updated_at) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [(*r[:9], stamp, stamp) for r in clients_rows])
    connection.executemany(
        "INSERT INTO cases (id, client_id, case_code, status, intake_date, exploitation_types,"
        " recruitment_channel, recruitment_platform, means_of_control, victim_status,"
        " identified_by, countries_origin, countries_destination, risk_level,"
        " assigned_worker_id, last_activity_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*r, stamp, stamp) for r in cases_rows])
    connection.executemany(
        "INSERT INTO legal_consultations (id, case_id, date, topic, summary, duration_minutes,"
        " advisor_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(*r, user_id, stamp) for r in legal])
    connection.executemany(
        "INSERT INTO medical_services (id, case_id, date, kind, summary, staff_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", [(*r, user_id, stamp) for r in medical])
    connection.executemany(
        "INSERT INTO other_services (id, case_id, date, kind, staff_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)", [(*r, user_id, stamp) for r in other])
    connection.executemany(
        "INSERT INTO stays (id, case_id, bed_id, admitted_on, discharged_on, discharge_reason,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [(*r, stamp) for r in stays_rows])
    connection.executemany(
        "INSERT INTO consents (id, case_id, purpose, method, to_org_id, given_on, expires_on,"
        " recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*r, user_id, stamp) for r in consents_rows])
    number = referrals.number_allocator(connection)  # readable numbers, as the app gives
    connection.executemany(
        "INSERT INTO referrals (id, case_id, to_org_id, services, status, referred_on,"
        " status_changed_on, created_by, created_at, number)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*r, r[5], user_id, stamp, number(date.fromisoformat(r[5])))
         for r in referrals_rows])
    connection.executemany(
        "INSERT INTO notes (id, case_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
        [(*r, stamp) for r in notes_rows])
    connection.executemany(
        "INSERT INTO follow_ups (id, case_id, due_on, kind, assigned_to, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)", [(*r, stamp) for r in tasks_rows])
    notes_by_case = {r[1]: r[3] for r in notes_rows}
    search.index_new_cases(connection, [
        (case[0], client[1], client[2], "", client[8], case[2], notes_by_case.get(case[0], ""))
        for client, case in zip(clients_rows, cases_rows, strict=True)])
    return len(legal) + len(medical) + len(other), len(stays_rows)
