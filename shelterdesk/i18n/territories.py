"""Countries (ISO 3166 alpha-2) and languages (ISO 639-1) with names from Babel's CLDR data."""

from __future__ import annotations

from functools import cache

from babel import Locale

from shelterdesk.i18n import BABEL_LOCALES, active_language

# Codes Babel lists that are not countries a person comes from.
_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"}


@cache
def country_codes() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories
                     if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)


@cache
def language_codes() -> frozenset[str]:
    return frozenset(code for code in Locale("en").languages if len(code) == 2)


def country_name(code: str, language: str | None = None) -> str:
    locale = Locale.parse(BABEL_LOCALES[language or active_language()])
    return locale.territories.get(code, code)


def language_name(code: str, language: str | None = None) -> str:
    locale = Locale.parse(BABEL_LOCALES[language or active_language()])
    return locale.languages.get(code, code)


def parse_country(value: str) -> str | None:
    """An ISO code from a code or a country name in az, ru or en."""
    text = value.strip()
    if text.upper() in country_codes():
        return text.upper()
    wanted = text.casefold()
    for locale_name in BABEL_LOCALES.values():
        for code, name in Locale.parse(locale_name).territories.items():
            if name.casefold() == wanted and code in country_codes():
                return code
    return None
