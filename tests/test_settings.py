"""Settings inside the vault: defaults, validation, per-user and coordinator-only ones."""

from __future__ import annotations

import pytest

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.store import settings
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Session, Vault
from tests.conftest import WORKER_PASSPHRASE


def test_defaults(admin_session: Session) -> None:
    values = settings.all_values(admin_session)
    assert values["auto_lock_minutes"] == 5
    assert values["privacy_mode"] is True
    assert values["anonymization_k"] == 5
    assert values["paper_size"] == "A4"


def test_values_are_checked(admin_session: Session) -> None:
    for name, bad in (("auto_lock_minutes", 0), ("paper_size", "A3"), ("anonymization_k", "5"),
                      ("language", "de"), ("no_such_setting", 1)):
        with pytest.raises(settings.InvalidSetting):
            settings.set_value(admin_session, name, bad)


def test_per_user_and_vault_wide(vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    settings.set_value(admin_session, "language", "az")
    settings.set_value(admin_session, "auto_lock_minutes", 2)
    with vault.unlock("leyla", WORKER_PASSPHRASE) as worker:
        assert settings.get(worker, "language") == ""
        assert settings.get(worker, "auto_lock_minutes") == 2
        settings.set_value(worker, "privacy_mode", False)
        with pytest.raises(PermissionDenied):
            settings.set_value(worker, "auto_lock_minutes", 30)
    assert settings.get(admin_session, "privacy_mode") is True
