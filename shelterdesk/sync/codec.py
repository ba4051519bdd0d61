"""The plaintext of an envelope: changes as canonical JSON, zlib-compressed, padded.

One change is ``[seq, hlc, table, row_id, col, value, prev]``. Values are JSON
scalars; a binary value is ``{"$b": base64}``; a whole-row insert (``col``
``+``) or a control record carries an object. Keys are sorted and no spaces
are written, so the same changes always give the same bytes. Padding inside the
AEAD (to a power of two, 1 KiB at least) leaves the relay a handful of size buckets
instead of exact sizes; decoding is bounded so a hostile envelope cannot exhaust memory.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from typing import Any

from shelterdesk.store.replication.changes import INSERT, Change
from shelterdesk.sync.errors import EnvelopeMalformed

MAGIC = b"SDP1"
MAX_PLAINTEXT = 256 * 1024 * 1024
_LENGTH = struct.Struct(">I")


def _encode_value(change: Change) -> Any:
    value = change.value
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode_value(table: str, col: str, value: Any) -> Any:
    if col == INSERT or table.startswith("~"):
        # A row, or a control record (an erased change leaves an empty one behind).
        if not isinstance(value, dict) and not (table.startswith("~") and value is None):
            raise EnvelopeMalformed(detail="row")
        return value
    if isinstance(value, dict):
        if set(value) != {"$b"} or not isinstance(value["$b"], str):
            raise EnvelopeMalformed(detail="value")
        try:
            return base64.b64decode(value["$b"], validate=True)
        except ValueError:
            raise EnvelopeMalformed(detail="value") from None
    if value is not None and not isinstance(value, str | int | float):
        raise EnvelopeMalformed(detail="value")
    return value


def canonical(changes: list[Change]) -> bytes:
    rows = [[c.seq, c.hlc, c.tbl, c.row_id, c.col, _encode_value(c), c.prev] for c in changes]
    return json.dumps({"v": 1, "changes": rows}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


MIN_BUCKET = 1024


def padded_size(length: int) -> int:
    """The bucket a body of ``length`` bytes is padded to: 1 KiB, 2 KiB, 4 KiB, … (any old
    envelope padded otherwise still opens: the reader checks only that padding is zeros)."""
    bucket = MIN_BUCKET
    while bucket < length:
        bucket *= 2
    return bucket


def pack(changes: list[Change]) -> bytes:
    compressed = zlib.compress(canonical(changes), 6)
    body = MAGIC + _LENGTH.pack(len(compressed)) + compressed
    return body + b"\0" * (padded_size(len(body)) - len(body))


def unpack(plaintext: bytes, origin: str) -> list[Change]:
    """The changes in a decrypted body; EnvelopeMalformed for anything unexpected."""
    if len(plaintext) < 8 or plaintext[:4] != MAGIC:
        raise EnvelopeMalformed(detail="body")
    (length,) = _LENGTH.unpack_from(plaintext, 4)
    if 8 + length > len(plaintext) or any(plaintext[8 + length:]):
        raise EnvelopeMalformed(detail="padding")
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(plaintext[8:8 + length], MAX_PLAINTEXT)
    except zlib.error:
        raise EnvelopeMalformed(detail="compression") from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise EnvelopeMalformed(detail="size")
    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("v") != 1:
            raise EnvelopeMalformed(detail="version")
        return [_change(origin, row) for row in data["changes"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise EnvelopeMalformed(detail="changes") from None


def _change(origin: str, row: list) -> Change:
    seq, hlc, table, row_id, col, value, prev = row
    if not (isinstance(seq, int) and isinstance(hlc, int) and isinstance(prev, int)
            and isinstance(table, str) and isinstance(row_id, str) and isinstance(col, str)):
        raise EnvelopeMalformed(detail="change")
    if isinstance(seq, bool) or seq < 1 or hlc < 0 or prev < 0:
        raise EnvelopeMalformed(detail="change")
    return Change(origin, seq, hlc, table, row_id, col, _decode_value(table, col, value), prev)


def encode_change(change: Change) -> bytes:
    """One change as canonical JSON (sealed alone under a client's key, see shredding.py)."""
    row = [change.seq, change.hlc, change.tbl, change.row_id, change.col, _encode_value(change),
           change.prev]
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def decode_change(origin: str, data: bytes) -> Change:
    """The inverse of :func:`encode_change`; EnvelopeMalformed for anything unexpected."""
    try:
        row = json.loads(data.decode("utf-8"))
        if not isinstance(row, list) or len(row) != 7:
            raise EnvelopeMalformed(detail="change")
        return _change(origin, row)
    except (ValueError, TypeError):
        raise EnvelopeMalformed(detail="change") from None
