"""Recovery keys: hand-copyable, typo-checked before any key derivation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shelterdesk.store.errors import InvalidRecoveryKey
from shelterdesk.store.keys import recovery


@given(st.binary(min_size=16, max_size=16))
def test_round_trip(secret: bytes) -> None:
    text = recovery.format_key(secret)
    assert recovery.parse(text) == secret
    assert recovery.parse(text.lower().replace("-", " ")) == secret


def test_shape_is_six_groups_of_five() -> None:
    _, text = recovery.generate()
    groups = recovery.groups(text)
    assert len(groups) == 6 and all(len(g) == 5 for g in groups)
    assert all(ch in recovery.ALPHABET for ch in text.replace("-", ""))


def test_every_single_character_typo_is_caught() -> None:
    secret, text = recovery.generate()
    symbols = text.replace("-", "")
    caught = 0
    for index, original in enumerate(symbols):
        for replacement in recovery.ALPHABET:
            if replacement == original:
                continue
            typo = symbols[:index] + replacement + symbols[index + 1:]
            with pytest.raises(InvalidRecoveryKey):
                recovery.parse(typo)
            caught += 1
    assert caught == len(symbols) * 31


def test_confusable_letters_are_read_as_digits() -> None:
    secret = bytes(16)  # all zero symbols
    text = recovery.format_key(secret)
    assert recovery.parse(text.replace("0", "O")) == secret


@pytest.mark.parametrize("bad", ["", "ABCDE", "U" * 30, "KD972-2P3V4-37S46-T4VE5-X4XG7"])
def test_malformed_keys_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidRecoveryKey):
        recovery.parse(bad)
