"""The argument parser: the names and flags of the command-line contract (docs/cli.md)."""

from __future__ import annotations

import argparse

from shelterdesk import __version__
from shelterdesk.i18n import _


def common_options(json_output: bool = True) -> argparse.ArgumentParser:
    """Options every sub-command accepts; SUPPRESS lets them stand before or after it."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help=_("vault directory (default: the user's data directory)"))
    parent.add_argument("--user", metavar="USERNAME", default=argparse.SUPPRESS,
                        help=_("the user who acts (passphrase from SHELTERDESK_PASSPHRASE "
                               "or a prompt)"))
    parent.add_argument("--lang", choices=("az", "ru", "en"), default=argparse.SUPPRESS,
                        help=_("language of messages"))
    if json_output:
        parent.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                            help=_("machine-readable output"))
    return parent


def build_parser() -> argparse.ArgumentParser:
    from shelterdesk.cli import (
        backup_commands,
        records_commands,
        referral_commands,
        stats_commands,
        vault_commands,
        window,
    )

    common = common_options()
    parser = argparse.ArgumentParser(
        prog="shelterdesk", parents=[common],
        description=_("ShelterDesk: encrypted shelter and victim-assistance intake."))
    parser.add_argument("--version", action="version", version=f"ShelterDesk {__version__}",
                        help=_("show the version number and exit"))
    parser.add_argument("--demo", action="store_true",
                        help=_("open a throwaway vault filled with demo data"))
    parser.add_argument("--self-test", action="store_true",
                        help=_("check this installation end to end and exit"))
    parser.add_argument("--platform", metavar="NAME", default=None,
                        help=_("Qt's platform plugin (xcb, wayland, offscreen); with "
                               "--self-test, xcb also checks the X11 plugin's libraries"))
    parser.set_defaults(handler=window.run)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    vault_commands.register(commands, common)
    records_commands.register(commands, common)
    referral_commands.register(commands, common)
    stats_commands.register(commands, common)
    backup_commands.register(commands, common)
    from shelterdesk.cli import sync_commands
    sync_commands.register(commands, common)
    from shelterdesk.cli import relay_commands
    relay_commands.register(commands, common)
    from shelterdesk.cli import erase_commands, retention_commands
    erase_commands.register(commands, common)
    retention_commands.register(commands, common)
    from shelterdesk.cli import evidence_commands
    evidence_commands.register(commands, common)
    return parser


def flag(args: argparse.Namespace, name: str) -> bool:
    return bool(getattr(args, name, False))
