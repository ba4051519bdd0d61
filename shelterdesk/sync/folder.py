"""The folder transport: a network share, a USB stick, a Syncthing or Nextcloud folder.

    root/invites/<invite_id>.sdi                 enrollment exchange: offer, answer, package
    root/invites/<invite_id>.sdr                 the new laptop's request (first one wins)
    root/<org_id>/env/<device_id>/<seq_from:016>-<seq_to:016>.sde   envelopes
    root/<org_id>/acks/<device_id>.sda           signed acknowledgements (newest only)
    root/<org_id>/keys/<epoch>-<device_id>.sdk   key-epoch grants sealed to one device
    root/<org_id>/devices/<device_id>.sdd        device announcements

One writer per envelope directory; every file is written to a ``.tmp`` name,
fsynced, then renamed into place, and the directory fsynced. Readers take only
names of the exact expected shape, so ``*.tmp``, ``*.part``, ``~syncthing~*``,
``.syncthing.*`` and ``*.sync-conflict-*`` files, and anything else foreign, are
ignored. The live database never goes here (see :func:`check_vault_location`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from shelterdesk.i18n import _
from shelterdesk.sync.errors import FolderUnusable, VaultInSyncFolder
from shelterdesk.sync.transport import (
    RECORD_KINDS,
    EnvelopeRef,
    Transport,
    valid_device_id,
    valid_record_name,
)

_ENVELOPE = re.compile(r"^(\d{16})-(\d{16})\.sde$")
_SUFFIX = {"acks": ".sda", "keys": ".sdk", "devices": ".sdd", "snapshots": ".sds"}
_INVITE = re.compile(r"^[0-9a-f]{32}$")
MAX_FILE = 512 * 1024 * 1024
# Files that mark a directory as one a sync service manages.
SYNC_MARKERS = {
    ".stfolder": "Syncthing", ".stignore": "Syncthing", ".sync": "Resilio Sync",
    ".nextcloudsync.log": "Nextcloud", ".owncloudsync.log": "ownCloud",
    ".dropbox": "Dropbox", ".dropbox.cache": "Dropbox",
}


def write_atomically(path: Path, data: bytes) -> None:
    """temp file, fsync, rename, fsync of the directory: a reader sees all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if os.name == "posix":
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _read(path: Path) -> bytes | None:
    try:
        if path.stat().st_size > MAX_FILE:
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


class FolderTransport(Transport):
    """The transport over a directory tree any file-sync tool can carry."""

    def __init__(self, root: Path, org_id: str | None = None) -> None:
        self.root = Path(root)
        self.org_id = org_id
        if not self.root.is_dir():
            raise FolderUnusable(path=str(self.root), reason=_("it is not a directory"))

    def for_org(self, org_id: str) -> FolderTransport:
        return FolderTransport(self.root, org_id)

    @property
    def _org(self) -> Path:
        if not self.org_id:
            raise ValueError("no organisation")
        return self.root / self.org_id

    # --- envelopes -----------------------------------------------------------------
    def _envelope_path(self, ref: EnvelopeRef) -> Path:
        if not valid_device_id(ref.device_id):
            raise ValueError("device id")
        return self._org / "env" / ref.device_id / f"{ref.seq_from:016d}-{ref.seq_to:016d}.sde"

    def put_envelope(self, ref: EnvelopeRef, blob: bytes) -> None:
        path = self._envelope_path(ref)
        if _read(path) == blob:
            return
        write_atomically(path, blob)

    def list_envelopes(self, beyond: Mapping[str, int]) -> list[EnvelopeRef]:
        found = []
        base = self._org / "env"
        if not base.is_dir():
            return []
        for device_dir in base.iterdir():
            device = device_dir.name
            if not valid_device_id(device) or not device_dir.is_dir():
                continue
            floor = beyond.get(device, 0)
            for entry in os.scandir(device_dir):
                match = _ENVELOPE.match(entry.name)
                if match and entry.is_file():
                    ref = EnvelopeRef(device, int(match.group(1)), int(match.group(2)))
                    if ref.seq_to > floor:
                        found.append(ref)
        return sorted(found)

    def get_envelope(self, ref: EnvelopeRef) -> bytes | None:
        return _read(self._envelope_path(ref))

    def prune_envelopes(self, upto: Mapping[str, int]) -> int:
        deleted = 0
        for ref in self.list_envelopes({}):
            if ref.seq_to <= upto.get(ref.device_id, 0):
                with contextlib.suppress(FileNotFoundError):
                    self._envelope_path(ref).unlink()
                    deleted += 1
        return deleted

    # --- records ---------------------------------------------------------------------
    def _record_path(self, kind: str, name: str) -> Path:
        if kind not in RECORD_KINDS or not valid_record_name(name):
            raise ValueError("record")
        return self._org / kind / (name + _SUFFIX[kind])

    def put_record(self, kind: str, name: str, blob: bytes) -> None:
        write_atomically(self._record_path(kind, name), blob)

    def list_records(self, kind: str) -> list[str]:
        directory = self._org / kind
        if kind not in RECORD_KINDS or not directory.is_dir():
            return []
        suffix = _SUFFIX[kind]
        names = [entry.name[:-len(suffix)] for entry in os.scandir(directory)
                 if entry.name.endswith(suffix) and entry.is_file()]
        return sorted(n for n in names if valid_record_name(n))

    def get_record(self, kind: str, name: str) -> bytes | None:
        return _read(self._record_path(kind, name))

    # --- invitations -------------------------------------------------------------------
    def _invite_path(self, invite_id: str) -> Path:
        if not _INVITE.match(invite_id):
            raise ValueError("invite id")
        return self.root / "invites" / f"{invite_id}.sdi"

    def put_invitation(self, invite_id: str, blob: bytes) -> None:
        write_atomically(self._invite_path(invite_id), blob)

    def get_invitation(self, invite_id: str) -> bytes | None:
        return _read(self._invite_path(invite_id))

    def delete_invitation(self, invite_id: str) -> None:
        for path in (self._invite_path(invite_id), self._request_path(invite_id)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _request_path(self, invite_id: str) -> Path:
        return self._invite_path(invite_id).with_suffix(".sdr")

    def post_enrollment_request(self, invite_id: str, blob: bytes) -> bool:
        """Written aside, then hard-linked into place: the link fails if a request is there,
        so only the first laptop's request counts, and nobody reads half a file."""
        path = self._request_path(invite_id)
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        write_atomically(temp, blob)
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        finally:
            temp.unlink(missing_ok=True)
        return True

    def get_enrollment_request(self, invite_id: str) -> bytes | None:
        return _read(self._request_path(invite_id))


def check_vault_location(vault_dir: Path, folder: Path | None = None) -> None:
    """Refuse when the live vault sits inside the sync folder or any synced directory."""
    vault = Path(vault_dir).resolve()
    if folder is not None:
        root = Path(folder).resolve()
        if vault == root or root in vault.parents:
            raise VaultInSyncFolder(vault=str(vault_dir), reason=str(folder))
        if vault in root.parents:
            raise FolderUnusable(path=str(folder), reason=_("it is inside the vault directory"))
    for directory in (vault, *vault.parents):
        for marker, service in SYNC_MARKERS.items():
            if (directory / marker).exists():
                raise VaultInSyncFolder(vault=str(vault_dir), reason=service)
