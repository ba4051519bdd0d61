"""Write-only compartments: recording evidence without the key that reads it.

Case workers do intake: a victim recruited on social media brings screenshots, chat
exports and profile links, and the case worker records them, and describes the
perpetrators. But what they say is for legal advisors and coordinators only
(domain/permissions.py gives case workers CREATE, not VIEW): a case worker who opens
her own slot outside the app must find none of it, not even what she recorded herself.

So the evidence compartment has an X25519 key pair. Its private key is derived (HKDF)
from the compartment key, which only the readers hold, so it needs no storage, no grant
of its own, and follows every rotation. Its public key lies in the replicated table
``compartment_public_keys``, signed by the coordinator who published it (a roster
statement, store/keys/roster_signing.py). A writer without the compartment key seals
each cell to it: ephemeral X25519 + HKDF + AES-256-GCM (store/keys/sealing.py), with the
table, column, row id, compartment and key id as associated data, as ``sdc1:`` cells
have; the cell is ``sdc2:<compartment>:<key id>:`` + that ciphertext. Holders open both
forms (:func:`open_cell`, called from ``CompartmentKeys.open``).

The insider who swaps the public key (anyone with the core key can write the row) would
read what case workers record next. Against it: the writer seals only to a key an
active coordinator signed (:func:`writer_key`), and every holder's unlock derives the
key pair again and compares it with what is published (:func:`publish`): a difference is
audited (``compartments.key_mismatch``) and a coordinator's unlock puts the true
key back. The signature is as strong as the coordinators' signing keys, which are sealed
to each coordinator's own key pair (docs/security.md "Signed roles"); the holders' check
is a second line: it finds a swap at their next unlock.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, allowed
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import Connection
from shelterdesk.store.keys import compartment_layout, sealing

PREFIX = "sdc2:"
_BPREFIX = PREFIX.encode("ascii")
STATEMENT_KIND = "compartment.public_key"


def write_only_compartments() -> tuple[str, ...]:
    """The compartments whose writers may lack the key: evidence (intake records it)."""
    return (compartment_layout.EVIDENCE,)


class NoSealingKey(UserFacingError):
    message = N_("Evidence cannot be recorded on this laptop yet: its sealing key has not "
                 "arrived. A coordinator's next unlock here (or the next sync) brings it.")


class SealingKeyNotTrusted(UserFacingError):
    message = N_("Evidence was not recorded: the key it would be sealed to is not signed "
                 "by a coordinator. Tell a coordinator; nothing was saved.")


def is_write_only_cell(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith(PREFIX)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value[:len(_BPREFIX)]) == _BPREFIX
    return False


def _aad(table: str, column: str, row_id: str, compartment: str, key_id: str,
         form: str) -> bytes:
    return "\x00".join(("shelterdesk/cell/v2", table, column, str(row_id), compartment,
                        key_id, form)).encode("utf-8")


def derived_private_key(key: bytes, compartment: str, key_id: str) -> bytes:
    """The compartment key pair's private half: whoever holds the key holds it."""
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"shelterdesk/compartment-x25519/v1/{compartment}/{key_id}".encode()
                ).derive(bytes(key))
    return sealing.private_from_seed(seed)


def derived_public_key(key: bytes, compartment: str, key_id: str) -> bytes:
    return sealing.public_key(derived_private_key(key, compartment, key_id))


# --- sealing and opening cells ------------------------------------------------------------
def seal_cell(table: str, column: str, row_id: str, value: Any, compartment: str,
              key_id: str, public_key: bytes) -> Any:
    """The stored form of one cell sealed to the compartment's public key."""
    form = "b" if isinstance(value, bytes | bytearray | memoryview) else "t"
    plain = bytes(value) if form == "b" else str(value).encode("utf-8")
    sealed = sealing.seal(public_key, plain,
                          _aad(table, column, row_id, compartment, key_id, form))
    head = f"{PREFIX}{compartment}:{key_id}:"
    if form == "b":
        return head.encode("ascii") + sealed
    return head + base64.b64encode(sealed).decode("ascii")


def open_cell(keys: Any, table: str, column: str, row_id: str, value: Any) -> Any:
    """The plaintext of an ``sdc2:`` cell; CompartmentLocked without the key, or if the
    cell was altered, moved, or sealed to a key that is not the compartment's."""
    locked = compartment_layout.CompartmentLocked
    compartment, key_id, sealed, form = compartment_layout.parse_cell(value)
    entry = keys.keys.get(compartment, {}).get(key_id)
    if entry is None:
        raise locked()
    plain = sealing.open_sealed(derived_private_key(bytes(entry[1]), compartment, key_id),
                                sealed, _aad(table, column, row_id, compartment, key_id, form))
    if plain is None:
        raise locked()
    return plain if form == "b" else plain.decode("utf-8")


def seal_for(session: Any, table: str, column: str, row_id: str, value: Any) -> Any:
    """A cell's stored form for this session: under the compartment key if it holds it,
    else — for a writer of a write-only compartment — sealed to its public key."""
    compartments = compartment_layout
    spec = compartments.SEALED_COLUMNS.get(table)
    if spec is None or column not in spec[1] or value is None or value in ("", b""):
        return value
    compartment = spec[0]
    if session.compartments.has(compartment) or compartment not in write_only_compartments() \
            or not any(allowed(session.user.roles, kind, Action.CREATE)
                       for kind in compartments.COMPARTMENTS[compartment]):
        return session.compartments.seal(table, column, row_id, value)
    key_id, public = writer_key(session.connection, compartment)
    return seal_cell(table, column, row_id, value, compartment, key_id, public)


# --- the published public key -------------------------------------------------------------
def has_table(connection: Connection) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table'"
                              " AND name = 'compartment_public_keys'").fetchone() is not None


def _subject(compartment: str, key_id: str) -> str:
    return f"{compartment}/{key_id}"


def _trusted(connection: Connection, compartment: str, key_id: str, public: bytes,
             statement: str) -> bool:
    from shelterdesk.store.keys import roster_signing

    try:
        carried = json.loads(statement) if statement else None
    except ValueError:
        return False
    return roster_signing.judge_device_statement(
        connection, carried, STATEMENT_KIND, _subject(compartment, key_id),
        public_key=base64.b64encode(public).decode("ascii")) == roster_signing.VALID


def writer_key(connection: Connection, compartment: str) -> tuple[str, bytes]:
    """(key id, public key) a writer seals to: the newest published key of the compartment,
    if a coordinator signed it (NoSealingKey / SealingKeyNotTrusted otherwise)."""
    if not has_table(connection):
        raise NoSealingKey()
    rows = connection.execute(
        "SELECT key_id, public_key, statement FROM compartment_public_keys"
        " WHERE compartment = ? ORDER BY created_at DESC, key_id DESC LIMIT 1",
        (compartment,)).fetchall()
    if not rows:
        raise NoSealingKey()
    key_id, public, statement = rows[0][0], bytes(rows[0][1]), rows[0][2]
    if len(public) != 32 or not _trusted(connection, compartment, key_id, public, statement):
        raise SealingKeyNotTrusted()
    return key_id, public


def publish(connection: Connection, user_id: str, roles: Iterable[Role],
            keys: Any, private_key: bytes | None) -> int:
    """At a holder's unlock (caller's transaction): every key held of a write-only
    compartment is checked against its published public key; a missing, different or
    unsigned one is audited if it was there, and (by a coordinator, who signs) published.
    Returns how many were published."""
    from shelterdesk.store.keys import roster_signing

    if not has_table(connection):
        return 0
    coordinator = Role.COORDINATOR in tuple(roles)
    published = 0
    for compartment in write_only_compartments():
        for key_id, (created_at, key) in keys.keys.get(compartment, {}).items():
            public = derived_public_key(bytes(key), compartment, key_id)
            row = connection.execute(
                "SELECT public_key, statement FROM compartment_public_keys WHERE id = ?",
                (_subject(compartment, key_id),)).fetchone()
            if row is not None and bytes(row[0]) == public and _trusted(
                    connection, compartment, key_id, public, row[1]):
                continue
            if row is not None:
                audit.append(connection, user_id, "compartments.key_mismatch",
                             "compartment", _subject(compartment, key_id),
                             differs=bytes(row[0]) != public)
            if not coordinator:
                continue
            try:
                statement = roster_signing.sign_device(
                    connection, user_id, STATEMENT_KIND, _subject(compartment, key_id),
                    private_key=private_key, public_key=base64.b64encode(public).decode("ascii"))
            except roster_signing.CannotSign:
                continue
            connection.execute(
                "INSERT INTO compartment_public_keys (id, compartment, key_id, created_at,"
                " public_key, published_by, statement) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key,"
                " published_by = excluded.published_by, statement = excluded.statement",
                (_subject(compartment, key_id), compartment, key_id, created_at, public,
                 user_id, json.dumps(statement, sort_keys=True) if statement else ""))
            published += 1
    return published


def drop_unheld(keys: Any, roles: Iterable[Role]) -> None:
    """Forget (and wipe) keys of compartments these roles no longer hold: a case worker's
    evidence grant from before write-only evidence is taken back at her unlock, and her
    session must not use the key it loaded."""
    compartments = compartment_layout
    roles = tuple(roles)
    for name in list(keys.keys):
        if name in compartments.COMPARTMENTS and not compartments.holds(roles, name):
            for _created, key in keys.keys[name].values():
                key[:] = bytes(len(key))
            del keys.keys[name]
