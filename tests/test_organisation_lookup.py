"""ORG on the command line: by id, exact name, or name without diacritics — never guessed."""

from __future__ import annotations

import pytest

from shelterdesk.domain.referrals import Organisation
from shelterdesk.store.records import organisations
from shelterdesk.store.records.organisations import AmbiguousOrganisation, UnknownOrganisation


def _add(session, name: str) -> Organisation:
    return organisations.add_organisation(session, Organisation(name, "ngo", ["legal"]))


def test_names_match_without_diacritics_in_either_spelling_of_schwa(admin_session) -> None:
    centre = _add(admin_session, "Hüquqi Yardım Mərkəzi")
    _add(admin_session, "Qadın Evi")
    for typed in ("Hüquqi Yardım Mərkəzi", "hüquqi yardım mərkəzi", "Huquqi Yardim Markazi",
                  "huquqi yardim merkezi", "  HUQUQI YARDIM MERKEZI ", centre.id):
        assert organisations.find_organisation(admin_session, typed).id == centre.id, typed
    with pytest.raises(UnknownOrganisation):
        organisations.find_organisation(admin_session, "huquqi yardim")


def test_two_names_that_fold_alike_are_not_guessed_between(admin_session) -> None:
    _add(admin_session, "Ümid Evi")
    _add(admin_session, "Umid Evi")
    assert organisations.find_organisation(admin_session, "umid evi").name == "Umid Evi"
    with pytest.raises(AmbiguousOrganisation) as refused:
        organisations.find_organisation(admin_session, "Ümıd Evi")  # folds to both
    assert "Umid Evi" in refused.value.user_message()
    assert "Ümid Evi" in refused.value.user_message()
