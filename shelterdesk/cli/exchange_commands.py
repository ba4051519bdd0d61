"""Secure referrals on the command line (issue 22): `org code|add-key|safety-number|confirm`
and `referral send|receive|inbox|show|accept|decline|complete|request-erasure`, the twins of
the window's Organisations and Referrals buttons."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from shelterdesk.cli.common import CliError, print_json, say, unlock
from shelterdesk.cli.options import common_options, flag
from shelterdesk.domain import codes_case, codes_services, disclosure
from shelterdesk.i18n import N_, _
from shelterdesk.store.keys.keyslots import atomic_write

SUFFIX = ".sdreferral"


def register_org(org_commands: argparse._SubParsersAction,
                 common: argparse.ArgumentParser) -> None:
    code = org_commands.add_parser(
        "code", parents=[common],
        help=_("show this organisation's code for secure referrals (made on first use)"))
    code.add_argument("--qr", action="store_true",
                      help=_("also draw it as a QR code in the terminal (shown, not saved)"))
    code.set_defaults(handler=cmd_org_code)
    add_key = org_commands.add_parser(
        "add-key", parents=[common],
        help=_("add a partner organisation's code to its directory entry (unconfirmed)"))
    add_key.add_argument("name", metavar="NAME", help=_("the organisation: its name or id"))
    add_key.add_argument("code", metavar="CODE", help=_("the code it gave you (SDORG1-…)"))
    add_key.set_defaults(handler=cmd_org_add_key)
    number = org_commands.add_parser(
        "safety-number", parents=[common],
        help=_("show the safety number to compare with a partner organisation"))
    number.add_argument("name", metavar="NAME")
    number.set_defaults(handler=cmd_org_safety_number)
    confirm = org_commands.add_parser(
        "confirm", parents=[common],
        help=_("confirm a partner's keys once the safety numbers match"))
    confirm.add_argument("name", metavar="NAME")
    confirm.add_argument("--number", required=True, metavar="DIGITS",
                         help=_("the safety number the partner read to you (60 digits)"))
    confirm.set_defaults(handler=cmd_org_confirm)
    org_commands.add_parser(
        "mailbox", parents=[common],
        help=_("open this organisation's mailbox on its sync relay, for sealed referral files "
               "(named in the organisation code)")).set_defaults(handler=cmd_org_mailbox)


def register_referral(actions: argparse._SubParsersAction) -> None:
    def action(name: str, helptext: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, parents=[common_options()], conflict_handler="resolve",
                                  help=helptext)

    send = action("send", _("record a referral and seal it for the receiving organisation "
                            "(a .sdreferral file; anonymized unless --identified)"))
    send.add_argument("--case", required=True, metavar="CODE")
    send.add_argument("--to", required=True, metavar="ORG")
    send.add_argument("--service", action="append", default=[], metavar="KIND",
                      choices=codes_services.SERVICES.codes)
    send.add_argument("--urgency", default="routine", choices=codes_services.URGENCY.codes)
    send.add_argument("--identified", action="store_true",
                      help=_("name the client (needs the client's consent; carries exactly "
                             "the details it covers)"))
    send.add_argument("--share", action="append", default=None, metavar="DETAIL",
                      choices=disclosure.SHARED_DETAILS.codes)
    send.add_argument("--override-reason", default="", metavar="TEXT")
    _delivery(send)
    send.set_defaults(handler=cmd_send)

    receive = action("receive", _("open a .sdreferral file: a referral for the inbox, a "
                                  "status of one we sent, or an erase request"))
    receive.add_argument("file", metavar="FILE")
    receive.add_argument("--reply", default="", metavar="FILE.sdreferral",
                         help=_("where to write the confirmation of an erase request "
                                "(default: beside the file)"))
    receive.set_defaults(handler=cmd_receive)

    action("inbox", _("list referrals received from other organisations")).set_defaults(
        handler=cmd_inbox)

    collect = action("collect", _("open every file waiting in this organisation's relay "
                                  "mailbox"))
    collect.add_argument("--reply-dir", default=".", metavar="DIR",
                         help=_("where to save confirmations that cannot be delivered "
                                "(default: the current folder)"))
    collect.set_defaults(handler=cmd_collect)

    show = action("show", _("write a received referral as its printed document (PDF)"))
    show.add_argument("entry", metavar="NUMBER")
    show.add_argument("--lang", required=True, choices=("az", "ru", "en"))
    show.add_argument("--output", required=True, metavar="FILE.pdf")
    show.set_defaults(handler=cmd_show)

    accept = action("accept", _("accept a received referral: link a case or open a new one; "
                                "writes the status file for the sender"))
    accept.add_argument("entry", metavar="NUMBER")
    accept.add_argument("--case", default="", metavar="CODE",
                        help=_("link this existing case instead of opening a new one"))
    accept.add_argument("--victim-status", default="", choices=codes_case.VICTIM_STATUS.codes)
    accept.add_argument("--risk", default="", choices=codes_case.RISK_LEVELS.codes)
    _delivery(accept)
    accept.set_defaults(handler=cmd_accept)

    decline = action("decline", _("decline a received referral with a reason"))
    decline.add_argument("entry", metavar="NUMBER")
    decline.add_argument("--reason", required=True, metavar="TEXT")
    _delivery(decline)
    decline.set_defaults(handler=cmd_decline)

    complete = action("complete", _("complete an accepted referral with its outcome"))
    complete.add_argument("entry", metavar="NUMBER")
    complete.add_argument("--outcome", required=True, metavar="TEXT")
    _delivery(complete)
    complete.set_defaults(handler=cmd_complete)

    again = action("answer-again", _("make the sealed status of an answered referral again "
                                     "(when the first file was lost)"))
    again.add_argument("entry", metavar="NUMBER")
    _delivery(again)
    again.set_defaults(handler=cmd_answer_again)

    erase = action("request-erasure", _("ask the receiving organisation to erase the details "
                                        "that name the client (after consent is withdrawn)"))
    erase.add_argument("--referral", required=True, metavar="NUMBER")
    _delivery(erase)
    erase.set_defaults(handler=cmd_request_erasure)


def _delivery(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", default="", metavar="FILE.sdreferral",
                        help=_("where to write the sealed file (or use --deliver)"))
    parser.add_argument("--deliver", action="store_true",
                        help=_("drop the sealed file into the organisation's relay mailbox "
                               "instead of writing it"))


def _target(args: argparse.Namespace) -> Path | None:
    """The file to write, or None to deliver; checked before anything is recorded."""
    if bool(args.output) == bool(args.deliver):
        raise CliError(N_("Give either --output FILE or --deliver (through the relay "
                          "mailbox)."))
    return _output(args.output) if args.output else None


def _hand_over(args: argparse.Namespace, session, org_id: str, target: Path | None,
               data: bytes, **extra) -> None:
    """Deliver (inside the unlocked vault) or write the sealed file; say which."""
    if target is None:
        from shelterdesk.sync.referral_mailbox import deliver_to_partner

        deliver_to_partner(session, org_id, data)
        if flag(args, "json"):
            print_json({"delivered": True, **extra})
        else:
            say(_("Sealed file delivered to the organisation's relay mailbox."))
        return
    _written(args, target, data, **extra)


def _output(value: str) -> Path:
    """Where a file goes, checked before anything is recorded (as `referral --output`)."""
    path = Path(value).expanduser()
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK):
        raise CliError(N_("--output: cannot write a file at “{path}” (no such folder, not "
                          "writable, or a folder itself)."), path=str(path))
    return path


def _written(args: argparse.Namespace, path: Path, data: bytes, **extra) -> None:
    atomic_write(path, data)
    if flag(args, "json"):
        print_json({"output": str(path), **extra})
    else:
        say(_("Sealed file written to {path}; deliver it to the organisation (USB stick or "
              "shared folder).").format(path=path))


def cmd_org_code(args: argparse.Namespace) -> int:
    from shelterdesk.store.exchange import identity

    with unlock(args) as session:
        code = identity.our_code(session)
    if flag(args, "json"):
        print_json({"code": code})
        return 0
    say(code)
    if args.qr:
        import segno

        segno.make(code, error="m").terminal(compact=True)
    return 0


def cmd_org_add_key(args: argparse.Namespace) -> int:
    from shelterdesk.store.exchange import identity

    with unlock(args) as session:
        found = identity.add_partner_code(session, args.name, args.code)
        number = identity.safety_number(session, found.org.id)
    if flag(args, "json"):
        print_json({"id": found.org.id, "code_name": found.code_name, "safety_number": number})
    else:
        say(_("Keys of “{name}” added (their code names them “{code_name}”). Compare this "
              "safety number with them, then run “shelterdesk org confirm”:").format(
            name=found.org.name, code_name=found.code_name))
        say(number)
    return 0


def cmd_org_safety_number(args: argparse.Namespace) -> int:
    from shelterdesk.store.exchange import identity

    with unlock(args) as session:
        number = identity.safety_number(session, args.name)
    if flag(args, "json"):
        print_json({"safety_number": number})
    else:
        say(number)
    return 0


def cmd_org_confirm(args: argparse.Namespace) -> int:
    from shelterdesk.store.exchange import identity

    with unlock(args) as session:
        found = identity.confirm_partner(session, args.name, args.number)
    if flag(args, "json"):
        print_json({"id": found.org.id, "confirmed": True})
    else:
        say(_("Keys of “{name}” confirmed: secure referrals can now be sent to them and "
              "received from them.").format(name=found.org.name))
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    output = _target(args)
    if not args.identified and (args.share or args.override_reason.strip()):
        raise CliError(N_("--share and --override-reason are for identified referrals; add "
                          "--identified."))
    from shelterdesk.reports.referral_send import refer_and_seal

    with unlock(args) as session:
        referral, data = refer_and_seal(
            session, args.case, args.to, args.service, urgency=args.urgency,
            anonymized=not args.identified, override_reason=args.override_reason,
            shared=args.share)
        if output is None:
            _hand_over(args, session, referral.to_org_id, None, data,
                       referral_id=referral.id, referral_number=referral.number)
    if output is not None:
        _written(args, output, data, referral_id=referral.id,
                 referral_number=referral.number)
    return 0


def cmd_receive(args: argparse.Namespace) -> int:
    from shelterdesk.store.exchange import receive

    path = Path(args.file).expanduser()
    reply_path = _output(args.reply) if args.reply else None
    with unlock(args) as session:
        result = receive.receive(session, receive.read_file(path), path.name)
    if result.reply:
        reply_path = reply_path or _output(str(path.with_name(path.stem + "-erased" + SUFFIX)))
        atomic_write(reply_path, result.reply)
    if flag(args, "json"):
        print_json({"kind": result.kind, "from": result.org_name, "id": result.target_id,
                    "status": result.status, "reply": str(reply_path or "")})
    else:
        say(_receive_sentence(result, str(reply_path or "")))
    return 0


def _receive_sentence(result, reply_path: str) -> str:
    if result.kind == "referral":
        return _("Referral from “{name}” added to the inbox.").format(name=result.org_name)
    if result.kind == "status":
        return _("“{name}” reports the referral as: {status}.").format(
            name=result.org_name, status=codes_services.REFERRAL_STATUS.label(result.status)
            if result.status in codes_services.REFERRAL_STATUS else _("details erased"))
    if reply_path:
        return _("The details that name the client were erased as “{name}” asked; the "
                 "confirmation is in {path}.").format(name=result.org_name, path=reply_path)
    return _("The details that name the client were erased as “{name}” asked.").format(
        name=result.org_name)


def cmd_inbox(args: argparse.Namespace) -> int:
    from shelterdesk.store.exchange import inbox

    with unlock(args) as session:
        entries = inbox.list_received(session)
    if flag(args, "json"):
        print_json([{"id": e.id, "number": e.number, "from": e.from_org_name,
                     "case_code": e.case_code, "status": e.status,
                     "identified": e.identified is not None, "received_at": e.received_at}
                    for e in entries])
        return 0
    for e in entries:
        say(f"{e.number}  {e.from_org_name}  {e.case_code}  {e.status}  {e.received_at[:10]}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    output = _output(args.output)
    from shelterdesk.reports.referral_received import render_received
    from shelterdesk.store.exchange import inbox

    with unlock(args) as session:
        pdf = render_received(session, inbox.get_received(session, args.entry), args.lang)
        session.audit("referral.received.print", "organisation", "", language=args.lang)
    atomic_write(output, pdf)
    if flag(args, "json"):
        print_json({"output": str(output)})
    else:
        say(_("Document written to {path}.").format(path=output))
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    output = _target(args)
    from shelterdesk.store.exchange import inbox

    with unlock(args) as session:
        entry, data = inbox.accept(session, args.entry, case_code=args.case,
                                   victim_status=args.victim_status, risk_level=args.risk)
        if output is None:
            _hand_over(args, session, entry.from_org_id, None, data)
    if output is not None:
        _written(args, output, data)
    return 0


def cmd_decline(args: argparse.Namespace) -> int:
    output = _target(args)
    from shelterdesk.store.exchange import inbox

    with unlock(args) as session:
        entry, data = inbox.decline(session, args.entry, args.reason)
        if output is None:
            _hand_over(args, session, entry.from_org_id, None, data)
    if output is not None:
        _written(args, output, data)
    return 0


def cmd_complete(args: argparse.Namespace) -> int:
    output = _target(args)
    from shelterdesk.store.exchange import inbox

    with unlock(args) as session:
        entry, data = inbox.complete(session, args.entry, args.outcome)
        if output is None:
            _hand_over(args, session, entry.from_org_id, None, data)
    if output is not None:
        _written(args, output, data)
    return 0


def cmd_answer_again(args: argparse.Namespace) -> int:
    output = _target(args)
    from shelterdesk.store.exchange import inbox

    with unlock(args) as session:
        entry = inbox.get_received(session, args.entry)
        data = inbox.answer_again(session, entry.id)
        if output is None:
            _hand_over(args, session, entry.from_org_id, None, data)
    if output is not None:
        _written(args, output, data)
    return 0


def cmd_request_erasure(args: argparse.Namespace) -> int:
    output = _target(args)
    from shelterdesk.store.exchange import outbox
    from shelterdesk.store.records.referrals import referral_id_for_number, resolve_referral_id
    from shelterdesk.store.rows import NotFound

    with unlock(args) as session:
        try:
            referral_id = referral_id_for_number(session, args.referral)
        except NotFound:  # not a readable number: the id or its start
            referral_id = resolve_referral_id(session, args.referral)
        data = outbox.request_erasure(session, referral_id)
        if output is None:
            _hand_over(args, session, outbox.sent(session, referral_id).org_id, None, data)
    if output is not None:
        _written(args, output, data)
    return 0


def cmd_org_mailbox(args: argparse.Namespace) -> int:
    from shelterdesk.sync.referral_mailbox import open_mailbox

    with unlock(args) as session:
        address = open_mailbox(session)
    if flag(args, "json"):
        print_json({"mailbox": address})
    else:
        say(_("Relay mailbox: {address}. Your organisation code now names it; give partners "
              "the code again.").format(address=address))
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from shelterdesk.sync.referral_mailbox import collect

    folder = Path(args.reply_dir).expanduser()
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise CliError(N_("--reply-dir: “{path}” is not a folder this user can write in."),
                       path=str(folder))
    with unlock(args) as session:
        found = collect(session)
    saved = []
    for name, data in found.replies_to_save:
        path = folder / f"{name}-erased{SUFFIX}"
        atomic_write(path, data)
        saved.append(str(path))
    if flag(args, "json"):
        print_json({"applied": [{"kind": r.kind, "from": r.org_name, "status": r.status}
                                for r in found.applied],
                    "refused": found.refused, "replies": saved})
        return 0
    for result in found.applied:
        say(_receive_sentence(result, ""))
    for reason in found.refused:
        say(reason)
    for path in saved:
        say(_("A confirmation could not be delivered; it is in {path}.").format(path=path))
    if not found.applied and not found.refused:
        say(_("The mailbox is empty."))
    return 0
