"""The client's own data (right of access): a PDF in the client's language and a JSON file of
everything held, coordinator only, audited; the window's button and the command line."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from shelterdesk.domain.care import LegalConsultation
from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.evidence import EvidenceItem
from shelterdesk.domain.roles import Role
from shelterdesk.domain.tasks import Note
from shelterdesk.reports import subject_access
from shelterdesk.store import audit
from shelterdesk.store.records import care, evidence, tasks
from shelterdesk.store.vault import Session, Vault
from tests.cases_helpers import WAIT_MS, cases_page, search_and_open
from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import make_window, unlock
from tests.records_helpers import add_role_users, intake, login

BLOB = b"\x89PNG screenshot of the job advert"


@pytest.fixture
def her(admin_session: Session):
    case = intake(admin_session, given_name="Səbinə", family_name="Əliyeva", languages=["ru"],
                  phone="+994 55 111 22 33")
    tasks.add_note(admin_session, Note(case.id, "Хочет вернуться домой"))
    care.add_legal_consultation(admin_session, LegalConsultation(
        case.id, date(2026, 3, 2), "victim_status", summary="Заявление на статус"))
    evidence.add_evidence(admin_session, EvidenceItem(case.id, "screenshot", "advert.png",
                                                      "image/png", BLOB, platform="instagram"))
    intake(admin_session, given_name="Gülnarə", family_name="Başqa")
    return case


def test_the_json_holds_everything_and_only_hers(admin_session: Session, her,
                                                 tmp_path: Path) -> None:
    pdf_path, json_path = subject_access.export_to(admin_session, her.id, tmp_path)
    document = json.loads(json_path.read_text("utf-8"))
    records = document["records"]
    assert document["case_codes"] == [her.case_code]
    assert records["clients"][0]["given_name"] == "Səbinə"
    assert records["clients"][0]["languages"] == ["ru"]
    assert records["notes"][0]["body"] == "Хочет вернуться домой"
    assert records["legal_consultations"][0]["summary"] == "Заявление на статус"
    assert base64.b64decode(records["evidence_items"][0]["content"]["base64"]) == BLOB
    assert "Gülnarə" not in json_path.read_text("utf-8")
    # The PDF is in her language (Russian), and names the sections and the values in words.
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    assert "Səbinə" in text and "Хочет вернуться домой" in text and her.case_code in text
    assert "Личные данные" in text or "Ваши данные" in text
    assert "Gülnarə" not in text
    entry = audit.recent(admin_session.connection, 1)[0]
    assert entry.action == "client.export" and entry.detail["rows"]["notes"] == 1
    assert "Səbinə" not in json.dumps(entry.detail)


def test_the_pdf_language_can_be_chosen(admin_session: Session, her, tmp_path: Path) -> None:
    pdf_path, _json = subject_access.export_to(admin_session, her.id, tmp_path, "az")
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    assert "Хочет вернуться домой" in text and "Личные данные" not in text


def test_only_a_coordinator_exports(vault: Vault, admin_session: Session, her,
                                    tmp_path: Path) -> None:
    add_role_users(admin_session)
    out = tmp_path / "out"
    out.mkdir()
    with login(vault, Role.CASE_WORKER) as session, pytest.raises(PermissionDenied):
        subject_access.export_to(session, her.id, out)
    assert list(out.iterdir()) == []


def test_a_missing_folder_is_named_and_nothing_is_left(admin_session: Session, her,
                                                       tmp_path: Path) -> None:
    with pytest.raises(subject_access.ExportFolderUnusable) as error:
        subject_access.export_to(admin_session, her.id, tmp_path / "gone")
    assert "gone" in error.value.user_message()


@pytest.mark.gui
def test_the_client_file_button_writes_both_files(qtbot, vault: Vault, her,
                                                  tmp_path: Path) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    page = cases_page(qtbot, window)
    search_and_open(qtbot, page, "sebine")
    assert page.file_page.rights_button.isVisible()
    out = tmp_path / "out"
    out.mkdir()
    page.file_page.export_client_data(str(out))
    qtbot.waitUntil(lambda: len(list(out.iterdir())) == 2, timeout=WAIT_MS)
    assert sorted(p.suffix for p in out.iterdir()) == [".json", ".pdf"]


def test_the_command_line_twin(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    base = ("--data-dir", data, "--user", "aysel")
    pw = "coordinator passphrase"
    assert run_cli("init", "--admin", "aysel", "--prefix", "TU", "--data-dir", data,
                   passphrase=pw).returncode == 0
    assert run_cli("demo-data", "--clients", "2", "--seed", "3", *base,
                   passphrase=pw).returncode == 0
    code = json.loads(run_cli("cases", "list", "--json", *base, passphrase=pw).stdout)[0][
        "case_code"]
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli("client-data", "--case", code, "--output", str(out), "--json", *base,
                   passphrase=pw)
    assert done.returncode == 0, done.stderr
    assert Path(json.loads(done.stdout)["pdf"]).is_file()
    missing = run_cli("client-data", "--case", "TU-99-XXXXXX-X", "--output", str(out), *base,
                      passphrase=pw)
    assert missing.returncode == 1 and "TU-99" in missing.stderr
