"""`shelterdesk stats`: protected statistics as a PDF report, CSV tables or a CTDC-style file."""

from __future__ import annotations

import argparse
from pathlib import Path

from shelterdesk.cli import stats_exchange_commands
from shelterdesk.cli.common import CliError, print_json, say, unlock
from shelterdesk.cli.options import flag
from shelterdesk.cli.records_commands import parse_date_option
from shelterdesk.i18n import N_, _, active_language, ngettext, translator_for
from shelterdesk.reports.statistics.exports import FORMATS, export
from shelterdesk.store.statistics import aggregates
from shelterdesk.store.statistics.aggregates import Period, Scope


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    stats = commands.add_parser(
        "stats", parents=[common],
        help=_("statistics with small counts suppressed: pdf report, csv tables or a "
               "k-anonymous ctdc file"))
    # Checked in cmd_stats rather than by argparse: `stats submit` and the other actions
    # of the statistics exchange need none of them.
    stats.add_argument("--from", dest="start", metavar="DATE",
                       help=_("first day of the period (YYYY-MM-DD; required)"))
    stats.add_argument("--to", dest="end", metavar="DATE",
                       help=_("first day after the period (YYYY-MM-DD, not included; required)"))
    stats.add_argument("--format", choices=FORMATS, help=_("pdf, csv or ctdc (required)"))
    stats.add_argument("--output", metavar="FILE", help=_("where to write the file (required)"))
    stats.add_argument("--shelter", default="", metavar="NAME",
                       help=_("only cases that stayed in this shelter"))
    stats.add_argument("--worker", default="", metavar="USERNAME",
                       help=_("only cases assigned to this worker"))
    stats.add_argument("--k", type=int, default=None, metavar="N",
                       help=_("a higher threshold than the vault's (never a lower one)"))
    stats.add_argument("--excel", action="store_true",
                       help=_("csv for Excel in Azerbaijani and Russian locales: semicolons and "
                              "decimal commas"))
    stats.set_defaults(handler=cmd_stats)
    stats_exchange_commands.register(stats.add_subparsers(dest="stats_command",
                                                          metavar="ACTION"))


def cmd_stats(args: argparse.Namespace) -> int:
    missing = [option for option, value in (("--from", args.start), ("--to", args.end),
                                            ("--format", args.format),
                                            ("--output", args.output)) if not value]
    if missing:
        raise CliError(N_("Missing {options}: a statistics export needs --from, --to, --format "
                          "and --output."), options=", ".join(missing))
    period = Period(parse_date_option(args.start, "--from"), parse_date_option(args.end, "--to"))
    language = getattr(args, "lang", None) or active_language()
    with unlock(args) as session:
        scope, labels = Scope(), []
        if args.shelter:
            scope = Scope(shelter_id=aggregates.shelter_id(session, args.shelter))
            labels.append(_("shelter: {name}").format(name=args.shelter))
        if args.worker:
            scope = Scope(scope.shelter_id, aggregates.worker_id(session, args.worker))
            labels.append(_("worker: {name}").format(name=args.worker))
        done = export(session, period, args.format, Path(args.output), translator_for(language),
                      scope=scope, scope_label="; ".join(labels), k=args.k,
                      excel=bool(getattr(args, "excel", False)))
    summary = done.anonymisation
    if flag(args, "json"):
        print_json({"output": str(done.path), "format": done.format, "k": done.k,
                    **({"cases": summary.cases, "published": summary.published,
                        "withheld": summary.withheld, "levels": summary.levels}
                       if summary else {})})
        return 0
    say(_("Written: {path} (threshold k = {k}).").format(path=done.path, k=done.k))
    if summary is not None:
        say(ngettext("{published} of {count} case published, {withheld} withheld;",
                     "{published} of {count} cases published, {withheld} withheld;",
                     summary.cases).format(published=summary.published, count=summary.cases,
                                           withheld=summary.withheld))
        say(_("generalisation steps: {levels}.").format(
            levels=", ".join(f"{q} {n}" for q, n in summary.levels.items())))
    return 0
