"""A canonical dump of every replicated table: equal bytes mean equal replicas."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from shelterdesk.store.connection import Connection
from shelterdesk.store.replication.capture import shapes


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"blob": bytes(value).hex()}
    if isinstance(value, float):
        return {"real": repr(value)}
    return value


def canonical_dump(connection: Connection) -> bytes:
    """Every synced table, columns in schema order, rows in key order, values type-tagged."""
    lines = []
    for name, shape in shapes(connection).items():
        order = ", ".join(shape.key)
        lines.append(json.dumps({"table": name, "columns": shape.columns}))
        for row in connection.execute(f"SELECT {', '.join(shape.columns)} FROM {name}"
                                      f" ORDER BY {order}"):
            lines.append(json.dumps([_encode(v) for v in row], ensure_ascii=False,
                                    separators=(",", ":")))
    return "\n".join(lines).encode("utf-8")


def dump_digest(connection: Connection) -> str:
    return hashlib.sha256(canonical_dump(connection)).hexdigest()


def row_counts(connection: Connection) -> dict[str, int]:
    return {name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in shapes(connection)}
