"""Statistics the Ministry can combine (issue 22, item 5): three organisations' vaults submit
protected quarterly aggregates sealed to a ministry's key; the ministry combines them."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shelterdesk.domain import cell_key, org_codes, quarters
from shelterdesk.domain.quarters import Quarter
from shelterdesk.domain.referrals import Organisation
from shelterdesk.i18n import translator_for
from shelterdesk.reports.statistics import combined
from shelterdesk.reports.statistics.disclosure import Mark, one_way
from shelterdesk.reports.statistics.submission import message_for, submit
from shelterdesk.store.exchange import identity, receive, submissions
from shelterdesk.store.exchange.identity import PartnerNotConfirmed
from shelterdesk.store.exchange.receive import Replayed, UnconfirmedSender, UnknownSender
from shelterdesk.store.exchange.sealing import (
    NotAnExchangeFile,
    TamperedFile,
    WrongRecipient,
    new_keys,
    seal,
)
from shelterdesk.store.exchange.submissions import (
    STATISTICS,
    AlreadySubmitted,
    MalformedSubmission,
    NotASubmissionFile,
)
from shelterdesk.store.records import organisations
from tests.statistics_exchange_helpers import PEOPLE, QUARTER_DAY, Coalition, coalition
from tests.test_disclosure import assert_protected

Q1 = Quarter(2026, 1)
EN = translator_for("en")


@pytest.fixture
def world(tmp_path: Path) -> Coalition:
    made = coalition(tmp_path)
    yield made
    made.close()


def _submit(world: Coalition, index: int, quarter: Quarter = Q1) -> bytes:
    return submit(world.senders[index], quarter, world.ministry_entry[index].id,
                  today=QUARTER_DAY if quarter == Q1 else date(2026, 12, 1))


def _actions(session) -> list[str]:
    return [row[0] for row in session.connection.execute("SELECT action FROM audit_log")]


def _refusals(session) -> list[str]:
    return [json.loads(row[0])["reason"] for row in session.connection.execute(
        "SELECT detail FROM audit_log WHERE action = 'stats.submission.refused'")]


def _rows(session, table: str) -> int:
    return session.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_three_organisations_submit_and_the_combined_table_is_the_protected_sum(
        world: Coalition) -> None:
    files = [_submit(world, i) for i in range(3)]
    for data in files:
        # only the envelope is readable: no name, count or organisation in the clear
        outer = json.loads(data)
        assert sorted(outer) == ["format", "sealed", "to", "version"]
        # the referral exchange's envelope: a submission looks like any sealed file
        assert outer["format"] == "shelterdesk-referral-exchange" and outer["version"] == 1
        for secret in (b"Soyad", "Təmiz".encode(), b"female", b"2026Q1"):
            assert secret not in data
    for i, data in enumerate(files):
        got = submissions.receive(world.ministry, data, f"{i}.sdstats")
        assert got.kind == "statistics" and got.status == "2026Q1"
    received = submissions.submissions(world.ministry, "2026Q1")
    assert sorted(s.from_org_name for s in received) == sorted(
        e.name for e in world.sender_entries)

    # each submission is perturbed: a multiple of 3 within 2 of the sender's true count
    for submission in received:
        people = PEOPLE[[e.id for e in world.sender_entries].index(submission.from_org_id)]
        truth = {"female": sum(p[0] == "female" for p in people),
                 "male": sum(p[0] == "male" for p in people)}
        for sex, count in truth.items():
            value = submission.tables["sex"]["cells"].get(sex, 0)
            assert value % cell_key.BASE == 0 and value in cell_key.consistent_counts(value)
            assert count in cell_key.consistent_counts(value)
        # a lone Uzbek national is merged into her region before she leaves the sender
        assert "UZ" not in submission.tables["nationality"]["cells"]

    built = combined.combine(world.ministry, "2026Q1", EN)
    assert built.k == 5 and len(built.organisations) == 3
    for table in built.tables:
        sums = {}
        for submission in received:
            for code, value in submission.tables[table.key]["cells"].items():
                sums[code] = sums.get(code, 0) + value
        cells = [sums.get(code, 0) for code in table.row_codes]
        assert sum(cells) == sum(sums.values()), "every submitted category has its row"
        expected = one_way(cells, built.k)
        expected.protect()  # the protected sum
        assert table.grid.values == expected.values and table.grid.marks == expected.marks
        # no cell of it singles out a person: every small sum hidden, none recomputable
        equation = {i: 1 for i in range(len(cells))} | {len(cells): -1}
        assert_protected(table.grid, [equation])
        for value, mark in zip(table.grid.values, table.grid.marks, strict=True):
            assert mark is not Mark.SHOWN or value == 0 or value >= built.k
    men = built.table("sex")  # 1 + 2 + 5 men: each sender's 0 or 3, 0 or 3, 3 or 6
    value, mark = men.row_total(men.row_codes.index("male"))
    assert value in (3, 6, 9, 12) and (mark is Mark.SMALL) == (value < built.k)
    assert "stats.combined.view" in _actions(world.ministry)
    rendered = combined.render_csv(built, EN).decode("utf-8-sig")
    assert "2026Q1,sex,New cases by sex" in rendered and "Ad0" not in rendered
    shown = combined.as_json(built)
    assert shown["tables"]["new_cases"]["total"] == str(sum(
        s.tables["new_cases"]["total"] for s in received))


def test_the_submissions_matrix_shows_who_submitted_for_which_quarter(world: Coalition) -> None:
    submissions.receive(world.ministry, _submit(world, 0), "a.sdstats")
    submissions.receive(world.ministry, _submit(world, 1), "b.sdstats")
    submissions.receive(world.ministry, _submit(world, 0, Quarter(2026, 2)), "c.sdstats")
    found = submissions.matrix(world.ministry)
    assert found.quarters == ["2026Q1", "2026Q2"]
    ids = {name: org_id for org_id, name in found.organisations}
    assert set(ids) == {e.name for e in world.sender_entries}  # the third is expected too
    first, second, third = (e.id for e in world.sender_entries)
    assert found.received[(first, "2026Q1")] and found.received[(first, "2026Q2")]
    assert found.received[(second, "2026Q1")] and (second, "2026Q2") not in found.received
    assert not any(org == third for org, _q in found.received)


def _refused(world: Coalition, data: bytes, error: type[Exception], name: str = "x.sdstats"
             ) -> None:
    before = (_rows(world.ministry, "stats_submissions"), _rows(world.ministry, "exchange_seen"))
    with pytest.raises(error) as raised:
        submissions.receive(world.ministry, data, name)
    assert name in raised.value.user_message()
    assert _refusals(world.ministry)[-1] == error.__name__
    assert (_rows(world.ministry, "stats_submissions"),
            _rows(world.ministry, "exchange_seen")) == before, "nothing half-applied"


def _ministry_keys(world: Coalition) -> tuple[bytes, bytes]:
    mine = identity.require_keys(world.ministry)
    return mine.signing_public, mine.exchange_public


def test_a_submission_signed_by_an_unknown_organisation_is_refused(world: Coalition) -> None:
    forger = new_keys()  # an attacker's own keys: not in the ministry's directory
    message = message_for(world.senders[0], Q1, QUARTER_DAY)
    _refused(world, seal(forger, *_ministry_keys(world), message, STATISTICS), UnknownSender)


def test_a_submission_signed_by_unconfirmed_keys_is_refused(world: Coalition) -> None:
    newcomer = new_keys()
    entry = organisations.add_organisation(world.ministry, Organisation("Yeni NGO", "ngo",
                                                                        ["shelter"]))
    identity.add_partner_code(world.ministry, entry.id, org_codes.encode(
        org_codes.OrganisationCode("Yeni NGO", newcomer.signing_public,
                                   newcomer.exchange_public)))
    message = message_for(world.senders[0], Q1, QUARTER_DAY)
    _refused(world, seal(newcomer, *_ministry_keys(world), message, STATISTICS),
             UnconfirmedSender)


def test_a_tampered_submission_is_refused(world: Coalition) -> None:
    outer = json.loads(_submit(world, 0))
    sealed = bytearray(base64.b64decode(outer["sealed"]))
    sealed[60] ^= 1  # one bit of the ciphertext
    outer["sealed"] = base64.b64encode(bytes(sealed)).decode()
    _refused(world, json.dumps(outer).encode(), TamperedFile)


def test_a_replayed_and_a_second_submission_for_a_quarter_are_refused(
        world: Coalition) -> None:
    data = _submit(world, 0)
    submissions.receive(world.ministry, data, "first.sdstats")
    _refused(world, data, Replayed)
    _refused(world, _submit(world, 0), AlreadySubmitted)  # a new message, the same quarter
    assert len(submissions.submissions(world.ministry, "2026Q1")) == 1


def test_a_submission_sealed_for_another_body_is_refused(world: Coalition) -> None:
    other = world.senders[1]  # also has keys, but the file is not sealed to it
    with pytest.raises(WrongRecipient):
        submissions.receive(other, _submit(world, 0), "x.sdstats")
    assert "stats.submission.refused" in _actions(other)
    assert _rows(other, "stats_submissions") == 0
    # re-sealed to the right key by someone who opened it: the signed "to" still names the
    # ministry's key, so a third body refuses it too (here, the message re-signed is not)
    message = message_for(world.senders[0], Q1, QUARTER_DAY)
    sender = identity.require_keys(world.senders[0])
    mine = identity.require_keys(other)
    forged = seal(sender, _ministry_keys(world)[0], mine.exchange_public, message, STATISTICS)
    with pytest.raises(WrongRecipient):
        submissions.receive(other, forged, "y.sdstats")


def test_a_quarter_not_over_at_the_receiver_is_refused(world: Coalition) -> None:
    """A forged (or clock-skewed) submission for a quarter still running would block the
    real one: refused, like one the sender could not have made."""
    message = message_for(world.senders[0], Q1, QUARTER_DAY)
    message["quarter"] = quarters.containing(date.today()).code
    sender = identity.require_keys(world.senders[0])
    before = _rows(world.ministry, "stats_submissions")
    with pytest.raises(quarters.QuarterNotOver):
        submissions.receive(world.ministry, seal(sender, *_ministry_keys(world), message,
                                                 STATISTICS), "x.sdstats")
    assert _refusals(world.ministry)[-1] == "QuarterNotOver"
    assert _rows(world.ministry, "stats_submissions") == before


def test_counts_that_are_not_perturbed_are_refused(world: Coalition) -> None:
    """A sender (or a forger with its key) sending exact small counts is refused: every
    count of a version-1 submission is a multiple of 3."""
    message = message_for(world.senders[0], Q1, QUARTER_DAY)
    message["tables"]["sex"]["cells"]["male"] = 1
    sender = identity.require_keys(world.senders[0])
    _refused(world, seal(sender, *_ministry_keys(world), message, STATISTICS),
             MalformedSubmission)


def test_referral_files_and_submissions_never_open_as_each_other(world: Coalition) -> None:
    data = _submit(world, 0)
    with pytest.raises(NotAnExchangeFile):  # the referral reader refuses a submission
        receive.receive(world.ministry, data, "s.sdreferral")
    sender = identity.require_keys(world.senders[0])
    referral_envelope = seal(sender, *_ministry_keys(world),
                             message_for(world.senders[0], Q1, QUARTER_DAY))
    _refused(world, referral_envelope, NotASubmissionFile)
    _refused(world, b"not json at all", NotASubmissionFile)


def test_a_quarter_not_over_and_an_unconfirmed_receiver_are_refused_at_the_sender(
        world: Coalition) -> None:
    with pytest.raises(quarters.QuarterNotOver):
        submit(world.senders[0], Q1, world.ministry_entry[0].id, today=date(2026, 3, 31))
    with pytest.raises(quarters.BadQuarter):
        quarters.parse("2026Q5")
    assert quarters.parse(" 2026-q3 ") == Quarter(2026, 3)
    stranger = organisations.add_organisation(world.senders[0], Organisation(
        "Kağız NGO", "ngo", ["shelter"]))
    with pytest.raises(Exception) as raised:
        submit(world.senders[0], Q1, stranger.id, today=QUARTER_DAY)
    assert type(raised.value).__name__ == "NoPartnerKeys"
    identity.add_partner_code(world.senders[0], stranger.id,
                              identity.our_code(world.senders[1]))
    with pytest.raises(PartnerNotConfirmed):
        submit(world.senders[0], Q1, stranger.id, today=QUARTER_DAY)
    assert "stats.submit" not in _actions(world.senders[0])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(truth=st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=1,
                      max_size=6),
       keys=st.lists(st.integers(0, cell_key.KEY_MODULUS - 1), min_size=18, max_size=18),
       k=st.integers(3, 6))
def test_any_national_table_is_the_protected_sum_and_singles_nobody_out(truth, keys, k
                                                                         ) -> None:
    """Organisations' true counts of three categories, perturbed by random cell keys as a
    sender does; whatever they are, the national table shows no small sum, no hidden sum
    can be recomputed, and every shown sum is within 2 per organisation of the truth."""
    codes = ["female", "male", "unknown"]
    found = [submissions.Submission(
        str(n), str(n), "", "2026Q1", str(n),
        {key: {"cells": {code: cell_key.perturb(count, keys[n * 3 + i])
                         for i, (code, count) in enumerate(zip(codes, counts, strict=True))},
               "total": 0} for key in submissions.TABLES},
        {"beds": 0, "bed_nights": 0}, k, "", "") for n, counts in enumerate(truth)]
    sums, _totals = combined.add_up(found)
    table = combined.protect_sums("sex", "New cases by sex", sums["sex"], k, EN)
    if table.withheld:
        return  # nothing of it is published
    rows = [table.row_codes.index(code) for code in codes]
    for i, code in zip(rows, codes, strict=True):
        value, mark = table.row_total(i)
        assert value == sum(s.tables["sex"]["cells"][code] for s in found)  # the sum
        true = sum(counts[codes.index(code)] for counts in truth)
        assert abs(value - true) <= 2 * len(truth)
        assert mark is not Mark.SHOWN or value == 0 or value >= k
    cells = len(table.row_codes)
    assert_protected(table.grid, [{i: 1 for i in range(cells)} | {cells: -1}])


def test_only_statistics_users_submit_and_import(world: Coalition, tmp_path: Path) -> None:
    from shelterdesk.domain.errors import PermissionDenied
    from shelterdesk.domain.roles import Role
    from shelterdesk.store.keys import users
    from shelterdesk.store.vault import Vault

    data = _submit(world, 0)
    users.add_user(world.ministry, "leyla", [Role.CASE_WORKER], "case worker passphrase")
    worker = Vault(tmp_path / "ministry").unlock("leyla", "case worker passphrase")
    try:
        with pytest.raises(PermissionDenied):
            submissions.receive(worker, data, "x.sdstats")
        with pytest.raises(PermissionDenied):
            submissions.matrix(worker)
        assert _rows(world.ministry, "stats_submissions") == 0
    finally:
        worker.close()
