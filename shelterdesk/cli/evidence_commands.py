"""`shelterdesk evidence export`: a case's evidence as a ZIP for an investigator."""

from __future__ import annotations

import argparse

from shelterdesk.cli.common import print_json, say, unlock
from shelterdesk.cli.options import common_options, flag
from shelterdesk.cli.referral_commands import output_path
from shelterdesk.i18n import _, ngettext


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    evidence = commands.add_parser("evidence", parents=[common], help=_("digital evidence"))
    actions = evidence.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)
    # Its own --lang (as `referral` has): the summary's language, and the messages'.
    export = actions.add_parser(
        "export", parents=[common_options()], conflict_handler="resolve",
        help=_("write a case's evidence files, manifest and summary (ZIP) for an "
               "investigator"))
    export.add_argument("--case", required=True, metavar="CODE")
    export.add_argument("--output", required=True, metavar="FILE.zip")
    export.add_argument("--lang", default="en", choices=("az", "ru", "en"),
                        help=_("language of the one-page summary (and of messages)"))
    export.add_argument("--override-reason", default="", metavar="TEXT",
                        help=_("coordinators only: export without a consent to share with "
                               "law enforcement, for this reason"))
    export.set_defaults(handler=cmd_evidence_export)


def cmd_evidence_export(args: argparse.Namespace) -> int:
    output = output_path(args.output)
    from shelterdesk.reports.evidence_export import export_for_investigator  # reportlab

    with unlock(args) as session:
        done = export_for_investigator(session, args.case, output, language=args.lang,
                                       override_reason=args.override_reason)
    if flag(args, "json"):
        print_json({"output": str(done.path), "items": done.items, "sha256": done.sha256})
    else:
        say(ngettext("{count} evidence item written to {path} (SHA-256 {sha256}).",
                     "{count} evidence items written to {path} (SHA-256 {sha256}).",
                     done.items).format(count=done.items, path=done.path, sha256=done.sha256))
    return 0
