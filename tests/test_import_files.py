"""Import from .xlsx and from CSV in other encodings and separators; bad cells named at the row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from shelterdesk.store.records import case_list, importer
from shelterdesk.store.vault import Session

COLUMNS = ["given_name", "family_name", "patronymic", "sex", "date_of_birth", "age_estimate",
           "nationality", "phone", "intake_date", "exploitation_types", "recruitment_channel",
           "recruitment_platform", "notes", "victim_status", "risk_level"]


def sheet_rows(count: int) -> list[list[object]]:
    return [[f"Aynur{i}", "Məmmədova", "Əli qızı", "female", date(1990, 1, 1 + i % 28), None,
             "AZ", f"+994 50 {i:07d}", date(2026, 3, 1), "sexual", "dating_app", "tinder", "",
             "presumed", "medium"]
            for i in range(count)]


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def count_cases(session: Session) -> int:
    return case_list.count_cases(session)


def test_two_thousand_rows_with_one_bad_write_nothing_then_all(admin_session: Session,
                                                                tmp_path: Path) -> None:
    rows = sheet_rows(2000)
    rows[1233][3] = "robot"  # sheet row 1235: the header is row 1
    path = write_xlsx(tmp_path / "clients.xlsx", rows)
    with pytest.raises(importer.ImportFailed) as failure:
        importer.import_file(admin_session, path)
    assert [(p.line, p.column) for p in failure.value.problems] == [(1235, "sex")]
    assert "line 1235" in importer.describe(failure.value.problems[0])
    assert count_cases(admin_session) == 0
    preview = importer.preview_import(admin_session, path)
    assert len(preview.rows) == 2000 and not preview.importable
    assert [r.line for r in preview.rows if r.problems] == [1235]
    rows[1233][3] = "female"
    write_xlsx(path, rows)
    codes = importer.import_file(admin_session, path)
    assert len(codes) == len(set(codes)) == 2000 == count_cases(admin_session)
    assert case_list.list_cases(admin_session, case_list.CaseFilter("ali qizi"))


def test_merged_cells_and_formulas_are_named_at_their_row(admin_session: Session,
                                                          tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in sheet_rows(3):
        sheet.append(row)
    sheet["B2"] = "=UPPER(A2)"
    sheet.merge_cells("A4:B4")
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(importer.ImportFailed) as failure:
        importer.import_file(admin_session, path)
    found = {(p.line, p.column): importer.describe(p) for p in failure.value.problems}
    assert "formula" in found[(2, "family_name")]
    assert "merged" in found[(4, "-")] and "A4:B4" in found[(4, "-")]
    assert count_cases(admin_session) == 0


HEADER = "given_name;family_name;sex;date_of_birth;age_estimate;nationality;phone;intake_date;" \
         "exploitation_types;recruitment_channel;recruitment_platform;notes;patronymic;" \
         "victim_status;risk_level\n"


def test_windows_1251_with_semicolons(admin_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes((HEADER + "Наталья;Гусейнова;female;;24;RU;;2026-03-02;forced_labour;"
                      "online_job_ad;telegram;;Алиевна;presumed;medium\n").encode("cp1251"))
    [code] = importer.import_file(admin_session, path)
    [row] = case_list.list_cases(admin_session, case_list.CaseFilter("алиевна"))
    assert row.case_code == code and row.family_name == "Гусейнова"


def test_utf8_bom_comma_file_still_imports(admin_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" + HEADER.replace(";", ",") + "Leyla,Hüseynova,female,,30,AZ,,"
                      "2026-03-02,sexual,dating_app,,,,presumed,low\n").encode("utf-8"))
    assert len(importer.import_file(admin_session, path)) == 1


@pytest.mark.parametrize("name,word", [("=HYPERLINK(\"x\")", "formula"),
                                       ("Ay\x07nur", "control character (U+0007)"),
                                       ("@SUM(A1)", "formula")])
def test_control_characters_or_a_formula_in_a_name(admin_session: Session, tmp_path: Path,
                                                   name: str, word: str) -> None:
    path = tmp_path / "names.csv"
    path.write_text(HEADER + "Leyla;Hüseynova;female;;30;AZ;;2026-03-02;sexual;;;;;presumed;low\n"
                    + f"{name};Hüseynova;female;;30;AZ;;2026-03-02;sexual;;;;;presumed;low\n",
                    encoding="utf-8")
    with pytest.raises(importer.ImportFailed) as failure:
        importer.import_file(admin_session, path)
    [problem] = failure.value.problems
    assert (problem.line, problem.column) == (3, "given_name") and word in importer.describe(
        problem)
    assert count_cases(admin_session) == 0


def test_cli_imports_an_xlsx(tmp_path: Path) -> None:
    from tests.cli_helpers import run_cli

    data = str(tmp_path / "data")
    pw = "coordinator passphrase"
    assert run_cli("init", "--admin", "aysel", "--data-dir", data, passphrase=pw).returncode == 0
    path = write_xlsx(tmp_path / "three.xlsx", sheet_rows(3))
    done = run_cli("import", "--json", str(path), "--data-dir", data, "--user", "aysel",
                   passphrase=pw)
    assert done.returncode == 0, done.stderr
    assert len(__import__("json").loads(done.stdout)) == 3
    bad = sheet_rows(2)
    bad[1][8] = "2026-13-01"
    refused = run_cli("import", str(write_xlsx(tmp_path / "bad.xlsx", bad)), "--data-dir", data,
                      "--user", "aysel", passphrase=pw)
    assert refused.returncode == 1 and "line 3" in refused.stderr and "Traceback" not in \
        refused.stderr
