"""Sub-commands for case records: import, cases list, org, demo-data, consent."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from shelterdesk.cli import exchange_commands
from shelterdesk.cli.common import CliError, json_safe, print_json, say, unlock
from shelterdesk.cli.options import flag
from shelterdesk.domain import codes_services, disclosure
from shelterdesk.domain.referrals import Consent, Organisation
from shelterdesk.domain.validation import printable
from shelterdesk.i18n import N_, _, active_language, format_date, ngettext
from shelterdesk.store.records import case_list, clients, consents, demo, importer, organisations


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imp = commands.add_parser("import", parents=[common],
                              help=_("import clients from a CSV or .xlsx file (all rows or "
                                     "none)"))
    imp.add_argument("file", metavar="FILE.csv|FILE.xlsx")
    imp.set_defaults(handler=cmd_import)

    cases = commands.add_parser("cases", parents=[common], help=_("case records"))
    case_commands = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)
    listing = case_commands.add_parser("list", parents=[common], help=_("list cases"))
    listing.add_argument("--search", default="", metavar="TEXT")
    listing.add_argument("--limit", type=int, default=None, metavar="N",
                         help=_("show at most N cases (default: every case)"))
    listing.set_defaults(handler=cmd_cases_list)

    org = commands.add_parser("org", parents=[common], help=_("the organisations directory"))
    org_commands = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    add = org_commands.add_parser("add", parents=[common], help=_("add an organisation"))
    add.add_argument("--name", required=True, metavar="NAME")
    add.add_argument("--kind", required=True, choices=("ngo", "state", "international"))
    add.add_argument("--service", action="append", default=[], metavar="KIND",
                     help=", ".join(codes_services.SERVICES.codes))
    add.add_argument("--contact", default="", metavar="PERSON")
    add.add_argument("--phone", default="", metavar="PHONE")
    add.add_argument("--email", default="", metavar="EMAIL")
    add.set_defaults(handler=cmd_org_add)
    org_commands.add_parser("list", parents=[common], help=_("list organisations")).set_defaults(
        handler=cmd_org_list)
    exchange_commands.register_org(org_commands, common)

    demo_parser = commands.add_parser("demo-data", parents=[common],
                                      help=_("fill a vault with synthetic demo cases"))
    demo_parser.add_argument("--clients", type=int, required=True, metavar="N")
    demo_parser.add_argument("--seed", type=int, default=1, metavar="S")
    demo_parser.set_defaults(handler=cmd_demo_data)

    consent = commands.add_parser("consent", parents=[common], help=_("consents"))
    consent_commands = consent.add_subparsers(dest="consent_command", metavar="ACTION",
                                              required=True)
    for name, helptext, handler in (("add", _("record a consent"), cmd_consent_add),
                                    ("withdraw", _("withdraw a consent"), cmd_consent_withdraw),
                                    ("amend", _("amend the consent in force (a new version)"),
                                     cmd_consent_amend)):
        sub = consent_commands.add_parser(name, parents=[common], help=helptext)
        sub.add_argument("--case", required=True, metavar="CODE")
        sub.add_argument("--purpose", required=True,
                         choices=codes_services.CONSENT_PURPOSES.codes)
        sub.add_argument("--to", default="", metavar="ORG")
        if name in ("add", "amend"):
            sub.add_argument("--method", default="signed" if name == "add" else None,
                             choices=codes_services.CONSENT_METHODS.codes)
            sub.add_argument("--expires", default=None, metavar="DATE")
            sub.add_argument("--scope", action="append", default=[], metavar="DETAIL",
                             help=_("a detail the consent covers (repeat for more): {codes}; "
                                    "default: the name only").format(
                                        codes=", ".join(codes_services.CONSENT_SCOPE.codes))
                             if name == "add" else
                             _("a detail the amended consent covers (repeat for more): "
                               "{codes}; default: unchanged").format(
                                   codes=", ".join(codes_services.CONSENT_SCOPE.codes)))
        if name == "amend":
            sub.add_argument("--reason", default="", metavar="TEXT",
                             help=_("why the consent is amended"))
        sub.set_defaults(handler=handler)


def parse_date_option(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(N_("{option}: “{value}” is not a date in the form YYYY-MM-DD."),
                       option=option, value=value) from None


def scope_option(values: list[str], purpose: str) -> list[str]:
    """``--scope`` codes (or labels, or comma-separated), checked; the default scope if none."""
    found: list[str] = []
    for value in (part for raw in values for part in raw.split(",") if part.strip()):
        code = codes_services.CONSENT_SCOPE.parse(value)
        if code is None:
            raise CliError(N_("--scope: “{value}” is not a detail a consent can cover "
                              "({allowed})."), value=value.strip(),
                           allowed=", ".join(codes_services.CONSENT_SCOPE.codes))
        if code not in found:
            found.append(code)
    return found or disclosure.default_scope(purpose)


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    with unlock(args) as session:
        try:
            codes = importer.import_file(session, path)
        except importer.ImportFailed as failure:
            sys.stderr.write("shelterdesk: " + _("error") + ": "
                             + printable(failure.user_message()) + "\n")
            for problem in failure.problems:
                sys.stderr.write("  " + printable(importer.describe(problem)) + "\n")
            return 1
    if flag(args, "json"):
        print_json(codes)
    else:
        say(ngettext("Imported {count} client.", "Imported {count} clients.",
                     len(codes)).format(count=len(codes)))
        for code in codes:
            say("  " + code)
    return 0


# Rows are read and printed a page at a time, so a long list starts at once and
# never sits whole in memory.
PAGE = 500


def _case_rows(session, flt: case_list.CaseFilter, limit: int | None) -> Iterator:
    offset = 0
    while limit is None or offset < limit:
        size = PAGE if limit is None else min(PAGE, limit - offset)
        rows = case_list.list_cases(session, flt, offset=offset, limit=size)
        yield from rows
        if len(rows) < size:
            return
        offset += size


def _case_json(r) -> dict:
    return {"case_code": r.case_code, "case_id": r.case_id, "given_name": r.given_name,
            "family_name": r.family_name, "status": r.status, "risk": r.risk_level,
            "intake_date": r.intake_date, "exploitation_types": r.exploitation_types,
            "recruitment_channel": r.recruitment_channel, "open_stay": r.has_open_stay}


def cmd_cases_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise CliError(N_("--limit must be 1 or more (leave it out to list every case)."))
    flt = case_list.CaseFilter(search=args.search)
    as_json = flag(args, "json")
    shown = 0
    with unlock(args) as session:
        if as_json:
            sys.stdout.write("[")
        for row in _case_rows(session, flt, args.limit):
            if as_json:
                sys.stdout.write(("," if shown else "") + "\n  "
                                 + json_safe(json.dumps(_case_json(row), ensure_ascii=False)))
            else:
                say(f"{row.case_code:<16} {format_date(date.fromisoformat(row.intake_date)):<14} "
                    f"{row.family_name} {row.given_name}")
            shown += 1
        if as_json:
            sys.stdout.write("\n]\n" if shown else "]\n")
        total = case_list.count_cases(session, flt) \
            if args.limit is not None and shown == args.limit else shown
    if shown == 0 and not as_json:
        say(_("No case matches “{search}”.").format(search=args.search) if args.search.strip()
            else _("No cases yet."))
    if total > shown:
        sys.stderr.write(ngettext(
            "Showed {shown} of {total} case; leave out --limit to list every one.\n",
            "Showed {shown} of {total} cases; leave out --limit to list every one.\n",
            total).format(shown=shown, total=total))
    return 0


def cmd_org_add(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        org = organisations.add_organisation(session, Organisation(
            args.name, args.kind, args.service, contact_person=args.contact, phone=args.phone,
            email=args.email))
    if flag(args, "json"):
        print_json({"id": org.id, "name": org.name})
    else:
        say(_("Organisation “{name}” added.").format(name=org.name))
    return 0


def cmd_org_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        found = organisations.list_organisations(session)
    if flag(args, "json"):
        print_json([{"id": o.id, "name": o.name, "kind": o.kind, "services": o.services}
                    for o in found])
        return 0
    for org in found:
        say(f"{org.name}  [{org.kind}]  " + ", ".join(
            codes_services.SERVICES.label(s) for s in org.services))
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    if args.clients < 1 or args.clients > 1_000_000:
        raise CliError(N_("--clients must be between 1 and 1,000,000."))
    with unlock(args) as session:
        # Names, rooms and notes in the language of the command (--lang).
        summary = demo.generate(session, args.clients, args.seed, language=active_language())
    if flag(args, "json"):
        print_json({"clients": summary.clients, "services": summary.services,
                    "stays": summary.stays})
    else:
        services = ngettext("{count} service", "{count} services", summary.services).format(
            count=summary.services)
        say(ngettext("Added {count} synthetic client with {services}.",
                     "Added {count} synthetic clients with {services}.",
                     summary.clients).format(count=summary.clients, services=services))
    return 0


def cmd_consent_add(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        case_id = clients.case_id_for_code(session, args.case)
        org_id = organisations.find_organisation(session, args.to).id if args.to else ""
        consent = consents.add_consent(session, Consent(
            case_id, args.purpose, date.today(), method=args.method, to_org_id=org_id,
            expires_on=parse_date_option(args.expires, "--expires"),
            details=scope_option(args.scope, args.purpose)))
    if flag(args, "json"):
        print_json({"id": consent.id})
    else:
        say(_("Consent recorded."))
    return 0


def cmd_consent_withdraw(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        case_id = clients.case_id_for_code(session, args.case)
        org_id = organisations.find_organisation(session, args.to).id if args.to else ""
        count = consents.withdraw(session, case_id, args.purpose, org_id)
    say(ngettext("{count} consent withdrawn.", "{count} consents withdrawn.", count).format(
        count=count))
    return 0


def cmd_consent_amend(args: argparse.Namespace) -> int:
    changes: dict = {"reason": args.reason}
    if args.scope:
        changes["details"] = scope_option(args.scope, args.purpose)
    if args.method:
        changes["method"] = args.method
    if args.expires:
        changes["expires_on"] = parse_date_option(args.expires, "--expires")
    with unlock(args) as session:
        case_id = clients.case_id_for_code(session, args.case)
        org_id = organisations.find_organisation(session, args.to).id if args.to else ""
        consent = consents.amend_in_force(session, case_id, args.purpose, org_id, **changes)
    if flag(args, "json"):
        print_json({"id": consent.id})
    else:
        say(_("Consent amended: a new version replaces the earlier one."))
    return 0
