"""Role changes that arrive by sync: only what the signed chain proves is kept.

Runs inside the engine's apply transaction (capture quiet, so nothing here is
echoed to other laptops). A ``users`` row whose roles or disabled flag arrived
different from what the coordinator-signed statements prove is set back to the
proven state — the change is not applied — and reported and audited as an attack;
so are statements that arrived signed by nobody entitled to sign them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shelterdesk.store import audit
from shelterdesk.store.connection import Connection
from shelterdesk.store.keys import roster

UNSIGNED = "unsigned_role_change"
SIGNER_NOT_KNOWN_YET = "role_signer_not_known_yet"  # waiting: her own grant is on its way
ROLE_COLUMNS = ("+", "roles", "disabled")


def _founding_device(connection: Connection, device_id: str) -> bool:
    row = connection.execute("SELECT added_by FROM sync_devices WHERE device_id = ?",
                             (device_id,)).fetchone()
    return row is not None and row[0] == device_id


def adopt_root(connection: Connection, changes: Iterable[Any], sender: str) -> bool:
    """A laptop of an organisation that existed before signed roles learns its root from
    the founding laptop's own founding statement (trust on first use, like the upgrade)."""
    if roster.root(connection) is not None or not _founding_device(connection, sender):
        return False
    for change in changes:
        if change.tbl != "roster_statements" or change.col != "+" or change.origin != sender:
            continue
        try:
            statement = roster.Statement.from_dict(
                {"body": change.value["body"], "sig": change.value["signature"]})
        except (KeyError, TypeError, ValueError):
            continue
        if statement.serial == 1 and statement.body.get("key") == statement.issuer \
                and statement.signature_valid():
            return roster.pin_root(connection, statement.issuer)
    return False


def screen(connection: Connection, changes: list[Any]) -> tuple[list[Any], list[tuple[str, str]]]:
    """Before merging: statements are written once and never changed or deleted, and a
    coordinator's sealed key is never deleted; such changes from another laptop are dropped
    (else one laptop could erase the chain everywhere). Returns (kept, refused)."""
    if roster.root(connection) is None:
        return changes, []
    kept, refused = [], []
    for change in changes:
        if (change.tbl == "roster_statements" and change.col != "+") or (
                change.tbl == "roster_keys" and change.col == "-"):
            where = f"{change.tbl}/{change.row_id}"
            if (where, UNSIGNED) not in refused:
                refused.append((where, UNSIGNED))
                audit.append(connection, "", "sync.roster_refused", change.tbl, change.row_id,
                             reason=UNSIGNED, sender=change.origin)
            continue
        kept.append(change)
    return kept, refused


def screen_held(connection: Connection) -> list[tuple[str, str]]:
    """The same screening for changes held back as dated in the future, before their
    release (a clock set ahead must not be a way around it)."""
    if roster.root(connection) is None:
        return []
    rows = connection.execute(
        "SELECT origin, seq, tbl, row_id FROM sync_quarantine WHERE (tbl = 'roster_statements'"
        " AND col != '+') OR (tbl = 'roster_keys' AND col = '-')").fetchall()
    for origin, seq, table, row_id in rows:
        connection.execute("DELETE FROM sync_quarantine WHERE origin = ? AND seq = ?",
                           (origin, seq))
        audit.append(connection, "", "sync.roster_refused", table, row_id, reason=UNSIGNED,
                     sender=origin)
    return [(f"{table}/{row_id}", UNSIGNED) for _o, _s, table, row_id in rows]


def review(connection: Connection, changes: list[Any], sender: str) -> list[tuple[str, str]]:
    """After an envelope's changes were merged: refuse what the chain does not prove.
    Returns (where, reason) for each refusal (already audited)."""
    adopt_root(connection, changes, sender)
    return review_rows(
        connection, {c.row_id for c in changes if c.tbl == "users" and c.col in ROLE_COLUMNS},
        {c.row_id for c in changes if c.tbl == "roster_statements" and c.col == "+"}, sender)


def review_rows(connection: Connection, touched_users: set[str], arrived: set[str],
                sender: str = "") -> list[tuple[str, str]]:
    """Set users rows back to what the chain proves: those whose roles or state arrived
    (``touched_users``) and the subjects of statements that arrived (``arrived``)."""
    if roster.root(connection) is None or (not touched_users and not arrived):
        return []
    state = roster.evaluate(connection)
    refused: list[tuple[str, str]] = []
    waiting_for: set[str] = set()
    for statement_id, subject, reason in state.rejected:
        if statement_id not in arrived or reason not in roster.ATTACK_REASONS:
            continue
        statement = next((s for s in roster.statements(connection) if s.id == statement_id),
                         None)
        if reason == "not_a_coordinator" and statement is not None \
                and roster.signer_unknown(connection, statement):
            waiting_for.add(subject)
            refused.append((f"roster/{statement_id[:16]}", SIGNER_NOT_KNOWN_YET))
            continue
        refused.append((f"roster/{statement_id[:16]}", reason))
        audit.append(connection, "", "sync.roster_refused", "user", subject,
                     reason=reason, sender=sender)
    # Statements arrived: every row is set to what the chain now proves (one that waited
    # for its signer's grant is set right when that grant arrives).
    subjects = set(touched_users) | ({r[0] for r in connection.execute(
        "SELECT id FROM users")} if arrived else set())
    for user_id in sorted(subjects):
        row = connection.execute("SELECT roles, disabled FROM users WHERE id = ?",
                                 (user_id,)).fetchone()
        if row is None:
            continue
        proof = state.proofs.get(user_id)
        if proof is not None and proof.roles:
            roles, disabled = " ".join(proof.roles), int(proof.disabled)
        else:  # nobody signed this user in: she keeps nothing
            roles, disabled = row[0], 1
        if set(row[0].split()) == set(roles.split()) and row[1] == disabled:
            continue
        connection.execute("UPDATE users SET roles = ?, disabled = ? WHERE id = ?",
                           (roles, disabled, user_id))
        if user_id in touched_users and user_id not in waiting_for:
            refused.append((f"users/{user_id}", UNSIGNED))
            audit.append(connection, "", "sync.roster_refused", "user", user_id,
                         reason=UNSIGNED, sender=sender)
    return refused
