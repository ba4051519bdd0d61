"""Process hardening at start: no core dumps, so a crash never writes keys or records to disk;
every file the program creates is owner-only."""

from __future__ import annotations

import ctypes
import os
import sys

PR_SET_DUMPABLE = 4


def disable_core_dumps() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def owner_only_files() -> None:
    """Every file and folder this process creates is readable by its owner only (0600/0700):
    QR codes, CSV/xlsx/PDF exports, backups, the relay's SQLite database and its -wal
    and -shm files, whatever library writes them (reportlab, openpyxl, segno, SQLite).
    On Windows the umask is ignored; the user's profile folders are private there."""
    os.umask(0o077)
