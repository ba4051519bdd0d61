"""Checking a single code against its vocabulary where a whole record is not being validated."""

from __future__ import annotations

from shelterdesk.domain import codes_case, codes_services
from shelterdesk.domain.validation import Checker
from shelterdesk.store.rows import ensure_valid

_VOCABULARIES = {
    vocabulary.name: vocabulary
    for module in (codes_case, codes_services)
    for vocabulary in vars(module).values()
    if hasattr(vocabulary, "terms") and hasattr(vocabulary, "parse")
}


def check_code(field_name: str, value: str, vocabulary_name: str) -> None:
    checker = Checker()
    checker.code(field_name, value, _VOCABULARIES[vocabulary_name], required=True)
    ensure_valid(checker.problems)
