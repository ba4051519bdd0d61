"""Emergency erase: a duress passphrase at the unlock screen, erase after N failed unlocks and
the coordinator's erase-now leave the vault unreadable without the recovery key and readable
with it; the person at the screen sees only the ordinary wrong-passphrase message."""

from __future__ import annotations

import pytest

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.store import audit
from shelterdesk.store.errors import WrongPassphrase
from shelterdesk.store.keys import emergency
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.records_helpers import ROLE_PASSPHRASE, ROLE_USERS, add_role_users, intake, login

DURESS = "tulips in the rain 1917"
NEW = "a fresh passphrase after recovery"


def _every_slot_refuses(vault: Vault, passphrases: list[str]) -> None:
    """No passphrase (the old ones, the duress one) opens any slot of the file any more."""
    slots = SlotFile.load(vault.slots_path)
    users = [s for s in slots.slots if s.kind in ("member", "personal", "user")]
    assert users  # decoys in the shape of slots, so the file looks as before
    for slot in users:
        for passphrase in passphrases:
            assert slots.unwrap_user(slot, passphrase) is None


def _without_throttle(vault: Vault) -> None:
    vault.throttle.delay_for = lambda _failures: 0.0  # the tests wait for nobody


@pytest.fixture
def case_id(created_vault) -> str:
    vault, _recovery = created_vault
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        add_role_users(session)
        return intake(session, given_name="Səadət").id


def test_the_duress_passphrase_destroys_the_slots_and_says_only_wrong_passphrase(
        created_vault, case_id: str) -> None:
    vault, recovery_key = created_vault
    _without_throttle(vault)
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert not emergency.policy(session).enabled  # off by default
        emergency.set_policy(session, duress_passphrase=DURESS, wipe_after=0)
        assert emergency.policy(session).duress
    with login(vault, Role.CASE_WORKER):  # an ordinary login keeps working
        pass
    with pytest.raises(WrongPassphrase) as raised:
        vault.unlock(ROLE_USERS[Role.CASE_WORKER], DURESS)
    assert raised.value.user_message() == WrongPassphrase().user_message()
    # Unreadable without the recovery key: every user's real passphrase is now wrong…
    for user, passphrase in ((ADMIN, ADMIN_PASSPHRASE),
                             (ROLE_USERS[Role.CASE_WORKER], ROLE_PASSPHRASE)):
        with pytest.raises(WrongPassphrase):
            vault.unlock(user, passphrase)
    _every_slot_refuses(vault, [ADMIN_PASSPHRASE, ROLE_PASSPHRASE, DURESS])
    # …and the policy is gone from the file with them (it would betray what happened).
    assert "emergency" not in [s.kind for s in SlotFile.load(vault.slots_path).slots]
    # Readable with it: the recovery key opens the same data, and the other users come back.
    with vault.unlock_with_recovery(recovery_key, ADMIN, NEW) as session:
        assert session.connection.execute("SELECT count(*) FROM cases WHERE id = ?",
                                          (case_id,)).fetchone() == (1,)
        assert audit.verify(session.connection).ok
        session.refresh_member_slots()
    with login(vault, Role.CASE_WORKER):
        pass
    with vault.unlock(ADMIN, NEW):
        pass


def test_erase_after_n_failed_unlocks(created_vault, case_id: str) -> None:
    vault, recovery_key = created_vault
    _without_throttle(vault)
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        emergency.set_policy(session, duress_passphrase=None, wipe_after=3)
    for _attempt in range(2):
        with pytest.raises(WrongPassphrase):
            vault.unlock(ADMIN, "guess")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE):  # a success resets the count
        pass
    for _attempt in range(2):
        with pytest.raises(WrongPassphrase):
            vault.unlock(ADMIN, "guess")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE):
        pass
    for _attempt in range(3):
        with pytest.raises(WrongPassphrase):
            vault.unlock(ADMIN, "guess")
    with pytest.raises(WrongPassphrase):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    with vault.unlock_with_recovery(recovery_key, ADMIN, NEW) as session:
        assert session.connection.execute("SELECT count(*) FROM cases").fetchone() == (1,)


def test_the_coordinators_erase_now(created_vault, case_id: str) -> None:
    vault, recovery_key = created_vault
    with login(vault, Role.CASE_WORKER) as session, pytest.raises(PermissionDenied):
        emergency.erase_now(session)
    session = vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    emergency.erase_now(session)
    assert not session.is_open
    _every_slot_refuses(vault, [ADMIN_PASSPHRASE, ROLE_PASSPHRASE])
    with vault.unlock_with_recovery(recovery_key, ADMIN, NEW) as session:
        entries = [e.action for e in audit.recent(session.connection, 5)]
        assert "emergency.erase" in entries


def test_bad_settings_are_refused_and_change_nothing(created_vault) -> None:
    vault, _recovery = created_vault
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        before = vault.slots_path.read_bytes()
        with pytest.raises(emergency.DuressSameAsOwn):
            emergency.set_policy(session, duress_passphrase=ADMIN_PASSPHRASE, wipe_after=0)
        with pytest.raises(emergency.WipeAfterOutOfRange):
            emergency.set_policy(session, duress_passphrase=None, wipe_after=1)
        assert vault.slots_path.read_bytes() == before
        emergency.set_policy(session, duress_passphrase=DURESS, wipe_after=5)
        # Turning the failed-unlock count off keeps the duress passphrase when asked to.
        kept = emergency.set_policy(session, duress_passphrase=None, wipe_after=0,
                                    keep_duress=True)
        assert kept == emergency.Policy(True, 0)
        off = emergency.set_policy(session, duress_passphrase=None, wipe_after=0)
        assert not off.enabled
        assert "emergency" not in [s.kind for s in SlotFile.load(vault.slots_path).slots]


def test_a_policy_survives_a_passphrase_change(created_vault) -> None:
    """Every later write of the slot file keeps the decoys and key-less MAC current."""
    vault, recovery_key = created_vault
    _without_throttle(vault)
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        emergency.set_policy(session, duress_passphrase=DURESS, wipe_after=0)
        add_role_users(session)  # new slots written after the policy
    with pytest.raises(WrongPassphrase):
        vault.unlock(ADMIN, DURESS)
    _every_slot_refuses(vault, [ADMIN_PASSPHRASE, ROLE_PASSPHRASE])
    with vault.unlock_with_recovery(recovery_key, ADMIN, NEW):
        pass
