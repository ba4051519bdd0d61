"""Failed unlocks leave a trace and slow the next try across processes and restarts
(store/keys/failed_unlocks.py): counted per user beside the vault before the check,
shown and audited at that user's next visit; an unknown name costs the same work and
gets the same answer as a wrong passphrase."""

from __future__ import annotations

import json
import re
import stat
import time

import pytest

from shelterdesk.store import audit
from shelterdesk.store.errors import TooManyAttempts, WrongPassphrase
from shelterdesk.store.keys import failed_unlocks, keyslots
from shelterdesk.store.vault import Vault
from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE


def _later(vault: Vault, seconds: float = 3600) -> Vault:
    """The same vault in a fresh object (a new process, as far as the throttle knows),
    whose clock says the wait is over."""
    fresh = Vault(vault.directory)
    fresh.throttle.clock = lambda: time.time() + seconds
    return fresh


def test_failures_in_separate_processes_add_up_and_are_shown_and_audited(vault: Vault) -> None:
    for _attempt in range(3):  # each attempt a fresh object: no memory in the process
        with pytest.raises(WrongPassphrase):
            Vault(vault.directory).unlock(ADMIN, "a guess at the passphrase")
    with pytest.raises(TooManyAttempts) as waiting:
        Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE)  # even the right one waits
    assert waiting.value.params["seconds"] >= 1
    path = vault.directory / failed_unlocks.FILE_NAME
    raw = path.read_bytes()
    assert ADMIN.encode() not in raw  # the file names nobody
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with _later(vault).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert len(session.failed_unlocks) == 3
        failed = [e for e in audit.recent(session.connection, 20) if e.action == "login.failed"]
        assert len(failed) == 3 and {e.object_id for e in failed} == {session.user.id}
        assert audit.verify(session.connection).ok
    with _later(vault).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert session.failed_unlocks == ()  # told once


def test_the_delay_grows_with_each_failure(vault: Vault) -> None:
    waits = []
    for attempt in range(1, 7):
        clock_vault = _later(vault, 3600 * attempt)  # each try after the previous wait
        with pytest.raises(WrongPassphrase):
            clock_vault.unlock(ADMIN, "a guess at the passphrase")
        waits.append(clock_vault.attempts.seconds_to_wait(
            clock_vault.load_slots().slot_id_for(ADMIN)))
    assert waits[:2] == [0, 0]
    assert all(later > earlier for earlier, later in zip(waits[2:], waits[3:], strict=False))


def test_an_attempt_is_counted_before_the_check(vault: Vault, monkeypatch) -> None:
    """Killing the process during the derivation does not hide the attempt."""
    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(keyslots, "derive_argon2id", killed)
    with pytest.raises(KeyboardInterrupt):
        Vault(vault.directory).unlock(ADMIN, "a guess at the passphrase")
    monkeypatch.undo()
    with _later(vault).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert len(session.failed_unlocks) == 1


def test_unknown_name_and_wrong_passphrase_do_the_same_work_and_say_the_same(
        vault: Vault, monkeypatch) -> None:
    calls: list[tuple[str, tuple]] = []
    real = keyslots.derive_argon2id

    def counting(secret, salt, params):
        calls.append(("argon2id", (params.memory_kib, params.iterations, params.lanes)))
        return real(secret, salt, params)

    monkeypatch.setattr(keyslots, "derive_argon2id", counting)
    answers = {}
    for name in (ADMIN, "nobody-here"):
        calls.clear()
        with pytest.raises(WrongPassphrase) as refused:
            _later(vault).unlock(name, "a guess at the passphrase")
        answers[name] = (refused.value.user_message(), list(calls))
    assert answers[ADMIN] == answers["nobody-here"]
    assert answers[ADMIN][1]  # a real derivation, at the slot's own cost
    # And the time is the same within generous bounds (the derivation dominates).
    timings = {}
    for name in (ADMIN, "nobody-here"):
        start = time.perf_counter()
        with pytest.raises(WrongPassphrase):
            _later(vault).unlock(name, "a guess at the passphrase")
        timings[name] = time.perf_counter() - start
    assert 0.4 < timings[ADMIN] / timings["nobody-here"] < 2.5


def test_unknown_names_are_audited_at_the_next_visit_of_anyone(vault: Vault) -> None:
    with pytest.raises(WrongPassphrase):
        Vault(vault.directory).unlock("intruder", "a guess at the passphrase")
    with _later(vault).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert session.failed_unlocks == ()  # not this user's
        unknown = [e for e in audit.recent(session.connection, 10)
                   if e.action == "login.failed" and e.detail.get("unknown_name")]
        assert len(unknown) == 1 and "intruder" not in json.dumps(unknown[0].detail)
    with _later(vault).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert not [e for e in audit.recent(session.connection, 3) if e.action == "login.failed"]


def test_deleting_the_file_resets_the_wait_but_is_reported(vault: Vault) -> None:
    Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE).close()  # the epoch is stored
    for _attempt in range(4):
        with pytest.raises((WrongPassphrase, TooManyAttempts)):
            Vault(vault.directory).unlock(ADMIN, "a guess at the passphrase")
    (vault.directory / failed_unlocks.FILE_NAME).unlink()  # the insider covers her tracks
    with Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert session.failed_unlock_trace_removed
        assert "login.failures_file_removed" in [
            e.action for e in audit.recent(session.connection, 5)]
    with Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert not session.failed_unlock_trace_removed


def test_a_damaged_file_does_not_stop_the_user(vault: Vault) -> None:
    Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE).close()
    (vault.directory / failed_unlocks.FILE_NAME).write_bytes(b"\x00garbage{")
    with Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert session.failed_unlock_trace_removed


def test_eight_wrong_passphrases_on_the_command_line(vault: Vault) -> None:
    """The attack of the issue: eight processes, each one wrong passphrase. Now each
    waits longer than the one before, and the owner is told at the next unlock."""
    directory = str(vault.directory)
    waits, started = [], time.monotonic()
    for _attempt in range(8):
        result = run_cli("audit", "list", "--data-dir", directory, "--user", ADMIN,
                         passphrase="eight guesses in a row")
        assert result.returncode != 0
        assert "user name or the passphrase is not correct" in result.stderr
        assert "Traceback" not in result.stderr
        waits += [int(s) for s in re.findall(r"waiting (\d+) seconds", result.stderr)]
    elapsed = time.monotonic() - started
    # Nothing before the third failure, then 1, 2, 4, 8, 16 s after each failure (less the
    # next process's start-up): a wait before every later attempt, each longer. On a busy
    # machine a start-up can outlast the first 1 s delay, so that one may go unseen.
    assert len(waits) in (4, 5) and waits[-1] >= 12
    assert all(later > earlier for earlier, later in zip(waits[1:], waits[2:], strict=False))
    assert elapsed >= sum(waits)
    # The owner, once the last wait is over (the file's clock moved back an hour for the
    # test, as the hour passing would), is told on stderr; the audit log has all eight.
    path = vault.directory / failed_unlocks.FILE_NAME
    data = json.loads(path.read_text())
    for record in data["users"].values():
        record["last"] -= 3600
    path.write_text(json.dumps(data))
    result = run_cli("audit", "list", "--data-dir", directory, "--user", ADMIN,
                     passphrase=ADMIN_PASSPHRASE)
    assert result.returncode == 0, result.stderr
    assert "8 failed attempts to unlock as you since your last visit" in result.stderr
    with Vault(vault.directory).unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        failed = [e for e in audit.recent(session.connection, 30) if e.action == "login.failed"]
        assert len(failed) == 8
