"""docs/cli.md is the parser's own account of the command line, never a stale copy of it."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("cli_reference",
                                                  ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands_and_options(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each section's command and the options its usage names (the same on every Python)."""
    sections = re.findall(r"^## `([^`]+)`\n\n```text\n(.*?)```", text, re.M | re.S)
    return [(title, tuple(sorted(set(re.findall(r"--[a-z][a-z-]*", body)))))
            for title, body in sections]


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text("utf-8")
    fresh = _script().render()
    hint = "docs/cli.md is stale: run python3 scripts/cli_reference.py and commit it"
    assert _commands_and_options(current) == _commands_and_options(fresh), hint
    made_with = re.search(r"Python (\d+\.\d+)", current).group(1)
    if made_with == "{}.{}".format(*sys.version_info[:2]):
        # argparse words its help a little differently from one Python to the next.
        assert current == fresh, hint


def test_cli_reference_covers_every_command() -> None:
    titles = [title for title, _options in
              _commands_and_options((ROOT / "docs" / "cli.md").read_text("utf-8"))]
    for command in ("shelterdesk", "shelterdesk init", "shelterdesk cases list",
                    "shelterdesk referral", "shelterdesk referral reprint", "shelterdesk sync",
                    "shelterdesk relay", "shelterdesk backup restore", "shelterdesk audit verify"):
        assert command in titles, command
