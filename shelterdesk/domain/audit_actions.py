"""Audit actions in words: ``case.view`` → "Case: viewed", from the action's two parts.

The log stores stable codes (scripts and the CSV export use them); people read labels
built from the thing acted on and what was done. An unknown part is shown as its code.
"""

from __future__ import annotations

from shelterdesk.i18n import N_, _

THINGS = {
    "audit": N_("Audit log"), "backup": N_("Backup"), "bed": N_("Bed"), "case": N_("Case"),
    "client": N_("Client"), "consent": N_("Consent"), "demo": N_("Demo data"),
    "compartments": N_("Legal, medical and evidence keys"),
    "emergency": N_("Emergency erase"), "evidence": N_("Evidence"),
    "follow_up": N_("Follow-up task"), "import": N_("Import"), "legal": N_("Legal consultation"),
    "lock": N_("Locking"), "login": N_("Login"), "logout": N_("Logout"),
    "medical": N_("Medical service"), "note": N_("Note"), "organisation": N_("Organisation"),
    "permission": N_("Permission"), "perpetrator": N_("Perpetrator"),
    "referral": N_("Referral"), "roles": N_("Roles"), "room": N_("Room"),
    "service": N_("Other service"),
    "settings": N_("Settings"), "shelter": N_("Shelter"), "stats": N_("Statistics"),
    "stay": N_("Stay"), "sync": N_("Sync"), "user": N_("User"), "vault": N_("Vault"),
}
DEEDS = {
    "add": N_("added"), "admit": N_("admitted"), "change": N_("changed"),
    "conflict": N_("conflict"), "conflicts": N_("conflicts"), "create": N_("created"),
    "csv": N_("CSV file"), "custody": N_("custody recorded"), "denied": N_("refused"),
    "disable": N_("disabled"), "discharge": N_("discharged"), "done": N_("done"),
    "edit": N_("edited"), "enroll": N_("laptop joined"), "erase": N_("erased"),
    "export": N_("exported"), "failed": N_("failed"), "generate": N_("generated"),
    "idle": N_("after idle time"), "invite": N_("laptop invited"), "join": N_("by joining"),
    "key_mismatch": N_("the published evidence key did not match (changed outside the "
                       "program?)"),
    "passwd": N_("passphrase changed"), "policy": N_("settings changed"),
    "print": N_("printed"), "prune": N_("old copies removed"),
    "recovery": N_("with the recovery key"),
    "reopen": N_("reopened"), "reserve": N_("reserved"), "reset": N_("passphrase reset"),
    "resolve": N_("resolved"), "restore": N_("restored"), "reveal": N_("name shown"),
    "revoke": N_("laptop revoked"), "roles": N_("roles changed"),
    "roster_refused": N_("unsigned change of roles or laptops refused"),
    "unproven": N_("not signed by a coordinator, not believed"),
    "rollback_detected": N_("rollback detected"), "run": N_("run"),
    "screen": N_("screen locked"), "share": N_("given to their holders"),
    "status": N_("status changed"), "verify": N_("verified"),
    "view": N_("viewed"), "withdraw": N_("withdrawn"),
}


def action_label(action: str) -> str:
    """``case.view`` → "Case: viewed"; ``sync.conflict.resolve`` → "Sync: conflict, resolved"."""
    thing, _dot, rest = action.partition(".")
    name = _(THINGS[thing]) if thing in THINGS else thing
    if not rest:
        return name
    deeds = [_(DEEDS[part]) if part in DEEDS else part for part in rest.split(".")]
    return _("{thing}: {what}").format(thing=name, what=", ".join(deeds))
