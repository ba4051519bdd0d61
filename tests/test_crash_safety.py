"""Crash safety: kill -9 during writes, a torn WAL, a full disk — the vault always opens whole."""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shelterdesk.store import audit, settings
from shelterdesk.store.connection import open_database
from shelterdesk.store.errors import DiskFull, StorageFailed
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.vault import Vault
from tests.backup_helpers import fresh_checks, vault_key
from tests.cli_helpers import ROOT
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.crash_writer import PASSPHRASES

KILLS_AFTER_READY = 20
KILLS_ANYWHERE = 3


def _writer(data_dir: Path, start: int, passphrase_index: int) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SHELTERDESK_")}
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.crash_writer", str(data_dir), str(start),
         str(passphrase_index)], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def _read_until(process: subprocess.Popen, wanted: bytes, timeout: float = 20) -> bytes:
    """What the writer printed up to and including a line starting with ``wanted``."""
    deadline = time.monotonic() + timeout
    seen = b""
    while not (seen.endswith(b"\n") and seen.rsplit(b"\n", 2)[-2].startswith(wanted)):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"the writer never printed {wanted!r}"
        ready, _, _ = select.select([process.stdout], [], [], remaining)
        if ready:
            char = process.stdout.read(1)
            assert char, process.stderr.read().decode()
            seen += char
    return seen


def _working_key(data_dir: Path, hoped: int) -> tuple[bytearray, int]:
    """The vault key from the slot the writer last acknowledged, or the one in flight."""
    slots = SlotFile.load(data_dir / "keyslots.bin")
    slot = slots.find(slots.slot_id_for(ADMIN))
    for index in (hoped, 1 - hoped):
        key = slots.unwrap_user(slot, PASSPHRASES[index])
        if key is not None:
            return key, index
    raise AssertionError("neither the old nor the new passphrase opens the vault")


def test_kill_minus_nine_never_loses_an_acknowledged_transaction(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    Vault(data_dir).create(ADMIN, PASSPHRASES[0])
    rng = random.Random(20240611)
    acknowledged: set[int] = set()
    passphrase_index = 0
    next_counter = 0
    kills = slot_rewrites = 0
    vault_key_at_start, _ = _working_key(data_dir, 0)
    last_slot_bytes = (data_dir / "keyslots.bin").read_bytes()
    for round_number in range(KILLS_AFTER_READY + KILLS_ANYWHERE):
        process = _writer(data_dir, next_counter, passphrase_index)
        output = b""
        if round_number < KILLS_AFTER_READY:
            output = _read_until(process, b"ready")
            if round_number % 4 == 3:
                # Let a passphrase change (a key-slot rewrite) finish, then kill soon after;
                # the other runs are cut anywhere, inside such a change too.
                output += _read_until(process, b"pw ")
            time.sleep(rng.uniform(0.0, 0.25))
        else:  # during start-up: unlock, WAL recovery, the login entry
            time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        output += process.stdout.read()
        process.wait()
        kills += process.returncode == -signal.SIGKILL
        lines = output.decode().split("\n")[:-1]  # the last piece may be half a line
        this_run = [int(line.split()[1]) for line in lines if line.startswith("w ")]
        for line in lines:
            if line.startswith("pw "):
                passphrase_index = int(line.split()[1])

        slot_bytes = (data_dir / "keyslots.bin").read_bytes()
        if slot_bytes != last_slot_bytes:  # a passphrase change ran: old or new must work
            key, passphrase_index = _working_key(data_dir, passphrase_index)
            assert key == vault_key_at_start
            last_slot_bytes = slot_bytes
            slot_rewrites += 1
        key = vault_key_at_start
        fresh_checks(data_dir / "vault.db", key)
        connection = open_database(data_dir / "vault.db", key)
        try:
            assert audit.verify(connection).ok
            present = {int(r[0]) for r in connection.execute(
                "SELECT object_id FROM audit_log WHERE action = 'crash.write'")}
        finally:
            connection.close()
        assert set(this_run) <= present, "an acknowledged transaction was lost"
        assert acknowledged <= present
        unacknowledged = present - acknowledged - set(this_run)
        # At most the one transaction in flight committed without being acknowledged.
        assert unacknowledged <= {max(this_run, default=next_counter - 1) + 1}
        assert present == set(range(len(present))), "a gap in the committed sequence"
        acknowledged = present
        next_counter = len(present)
    assert kills == KILLS_AFTER_READY + KILLS_ANYWHERE >= 20
    assert len(acknowledged) > 100 and slot_rewrites >= KILLS_AFTER_READY // 4
    # And the ordinary way in still works.
    Vault(data_dir).unlock(ADMIN, PASSPHRASES[passphrase_index]).close()


def test_a_torn_wal_loses_only_the_transactions_after_the_tear(vault: Vault,
                                                               tmp_path: Path) -> None:
    """A crash image whose WAL was cut at a random point (a power cut before the disk
    wrote it all): the vault opens, passes both checks, and holds a prefix of the writes."""
    session = vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    session.connection.execute("PRAGMA wal_autocheckpoint = 0")
    for n in range(60):
        session.audit("torn.write", "test", str(n), pad="y" * (n * 97 % 3000))
    wal = vault.directory / "vault.db-wal"
    wal_size = wal.stat().st_size
    key = vault_key(vault.directory)
    rng = random.Random(7)
    cuts = sorted({0, 32, wal_size - 1, wal_size, *(rng.randrange(wal_size) for _ in range(12))})
    seen = []
    for cut in cuts:
        image = tmp_path / f"image-{cut}"
        image.mkdir()
        shutil.copyfile(vault.database_path, image / "vault.db")
        with (image / "vault.db-wal").open("wb") as handle, wal.open("rb") as source:
            handle.write(source.read(cut))
        fresh_checks(image / "vault.db", key)
        connection = open_database(image / "vault.db", key)
        try:
            assert audit.verify(connection).ok
            present = [int(r[0]) for r in connection.execute(
                "SELECT object_id FROM audit_log WHERE action = 'torn.write' ORDER BY seq")]
        finally:
            connection.close()
        assert present == list(range(len(present)))
        seen.append(len(present))
    session.close()
    assert seen == sorted(seen) and seen[-1] == 60 and seen[0] == 0


# --- a full disk ----------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 6 MiB tmpfs (root only); skipped where mounting is not allowed."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root; the RLIMIT_FSIZE test covers this case")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs",
                             str(mount_point)], capture_output=True)
    if result.returncode != 0:
        pytest.skip("tmpfs mount not permitted here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def _fill(directory: Path) -> Path:
    filler = directory / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_gives_a_clear_error_and_keeps_the_vault(small_disk: Path) -> None:
    vault = Vault(small_disk / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE)
    session = vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    settings.set_value(session, "paper_size", "Letter")
    for n in range(20):
        session.audit("before.full", n=n)
    filler = _fill(small_disk)
    with pytest.raises(DiskFull) as info:
        for _ in range(50):  # whatever space was left in the WAL runs out quickly
            session.audit("during.full", pad="z" * 200_000)
    assert "disk is full" in info.value.user_message()
    assert settings.get(session, "paper_size") == "Letter"  # the session still reads
    session.close()  # and locking does not fail
    key = vault_key(vault.directory)
    # While the disk is still full the vault opens and holds its previous content.
    fresh_checks(vault.database_path, key)
    connection = open_database(vault.database_path, key)
    try:
        assert audit.verify(connection).ok
        assert connection.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'before.full'").fetchone()[0] == 20
    finally:
        connection.close()
    # Unlocking while the disk is full says so (not "damaged"), and changes nothing.
    with pytest.raises(DiskFull):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    filler.unlink()
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as again:
        assert settings.get(again, "paper_size") == "Letter"
        again.audit("after.space.freed")


FSIZE_SCRIPT = r"""
import os, resource, signal, sys
os.environ["SHELTERDESK_KDF_PROFILE"] = "minimum"
from shelterdesk.store.vault import Vault
from shelterdesk.store.errors import StorageFailed
session = Vault(sys.argv[1]).unlock("aysel", "coordinator passphrase")
largest = max(p.stat().st_size for p in session.vault.directory.iterdir())
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (largest + 8192, resource.RLIM_INFINITY))
saved = 0
try:
    for _ in range(200):
        session.audit("during.limit", pad="q" * 100_000)
        saved += 1
    print("no error")
except StorageFailed as error:
    print(type(error).__name__, "|", error.user_message())
session.close()
print("closed", saved)
"""


def test_a_file_size_limit_gives_a_clear_error_and_keeps_the_vault(vault: Vault) -> None:
    """Without root: RLIMIT_FSIZE makes every write past the limit fail, as a full disk."""
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        settings.set_value(session, "paper_size", "Letter")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SHELTERDESK_")}
    environment["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-c", FSIZE_SCRIPT, str(vault.directory)],
                            capture_output=True, text=True, env=environment, timeout=60)
    assert result.returncode == 0, result.stderr
    first, closed = result.stdout.strip().splitlines()
    kind, message = first.split(" | ")
    assert kind in ("DiskFull", "StorageFailed") and closed.startswith("closed ")
    saved = int(closed.split()[1])
    assert "could not be saved" in message and "as it was before" in message
    assert "q" * 20 not in result.stdout + result.stderr  # no values leak into the message
    key = vault_key(vault.directory)
    fresh_checks(vault.database_path, key)
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert settings.get(session, "paper_size") == "Letter"
        assert audit.verify(session.connection).ok
        assert session.connection.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'during.limit'").fetchone()[0] == saved


def test_storage_errors_are_mapped_and_others_are_not() -> None:
    from shelterdesk.store.connection import DatabaseError, storage_error

    def error(code: int, name: str) -> DatabaseError:
        exc = DatabaseError("x")
        exc.sqlite_errorcode, exc.sqlite_errorname = code, name
        return exc

    assert isinstance(storage_error(error(13, "SQLITE_FULL")), DiskFull)
    mapped = storage_error(error(778, "SQLITE_IOERR_WRITE"))
    assert isinstance(mapped, StorageFailed) and "SQLITE_IOERR_WRITE" in mapped.user_message()
    assert storage_error(error(19, "SQLITE_CONSTRAINT")) is None
    assert storage_error(ValueError("x")) is None
