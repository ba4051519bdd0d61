"""Sync use cases for the front ends (CLI and UI call the same functions): sync now, invite
a laptop, join an organisation, list and revoke devices. Each is audited (counts and ids,
never personal data)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_, _
from shelterdesk.store import audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.keys import roster_signing
from shelterdesk.store.replication import join as vault_join
from shelterdesk.store.replication import registry
from shelterdesk.store.vault import Session, Vault
from shelterdesk.sync import devices, engine, enrollment, records
from shelterdesk.sync.binding import place_for
from shelterdesk.sync.errors import (
    EnrollmentFailed,
    EnrollmentNotConfirmed,
    RollbackDetected,
    SasMismatch,
    SyncError,
    UnknownDeviceId,
)
from shelterdesk.sync.transport import Transport


def context(session: Session) -> engine.SyncContext:
    return engine.SyncContext(session.connection, session.lock, session.vault.directory,
                              session.refresh_member_slots, session.user.id)


def sync_now(session: Session, transport: Transport,
             progress: engine.Progress | None = None) -> engine.SyncSummary:
    """A full push, pull and apply; any signed-in user may sync (``progress``: phases)."""
    try:
        summary = engine.run(context(session), transport, progress)
    except RollbackDetected as error:
        session.audit("sync.rollback_detected", "sync", "", have=error.params["have"],
                      seen=error.params["seen"])
        raise
    except SyncError as error:
        session.audit("sync.failed", "sync", "", error=type(error).__name__)
        raise
    session.audit("sync.run", "org", summary.org_id, sent=summary.sent_changes,
                  received=summary.received_envelopes, applied=summary.applied_changes,
                  rejected=len(summary.rejected), held=summary.held_changes,
                  conflicts=summary.conflicts_new)
    return summary


def invite(session: Session, transport: Transport,
           valid_hours: int = enrollment.DEFAULT_VALID_HOURS) -> enrollment.Invitation:
    """A one-time enrollment code; its offer (no key of the organisation) goes to the
    transport. The keys follow only after :func:`confirm_join`."""
    session.require_role(Role.COORDINATOR, action=N_("invite a laptop"))
    with session.lock, transaction(session.connection) as connection:
        devices.ensure_org(connection)
        invitation, offer = enrollment.create(
            connection, valid_hours=valid_hours,
            sign=lambda invite_id, fields: roster_signing.sign_device(
                connection, session.user.id, roster_signing.DEVICE_INVITE, invite_id,
                private_key=session.private_key, **fields))
        audit.append(connection, session.user.id, "sync.invite", "invite", invitation.invite_id,
                     expires_at=invitation.expires_at)
        place = place_for(transport, connection)
    place.put_invitation(invitation.invite_id, offer)
    sync_now(session, transport)  # so the invitation's key and every record are there
    return invitation


def answer_join(session: Session, transport: Transport, code: str) -> str | None:
    """Answer the new laptop's request and return the digits both screens show; None while
    the new laptop has not asked yet (coordinator)."""
    session.require_role(Role.COORDINATOR, action=N_("invite a laptop"))
    secret = enrollment.parse_code(code)
    invite_id = enrollment.invite_id_for(secret)
    request = transport.get_enrollment_request(invite_id)
    with session.lock:
        answered = enrollment.answer(session.connection, secret, request)
        if answered is None:
            return None
        place = place_for(transport, session.connection)
    place.put_invitation(invite_id, answered.blob)
    return answered.sas


def confirm_join(session: Session, transport: Transport, code: str, sas: str) -> str:
    """The coordinator saw the same digits on both laptops: send the organisation's keys,
    sealed to the new laptop's key. Digits that differ cancel the invitation. Returns the
    invitation id."""
    session.require_role(Role.COORDINATOR, action=N_("invite a laptop"))
    secret = enrollment.parse_code(code)
    invite_id = enrollment.invite_id_for(secret)
    request = transport.get_enrollment_request(invite_id)
    if request is None:
        raise EnrollmentNotConfirmed()
    try:
        with session.lock, transaction(session.connection) as connection:
            blob = enrollment.package(connection, secret, request, sas,
                                      org_name=session.meta("org_name"),
                                      prefix=session.meta("case_prefix", "SD"))
            audit.append(connection, session.user.id, "sync.invite_confirmed", "invite",
                         invite_id)
            place = place_for(transport, connection)
    except SasMismatch:
        session.audit("sync.invite_cancelled", "invite", invite_id, reason="sas_mismatch")
        transport.delete_invitation(invite_id)
        raise
    place.put_invitation(invite_id, blob)
    return invite_id


@dataclass(frozen=True)
class Joined:
    vault_id: str
    device_id: str
    recovery_key: str
    summary: engine.SyncSummary


def request_join(transport: Transport, code: str) -> enrollment.PendingJoin:
    """The new laptop asks to join with the code (first step; nothing is created yet)."""
    return enrollment.request(transport, enrollment.parse_code(code))


def join(directory: Path, code: str | enrollment.PendingJoin, transport: Transport,
         username: str, passphrase: str, *, on_sas: Callable[[str], None] | None = None,
         wait_seconds: float = 900.0, poll_seconds: float = 1.0,
         stop: Callable[[], bool] | None = None) -> Joined:
    """Create a vault on this laptop from an enrollment code and pull a full first copy.

    Asks to join (unless ``code`` is a request already made), shows the digits through
    ``on_sas`` once the inviting laptop answered, and waits for the coordinator to confirm
    them there (``stop()`` true: give up waiting). Nothing is left behind if any step fails;
    the invitation is used up only on success.
    """
    pending = code if isinstance(code, enrollment.PendingJoin) else request_join(transport, code)
    sas = enrollment.wait_for(lambda: enrollment.read_answer(transport, pending), wait_seconds,
                              poll_seconds, stop)
    if on_sas is not None:
        on_sas(sas)
    package = enrollment.wait_for(lambda: enrollment.read_package(transport, pending),
                                  wait_seconds, poll_seconds, stop)
    joining = vault_join.create(directory, org_name=str(package.get("org_name", "")),
                                prefix=str(package.get("case_prefix", "SD")))
    try:
        with joining.lock, transaction(joining.connection):
            ident = enrollment.adopt(joining.connection, package)
            place = place_for(transport, joining.connection)
        place.admit(package["invite_id"])  # a relay learns this laptop's key (no-op: folder)
        ctx = engine.SyncContext(joining.connection, joining.lock, joining.vault.directory,
                                 joining.refresh_slots)
        summary = engine.run(ctx, transport)
        joining.refresh_slots()
        if joining.users_with_slots() == 0:
            raise EnrollmentFailed(reason=_("no users arrived with the first sync"))
        joining.finish()
        with Vault(directory).unlock(username, passphrase) as session:
            devices.announce(place_for(transport, session.connection), session.connection,
                             package["invite_id"], _invite_key(package))
            transport.delete_invitation(package["invite_id"])
            session.audit("sync.enroll", "org", ident.org_id, device=ident.device_id,
                          inviter=package["inviter"], applied=summary.applied_changes)
    except BaseException:
        joining.discard()
        raise
    return Joined(joining.vault_id, ident.device_id, joining.recovery_key, summary)


def _invite_key(package: dict) -> bytes:
    return records.unb64(package["invite_key"])


def revoke(session: Session, device_id: str) -> tuple[int, int]:
    """Remove a laptop from the organisation (coordinator); takes effect at the next sync."""
    session.require_role(Role.COORDINATOR, action=N_("remove a laptop"))
    with session.lock, transaction(session.connection) as connection:
        statement = roster_signing.sign_device(connection, session.user.id,
                                               roster_signing.DEVICE_REVOKE, device_id,
                                               private_key=session.private_key)
        after, epoch = devices.revoke(connection, device_id, statement)
        audit.append(connection, session.user.id, "sync.revoke", "device", device_id,
                     after=after, epoch=epoch)
    return after, epoch


def rename_laptop(session: Session, device_id: str, name: str) -> str:
    """A coordinator names a laptop; every laptop learns it at the next sync. Returns the name
    as kept (trimmed)."""
    session.require_role(Role.COORDINATOR, action=N_("manage the organisation's laptops"))
    name = devices.clean_name(name)
    with session.lock, transaction(session.connection) as connection:
        if registry.device(connection, device_id) is None:
            raise UnknownDeviceId(device=device_id)
        devices.note_laptop(connection, device_id, name=name)
        audit.append(connection, session.user.id, "sync.rename", "device", device_id)
    return name


def laptop_info(session: Session) -> dict[str, registry.LaptopInfo]:
    """Every laptop's name and last user (any signed-in user: conflicts show them)."""
    with session.lock:
        return registry.laptop_info(session.connection)


def list_devices(session: Session) -> list[registry.Device]:
    session.require_role(Role.COORDINATOR, action=N_("manage the organisation's laptops"))
    with session.lock:
        return registry.devices(session.connection)


def this_device(session: Session) -> registry.Identity:
    with session.lock:
        return registry.identity(session.connection)
