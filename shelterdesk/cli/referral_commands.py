"""`shelterdesk referral`: record a referral and write its PDF where the user chose."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from shelterdesk.cli import exchange_commands
from shelterdesk.cli.common import CliError, print_json, say, unlock
from shelterdesk.cli.options import common_options, flag
from shelterdesk.domain import codes_services, disclosure
from shelterdesk.i18n import N_, _
from shelterdesk.store.keys.keyslots import atomic_write


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    # A parent of its own: this command's --lang is the printed document's language, and
    # "resolve" must not touch the --lang that the other commands share.
    parser = commands.add_parser(
        "referral", parents=[common_options()], conflict_handler="resolve",
        help=_("record a referral and write its referral form or anonymized sheet (PDF); "
               "“referral reprint” prints a recorded one again"),
        description=_("Record a new referral of a case and write its document. Each run "
                      "records one more referral; to print a recorded referral again, use "
                      "“shelterdesk referral reprint --referral NUMBER”."))
    # Checked in cmd_referral rather than by argparse: `referral reprint` needs none of them.
    parser.add_argument("--case", metavar="CODE", help=_("the case (required)"))
    parser.add_argument("--to", metavar="ORG",
                        help=_("receiving organisation: its name or id (required)"))
    parser.add_argument("--service", action="append", default=[], metavar="KIND",
                        choices=codes_services.SERVICES.codes,
                        help=_("a service requested (repeat for more; default: the "
                               "services the organisation offers)"))
    parser.add_argument("--urgency", default="routine", choices=codes_services.URGENCY.codes)
    _document_options(parser)
    parser.add_argument("--override-reason", default="", metavar="TEXT",
                        help=_("coordinators, emergencies only: print an identified form "
                               "without a recorded consent, for this reason"))
    parser.set_defaults(handler=cmd_referral)

    actions = parser.add_subparsers(dest="referral_command", metavar="ACTION")
    reprint = actions.add_parser(
        "reprint", parents=[common_options()], conflict_handler="resolve",
        help=_("print a recorded referral again (records no new referral)"))
    reprint.add_argument("--referral", required=True, metavar="NUMBER",
                         help=_("the referral number printed on the form (or its first "
                                "8 characters)"))
    _document_options(reprint, required=True)
    reprint.set_defaults(handler=cmd_reprint)
    exchange_commands.register_referral(actions)


def _document_options(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--anonymized", action="store_true",
                        help=_("an anonymized referral sheet (no consent needed, no personal "
                               "data)"))
    parser.add_argument("--lang", required=required, choices=("az", "ru", "en"),
                        help=_("language of the printed document (and of messages)"))
    parser.add_argument("--output", required=required, metavar="FILE.pdf")
    parser.add_argument("--share", action="append", default=None, metavar="DETAIL",
                        choices=disclosure.SHARED_DETAILS.codes,
                        help=_("a detail of the client the consent covers, besides the name "
                               "(repeat for more; default: all but address and document "
                               "number)"))


def _require(args: argparse.Namespace, *options: str) -> None:
    missing = [option for option in options
               if not getattr(args, option.lstrip("-").replace("-", "_"), None)]
    if missing:
        raise CliError(N_("Missing {options}: recording a referral needs --case, --to, --lang "
                          "and --output."), options=", ".join(missing))


def cmd_referral(args: argparse.Namespace) -> int:
    _require(args, "--case", "--to", "--lang", "--output")
    output = output_path(args.output)
    if args.override_reason.strip() and args.anonymized:
        raise CliError(N_("--override-reason is for identified forms; an anonymized sheet "
                          "needs no consent."))
    from shelterdesk.reports.referral_print import refer_and_render  # reportlab: only when used

    with unlock(args) as session:
        referral, pdf = refer_and_render(
            session, args.case, args.to, args.service, urgency=args.urgency,
            anonymized=args.anonymized, language=args.lang,
            override_reason=args.override_reason, shared=args.share)
    atomic_write(output, pdf)
    if flag(args, "json"):
        print_json({"referral_id": referral.id, "referral_number": referral.number,
                    "output": str(output)})
    else:
        say(_("Referral recorded ({id}); document written to {path}.").format(
            id=referral.number, path=output))
    return 0


def cmd_reprint(args: argparse.Namespace) -> int:
    output = output_path(args.output)
    from shelterdesk.reports.referral_reprint import render_recorded_referral, save_document
    from shelterdesk.store.records.referrals import get_referral, resolve_referral_id

    with unlock(args) as session:
        referral_id = resolve_referral_id(session, args.referral)
        # A referral recorded anonymized only ever prints as the sheet.
        sheet = args.anonymized or get_referral(session, referral_id).anonymized
        pdf = render_recorded_referral(
            session, referral_id, args.lang, anonymized=sheet,
            shared=frozenset(args.share) if args.share is not None else None)
        save_document(session, referral_id, pdf, output, anonymized=sheet, language=args.lang)
    if flag(args, "json"):
        print_json({"referral_id": referral_id, "output": str(output)})
    else:
        say(_("Referral {id} printed again; document written to {path}.").format(
            id=referral_id, path=output))
    return 0


def output_path(value: str) -> Path:
    """Where the PDF goes, checked before anything is recorded: a writable folder, no folder."""
    path = Path(value).expanduser()
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK):
        raise CliError(N_("--output: cannot write a file at “{path}” (no such folder, not "
                          "writable, or a folder itself)."), path=str(path))
    return path
