"""Test helper: decrypt every page of a SQLCipher 4 file (and its WAL) with the raw key.

What an attacker with the key — or a forensic tool — would see: the whole file,
free pages and unused space included, not just the rows SQL can reach.
SQLCipher 4 with a raw 256-bit key: AES-256-CBC per page, the IV in the
reserved bytes at the page's end (16 IV + 64 HMAC-SHA512 = 80 bytes); page 1
starts with the 16-byte salt in clear.
"""

from __future__ import annotations

import struct
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80
WAL_HEADER, FRAME_HEADER = 32, 24


def decrypt_page(page: bytes, number: int, key: bytes) -> bytes:
    start = 16 if number == 1 else 0
    iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(bytes(key)), modes.CBC(iv)).decryptor()
    plain = decryptor.update(page[start:PAGE - RESERVE]) + decryptor.finalize()
    return (b"SQLite format 3\x00" if number == 1 else b"") + plain


def decrypted_database(path: Path, key: bytes) -> bytes:
    raw = path.read_bytes()
    return b"".join(decrypt_page(raw[i:i + PAGE], i // PAGE + 1, key)
                    for i in range(0, len(raw) - PAGE + 1, PAGE))


def decrypted_wal(path: Path, key: bytes) -> bytes:
    if not path.exists():
        return b""
    raw = path.read_bytes()
    pages = []
    for offset in range(WAL_HEADER, len(raw) - FRAME_HEADER - PAGE + 1, FRAME_HEADER + PAGE):
        (number,) = struct.unpack(">I", raw[offset:offset + 4])
        frame = raw[offset + FRAME_HEADER:offset + FRAME_HEADER + PAGE]
        pages.append(decrypt_page(frame, number, key))
    return b"".join(pages)


def everything_readable(database: Path, key: bytes) -> bytes:
    """The decrypted database file and WAL together."""
    return decrypted_database(database, key) + decrypted_wal(
        database.with_name(database.name + "-wal"), key)
