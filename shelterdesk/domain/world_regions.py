"""Countries grouped into UN M49 sub-regions and continents, to generalise rare nationalities.

Region codes are M49's, so their names come translated from CLDR (Babel's
territory names) like the countries'.
"""

from __future__ import annotations

_SUBREGIONS = {
    "145": "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",  # Western Asia
    "143": "KG KZ TJ TM UZ",  # Central Asia
    "034": "AF BD BT IN IR LK MV NP PK",  # Southern Asia
    "030": "CN HK JP KP KR MN MO TW",  # Eastern Asia
    "035": "BN ID KH LA MM MY PH SG TH TL VN",  # South-eastern Asia
    "151": "BG BY CZ HU MD PL RO RU SK UA",  # Eastern Europe
    "154": "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ",  # Northern Europe
    "039": "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA XK",  # Southern Europe
    "155": "AT BE CH DE FR LI LU MC NL",  # Western Europe
    "015": "DZ EG EH LY MA SD TN",  # Northern Africa
    "202": "AO BF BI BJ BW CD CF CG CI CM CV DJ ER ET GA GH GM GN GQ GW KE KM LR LS MG ML MR"
           " MU MW MZ NA NE NG RE RW SC SH SL SN SO SS ST SZ TD TG TZ UG YT ZA ZM ZW",
    "419": "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP GT GY HN HT JM"
           " KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI",
    "021": "BM CA GL PM US",  # Northern America
    "009": "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF",
}
_CONTINENT_OF_SUBREGION = {
    "145": "142", "143": "142", "034": "142", "030": "142", "035": "142",
    "151": "150", "154": "150", "039": "150", "155": "150",
    "015": "002", "202": "002", "419": "019", "021": "019", "009": "009",
}
_SUBREGION_OF = {country: region for region, countries in _SUBREGIONS.items()
                 for country in countries.split()}

# The code used for a country no region lists (and, after that, for "not recorded").
WORLD = "001"


def subregion(country: str) -> str:
    """The M49 sub-region of an ISO 3166 alpha-2 code; ``WORLD`` if unknown."""
    return _SUBREGION_OF.get(country.upper(), WORLD) if country else ""


def continent(country: str) -> str:
    region = subregion(country)
    return _CONTINENT_OF_SUBREGION.get(region, WORLD) if region else ""


def is_region(code: str) -> bool:
    return code.isdigit()
