"""`shelterdesk evidence add | list | show | export`: digital evidence from the terminal.

The window's Evidence tab's twin. A case worker adds evidence (sealed to a key she does
not hold: store/keys/write_only.py) and lists or shows it with its content marked sealed;
``export`` is for legal advisors and coordinators.
"""

from __future__ import annotations

import argparse
import mimetypes
from pathlib import Path

from shelterdesk.cli.common import CliError, local_time, print_json, say, unlock
from shelterdesk.cli.options import common_options, flag
from shelterdesk.cli.referral_commands import output_path
from shelterdesk.domain import codes_case
from shelterdesk.domain import codes_services as codes
from shelterdesk.domain.evidence import MAX_EVIDENCE_BYTES, SEALED_TEXT, EvidenceItem
from shelterdesk.i18n import N_, _, ngettext
from shelterdesk.store.records import clients, evidence, staff
from shelterdesk.store.rows import iso


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

    add = actions.add_parser("add", parents=[common],
                             help=_("add a file or a link as evidence of a case (case workers:"
                                    " sealed, only legal advisors and coordinators read it)"))
    add.add_argument("--case", required=True, metavar="CODE")
    add.add_argument("--kind", required=True, choices=codes.EVIDENCE_KINDS.codes)
    add.add_argument("--file", default="", metavar="FILE")
    add.add_argument("--link", default="", metavar="URL")
    add.add_argument("--platform", default="", choices=("", *codes_case.PLATFORMS.codes))
    add.add_argument("--description", default="", metavar="TEXT")
    add.set_defaults(handler=cmd_evidence_add)

    listing = actions.add_parser("list", parents=[common],
                                 help=_("list a case's evidence (sealed content marked)"))
    listing.add_argument("--case", required=True, metavar="CODE")
    listing.set_defaults(handler=cmd_evidence_list)

    show = actions.add_parser("show", parents=[common],
                              help=_("one evidence item with its chain of custody"))
    show.add_argument("--case", required=True, metavar="CODE")
    show.add_argument("id", metavar="ID", help=_("the item's id, or its first 8 characters"))
    show.set_defaults(handler=cmd_evidence_show)


def _read_file(path_text: str) -> tuple[str, str, bytes]:
    if not path_text:
        return "", "", b""
    path = Path(path_text)
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_EVIDENCE_BYTES + 1)
    except OSError:
        raise CliError(N_("--file: cannot read {path}."), path=path_text) from None
    return path.name, mimetypes.guess_type(path.name)[0] or "application/octet-stream", content


def cmd_evidence_add(args: argparse.Namespace) -> int:
    name, media_type, content = _read_file(args.file)
    with unlock(args) as session:
        case_id = clients.case_id_for_code(session, args.case)
        item = evidence.add_evidence(session, EvidenceItem(
            case_id, args.kind, name, media_type, content, platform=args.platform,
            source_link=args.link.strip(), description=args.description.strip()))
    if flag(args, "json"):
        print_json({"id": item.id, "sha256": item.sha256, "size": item.size})
    else:
        say(_("Evidence recorded ({id}).").format(id=item.id[:8]))
    return 0


def _as_dict(item: EvidenceItem, names: dict[str, str]) -> dict[str, object]:
    sealed = _(SEALED_TEXT) if item.sealed else None
    return {"id": item.id, "kind": item.kind, "platform": item.platform,
            "captured_at": iso(item.captured_at) if item.captured_at else "",
            "recorded_by": names.get(item.captured_by, ""), "size": item.size,
            "sha256": item.sha256, "sealed": item.sealed,
            "file_name": sealed or item.file_name, "source_link": sealed or item.source_link,
            "description": sealed or item.description}


def _line(item: EvidenceItem, names: dict[str, str]) -> str:
    what = _(SEALED_TEXT) if item.sealed else (item.file_name or item.source_link)
    return " · ".join(p for p in (
        item.id[:8], codes.EVIDENCE_KINDS.label(item.kind),
        codes_case.PLATFORMS.label(item.platform) if item.platform else "",
        local_time(iso(item.captured_at)) if item.captured_at else "",
        names.get(item.captured_by, ""), what) if p)


def cmd_evidence_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        items = evidence.list_evidence(session, clients.case_id_for_code(session, args.case))
        names = {m.id: m.name for m in staff.list_staff(session)}
    if flag(args, "json"):
        print_json([_as_dict(i, names) for i in items])
    elif not items:
        say(_("No digital evidence yet."))
    for item in [] if flag(args, "json") else items:
        say(_line(item, names))
    return 0


def cmd_evidence_show(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        items = evidence.list_evidence(session, clients.case_id_for_code(session, args.case))
        found = [i for i in items if i.id == args.id or (len(args.id) >= 8
                                                          and i.id.startswith(args.id))]
        if len(found) != 1:
            raise CliError(N_("No evidence item {id} in case {case}."), id=args.id,
                           case=args.case)
        item = found[0]
        chain = evidence.custody_chain(session, item.id)
        names = {m.id: m.name for m in staff.list_staff(session)}
    custody = [{"kind": e.kind, "at": iso(e.at), "by": names.get(e.actor_id, ""),
                "recipient": e.recipient, "notes": e.notes} for e in chain]
    if flag(args, "json"):
        print_json({**_as_dict(item, names), "custody": custody})
        return 0
    data = _as_dict(item, names)
    for label, value in ((_("Kind"), codes.EVIDENCE_KINDS.label(item.kind)),
                         (_("Platform"), codes_case.PLATFORMS.label(item.platform)
                          if item.platform else ""),
                         (_("Captured"), local_time(str(data["captured_at"]))),
                         (_("Recorded by"), data["recorded_by"]),
                         (_("File"), data["file_name"]), (_("Source link"), data["source_link"]),
                         (_("Description"), data["description"]),
                         (_("SHA-256"), item.sha256)):
        if value:
            say(f"{label}: {value}")
    say(_("Chain of custody") + ":")
    for event in chain:
        say("  " + " · ".join(p for p in (
            local_time(iso(event.at)), codes.CUSTODY_EVENTS.label(event.kind),
            names.get(event.actor_id, ""), event.recipient, event.notes) if p))
    return 0


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
