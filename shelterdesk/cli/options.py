"""Options and helpers every command module shares (kept apart from the parser that
imports the command modules, so no module imports the one that imports it)."""

from __future__ import annotations

import argparse

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


def flag(args: argparse.Namespace, name: str) -> bool:
    return bool(getattr(args, name, False))
