"""Statistics as published: CSV cells that cannot be recomputed, the PDF in three languages,
a k-anonymous CTDC file with no identifier, and who may export."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from shelterdesk.domain import cell_key
from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.reports.statistics import ctdc
from shelterdesk.reports.statistics.disclosure import UNBOUNDED
from shelterdesk.reports.statistics.exports import export, render
from shelterdesk.store import audit
from shelterdesk.store.records import demo
from shelterdesk.store.statistics.aggregates import Period
from tests.records_helpers import add_role_users, login
from tests.statistics_helpers import Q1, FragmentTranslator, build_known_vault
from tests.test_disclosure import feasible_range

EN = FragmentTranslator("en")


@pytest.fixture
def known(admin_session):
    return build_known_vault(admin_session)
BASE_14 = {"Helvetica", "Times-Roman", "Courier", "Symbol", "ZapfDingbats"}


def _intakes(session, month: int, female: int, male: int) -> None:
    from shelterdesk.domain.clients import Case, Client
    from shelterdesk.store.records import clients

    for n in range(female + male):
        sex = "female" if n < female else "male"
        clients.create_intake(session, Client(f"Ad{month}x{n}", "Soyad", sex=sex,
                                              age_estimate=30, nationality="AZ"),
                              Case(date(2026, month, 10), ["sexual"], "social_network",
                                   "instagram", victim_status="presumed", risk_level="low"))


def _reader_bounds(text: str, k: int) -> tuple[int, int]:
    """What a reader who knows the method (docs/statistics.md) can tell of the true count:
    a published value v is v - 2 .. v + 2 (random rounding to base 3 by cell key)."""
    spread = cell_key.BASE - 1
    if text == "x":
        return max(0, k - spread), UNBOUNDED
    if text.startswith("<"):
        return 1, k - 1 + spread
    if text.startswith("~"):
        return max(0, int(text[1:]) - 2 - spread), int(text[1:]) + 2 + spread
    return max(0, int(text) - spread), int(text) + spread


def test_a_cell_of_three_is_suppressed_and_cannot_be_recomputed_from_the_csv(
        admin_session) -> None:
    _intakes(admin_session, 1, female=10, male=3)
    _intakes(admin_session, 2, female=12, male=6)
    _intakes(admin_session, 3, female=8, male=7)
    data, k, _ = render(admin_session, Q1, "csv", EN)
    assert k == 5
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    sex = {(r["row"], r["column"]): r["value"] for r in rows if r["table"] == "sex"}
    assert sex[("male", "2026-01")] in {"<5", "0", "x"}  # 3, perturbed to 3 or 0
    # Every entry a reader sees: the cells, the row totals, the column totals, the grand total.
    codes = ["female", "male", "other", "unknown", "total"]
    columns = ["2026-01", "2026-02", "2026-03", "total"]
    index = {(r, c): i for i, (r, c) in enumerate((r, c) for r in codes for c in columns)}
    bounds = [_reader_bounds(sex[key], k) for key in index]
    equations = []
    for r in codes:  # each row adds up to its total
        equation = {index[(r, c)]: 1 for c in columns[:-1]}
        equation[index[(r, "total")]] = -1
        equations.append(equation)
    for c in columns:  # each column adds up to its total
        equation = {index[(r, c)]: 1 for r in codes[:-1]}
        equation[index[("total", c)]] = -1
        equations.append(equation)
    least, most = feasible_range(equations, bounds, index[("male", "2026-01")])
    assert most - least >= 1 - 1e-7 and least <= 3 <= most
    # the new-cases series publishes the same month totals: they agree with the table
    series = {r["row"]: r["value"] for r in rows if r["table"] == "new_cases"}
    assert [series[m] for m in columns[:-1]] == [sex[("total", m)] for m in columns[:-1]]


@pytest.mark.parametrize("language,title,words", [
    ("en", "Statistics report", ["New cases by sex", "Shelter use", "Bed-nights"]),
    ("az", "Statistik hesabat", ["Cinsə görə yeni işlər", "Sığınacaqdan istifadə",
                                 "Çarpayı-gecələr"]),
    ("ru", "Статистический отчёт", ["Новые дела по полу", "Использование приюта",
                                    "Койко-ночи"]),
])
def test_pdf_report_renders_in_each_language_with_embedded_fonts(admin_session, known,
                                                                 language, title,
                                                                 words) -> None:
    data, _k, _ = render(admin_session, Q1, "pdf", FragmentTranslator(language))
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in [title, *words, "<5"]:
        assert expected in text, expected
    for secret in known.names + known.codes + known.phones:
        assert secret not in text
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
        for xobject in page["/Resources"].get("/XObject", {}).values():
            for font in xobject.get_object().get("/Resources", {}).get("/Font", {}).values():
                fonts[font.get_object()["/BaseFont"]] = font.get_object()
    assert fonts
    for name, font in fonts.items():
        assert name.split("+")[-1] not in BASE_14 and "Helvetica" not in name
        descriptor = (font.get("/FontDescriptor") or
                      font["/DescendantFonts"][0].get_object()["/FontDescriptor"]).get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"


@pytest.fixture
def demo_vault(vault, admin_session):
    """Synthetic cases (never real people) plus the hand-built ones, and every role's user."""
    people = build_known_vault(admin_session)
    demo.generate(admin_session, 600, seed=5, today=date(2026, 6, 30))
    add_role_users(admin_session)
    return vault, people


def test_ctdc_export_is_k_anonymous_and_holds_no_identifier(demo_vault, admin_session,
                                                            tmp_path: Path) -> None:
    vault, _known = demo_vault
    output = tmp_path / "ctdc.csv"
    period = Period(date(2025, 1, 1), date(2026, 1, 1))  # CTDC files: one calendar year
    with login(vault, Role.STATISTICS) as analyst:
        done = export(analyst, period, "ctdc", output, EN)
    text = output.read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], [tuple(r) for r in rows[1:]]
    assert header == ctdc.COLUMNS and done.k == 11
    assert done.anonymisation.published == len(body) > 0
    assert done.anonymisation.published + done.anonymisation.withheld == \
        done.anonymisation.cases
    assert all(n >= 11 for n in Counter(body).values())
    named = [header.index(c) for c in ("gender", "ageBroad", "citizenship", "isForcedLabour",
                                       "isSexualExploit", "isOtherExploit")]
    assert all(n >= 11 for n in Counter(tuple(r[i] for i in named) for r in body).values())
    secrets = admin_session.connection.execute(
        "SELECT given_name, family_name, phone, coalesce(date_of_birth, ''), document_number,"
        " address, c.case_code, c.id, cl.id FROM clients cl JOIN cases c ON c.client_id = cl.id"
    ).fetchall()
    for row in secrets:
        for value in row:
            if value and len(value) > 2:
                assert value not in text, "an identifier leaked"
    assert not any(word in c.lower() for c in header for word in ("name", "phone", "birth",
                                                                  "code", "address", "id"))
    entry = audit.recent(admin_session.connection, 5)
    exported = [e for e in entry if e.action == "stats.export"]
    assert exported and exported[0].detail["format"] == "ctdc"
    assert str(output) not in str(exported[0].detail)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["2025", "2026"]),
                          st.sampled_from(["female", "male", "unknown"]),
                          st.one_of(st.none(), st.integers(5, 70)),
                          st.sampled_from(["AZ", "UZ", "NP", "DE", ""]),
                          st.sampled_from([(), ("sexual",), ("forced_labour", "sexual"),
                                           ("organ_removal",)]),
                          st.sampled_from(["", "dating_app", "family", "social_network"]),
                          st.sampled_from([(), ("debt_bondage",), ("isolation", "threats_self")])),
                min_size=0, max_size=300), st.integers(3, 12))
def test_anonymise_always_gives_k_anonymous_rows(profiles, k) -> None:
    rows, summary = ctdc.anonymise(Counter(profiles), k)
    assert all(n >= k for n in Counter(rows).values())
    assert summary.published == len(rows) <= len(profiles)
    assert summary.withheld >= 0


def test_statistics_role_exports_but_a_case_worker_cannot(demo_vault, tmp_path: Path) -> None:
    vault, people = demo_vault
    with login(vault, Role.STATISTICS) as analyst:
        for fmt in ("csv", "pdf"):
            export(analyst, Q1, fmt, tmp_path / f"out.{fmt}", EN)
            assert (tmp_path / f"out.{fmt}").stat().st_size > 0
        text = (tmp_path / "out.csv").read_text("utf-8-sig")
        for secret in people.names + people.codes + people.phones + people.births:
            assert secret not in text
    with login(vault, Role.CASE_WORKER) as worker:
        for fmt in ("csv", "ctdc"):
            with pytest.raises(PermissionDenied):
                export(worker, Q1, fmt, tmp_path / "refused", EN)
        assert not (tmp_path / "refused").exists()
        assert audit.recent(worker.connection, 1)[0].action == "permission.denied"


@pytest.mark.parametrize("fmt", ["pdf", "csv", "ctdc"])
def test_an_empty_vault_exports_every_format(admin_session, fmt) -> None:
    period = Period(date(2026, 1, 1), date(2027 if fmt == "ctdc" else 2026,
                                          1 if fmt == "ctdc" else 2, 1))
    data, _k, summary = render(admin_session, period, fmt, FragmentTranslator("az"))
    assert data
    if fmt == "pdf":
        assert "Statistik hesabat" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    if fmt == "ctdc":
        assert summary.cases == summary.published == 0
