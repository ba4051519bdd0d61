"""Retention: policies per record kind, a dry run that changes nothing, the run on
confirmation (clients through the erasure, evidence bytes, drafts), audited as counts; the
Administration → Retention tab and `shelterdesk retention`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.evidence import EvidenceItem
from shelterdesk.domain.roles import Role
from shelterdesk.domain.workspace import Area
from shelterdesk.store import audit
from shelterdesk.store.records import case_list, drafts, evidence, retention
from shelterdesk.store.vault import Session, Vault
from tests.backup_helpers import dump, vault_key
from tests.cases_helpers import WAIT_MS
from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import make_window, unlock
from tests.raw_pages import everything_readable
from tests.records_helpers import add_role_users, intake, login

LATER = datetime.now(UTC) + timedelta(days=365 * 6)  # six years on


def _close(session: Session, case_id: str) -> None:
    with session.lock:
        session.connection.execute("UPDATE cases SET status = 'closed' WHERE id = ?", (case_id,))


@pytest.fixture
def vault_with_history(admin_session: Session) -> dict:
    old = intake(admin_session, given_name="Köhnəxanım", family_name="Retentova")
    evidence.add_evidence(admin_session, EvidenceItem(old.id, "screenshot", "old.png",
                                                      "image/png", b"OLDBLOB-91 " * 50))
    _close(admin_session, old.id)
    filed = intake(admin_session, given_name="Faylova")
    evidence.add_evidence(admin_session, EvidenceItem(filed.id, "screenshot", "keep.png",
                                                      "image/png", b"FILEBLOB-72 " * 50))
    _close(admin_session, filed.id)
    open_case = intake(admin_session, given_name="Açıqova")
    drafts.save_draft(admin_session, "note", {"body": "half typed"}, open_case.id)
    return {"old": old, "filed": filed, "open": open_case}


def test_off_by_default_and_a_dry_run_changes_nothing(admin_session: Session,
                                                      vault_with_history) -> None:
    assert retention.policy(admin_session) == retention.Policy(0, 0, 0)
    assert retention.plan(admin_session, LATER).empty
    retention.set_policy(admin_session, retention.Policy(5, 3, 30))
    before = dump(admin_session.connection)
    plan = retention.plan(admin_session, LATER)
    assert sorted(codes for _c, codes in plan.clients) == sorted(
        [[vault_with_history["old"].case_code], [vault_with_history["filed"].case_code]])
    assert plan.evidence_files == [] and plan.drafts == 1  # files go with their clients
    assert dump(admin_session.connection) == before
    assert retention.plan(admin_session).empty  # today nothing is due


def test_the_run_erases_what_is_due_and_is_audited_as_counts(
        admin_session: Session, vault_with_history) -> None:
    retention.set_policy(admin_session, retention.Policy(10, 5, 30))
    result = retention.run(admin_session, LATER)
    assert result == retention.RetentionResult(0, 2, 1)
    with admin_session.lock:
        assert admin_session.connection.execute(
            "SELECT count(*) FROM evidence_items WHERE content IS NOT NULL").fetchone() == (0,)
        assert admin_session.connection.execute(
            "SELECT count(*) FROM evidence_items").fetchone() == (2,)  # records stay
    assert case_list.count_cases(admin_session) == 3
    entry = audit.recent(admin_session.connection, 1)[0]
    assert entry.action == "retention.run" and entry.detail == {
        "clients": 0, "evidence_files": 2, "drafts": 1}
    data = everything_readable(admin_session.vault.database_path,
                               vault_key(admin_session.vault.directory))
    assert b"OLDBLOB-91" not in data and b"FILEBLOB-72" not in data
    retention.set_policy(admin_session, retention.Policy(5, 5, 30))
    assert retention.run(admin_session, LATER).clients == 2
    assert case_list.count_cases(admin_session) == 1
    data = everything_readable(admin_session.vault.database_path,
                               vault_key(admin_session.vault.directory))
    assert "Köhnəxanım".encode() not in data and b"Retentova" not in data


def test_only_a_coordinator(vault: Vault, admin_session: Session) -> None:
    add_role_users(admin_session)
    with login(vault, Role.CASE_WORKER) as session:
        with pytest.raises(PermissionDenied):
            retention.plan(session)
        with pytest.raises(PermissionDenied):
            retention.set_policy(session, retention.Policy(1, 0, 0))


@pytest.mark.gui
def test_the_retention_tab(qtbot, vault: Vault, admin_session: Session,
                           vault_with_history) -> None:
    for case in (vault_with_history["old"], vault_with_history["filed"]):
        with admin_session.lock:  # closed long ago
            admin_session.connection.execute(
                "UPDATE cases SET updated_at = '2015-01-01T00:00:00.000000Z' WHERE id = ?",
                (case.id,))
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    admin = window.work_area.page_for[Area.ADMINISTRATION]
    admin.tabs.setCurrentWidget(admin.retention_page)
    page = admin.retention_page
    page.cases_spin.setValue(5)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: retention.policy(admin_session).closed_case_years == 5,
                    timeout=WAIT_MS)
    qtbot.mouseClick(page.dry_run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.plan_list.count() == 2, timeout=WAIT_MS)
    assert page.run_button.isEnabled()
    assert case_list.count_cases(admin_session) == 3  # a dry run only lists
    page.run_now()
    qtbot.waitUntil(lambda: page.plan is None and case_list.count_cases(admin_session) == 1,
                    timeout=WAIT_MS)


def test_the_command_line(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    base = ("--data-dir", data, "--user", "aysel")
    pw = "coordinator passphrase"
    assert run_cli("init", "--admin", "aysel", "--data-dir", data, passphrase=pw).returncode == 0
    changed = run_cli("retention", "set", "--draft-days", "30", "--json", *base, passphrase=pw)
    assert changed.returncode == 0 and json.loads(changed.stdout)["draft_days"] == 30
    dry = run_cli("retention", "run", "--dry-run", "--json", *base, passphrase=pw)
    assert dry.returncode == 0 and json.loads(dry.stdout) == {
        "dry_run": True, "clients": [], "evidence_files": [], "drafts": 0}
    bad = run_cli("retention", "set", "--draft-days", "-3", *base, passphrase=pw)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
