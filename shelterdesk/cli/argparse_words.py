"""argparse's own words ("usage:", "options", its error messages) answered from our catalogs.

argparse looks its words up with ``gettext`` at the moment it prints them, through
its module's ``_`` and ``ngettext``; pointing those at ours makes ``--help`` and
argparse's errors speak the chosen language like everything else. The msgids are
argparse's own (Python 3.11 to 3.13), marked here so that extraction keeps them in
our catalogs; its errors for programmers (a parser built wrongly) stay English.
"""

from __future__ import annotations

import argparse

from shelterdesk.i18n import N_, NN_, _, ngettext

ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)
ARGPARSE_PLURALS = (NN_("expected %s argument", "expected %s arguments"),)


def install() -> None:
    """From now on argparse asks our catalogs (in the active language) for its words."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
