"""Every vocabulary: the codes of docs/ARCHITECTURE.md, labels in each language, HTCDS, parsing."""

from __future__ import annotations

import pytest

from shelterdesk.domain import codes_case, codes_services
from shelterdesk.domain.vocabulary import Vocabulary, fold
from shelterdesk.i18n import SUPPORTED_LANGUAGES

ALL = [v for module in (codes_case, codes_services) for v in vars(module).values()
       if isinstance(v, Vocabulary)]

DESIGN_CODES = {
    "sex": ["female", "male", "other", "unknown"],
    "exploitation_types": ["sexual", "forced_labour", "domestic_servitude", "forced_marriage",
                           "forced_begging", "forced_criminality", "organ_removal", "other"],
    "recruitment_channels": ["social_network", "dating_app", "online_job_ad", "offline_job_ad",
                             "acquaintance", "family", "intimate_partner", "other"],
    "platforms": ["facebook", "instagram", "tiktok", "vkontakte", "odnoklassniki", "telegram",
                  "whatsapp", "tinder", "badoo", "other"],
    "services": ["legal", "medical", "psychosocial", "shelter", "interpretation", "financial",
                 "vocational", "education", "family_tracing", "return", "reintegration",
                 "documents"],
    "consent_purposes": ["data_storage", "referral", "law_enforcement", "medical_sharing"],
}


def test_design_codes_are_exactly_there() -> None:
    by_name = {v.name: v for v in ALL}
    for name, codes in DESIGN_CODES.items():
        assert by_name[name].codes == codes


@pytest.mark.parametrize("vocabulary", ALL, ids=lambda v: v.name)
def test_every_term_has_a_label_and_parses_back(vocabulary: Vocabulary) -> None:
    assert len(vocabulary) >= 3
    for term in vocabulary:
        assert term.code == term.code.lower() and " " not in term.code
        assert term.label.strip()
        assert vocabulary.parse(term.code) == term.code
        assert vocabulary.parse(term.code.upper()) == term.code
        for language in SUPPORTED_LANGUAGES:
            label = vocabulary.label_in(term.code, language)
            assert label.strip()
            parsed = vocabulary.parse(label)
            # Two terms may share a label only across vocabularies, never within one.
            assert parsed == term.code, (vocabulary.name, term.code, language, label)


@pytest.mark.parametrize("vocabulary", [v for v in ALL if v.htcds_field], ids=lambda v: v.name)
def test_htcds_mapping_for_exports(vocabulary: Vocabulary) -> None:
    assert vocabulary.htcds_field.split("_")[0] in ("prs", "vic", "per", "cas", "spl", "con")
    for term in vocabulary:
        assert term.htcds or term.local, (vocabulary.name, term.code)


def test_local_additions_are_marked() -> None:
    assert codes_case.RECRUITMENT_CHANNELS.term("dating_app").local
    assert codes_case.PLATFORMS.term("tinder").local
    assert not codes_case.PLATFORMS.term("facebook").local


def test_unknown_values_do_not_parse() -> None:
    assert codes_case.EXPLOITATION_TYPES.parse("slavery of the galaxy") is None
    assert codes_case.SEX.parse("") is None


def test_fold() -> None:
    assert fold("Məmmədova") == "mammadova"
    assert fold("Şükür Çələbi Ağaoğlu") == "sukur calabi agaoglu"
    assert fold("Гусейнова") == fold("гусеинова") == "гусеинова"  # й and и meet
    assert fold("  İlqar ") == "ilqar"
