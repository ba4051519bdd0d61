"""Signed roles at unlock: old signing keys resealed, X25519 keys signed, swaps reported.

Whatever is sealed to a person (a compartment key, a coordinator's signing key) is
sealed to the X25519 public key her coordinator-signed statement names (``enc``), not to
the ``user_secrets`` row, which anyone with the core key can rewrite. :func:`members`
is what sealing code reads instead of that table; :func:`at_unlock` runs at each unlock
before compartment keys are shared.
"""

from __future__ import annotations

import hashlib

from shelterdesk.store import audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.keys import member_slots, roster, roster_keys, roster_signing

_REPORTED = "keys_unproven_reported"  # meta: the swaps already audited on this laptop


def members(connection: Connection) -> list[tuple[str, str, bool, bytes | None]]:
    """(user id, roles, disabled, X25519 public key) of every user as far as sealing a key
    to her is concerned: once the vault signs roles, the roles, state and key the chain
    proves (a user it proves nothing for gets nothing); the table's key only for a user
    whose statements predate signed keys (until the next coordinator unlock signs it)."""
    public = "s.public_key" if member_slots.has_key_pairs(connection) else "NULL"
    rows = connection.execute(
        f"SELECT u.id, u.roles, u.disabled, {public} FROM users u"
        " LEFT JOIN user_secrets s ON s.user_id = u.id").fetchall()
    if roster.root(connection) is None:
        return [(r[0], r[1], bool(r[2]), bytes(r[3]) if r[3] is not None else None)
                for r in rows]
    state = roster.evaluate(connection)
    found = []
    for user_id, _roles, _disabled, table_key in rows:
        proof = state.proofs.get(user_id)
        if proof is None:
            found.append((user_id, "", True, None))
            continue
        key = _decode(proof.enc) if proof.enc else (
            bytes(table_key) if table_key is not None else None)
        found.append((user_id, " ".join(proof.roles), proof.disabled, key))
    return found


def _decode(enc: str) -> bytes | None:
    try:
        raw = roster.unb64(enc)
    except ValueError:
        return None
    return raw if len(raw) == 32 else None


def unproven_keys(connection: Connection) -> list[str]:
    """Users whose X25519 public key in ``user_secrets`` is not the one their signed
    statement names (rewritten outside the program, or a key pair made without a
    coordinator's signature, such as after an unlock with the recovery key)."""
    if roster.root(connection) is None or not member_slots.has_key_pairs(connection):
        return []
    state = roster.evaluate(connection)
    found = []
    for user_id, table_key in connection.execute(
            "SELECT user_id, public_key FROM user_secrets WHERE public_key IS NOT NULL"):
        proof = state.proofs.get(user_id)
        if proof is not None and proof.enc and proof.enc != roster.b64(bytes(table_key)):
            found.append(user_id)
    return sorted(found)


def at_unlock(connection: Connection, user_id: str, private_key: bytes | None) -> None:
    """The unlocking user's old-form signing key resealed to her own X25519 key; if she
    is an active coordinator who can sign, the X25519 key of every user whose statements
    predate signed keys is signed as the table holds it (once, trust on first use); and
    keys that differ from the signed ones are audited (once per laptop and key)."""
    if roster.root(connection) is None or private_key is None:
        return
    with transaction(connection):
        if roster_keys.upgrade(connection, user_id, private_key):
            audit.append(connection, user_id, "roster.key_resealed", "user", user_id)
        state = roster.evaluate(connection)
        own = state.proofs.get(user_id)
        if own is not None and own.active_coordinator and roster_keys.open_key(
                connection, user_id, private_key) is not None:
            _sign_missing_keys(connection, state, user_id, private_key)
        _report(connection, user_id)


def _sign_missing_keys(connection: Connection, state: roster.Roster, signer_id: str,
                       private_key: bytes) -> None:
    founder = state.proofs.get(state.founder_id)
    for proof in sorted(state.proofs.values(), key=lambda p: p.user_id):
        if proof.enc or proof.disabled:
            continue
        if proof.user_id == state.founder_id and founder is not None \
                and founder.active_coordinator and proof.user_id != signer_id:
            continue  # only the founder signs for herself while she is a coordinator
        enc = roster_signing.b64_public(private_key) if proof.user_id == signer_id \
            else roster_signing.table_enc(connection, proof.user_id)
        if enc:
            roster_signing.issue(connection, signer_id, proof.user_id,
                                 private_key=private_key, enc=enc)


def _report(connection: Connection, user_id: str) -> None:
    unproven = unproven_keys(connection)
    if not unproven:
        return
    marks = {}
    for subject in unproven:
        row = connection.execute("SELECT public_key FROM user_secrets WHERE user_id = ?",
                                 (subject,)).fetchone()
        marks[subject] = hashlib.sha256(bytes(row[0])).hexdigest()[:16]
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (_REPORTED,)).fetchone()
    seen = set((row[0] if row else "").split())
    fresh = {f"{s}:{m}" for s, m in marks.items()} - seen
    for entry in sorted(fresh):
        subject, mark = entry.split(":")
        audit.append(connection, user_id, "keys.unproven", "user", subject, key=mark)
    if fresh:
        connection.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                           " DO UPDATE SET value = excluded.value",
                           (_REPORTED, " ".join(sorted(seen | fresh))))
