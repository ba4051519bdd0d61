"""Sub-commands for the vault itself: init, user, recover and audit."""

from __future__ import annotations

import argparse
import os

from shelterdesk.cli import keys_commands
from shelterdesk.cli.common import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    CliError,
    acting_user,
    data_dir,
    print_json,
    read_secret,
    say,
    unlock,
)
from shelterdesk.cli.options import flag
from shelterdesk.domain.roles import Role, parse_roles, role_label
from shelterdesk.i18n import N_, _, ngettext
from shelterdesk.store import audit
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Vault

RECOVERY_ENV = "SHELTERDESK_RECOVERY_KEY"


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    init = commands.add_parser("init", parents=[common], help=_("create a new vault"))
    init.add_argument("--admin", required=True, metavar="USERNAME",
                      help=_("the first coordinator"))
    init.add_argument("--org-name", default="", metavar="NAME")
    init.add_argument("--prefix", default="SD", metavar="CODE",
                      help=_("case-code prefix, 2 to 6 capitals or digits"))
    init.add_argument("--display-name", default="", metavar="NAME",
                      help=_("the coordinator's full name, shown on printed forms"))
    init.set_defaults(handler=cmd_init)

    user = commands.add_parser("user", parents=[common], help=_("manage users"))
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_commands.add_parser("add", parents=[common], help=_("add a user"))
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", action="append", required=True, metavar="ROLE",
                     help=", ".join(r.value for r in Role))
    add.add_argument("--display-name", default="", metavar="NAME")
    add.set_defaults(handler=cmd_user_add)
    user_commands.add_parser("list", parents=[common], help=_("list users")).set_defaults(
        handler=cmd_user_list)
    disable = user_commands.add_parser("disable", parents=[common], help=_("disable a user"))
    disable.add_argument("username", metavar="USERNAME")
    disable.set_defaults(handler=cmd_user_disable)
    user_commands.add_parser("passwd", parents=[common],
                             help=_("change your own passphrase")).set_defaults(
        handler=cmd_user_passwd)
    reset = user_commands.add_parser("reset", parents=[common],
                                     help=_("set a new passphrase for a user"))
    reset.add_argument("username", metavar="USERNAME")
    reset.set_defaults(handler=cmd_user_reset)
    roles = user_commands.add_parser(
        "roles", parents=[common],
        help=_("set a user's roles (signed with your coordinator key)"))
    roles.add_argument("username", metavar="USERNAME")
    roles.add_argument("--role", action="append", required=True, metavar="ROLE",
                       help=", ".join(r.value for r in Role))
    roles.set_defaults(handler=cmd_user_roles)
    enable = user_commands.add_parser(
        "enable", parents=[common], help=_("re-enable a disabled user with a new passphrase"))
    enable.add_argument("username", metavar="USERNAME")
    enable.set_defaults(handler=cmd_user_enable)

    recover = commands.add_parser(
        "recover", parents=[common],
        help=_("open the vault with the recovery key and set a new passphrase"))
    recover.set_defaults(handler=cmd_recover)

    key_parser = commands.add_parser("recovery-key", parents=[common],
                                     help=_("the vault's recovery key"))
    key_commands = key_parser.add_subparsers(dest="key_command", metavar="ACTION",
                                             required=True)
    key_commands.add_parser(
        "new", parents=[common],
        help=_("issue a new recovery key (the old one stops working); coordinators")
    ).set_defaults(handler=cmd_recovery_key_new)
    key_commands.add_parser(
        "confirm", parents=[common],
        help=_("type the recovery key back to confirm it was written down")
    ).set_defaults(handler=cmd_recovery_key_confirm)

    audit_parser = commands.add_parser("audit", parents=[common], help=_("the audit log"))
    audit_commands = audit_parser.add_subparsers(dest="audit_command", metavar="ACTION",
                                                 required=True)
    audit_commands.add_parser("verify", parents=[common],
                              help=_("recompute the audit chain")).set_defaults(
        handler=cmd_audit_verify)
    from shelterdesk.cli import audit_commands as audit_reading

    audit_reading.register(audit_commands, common)


def cmd_init(args: argparse.Namespace) -> int:
    vault = Vault(data_dir(args))
    passphrase = read_secret(PASSPHRASE_ENV, _("New passphrase for {user}: ").format(
        user=args.admin), confirm=True)
    created = vault.create(args.admin, passphrase, org_name=args.org_name, prefix=args.prefix,
                           display_name=args.display_name)
    if flag(args, "json"):
        print_json({"data_dir": str(vault.directory), "vault_id": created.vault_id,
                    "recovery_key": created.recovery_key})
        return 0
    say(_("Vault created in {path}.").format(path=vault.directory))
    say(_("Recovery key — shown only this once. Write it down or print it, "
          "and keep it sealed away from the laptop:"))
    say("")
    say("    " + created.recovery_key)
    say("")
    return 0


def _roles(values: list[str]) -> list[Role]:
    try:
        return parse_roles(values)
    except ValueError as exc:
        raise CliError(N_("Unknown role “{role}”; use one of: {roles}."), role=str(exc),
                       roles=", ".join(r.value for r in Role)) from None


def cmd_user_add(args: argparse.Namespace) -> int:
    roles = _roles(args.role)
    with unlock(args) as session:
        new_passphrase = read_secret(
            NEW_PASSPHRASE_ENV, _("New passphrase for {user}: ").format(user=args.username),
            confirm=True)
        user = users.add_user(session, args.username, roles, new_passphrase, args.display_name)
    if flag(args, "json"):
        print_json({"id": user.id, "username": user.username,
                    "roles": [r.value for r in user.roles]})
    else:
        say(_("User {user} added.").format(user=user.username))
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        found = users.list_users(session)
        proofs = users.role_proofs(session)
    if flag(args, "json"):
        print_json([{"id": u.id, "username": u.username, "display_name": u.display_name,
                     "roles": [r.value for r in u.roles], "disabled": u.disabled,
                     "signed": _proof_json(proofs.get(u.id))}
                    for u in found])
        return 0
    if not found:
        say(_("No users."))
    width = max((len(user.username) for user in found), default=0) + 2
    names = max((len(user.display_name) for user in found), default=0) + 2
    for user in found:
        state = _("disabled") if user.disabled else _("active")
        say(f"{user.username:<{width}}{user.display_name or '—':<{names}}{state:<10} "
            + ", ".join(role_label(r) for r in user.roles))
        say(" " * width + "  " + users.describe_proof(proofs.get(user.id)))
    return 0


def _proof_json(proof: users.RoleProof | None) -> dict | None:
    """What the coordinator-signed chain proves of the user (None: roles not signed yet)."""
    if proof is None or not proof.signed:
        return None
    return {"verified": proof.matches and bool(proof.signed_by),
            "roles": [r.value for r in proof.proven_roles], "disabled": proof.proven_disabled,
            "claimed": [r.value for r in proof.claimed_roles],
            "signed_by": proof.signed_by, "signed_at": proof.signed_at,
            "founder": proof.founder, "keys_verified": not proof.key_unproven}


def cmd_user_disable(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        report = users.disable_user(session, args.username)
    say(_("User {user} disabled.").format(user=args.username))
    keys_commands.say_report(report)
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        current = os.environ.get(PASSPHRASE_ENV) or ""
        new = read_secret(NEW_PASSPHRASE_ENV, _("New passphrase: "), confirm=True)
        users.change_own_passphrase(session, current, new)
    say(_("Passphrase changed."))
    return 0


def cmd_user_reset(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        new = read_secret(NEW_PASSPHRASE_ENV, _("New passphrase for {user}: ").format(
            user=args.username), confirm=True)
        report = users.reset_passphrase(session, args.username, new)
        keys_commands.say_report(report)
    say(_("Passphrase of {user} reset.").format(user=args.username))
    return 0


def cmd_user_roles(args: argparse.Namespace) -> int:
    """The window's Change roles…: the change is signed with the coordinator's own key."""
    roles = _roles(args.role)
    with unlock(args) as session:
        users.set_roles(session, args.username, roles)
    if flag(args, "json"):
        print_json({"username": args.username, "roles": [r.value for r in roles]})
    else:
        say(_("Roles of {user} changed.").format(user=args.username))
    return 0


def cmd_user_enable(args: argparse.Namespace) -> int:
    """The window's Re-enable…: a new passphrase, and the enabling signed."""
    with unlock(args) as session:
        new = read_secret(NEW_PASSPHRASE_ENV, _("New passphrase for {user}: ").format(
            user=args.username), confirm=True)
        users.enable_user(session, args.username, new)
    say(_("User {user} enabled again.").format(user=args.username))
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    vault = Vault(data_dir(args))
    user = acting_user(args)
    key = read_secret(RECOVERY_ENV, _("Recovery key: "))
    new = read_secret(NEW_PASSPHRASE_ENV, _("New passphrase for {user}: ").format(user=user),
                      confirm=True)
    with vault.unlock_with_recovery(key, user, new):
        pass
    say(_("Passphrase of {user} set with the recovery key.").format(user=user))
    return 0


def cmd_recovery_key_new(args: argparse.Namespace) -> int:
    """The same call as the window's: a new key, shown once, the old one void."""
    with unlock(args) as session:
        text = session.replace_recovery_key()
        if flag(args, "json"):
            print_json({"recovery_key": text})
            return 0
        say(_("The new recovery key (shown only this once; the old one no longer works):"))
        say("    " + text)
        say(_("Write it down or print it and keep it locked away; then type it back with "
              "“shelterdesk recovery-key confirm”."))
    return 0


def cmd_recovery_key_confirm(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        session.confirm_recovery_key(read_secret(RECOVERY_ENV, _("Recovery key: ")))
    say(_("The recovery key is confirmed."))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        session.require_role(Role.COORDINATOR, action=N_("verify the audit log"))
        with session.lock:
            report = audit.verify(session.connection)
        session.audit("audit.verify", ok=report.ok)
    if flag(args, "json"):
        print_json({"ok": report.ok, "rows": report.rows, "first_bad_seq": report.first_bad_seq,
                    "reason": report.reason})
    elif report.ok:
        say(ngettext("Audit log intact: {count} entry verified.",
                     "Audit log intact: {count} entries verified.",
                     report.rows).format(count=report.rows))
    if not report.ok:
        raise CliError(N_("The audit log has been tampered with at entry {seq} ({reason})."),
                       seq=report.first_bad_seq, reason=report.reason)
    return 0
