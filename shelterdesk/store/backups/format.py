"""The backup file: header, key slots, encrypted database, content MAC and SHA-256 checksum.

Layout (integers big-endian)::

    magic            8 bytes   b"SDBACKUP"
    format version   2 bytes   1
    header length    4 bytes
    header           canonical JSON (ASCII): format, vault_id, created_at, app_version,
                     schema_version, keyslots_size, keyslots_sha256, database_size,
                     database_sha256 — random ids, times, sizes and hashes; never a name
    key slots        the vault's keyslots.bin, byte for byte (still wrapped)
    database         a SQLCipher copy of the vault, under the vault key (still encrypted)
    content MAC      32 bytes: HMAC-SHA256 of everything before it, under a key derived from
                     the vault key; checked when a passphrase or the recovery key is given
    checksum         32 bytes: SHA-256 of everything before it; anyone can check it

The checksum catches any damaged byte without a secret; the MAC catches a
backup rewritten by someone who recomputed the checksum.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import secrets
import struct
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from shelterdesk.store.backups.errors import (
    BackupDamaged,
    BackupDiskFull,
    BackupExists,
    BackupTooNew,
    BackupWriteFailed,
    NotABackup,
)
from shelterdesk.store.keys.keyslots import fsync_directory

MAGIC = b"SDBACKUP"
FORMAT = 1
SUFFIX = ".sdbackup"
MAC_INFO = b"shelterdesk/backup-mac/v1"
DIGEST_SIZE = 32
_PREAMBLE = struct.Struct(">8sHI")
MAX_HEADER = 64 * 1024
MAX_KEYSLOTS = 16 * 1024 * 1024
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupHeader:
    vault_id: str
    created_at: str  # UTC, ISO 8601 with Z
    app_version: str
    schema_version: int
    keyslots_size: int
    keyslots_sha256: str
    database_size: int
    database_sha256: str
    format: int = FORMAT

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=True).encode("ascii")

    @classmethod
    def parse(cls, raw: bytes, path: Path) -> BackupHeader:
        try:
            data: dict[str, Any] = json.loads(raw.decode("ascii"))
            header = cls(
                vault_id=_text(data["vault_id"]), created_at=_text(data["created_at"]),
                app_version=_text(data["app_version"]),
                schema_version=_count(data["schema_version"]),
                keyslots_size=_count(data["keyslots_size"]),
                keyslots_sha256=_text(data["keyslots_sha256"]),
                database_size=_count(data["database_size"]),
                database_sha256=_text(data["database_sha256"]),
                format=_count(data["format"]))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise BackupDamaged(path=str(path), detail="header unreadable") from None
        if header.keyslots_size > MAX_KEYSLOTS:
            raise BackupDamaged(path=str(path), detail="header sizes impossible")
        return header


def _text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError("not a short string")
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("not a count")
    return value


@dataclass(frozen=True)
class Layout:
    """Where each part of one backup file lies."""

    path: Path
    header: BackupHeader
    keyslots_offset: int
    database_offset: int
    mac_offset: int
    file_size: int


@dataclass(frozen=True)
class ScanResult:
    checksum_ok: bool
    keyslots_ok: bool
    database_ok: bool
    mac_ok: bool | None  # None: no key was given, the MAC was not checked

    @property
    def ok(self) -> bool:
        return (self.checksum_ok and self.keyslots_ok and self.database_ok
                and self.mac_ok is not False)

    def problem(self) -> str:
        if not self.checksum_ok:
            return "checksum mismatch"
        if not self.keyslots_ok:
            return "key slots checksum mismatch"
        if not self.database_ok:
            return "database checksum mismatch"
        if self.mac_ok is False:
            return "content MAC mismatch"
        return ""


def file_sha256(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


# --- writing ------------------------------------------------------------------------------
def write_backup(output: Path, header: BackupHeader, keyslots: bytes, database: Path,
                 mac_key: bytes) -> str:
    """Write the file atomically (temp name, fsync, rename); returns its SHA-256 checksum.

    The database section is streamed from ``database`` and its hash checked against the
    header while it is written, so a file that changed under us is never published.
    """
    output = output.absolute()
    if output.exists():
        raise BackupExists(path=str(output))
    temp = output.with_name(f".{output.name}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _write_error(output, exc) from None
    checksum = hashlib.sha256()
    mac = hmac.new(mac_key, digestmod=hashlib.sha256)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            def emit(data: bytes) -> None:
                handle.write(data)
                checksum.update(data)
                mac.update(data)

            header_bytes = header.to_bytes()
            emit(_PREAMBLE.pack(MAGIC, FORMAT, len(header_bytes)))
            emit(header_bytes)
            emit(keyslots)
            section = hashlib.sha256()
            copied = 0
            with database.open("rb") as source:
                while chunk := source.read(CHUNK):
                    section.update(chunk)
                    copied += len(chunk)
                    emit(chunk)
            if copied != header.database_size or section.hexdigest() != header.database_sha256:
                raise BackupDamaged(path=str(database), detail="copy changed while written")
            tag = mac.digest()
            checksum.update(tag)
            handle.write(tag)
            handle.write(checksum.digest())
            handle.flush()
            os.fsync(handle.fileno())
        if output.exists():
            raise BackupExists(path=str(output))
        os.replace(temp, output)
        fsync_directory(output.parent)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _write_error(output, exc) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return checksum.hexdigest()


def _write_error(output: Path, exc: OSError) -> BackupWriteFailed:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return BackupDiskFull(path=str(output))
    return BackupWriteFailed(path=str(output), reason=exc.strerror or type(exc).__name__)


# --- reading ------------------------------------------------------------------------------
def read_layout(path: Path) -> Layout:
    """Parse the header and check that the parts add up to the file's size."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            preamble = handle.read(_PREAMBLE.size)
            if len(preamble) < _PREAMBLE.size or not preamble.startswith(MAGIC):
                raise NotABackup(path=str(path))
            _magic, found, header_length = _PREAMBLE.unpack(preamble)
            if found > FORMAT:
                # Every format ends in a SHA-256 of the rest: a newer file passes it, a
                # damaged version field does not.
                if not trailing_checksum_ok(path):
                    raise BackupDamaged(path=str(path), detail="checksum mismatch")
                raise BackupTooNew(path=str(path), found=found)
            if found < 1 or header_length > MAX_HEADER:
                raise BackupDamaged(path=str(path), detail="preamble unreadable")
            raw = handle.read(header_length)
    except IsADirectoryError:
        raise NotABackup(path=str(path)) from None
    if len(raw) < header_length:
        raise BackupDamaged(path=str(path), detail="truncated")
    header = BackupHeader.parse(raw, path)
    keyslots_offset = _PREAMBLE.size + header_length
    database_offset = keyslots_offset + header.keyslots_size
    mac_offset = database_offset + header.database_size
    expected = mac_offset + 2 * DIGEST_SIZE
    if size < expected:
        raise BackupDamaged(path=str(path), detail="truncated")
    if size > expected:
        raise BackupDamaged(path=str(path), detail="unexpected bytes at the end")
    return Layout(path, header, keyslots_offset, database_offset, mac_offset, size)


def trailing_checksum_ok(path: Path) -> bool:
    """Whether the last 32 bytes are the SHA-256 of all before them (any format version)."""
    size = path.stat().st_size
    if size < _PREAMBLE.size + DIGEST_SIZE:
        return False
    digest = hashlib.sha256()
    remaining = size - DIGEST_SIZE
    with path.open("rb") as handle:
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                return False
            digest.update(chunk)
            remaining -= len(chunk)
        stored = handle.read(DIGEST_SIZE)
    return hmac.compare_digest(digest.digest(), stored)


def read_keyslots(layout: Layout) -> bytes:
    with layout.path.open("rb") as handle:
        handle.seek(layout.keyslots_offset)
        data = handle.read(layout.header.keyslots_size)
    if len(data) != layout.header.keyslots_size:
        raise BackupDamaged(path=str(layout.path), detail="truncated")
    return data


def scan(layout: Layout, *, mac_key: bytes | None = None,
         database_out: BinaryIO | None = None) -> ScanResult:
    """Read the whole file once: checksum, section hashes, MAC (with a key), and optionally
    copy the database section out (the caller trusts the copy only if the result is ok)."""
    checksum = hashlib.sha256()
    mac = hmac.new(mac_key, digestmod=hashlib.sha256) if mac_key is not None else None
    keyslots = hashlib.sha256()
    database = hashlib.sha256()
    position = 0
    with layout.path.open("rb") as handle:
        while position < layout.mac_offset:
            chunk = handle.read(min(CHUNK, layout.mac_offset - position))
            if not chunk:
                raise BackupDamaged(path=str(layout.path), detail="truncated")
            checksum.update(chunk)
            if mac is not None:
                mac.update(chunk)
            _feed_sections(layout, position, chunk, keyslots, database, database_out)
            position += len(chunk)
        tag = handle.read(DIGEST_SIZE)
        stored_checksum = handle.read(DIGEST_SIZE)
    checksum.update(tag)
    return ScanResult(
        checksum_ok=hmac.compare_digest(checksum.digest(), stored_checksum),
        keyslots_ok=hmac.compare_digest(keyslots.hexdigest(), layout.header.keyslots_sha256),
        database_ok=hmac.compare_digest(database.hexdigest(), layout.header.database_sha256),
        mac_ok=None if mac is None else hmac.compare_digest(mac.digest(), tag),
    )


def _feed_sections(layout: Layout, position: int, chunk: bytes, keyslots: Any, database: Any,
                   database_out: BinaryIO | None) -> None:
    end = position + len(chunk)
    for start, stop, digest, out in (
            (layout.keyslots_offset, layout.database_offset, keyslots, None),
            (layout.database_offset, layout.mac_offset, database, database_out)):
        low, high = max(start, position), min(stop, end)
        if low < high:
            part = chunk[low - position:high - position]
            digest.update(part)
            if out is not None:
                out.write(part)
