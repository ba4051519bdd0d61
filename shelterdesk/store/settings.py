"""Settings kept inside the vault: vault-wide ones (coordinator) and each user's own."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.vault import Session


class InvalidSetting(UserFacingError):
    message = N_("“{value}” is not a valid value for the setting “{name}”.")


@dataclass(frozen=True)
class SettingSpec:
    default: Any
    per_user: bool
    allowed: tuple[Any, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None

    def check(self, name: str, value: Any) -> Any:
        if self.allowed is not None and value not in self.allowed:
            raise InvalidSetting(name=name, value=value)
        if self.minimum is not None:
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidSetting(name=name, value=value)
            if value < self.minimum or (self.maximum is not None and value > self.maximum):
                raise InvalidSetting(name=name, value=value)
        return value


SPECS: dict[str, SettingSpec] = {
    # per user
    "language": SettingSpec("", True, ("", "az", "ru", "en")),
    "privacy_mode": SettingSpec(True, True, (True, False)),
    # vault-wide (coordinator)
    "auto_lock_minutes": SettingSpec(5, False, minimum=1, maximum=60),
    "paper_size": SettingSpec("A4", False, ("A4", "Letter")),
    "anonymization_k": SettingSpec(5, False, minimum=2, maximum=50),
    # statistics filters (shelter, worker, ...) need at least this many cases behind them
    "statistics_min_population": SettingSpec(20, False, minimum=10, maximum=1000),
    "backup_folder": SettingSpec("", False),
    "backup_keep_daily": SettingSpec(7, False, minimum=1, maximum=365),
    "backup_keep_monthly": SettingSpec(12, False, minimum=0, maximum=120),
    "backup_warn_days": SettingSpec(7, False, minimum=1, maximum=365),
    # retention (store/records/retention.py); 0 keeps for ever
    "retention_closed_case_years": SettingSpec(0, False, minimum=0, maximum=50),
    "retention_evidence_years": SettingSpec(0, False, minimum=0, maximum=50),
    "retention_draft_days": SettingSpec(0, False, minimum=0, maximum=3650),
    "backup_on_exit": SettingSpec(False, False, (True, False)),
    "backup_every_hours": SettingSpec(24, False, minimum=0, maximum=24 * 31),
    # syncing (per laptop: the settings table is not replicated)
    "sync_folder": SettingSpec("", False),
    "sync_relay": SettingSpec("", False),
    # the relay operator's admission token (founding the organisation there); kept in the
    # encrypted vault, sent only to the relay, and only until the organisation is founded
    "sync_relay_admission": SettingSpec("", False),
    "sync_interval_minutes": SettingSpec(15, False, minimum=0, maximum=24 * 60),
}


def _spec(name: str) -> SettingSpec:
    if name not in SPECS:
        raise InvalidSetting(name=name, value="?")
    return SPECS[name]


def get(session: Session, name: str) -> Any:
    """The user's value, or the vault's, or the default."""
    spec = _spec(name)
    owner = session.user.id if spec.per_user else ""
    with session.lock:
        row = session.connection.execute(
            "SELECT value FROM settings WHERE user_id = ? AND key = ?", (owner, name)).fetchone()
    return json.loads(row[0]) if row else spec.default


def set_value(session: Session, name: str, value: Any) -> None:
    spec = _spec(name)
    value = spec.check(name, value)
    if not spec.per_user:
        session.require_role(Role.COORDINATOR, action=N_("change vault settings"))
    owner = session.user.id if spec.per_user else ""
    with session.lock, transaction(session.connection) as connection:
        connection.execute(
            "INSERT INTO settings (user_id, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
            (owner, name, json.dumps(value)))
        audit.append(connection, session.user.id, "settings.change", "setting", name)


def set_values(session: Session, values: dict[str, Any]) -> None:
    """Several vault-wide settings at once: all are saved, or (one invalid) none."""
    checked = {name: _spec(name).check(name, value) for name, value in values.items()}
    if any(not _spec(name).per_user for name in checked):
        session.require_role(Role.COORDINATOR, action=N_("change vault settings"))
    with session.lock, transaction(session.connection) as connection:
        for name, value in checked.items():
            owner = session.user.id if _spec(name).per_user else ""
            connection.execute(
                "INSERT INTO settings (user_id, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
                (owner, name, json.dumps(value)))
            audit.append(connection, session.user.id, "settings.change", "setting", name)


# Settings a laptop sets for itself when it joins an organisation (any user may join).
JOIN_SETTINGS = ("sync_folder", "sync_relay")


def set_for_this_laptop(session: Session, name: str, value: Any) -> None:
    """Write a sync-place setting without the coordinator check: only for joining."""
    if name not in JOIN_SETTINGS:
        raise InvalidSetting(name=name, value="?")
    value = _spec(name).check(name, value)
    with session.lock, transaction(session.connection) as connection:
        connection.execute(
            "INSERT INTO settings (user_id, key, value) VALUES ('', ?, ?) "
            "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
            (name, json.dumps(value)))
        audit.append(connection, session.user.id, "settings.change", "setting", name)


def all_values(session: Session) -> dict[str, Any]:
    return {name: get(session, name) for name in SPECS}
