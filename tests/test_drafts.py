"""Drafts of half-typed forms: per user, inside the vault, replaced, erased when discarded."""

from __future__ import annotations

import pytest

from shelterdesk.domain.roles import Role
from shelterdesk.store.records import drafts
from shelterdesk.store.vault import Session, Vault
from tests.records_helpers import add_role_users, intake, login


def test_save_load_replace_discard(admin_session: Session) -> None:
    assert drafts.load_draft(admin_session, "intake") is None
    first = drafts.save_draft(admin_session, "intake", {"given_name": "Aynur", "step": 1})
    assert first.saved_at is not None
    drafts.save_draft(admin_session, "intake", {"given_name": "Aynur Ə", "step": 2})
    loaded = drafts.load_draft(admin_session, "intake")
    assert loaded is not None and loaded.content == {"given_name": "Aynur Ə", "step": 2}
    assert loaded.saved_at >= first.saved_at
    rows = admin_session.connection.execute("SELECT count(*) FROM drafts").fetchone()[0]
    assert rows == 1  # replaced, not piled up
    assert drafts.discard_draft(admin_session, "intake")
    assert drafts.load_draft(admin_session, "intake") is None
    assert not drafts.discard_draft(admin_session, "intake")


def test_drafts_are_per_subject_and_name_the_case_code(admin_session: Session) -> None:
    case = intake(admin_session)
    drafts.save_draft(admin_session, "legal", {"summary": "a"}, subject_id=case.id)
    drafts.save_draft(admin_session, "note", {"body": "b"}, subject_id=case.id)
    drafts.save_draft(admin_session, "intake", {"given_name": "c"})
    listed = drafts.list_drafts(admin_session)
    assert [d.form for d in listed] == ["intake", "note", "legal"]  # newest first
    assert {d.case_code for d in listed if d.subject_id} == {case.case_code}
    assert drafts.load_draft(admin_session, "legal", case.id).content == {"summary": "a"}
    assert drafts.load_draft(admin_session, "legal") is None


def test_drafts_are_private_to_their_author(vault: Vault, admin_session: Session) -> None:
    add_role_users(admin_session)
    drafts.save_draft(admin_session, "intake", {"given_name": "Aynur"})
    worker = login(vault, Role.CASE_WORKER)
    try:
        assert drafts.list_drafts(worker) == []
        assert drafts.load_draft(worker, "intake") is None
        assert not drafts.discard_draft(worker, "intake")
        drafts.save_draft(worker, "intake", {"given_name": "Leyla"})
    finally:
        worker.close()
    assert drafts.load_draft(admin_session, "intake").content == {"given_name": "Aynur"}


def test_drafts_stay_inside_the_encrypted_file(vault: Vault, admin_session: Session) -> None:
    drafts.save_draft(admin_session, "intake", {"given_name": "Xədicə Qarayeva"})
    admin_session.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in vault.directory.iterdir():
        assert b"Qarayeva" not in path.read_bytes(), path.name


def test_bad_keys_and_oversized_drafts_are_refused(admin_session: Session) -> None:
    with pytest.raises(ValueError):
        drafts.save_draft(admin_session, "Intake; DROP", {})
    with pytest.raises(drafts.DraftTooLarge):
        drafts.save_draft(admin_session, "note", {"body": "x" * (drafts.MAX_DRAFT_BYTES + 1)})
    assert drafts.list_drafts(admin_session) == []
