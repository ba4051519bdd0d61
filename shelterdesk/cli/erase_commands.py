"""A client's rights from the command line: ``shelterdesk erase`` (the twin of *Erase this
client…*) and ``shelterdesk client-data`` (of *Export this client's data…*)."""

from __future__ import annotations

import argparse
from pathlib import Path

from shelterdesk.cli.common import print_json, say, unlock
from shelterdesk.cli.options import flag
from shelterdesk.i18n import _
from shelterdesk.reports import subject_access
from shelterdesk.store.records import clients, erasure_request


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    erase = commands.add_parser(
        "erase", parents=[common],
        help=_("erase a client and everything held about them, on every laptop (coordinator)"))
    erase.add_argument("--case", required=True, metavar="CODE", help=_("the case code"))
    erase.add_argument("--reason", required=True, metavar="TEXT",
                       help=_("why the client is erased (kept in the audit log; no name)"))
    erase.set_defaults(handler=cmd_erase)
    data = commands.add_parser(
        "client-data", parents=[common],
        help=_("write everything held about a client: a PDF and a JSON file (coordinator)"))
    data.add_argument("--case", required=True, metavar="CODE", help=_("the case code"))
    data.add_argument("--output", required=True, metavar="DIR", help=_("an existing folder"))
    data.add_argument("--pdf-lang", choices=("az", "ru", "en"),
                      help=_("the PDF's language (default: the client's)"))
    data.set_defaults(handler=cmd_client_data)


def cmd_client_data(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        case_id = clients.case_id_for_code(session, args.case)
        pdf, data = subject_access.export_to(session, case_id, Path(args.output), args.pdf_lang)
    if flag(args, "json"):
        print_json({"pdf": str(pdf), "json": str(data)})
    else:
        say(_("Saved {pdf} and {json}.").format(pdf=pdf, json=data))
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        plan = erasure_request.plan(session, args.case)
        # The code on the command line is the code typed back.
        report = erasure_request.erase_on_request(session, args.case, args.case, args.reason)
    if flag(args, "json"):
        print_json({"case_codes": plan.case_codes, "records": plan.records,
                    **plan.counts, "compacted": report.purged})
        return 0
    say(_("Erased: {codes} ({records} records). Sync carries the erasure to the other "
          "laptops.").format(codes=", ".join(plan.case_codes), records=plan.records))
    say(_("The client's own key is destroyed, so every copy already sent (on the relay, in "
          "the shared folder, in old sync files) can no longer be read anywhere."))
    if not report.purged:
        say(_("The vault file could not be compacted yet; erased rows are already zeroed. "
              "The next sync compacts it."))
    return 0
