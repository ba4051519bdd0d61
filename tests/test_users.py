"""Users, roles and passphrases, with permissions enforced in the store."""

from __future__ import annotations

import pytest

from shelterdesk.domain.accounts import PassphraseTooShort
from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.store import audit
from shelterdesk.store.errors import (
    UnknownUser,
    UserAlreadyExists,
    UserDisabled,
    WrongPassphrase,
)
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Session, Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE, WORKER_PASSPHRASE


def test_added_user_logs_in_with_their_roles(vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, "leyla", [Role.LEGAL_ADVISOR, Role.MEDICAL], WORKER_PASSPHRASE)
    with vault.unlock("leyla", WORKER_PASSPHRASE) as session:
        assert session.user.roles == (Role.LEGAL_ADVISOR, Role.MEDICAL)


def test_short_passphrase_is_refused(admin_session: Session) -> None:
    with pytest.raises(PassphraseTooShort) as info:
        users.add_user(admin_session, "leyla", [Role.CASE_WORKER], "short")
    assert "10" in info.value.user_message()
    assert [u.username for u in users.list_users(admin_session)] == [ADMIN]


def test_duplicate_user_is_refused(admin_session: Session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    with pytest.raises(UserAlreadyExists):
        users.add_user(admin_session, "LEYLA", [Role.CASE_WORKER], WORKER_PASSPHRASE)


def test_only_a_coordinator_manages_users(vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    with vault.unlock("leyla", WORKER_PASSPHRASE) as worker:
        for attempt in (
            lambda: users.list_users(worker),
            lambda: users.add_user(worker, "x1", [Role.COORDINATOR], WORKER_PASSPHRASE),
            lambda: users.disable_user(worker, ADMIN),
            lambda: users.reset_passphrase(worker, ADMIN, WORKER_PASSPHRASE),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
        denied = [e for e in audit.recent(worker.connection) if e.action == "permission.denied"]
        assert len(denied) == 4


def test_disabled_user_cannot_log_in(vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    users.disable_user(admin_session, "leyla")
    with pytest.raises(UserDisabled):
        vault.unlock("leyla", WORKER_PASSPHRASE)
    # The wrapped key is gone from the file, not just hidden behind a flag.
    from shelterdesk.store.keys.keyslots import SlotFile

    slots = SlotFile.load(vault.slots_path)
    assert slots.find(slots.slot_id_for("leyla")).ciphertext == b""


def test_last_coordinator_cannot_be_disabled(admin_session: Session) -> None:
    with pytest.raises(users.LastCoordinator):
        users.disable_user(admin_session, ADMIN)


def test_change_own_passphrase(vault: Vault, admin_session: Session) -> None:
    with pytest.raises(WrongPassphrase):
        users.change_own_passphrase(admin_session, "not my passphrase", "a new passphrase")
    users.change_own_passphrase(admin_session, ADMIN_PASSPHRASE, "a new passphrase")
    vault.unlock(ADMIN, "a new passphrase").close()
    with pytest.raises(WrongPassphrase):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)


def test_coordinator_resets_a_passphrase(vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    users.reset_passphrase(admin_session, "leyla", "fresh passphrase 1")
    vault.unlock("leyla", "fresh passphrase 1").close()
    with pytest.raises(UnknownUser):
        users.reset_passphrase(admin_session, "nobody", "fresh passphrase 1")


def test_every_change_is_audited(admin_session: Session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    users.reset_passphrase(admin_session, "leyla", "fresh passphrase 1")
    users.disable_user(admin_session, "leyla")
    actions = [e.action for e in audit.recent(admin_session.connection)]
    for expected in ("vault.create", "login", "user.add", "user.reset", "user.disable"):
        assert expected in actions
    assert audit.verify(admin_session.connection).ok
