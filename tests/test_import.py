"""CSV import: all rows or none, each bad row named by line, column and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shelterdesk.store.records import case_list, importer
from shelterdesk.store.vault import Session

HEADER = ("given_name,family_name,sex,date_of_birth,age_estimate,nationality,phone,intake_date,"
          "exploitation_types,recruitment_channel,recruitment_platform,notes,victim_status,"
          "risk_level\n")
GOOD = [
    "Aynur,Məmmədova,female,1999-04-12,,AZ,+994 50 123 45 67,2026-03-01,sexual,dating_app,"
    "tinder,Met the recruiter on Tinder,presumed,high\n",
    "Наталья,Гусейнова,female,,24,Russia,,2026-03-02,forced_labour;domestic_servitude,"
    "online_job_ad,telegram,,Presumed victim,Low risk\n",
    "Elvin,Əliyev,male,,,Azərbaycan,,2026-03-03,Forced labour,Acquaintance,,,not_victim,"
    "medium\n",
]


def write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "intake.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def test_good_file_imports_every_row(admin_session: Session, tmp_path: Path) -> None:
    codes = importer.import_csv(admin_session, write(tmp_path, GOOD))
    assert len(codes) == 3
    rows = {r.case_code: r for r in case_list.list_cases(admin_session)}
    assert rows[codes[1]].family_name == "Гусейнова"
    assert rows[codes[1]].exploitation_types == ["forced_labour", "domestic_servitude"]
    assert rows[codes[2]].exploitation_types == ["forced_labour"]  # a label, not a code
    assert rows[codes[2]].recruitment_channel == "acquaintance"
    found = case_list.list_cases(admin_session, case_list.CaseFilter(search="tinder"))
    assert [r.case_code for r in found] == [codes[0]]  # the note went in


def test_one_bad_row_among_good_ones_imports_nothing(admin_session, tmp_path) -> None:
    bad = ("Leyla,Həsənova,robot,1990-02-30,,ZZ,call me,2026-03-04,sexual;piracy,family,"
           "tinder,,presumed,medium\n")
    with pytest.raises(importer.ImportFailed) as info:
        importer.import_csv(admin_session, write(tmp_path, [*GOOD, bad]))
    problems = {(p.line, p.column) for p in info.value.problems}
    assert problems == {(5, "sex"), (5, "date_of_birth"), (5, "nationality"), (5, "phone"),
                        (5, "exploitation_types"), (5, "recruitment_platform")}
    assert case_list.count_cases(admin_session) == 0
    text = "\n".join(importer.describe(p) for p in info.value.problems)
    assert "line 5" in text and "robot" in text and "piracy" in text


@pytest.mark.parametrize("content,reason", [
    (b"", "empty"),
    (b"given_name,sex\nA,female\n", "lacks the column"),
    (HEADER.encode(), "no rows"),
    ("given_name\n".encode("utf-16"), "UTF-8"),
])
def test_unreadable_files(admin_session, tmp_path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(importer.ImportFileUnreadable) as info:
        importer.import_csv(admin_session, path)
    assert reason in info.value.user_message() and "bad.csv" in info.value.user_message()


def test_unknown_column_and_ragged_row(admin_session, tmp_path) -> None:
    path = write(tmp_path, [GOOD[0], "x,y,female,,,AZ,,2026-03-01,,,,,presumed,low,extra\n"],
                 header=HEADER.replace("notes", "notes,nickname"))
    with pytest.raises(importer.ImportFailed) as info:
        importer.import_csv(admin_session, path)
    assert (1, "nickname") in {(p.line, p.column) for p in info.value.problems}


def test_cli_import_json_and_cases_list(tmp_path) -> None:
    from tests.cli_helpers import run_cli

    data = str(tmp_path / "data")
    pw = "coordinator passphrase"
    assert run_cli("init", "--admin", "aysel", "--data-dir", data, passphrase=pw).returncode == 0
    result = run_cli("import", str(write(tmp_path, GOOD)), "--json", "--data-dir", data,
                     "--user", "aysel", passphrase=pw)
    assert result.returncode == 0, result.stderr
    codes = json.loads(result.stdout)
    listed = run_cli("cases", "list", "--json", "--search", "mammadova", "--data-dir", data,
                     "--user", "aysel", passphrase=pw)
    assert [c["case_code"] for c in json.loads(listed.stdout)] == [codes[0]]
    bad = write(tmp_path, [GOOD[0], "Leyla,,robot,,,AZ,,2026-03-04,,,,\n"])
    failed = run_cli("import", str(bad), "--data-dir", data, "--user", "aysel", passphrase=pw)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "line 3" in failed.stderr and "robot" in failed.stderr
    again = run_cli("cases", "list", "--json", "--data-dir", data, "--user", "aysel",
                    passphrase=pw)
    assert len(json.loads(again.stdout)) == 3


def test_imported_choices_are_the_files_never_defaults(admin_session, tmp_path) -> None:
    importer.import_csv(admin_session, write(tmp_path, GOOD))
    stored = admin_session.connection.execute(
        "SELECT c.victim_status, c.risk_level, p.sex FROM cases c JOIN clients p"
        " ON p.id = c.client_id ORDER BY c.intake_date").fetchall()
    assert [tuple(row) for row in stored] == [("presumed", "high", "female"),
                                              ("presumed", "low", "female"),
                                              ("not_victim", "medium", "male")]


@pytest.mark.parametrize("language,words", [("en", "lacks the column"),
                                            ("az", "victim_status"), ("ru", "risk_level")])
def test_a_file_without_the_required_choices_says_so(admin_session, tmp_path, language: str,
                                                     words: str) -> None:
    """No victim status or risk column: said of the header, never "presumed"/"medium"."""
    from shelterdesk.i18n import set_language

    old = HEADER.replace(",victim_status,risk_level", "")
    rows = [row.rsplit(",", 2)[0] + "\n" for row in GOOD]
    set_language(language)
    try:
        with pytest.raises(importer.ImportFileUnreadable) as info:
            importer.import_csv(admin_session, write(tmp_path, rows, header=old))
        message = info.value.user_message()
    finally:
        set_language("en")
    assert "victim_status" in message and "risk_level" in message and words in message
    if language != "en":
        assert "lacks the column" not in message  # translated
    assert case_list.count_cases(admin_session) == 0


@pytest.mark.parametrize("empty", [("victim_status",), ("risk_level",),
                                   ("victim_status", "risk_level")])
def test_an_empty_required_choice_is_named_by_line_and_column(admin_session, tmp_path,
                                                              empty: tuple[str, ...]) -> None:
    status = "" if "victim_status" in empty else "presumed"
    risk = "" if "risk_level" in empty else "low"
    skipped = f"Leyla,Həsənova,female,,30,AZ,,2026-03-04,sexual,family,,,{status},{risk}\n"
    with pytest.raises(importer.ImportFailed) as info:
        importer.import_csv(admin_session, write(tmp_path, [*GOOD, skipped]))
    assert {(p.line, p.column) for p in info.value.problems} == {(5, c) for c in empty}
    text = "\n".join(importer.describe(p) for p in info.value.problems)
    assert "line 5" in text and "is required" in text
    if "risk_level" in empty:
        assert "Risk" in text and "high, medium, low" in text
    assert case_list.count_cases(admin_session) == 0
    preview = importer.preview_import(admin_session, write(tmp_path, [*GOOD, skipped]))
    [shown] = [row for row in preview.rows if row.problems]
    assert shown.line == 5 and (shown.case.victim_status, shown.case.risk_level) == (status, risk)
