"""No sub-command: open the desktop window (or run the self-test)."""

from __future__ import annotations

import argparse

from shelterdesk.cli.common import data_dir
from shelterdesk.cli.options import flag


def run(args: argparse.Namespace) -> int:
    if flag(args, "self_test"):
        from shelterdesk.cli.self_test import run_self_test

        return run_self_test(getattr(args, "platform", None))
    if getattr(args, "platform", None):
        import os

        os.environ["QT_QPA_PLATFORM"] = args.platform
    from shelterdesk.ui.shell.app import run_app

    return run_app(data_dir(args, check=False), demo=flag(args, "demo"))
