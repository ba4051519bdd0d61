"""Sub-commands for backups: create, verify, restore, run (automatic), list and status."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from shelterdesk.cli.common import (
    PASSPHRASE_ENV,
    USER_ENV,
    data_dir,
    print_json,
    read_secret,
    say,
    unlock,
)
from shelterdesk.cli.options import flag
from shelterdesk.i18n import _, format_datetime, format_number, ngettext
from shelterdesk.store.backups.create import create_backup
from shelterdesk.store.backups.restore import restore_backup, verify_backup
from shelterdesk.store.backups.schedule import (
    backup_status,
    list_backups,
    parse_time,
    run_scheduled_backup,
)

RECOVERY_ENV = "SHELTERDESK_RECOVERY_KEY"


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser("backup", parents=[common], help=_("encrypted backups"))
    actions = backup.add_subparsers(dest="backup_command", metavar="ACTION", required=True)

    create = actions.add_parser("create", parents=[common],
                                help=_("write an encrypted backup of the vault"))
    create.add_argument("--output", required=True, metavar="FILE")
    create.set_defaults(handler=cmd_create)

    secrets_help = _("check the database inside too: give --user (passphrase from "
                     "SHELTERDESK_PASSPHRASE or a prompt) or the recovery key")
    verify = actions.add_parser("verify", parents=[common], help=_("check a backup file"),
                                description=secrets_help)
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--recovery-key", action="store_true",
                        help=_("open it with the recovery key (from SHELTERDESK_RECOVERY_KEY "
                               "or a prompt)"))
    verify.set_defaults(handler=cmd_verify)

    restore = actions.add_parser(
        "restore", parents=[common],
        help=_("restore a backup into an empty folder (or, with --force, over a vault)"))
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--target", metavar="DIR",
                         help=_("where to restore (default: --data-dir)"))
    restore.add_argument("--force", action="store_true",
                         help=_("replace the vault there; it is kept aside as a safety copy"))
    restore.add_argument("--replace-with-another-vault", action="store_true",
                         help=_("with --force: allow a backup of a different vault to "
                                "replace the one there"))
    restore.add_argument("--recovery-key", action="store_true",
                         help=_("open the backup with the recovery key"))
    restore.set_defaults(handler=cmd_restore)

    run = actions.add_parser("run", parents=[common],
                             help=_("make a dated backup in the backup folder and rotate"))
    run.add_argument("--folder", metavar="DIR",
                     help=_("another folder than the one in the settings (coordinator)"))
    run.set_defaults(handler=cmd_run)

    listing = actions.add_parser("list", parents=[common], help=_("backups in a folder"))
    listing.add_argument("folder", metavar="FOLDER")
    listing.set_defaults(handler=cmd_list)

    status = actions.add_parser("status", parents=[common],
                                help=_("the last good backup and whether one is overdue"))
    status.set_defaults(handler=cmd_status)

    schedule = actions.add_parser(
        "settings", parents=[common],
        help=_("show or change the backup folder, schedule, rotation and warning"))
    schedule.add_argument("--folder", metavar="DIR", help=_("the backup folder"))
    for option, name in (("--every-hours", "backup_every_hours"),
                         ("--keep-daily", "backup_keep_daily"),
                         ("--keep-monthly", "backup_keep_monthly"),
                         ("--warn-days", "backup_warn_days")):
        schedule.add_argument(option, type=int, metavar="N", dest=name)
    schedule.add_argument("--on-exit", choices=("yes", "no"),
                          help=_("back up when the window closes"))
    schedule.set_defaults(handler=cmd_settings)


def _credentials(args: argparse.Namespace) -> dict[str, Any]:
    """Whatever opens the backup: --recovery-key, else --user, else the recovery key in the
    environment, else nothing (header and checksum only)."""
    user = getattr(args, "user", None) or os.environ.get(USER_ENV)
    if flag(args, "recovery_key") or (not user and os.environ.get(RECOVERY_ENV)):
        return {"recovery_key": read_secret(RECOVERY_ENV, _("Recovery key: "))}
    if user:
        return {"username": user, "passphrase": read_secret(
            PASSPHRASE_ENV, _("Passphrase for {user}: ").format(user=user))}
    return {}


def _when(text: str) -> str:
    return format_datetime(parse_time(text).astimezone())


def cmd_create(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        info = create_backup(session, Path(args.output))
    if flag(args, "json"):
        print_json(info.as_dict())
    else:
        say(ngettext("Backup written to {path} ({size} byte), checked before it was written.",
                     "Backup written to {path} ({size} bytes), checked before it was written.",
                     info.size).format(path=info.path, size=format_number(info.size)))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    report = verify_backup(Path(args.file), **_credentials(args))
    if flag(args, "json"):
        print_json(report.as_dict())
        return 0
    made = _when(report.header.created_at)
    if report.deep:
        say(_("Backup intact: made {when}; opened with the {how}; page HMACs, database "
              "integrity and checksum verified.").format(
            when=made, how=_("recovery key") if report.opened_with == "recovery"
            else _("user's passphrase")))
        if report.audit_ok is False:
            say(_("Warning: the audit log inside this backup does not verify."))
    else:
        say(_("Backup header and checksum intact (made {when}). Not opened: give --user or "
              "the recovery key to check the database inside as well.").format(when=made))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    target = Path(args.target).expanduser() if args.target else data_dir(args)
    report = restore_backup(Path(args.file), target, force=args.force,
                            replace_another_vault=args.replace_with_another_vault,
                            **_credentials(args))
    if flag(args, "json"):
        print_json(report.as_dict())
        return 0
    say(_("Backup made {when} restored into {path}.").format(
        when=_when(report.header.created_at), path=report.target))
    if report.safety_copy is not None:
        say(_("The vault that was there is kept in {path}.").format(path=report.safety_copy))
    if not report.deep:
        say(_("Only the checksum was checked; unlock the restored vault to check it fully."))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        result = run_scheduled_backup(session, folder=args.folder)
    if flag(args, "json"):
        print_json({**result.info.as_dict(), "deleted": [str(p) for p in result.deleted],
                    "not_deleted": [str(p) for p in result.not_deleted]})
        return 0
    say(_("Backup written to {path}.").format(path=result.info.path))
    if result.deleted:
        say(_("Older backups removed by the rotation: {count}.").format(
            count=len(result.deleted)))
    for path in result.not_deleted:
        say(_("Could not remove {path}.").format(path=path))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    entries = list_backups(Path(args.folder).expanduser())
    if flag(args, "json"):
        print_json([{"path": str(e.path), "vault_id": e.header.vault_id,
                     "created_at": e.header.created_at, "size": e.size} for e in entries])
        return 0
    for entry in entries:
        say(f"{_when(entry.header.created_at):<24} {format_number(entry.size):>14}  "
            f"{entry.path.name}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        status = backup_status(session)
    if flag(args, "json"):
        print_json({"folder": status.folder, "folder_available": status.folder_available,
                    "last_backup_at": status.last_backup_at.isoformat()
                    if status.last_backup_at else None,
                    "last_backup_path": str(status.last_backup_path)
                    if status.last_backup_path else None,
                    "warn_days": status.warn_days, "overdue": status.overdue})
        return 0
    if status.last_backup_at is None:
        say(_("No backup found."))
    else:
        say(_("Last good backup: {when}.").format(when=format_datetime(
            status.last_backup_at.astimezone())))
    if status.overdue:
        say(ngettext("A backup is overdue (the limit is {days} day).",
                     "A backup is overdue (the limit is {days} days).",
                     status.warn_days).format(days=status.warn_days))
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    """The CLI twin of Administration → Backups' "Where and when" (same settings call)."""
    from shelterdesk.store import settings

    chosen: dict[str, Any] = {name: getattr(args, name) for name in (
        "backup_every_hours", "backup_keep_daily", "backup_keep_monthly", "backup_warn_days")
        if getattr(args, name) is not None}
    if args.folder is not None:
        chosen["backup_folder"] = str(Path(args.folder).expanduser()) if args.folder else ""
    if args.on_exit is not None:
        chosen["backup_on_exit"] = args.on_exit == "yes"
    with unlock(args) as session:
        if chosen:
            settings.set_values(session, chosen)
        values = {name: settings.get(session, name) for name in (
            "backup_folder", "backup_every_hours", "backup_keep_daily", "backup_keep_monthly",
            "backup_warn_days", "backup_on_exit")}
    if flag(args, "json"):
        print_json(values)
    else:
        for name, value in values.items():
            say(f"{name} = {value}")
    return 0
