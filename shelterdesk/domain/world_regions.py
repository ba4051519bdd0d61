"""Nationalities generalised step by step for statistics: country, M49 region, continent.

Regions are those of ``shelterdesk.domain.regions`` (the anonymized referral
sheet's), so a rare nationality reads the same on every printed page.
"""

from __future__ import annotations

from shelterdesk.domain.regions import region_of

# The code used for a country no region lists.
WORLD = "001"

_CONTINENT = {
    "015": "002", "014": "002", "017": "002", "018": "002", "011": "002",  # Africa
    "029": "019", "013": "019", "005": "019", "021": "019",  # Americas
    "143": "142", "030": "142", "035": "142", "034": "142", "145": "142",  # Asia
    "151": "150", "154": "150", "039": "150", "155": "150",  # Europe
    "053": "009", "054": "009", "057": "009", "061": "009",  # Oceania
}


def subregion(country: str) -> str:
    """The M49 region code of an ISO 3166 alpha-2 code; ``WORLD`` if unknown, "" if empty."""
    if not country:
        return ""
    found = region_of(country)
    return found.m49 if found else WORLD


def continent(country: str) -> str:
    region = subregion(country)
    return _CONTINENT.get(region, WORLD) if region else ""
