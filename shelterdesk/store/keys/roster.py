"""Signed roles: who holds which role is what a chain of coordinator-signed statements proves.

Every role grant, role change, disabling and enabling of a user is a *statement*
— issuer public key, subject, roles, disabled, the subject's own signing key (for
coordinators), serial, the hash of the subject's previous statement, time — signed
with the issuing coordinator's personal Ed25519 key (``roster_keys``). The chain is
rooted at the organisation's founding key, pinned on each laptop in ``meta``
(``roster_root``: written once, at ``init``, when joining, or on first unlock after
the upgrade; never changed by sync). A statement counts only if, at its time, its
issuer's key belonged to an active coordinator whose own statements count.

Rules (docs/security.md "Signed roles"): statements are taken in time order; per
user the highest (serial, time, id) counts. While the founder is an active
coordinator, only the founding key changes the founder's roles or disables her, so
one rogue coordinator cannot take the organisation from its founder; after she
hands over (demotes or disables herself) she is managed like anyone else.

The ``users`` table's ``roles`` and ``disabled`` columns are a convenience copy:
at unlock and when syncing, only what :func:`evaluate` proves is believed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shelterdesk.store.connection import Connection
from shelterdesk.store.rows import now

FORMAT = "shelterdesk/roster/v1"
ROOT_META = "roster_root"
USER = "user"
COORDINATOR = "coordinator"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


# --- keys (Ed25519 from ``cryptography``) ---------------------------------------------------
def new_private_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())


def public_of(private: bytes) -> str:
    return b64(Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def verify(public_b64: str, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public_b64)).verify(signature, data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# --- statements ------------------------------------------------------------------------------
# Ids (hashes of body and signature) whose signature this process has checked: a vault's
# statements are verified once per process, not at every evaluation.
_VERIFIED: set[str] = set()


@dataclass(frozen=True)
class Statement:
    id: str
    body: dict[str, Any]
    signature: bytes

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def subject(self) -> str:
        return str(self.body.get("subject", ""))

    @property
    def issuer(self) -> str:
        return str(self.body.get("issuer", ""))

    @property
    def serial(self) -> int:
        value = self.body.get("serial", 0)
        return value if isinstance(value, int) else 0

    @property
    def at(self) -> str:
        return str(self.body.get("at", ""))

    @property
    def order(self) -> tuple[int, str, str]:
        return self.serial, self.at, self.id

    def signature_valid(self) -> bool:
        if self.id in _VERIFIED and self.id == statement_id(canonical(self.body),
                                                           self.signature):
            return True
        valid = self.body.get("format") == FORMAT and verify(
            self.issuer, self.signature, canonical(self.body))
        if valid:
            _VERIFIED.add(statement_id(canonical(self.body), self.signature))
        return valid

    def as_dict(self) -> dict[str, str]:
        """For a record carried inside a sync envelope (devices.py)."""
        return {"body": canonical(self.body).decode(), "sig": b64(self.signature)}

    @classmethod
    def from_dict(cls, data: Any) -> Statement:
        """ValueError for anything that is not a well-formed statement."""
        if not isinstance(data, dict):
            raise ValueError("statement")
        text, signature = str(data["body"]), unb64(str(data["sig"]))
        body = json.loads(text)
        if not isinstance(body, dict):
            raise ValueError("statement")
        return cls(statement_id(canonical(body), signature), body, signature)


def statement_id(body: bytes, signature: bytes) -> str:
    return hashlib.sha256(body + b"\n" + signature).hexdigest()


def sign(private: bytes, body: dict[str, Any]) -> Statement:
    body = {**body, "format": FORMAT, "issuer": public_of(private)}
    data = canonical(body)
    signature = Ed25519PrivateKey.from_private_bytes(private).sign(data)
    return Statement(statement_id(data, signature), body, signature)


def user_body(subject: str, roles: list[str] | tuple[str, ...], *, disabled: bool,
              key: str, serial: int, prev: str, after: str = "",
              enc: str = "") -> dict[str, Any]:
    """``key``: the subject's Ed25519 signing public key (coordinators); ``enc``: her X25519
    public key, to which keys are sealed for her (statements from before it carry none)."""
    body = {"kind": USER, "subject": subject, "roles": sorted(set(roles)),
            "disabled": bool(disabled), "key": key, "serial": serial, "prev": prev,
            "at": stamp_after(after)}
    if enc:
        body["enc"] = enc
    return body


_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def stamp_after(latest: str) -> str:
    """Now, or a microsecond after ``latest`` if the clock has not passed it: statements
    written one after another on this laptop keep their order."""
    stamp = now()
    if latest and stamp <= latest:
        with contextlib.suppress(ValueError):
            stamp = (datetime.strptime(latest, _STAMP) + timedelta(microseconds=1)).strftime(
                _STAMP)
    return stamp


def latest_at(connection: Connection) -> str:
    return max((s.at for s in statements(connection)), default="")


# --- the pinned root -------------------------------------------------------------------------
def root(connection: Connection) -> str | None:
    """The organisation's founding public key on this laptop, or None (a vault from before
    signed roles, not yet upgraded: roles are then taken from the table as they were)."""
    if not has_tables(connection):
        return None
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (ROOT_META,)).fetchone()
    return row[0] if row and row[0] else None


def pin_root(connection: Connection, public_b64: str) -> bool:
    """Pin the founding key once (caller's transaction); never replaced afterwards."""
    cursor = connection.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                                (ROOT_META, public_b64))
    return cursor.rowcount == 1


def has_tables(connection: Connection) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table'"
                              " AND name = 'roster_statements'").fetchone() is not None


def store(connection: Connection, statement: Statement) -> None:
    connection.execute(
        "INSERT OR IGNORE INTO roster_statements (id, subject, body, signature, created_at)"
        " VALUES (?, ?, ?, ?, ?)", (statement.id, statement.subject,
                                   canonical(statement.body).decode(), b64(statement.signature),
                                   now()))


def statements(connection: Connection) -> list[Statement]:
    """Every stored statement whose row is well formed (its id is its hash, its subject its
    body's); malformed rows are left out, as if never written."""
    found = []
    for row_id, subject, body_text, signature_text in connection.execute(
            "SELECT id, subject, body, signature FROM roster_statements"):
        try:
            body = json.loads(body_text)
            signature = unb64(signature_text)
        except (ValueError, TypeError):
            continue
        if not isinstance(body, dict):
            continue
        statement = Statement(statement_id(canonical(body), signature), body, signature)
        if statement.id == row_id and statement.subject == subject:
            found.append(statement)
    return found


# --- evaluating the chain --------------------------------------------------------------------
@dataclass(frozen=True)
class Proof:
    """What the chain proves of one user."""

    user_id: str
    roles: tuple[str, ...]
    disabled: bool
    key: str  # the user's signing public key, "" if none
    serial: int
    statement_id: str
    issuer_user_id: str
    at: str
    enc: str = ""  # the user's X25519 public key (base64) as signed, "" if none yet

    @property
    def active_coordinator(self) -> bool:
        return COORDINATOR in self.roles and not self.disabled and bool(self.key)


@dataclass
class Roster:
    root: str | None
    proofs: dict[str, Proof] = field(default_factory=dict)
    founder_id: str = ""
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (id, subject, reason)
    _holders: dict[str, set[str]] = field(default_factory=dict)  # key -> active coordinators

    def prove(self, proof: Proof) -> None:
        old = self.proofs.get(proof.user_id)
        if old is not None and old.key in self._holders:
            self._holders[old.key].discard(old.user_id)
        self.proofs[proof.user_id] = proof
        if proof.active_coordinator:
            self._holders.setdefault(proof.key, set()).add(proof.user_id)

    def holder(self, key: str) -> str | None:
        """The active coordinator whose signing key this is, if any."""
        found = self._holders.get(key)
        return min(found) if found else None


def evaluate(connection: Connection, *, until: str | None = None,
             extra: list[Statement] | None = None) -> Roster:
    """What the stored statements prove (those dated after ``until`` left out)."""
    roster = Roster(root(connection))
    if roster.root is None:
        return roster
    candidates = statements(connection) + list(extra or [])
    known = {s.id: s for s in candidates}
    for statement in sorted(candidates, key=lambda s: (not _founding(roster, s), s.at, s.id)):
        if until is not None and statement.at > until:
            break
        reason = _refusal(roster, statement, known)
        if reason:
            roster.rejected.append((statement.id, statement.subject, reason))
            continue
        body = statement.body
        issuer_id = roster.holder(statement.issuer) or statement.subject
        roster.prove(Proof(
            statement.subject, tuple(str(r) for r in body.get("roles", [])),
            bool(body.get("disabled")), str(body.get("key", "")), statement.serial,
            statement.id, issuer_id, statement.at, str(body.get("enc", ""))))
        if not roster.founder_id:
            roster.founder_id = statement.subject
    return roster


def _founding(roster: Roster, statement: Statement) -> bool:
    return statement.issuer == roster.root and statement.body.get("key") == roster.root \
        and statement.serial == 1


def _refusal(roster: Roster, statement: Statement, known: dict[str, Statement]) -> str:
    """Why a statement does not count ("" when it does)."""
    if statement.kind != USER or not statement.subject:
        return "malformed"
    if not statement.signature_valid():
        return "bad_signature"
    body = statement.body
    roles = body.get("roles")
    if not isinstance(roles, list) or not isinstance(body.get("serial"), int) \
            or not isinstance(body.get("enc", ""), str):
        return "malformed"
    current = roster.proofs.get(statement.subject)
    if not roster.founder_id:
        # The founding statement: self-signed by the pinned root, naming it as its key.
        if statement.issuer != roster.root or body.get("key") != roster.root \
                or COORDINATOR not in roles or body.get("disabled"):
            return "not_a_coordinator"
        return ""
    issuer = roster.holder(statement.issuer)
    if issuer is None:
        return "not_a_coordinator"
    founder = roster.proofs.get(roster.founder_id)
    if statement.subject == roster.founder_id and founder is not None \
            and founder.active_coordinator and statement.issuer != founder.key:
        return "founder_protected"
    prev = str(body.get("prev", ""))
    if prev and (prev not in known or known[prev].subject != statement.subject):
        return "broken_chain"
    if current is not None and statement.order <= (current.serial, current.at,
                                                     current.statement_id):
        return "superseded"
    return ""


def authorised(connection: Connection, statement: Statement) -> str | None:
    """The user id of the active coordinator who signed a statement (for laptops: invites,
    revocations), judged by the chain as of the statement's time; None if nobody was."""
    if not statement.signature_valid():
        return None
    roster = evaluate(connection, until=statement.at)
    return roster.holder(statement.issuer)


def signer_unknown(connection: Connection, statement: Statement) -> bool:
    """A well-signed statement whose signer's key no statement held here names yet: her own
    grant may still be on its way from another laptop (envelopes arrive in any order)."""
    if not statement.signature_valid():
        return False
    keys = {str(s.body.get("key", "")) for s in statements(connection)}
    return statement.issuer not in keys and statement.issuer != root(connection)


ATTACK_REASONS = frozenset({"bad_signature", "not_a_coordinator", "founder_protected",
                            "broken_chain", "malformed"})
