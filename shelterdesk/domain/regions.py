"""Countries grouped into UN M49 geographic regions, to generalise a rare nationality.

The groups are M49's sub-regions, and for Sub-Saharan Africa and Latin America
its intermediate regions (Eastern Africa, Caribbean, …), which are the level of
detail a receiving organisation can still use. Taiwan is placed with Eastern Asia,
and the CLDR-only territories (Canary Islands, Ceuta and Melilla, Diego Garcia, Sark,
Ascension, Tristan da Cunha) with the region of the country they belong to, as
CLDR does.
"""

from __future__ import annotations

from dataclasses import dataclass

from shelterdesk.i18n import N_


@dataclass(frozen=True)
class Region:
    m49: str  # the UN M49 numeric code
    label: str  # marked with N_(); translated when printed
    countries: frozenset[str]  # ISO 3166 alpha-2


def _region(m49: str, label: str, countries: str) -> Region:
    return Region(m49, label, frozenset(countries.split()))


REGIONS: tuple[Region, ...] = (
    _region("015", N_("Northern Africa"), "DZ EG LY MA SD TN EH IC EA"),
    _region("014", N_("Eastern Africa"),
            "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW DG"),
    _region("017", N_("Middle Africa"), "AO CM CF TD CG CD GQ GA ST"),
    _region("018", N_("Southern Africa"), "BW SZ LS NA ZA"),
    _region("011", N_("Western Africa"),
            "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG AC TA"),
    _region("029", N_("Caribbean"),
            "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT"
            " TC VI"),
    _region("013", N_("Central America"), "BZ CR SV GT HN MX NI PA"),
    _region("005", N_("South America"), "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE"),
    _region("021", N_("Northern America"), "BM CA GL PM US"),
    _region("143", N_("Central Asia"), "KZ KG TJ TM UZ"),
    _region("030", N_("Eastern Asia"), "CN HK MO KP JP MN KR TW"),
    _region("035", N_("South-eastern Asia"), "BN KH ID LA MY MM PH SG TH TL VN"),
    _region("034", N_("Southern Asia"), "AF BD BT IN IR MV NP PK LK"),
    _region("145", N_("Western Asia"),
            "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE"),
    _region("151", N_("Eastern Europe"), "BY BG CZ HU PL MD RO RU SK UA"),
    _region("154", N_("Northern Europe"), "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB CQ"),
    _region("039", N_("Southern Europe"), "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES"),
    _region("155", N_("Western Europe"), "AT BE FR DE LI LU MC NL CH"),
    _region("053", N_("Australia and New Zealand"), "AU CX CC HM NZ NF"),
    _region("054", N_("Melanesia"), "FJ NC PG SB VU"),
    _region("057", N_("Micronesia"), "GU KI MH FM NR MP PW UM"),
    _region("061", N_("Polynesia"), "AS CK PF NU PN WS TK TO TV WF"),
)

_BY_COUNTRY: dict[str, Region] = {
    country: region for region in REGIONS for country in region.countries}
_BY_CODE: dict[str, Region] = {region.m49: region for region in REGIONS}


def region_of(country: str) -> Region | None:
    """The M49 region of an ISO alpha-2 country code, or None (Antarctica, unknown codes)."""
    return _BY_COUNTRY.get(country.strip().upper())


def region(m49: str) -> Region:
    return _BY_CODE[m49]
