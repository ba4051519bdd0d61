"""Backups: round trip, damage of any byte, credentials, no plaintext, never overwriting."""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import struct
import threading
import time
from pathlib import Path

import pytest

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.store import audit, settings
from shelterdesk.store.backups import format as backup_format
from shelterdesk.store.backups.create import create_backup
from shelterdesk.store.backups.errors import (
    BackupDamaged,
    BackupDiskFull,
    BackupExists,
    BackupFolderMissing,
    BackupInsideVault,
    BackupUnknownUser,
    NotABackup,
    RestoreNeedsCredentials,
    RestoreTargetNotEmpty,
    RestoreWouldReplace,
)
from shelterdesk.store.backups.format import MAC_INFO, read_layout
from shelterdesk.store.backups.restore import restore_backup, verify_backup
from shelterdesk.store.errors import InvalidRecoveryKey, WrongPassphrase, WrongRecoveryKey
from shelterdesk.store.keys import users
from shelterdesk.store.keys.keyslots import derive_subkey
from shelterdesk.store.vault import Session, Vault
from tests.backup_helpers import dump, dump_file, fresh_checks, vault_key
from tests.conftest import ADMIN, ADMIN_PASSPHRASE, WORKER_PASSPHRASE
from tests.test_no_plaintext import MARKERS


def fill(session: Session, rows: int = 300) -> None:
    """Users, settings, drafts and audit rows: every table has something in it."""
    users.add_user(session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE,
                   display_name=f"{MARKERS[0]} {MARKERS[1]}")
    settings.set_value(session, "paper_size", "Letter")
    settings.set_value(session, "language", "az")
    worker_id = session.connection.execute(
        "SELECT id FROM users WHERE username = 'leyla'").fetchone()[0]
    with session.lock:
        session.connection.execute(
            "INSERT INTO drafts (id, user_id, form, content, saved_at) VALUES (?, ?, ?, ?, ?)",
            ("d1", worker_id, "intake", json.dumps({"note": MARKERS[3]}), audit.now_iso()))
    for index in range(rows):
        session.audit("test.fill", "thing", str(index), pad="ə" * (index % 50))


@pytest.fixture
def filled(admin_session: Session) -> Session:
    fill(admin_session)
    return admin_session


@pytest.fixture
def made(filled: Session, tmp_path: Path) -> tuple[Session, Path, dict]:
    """A backup of the filled vault, and every table as it was when the backup was made."""
    before = dump(filled.connection)
    (tmp_path / "out").mkdir()
    info = create_backup(filled, tmp_path / "out" / "vault.sdbackup")
    return filled, info.path, before


def test_round_trip_restores_every_table_row_by_row(made, tmp_path: Path) -> None:
    session, path, before = made
    report = verify_backup(path, username=ADMIN, passphrase=ADMIN_PASSPHRASE)
    assert report.deep and report.audit_ok is True
    assert report.tables == {name: len(rows) for name, rows in before.items()
                             if not name.startswith("sqlite_")}
    restored = restore_backup(path, tmp_path / "restored")
    assert restored.safety_copy is None and not restored.deep
    key = vault_key(restored.target)
    fresh_checks(restored.target / "vault.db", key)
    assert dump_file(restored.target / "vault.db", key) == before
    # The restored vault is a working vault: both users can unlock it.
    Vault(restored.target).unlock(ADMIN, ADMIN_PASSPHRASE).close()
    Vault(restored.target).unlock("leyla", WORKER_PASSPHRASE).close()


def test_the_backup_is_a_consistent_snapshot_while_the_vault_is_written(
        filled: Session, tmp_path: Path) -> None:
    """A writer keeps committing on its own connection during the backup; the copy holds a
    prefix of its rows with no gap, and the audit chain inside verifies."""
    writer = filled.open_connection()
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            with writer:
                writer.execute("INSERT INTO settings (user_id, key, value) VALUES ('w', ?, ?)",
                               (f"k{n:06d}", str(n)))
            n += 1
            time.sleep(0.002)  # a busy user, not a lock hog that starves other writers

    thread = threading.Thread(target=write)
    thread.start()
    try:
        infos = [create_backup(filled, tmp_path / f"b{i}.sdbackup") for i in range(3)]
    finally:
        stop.set()
        thread.join()
        writer.close()
    for info in infos:
        target = tmp_path / f"r-{info.path.stem}"
        restore_backup(info.path, target)
        keys = sorted(r[1] for r in dump_file(target / "vault.db", vault_key(target))["settings"]
                      if r[0] == "w")
        assert keys == [f"k{n:06d}" for n in range(len(keys))]  # a prefix, no gap
        assert len(keys) == info.tables["settings"] - 2  # two settings were set by fill()
    assert infos[-1].tables["settings"] > infos[0].tables["settings"]  # it did write meanwhile


def test_backup_is_audited_and_recorded(made) -> None:
    session, _path, _before = made
    entry = audit.recent(session.connection, 1)[0]
    assert entry.action == "backup.create" and entry.detail["kind"] == "manual"
    assert session.meta("last_backup_at")


def test_no_plaintext_in_the_backup_file(made) -> None:
    _session, path, _before = made
    data = path.read_bytes()
    for marker in MARKERS + [ADMIN, "leyla", "Təmiz Ürək NGO"]:
        for encoding in ("utf-8", "utf-16-le"):
            assert marker.encode(encoding) not in data, marker
    header = read_layout(path).header
    assert set(json.loads(header.to_bytes())) == {
        "format", "vault_id", "created_at", "app_version", "schema_version", "keyslots_size",
        "keyslots_sha256", "database_size", "database_sha256"}


def test_only_a_coordinator_makes_a_backup(vault: Vault, admin_session: Session,
                                           tmp_path: Path) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    with vault.unlock("leyla", WORKER_PASSPHRASE) as worker, pytest.raises(PermissionDenied):
        create_backup(worker, tmp_path / "x.sdbackup")
    assert not (tmp_path / "x.sdbackup").exists()
    assert audit.recent(admin_session.connection, 2)[1].action == "permission.denied"


def test_never_overwrites_and_never_inside_the_vault(admin_session: Session,
                                                     tmp_path: Path) -> None:
    existing = tmp_path / "taken.sdbackup"
    existing.write_bytes(b"someone else's file")
    with pytest.raises(BackupExists):
        create_backup(admin_session, existing)
    assert existing.read_bytes() == b"someone else's file"
    with pytest.raises(BackupInsideVault):
        create_backup(admin_session, admin_session.vault.directory / "b.sdbackup")
    with pytest.raises(BackupFolderMissing):
        create_backup(admin_session, tmp_path / "no" / "such" / "b.sdbackup")
    # Nothing half-made is left beside the vault.
    counted = {"unlock-attempts", ".unlock-attempts.lock"}  # store/keys/failed_unlocks.py
    assert sorted(p.name for p in admin_session.vault.directory.iterdir()
                  if not p.name.startswith("vault.db") and p.name not in counted) == [
        "keyslots.bin"]


# --- damage ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("pristine")
    vault = Vault(directory / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, org_name="x")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        for index in range(200):
            session.audit("test.fill", n=index, pad="x" * 200)
        return create_backup(session, directory / "b.sdbackup").path


def regions(path: Path) -> dict[str, int]:
    layout = read_layout(path)
    return {"magic": 0, "version": 9, "header length": 12, "header": 20,
            "key slots": layout.keyslots_offset + 10,
            "database page 1": layout.database_offset + 5,
            "database middle": layout.database_offset + layout.header.database_size // 2,
            "database last byte": layout.mac_offset - 1,
            "content MAC": layout.mac_offset + 3, "checksum": layout.file_size - 1}


@pytest.mark.parametrize("region", ["magic", "version", "header length", "header", "key slots",
                                    "database page 1", "database middle",
                                    "database last byte", "content MAC", "checksum"])
def test_a_flipped_byte_anywhere_is_detected(pristine: Path, tmp_path: Path,
                                             region: str) -> None:
    raw = bytearray(pristine.read_bytes())
    raw[regions(pristine)[region]] ^= 0x01
    damaged = tmp_path / "damaged.sdbackup"
    damaged.write_bytes(bytes(raw))
    with pytest.raises((BackupDamaged, NotABackup)):
        verify_backup(damaged)
    with pytest.raises((BackupDamaged, NotABackup)):
        verify_backup(damaged, username=ADMIN, passphrase=ADMIN_PASSPHRASE)
    with pytest.raises((BackupDamaged, NotABackup)):
        restore_backup(damaged, tmp_path / "restored")
    assert not (tmp_path / "restored").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["damaged.sdbackup"]


def test_every_byte_position_is_covered(pristine: Path, tmp_path: Path) -> None:
    """Flip one bit at every byte of the first and last 200 and at 400 positions spread
    over the rest of the file: none goes unnoticed."""
    raw = pristine.read_bytes()
    damaged = tmp_path / "d.sdbackup"
    step = max(1, len(raw) // 400)
    positions = set(range(0, len(raw), step)) | set(range(200)) | set(
        range(len(raw) - 200, len(raw)))
    for position in sorted(positions):
        copy = bytearray(raw)
        copy[position] ^= 1 << (position % 8)
        damaged.write_bytes(bytes(copy))
        with pytest.raises((BackupDamaged, NotABackup)):
            verify_backup(damaged)


@pytest.mark.parametrize("keep", [0, 5, 13, 100, -1, -33])
def test_a_truncated_backup_is_detected(pristine: Path, tmp_path: Path, keep: int) -> None:
    raw = pristine.read_bytes()
    cut = tmp_path / "cut.sdbackup"
    cut.write_bytes(raw[:keep] if keep >= 0 else raw[:keep])
    with pytest.raises((BackupDamaged, NotABackup)) as info:
        verify_backup(cut)
    assert "truncated" in str(info.value) or "not a ShelterDesk backup" in str(info.value)


def test_appended_bytes_are_detected(pristine: Path, tmp_path: Path) -> None:
    longer = tmp_path / "longer.sdbackup"
    longer.write_bytes(pristine.read_bytes() + b"\0")
    with pytest.raises(BackupDamaged):
        verify_backup(longer)


def _rewrite(raw: bytes, new_database: bytes, mac_key: bytes | None) -> bytes:
    """A backup rebuilt around another database section with a correct checksum (and MAC
    only when given the key): what someone who edits a backup could produce."""
    magic_version = raw[:10]
    (length,) = struct.unpack(">I", raw[10:14])
    header = json.loads(raw[14:14 + length])
    slots = raw[14 + length:14 + length + header["keyslots_size"]]
    header["database_sha256"] = hashlib.sha256(new_database).hexdigest()
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    body = magic_version + struct.pack(">I", len(header_bytes)) + header_bytes + slots
    body += new_database
    mac_offset = len(raw) - 64
    tag = (hmac.new(mac_key, body, hashlib.sha256).digest() if mac_key
           else raw[mac_offset:mac_offset + 32])
    return body + tag + hashlib.sha256(body + tag).digest()


def test_an_edited_backup_with_a_recomputed_checksum_fails_the_full_check(
        pristine: Path, tmp_path: Path) -> None:
    raw = pristine.read_bytes()
    layout = read_layout(pristine)
    database = bytearray(raw[layout.database_offset:layout.mac_offset])
    database[5000] ^= 0xFF
    edited = tmp_path / "edited.sdbackup"
    edited.write_bytes(_rewrite(raw, bytes(database), None))
    verify_backup(edited)  # the checksum alone cannot tell: anyone can recompute it
    with pytest.raises(BackupDamaged) as info:
        verify_backup(edited, username=ADMIN, passphrase=ADMIN_PASSPHRASE)
    assert "MAC" in str(info.value)


def test_a_damaged_page_with_a_valid_mac_fails_the_integrity_check(
        pristine: Path, tmp_path: Path) -> None:
    """Even with checksum and MAC recomputed by someone holding the key, SQLCipher's page
    HMAC catches the edited page: the deep check really opens the database."""
    raw = pristine.read_bytes()
    layout = read_layout(pristine)
    database = bytearray(raw[layout.database_offset:layout.mac_offset])
    database[4096 * 2 + 300] ^= 0xFF
    key = vault_key(pristine.parent / "vault")
    edited = tmp_path / "edited.sdbackup"
    edited.write_bytes(_rewrite(raw, bytes(database), derive_subkey(key, MAC_INFO)))
    verify_backup(edited)
    with pytest.raises(BackupDamaged) as info:
        verify_backup(edited, username=ADMIN, passphrase=ADMIN_PASSPHRASE)
    assert "HMAC" in str(info.value) or "malformed" in str(info.value)


# --- credentials ----------------------------------------------------------------------------
def test_verify_with_the_recovery_key(created_vault, tmp_path: Path) -> None:
    vault, recovery_key = created_vault
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        path = create_backup(session, tmp_path / "b.sdbackup").path
    report = verify_backup(path, recovery_key=recovery_key)
    assert report.deep and report.opened_with == "recovery"
    with pytest.raises(InvalidRecoveryKey):
        verify_backup(path, recovery_key=recovery_key[:-1] + "0")
    other = Vault(tmp_path / "other").create("someone", "another passphrase")
    with pytest.raises(WrongRecoveryKey):
        verify_backup(path, recovery_key=other.recovery_key)


def test_verify_with_wrong_credentials(pristine: Path) -> None:
    with pytest.raises(WrongPassphrase):
        verify_backup(pristine, username=ADMIN, passphrase="not the passphrase")
    with pytest.raises(BackupUnknownUser):
        verify_backup(pristine, username="nobody", passphrase=ADMIN_PASSPHRASE)


def test_the_temporary_copy_of_a_full_check_is_removed(pristine: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    verify_backup(pristine, username=ADMIN, passphrase=ADMIN_PASSPHRASE, work_dir=work)
    assert list(work.iterdir()) == []


# --- restore --------------------------------------------------------------------------------
def test_restore_over_a_vault_needs_force_credentials_and_keeps_a_safety_copy(
        made, tmp_path: Path) -> None:
    session, path, before = made
    live = session.vault.directory
    session.audit("after.backup")  # the live vault moves on after the backup
    session.close()
    live_files = {p.name: p.read_bytes() for p in live.iterdir()}
    with pytest.raises(RestoreWouldReplace):
        restore_backup(path, live)
    with pytest.raises(RestoreNeedsCredentials):
        restore_backup(path, live, force=True)
    with pytest.raises(WrongPassphrase):
        restore_backup(path, live, force=True, username=ADMIN, passphrase="wrong one")
    assert {p.name: p.read_bytes() for p in live.iterdir()} == live_files
    report = restore_backup(path, live, force=True, username=ADMIN,
                            passphrase=ADMIN_PASSPHRASE)
    assert report.deep and report.safety_copy is not None
    assert {p.name: p.read_bytes() for p in report.safety_copy.iterdir()} == live_files
    restored = dump_file(live / "vault.db", vault_key(live))
    # Identical to the backup but for the restore's own audit entry (and the chain head).
    new_rows = [r for r in restored["audit_log"] if r not in before["audit_log"]]
    assert [r[3] for r in new_rows] == ["backup.restore"]
    assert {k: v for k, v in restored.items() if k not in ("audit_log", "meta")} == {
        k: v for k, v in before.items() if k not in ("audit_log", "meta")}
    with Vault(live).unlock(ADMIN, ADMIN_PASSPHRASE) as again:
        assert audit.verify(again.connection).ok
        assert not any(e.action == "after.backup" for e in audit.recent(again.connection, 500))


def test_restore_refuses_a_folder_with_other_files(pristine: Path, tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(RestoreTargetNotEmpty):
        restore_backup(pristine, target, force=True)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_restore_into_an_existing_empty_folder(pristine: Path, tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    restore_backup(pristine, target, username=ADMIN, passphrase=ADMIN_PASSPHRASE)
    assert sorted(p.name for p in target.iterdir()) == ["keyslots.bin", "vault.db"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o700)
    Vault(target).unlock(ADMIN, ADMIN_PASSPHRASE).close()


# --- a full backup disk ---------------------------------------------------------------------
def test_a_full_backup_disk_leaves_no_partial_file(admin_session: Session, tmp_path: Path,
                                                   monkeypatch) -> None:
    out = tmp_path / "drive"
    out.mkdir()

    def no_space(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backup_format.os, "fsync", no_space)
    with pytest.raises(BackupDiskFull) as info:
        create_backup(admin_session, out / "b.sdbackup")
    monkeypatch.undo()
    assert "full" in info.value.user_message()
    assert list(out.iterdir()) == []
    assert audit.recent(admin_session.connection, 1)[0].action == "backup.failed"
    create_backup(admin_session, out / "b.sdbackup")  # and it works once there is space


def test_a_backup_from_a_newer_version_is_told_apart_from_damage(pristine: Path,
                                                                 tmp_path: Path) -> None:
    from shelterdesk.store.backups.errors import BackupTooNew

    raw = bytearray(pristine.read_bytes())
    raw[8:10] = (2).to_bytes(2, "big")
    body = bytes(raw[:-32])
    newer = tmp_path / "newer.sdbackup"
    newer.write_bytes(body + hashlib.sha256(body).digest())
    with pytest.raises(BackupTooNew):
        verify_backup(newer)


def test_staging_left_by_a_crashed_backup_is_removed(admin_session: Session,
                                                     tmp_path: Path) -> None:
    vault_dir = admin_session.vault.directory
    stale, fresh = vault_dir / ".backup-crashed", vault_dir / ".backup-running"
    for folder in (stale, fresh):
        folder.mkdir()
        (folder / "vault.db").write_bytes(b"encrypted leftovers")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    create_backup(admin_session, tmp_path / "b.sdbackup")
    assert not stale.exists() and fresh.exists()
