"""Erasure on request: the plan shows what will go, the code is typed back, a second request is
answered in words; the command line is the window's twin."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.referrals import Consent
from shelterdesk.domain.roles import Role
from shelterdesk.domain.tasks import Note
from shelterdesk.store import audit
from shelterdesk.store.records import case_list, clients, erasure_request, tasks
from shelterdesk.store.vault import Session, Vault
from tests.backup_helpers import dump
from tests.cli_helpers import run_cli
from tests.records_helpers import add_role_users, login, make_case, make_client


def _case(session: Session, name: str = "Zümrüd") -> tuple[str, str]:
    case = clients.create_intake(session, make_client(given_name=name), make_case(),
                                 [Consent("", "data_storage", date.today())])
    tasks.add_note(session, Note(case.id, "a note"))
    return case.id, case.case_code


def test_the_plan_counts_what_will_go_and_changes_nothing(admin_session: Session) -> None:
    case_id, code = _case(admin_session)
    _case(admin_session, "Gülnarə")
    before = dump(admin_session.connection)
    plan = erasure_request.plan(admin_session, code.lower())
    assert plan.case_id == case_id and plan.case_codes == [code]
    assert plan.counts["consents"] == 1 and plan.counts["search"] == 1
    assert plan.counts["referrals"] == 0 and plan.counts["files"] == 0
    assert plan.records >= 4  # client, case, consent, note
    assert dump(admin_session.connection) == before


def test_reason_and_typed_code_are_checked_before_anything_goes(admin_session: Session) -> None:
    _case_id, code = _case(admin_session)
    before = dump(admin_session.connection)
    with pytest.raises(erasure_request.ErasureReasonMissing):
        erasure_request.erase_on_request(admin_session, code, code, "   ")
    with pytest.raises(erasure_request.CaseCodeNotTypedBack) as typed:
        erasure_request.erase_on_request(admin_session, code, code[:-1], "asked by phone")
    assert code in typed.value.user_message()
    assert dump(admin_session.connection) == before


def test_a_second_erasure_of_the_same_client_says_when_and_changes_nothing(
        admin_session: Session) -> None:
    _case_id, code = _case(admin_session)
    report = erasure_request.erase_on_request(admin_session, code, code, "client asked")
    assert report.purged and case_list.count_cases(admin_session) == 0
    entry = audit.recent(admin_session.connection, 1)[0]
    assert entry.action == "client.erase" and entry.detail["case_codes"] == [code]
    assert entry.detail["reason"] == "client asked"
    before = dump(admin_session.connection)
    with pytest.raises(erasure_request.AlreadyErased) as again:
        erasure_request.erase_on_request(admin_session, code, code, "client asked")
    assert code in again.value.user_message() and "erased already" in again.value.user_message()
    assert dump(admin_session.connection) == before


def test_only_a_coordinator_sees_the_plan(vault: Vault, admin_session: Session) -> None:
    _case_id, code = _case(admin_session)
    add_role_users(admin_session)
    with login(vault, Role.CASE_WORKER) as session, pytest.raises(PermissionDenied):
        erasure_request.plan(session, code)


PW = "coordinator passphrase"


def test_the_command_line_erases_and_refuses_a_second_time(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    base = ("--data-dir", data, "--user", "aysel")
    assert run_cli("init", "--admin", "aysel", "--prefix", "TU", "--data-dir", data,
                   passphrase=PW).returncode == 0
    assert run_cli("demo-data", "--clients", "3", "--seed", "1", *base,
                   passphrase=PW).returncode == 0
    code = json.loads(run_cli("cases", "list", "--json", *base, passphrase=PW).stdout)[0][
        "case_code"]
    missing = run_cli("erase", "--case", code, "--reason", " ", *base, passphrase=PW)
    assert missing.returncode == 1 and "Reason" in missing.stderr
    assert "Traceback" not in missing.stderr
    erased = run_cli("erase", "--case", code, "--reason", "client asked", "--json", *base,
                     passphrase=PW)
    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout)["case_codes"] == [code]
    again = run_cli("erase", "--case", code, "--reason", "client asked", *base, passphrase=PW)
    assert again.returncode == 1 and "erased already" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    left = json.loads(run_cli("cases", "list", "--json", *base, passphrase=PW).stdout)
    assert code not in [c["case_code"] for c in left] and len(left) == 2
