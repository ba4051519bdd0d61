"""Everything held about one client, for their right of access (Law "On personal data" of the
Republic of Azerbaijan; GDPR art. 15): the same walk down the database's foreign keys that an
erasure takes, read instead of deleted, plus the drafts that name them.

Coordinator only; audited with counts. Evidence files come with their bytes (base64) so the
JSON is complete; the PDF lists them by name and checksum.
"""

from __future__ import annotations

import base64
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store.connection import Connection
from shelterdesk.store.keys import compartments
from shelterdesk.store.records import erasure
from shelterdesk.store.rows import NotFound
from shelterdesk.store.vault import Session

JSON_COLUMNS = {"languages", "exploitation_types", "means_of_control", "countries_origin",
                "countries_transit", "countries_destination", "vulnerabilities", "scope",
                "services", "roles", "accounts", "phones"}
SKIPPED_TABLES = {"search_map"}  # index bookkeeping: it holds nothing the tables do not


@dataclass
class SubjectData:
    case_codes: list[str]
    language: str  # the client's first language the app speaks ('' if none)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items() if rows}

    def as_json(self) -> bytes:
        document = {"format": "shelterdesk-subject-access/1", "case_codes": self.case_codes,
                    "records": self.tables}
        return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True,
                          default=str).encode("utf-8")


def collect(session: Session, case_id: str) -> SubjectData:
    """Everything about the client of ``case_id``; audited as ``client.export``."""
    session.require_role(Role.COORDINATOR, action=N_("export a client's data"))
    with session.lock:
        connection = session.connection
        row = connection.execute("SELECT client_id FROM cases WHERE id = ?",
                                 (case_id,)).fetchone()
        if row is None:
            raise NotFound(kind="case")
        client_id = row[0]
        tables: dict[str, list[dict[str, Any]]] = {}
        _read_tree(connection, "clients", "id", [client_id], erasure._children(connection),
                   tables, ())
        case_ids = [r["id"] for r in tables.get("cases", [])]
        tables["drafts"] = _rows(connection, "drafts", "subject_id", [client_id, *case_ids])
    for name in list(tables):
        if name in SKIPPED_TABLES or not tables[name]:
            tables.pop(name)
    for name, rows in tables.items():
        tables[name] = [_unsealed(session, name, row) for row in rows]
    languages = tables["clients"][0].get("languages") or []
    language = next((lang for lang in languages if lang in ("az", "ru", "en")), "")
    data = SubjectData(sorted(r["case_code"] for r in tables.get("cases", [])), language,
                       tables)
    session.audit("client.export", "client", client_id, cases=len(case_ids),
                  rows=data.counts())
    return data


def _read_tree(connection: Connection, table: str, column: str, values: list[str],
               children: dict[str, list[tuple[str, str, str]]],
               found: dict[str, list[dict[str, Any]]], path: tuple[str, ...]) -> None:
    if not values or table in path:
        return
    rows = _rows(connection, table, column, values)
    known = {json.dumps(r, sort_keys=True, default=str) for r in found.get(table, [])}
    found.setdefault(table, []).extend(
        r for r in rows if json.dumps(r, sort_keys=True, default=str) not in known)
    for child, child_column, parent_column in children.get(table, []):
        keys = sorted({r[parent_column] for r in rows if r.get(parent_column) is not None})
        _read_tree(connection, child, child_column, keys, children, found, (*path, table))


def _rows(connection: Connection, table: str, column: str,
          values: list[str]) -> list[dict[str, Any]]:
    found = []
    for start in range(0, len(values), 400):
        part = values[start:start + 400]
        cursor = connection.execute(
            f'SELECT * FROM "{table}" WHERE "{column}" IN ({", ".join("?" * len(part))})',
            part)
        names = [d[0] for d in cursor.description]
        found += [_decoded(dict(zip(names, r, strict=True))) for r in cursor.fetchall()]
    return found


def _unsealed(session: Session, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """Compartment cells (legal, medical, evidence) opened with the coordinator's keys."""
    if table == "record_versions" and isinstance(row.get("content"), str):
        content = json.loads(row["content"])
        row["content"] = json.dumps(session.compartments.open_row(row["record_table"], content),
                                    ensure_ascii=False, sort_keys=True)
        return row
    if table not in compartments.SEALED_COLUMNS:
        return row
    raw = {key: base64.b64decode(value["base64"]) if isinstance(value, dict)
           and set(value) == {"base64"} else value for key, value in row.items()}
    opened = session.compartments.open_row(table, raw)
    changed = {key: value for key, value in opened.items() if value is not raw[key]}
    return {**row, **_decoded(changed)}


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for key, value in row.items():
        if isinstance(value, bytes):
            row[key] = {"base64": base64.b64encode(value).decode("ascii")}
        elif key in JSON_COLUMNS and isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):  # not JSON after all: kept as text
                row[key] = json.loads(value)
    return row
