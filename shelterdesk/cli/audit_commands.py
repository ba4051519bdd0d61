"""``shelterdesk audit list|export``: the window's Administration → Audit log, headless."""

from __future__ import annotations

import argparse
from pathlib import Path

from shelterdesk.cli.common import print_json, say, unlock
from shelterdesk.cli.options import flag
from shelterdesk.cli.records_commands import parse_date_option
from shelterdesk.i18n import _
from shelterdesk.reports import audit_export
from shelterdesk.store import audit_query
from shelterdesk.store.audit_query import AuditFilter


def register(audit_commands: argparse._SubParsersAction,
             common: argparse.ArgumentParser) -> None:
    listing = audit_commands.add_parser("list", parents=[common],
                                        help=_("show audit entries (coordinator)"))
    _filters(listing)
    listing.add_argument("--limit", type=int, default=200, metavar="N")
    listing.set_defaults(handler=cmd_audit_list)
    export = audit_commands.add_parser(
        "export", parents=[common], help=_("export audit entries for an inspector"))
    _filters(export)
    export.add_argument("--format", choices=audit_export.FORMATS, required=True)
    export.add_argument("--output", required=True, metavar="FILE")
    export.set_defaults(handler=cmd_audit_export)


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--person", metavar="USERNAME", default="",
                        help=_("entries of this user only"))
    parser.add_argument("--from", dest="since", metavar="DATE")
    parser.add_argument("--to", dest="until", metavar="DATE")
    parser.add_argument("--action", default="",
                        help=_("an action, or a family ending in a dot (client.)"))
    parser.add_argument("--case", default="", metavar="CODE")


def _filter(args: argparse.Namespace) -> AuditFilter:
    return AuditFilter(args.person, parse_date_option(args.since, "--from"),
                       parse_date_option(args.until, "--to"), args.action, args.case)


def cmd_audit_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        rows = audit_query.search(session, _filter(args), max(1, args.limit))
    if flag(args, "json"):
        print_json([{"seq": r.seq, "at": r.at, "user": r.username, "action": r.action,
                     "case_code": r.case_code, "detail": r.detail} for r in rows])
        return 0
    for r in rows:
        say("\t".join((str(r.seq), r.at[:19], r.username or "-", r.action,
                       r.case_code or "-", r.detail)))
    return 0


def cmd_audit_export(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        count = audit_export.export_to(session, _filter(args), args.format, Path(args.output))
    say(_("Audit log exported: {count} entries to {file}.").format(count=count,
                                                                   file=args.output))
    return 0
