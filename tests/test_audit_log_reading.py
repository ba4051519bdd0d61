"""Reading the audit log: filters by person, dates, action and case code; the chain's state in
words; CSV and PDF exports for an inspector carry case codes and never a client's name; the
window's Administration → Audit log tab and the command line do the same."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.domain.workspace import Area
from shelterdesk.reports import audit_export
from shelterdesk.store import audit_query
from shelterdesk.store.audit_query import AuditFilter
from shelterdesk.store.records import client_file, erasure_request
from shelterdesk.store.vault import Session, Vault
from tests.cases_helpers import WAIT_MS
from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import make_window, unlock
from tests.records_helpers import ROLE_USERS, add_role_users, intake, login

NAME, FAMILY = "Zümrüdxanım", "Qarayeva"


@pytest.fixture
def history(vault: Vault, admin_session: Session) -> dict:
    add_role_users(admin_session)
    kept = intake(admin_session, given_name="Gülnarə", family_name="Keepova")
    gone = intake(admin_session, given_name=NAME, family_name=FAMILY)
    with login(vault, Role.CASE_WORKER) as worker:
        client_file.open_file(worker, kept.id)
    erasure_request.erase_on_request(admin_session, gone.case_code, gone.case_code,
                                     "asked by phone")
    return {"kept": kept, "gone": gone}


def test_filters_by_person_action_dates_and_case_code(admin_session: Session, history) -> None:
    kept, gone = history["kept"], history["gone"]
    everything = audit_query.search(admin_session, AuditFilter())
    assert [r.seq for r in everything] == sorted((r.seq for r in everything), reverse=True)
    worker = audit_query.search(admin_session,
                                AuditFilter(username=ROLE_USERS[Role.CASE_WORKER]))
    assert worker and {r.username for r in worker} == {ROLE_USERS[Role.CASE_WORKER]}
    assert any(r.case_code == kept.case_code for r in worker)
    family = audit_query.search(admin_session, AuditFilter(action="client."))
    assert family and all(r.action.startswith("client.") for r in family)
    erased = audit_query.search(admin_session, AuditFilter(case_code=gone.case_code.lower()))
    assert [r.action for r in erased] == ["client.erase"] and erased[0].case_code == \
        gone.case_code
    assert "asked by phone" not in erased[0].detail  # free text stays in the log only
    by_case = audit_query.search(admin_session, AuditFilter(case_code=kept.case_code))
    assert {"case.create", "case.view"} <= {r.action for r in by_case}
    today = date.today()
    assert audit_query.search(admin_session, AuditFilter(since=today, until=today))
    assert audit_query.search(admin_session, AuditFilter(until=today - timedelta(days=1))) \
        == []


def test_verify_in_words(admin_session: Session, history) -> None:
    report = audit_query.verify_chain(admin_session)
    assert report.ok and "intact" in audit_query.describe(report)
    admin_session.connection.execute("UPDATE audit_log SET action = 'x' WHERE seq = 2")
    report = audit_query.verify_chain(admin_session)
    text = audit_query.describe(report)
    assert not report.ok and "entry 2 was changed" in text and "tampered" in text


def test_exports_carry_codes_and_never_names(admin_session: Session, history,
                                             tmp_path: Path) -> None:
    kept = history["kept"]
    count = audit_export.export_to(admin_session, AuditFilter(), "csv", tmp_path / "a.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text("utf-8"))))
    assert len(rows) == count > 5 and kept.case_code in {r["case_code"] for r in rows}
    pdf_count = audit_export.export_to(admin_session, AuditFilter(case_code=kept.case_code),
                                       "pdf", tmp_path / "a.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "a.pdf").pages)
    assert pdf_count >= 2 and kept.case_code in text and "intact" in text
    raw = (tmp_path / "a.csv").read_bytes() + (tmp_path / "a.pdf").read_bytes()
    for name in (NAME, FAMILY, "Gülnarə", "Keepova"):
        assert name.encode() not in raw and name not in text
    exports = audit_query.search(admin_session, AuditFilter(action="audit.export"))
    assert [json.loads(r.detail)["format"] for r in exports] == ["pdf", "csv"]


def test_only_a_coordinator_reads_the_log(vault: Vault, history) -> None:
    with login(vault, Role.CASE_WORKER) as session, pytest.raises(PermissionDenied):
        audit_query.search(session, AuditFilter())


def test_a_folder_that_cannot_be_written_is_named(admin_session: Session, history,
                                                  tmp_path: Path) -> None:
    with pytest.raises(audit_export.ExportNotWritten) as error:
        audit_export.export_to(admin_session, AuditFilter(), "csv",
                               tmp_path / "missing" / "a.csv")
    assert "missing" in error.value.user_message()


@pytest.mark.gui
def test_the_audit_log_tab(qtbot, vault: Vault, history, tmp_path: Path) -> None:
    kept = history["kept"]
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    admin = window.work_area.page_for[Area.ADMINISTRATION]
    admin.tabs.setCurrentWidget(admin.audit_page)
    page = admin.audit_page
    qtbot.waitUntil(lambda: page.model.rowCount() > 5 and page.person_combo.count() > 1,
                    timeout=WAIT_MS)
    qtbot.keyClicks(page.code_edit, kept.case_code)
    qtbot.keyClick(page.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: all(page.model.row_at(i).case_code == kept.case_code
                                for i in range(page.model.rowCount())) and
                    page.model.rowCount() >= 2, timeout=WAIT_MS)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "intact" in page.chain_label.text(), timeout=WAIT_MS)
    page.export("pdf", str(tmp_path / "inspector.pdf"))
    qtbot.waitUntil(lambda: (tmp_path / "inspector.pdf").is_file(), timeout=WAIT_MS)
    assert kept.case_code in PdfReader(tmp_path / "inspector.pdf").pages[0].extract_text()


def test_the_command_line_lists_and_exports(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    base = ("--data-dir", data, "--user", "aysel")
    pw = "coordinator passphrase"
    assert run_cli("init", "--admin", "aysel", "--prefix", "TU", "--data-dir", data,
                   passphrase=pw).returncode == 0
    listed = run_cli("audit", "list", "--action", "vault.", "--json", *base, passphrase=pw)
    assert listed.returncode == 0, listed.stderr
    assert [r["action"] for r in json.loads(listed.stdout)] == ["vault.create"]
    out = tmp_path / "log.csv"
    done = run_cli("audit", "export", "--format", "csv", "--output", str(out), *base,
                   passphrase=pw)
    assert done.returncode == 0 and out.is_file()
    bad = run_cli("audit", "list", "--from", "yesterday", *base, passphrase=pw)
    assert bad.returncode == 1 and "--from" in bad.stderr and "Traceback" not in bad.stderr
