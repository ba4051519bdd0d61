"""`shelterdesk keys rotate`: the window's Administration → Rotate keys…, on the command line."""

from __future__ import annotations

import argparse

from shelterdesk.cli.common import print_json, say, unlock
from shelterdesk.cli.options import flag
from shelterdesk.i18n import _
from shelterdesk.store.keys import rotation


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    keys = commands.add_parser("keys", parents=[common], help=_("the vault's keys"))
    actions = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    actions.add_parser(
        "rotate", parents=[common],
        help=_("new keys for the vault and its compartments, and a new sync epoch: earlier "
               "copies of the key-slot file or backups no longer open it; coordinators")
    ).set_defaults(handler=cmd_keys_rotate)


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        report = rotation.rotate(session, reason="menu")
    if flag(args, "json"):
        print_json({"compartments": report.compartments, "sealed_cells": report.sealed_cells,
                    "slots": report.slots, "without_slot": report.without_slot,
                    "epoch": report.epoch, "recovery_key": report.new_recovery_key or None})
        return 0
    say(_("The vault's keys are new. Copies of the key-slot file or backups made before "
          "no longer open it."))
    say_report(report)
    return 0


def say_report(report: rotation.RotationReport | None) -> None:
    """What a rotation leaves to do: passphrase resets, a new recovery key to write down."""
    if report is None:
        return
    if report.without_slot:
        say(_("These users need a new passphrase from a coordinator before they can unlock "
              "this laptop: {users}").format(users=", ".join(report.without_slot)))
    if report.new_recovery_key:
        say(_("The new recovery key (shown only this once; the old one no longer works):"))
        say("    " + report.new_recovery_key)
        say(_("Write it down or print it and keep it locked away; then type it back with "
              "“shelterdesk recovery-key confirm”."))
