"""``shelterdesk retention show|set|run [--dry-run]``: the twin of Administration → Retention."""

from __future__ import annotations

import argparse

from shelterdesk.cli.common import print_json, say, unlock
from shelterdesk.cli.options import flag
from shelterdesk.i18n import _
from shelterdesk.store.records import retention


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("retention", parents=[common],
                                 help=_("how long records are kept (coordinator)"))
    actions = parser.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    actions.add_parser("show", parents=[common], help=_("show the policy")).set_defaults(
        handler=cmd_show)
    change = actions.add_parser("set", parents=[common], help=_("change the policy"))
    change.add_argument("--closed-case-years", type=int, metavar="N")
    change.add_argument("--evidence-years", type=int, metavar="N")
    change.add_argument("--draft-days", type=int, metavar="N")
    change.set_defaults(handler=cmd_set)
    go = actions.add_parser("run", parents=[common],
                            help=_("erase what the policy says is due"))
    go.add_argument("--dry-run", action="store_true", help=_("only list what would go"))
    go.set_defaults(handler=cmd_run)


def cmd_show(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        rules = retention.policy(session)
    if flag(args, "json"):
        print_json(rules.__dict__)
    else:
        say(_("Closed cases: {cases} years; evidence files: {files} years; drafts: {drafts} "
              "days (0: kept for ever).").format(cases=rules.closed_case_years,
                                                 files=rules.evidence_years,
                                                 drafts=rules.draft_days))
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        old = retention.policy(session)
        retention.set_policy(session, retention.Policy(
            old.closed_case_years if args.closed_case_years is None else args.closed_case_years,
            old.evidence_years if args.evidence_years is None else args.evidence_years,
            old.draft_days if args.draft_days is None else args.draft_days))
    return cmd_show(args)


def cmd_run(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        if args.dry_run:
            plan = retention.plan(session)
            result = None
        else:
            plan = retention.plan(session)
            result = retention.run(session)
    if flag(args, "json"):
        print_json({"dry_run": bool(args.dry_run),
                    "clients": [codes for _case, codes in plan.clients],
                    "evidence_files": [code for _item, code in plan.evidence_files],
                    "drafts": plan.drafts})
        return 0
    for _case, codes in plan.clients:
        say(_("Client of {codes}: erased").format(codes=", ".join(codes)) if result else
            _("Client of {codes}: would be erased").format(codes=", ".join(codes)))
    say(_("Clients: {clients}; evidence files: {files}; drafts: {drafts}.").format(
        clients=len(plan.clients), files=len(plan.evidence_files), drafts=plan.drafts))
    return 0
