"""`shelterdesk stats submit|receive|collect|submissions|combined`: quarterly statistics sent
sealed to a receiving body and combined there (issue 22, item 5), the twins of the
Statistics page's *Submit quarter…* and *Combined statistics…*."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shelterdesk.cli.common import CliError, print_json, say, unlock
from shelterdesk.cli.exchange_commands import _output
from shelterdesk.cli.options import common_options, flag
from shelterdesk.domain.validation import printable
from shelterdesk.i18n import N_, _, active_language, translator_for
from shelterdesk.store.keys.keyslots import atomic_write


def register(actions: argparse._SubParsersAction) -> None:
    def action(name: str, helptext: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, parents=[common_options()], help=helptext)

    submit = action("submit", _("seal this organisation's protected statistics of one ended "
                                "quarter for a receiving body (a .sdstats file)"))
    submit.add_argument("--quarter", required=True, metavar="YYYYQN",
                        help=_("the quarter, like 2026Q3"))
    submit.add_argument("--to", required=True, metavar="ORG",
                        help=_("the receiving body: a partner with confirmed keys"))
    submit.add_argument("--output", default="", metavar="FILE.sdstats",
                        help=_("where to write the sealed file (or use --deliver)"))
    submit.add_argument("--deliver", action="store_true",
                        help=_("drop the sealed file into the receiving body's relay mailbox "
                               "instead of writing it"))
    submit.set_defaults(handler=cmd_submit)

    receive = action("receive", _("import statistics submissions (.sdstats files) from "
                                  "other organisations"))
    receive.add_argument("files", nargs="+", metavar="FILE")
    receive.set_defaults(handler=cmd_receive)

    action("collect", _("import the statistics submissions waiting in this organisation's "
                        "relay mailbox")).set_defaults(handler=cmd_collect)
    action("submissions", _("which organisations have submitted statistics for which "
                            "quarter")).set_defaults(handler=cmd_submissions)

    combined = action("combined", _("national tables: the submissions of one quarter added "
                                    "up, small counts suppressed"))
    combined.add_argument("--quarter", default="", metavar="YYYYQN",
                          help=_("the quarter (default: the latest with submissions)"))
    combined.add_argument("--output", default="", metavar="FILE",
                          help=_("also write the tables: FILE.pdf as a PDF report, any other "
                                 "name as CSV"))
    combined.add_argument("--excel", action="store_true",
                          help=_("csv for Excel in Azerbaijani and Russian locales: semicolons "
                                 "and decimal commas"))
    combined.set_defaults(handler=cmd_combined)


def cmd_submit(args: argparse.Namespace) -> int:
    from shelterdesk.domain import quarters
    from shelterdesk.reports.statistics.submission import submit
    from shelterdesk.store.records import organisations

    quarter = quarters.parse(args.quarter)
    if bool(args.output) == bool(args.deliver):
        raise CliError(N_("Give either --output FILE or --deliver (through the relay "
                          "mailbox)."))
    target = _output(args.output) if args.output else None
    with unlock(args) as session:
        org = organisations.find_organisation(session, args.to)
        data = submit(session, quarter, org.id)
        if target is None:
            from shelterdesk.sync.referral_mailbox import deliver_to_partner

            deliver_to_partner(session, org.id, data, "stats.file.delivered")
        else:
            atomic_write(target, data)
    if flag(args, "json"):
        print_json({"quarter": quarter.code, "to": org.name, "output": str(target or ""),
                    "delivered": target is None})
    elif target is None:
        say(_("Statistics for {quarter} delivered to the relay mailbox of “{name}”.").format(
            quarter=quarter.code, name=org.name))
    else:
        say(_("Statistics for {quarter} sealed for “{name}” in {path}; deliver the file to "
              "them.").format(quarter=quarter.code, name=org.name, path=target))
    return 0


def cmd_receive(args: argparse.Namespace) -> int:
    """Each file on its own: one refused file does not stop the others (exit 1 if any)."""
    from shelterdesk.domain.errors import UserFacingError
    from shelterdesk.store.exchange import submissions

    done, refused = [], []
    with unlock(args) as session:
        for name in args.files:
            path = Path(name).expanduser()
            try:
                result = submissions.receive(session, submissions.read_file(path), path.name)
            except UserFacingError as refusal:
                refused.append(refusal.user_message())
            else:
                done.append(result)
    if flag(args, "json"):
        print_json({"received": [{"from": r.org_name, "quarter": r.status} for r in done],
                    "refused": refused})
    else:
        for result in done:
            say(_("Statistics for {quarter} from “{name}” received.").format(
                quarter=result.status, name=result.org_name))
    for reason in refused:  # a refusal is an error: on stderr, as every CLI error
        sys.stderr.write(printable(reason) + "\n")
    return 1 if refused else 0


def cmd_collect(args: argparse.Namespace) -> int:
    from shelterdesk.sync.referral_mailbox import collect

    with unlock(args) as session:
        found = collect(session, "statistics")
    if flag(args, "json"):
        print_json({"received": [{"from": r.org_name, "quarter": r.status}
                                 for r in found.applied], "refused": found.refused})
        return 0
    for result in found.applied:
        say(_("Statistics for {quarter} from “{name}” received.").format(
            quarter=result.status, name=result.org_name))
    for reason in found.refused:
        say(reason)
    if not found.applied and not found.refused:
        say(_("No statistics submissions are waiting in the mailbox."))
    return 0


def cmd_submissions(args: argparse.Namespace) -> int:
    from shelterdesk.store.exchange import submissions

    with unlock(args) as session:
        found = submissions.matrix(session)
    if flag(args, "json"):
        print_json({"quarters": found.quarters, "organisations": [
            {"name": name, "submitted": {q: found.received.get((org_id, q), "")
                                         for q in found.quarters}}
            for org_id, name in found.organisations]})
        return 0
    if not found.quarters:
        say(_("No statistics submissions have been received."))
        return 0
    say("\t".join([_("Organisation"), *found.quarters]))
    for org_id, name in found.organisations:
        say("\t".join([name, *(found.received.get((org_id, q), "—")
                               for q in found.quarters)]))
    return 0


def cmd_combined(args: argparse.Namespace) -> int:
    from shelterdesk.domain import quarters
    from shelterdesk.reports.csv_cells import EXCEL, STANDARD
    from shelterdesk.reports.statistics import combined
    from shelterdesk.reports.statistics.disclosure import shown_as
    from shelterdesk.store.exchange import submissions

    target = _output(args.output) if args.output else None
    tr = translator_for(getattr(args, "lang", None) or active_language())
    with unlock(args) as session:
        quarter = quarters.parse(args.quarter).code if args.quarter else ""
        if not quarter:
            known = submissions.matrix(session).quarters
            if not known:
                raise CliError(N_("No statistics submissions have been received."))
            quarter = known[-1]
        try:
            built = combined.combine(session, quarter, tr)
        except combined.NoSubmissions:
            raise CliError(N_("No organisation has submitted statistics for {quarter}."),
                           quarter=quarter) from None
        if target is not None:
            pdf = target.suffix.lower() == ".pdf"
            if pdf:
                from shelterdesk.reports.statistics.combined_pdf import render_combined_pdf

                atomic_write(target, render_combined_pdf(built, tr))
            else:
                atomic_write(target, combined.render_csv(built, tr,
                                                         EXCEL if args.excel else STANDARD))
            session.audit("stats.combined.export", "statistics", "", quarter=quarter,
                          format="pdf" if pdf else "csv")
    if flag(args, "json"):
        print_json(combined.as_json(built) | {"output": str(target or "")})
        return 0
    say(_("National tables for {quarter} ({count} organisations, threshold k = {k})").format(
        quarter=quarter, count=len(built.organisations), k=built.k))
    for table in built.tables:
        say("")
        say(tr.gettext(table.title))
        if table.withheld:
            say("  " + tr.gettext(N_("Withheld: too few cases to publish this table safely.")))
            continue
        for i, label in enumerate(table.row_labels):
            say(f"  {label}\t{shown_as(*table.row_total(i), built.k)}")
        say(f"  {tr.gettext(combined.TOTAL)}\t{shown_as(*table.grand_total(), built.k)}")
    if target is not None:
        say(_("Written: {path} (threshold k = {k}).").format(path=target, k=built.k))
    return 0
