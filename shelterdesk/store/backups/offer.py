"""A backup file someone offers to verify or restore from the window: whose is it?"""

from __future__ import annotations

from pathlib import Path

from shelterdesk.i18n import N_
from shelterdesk.store.backups.errors import BackupError
from shelterdesk.store.backups.format import BackupHeader, read_layout


class BackupOfAnotherVault(BackupError):
    message = N_(
        "“{path}” is a backup of another vault (made {when} UTC), not of this one. Nothing was "
        "restored. Choose a backup of this vault; another vault's backup is restored only on "
        "the command line, into a new folder.")


def backup_header(path: Path | str) -> BackupHeader:
    """The header of a backup (NotABackup, BackupDamaged, BackupTooNew if it is none)."""
    return read_layout(Path(path)).header


def require_this_vault(path: Path | str, vault_id: str) -> BackupHeader:
    """The header, or BackupOfAnotherVault when the file belongs to a different vault."""
    header = backup_header(path)
    if header.vault_id != vault_id:
        raise BackupOfAnotherVault(path=Path(path).name,
                                   when=header.created_at[:16].replace("T", " "))
    return header
