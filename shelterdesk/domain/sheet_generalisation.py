"""An anonymized sheet checked as a whole: its quasi-identifiers together must match k clients.

Sex, age band, nationality (or region), languages and exploitation types are
each harmless alone and identifying together ("Micronesia (region)", sex
"other", "Icelandic and Georgian" may each match one client of 403). The
combination printed must match at least k clients of the vault, the client
herself included. Before any check, a nationality or a language shared by fewer
than k clients is already generalised (to its region, to "another language").
Then, while fewer than k clients match, one more step is taken, in this fixed
order (docs/referrals.md):

1. languages → not shown;
2. nationality → its region;
3. region → not shown ("another region");
4. sex "other" → not stated;
5. age band → minor or adult;
6. minor or adult → not shown;
7. exploitation types → not shown;
8. sex → not shown.

A client matches when her own values, generalised at the same steps, print the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from shelterdesk.domain import regions

OTHER_LANGUAGE = "*"  # printed as "another language"
MINOR, ADULT = "0-17", "18+"
STEPS: tuple[tuple[str, int], ...] = (
    ("languages", 1), ("nationality", 1), ("nationality", 2), ("sex", 1), ("age", 1),
    ("age", 2), ("exploitation", 1), ("sex", 2))
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-11", 0, 11), ("12-17", 12, 17), ("18-24", 18, 24), ("25-34", 25, 34),
    ("35-44", 35, 44), ("45+", 45, None))


@dataclass(frozen=True)
class QuasiIdentifiers:
    """One client's values as they could be printed (age in whole years on the sheet's day)."""

    sex: str
    age: int | None
    country: str
    languages: tuple[str, ...]
    exploitation: tuple[str, ...]


@dataclass(frozen=True)
class Printed:
    """What the sheet shows, and which fields were generalised to reach k."""

    sex: str
    age_band: str  # "" = not known; MINOR / ADULT when widened
    country: str
    region: str
    languages: tuple[str, ...]  # OTHER_LANGUAGE for a rare one
    exploitation: tuple[str, ...]
    hidden: frozenset[str]  # fields not shown at all ("languages", "nationality", ...)
    generalised: tuple[str, ...]  # fields changed to reach k, in the order above
    matching: int  # clients of the vault this combination matches


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return ""
    for code, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return code
    return ""


@dataclass(frozen=True)
class _Context:
    countries: frozenset[str]  # shared by at least k clients
    languages: frozenset[str]


def _at(q: QuasiIdentifiers, levels: dict[str, int], context: _Context) -> tuple:
    """The printed tuple of one client at the given levels."""
    if levels["languages"] >= 1:
        languages: tuple[str, ...] = ("-",)
    else:
        languages = tuple(sorted({lang if lang in context.languages else OTHER_LANGUAGE
                                  for lang in q.languages}))
    country, region = q.country, ""
    if country and (levels["nationality"] >= 1 or country not in context.countries):
        found = regions.region_of(country)
        country, region = "", found.m49 if found else ""
    if levels["nationality"] >= 2:
        country, region = "", "-"
    sex = q.sex or "unknown"
    if levels["sex"] >= 1 and sex == "other":
        sex = "unknown"
    if levels["sex"] >= 2:
        sex = "-"
    band = age_band(q.age)
    if levels["age"] == 1 and q.age is not None and q.age >= 0:
        band = MINOR if q.age < 18 else ADULT
    elif levels["age"] >= 2:
        band = "-"
    exploitation = ("-",) if levels["exploitation"] >= 1 else tuple(sorted(set(q.exploitation)))
    return sex, band, country, region, languages, exploitation


def generalise(target: QuasiIdentifiers, population: Iterable[QuasiIdentifiers],
               k: int) -> Printed:
    """The least generalised printing of ``target`` that matches at least k of ``population``
    (which holds the target herself)."""
    people = Counter(population)
    by_country: Counter = Counter()
    by_language: Counter = Counter()
    for q, n in people.items():
        by_country[q.country] += n
        for lang in set(q.languages):
            by_language[lang] += n
    context = _Context(frozenset(c for c, n in by_country.items() if c and n >= k),
                       frozenset(lang for lang, n in by_language.items() if n >= k))
    levels = {"languages": 0, "nationality": 0, "sex": 0, "age": 0, "exploitation": 0}
    steps = iter(STEPS)
    generalised: list[str] = []
    if target.country and target.country not in context.countries:
        generalised.append("nationality")  # a rare nationality: its region from the start
    if any(lang not in context.languages for lang in target.languages):
        generalised.append("languages")  # a rare language: "another language"
    while True:
        printed = _at(target, levels, context)
        matching = sum(n for q, n in people.items() if _at(q, levels, context) == printed)
        if matching >= k:
            break
        step = next(steps, None)
        if step is None:
            break  # everything generalised: a vault this small has nothing more to give
        field, level = step
        levels[field] = level
        if field not in generalised and _at(target, levels, context) != printed:
            generalised.append(field)
    sex, band, country, region, languages, exploitation = printed
    hidden = frozenset(f for f, shown in (("languages", languages), ("nationality", region),
                                          ("age", band), ("exploitation", exploitation),
                                          ("sex", sex))
                       if shown in ("-", ("-",)))
    return Printed("" if sex == "-" else sex, "" if band == "-" else band, country,
                   "" if region == "-" else region,
                   () if languages == ("-",) else languages,
                   () if exploitation == ("-",) else exploitation, hidden,
                   tuple(generalised), matching)
