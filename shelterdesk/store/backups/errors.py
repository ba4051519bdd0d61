"""Why a backup could not be made, checked or restored: one class per cause, all translatable."""

from __future__ import annotations

from shelterdesk.i18n import N_
from shelterdesk.store.errors import VaultError


class BackupError(VaultError):
    message = N_("The backup could not be used.")


class NotABackup(BackupError):
    message = N_("“{path}” is not a ShelterDesk backup file.")


class BackupDamaged(BackupError):
    message = N_("The backup “{path}” is damaged ({detail}); do not rely on it.")


class BackupTooNew(BackupError):
    message = N_(
        "The backup “{path}” was written by a newer version of ShelterDesk (format {found}). "
        "Update ShelterDesk to read it."
    )


class BackupExists(BackupError):
    message = N_("“{path}” already exists; a backup never overwrites a file. Choose another name.")


class BackupWriteFailed(BackupError):
    message = N_(
        "The backup could not be written to “{path}” ({reason}); nothing was left behind there."
    )


class BackupDiskFull(BackupWriteFailed):
    message = N_(
        "The disk holding “{path}” is full, so the backup was not written. "
        "Free some space or choose another folder."
    )


class BackupInsideVault(BackupError):
    message = N_(
        "A backup cannot be kept inside the vault's own folder “{path}”: "
        "choose another folder, ideally on an external drive."
    )


class BackupFolderMissing(BackupError):
    message = N_("The backup folder “{path}” is not available. Is the external drive connected?")


class NoBackupFolder(BackupError):
    message = N_("No backup folder has been chosen yet (Administration → Backups).")


class BackupChangedDuringCopy(BackupError):
    message = N_("The copy of the vault did not match the vault ({detail}); nothing was written.")


class BackupUnknownUser(BackupError):
    message = N_(
        "The backup has no key slot for “{name}”: the user was added after the backup was made, "
        "or was disabled in it. Use another user's passphrase or the recovery key."
    )


class RestoreOtherVault(BackupError):
    message = N_(
        "The backup “{file}” is of another vault than the one in “{path}”. Restoring it there "
        "would replace this vault with a different one; if that is really meant, confirm it "
        "(--replace-with-another-vault on the command line)."
    )


class RestoreWouldReplace(BackupError):
    message = N_(
        "A vault already exists in “{path}”. Restoring over it needs an explicit confirmation "
        "(--force on the command line); the current vault is then kept aside as a safety copy."
    )


class RestoreTargetNotEmpty(BackupError):
    message = N_(
        "“{path}” is not empty and holds no vault. Restore into an empty or a new folder."
    )


class RestoreNeedsCredentials(BackupError):
    message = N_(
        "Replacing a vault needs the backup to be fully checked first: give a user name and "
        "passphrase, or the recovery key, that open the backup."
    )
