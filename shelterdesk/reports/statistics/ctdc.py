"""A record-level export in the style of CTDC's k-anonymised dataset: one row per case.

Only quasi-identifiers, generalised: year of registration, gender, age band,
citizenship, exploitation flags, method of recruitment and means-of-control
flags; no name, date, phone, address, document, case code, id or free text.
Every column is treated as a quasi-identifier, so every distinct row appears
at least k times. Generalisation follows Datafly: while more than a small share
of cases sit in groups under k, coarsen the column with the most distinct
values; then withhold the rest. The result is verified before it is returned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from shelterdesk.domain import codes_case
from shelterdesk.domain.age_bands import CTDC_BANDS, CTDC_COARSE, band_of, is_minor
from shelterdesk.domain.world_regions import continent, subregion
from shelterdesk.reports.csv_cells import write_rows
from shelterdesk.store.statistics.aggregates import Profile

DEFAULT_K = 11  # as CTDC publishes
WITHHOLD_SHARE = 0.05  # withhold at most this share of cases once generalising stops paying

GENDER = {"female": "Woman", "male": "Man", "other": "Trans/Transgender/NonConforming"}
EXPLOITATION_DETAIL = ["isForcedLabour", "isSexualExploit", "isOtherExploit", "isForcedMarriage",
                       "isOrganRemoval", "typeOfLabourDomesticWork", "typeOfLabourBegging"]
EXPLOITATION_FLAGS = {
    "sexual": {"isSexualExploit"},
    "forced_labour": {"isForcedLabour"},
    "domestic_servitude": {"isForcedLabour", "typeOfLabourDomesticWork"},
    "forced_begging": {"isForcedLabour", "typeOfLabourBegging"},
    "forced_marriage": {"isForcedMarriage"},
    "organ_removal": {"isOrganRemoval"},
    "forced_criminality": {"isOtherExploit"},
    "other": {"isOtherExploit"},
}
BROAD = {"isForcedMarriage": "isOtherExploit", "isOrganRemoval": "isOtherExploit"}
RECRUITMENT_DETAIL = {
    "social_network": "SocialNetwork", "dating_app": "DatingApp", "online_job_ad": "OnlineJobAd",
    "offline_job_ad": "OfflineJobAd", "acquaintance": "Acquaintance", "family": "Familial",
    "intimate_partner": "IntimatePartner", "other": "Other",
}
MEANS = ["meansDebtBondageEarnings", "meansThreats", "meansAbusePsyPhySex", "meansFalsePromises",
         "meansDrugsAlcohol", "meansWithholdDocs", "meansRestrictsMovement", "meansOther"]
MEANS_FLAGS = {
    "debt_bondage": "meansDebtBondageEarnings", "withheld_wages": "meansDebtBondageEarnings",
    "threats_self": "meansThreats", "threats_family": "meansThreats",
    "physical_violence": "meansAbusePsyPhySex", "sexual_violence": "meansAbusePsyPhySex",
    "psychological_abuse": "meansAbusePsyPhySex", "false_promises": "meansFalsePromises",
    "substances": "meansDrugsAlcohol", "withheld_documents": "meansWithholdDocs",
    "restricted_movement": "meansRestrictsMovement", "isolation": "meansOther",
    "other": "meansOther",
}
COLUMNS = (["yearOfRegistration", "gender", "ageBroad", "majorityStatus", "citizenship"]
           + EXPLOITATION_DETAIL + ["methodOfRecruitment"] + MEANS)
# Quasi-identifiers and how many generalisation steps each has (the last: nothing shown).
LEVELS = {"year": 1, "gender": 1, "age": 3, "citizenship": 3, "exploitation": 2,
          "recruitment": 2, "means": 1}


@dataclass
class Summary:
    """What was changed to reach k-anonymity: for the person exporting, and the audit log."""

    k: int
    cases: int
    published: int
    levels: dict[str, int] = field(default_factory=dict)
    countries_to_regions: int = 0

    @property
    def withheld(self) -> int:
        return self.cases - self.published


def _flags(names: set[str], columns: list[str], known: bool) -> list[str]:
    return [("1" if name in names else "0") if known else "" for name in columns]


def _citizenship(country: str, level: int, frequent: set[str]) -> str:
    if not country or level >= 3:
        return ""
    if level == 0 and country in frequent:
        return country
    return subregion(country) if level <= 1 else continent(country)


def generalise(profile: Profile, levels: dict[str, int], frequent: set[str]) -> tuple[str, ...]:
    """One output row for a profile at the given generalisation levels."""
    year, sex, age, country, types, channel, means = profile
    row = [year if levels["year"] == 0 else "",
           GENDER.get(sex, "Unknown") if levels["gender"] == 0 else "Unknown"]
    bands = {0: CTDC_BANDS, 1: CTDC_COARSE}.get(levels["age"])
    row.append(band_of(age, bands) if bands else "")
    minor = is_minor(age) if levels["age"] < 3 else None
    row.append("" if minor is None else ("Minor" if minor else "Adult"))
    row.append(_citizenship(country, levels["citizenship"], frequent))
    flags = set().union(*(EXPLOITATION_FLAGS.get(t, {"isOtherExploit"}) for t in types))
    if levels["exploitation"] == 0:
        row += _flags(flags, EXPLOITATION_DETAIL, bool(types))
    else:
        broad = {BROAD.get(f, f) for f in flags}
        known = bool(types) and levels["exploitation"] == 1
        row += _flags(broad, EXPLOITATION_DETAIL[:3], known) + [""] * 4
    recruitment = ""
    if channel and levels["recruitment"] == 0:
        recruitment = RECRUITMENT_DETAIL.get(channel, "Other")
    elif channel and levels["recruitment"] == 1:
        recruitment = codes_case.RECRUITMENT_CHANNELS.htcds(channel) \
            if channel in codes_case.RECRUITMENT_CHANNELS else "Other"
    row.append(recruitment)
    row += _flags({MEANS_FLAGS.get(m, "meansOther") for m in means}, MEANS,
                  bool(means) and levels["means"] == 0)
    return tuple(row)


def anonymise(profiles: Counter, k: int = DEFAULT_K) -> tuple[list[tuple[str, ...]], Summary]:
    """Rows (one per published case) in which every distinct row occurs at least k times."""
    total = sum(profiles.values())
    by_country: Counter = Counter()
    for profile, count in profiles.items():
        by_country[profile[3]] += count
    frequent = {c for c, n in by_country.items() if c and n >= k}
    levels = dict.fromkeys(LEVELS, 0)
    budget = int(total * WITHHOLD_SHARE)
    while True:
        groups: Counter = Counter()
        for profile, count in profiles.items():
            groups[generalise(profile, levels, frequent)] += count
        small = sum(n for n in groups.values() if n < k)
        open_levels = [q for q in LEVELS if levels[q] < LEVELS[q]]
        if small <= budget or not open_levels:
            break
        distinct = {q: len({row[_span(q)] for row in groups}) for q in open_levels}
        levels[max(open_levels, key=lambda q: (distinct[q], q))] += 1
    rows = sorted(row for row, n in groups.items() if n >= k for _ in range(n))
    rare = {c for c in by_country if c and c not in frequent}
    summary = Summary(k, total, len(rows), dict(levels),
                      sum(by_country[c] for c in rare) if levels["citizenship"] == 0 else 0)
    if not is_k_anonymous(rows, k):
        raise AssertionError("k-anonymity check failed")  # never published
    return rows, summary


def _span(quasi_identifier: str) -> slice:
    start = {"year": 0, "gender": 1, "age": 2, "citizenship": 4, "exploitation": 5,
             "recruitment": 12, "means": 13}[quasi_identifier]
    width = {"age": 2, "exploitation": 7, "means": len(MEANS)}.get(quasi_identifier, 1)
    return slice(start, start + width)


def is_k_anonymous(rows: list[tuple[str, ...]], k: int) -> bool:
    return all(n >= k for n in Counter(rows).values())


def render_ctdc(profiles: Counter, k: int = DEFAULT_K) -> tuple[bytes, Summary]:
    rows, summary = anonymise(profiles, k)
    return write_rows([COLUMNS, *rows]).encode("utf-8"), summary
