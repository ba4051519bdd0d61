"""Plain words for what syncing reports: phases, warnings, held changes, rollback, removal."""

from __future__ import annotations

from shelterdesk.i18n import N_, _, ngettext
from shelterdesk.sync.engine import SyncSummary

PHASES = {
    "receiving": N_("Receiving changes from the other laptops…"),
    "merging": N_("Merging what arrived…"),
    "sealing": N_("Sealing this laptop's changes…"),
    "sending": N_("Sending this laptop's changes…"),
}

WARNINGS = {
    "changes_from_the_future_held": N_(
        "Some changes are dated more than a day ahead of this laptop's clock, so they are held "
        "back (quarantined) until then; nothing is lost. Check the date and time on every "
        "laptop."),
    "peer_clock_ahead": N_(
        "Another laptop's clock is more than a day ahead of this one. Ask its user to correct "
        "the date and time."),
    "own_clock_was_ahead": N_(
        "This laptop's clock was once more than a day ahead; the other laptops may hold its "
        "newer changes back until their clocks catch up. Keep the date and time correct."),
    "newer_key_missing": N_(
        "The other laptops use a newer organisation key that this laptop has not received. "
        "If this laptop was removed from the organisation, it can no longer sync: ask a "
        "coordinator to invite it again."),
    "unsigned_roster_changes_refused": N_(
        "Another laptop sent changes to users' roles or to the organisation's laptops that no "
        "coordinator signed. They were refused and not applied. Someone may have changed a "
        "vault outside ShelterDesk: tell the founding coordinator (the audit log names the "
        "laptop)."),
    "waiting_for_related_records": N_(
        "Some records refer to records another laptop has not sent yet; they will connect "
        "once that laptop syncs."),
}

ROLLBACK = N_(
    "Syncing is stopped on this laptop: its vault is older than what the other laptops have "
    "already received from it (it was probably restored from a backup). To go on, note "
    "anything typed here since the restore, then set this laptop up again with a new "
    "invitation (Sync → Invite a laptop, on another laptop).")
REVOKED = N_(
    "This laptop was removed from the organisation. It can no longer send or receive "
    "changes. If that was a mistake, a coordinator can invite it again.")


def phase_text(phase: str) -> str:
    return _(PHASES.get(phase, phase))


def warning_text(code: str) -> str:
    return _(WARNINGS[code]) if code in WARNINGS else code


def relaying_text(forwarded: int, waiting: int) -> str:
    """What this sync passed on for laptops on other transports, and what waits for a key."""
    parts = []
    if forwarded:
        parts.append(ngettext(
            "{count} envelope from another laptop was passed on here for the laptops that "
            "sync only through this place.",
            "{count} envelopes from other laptops were passed on here for the laptops that "
            "sync only through this place.", forwarded).format(count=forwarded))
    if waiting:
        parts.append(ngettext(
            "{count} change about a client waits for that client's key from another laptop; "
            "it applies at a later sync.",
            "{count} changes about clients wait for those clients' keys from another laptop; "
            "they apply at a later sync.", waiting).format(count=waiting))
    return " ".join(parts)


def snapshot_text(covers: int, pruned: int) -> str:
    """What the newest snapshot covers and what was pruned (empty when there is none)."""
    if not covers:
        return ""
    text = ngettext(
        "The newest snapshot covers {count} change, so a new laptop starts from it.",
        "The newest snapshot covers {count} changes, so a new laptop starts from it.",
        covers).format(count=covers)
    if pruned:
        text += " " + ngettext(
            "{count} sync file every laptop holds was removed from the sync place.",
            "{count} sync files every laptop holds were removed from the sync place.",
            pruned).format(count=pruned)
    return text


def status_relaying_text(kept: int, waiting: int, covers: int = 0, pruned: int = 0) -> str:
    """The Sync page's sentence on store and forward and snapshots (empty: nothing to say)."""
    parts = [snapshot_text(covers, pruned)] if covers else []
    if kept:
        parts.append(ngettext(
            "This laptop keeps {count} envelope of other laptops to pass on to any sync place "
            "that lacks it, until every laptop has it.",
            "This laptop keeps {count} envelopes of other laptops to pass on to any sync place "
            "that lacks them, until every laptop has them.", kept).format(count=kept))
    if waiting:
        parts.append(ngettext(
            "{count} change about a client waits for that client's key.",
            "{count} changes about clients wait for their keys.", waiting).format(count=waiting))
    return " ".join(parts)


def summary_text(summary: SyncSummary) -> str:
    """One sentence for the status bar after a sync."""
    text = _("Synced: {received} changes received, {sent} sent.").format(
        received=summary.applied_changes, sent=summary.sent_changes)
    if summary.held_changes:
        text += " " + ngettext(
            "{count} change is held back: it is dated in the future.",
            "{count} changes are held back: they are dated in the future.",
            summary.held_changes).format(count=summary.held_changes)
    if summary.conflicts_open:
        text += " " + ngettext(
            "{count} conflict is waiting for a coordinator (Sync → Conflicts).",
            "{count} conflicts are waiting for a coordinator (Sync → Conflicts).",
            summary.conflicts_open).format(count=summary.conflicts_open)
    relaying = relaying_text(summary.forwarded_envelopes, summary.sealed_waiting)
    if summary.snapshot_changes:
        relaying = (ngettext(
            "This laptop started from a snapshot covering {count} change.",
            "This laptop started from a snapshot covering {count} changes.",
            summary.snapshot_changes).format(count=summary.snapshot_changes)
            + " " + relaying).strip()
    if summary.pruned_envelopes:
        relaying = (relaying + " " + ngettext(
            "{count} sync file every laptop holds was removed from the sync place.",
            "{count} sync files every laptop holds were removed from the sync place.",
            summary.pruned_envelopes).format(count=summary.pruned_envelopes)).strip()
    return f"{text} {relaying}" if relaying else text
