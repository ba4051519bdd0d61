"""Translation and locale formatting for every layer: gettext catalogs plus Babel.

Strings are marked with ``_()`` where they are shown and ``N_()`` where they are
defined at import time. The active language is process-wide; documents printed
in another language use :func:`translator_for` instead of switching it.
"""

from __future__ import annotations

import gettext as _gettext
import locale as _locale
import os
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from shelterdesk.i18n.catalogs import load_translations

SUPPORTED_LANGUAGES: tuple[str, ...] = ("az", "ru", "en")
BABEL_LOCALES: dict[str, str] = {"az": "az_Latn_AZ", "ru": "ru_RU", "en": "en_GB"}
DEFAULT_LANGUAGE = "en"

_active: _gettext.NullTranslations = _gettext.NullTranslations()
_active_language: str = DEFAULT_LANGUAGE
_listeners: list[Callable[[str], None]] = []
_cache: dict[str, _gettext.NullTranslations] = {}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (module-level labels)."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction (``-k NN_:1,2``); chosen by count when shown."""
    return singular, plural


def translations(language: str) -> _gettext.NullTranslations:
    """The catalog for one language (cached); English is the source language."""
    if language not in _cache:
        _cache[language] = load_translations(language)
    return _cache[language]


def _(message: str) -> str:
    if not message:
        return ""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _active.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return _active.pgettext(context, message)


def active_language() -> str:
    return _active_language


def normalize_language(value: str | None) -> str | None:
    """Map 'az_AZ.UTF-8', 'ru-RU', 'EN' to a supported code, or None."""
    if not value:
        return None
    code = value.replace("-", "_").split(".")[0].split("_")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else None


def system_language() -> str:
    """The language of the user's session, falling back to English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for part in os.environ.get(variable, "").split(":"):
            found = normalize_language(part)
            if found:
                return found
    try:
        found = normalize_language(_locale.getlocale()[0])
    except ValueError:
        found = None
    return found or DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Switch the process language and tell listeners (the UI retranslates)."""
    global _active, _active_language
    code = normalize_language(language) or DEFAULT_LANGUAGE
    _active = translations(code)
    _active_language = code
    for listener in list(_listeners):
        listener(code)


def add_language_listener(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def remove_language_listener(listener: Callable[[str], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


class Translator:
    """Gettext functions bound to one language, for documents printed in another."""

    def __init__(self, language: str) -> None:
        self.language = normalize_language(language) or DEFAULT_LANGUAGE
        self._catalog = translations(self.language)

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message) if message else ""

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalog.ngettext(singular, plural, count)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalog.pgettext(context, message)

    @property
    def babel_locale(self) -> str:
        return BABEL_LOCALES[self.language]


def translator_for(language: str) -> Translator:
    return Translator(language)


def _full_year(pattern: str) -> str:
    """``pattern`` with every two-digit year ("yy") written with all four digits."""
    return re.sub(r"(?<!y)yy(?!y)", "yyyy", pattern)


def _short_date_pattern(locale: str) -> str:
    from babel import Locale

    # Babel's short Azerbaijani pattern is dd.MM.yy: "05.03.26" reads as a day in 1926
    # for a date of birth, so short dates keep four-digit years in every language.
    return _full_year(Locale.parse(locale).date_formats["short"].pattern)


def format_date(value: date | datetime | None, language: str | None = None,
                fmt: str = "medium") -> str:
    """A date in the language's own format (Babel), years with four digits; empty for None."""
    from babel.dates import format_date as babel_format_date

    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    locale = BABEL_LOCALES[language or _active_language]
    pattern = _short_date_pattern(locale) if fmt == "short" else fmt
    return babel_format_date(value, format=pattern, locale=locale)


def format_datetime(value: datetime | None, language: str | None = None,
                    fmt: str = "medium") -> str:
    """A moment in the language's own format; the short one with a four-digit year."""
    from babel import Locale
    from babel.dates import format_datetime as babel_format_datetime

    if value is None:
        return ""
    locale = BABEL_LOCALES[language or _active_language]
    if fmt == "short":
        babel_locale = Locale.parse(locale)
        fmt = babel_locale.datetime_formats["short"].format(
            babel_locale.time_formats["short"].pattern, _short_date_pattern(locale))
    return babel_format_datetime(value, format=fmt, locale=locale)


def format_number(value: float | int, language: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=BABEL_LOCALES[language or _active_language])


def format_list(items: list[str], language: str | None = None) -> str:
    from babel.lists import format_list as babel_format_list

    return babel_format_list(items, locale=BABEL_LOCALES[language or _active_language])


def translations_dir() -> Path:
    from shelterdesk.i18n.catalogs import catalog_root

    return catalog_root()
