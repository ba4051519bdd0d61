"""The argument parser: the names and flags of the command-line contract (docs/cli.md)."""

from __future__ import annotations

import argparse

from shelterdesk import __version__
from shelterdesk.cli.options import common_options
from shelterdesk.i18n import _


def build_parser() -> argparse.ArgumentParser:
    # Imported here, not at the top: `shelterdesk --version` should not load every command.
    from shelterdesk.cli import (
        backup_commands,
        erase_commands,
        evidence_commands,
        keys_commands,
        records_commands,
        referral_commands,
        relay_commands,
        retention_commands,
        stats_commands,
        sync_commands,
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
    for module in (vault_commands, records_commands, referral_commands, stats_commands,
                   backup_commands, sync_commands, relay_commands, erase_commands,
                   retention_commands, evidence_commands, keys_commands):
        module.register(commands, common)
    return parser

