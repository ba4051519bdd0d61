"""Failed unlocks kept beside the vault: a growing delay in every process, and a trace.

The per-process throttle in ``store/vault.py`` forgets everything when the program
exits, so eight wrong passphrases in eight command-line processes were free. This file
(``unlock-attempts``, owner-only, written atomically) keeps, per user, how many unlocks
were *started* without a success since that user's last visit, when, and a random
``epoch`` naming this copy of the file.

- A user is named by the key-slot file's own lookup (an HMAC of the normalised name
  under the file's random salt), so the file names nobody. An unknown name gets a record
  the same way, so the delay and the answer do not tell names apart.
- An attempt is counted **before** the passphrase is checked: killing the process
  during the derivation does not hide it. A success takes its own attempt back.
- The wait before the next check is ``schedule(count)`` after the last attempt.
- Deleting or replacing the file resets the delay (the same as copying ``keyslots.bin``
  elsewhere, which only the Argon2id cost slows), but not quietly: the epoch is kept in
  the database at every successful unlock, so the next unlock audits and shows that the
  record of failed attempts was removed. A copy restored from earlier (same epoch) is
  not detected; that needs a key this file cannot have before unlocking.
- ``total`` counts failures of anyone since anyone's last success: the emergency
  erase's "after N failed unlocks" (``store/keys/emergency.py``) reads it.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shelterdesk.i18n import _, ngettext
from shelterdesk.store import audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.errors import TooManyAttempts
from shelterdesk.store.keys import keyslots

FILE_NAME = "unlock-attempts"
LOCK_NAME = ".unlock-attempts.lock"
FORMAT = 1
MAX_RECORDS = 200  # someone typing many names cannot grow the file without bound
MAX_TIMES = 50  # timestamps kept per user (the count goes on)
UNKNOWN_KEPT_SECONDS = 24 * 3600
EPOCH_META = "unlock_attempts_epoch"


@dataclass
class Record:
    count: int = 0  # attempts without a success since the last one (the running one included)
    last: float = 0.0  # wall-clock time of the latest attempt or failure
    times: list[str] = field(default_factory=list)  # ISO times of those attempts
    audited: int = 0  # unknown names: how many of ``times`` are in an audit log already


@dataclass
class State:
    epoch: str
    total: int = 0
    records: dict[str, Record] = field(default_factory=dict)

    def as_bytes(self) -> bytes:
        body: dict[str, Any] = {
            "format": FORMAT, "epoch": self.epoch, "total": self.total,
            "users": {key: {"n": r.count, "last": r.last, "times": r.times, "audited": r.audited}
                      for key, r in self.records.items()}}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")


@dataclass(frozen=True)
class Outcome:
    """What a successful unlock hands to the session and the person."""

    failed_at: tuple[str, ...] = ()
    trace_removed: bool = False


def notice_lines(failed_at: tuple[str, ...], removed: bool,
                 local_time: Callable[[str], str]) -> list[str]:
    """What the window and the command line tell the user at unlock (translated)."""
    lines = []
    if failed_at:
        text = ngettext("{count} failed attempt to unlock as you since your last visit "
                        "(the last at {time}).",
                        "{count} failed attempts to unlock as you since your last visit "
                        "(the last at {time}).", len(failed_at))
        lines.append(text.format(count=len(failed_at), time=local_time(failed_at[-1])))
    if removed:
        lines.append(_("The record of failed unlock attempts was removed since your last "
                       "visit: attempts made before that cannot be shown."))
    return lines


def dummy_unwrap(slots: keyslots.SlotFile, passphrase: str) -> None:
    """The work a real slot costs, for a name with no usable slot: the same derivation
    (cost of the file's first user slot) and the same failing decryption."""
    reference = next((s for s in sorted(slots.slots, key=lambda s: s.slot_id)
                      if s.kind in ("member", "user")), None)
    kdf = dict(reference.kdf) if reference is not None else keyslots.KdfParams().as_dict()
    fake = {"kdf": kdf, "salt": keyslots._b64(secrets.token_bytes(16)),
            "nonce": keyslots._b64(secrets.token_bytes(12)),
            "ct": keyslots._b64(secrets.token_bytes(48))}
    keyslots.open_credential(fake, passphrase)


class FailedUnlocks:
    """The file beside one vault. ``schedule`` maps a count to seconds of waiting."""

    def __init__(self, directory: Path, schedule: Callable[[int], float],
                 clock: Callable[[], float] = time.time) -> None:
        self.directory = Path(directory)
        self.schedule = schedule
        self.clock = clock

    @property
    def path(self) -> Path:
        return self.directory / FILE_NAME

    # --- reading and writing ----------------------------------------------------------
    def read(self) -> State | None:
        """The state on disk; None if missing. A damaged file reads as a fresh one whose
        epoch matches nothing, so the next success reports it."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            return State(epoch="unreadable")
        try:
            data = json.loads(raw.decode("ascii"))
            records = {str(k): Record(int(v["n"]), float(v["last"]),
                                      [str(t) for t in v["times"]][-MAX_TIMES:],
                                      int(v.get("audited", 0)))
                       for k, v in dict(data["users"]).items()}
            return State(str(data["epoch"]), int(data.get("total", 0)), records)
        except (ValueError, KeyError, TypeError, AttributeError):
            return State(epoch="damaged")

    def _write(self, state: State) -> None:
        with contextlib.suppress(OSError):  # a read-only folder: nothing is kept
            keyslots.atomic_write(self.path, state.as_bytes())

    @contextlib.contextmanager
    def _locked(self) -> Iterator[State]:
        """Read, change and write under an exclusive lock on a side file, so two
        processes starting at once both count."""
        handle = None
        with contextlib.suppress(OSError):
            handle = os.open(self.directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if handle is not None:
                _lock(handle)
            state = self.read() or State(epoch=secrets.token_hex(16))
            yield state
            self._write(state)
        finally:
            if handle is not None:
                _unlock(handle)
                os.close(handle)

    # --- the unlock sequence ------------------------------------------------------------
    def seconds_to_wait(self, key: str) -> float:
        state = self.read()
        record = state.records.get(key) if state else None
        return self._remaining(record)

    def _remaining(self, record: Record | None) -> float:
        if record is None or not record.count:
            return 0.0
        return max(0.0, record.last + self.schedule(record.count) - self.clock())

    def begin(self, key: str) -> None:
        """Before the passphrase is checked: refuse while a wait runs, else count."""
        with self._locked() as state:
            record = state.records.get(key)
            remaining = self._remaining(record)
            if remaining > 0:
                raise TooManyAttempts(seconds=math.ceil(remaining))
            record = record or Record()
            record.count += 1
            record.last = self.clock()
            record.times = (record.times + [audit.now_iso()])[-MAX_TIMES:]
            state.records[key] = record
            _prune(state, self.clock())

    def failed(self, key: str) -> float:
        """After a failed check; returns the seconds before the next try."""
        with self._locked() as state:
            record = state.records.setdefault(key, Record(count=1, times=[audit.now_iso()]))
            record.last = self.clock()
            state.total += 1
            return self._remaining(record)

    def total(self) -> int:
        state = self.read()
        return state.total if state else 0

    def reset_total(self) -> None:
        with self._locked() as state:
            state.total = 0

    def succeeded(self, key: str, known_keys: set[str], stored_epoch: str) -> tuple[
            Outcome, list[str], str]:
        """After a successful check: this user's earlier attempts (not the one that
        succeeded), the unknown names' attempts not yet audited, and the file's epoch."""
        existed = self.path.exists()
        with self._locked() as state:
            record = state.records.pop(key, None)
            failed = tuple(record.times[:-1]) if record else ()
            state.total = 0
            unknown: list[str] = []
            for other_key, other in state.records.items():
                if other_key not in known_keys and other.audited < len(other.times):
                    unknown.extend(other.times[other.audited:])
                    other.audited = len(other.times)
            removed = bool(stored_epoch) and (not existed or state.epoch != stored_epoch)
            epoch = state.epoch
        return Outcome(failed, removed), sorted(unknown), epoch


def _prune(state: State, now: float) -> None:
    """Unknown names' records go once audited and a day old; the file stays small."""
    for key in [k for k, r in state.records.items()
                if r.audited >= len(r.times) and now - r.last > UNKNOWN_KEPT_SECONDS]:
        del state.records[key]
    while len(state.records) > MAX_RECORDS:
        oldest = min(state.records, key=lambda k: state.records[k].last)
        del state.records[oldest]


if os.name == "posix":
    import fcntl

    def _lock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_EX)

    def _unlock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)
else:  # pragma: no cover - Windows
    import msvcrt

    def _lock(handle: int) -> None:
        os.lseek(handle, 0, os.SEEK_SET)
        msvcrt.locking(handle, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]

    def _unlock(handle: int) -> None:
        os.lseek(handle, 0, os.SEEK_SET)
        msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]


@dataclass
class AttemptThrottle:
    """A growing delay after repeated failures in this process; the same schedule is kept
    per user beside the vault for every process (store/keys/failed_unlocks.py)."""

    failures: int = 0
    not_before: float = 0.0
    failed_at: list[str] = field(default_factory=list)
    clock: Callable[[], float] = time.time  # wall clock of the failed-unlock file (tests move it)

    def delay_for(self, failures: int) -> float:
        return 0.0 if failures < 3 else float(min(2 ** (failures - 3), 300))

    def check(self) -> None:
        remaining = self.not_before - time.monotonic()
        if remaining > 0:
            raise TooManyAttempts(seconds=int(remaining + 0.999))

    def wait_at_least(self, seconds: float) -> None:
        """The wait the file beside the vault asks for, so the window's countdown shows it."""
        self.not_before = max(self.not_before, time.monotonic() + seconds)

    def seconds_remaining(self) -> float:
        return max(0.0, self.not_before - time.monotonic())

    def failed(self) -> None:
        self.failures += 1
        self.failed_at.append(audit.now_iso())
        self.not_before = time.monotonic() + self.delay_for(self.failures)

    def succeeded(self) -> list[str]:
        pending, self.failed_at = self.failed_at, []
        self.failures, self.not_before = 0, 0.0
        return pending


def record_success(attempts: FailedUnlocks, connection: Connection, slots: keyslots.SlotFile,
                   user_id: str, key: str) -> Outcome:
    """This user's failed attempts since the last visit (and unknown names' ones) into the
    audit log, and the file's epoch into the database, in the unlocking transaction."""
    stored = connection.execute(
        "SELECT value FROM meta WHERE key = ?", (EPOCH_META,)).fetchone()
    known = {s.slot_id for s in slots.slots if s.kind in ("member", "user")}
    outcome, unknown, epoch = attempts.succeeded(key, known, stored[0] if stored else "")
    with transaction(connection):
        for failed_at in outcome.failed_at:
            audit.append(connection, "", "login.failed", "user", user_id, at=failed_at)
        for failed_at in unknown:
            audit.append(connection, "", "login.failed", "user", "", at=failed_at,
                         unknown_name=True)
        if outcome.trace_removed:
            audit.append(connection, user_id, "login.failures_file_removed")
        connection.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (EPOCH_META, epoch))
    return outcome
