"""The organisation's devices: founding an organisation, announcements, key grants, revocation.

A device is known to another when its public keys arrive by a path that
device already trusts: the enrollment package (its inviter's registry), an
announcement signed by the key of an invitation some trusted device logged in
its own envelope stream, or a ``~device`` record in a trusted stream.
Revoking a device starts a new key epoch; the new key is sealed to every
remaining device's X25519 key in a signed grant (``keys/<epoch>-<device>``),
which also carries the revocation, and envelopes the revoked device seals
after the last one applied here are refused everywhere.
"""

from __future__ import annotations

import json
import secrets
import socket
from dataclasses import dataclass, field

from shelterdesk.store import audit
from shelterdesk.store.connection import Connection
from shelterdesk.store.keys import roster, roster_signing
from shelterdesk.store.replication import changes, merge_rules, registry
from shelterdesk.store.rows import now
from shelterdesk.sync import crypto, records
from shelterdesk.sync.errors import (
    CannotRevokeSelf,
    EnvelopeRejected,
    LaptopNameInvalid,
    NotEnrolled,
    UnknownDeviceId,
)
from shelterdesk.sync.transport import DEVICES, KEYS, Transport


@dataclass
class RegistryReport:
    devices_added: int = 0
    keys_received: int = 0
    revocations: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (record, reason)
    newer_epoch_missing: bool = False


def ensure_org(connection: Connection) -> registry.Identity:
    """This device's identity; founds a new organisation (epoch 1) the first time."""
    ident = registry.identity(connection)
    if ident.enrolled:
        return ident
    sign_key, kx_key = crypto.new_signing_key(), crypto.new_exchange_key()
    org_id = secrets.token_hex(16)
    registry.set_identity(connection, org_id, sign_key, kx_key)
    registry.add_device(connection, ident.device_id, crypto.signing_public(sign_key),
                        crypto.exchange_public(kx_key), label="founder",
                        added_by=ident.device_id)
    registry.add_epoch(connection, 1, crypto.random_key(), ident.device_id)
    return registry.identity(connection)


def require_identity(connection: Connection) -> registry.Identity:
    ident = registry.identity(connection)
    if not ident.enrolled:
        raise NotEnrolled()
    return ident


# --- control records carried in envelope streams ---------------------------------------
UNSIGNED_DEVICE = "unsigned_device_change"
SIGNER_NOT_KNOWN_YET = "signer_not_known_yet"  # waiting: retried after every envelope
ROSTER_RECORDS = ("~invite", "~revoke", "~device")


def apply_controls(connection: Connection, controls: list[changes.Change],
                   refused: list[tuple[str, str]] | None = None) -> int:
    """Act on the sync layer's records from an applied envelope; returns devices added.

    Invitations and removals count only with a statement an active coordinator signed;
    a device vouched for must carry its announcement, signed by the key of an invitation
    accepted that way (docs/sync.md "The roster"). Others are refused, audited and named
    in ``refused``; a record signed by a coordinator whose own grant has not arrived yet
    waits in ``roster_pending`` and is tried again after every envelope."""
    found = refused if refused is not None else []
    added = 0
    for control in controls:
        added += _act(connection, control, found, pending_ok=True)
    return added + retry_pending(connection, found)


def retry_pending(connection: Connection, refused: list[tuple[str, str]]) -> int:
    """Apply the waiting laptop records whose signer is now known; drop refused ones."""
    if not roster.has_tables(connection):
        return 0
    added = 0
    for origin, seq, table, row_id, stamp, text in connection.execute(
            "SELECT origin, seq, tbl, row_id, hlc, value FROM roster_pending"
            " ORDER BY hlc, origin, seq").fetchall():
        control = changes.Change(origin, seq, stamp, table, row_id, "+", json.loads(text))
        before = len(refused)
        added += _act(connection, control, refused, pending_ok=False)
        waiting = len(refused) > before and refused[-1][1] == SIGNER_NOT_KNOWN_YET
        if waiting:
            refused.pop()
        else:
            connection.execute("DELETE FROM roster_pending WHERE origin = ? AND seq = ?"
                               " AND tbl = ? AND row_id = ?", (origin, seq, table, row_id))
    return added


def _act(connection: Connection, control: changes.Change, refused: list[tuple[str, str]],
         *, pending_ok: bool) -> int:
    value = control.value if isinstance(control.value, dict) else {}
    where = f"{control.tbl[1:]}/{control.row_id}"
    try:
        verdict = _judge(connection, control, value)
        if verdict == roster_signing.PENDING:
            if pending_ok:
                connection.execute(
                    "INSERT OR IGNORE INTO roster_pending (origin, seq, tbl, row_id, hlc, value)"
                    " VALUES (?, ?, ?, ?, ?, ?)", (control.origin, control.seq, control.tbl,
                                                   control.row_id, control.hlc,
                                                   json.dumps(value, sort_keys=True)))
            refused.append((where, SIGNER_NOT_KNOWN_YET))
            return 0
        if verdict == roster_signing.REFUSED:
            audit.append(connection, "", "sync.roster_refused", "device", control.row_id,
                         reason=UNSIGNED_DEVICE, record=control.tbl, sender=control.origin)
            refused.append((where, UNSIGNED_DEVICE))
            return 0
        if control.tbl == "~invite":
            registry.add_invite(connection, control.row_id, control.origin,
                                records.unb64(value["invite_pub"]), str(value["expires_at"]))
        elif control.tbl == "~device":
            return int(registry.add_device(
                connection, control.row_id, records.unb64(value["sign_pub"]),
                records.unb64(value["kx_pub"]), label=str(value.get("label", "")),
                added_by=control.origin, invite_id=str(value.get("invite_id", ""))))
        elif control.tbl == "~revoke":
            registry.revoke_device(connection, control.row_id, int(value["after"]))
        elif control.tbl == "~laptop":
            name = value.get("name")
            # Any laptop may rename one (a coordinator did); only a laptop itself says
            # who works on it.
            user = value.get("user") if control.origin == control.row_id else None
            registry.set_laptop_info(
                connection, control.row_id, control.hlc,
                name=clean_name(str(name)) if name is not None else None,
                user_id=str(user) if user is not None else None)
    except (KeyError, TypeError, ValueError, EnvelopeRejected, LaptopNameInvalid):
        pass  # a malformed record from a trusted device changes nothing
    return 0


def _judge(connection: Connection, control: changes.Change, value: dict) -> str:
    if roster.root(connection) is None or control.tbl not in ROSTER_RECORDS:
        return roster_signing.VALID  # a vault from before signed roles; names are not roster
    if control.tbl == "~invite":
        return roster_signing.judge_device_statement(
            connection, value.get("statement"), roster_signing.DEVICE_INVITE, control.row_id,
            invite_pub=value.get("invite_pub"), expires_at=value.get("expires_at"))
    if control.tbl == "~revoke":
        return roster_signing.judge_device_statement(
            connection, value.get("statement"), roster_signing.DEVICE_REVOKE, control.row_id)
    try:
        body, invite = _verified_announcement(
            connection, control.row_id, records.unb64(str(value["announcement"])))
    except (EnvelopeRejected, KeyError, ValueError, TypeError):
        return roster_signing.REFUSED
    if (body.get("sign_pub"), body.get("kx_pub")) != (value.get("sign_pub"),
                                                        value.get("kx_pub")):
        return roster_signing.REFUSED
    if invite is not None:
        return roster_signing.VALID
    # The invitation may be waiting for its own signer, or not have arrived yet.
    waiting = connection.execute("SELECT 1 FROM roster_pending WHERE tbl = '~invite'"
                                 " AND row_id = ?", (str(body.get("invite_id", "")),)).fetchone()
    return roster_signing.PENDING if waiting else roster_signing.REFUSED


# --- laptop names and users ---------------------------------------------------------------
NAME_MAX = 60


def clean_name(name: str) -> str:
    """A laptop's name, trimmed; refused when empty, too long or more than one line."""
    name = " ".join(name.split()) if "\n" not in name and "\r" not in name else ""
    if not name or len(name) > NAME_MAX:
        raise LaptopNameInvalid(max=NAME_MAX)
    return name


def default_name() -> str:
    """The computer's host name, the name a laptop starts with (a coordinator may rename it)."""
    try:
        return clean_name(socket.gethostname().split(".")[0])
    except (LaptopNameInvalid, OSError):
        return "ShelterDesk"


def note_laptop(connection: Connection, device_id: str, *, name: str | None = None,
                user_id: str | None = None) -> None:
    """Log a laptop's name and/or user in this device's encrypted stream and apply it here
    (caller's transaction). Only inside envelopes: the folder and relay never see it."""
    value: dict[str, str] = {}
    if name is not None:
        value["name"] = clean_name(name)
    if user_id is not None:
        value["user"] = user_id
    if not value:
        return
    seq = changes.append_control(connection, "laptop", device_id, value)
    stamp = connection.execute("SELECT hlc FROM change_log WHERE seq = ?", (seq,)).fetchone()[0]
    registry.set_laptop_info(connection, device_id, int(stamp), name=value.get("name"),
                             user_id=value.get("user"))


def note_this_laptop(connection: Connection, user_id: str) -> bool:
    """Before a sync: give this laptop its default name once, and say who syncs on it when
    that changed (caller's transaction). False when the laptop has no organisation yet."""
    ident = registry.identity(connection)
    if not ident.enrolled:
        return False
    info = registry.laptop_info(connection).get(ident.device_id)
    name = default_name() if info is None or not info.name else None
    user = user_id if info is None or info.user_id != user_id else None
    if name is not None or user is not None:
        note_laptop(connection, ident.device_id, name=name, user_id=user)
    return True


# --- announcements -------------------------------------------------------------------------
def announce(transport: Transport, connection: Connection, invite_id: str,
             invite_key: bytes, label: str = "") -> None:
    """Publish this device's public keys, signed by the invitation's key and its own."""
    ident = require_identity(connection)
    body = {"org": ident.org_id, "device": ident.device_id, "invite_id": invite_id,
            "sign_pub": records.b64(crypto.signing_public(ident.sign_key)),
            "kx_pub": records.b64(crypto.exchange_public(ident.kx_key)),
            "label": label, "at": now()}
    transport.put_record(DEVICES, ident.device_id,
                         records.pack(records.ANNOUNCEMENT, body, [invite_key, ident.sign_key]))


def _verified_announcement(connection: Connection, name: str, blob: bytes
                           ) -> tuple[dict, registry.Invite | None]:
    """An announcement's body and its invitation (None: not known here yet), after checking
    both signatures; EnvelopeRejected (or KeyError/ValueError) for anything else."""
    ident = require_identity(connection)
    body, message, (invite_sig, device_sig) = records.unpack(records.ANNOUNCEMENT, blob, 2)
    if body.get("org") != ident.org_id or body.get("device") != name:
        raise EnvelopeRejected()
    invite = registry.invite(connection, str(body.get("invite_id", "")))
    if invite is None:
        return body, None
    sign_pub = records.unb64(body["sign_pub"])
    records.require_signature(invite.invite_pub, invite_sig, message)
    records.require_signature(sign_pub, device_sig, message)
    if str(body.get("at", "")) > invite.expires_at:
        raise EnvelopeRejected()
    return body, invite


def read_announcements(transport: Transport, connection: Connection,
                       report: RegistryReport) -> None:
    """Register announced devices whose invitation this device knows (caller's transaction)."""
    ident = require_identity(connection)
    for name in transport.list_records(DEVICES):
        if name == ident.device_id or registry.device(connection, name) is not None:
            continue
        blob = transport.get_record(DEVICES, name)
        if blob is None:
            continue
        try:
            body, invite = _verified_announcement(connection, name, blob)
            if invite is None:
                continue  # the inviter's stream has not arrived yet
            sign_pub, kx_pub = records.unb64(body["sign_pub"]), records.unb64(body["kx_pub"])
        except (EnvelopeRejected, KeyError, ValueError) as error:
            reason = getattr(error, "reason", "malformed")
            report.rejected.append((f"devices/{name}", reason))
            continue
        used_by = registry.device_using_invite(connection, invite.invite_id)
        if used_by is not None and used_by != name:
            merge_rules.flag(connection, "invite_reused", f"{invite.invite_id}/{name}",
                             table="sync_devices", row_id=name, other_id=used_by)
            report.rejected.append((f"devices/{name}", "invite_reused"))
            continue
        registry.add_device(connection, name, sign_pub, kx_pub, label=str(body.get("label", "")),
                            added_by=invite.issuer, invite_id=invite.invite_id)
        registry.mark_invite_used(connection, invite.invite_id, name)
        report.devices_added += 1
        if invite.own:  # vouch in this device's own stream, for devices that miss the file
            changes.append_control(connection, "device", name, {
                "sign_pub": body["sign_pub"], "kx_pub": body["kx_pub"],
                "invite_id": invite.invite_id, "label": str(body.get("label", "")),
                "announcement": records.b64(blob)})


# --- key epochs ----------------------------------------------------------------------------
def _grant_aad(org_id: str, epoch: int, recipient: str) -> bytes:
    return f"shelterdesk/grant/v1/{org_id}/{epoch}/{recipient}".encode()


def write_grants(transport: Transport, connection: Connection) -> int:
    """Seal every epoch key this device holds to every remaining device lacking it."""
    ident = require_identity(connection)
    existing = set(transport.list_records(KEYS))
    known = registry.devices(connection)
    revoked = [[d.device_id, d.revoked_after] for d in known if d.revoked]
    written = 0
    for epoch, key in sorted(registry.epoch_keys(connection).items()):
        for target in known:
            name = f"{epoch:06d}-{target.device_id}"
            if target.revoked or target.device_id == ident.device_id or name in existing:
                continue
            sealed = crypto.seal_to(target.kx_pub, key,
                                    _grant_aad(ident.org_id, epoch, target.device_id))
            body = {"org": ident.org_id, "epoch": epoch, "issuer": ident.device_id,
                    "recipient": target.device_id, "sealed": records.b64(sealed),
                    "revoked": revoked, "at": now()}
            transport.put_record(KEYS, name, records.pack(records.GRANT, body, [ident.sign_key]))
            written += 1
    return written


def read_grants(transport: Transport, connection: Connection, report: RegistryReport) -> None:
    """Take the epoch keys sealed to this device (caller's transaction)."""
    ident = require_identity(connection)
    held = registry.epoch_keys(connection)
    newest_seen = 0
    for name in transport.list_records(KEYS):
        epoch_text, _, recipient = name.partition("-")
        if not epoch_text.isdigit():
            continue
        epoch = int(epoch_text)
        newest_seen = max(newest_seen, epoch)
        if recipient != ident.device_id or epoch in held:
            continue
        blob = transport.get_record(KEYS, name)
        if blob is None:
            continue
        try:
            body, message, (signature,) = records.unpack(records.GRANT, blob, 1)
            if (body.get("org"), body.get("epoch"), body.get("recipient")) != (
                    ident.org_id, epoch, ident.device_id):
                raise EnvelopeRejected()
            issuer = registry.device(connection, str(body.get("issuer", "")))
            if issuer is None:
                continue  # not known yet: next time
            if issuer.revoked:
                raise EnvelopeRejected()
            records.require_signature(issuer.sign_pub, signature, message)
            key = crypto.open_sealed(ident.kx_key, records.unb64(body["sealed"]),
                                     _grant_aad(ident.org_id, epoch, ident.device_id))
        except (EnvelopeRejected, crypto.DecryptionFailed, KeyError, ValueError) as error:
            report.rejected.append((f"keys/{name}", getattr(error, "reason", "malformed")))
            continue
        registry.add_epoch(connection, epoch, key, issuer.device_id)
        held[epoch] = key
        report.keys_received += 1
        if roster.root(connection) is not None:
            continue  # removals count only from signed ~revoke records (apply_controls)
        for device_id, after in body.get("revoked", []):
            if device_id != ident.device_id:
                report.revocations += registry.revoke_device(connection, str(device_id),
                                                             int(after))
    report.newer_epoch_missing = newest_seen > max(held, default=0)


def revoke(connection: Connection, device_id: str,
           statement: dict[str, str] | None = None) -> tuple[int, int]:
    """Remove a device (caller's transaction): its envelopes after the last one applied here
    are refused, and a new key epoch starts. Returns (last accepted seq, new epoch)."""
    ident = require_identity(connection)
    if device_id == ident.device_id:
        raise CannotRevokeSelf()
    target = registry.device(connection, device_id)
    if target is None:
        raise UnknownDeviceId(device=device_id)
    # Everything of it that any remaining device has applied stays valid (signed acks),
    # so every device ends with the same data.
    after = changes.peer(connection, device_id).applied_seq
    for acker, vector in registry.acks(connection).items():
        if acker != device_id:
            after = max(after, int(vector.get(device_id, 0)))
    if target.revoked_after is not None:
        after = max(after, target.revoked_after)
    registry.revoke_device(connection, device_id, after)
    epoch = registry.current_epoch(connection) + 1
    registry.add_epoch(connection, epoch, crypto.random_key(), ident.device_id)
    value: dict = {"after": after, "epoch": epoch}
    if statement is not None:  # a coordinator's signed removal (roster_signing.sign_device)
        value["statement"] = statement
    changes.append_control(connection, "revoke", device_id, value)
    return after, epoch
