"""Sub-commands for syncing: sync, device invite|list|revoke, enroll, conflicts list|resolve."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shelterdesk.cli.common import (
    PASSPHRASE_ENV,
    CliError,
    acting_user,
    data_dir,
    local_time,
    print_json,
    read_secret,
    say,
    unlock,
)
from shelterdesk.cli.options import flag
from shelterdesk.i18n import N_, _, ngettext
from shelterdesk.store.replication import conflict_settle
from shelterdesk.store.replication import conflicts as sync_conflicts
from shelterdesk.sync import engine, enrollment, explain, service, setup
from shelterdesk.sync.folder import check_vault_location, write_atomically
from shelterdesk.sync.transport import Transport
from shelterdesk.sync.transports import open_transport

WARNINGS = {
    "changes_from_the_future_held": N_(
        "Some changes are dated more than a day ahead of this laptop's clock; they are held "
        "until then. Check the clocks of the laptops."),
    "peer_clock_ahead": N_("Another laptop's clock is more than a day ahead of this one."),
    "own_clock_was_ahead": N_(
        "This laptop's clock was once more than a day ahead; its newer changes may be held "
        "by the others until their clocks catch up."),
    "newer_key_missing": N_(
        "A newer organisation key exists that this laptop has not received (was it removed?)."),
    "waiting_for_related_records": N_(
        "Some records refer to records another laptop has not sent yet; they will connect "
        "once it syncs."),
    "erasure_not_compacted": N_(
        "An erasure arrived and its records are gone, but the vault file could not be "
        "compacted yet (a backup may be running); the next sync tries again."),
}


def _transport_options(parser: argparse.ArgumentParser, required: bool = True) -> None:
    where = parser.add_mutually_exclusive_group(required=required)
    where.add_argument("--folder", metavar="PATH",
                       help=_("a shared folder, USB stick, Syncthing or Nextcloud folder"))
    where.add_argument("--relay", metavar="URL", help=_("a ShelterDesk relay"))
    parser.add_argument("--allow-http", action="store_true",
                        help=_("allow plain http to a relay on another computer (unsafe)"))
    parser.add_argument("--admission-token-file", metavar="PATH",
                        help=_("the relay operator's admission token (to found the "
                               "organisation on a relay)"))


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sync = commands.add_parser("sync", parents=[common],
                               help=_("send and receive changes with the other laptops"),
                               description=_("Without --folder or --relay: the place saved "
                                             "on this laptop (the window's Sync page)."))
    _transport_options(sync, required=False)
    sync.add_argument("--test", action="store_true",
                      help=_("only test the folder or relay, sync nothing"))
    sync.add_argument("--save", action="store_true",
                      help=_("test the folder or relay, then remember it for this laptop "
                             "(coordinator)"))
    sync.set_defaults(handler=cmd_sync)

    device = commands.add_parser("device", parents=[common],
                                 help=_("the organisation's laptops"))
    device_commands = device.add_subparsers(dest="device_command", metavar="ACTION",
                                            required=True)
    invite = device_commands.add_parser("invite", parents=[common],
                                        help=_("print a one-time code for a new laptop"))
    _transport_options(invite)
    invite.add_argument("--valid-hours", type=int, default=72, metavar="H")
    invite.add_argument("--qr", metavar="FILE",
                        help=_("also write the code as a QR image (readable only by you)"))
    invite.add_argument("--wait", action="store_true",
                        help=_("wait for the new laptop and show the digits to compare"))
    invite.add_argument("--wait-minutes", type=int, default=15, metavar="M")
    invite.set_defaults(handler=cmd_invite)
    confirm = device_commands.add_parser(
        "confirm", parents=[common],
        help=_("show the digits to compare with the new laptop, then send it the keys"))
    _transport_options(confirm)
    confirm.add_argument("--code", required=True, metavar="CODE")
    confirm.add_argument("--sas", metavar="DIGITS",
                         help=_("the six digits the new laptop shows; without it, only show "
                                "this laptop's digits"))
    confirm.add_argument("--wait-minutes", type=int, default=15, metavar="M")
    confirm.set_defaults(handler=cmd_confirm)
    device_commands.add_parser("list", parents=[common], help=_("list the laptops")).set_defaults(
        handler=cmd_device_list)
    revoke = device_commands.add_parser("revoke", parents=[common],
                                        help=_("remove a lost or retired laptop"))
    revoke.add_argument("device_id", metavar="DEVICE_ID")
    revoke.set_defaults(handler=cmd_revoke)
    rename = device_commands.add_parser("rename", parents=[common],
                                        help=_("give a laptop a name (coordinator)"))
    rename.add_argument("device_id", metavar="DEVICE_ID")
    rename.add_argument("name", metavar="NAME")
    rename.set_defaults(handler=cmd_device_rename)

    enroll = commands.add_parser("enroll", parents=[common],
                                 help=_("join this laptop to an organisation (new --data-dir)"))
    enroll.add_argument("--code", required=True, metavar="CODE")
    enroll.add_argument("--wait-minutes", type=int, default=15, metavar="M",
                        help=_("how long to wait for the coordinator to confirm"))
    _transport_options(enroll)
    enroll.set_defaults(handler=cmd_enroll)

    conflicts = commands.add_parser("conflicts", parents=[common],
                                    help=_("what syncing could not settle"))
    conflict_commands = conflicts.add_subparsers(dest="conflicts_command", metavar="ACTION",
                                                 required=True)
    listing = conflict_commands.add_parser("list", parents=[common], help=_("list conflicts"))
    listing.add_argument("--all", action="store_true", help=_("include resolved ones"))
    listing.set_defaults(handler=cmd_conflicts_list)
    resolve = conflict_commands.add_parser("resolve", parents=[common],
                                           help=_("mark a conflict resolved"))
    resolve.add_argument("conflict_id", type=int, metavar="ID")
    resolve.add_argument("--note", default="", metavar="TEXT")
    choice = resolve.add_mutually_exclusive_group()
    choice.add_argument("--keep", choices=("current", "other"), default="current",
                        help=_("the value that stays: the record's (default) or the other one"))
    choice.add_argument("--value", metavar="TEXT", help=_("write this merged value instead"))
    resolve.set_defaults(handler=cmd_conflicts_resolve)


def _admission_token(args: argparse.Namespace) -> str:
    path = getattr(args, "admission_token_file", None)
    if not path:
        return ""
    try:
        return Path(path).expanduser().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(N_("The admission token file “{path}” cannot be read."),
                       path=str(path)) from error


def _transport(args: argparse.Namespace) -> Transport:
    if getattr(args, "relay", None):
        return open_transport(relay=args.relay, allow_http=flag(args, "allow_http"),
                              admission_token=_admission_token(args))
    folder = Path(args.folder).expanduser()
    check_vault_location(data_dir(args), folder)
    return open_transport(folder=folder)


def print_summary(summary: engine.SyncSummary) -> None:
    # Each number its own plural: "Sent 1 envelope (3 changes)", and in az/ru alike.
    say(_("{sent} ({changes}); {received}, {applied}.").format(
        sent=ngettext("Sent {count} envelope", "Sent {count} envelopes",
                      summary.sent_envelopes).format(count=summary.sent_envelopes),
        changes=ngettext("{count} change", "{count} changes",
                         summary.sent_changes).format(count=summary.sent_changes),
        received=ngettext("received {count} envelope", "received {count} envelopes",
                          summary.received_envelopes).format(count=summary.received_envelopes),
        applied=ngettext("{count} change applied", "{count} changes applied",
                         summary.applied_changes).format(count=summary.applied_changes)))
    for problem in summary.problems:
        text = _("waiting") if problem.waiting else _("rejected")
        say(f"  {text}: {problem.where} ({problem.reason})")
    if summary.held_changes:
        say(ngettext("{count} change held: dated in the future.",
                     "{count} changes held: dated in the future.",
                     summary.held_changes).format(count=summary.held_changes))
    if summary.conflicts_open:
        say(ngettext("{count} conflict for a coordinator to review (shelterdesk conflicts list).",
                     "{count} conflicts for a coordinator to review (shelterdesk conflicts list).",
                     summary.conflicts_open).format(count=summary.conflicts_open))
    relaying = explain.relaying_text(summary.forwarded_envelopes, summary.sealed_waiting)
    if relaying:
        say(relaying)
    if summary.snapshot_changes:
        say(ngettext("This laptop started from a snapshot covering {count} change.",
                     "This laptop started from a snapshot covering {count} changes.",
                     summary.snapshot_changes).format(count=summary.snapshot_changes))
    if summary.pruned_envelopes:
        say(ngettext(
            "{count} sync file every laptop holds was removed from the sync place.",
            "{count} sync files every laptop holds were removed from the sync place.",
            summary.pruned_envelopes).format(count=summary.pruned_envelopes))
    for code in summary.warnings:
        say(_("Warning: {text}").format(text=_(WARNINGS.get(code, code))))


class LeftOut(CliError):
    message = N_("This laptop cannot read what the others now send: it was removed from the "
                 "organisation, or the newer organisation key has not reached it. Ask a "
                 "coordinator (shelterdesk device list).")


def _place(args: argparse.Namespace) -> setup.SyncPlace:
    if getattr(args, "relay", None):
        return setup.SyncPlace(relay=args.relay, admission_token=_admission_token(args))
    return setup.SyncPlace(folder=str(Path(args.folder).expanduser()))


def cmd_sync(args: argparse.Namespace) -> int:
    given = bool(getattr(args, "folder", None) or getattr(args, "relay", None))
    if (flag(args, "test") or flag(args, "save")) and not given:
        raise setup.SyncNotSetUp()
    if flag(args, "test"):
        say(setup.test_place(data_dir(args), _place(args)))
        return 0
    if flag(args, "save"):
        place = _place(args)
        text = setup.test_place(data_dir(args), place)
        with unlock(args) as session:
            setup.save_place(session, place)
        say(text)
        say(_("Sync settings saved."))
        return 0
    with unlock(args) as session:
        transport = _transport(args) if given else setup.saved_transport(session)
        summary = service.sync_now(session, transport)
    if flag(args, "json"):
        print_json(summary.as_dict())
    else:
        print_summary(summary)
    # A revoked laptop gets no key of the new epoch: its sync "works" but carries
    # nothing any more, which a script must see in the exit status.
    if "newer_key_missing" in summary.warnings:
        raise LeftOut()
    return 0


def _write_qr(code: str, target: str) -> None:
    """The code as a QR image, only when asked, readable only by its owner (0600)."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=8)
    write_atomically(Path(target).expanduser(), buffer.getvalue())  # 0600, then renamed


def _wait_for_digits(args: argparse.Namespace, session, transport: Transport,  # noqa: ANN001
                     code: str) -> str:
    minutes = max(1, min(int(getattr(args, "wait_minutes", 15) or 15), 24 * 60))
    return enrollment.wait_for(lambda: service.answer_join(session, transport, code),
                               minutes * 60, 1.0)


def cmd_invite(args: argparse.Namespace) -> int:
    transport = _transport(args)
    with unlock(args) as session:
        invitation = service.invite(session, transport, max(1, min(args.valid_hours, 24 * 14)))
        if args.qr:
            _write_qr(invitation.code, args.qr)
        if flag(args, "json") and not args.wait:
            print_json({"code": invitation.code, "expires_at": invitation.expires_at})
            return 0
        if not flag(args, "json"):
            say(_("Enrollment code (one use, valid until {expires}):").format(
                expires=local_time(invitation.expires_at)))
            say("")
            say("    " + invitation.code)
            say("")
            where = "--relay URL" if getattr(args, "relay", None) else "--folder PATH"
            say(_("On the new laptop: shelterdesk enroll --data-dir DIR --user NAME --code CODE "
                  "{where}").format(where=where))
            say(_("Then compare the six digits both laptops show and confirm here: "
                  "shelterdesk device confirm --code CODE --sas DIGITS {where}").format(
                where=where))
        if not args.wait:
            return 0
        sys.stdout.flush()
        digits = _wait_for_digits(args, session, transport, invitation.code)
    if flag(args, "json"):
        print_json({"code": invitation.code, "expires_at": invitation.expires_at,
                    "sas": digits})
        return 0
    say(_("The new laptop asked to join. Digits to compare: {sas}").format(sas=digits))
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    transport = _transport(args)
    with unlock(args) as session:
        digits = _wait_for_digits(args, session, transport, args.code)
        if not args.sas:
            if flag(args, "json"):
                print_json({"sas": digits, "confirmed": False})
            else:
                say(_("Digits to compare: {sas}. If the new laptop shows the same, run this "
                      "again with --sas {sas_arg}.").format(
                    sas=digits, sas_arg=enrollment.normal_sas(digits)))
            return 0
        invite_id = service.confirm_join(session, transport, args.code, args.sas)
    if flag(args, "json"):
        print_json({"sas": digits, "confirmed": True, "invite_id": invite_id})
        return 0
    say(_("Confirmed: the organisation's keys were sent to the new laptop, sealed so that "
          "only it can open them."))
    return 0


def cmd_device_rename(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        name = service.rename_laptop(session, args.device_id.strip().lower(), args.name)
    if flag(args, "json"):
        print_json({"device_id": args.device_id, "name": name})
        return 0
    say(_("Laptop {device} is now called “{name}”; the others learn it at their next "
          "sync.").format(device=args.device_id, name=name))
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        found = service.list_devices(session)
        me = service.this_device(session)
        rows = {row.device_id: row for row in setup.laptops(session)}
    if flag(args, "json"):
        print_json([{"device_id": d.device_id, "this": d.device_id == me.device_id,
                     "added_at": d.added_at, "added_by": d.added_by,
                     "revoked_after": d.revoked_after, "revoked_at": d.revoked_at,
                     "name": rows[d.device_id].name, "user": rows[d.device_id].user,
                     "last_seen": rows[d.device_id].last_seen or None,
                     "epoch": rows[d.device_id].epoch}
                    for d in found])
        return 0
    for d in found:
        row = rows[d.device_id]
        state = _("removed") if d.revoked else _("active")
        mark = " *" if d.device_id == me.device_id else ""
        seen = local_time(row.last_seen) if row.last_seen else "-"
        say(f"{d.device_id}  {state:<8} {local_time(d.added_at)}  {row.name or '-'}  "
            f"{row.user or '-'}  {seen}  {row.epoch if row.epoch is not None else '-'}{mark}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        after, epoch = service.revoke(session, args.device_id.strip().lower())
    if flag(args, "json"):
        print_json({"device_id": args.device_id, "last_accepted_seq": after, "epoch": epoch})
    else:
        say(_("Laptop {device} removed: its changes after number {seq} will be refused, and a "
              "new organisation key (epoch {epoch}) goes to the others at the next sync.").format(
            device=args.device_id, seq=after, epoch=epoch))
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    transport = _transport(args)
    user = acting_user(args)
    passphrase = read_secret(PASSPHRASE_ENV, _("Passphrase for {user}: ").format(user=user))
    minutes = max(1, min(args.wait_minutes, 24 * 60))

    def show(digits: str) -> None:
        # on stderr, at once: the coordinator needs them while this command still waits
        print(_("Digits to compare with the inviting laptop: {sas}. The coordinator confirms "
                "them there; waiting…").format(sas=digits), file=sys.stderr, flush=True)

    joined = service.join(data_dir(args), args.code, transport, user, passphrase, on_sas=show,
                          wait_seconds=minutes * 60)
    if flag(args, "json"):
        print_json({"data_dir": str(data_dir(args)), "vault_id": joined.vault_id,
                    "device_id": joined.device_id, "recovery_key": joined.recovery_key,
                    "summary": joined.summary.as_dict()})
        return 0
    say(_("This laptop joined the organisation as device {device}.").format(
        device=joined.device_id))
    print_summary(joined.summary)
    say(_("Recovery key of this laptop — shown only this once. Write it down or print it, "
          "and keep it sealed away from the laptop:"))
    say("")
    say("    " + joined.recovery_key)
    say("")
    return 0


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        found = sync_conflicts.list_conflicts(session, include_resolved=args.all)
        info = service.laptop_info(session)

    def who(c: sync_conflicts.Conflict, side: str) -> tuple[str, str]:
        return conflict_settle.laptop_and_user(info, str(c.detail.get(f"{side}_device", "")))

    if flag(args, "json"):
        print_json([{"id": c.id, "kind": c.kind, "table": c.table, "row_id": c.row_id,
                     "other_id": c.other_id, "column": c.column, "detail": c.detail,
                     "found_at": c.found_at, "resolved_at": c.resolved_at,
                     "winner_laptop": who(c, "winner")[0], "winner_user": who(c, "winner")[1],
                     "loser_laptop": who(c, "loser")[0], "loser_user": who(c, "loser")[1]}
                    for c in found])
        return 0
    for c in found:
        line = f"{c.id:>5}  {_(c.label)}  {c.table} {c.row_id} {c.other_id} {c.column}".rstrip()
        sides = [" / ".join(part for part in who(c, side) if part)
                 for side in ("winner", "loser")]
        if any(sides):
            line += "  " + _("kept: {kept}; other: {other}").format(
                kept=sides[0] or "-", other=sides[1] or "-")
        say(line)
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    choice = conflict_settle.TYPED if args.value is not None else args.keep
    with unlock(args) as session:
        conflict_settle.settle(session, args.conflict_id, choice, args.value or "", args.note)
    say(_("Conflict {id} marked resolved.").format(id=args.conflict_id))
    return 0
