"""Controlled vocabularies: stable codes, translated labels, and their HTCDS 2.0 counterparts.

A value typed by a person may be the code or its label in any supported
language; :meth:`Vocabulary.parse` accepts both, ignoring case and diacritics.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from shelterdesk.i18n import SUPPORTED_LANGUAGES, _, translations


@dataclass(frozen=True)
class Term:
    code: str
    label: str  # marked with N_(); translated when shown
    htcds: str = ""  # the HTCDS 2.0 value this code exports as
    local: bool = False  # a local addition with no HTCDS value of its own


def fold(text: str) -> str:
    """Lowercase, strip diacritics and fold Azerbaijani letters to plain Latin."""
    text = text.strip().lower().translate(_AZ_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_AZ_FOLD = str.maketrans({"ə": "a", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o", "ü": "u",
                          "ё": "е", "й": "и"})


class Vocabulary:
    """One code list. ``htcds_field`` names the HTCDS variable its codes export to."""

    def __init__(self, name: str, terms: list[Term], *, multi: bool = False,
                 htcds_field: str = "") -> None:
        self.name = name
        self.terms = terms
        self.multi = multi
        self.htcds_field = htcds_field
        self._by_code = {term.code: term for term in terms}
        if len(self._by_code) != len(terms):
            raise ValueError(f"duplicate code in vocabulary {name}")

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def codes(self) -> list[str]:
        return [term.code for term in self.terms]

    def term(self, code: str) -> Term:
        return self._by_code[code]

    def label(self, code: str) -> str:
        """The label in the active language (the code itself if unknown)."""
        term = self._by_code.get(code)
        return _(term.label) if term else code

    def label_in(self, code: str, language: str) -> str:
        term = self._by_code.get(code)
        return translations(language).gettext(term.label) if term else code

    def htcds(self, code: str) -> str:
        return self._by_code[code].htcds

    def parse(self, value: str) -> str | None:
        """The code for a code or a label in az, ru or en; None if nothing matches."""
        wanted = fold(value)
        if not wanted:
            return None
        for term in self.terms:
            if fold(term.code) == wanted or fold(term.code.replace("_", " ")) == wanted:
                return term.code
        for term in self.terms:
            for language in SUPPORTED_LANGUAGES:
                if fold(translations(language).gettext(term.label)) == wanted:
                    return term.code
        return None
