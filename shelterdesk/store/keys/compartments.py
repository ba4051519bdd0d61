"""Compartments: legal, medical and evidence content under keys only their readers hold.

The vault database stays one SQLCipher file under the core key (every user but
a statistics user holds it). Inside it, the content columns of legal
consultations, medical services, digital evidence and perpetrator
descriptions are AES-256-GCM ciphertext under a *compartment key*, with the
table, column and row id as associated data, so a sealed cell cannot be moved
to another row or column. Why cells and not attached databases: sync captures
and merges rows field by field, so a cell that is ciphertext travels, merges
and conflicts as it is — a laptop whose users hold no legal key keeps and
passes on legal changes sealed, and whoever holds the key reads them at
their next unlock.

Who holds which key follows the permission matrix (domain/permissions.py): a
compartment's key goes to every role that may *view* one of its kinds. Each
key is sealed to each holder's X25519 public key (store/keys/sealing.py) in a
``compartment_grants`` row; the private key lives only inside the user's
credential, so a colleague with the core key reads the grants and learns
nothing. Whoever holds a key gives it, at each unlock, to the holders that
lack it, takes it back from users who lost the role or were disabled, and
seals the plaintext a vault from before compartments still holds.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shelterdesk.domain.roles import Role
from shelterdesk.store import audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.keys import roster_upkeep, sealing, write_only
from shelterdesk.store.keys.compartment_layout import (  # noqa: F401 - re-exported
    _BPREFIX,
    BLOB_COLUMNS,
    COMPARTMENTS,
    EVIDENCE,
    LEGAL,
    MEDICAL,
    PREFIX,
    SEALED_COLUMNS,
    CompartmentLocked,
    compartments_for,
    holds,
    parse_cell,
)
from shelterdesk.store.rows import now


def _aad(table: str, column: str, row_id: str, compartment: str, key_id: str,
         form: str) -> bytes:
    return "\x00".join(("shelterdesk/cell/v1", table, column, str(row_id), compartment,
                        key_id, form)).encode("utf-8")


def _grant_aad(user_id: str, compartment: str, key_id: str) -> bytes:
    return f"shelterdesk/compartment-grant/v1/{user_id}/{compartment}/{key_id}".encode()


def is_sealed(value: Any) -> bool:
    """Sealed under the compartment key (sdc1) or to its public key (sdc2, write_only.py)."""
    if isinstance(value, str):
        return value.startswith(PREFIX) or write_only.is_write_only_cell(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value[:len(_BPREFIX)]) == _BPREFIX or write_only.is_write_only_cell(value)
    return False


@dataclass
class CompartmentKeys:
    """The compartment keys one session holds: compartment → key id → (created, key)."""

    keys: dict[str, dict[str, tuple[str, bytearray]]] = field(default_factory=dict)

    def has(self, compartment: str) -> bool:
        return bool(self.keys.get(compartment))

    def held(self) -> list[str]:
        return [name for name in COMPARTMENTS if self.has(name)]

    def add(self, compartment: str, key_id: str, created_at: str, key: bytes) -> None:
        self.keys.setdefault(compartment, {})[key_id] = (created_at, bytearray(key))

    def current(self, compartment: str) -> tuple[str, bytearray]:
        """The newest key of the compartment (it seals every new cell)."""
        held = self.keys.get(compartment)
        if not held:
            raise CompartmentLocked()
        key_id = max(held, key=lambda k: (held[k][0], k))
        return key_id, held[key_id][1]

    # --- cells ----------------------------------------------------------------------
    def seal(self, table: str, column: str, row_id: str, value: Any) -> Any:
        """The stored form of one cell: ciphertext, or the value itself if it is empty or
        not in a sealed column."""
        spec = SEALED_COLUMNS.get(table)
        if spec is None or column not in spec[1] or value is None or value in ("", b""):
            return value
        compartment = spec[0]
        key_id, key = self.current(compartment)
        form = "b" if isinstance(value, bytes | bytearray | memoryview) else "t"
        plain = bytes(value) if form == "b" else str(value).encode("utf-8")
        nonce = secrets.token_bytes(12)
        sealed = nonce + AESGCM(bytes(key)).encrypt(
            nonce, plain, _aad(table, column, row_id, compartment, key_id, form))
        head = f"{PREFIX}{compartment}:{key_id}:"
        if form == "b":
            return head.encode("ascii") + sealed
        return head + base64.b64encode(sealed).decode("ascii")

    def open(self, table: str, column: str, row_id: str, value: Any) -> Any:
        """The plaintext of a stored cell; CompartmentLocked if its key is not held here."""
        if not is_sealed(value):
            return value
        if write_only.is_write_only_cell(value):  # sealed by a writer without the key
            return write_only.open_cell(self, table, column, row_id, value)
        compartment_name, key_name, sealed, form = parse_cell(value)
        entry = self.keys.get(compartment_name, {}).get(key_name)
        if entry is None:
            raise CompartmentLocked()
        try:
            plain = AESGCM(bytes(entry[1])).decrypt(
                sealed[:12], sealed[12:],
                _aad(table, column, row_id, compartment_name, key_name, form))
        except InvalidTag:
            raise CompartmentLocked() from None
        return plain if form == "b" else plain.decode("utf-8")

    def can_open(self, value: Any) -> bool:
        if not is_sealed(value):
            return True
        parts = (bytes(value) if not isinstance(value, str) else value.encode()).split(b":", 3)
        return len(parts) == 4 and parts[2].decode(errors="replace") in self.keys.get(
            parts[1].decode(errors="replace"), {})

    def open_row(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """A copy of a row (a dict with its ``id``) with its sealed cells opened."""
        spec = SEALED_COLUMNS.get(table)
        if spec is None:
            return row
        return {name: self.open(table, name, row.get("id", ""), value)
                if name in spec[1] else value for name, value in row.items()}

    def wipe(self) -> None:
        for held in self.keys.values():
            for _created, key in held.values():
                for index in range(len(key)):
                    key[index] = 0
        self.keys.clear()


# --- keys and grants ------------------------------------------------------------------
def load(connection: Connection, user_id: str, private_key: bytes | None) -> CompartmentKeys:
    """The compartment keys sealed to this user (those their private key opens)."""
    keys = CompartmentKeys()
    if private_key is None or not has_tables(connection):
        return keys
    for compartment, key_id, created_at, sealed in connection.execute(
            "SELECT compartment, key_id, created_at, sealed FROM compartment_grants"
            " WHERE user_id = ?", (user_id,)):
        if compartment not in COMPARTMENTS:
            continue
        key = sealing.open_sealed(private_key, bytes(sealed),
                                  _grant_aad(user_id, compartment, key_id))
        if key is not None and len(key) == 32:
            keys.add(compartment, key_id, created_at, key)
    return keys


def has_tables(connection: Connection) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table'"
                              " AND name = 'compartment_grants'").fetchone() is not None


def new_key(keys: CompartmentKeys, compartment: str) -> str:
    """A fresh key for the compartment, held by this session (grant it to others with
    :func:`share`); returns its id."""
    key_id = secrets.token_hex(8)
    keys.add(compartment, key_id, now(), secrets.token_bytes(32))
    return key_id


def _grant(connection: Connection, user_id: str, public_key: bytes, compartment: str,
           key_id: str, created_at: str, key: bytes) -> None:
    sealed = sealing.seal(public_key, key, _grant_aad(user_id, compartment, key_id))
    connection.execute(
        "INSERT INTO compartment_grants (id, user_id, compartment, key_id, created_at,"
        " public_key, sealed) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
        " public_key = excluded.public_key, sealed = excluded.sealed",
        (f"{user_id}/{compartment}/{key_id}", user_id, compartment, key_id, created_at,
         public_key, sealed))


@dataclass
class ShareReport:
    granted: int = 0
    revoked: int = 0
    sealed_cells: int = 0


def share(connection: Connection, keys: CompartmentKeys, *,
          only_user: str | None = None) -> ShareReport:
    """Give every key this session holds to each active user whose roles hold its
    compartment (sealed to the public key her signed statement names); take grants back
    from disabled users and users whose roles no longer hold the compartment. In the
    caller's transaction."""
    report = ShareReport()
    # Roles, state and public key as the signed chain proves them: a users or
    # user_secrets row rewritten outside the program gets nothing sealed to it.
    rows = roster_upkeep.members(connection)
    existing: dict[tuple[str, str, str], bytes] = {
        (r[0], r[1], r[2]): bytes(r[3]) for r in connection.execute(
            "SELECT user_id, compartment, key_id, public_key FROM compartment_grants")}
    for user_id, role_text, disabled, public_key in rows:
        if only_user is not None and user_id != only_user:
            continue
        roles = [Role(r) for r in role_text.split() if r in Role._value2member_map_]
        for compartment in COMPARTMENTS:
            wanted = not disabled and holds(roles, compartment)
            if not wanted:
                cursor = connection.execute(
                    "DELETE FROM compartment_grants WHERE user_id = ? AND compartment = ?",
                    (user_id, compartment))
                report.revoked += max(cursor.rowcount, 0)
                continue
            if public_key is None:
                continue  # upgraded (given a key pair) at the user's next unlock
            for key_id, (created_at, key) in keys.keys.get(compartment, {}).items():
                if existing.get((user_id, compartment, key_id)) == bytes(public_key):
                    continue
                _grant(connection, user_id, bytes(public_key), compartment, key_id,
                       created_at, bytes(key))
                report.granted += 1
    return report


def ensure_keys(connection: Connection, keys: CompartmentKeys, roles: Iterable[Role]) -> None:
    """A first key for each compartment these roles hold that has no key anywhere yet
    (a new vault, or one from before compartments)."""
    for compartment in compartments_for(roles):
        if keys.has(compartment):
            continue
        any_grant = connection.execute(
            "SELECT 1 FROM compartment_grants WHERE compartment = ? LIMIT 1",
            (compartment,)).fetchone()
        if any_grant is None:
            new_key(keys, compartment)


_SWEPT = "compartments_swept"  # meta: the compartments whose plaintext was sealed here


def maintain(connection: Connection, user_id: str, roles: tuple[Role, ...],
             keys: CompartmentKeys, private_key: bytes | None) -> ShareReport:
    """At unlock: the signed roles' upkeep first (roster_upkeep: keys to seal to are the
    signed ones), then a first key for a compartment nobody holds yet (coordinators), every
    key held sealed to the holders that lack it, grants taken back from users who lost the
    role, and any plaintext left from before compartments sealed (audited)."""
    roster_upkeep.at_unlock(connection, user_id, private_key)
    if not has_tables(connection):
        return ShareReport()
    write_only.drop_unheld(keys, roles)  # a role taken away: its keys leave the session too
    if private_key is not None and Role.COORDINATOR in roles:
        own = connection.execute("SELECT public_key FROM user_secrets WHERE user_id = ?",
                                 (user_id,)).fetchone()
        if own is not None and own[0] is not None:
            ensure_keys(connection, keys, roles)
    with transaction(connection):
        report = share(connection, keys)
        write_only.publish(connection, user_id, roles, keys, private_key)  # writers' keys
        # The full sweep for plaintext runs once per compartment held (a vault from before
        # compartments), not at every unlock: a million services would cost a scan each time.
        row = connection.execute("SELECT value FROM meta WHERE key = ?", (_SWEPT,)).fetchone()
        swept = set((row[0] if row else "").split())
        if not set(keys.held()) <= swept:
            report.sealed_cells = seal_plaintext(connection, keys)
            connection.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
                " SET value = excluded.value", (_SWEPT, " ".join(sorted(swept | set(
                    keys.held())))))
        if report.granted or report.revoked or report.sealed_cells:
            audit.append(connection, user_id, "compartments.share", "vault", "",
                         granted=report.granted, revoked=report.revoked,
                         sealed=report.sealed_cells)
    return report


def seal_plaintext(connection: Connection, keys: CompartmentKeys) -> int:
    """Seal the cells (and the kept earlier versions) still in plaintext in the
    compartments this session holds; returns how many cells. Caller's transaction."""
    count = 0
    for table, (compartment, columns) in SEALED_COLUMNS.items():
        if not keys.has(compartment):
            continue
        for column in columns:
            if (table, column) in BLOB_COLUMNS:
                where = f"{column} IS NOT NULL AND length({column}) > 0" \
                        f" AND substr({column}, 1, 5) NOT IN (CAST('{PREFIX}' AS BLOB)," \
                        f" CAST('{write_only.PREFIX}' AS BLOB))"
            else:
                where = f"{column} != '' AND substr({column}, 1, 5)" \
                        f" NOT IN ('{PREFIX}', '{write_only.PREFIX}')"
            rows = connection.execute(f"SELECT id, {column} FROM {table} WHERE {where}")
            for row_id, value in rows.fetchall():
                connection.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?",
                                   (keys.seal(table, column, row_id, value), row_id))
                count += 1
        count += _seal_versions(connection, keys, table, columns)
    return count + _seal_sync_logs(connection, keys)


# Sync's own tables that keep field values (a change not yet sent, a value waiting for its
# row, a change held for a skewed clock, a conflict): their plaintext is sealed too.
_SYNC_VALUE_TABLES: dict[str, tuple[str, ...]] = {
    "change_log": ("seq",), "sync_orphans": ("tbl", "row_id", "col"),
    "sync_quarantine": ("origin", "seq"), "sync_conflicts": ("id",),
}


def _seal_sync_logs(connection: Connection, keys: CompartmentKeys) -> int:
    count = 0
    present = {r[0] for r in connection.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table'")}
    for log, key_columns in _SYNC_VALUE_TABLES.items():
        if log not in present:
            continue
        where_key = " AND ".join(f"{k} = ?" for k in key_columns)
        for table, (compartment, columns) in SEALED_COLUMNS.items():
            if not keys.has(compartment):
                continue
            marks = ", ".join("?" * len(columns))
            rows = connection.execute(
                f"SELECT {', '.join(key_columns)}, row_id, col, value FROM {log}"
                f" WHERE tbl = ? AND col IN ({marks}) AND value IS NOT NULL",
                (table, *columns)).fetchall()
            for row in rows:
                *key_values, row_id, column, value = row
                if value in ("", b"") or is_sealed(value):
                    continue
                connection.execute(f"UPDATE {log} SET value = ? WHERE {where_key}",
                                   (keys.seal(table, column, row_id, value), *key_values))
                count += 1
        for row in connection.execute(
                f"SELECT {', '.join(key_columns)}, row_id, value FROM {log}"
                " WHERE tbl = 'record_versions' AND col = 'content'").fetchall():
            *key_values, row_id, value = row
            found = connection.execute("SELECT record_table FROM record_versions WHERE id = ?",
                                       (row_id,)).fetchone()
            if not isinstance(value, str) or found is None:
                continue
            sealed = _sealed_content(keys, found[0], value)
            if sealed is not None:
                connection.execute(f"UPDATE {log} SET value = ? WHERE {where_key}",
                                   (sealed, *key_values))
                count += 1
    return count


def _sealed_content(keys: CompartmentKeys, table: str, text: str) -> str | None:
    """A kept version's JSON with its plaintext sealed cells sealed, or None if unchanged."""
    spec = SEALED_COLUMNS.get(table)
    if spec is None or not keys.has(spec[0]):
        return None
    try:
        content = json.loads(text)
    except ValueError:
        return None
    changed = False
    for column in spec[1]:
        value = content.get(column)
        if isinstance(value, str) and value and not is_sealed(value):
            content[column] = keys.seal(table, column, content.get("id", ""), value)
            changed = True
    return json.dumps(content, ensure_ascii=False, sort_keys=True) if changed else None


def _seal_versions(connection: Connection, keys: CompartmentKeys, table: str,
                   columns: tuple[str, ...]) -> int:
    count = 0
    for version_id, content_text in connection.execute(
            "SELECT id, content FROM record_versions WHERE record_table = ?",
            (table,)).fetchall():
        sealed = _sealed_content(keys, table, content_text)
        if sealed is not None:
            connection.execute("UPDATE record_versions SET content = ? WHERE id = ?",
                               (sealed, version_id))
            count += 1
    return count


def reseal(connection: Connection, keys: CompartmentKeys, compartment: str) -> int:
    """Re-encrypt every cell of the compartment under its current key (after
    :func:`new_key`, for a rotation); returns how many. Caller's transaction."""
    count = 0
    for table, (owner, columns) in SEALED_COLUMNS.items():
        if owner != compartment:
            continue
        for column in columns:
            for row_id, value in connection.execute(
                    f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall():
                if value in ("", b""):
                    continue
                plain = keys.open(table, column, row_id, value)
                connection.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?",
                                   (keys.seal(table, column, row_id, plain), row_id))
                count += 1
        for version_id, content_text in connection.execute(
                "SELECT id, content FROM record_versions WHERE record_table = ?",
                (table,)).fetchall():
            content = json.loads(content_text)
            for column in columns:
                value = content.get(column)
                if isinstance(value, str) and value:
                    plain = keys.open(table, column, content.get("id", ""), value)
                    content[column] = keys.seal(table, column, content.get("id", ""), plain)
            connection.execute("UPDATE record_versions SET content = ? WHERE id = ?",
                               (json.dumps(content, ensure_ascii=False, sort_keys=True),
                                version_id))
    return count
