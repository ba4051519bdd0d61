"""Audit anchors: each laptop signs its audit chain's head at every sync, and every laptop
keeps and hands on the heads it has seen, so a chain rewritten on one laptop — a row
deleted and the hashes recomputed with the project's own code — no longer matches what
that laptop signed before (``store/audit.py: against_anchors``).

An anchor is ``{device, seq, head, at}`` signed with the device's Ed25519 key. They ride
in the signed acknowledgement each laptop publishes after every sync (``sync/acks.py``):
its own newest anchor and those it holds of the others (the newest ``KEEP`` per laptop).
A laptop reading the acknowledgements stores every anchor whose signature checks out
under the signing laptop's registered key. So a person who deletes this laptop's stored
anchors gets them back from the other laptops' acknowledgements at the next sync. The
relay (or the shared folder) sees only device ids, numbers and opaque SHA-256 hashes.
"""

from __future__ import annotations

import json
from typing import Any

from shelterdesk.store.connection import Connection
from shelterdesk.store.replication import registry
from shelterdesk.store.rows import now
from shelterdesk.sync import crypto, records
from shelterdesk.sync.errors import EnvelopeMalformed

KEEP = 50  # anchors per laptop handed on in an acknowledgement


def _message(org_id: str, anchor: dict[str, Any]) -> bytes:
    body = {"kind": "shelterdesk/audit-anchor/v1", "org": org_id, "device": anchor["device"],
            "seq": int(anchor["seq"]), "head": anchor["head"], "at": anchor["at"]}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")


def sign_own(connection: Connection) -> dict[str, Any] | None:
    """This laptop's head, signed and stored (inside the caller's transaction); None for an
    empty chain or a laptop not yet enrolled."""
    ident = registry.identity(connection)
    row = connection.execute(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    if row is None or ident.sign_key is None:
        return None
    anchor = {"device": ident.device_id, "seq": int(row[0]), "head": str(row[1]), "at": now()}
    signature = crypto.sign(ident.sign_key, _message(ident.org_id, anchor))
    _store(connection, anchor, signature)
    return {**anchor, "sig": records.b64(signature)}


def _store(connection: Connection, anchor: dict[str, Any], signature: bytes) -> bool:
    cursor = connection.execute(
        "INSERT INTO audit_anchors (device_id, seq, head, signed_at, signature)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (anchor["device"], int(anchor["seq"]), anchor["head"], anchor["at"], signature))
    return cursor.rowcount > 0


def outgoing(connection: Connection) -> list[dict[str, Any]]:
    """The anchors handed on: the newest KEEP of every laptop this one holds."""
    rows = connection.execute(
        "SELECT device_id, seq, head, signed_at, signature FROM ("
        " SELECT *, row_number() OVER (PARTITION BY device_id ORDER BY seq DESC) AS n"
        " FROM audit_anchors) WHERE n <= ? ORDER BY device_id, seq", (KEEP,))
    return [{"device": r[0], "seq": r[1], "head": r[2], "at": r[3], "sig": records.b64(r[4])}
            for r in rows]


def absorb(connection: Connection, anchors: Any) -> int:
    """Store every anchor whose signature checks out under its laptop's registered key
    (inside the caller's transaction); the number new here. Others are ignored."""
    if not isinstance(anchors, list):
        return 0
    ident = registry.identity(connection)
    added = 0
    for item in anchors[: KEEP * 64]:
        try:
            anchor = {"device": str(item["device"]), "seq": int(item["seq"]),
                      "head": str(item["head"]), "at": str(item["at"])}
            signature = records.unb64(item["sig"])
        except (KeyError, TypeError, ValueError, EnvelopeMalformed):  # foreign input
            continue
        if anchor["device"] == ident.device_id and ident.sign_key is not None:
            public = crypto.signing_public(ident.sign_key)
        else:
            device = registry.device(connection, anchor["device"])
            if device is None:
                continue
            public = device.sign_pub
        if len(anchor["head"]) == 64 and crypto.verify(public, signature,
                                                        _message(ident.org_id, anchor)):
            added += _store(connection, anchor, signature)
    return added

