"""Why a vault would not open or a change was refused: one class per cause."""

from __future__ import annotations

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_


class VaultError(UserFacingError):
    message = N_("The vault could not be used.")


class NotAVault(VaultError):
    message = N_("“{path}” is not a ShelterDesk vault (no key-slot file or database there).")


class VaultAlreadyExists(VaultError):
    message = N_("A vault already exists in “{path}”.")


class WrongPassphrase(VaultError):
    # A user name and a passphrase were given: which one was wrong is not said.
    message = N_("The user name or the passphrase is not correct.")


class WrongCurrentPassphrase(WrongPassphrase):
    """Changing one's own passphrase: the name is known, only the passphrase was typed."""

    message = N_("The passphrase is not correct.")


class UnknownUser(VaultError):
    message = N_("There is no user “{name}” in this vault.")


class LoginFailed(WrongPassphrase, UnknownUser):
    """At the unlock screen an unknown name and a wrong passphrase look the same, so the
    message tells nobody which user names exist; both old classes still catch it."""


class UserDisabled(VaultError):
    message = N_("The user “{name}” has been disabled. Ask a coordinator.")


class UserAlreadyExists(VaultError):
    message = N_("A user “{name}” already exists.")


class SlotFileCorrupted(VaultError):
    message = N_(
        "The key-slot file is damaged or has been tampered with; the vault was not opened. "
        "Restore it from a backup."
    )


class DatabaseDamaged(VaultError):
    message = N_(
        "The passphrase is right but the database is damaged ({detail}). "
        "Nothing was changed; restore the newest backup."
    )


class PlainDatabaseRefused(VaultError):
    message = N_(
        "The database file is an unencrypted SQLite file, not a ShelterDesk vault; "
        "it was refused and left untouched."
    )


class VaultTooNew(VaultError):
    message = N_(
        "This vault was written by a newer version of ShelterDesk (schema {found}, "
        "this version knows {known}). Update ShelterDesk; the vault was left untouched."
    )


class TooManyAttempts(VaultError):
    message = N_("Too many failed attempts. Try again in {seconds} seconds.")


class InvalidRecoveryKey(VaultError):
    message = N_(
        "The recovery key is mistyped (its check characters do not match). "
        "Check each group and try again."
    )


class WrongRecoveryKey(VaultError):
    message = N_("The recovery key is well-formed but does not open this vault.")


class SessionClosed(VaultError):
    message = N_("The vault is locked.")


class StorageFailed(VaultError):
    message = N_("The change could not be saved ({detail}); the vault is as it was before.")


class DiskFull(StorageFailed):
    message = N_(
        "The disk is full: the change could not be saved, and the vault is as it was before. "
        "Free some space and try again."
    )
