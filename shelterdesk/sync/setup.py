"""Where this laptop syncs (saved in its settings), testing that place, and the sync status.

The window's Sync page and the command line share these: the transport named in
the settings, a connection test with one clear answer, and what the status panel
shows (last sync, changes waiting, changes received, the clock).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_, _
from shelterdesk.store import settings
from shelterdesk.store.replication import registry, sync_counts
from shelterdesk.store.vault import Session
from shelterdesk.sync import explain, pruning, service
from shelterdesk.sync.errors import FolderUnusable, RollbackDetected, SyncError
from shelterdesk.sync.folder import check_vault_location
from shelterdesk.sync.relay_client import RelayRefused
from shelterdesk.sync.transport import Transport
from shelterdesk.sync.transports import open_transport


class SyncNotSetUp(SyncError):
    message = N_("Syncing is not set up on this laptop yet: choose a shared folder or a relay "
                 "on the Sync page.")


class SyncFolderMissing(SyncError):
    message = N_("The sync folder “{path}” cannot be found. Plug in the drive or connect to "
                 "the network share, then sync again. Nothing was lost.")


@dataclass(frozen=True)
class SyncPlace:
    """A shared folder or a relay address (exactly one is set)."""

    folder: str = ""
    relay: str = ""
    admission_token: str = ""  # a relay operator's token, to found the organisation there

    @property
    def is_set(self) -> bool:
        return bool(self.folder or self.relay)


def saved_place(session: Session) -> SyncPlace:
    return SyncPlace(settings.get(session, "sync_folder"), settings.get(session, "sync_relay"),
                     settings.get(session, "sync_relay_admission"))


def save_place(session: Session, place: SyncPlace, interval_minutes: int | None = None) -> None:
    """Remember where (and how often) this laptop syncs (coordinator; test the place first)."""
    session.require_role(Role.COORDINATOR, action=N_("choose where this laptop syncs"))
    values: dict[str, object] = {"sync_folder": place.folder.strip(),
                                 "sync_relay": place.relay.strip(),
                                 "sync_relay_admission": place.admission_token.strip()}
    if interval_minutes is not None:
        values["sync_interval_minutes"] = interval_minutes
    settings.set_values(session, values)


def remember_joined_place(session: Session, place: SyncPlace) -> None:
    """Right after joining: the laptop keeps syncing where it joined (whoever joined it).

    Only while no place is saved yet; changing it later is a coordinator's choice."""
    if saved_place(session).is_set:
        return
    settings.set_for_this_laptop(session, "sync_folder", place.folder.strip())
    settings.set_for_this_laptop(session, "sync_relay", place.relay.strip())


def transport_for(vault_dir: Path, place: SyncPlace) -> Transport:
    """The transport for a place; refuses a folder that is missing or holds the vault."""
    if place.relay:
        return open_transport(relay=place.relay.strip(),
                              admission_token=place.admission_token.strip())
    if not place.folder:
        raise SyncNotSetUp()
    folder = Path(place.folder).expanduser()
    if not folder.is_dir():
        raise SyncFolderMissing(path=str(folder))
    check_vault_location(vault_dir, folder)
    return open_transport(folder=folder)


def saved_transport(session: Session) -> Transport:
    return transport_for(session.vault.directory, saved_place(session))


def test_place(vault_dir: Path, place: SyncPlace) -> str:
    """Try the place for real; a sentence saying it works, or a SyncError saying why not.

    A folder must exist and take a file (written and removed again); a relay must
    answer a harmless request.
    """
    transport = transport_for(vault_dir, place)
    if place.relay:
        transport.get_invitation(secrets.token_hex(16))  # 404 = reachable and answering
        return _("The relay answered. This laptop can sync through it.")
    probe = Path(place.folder).expanduser() / f".shelterdesk-test-{secrets.token_hex(6)}.tmp"
    try:
        with open(probe, "xb") as handle:
            handle.write(b"test")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise FolderUnusable(path=str(place.folder),
                             reason=error.strerror or type(error).__name__) from error
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    return _("The folder can be used: ShelterDesk wrote a test file there and removed it.")


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    device_id: str
    last_sync_at: str  # ISO UTC, "" if never
    waiting_changes: int  # written here, not yet sent
    received_changes: int  # applied from the other laptops, in all
    held_changes: int  # dated in the future, held back
    clock_ahead: bool  # this laptop's clock is more than a day ahead
    halted: bool  # rollback detected: this laptop must be enrolled again
    revoked: bool  # this laptop was removed from the organisation
    open_conflicts: int
    kept_envelopes: int = 0  # other laptops' envelopes kept to pass on (store and forward)
    sealed_waiting: int = 0  # changes about a client whose key has not arrived yet
    snapshot_covers: int = 0  # changes the newest snapshot seen covers
    pruned_envelopes: int = 0  # envelopes this laptop has pruned from sync places, in all


def sync_status(session: Session) -> SyncStatus:
    """What the Sync page shows about this laptop (any user)."""
    with session.lock:
        connection = session.connection
        ident = registry.identity(connection)
        me = registry.device(connection, ident.device_id) if ident.org_id else None
        clock = sync_counts.report(connection, ident.device_id)
        kept, waiting = sync_counts.relaying(connection)
        covers, pruned = pruning.status(connection)
    return SyncStatus(
        enrolled=bool(ident.org_id), device_id=ident.device_id,
        last_sync_at=clock.last_sync_at, waiting_changes=clock.waiting,
        received_changes=clock.received, held_changes=clock.held,
        clock_ahead=clock.ahead, halted=clock.halted,
        revoked=bool(me is not None and me.revoked), open_conflicts=clock.conflicts,
        kept_envelopes=kept, sealed_waiting=waiting, snapshot_covers=covers,
        pruned_envelopes=pruned)


def describe_failure(error: BaseException) -> str:
    """Plain words for a failed sync: what happened and what to do."""
    if isinstance(error, RollbackDetected):
        return _(explain.ROLLBACK)
    if isinstance(error, RelayRefused) and error.params.get("reason") == "revoked_device":
        return _(explain.REVOKED)
    if isinstance(error, UserFacingError):
        return error.user_message()
    if isinstance(error, OSError):
        return _("The sync folder could not be read or written ({reason}). Check that the "
                 "drive or share is connected, then sync again. Nothing was lost.").format(
            reason=error.strerror or type(error).__name__)
    return _("Syncing stopped unexpectedly ({kind}). Nothing was lost; try again.").format(
        kind=type(error).__name__)


@dataclass(frozen=True)
class LaptopRow:
    device_id: str
    this_laptop: bool
    added_at: str
    added_by: str  # the inviting laptop's id
    last_seen: str
    epoch: int | None  # the organisation key it holds now; None once removed
    revoked_at: str | None
    name: str = ""  # given by its host name or a coordinator; "" until its first record arrives
    user: str = ""  # who last synced on it (display name in this vault); "" if not known yet


def laptops(session: Session) -> list[LaptopRow]:
    """The organisation's laptops for the Sync page (coordinator)."""
    found = service.list_devices(session)
    with session.lock:
        seen = sync_counts.last_seen(session.connection)
        me = registry.identity(session.connection).device_id
        epoch = registry.current_epoch(session.connection) if found else 0
        info = registry.laptop_info(session.connection)
    none = registry.LaptopInfo("", "", "")
    return [LaptopRow(d.device_id, d.device_id == me, d.added_at, d.added_by,
                      seen.get(d.device_id, ""), None if d.revoked else epoch, d.revoked_at,
                      info.get(d.device_id, none).name, info.get(d.device_id, none).user_name)
            for d in found]
