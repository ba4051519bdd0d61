"""Never a live vault in a synced folder: recognise OneDrive, Dropbox, Google Drive,
Nextcloud, ownCloud, Syncthing and Resilio folders, and refuse to open a vault there.

A sync client copies the database and its write-ahead log while ShelterDesk writes
them, at different moments; the copy on the other side (and, after a conflict, the
original) is a damaged vault. Recognised by the marker files the clients leave in
the folder they manage, by the folder names they create, and on Windows by the
``OneDrive*`` environment variables.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_

# A file or folder directly inside a synced directory -> the service.
MARKERS: dict[str, str] = {
    ".stfolder": "Syncthing", ".stignore": "Syncthing",
    ".dropbox": "Dropbox", ".dropbox.cache": "Dropbox",
    ".nextcloudsync.log": "Nextcloud", ".owncloudsync.log": "ownCloud",
    ".tmp.drivedownload": "Google Drive", ".tmp.driveupload": "Google Drive",
    ".sync": "Resilio Sync",
}
# Name prefixes of the journal the Nextcloud/ownCloud desktop client keeps in its root.
JOURNAL_PREFIXES = ("._sync_", ".sync_", ".csync_journal")
# Folder names the clients create (compared without case).
FOLDER_NAMES: dict[str, str] = {
    "onedrive": "OneDrive", "dropbox": "Dropbox", "google drive": "Google Drive",
    "googledrive": "Google Drive", "my drive": "Google Drive", "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
}
# macOS File Provider folders: ~/Library/CloudStorage/<Provider>-<account>.
CLOUD_STORAGE_PREFIXES = {"onedrive": "OneDrive", "dropbox": "Dropbox",
                          "googledrive": "Google Drive", "nextcloud": "Nextcloud",
                          "owncloud": "ownCloud"}
ONEDRIVE_VARIABLES = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")


class VaultInSyncedFolder(UserFacingError):
    message = N_(
        "The data folder “{path}” is inside a {service} folder. {service} copies files while "
        "ShelterDesk is writing them, and a half-copied vault is damaged, so ShelterDesk will "
        "not open it there. Close ShelterDesk, move the folder “{path}” to a place {service} "
        "does not sync (for example “{suggestion}”), and start ShelterDesk with "
        "--data-dir set to the new place.")


def _folder_service(name: str) -> str | None:
    lowered = name.casefold()
    if lowered in FOLDER_NAMES:
        return FOLDER_NAMES[lowered]
    if lowered.startswith("onedrive - ") or lowered.startswith("dropbox ("):
        return "OneDrive" if lowered.startswith("onedrive") else "Dropbox"
    return None


def _marker_service(directory: Path) -> str | None:
    for marker, service in MARKERS.items():
        if (directory / marker).exists():
            return service
    try:
        names = [entry.name for entry in os.scandir(directory)
                 if entry.name.startswith(JOURNAL_PREFIXES) and entry.name.endswith(".db")]
    except OSError:
        return None
    return "Nextcloud" if names else None


def synced_service(path: Path | str, environ: dict[str, str] | None = None) -> str | None:
    """The sync service managing ``path`` or a folder above it, or None."""
    env = os.environ if environ is None else environ
    target = Path(path).expanduser().absolute()
    for variable in ONEDRIVE_VARIABLES:
        root = env.get(variable)
        if root and (target == Path(root) or Path(root) in target.parents):
            return "OneDrive"
    chain = [target, *target.parents]
    for directory in chain:
        if directory.parent.name == "CloudStorage":
            for prefix, service in CLOUD_STORAGE_PREFIXES.items():
                if directory.name.casefold().startswith(prefix):
                    return service
        service = _folder_service(directory.name) if directory != Path.home() else None
        if service is None and directory.exists():
            service = _marker_service(directory)
        if service is not None:
            return service
    return None


def suggested_place() -> Path:
    """A folder no sync client manages by default, for the message."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", str(Path.home()))) / "ShelterDesk"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "ShelterDesk"
    return Path.home() / ".local" / "share" / "ShelterDesk"


def refuse_synced_location(path: Path | str) -> None:
    """Raise VaultInSyncedFolder (naming the service and the way out) when it applies."""
    service = synced_service(path)
    if service is not None:
        raise VaultInSyncedFolder(path=str(path), service=service,
                                  suggestion=str(suggested_place()))
