"""What every sub-command shares: the data directory, passphrases, output and errors."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.validation import printable
from shelterdesk.i18n import N_, _
from shelterdesk.store.vault import Session, Vault

PASSPHRASE_ENV = "SHELTERDESK_PASSPHRASE"
NEW_PASSPHRASE_ENV = "SHELTERDESK_NEW_PASSPHRASE"
USER_ENV = "SHELTERDESK_USER"


class CliError(UserFacingError):
    """A problem with how a command was called."""


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("ShelterDesk", appauthor=False, roaming=False))


def data_dir(args: argparse.Namespace, *, check: bool = True) -> Path:
    """The vault's folder; refused (VaultInSyncedFolder) inside a OneDrive, Dropbox, … folder.

    ``check=False`` for the window, which shows the same refusal in a dialog.
    """
    from shelterdesk.store.vault_location import refuse_synced_location

    given = getattr(args, "data_dir", None)
    path = Path(given).expanduser() if given else default_data_dir()
    if check:
        refuse_synced_location(path)
    return path


def read_secret(env_name: str, prompt: str, *, confirm: bool = False) -> str:
    """A passphrase from the environment (scripts) or the terminal, never from arguments."""
    value = os.environ.get(env_name)
    if value is not None:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(N_("No passphrase given: set {variable} or run in a terminal."),
                       variable=env_name)
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Repeat: ")) != first:
        from shelterdesk.domain.accounts import PassphraseMismatch

        raise PassphraseMismatch()
    return first


def acting_user(args: argparse.Namespace) -> str:
    user = getattr(args, "user", None) or os.environ.get(USER_ENV)
    if not user:
        raise CliError(N_("Name the user with --user (or set {variable})."), variable=USER_ENV)
    return user


def unlock(args: argparse.Namespace) -> Session:
    vault = Vault(data_dir(args))
    if not vault.exists():
        from shelterdesk.store.errors import NotAVault

        raise NotAVault(path=str(vault.directory))
    user = acting_user(args)
    passphrase = read_secret(PASSPHRASE_ENV, _("Passphrase for {user}: ").format(user=user))
    from shelterdesk.store.errors import DatabaseDamaged

    try:
        session = _unlock_after_waiting(vault, user, passphrase)
    except DatabaseDamaged as damaged:
        # The backup folder setting lives inside the damaged database: name the command.
        raise DamagedRestoreHint(detail=damaged.params.get("detail", ""),
                                 path=str(vault.directory), user=user) from None
    tell_failed_unlocks(session)
    return session


def _unlock_after_waiting(vault: Vault, user: str, passphrase: str) -> Session:
    """After failed attempts (in any process) the wait is shown on stderr and sat out,
    then the passphrase is checked: the same brake as the window's countdown."""
    import time

    from shelterdesk.store.errors import TooManyAttempts

    for _round in range(3):
        try:
            return vault.unlock(user, passphrase)
        except TooManyAttempts as waiting:
            seconds = int(waiting.params.get("seconds", 1))
            sys.stderr.write(_("Too many failed attempts: waiting {seconds} seconds before "
                               "checking the passphrase…").format(seconds=seconds) + "\n")
            sys.stderr.flush()
            time.sleep(seconds)
    return vault.unlock(user, passphrase)


def tell_failed_unlocks(session: Session) -> None:
    """Stderr lines for the person who just unlocked: attempts on their name since their
    last visit, and whether the file counting them was removed."""
    from shelterdesk.store.keys.failed_unlocks import notice_lines

    for line in notice_lines(session.failed_unlocks, session.failed_unlock_trace_removed,
                             local_time):
        sys.stderr.write(printable(line) + "\n")


class DamagedRestoreHint(CliError):
    message = N_(
        "The passphrase is right but the database is damaged ({detail}). Nothing was changed. "
        "Restore the newest good backup with: shelterdesk backup restore FILE "
        "--data-dir {path} --force --user {user}"
    )


def local_time(text: str) -> str:
    """A stored time (ISO 8601, UTC unless it says otherwise) in this computer's time zone."""
    from datetime import UTC, datetime

    from shelterdesk.i18n import format_datetime

    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value.astimezone(), fmt="short")


def print_json(data: Any) -> None:
    """JSON on stdout; JSON escapes C0 controls itself, DEL, C1 and bidi controls we escape."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(json_safe(text) + "\n")


def json_safe(text: str) -> str:
    return "".join(f"\\u{ord(ch):04x}" if 0x7F <= ord(ch) < 0xA0 or 0x202A <= ord(ch) <= 0x202E
                   or 0x2066 <= ord(ch) <= 0x2069 else ch for ch in text)


def say(text: str) -> None:
    """A line for the person at the terminal: stored text never reaches it raw (an escape
    sequence in a name could rewrite the screen), control characters are shown escaped."""
    print(printable(text))
