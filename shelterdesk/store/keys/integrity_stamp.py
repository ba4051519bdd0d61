"""A keyed note of the vault file as this program last closed it.

Unlock checks every page of a vault (HMACs and b-trees) so that damage shows before
anyone adds more work to a broken file; on a 40 MB vault that alone costs half a
second, beyond the "key derivation plus 100 ms" an unlock may take. A file that no
one has touched since this program closed it cleanly after a full check needs no new
check until the day is over: the stamp records the file's size, modification and change
times and inode (and the write-ahead log's) at that close, under an HMAC keyed from the vault
key. A crash while open, a copy, a restore, a sync client or a person writing to the
file changes what the stamp describes, and the full check runs again. Between full
checks a damaged page still fails loudly when it is read (every page carries its own
HMAC). The stamp holds numbers only, nothing about anyone.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import time
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

STAMP_NAME = ".integrity-stamp"
_INFO = b"shelterdesk/integrity-stamp/v1"


def _stamp_path(database: Path) -> Path:
    return database.with_name(STAMP_NAME)


def _file_state(database: Path) -> list[int]:
    state = []
    for path in (database, database.with_name(database.name + "-wal")):
        try:
            info = path.stat()
        except FileNotFoundError:
            state += [-1, -1, -1, -1]
        else:  # the change time cannot be set back by hand, unlike the modification time
            state += [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    return state


def _mac(key: bytes | bytearray, payload: bytes) -> str:
    stamp_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                     info=_INFO).derive(bytes(key))
    return hmac.new(stamp_key, payload, "sha256").hexdigest()


def write(database: Path, key: bytes | bytearray, checked_at: float | None) -> None:
    """After a clean close: describe the file as it is now (no stamp without a full check)."""
    path = _stamp_path(database)
    with contextlib.suppress(OSError):
        if checked_at is None:
            path.unlink(missing_ok=True)
            return
        payload = json.dumps({"state": _file_state(database), "checked_at": checked_at},
                             sort_keys=True).encode("ascii")
        temporary = path.with_name(STAMP_NAME + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(json.dumps({"payload": payload.decode("ascii"),
                                     "mac": _mac(key, payload)}).encode("ascii"))
        os.replace(temporary, path)


def checked_at_if_untouched(database: Path, key: bytes | bytearray) -> float | None:
    """The time of the last full check if the file is exactly as that clean close left it."""
    try:
        stamp = json.loads(_stamp_path(database).read_text("ascii"))
        payload = stamp["payload"].encode("ascii")
        if not hmac.compare_digest(stamp["mac"], _mac(key, payload)):
            return None
        content = json.loads(payload)
        if content["state"] != _file_state(database):
            return None
        return float(content["checked_at"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def last_full_check(connection) -> float | None:
    """The vault's own record of its last full check (``meta``), read before closing."""
    row = connection.execute(
        "SELECT value FROM meta WHERE key = 'integrity_checked_at'").fetchone()
    return None if row is None else float(row[0])


def record_full_check(connection) -> None:
    """Note in ``meta`` that every page was checked just now (inside the unlock's transaction)."""
    connection.execute(
        "INSERT INTO meta (key, value) VALUES ('integrity_checked_at', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(time.time()),))
