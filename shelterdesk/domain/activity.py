"""Audit action codes as phrases a person reads in a client file's recent activity."""

from __future__ import annotations

from shelterdesk.i18n import N_, _

ACTIVITY_PHRASES: dict[str, str] = {
    "case.create": N_("Intake recorded"),
    "case.edit": N_("Case details corrected"),
    "client.edit": N_("Personal details corrected"),
    "client.reveal": N_("Name shown in privacy mode"),
    "legal.add": N_("Legal consultation recorded"),
    "medical.add": N_("Medical service recorded"),
    "service.add": N_("Service recorded"),
    "stay.admit": N_("Admitted to a shelter"),
    "stay.discharge": N_("Discharged from the shelter"),
    "referral.create": N_("Referral recorded"),
    "referral.status": N_("Referral status changed"),
    "referral.print": N_("Referral sheet printed"),
    "consent.add": N_("Consent recorded"),
    "consent.withdraw": N_("Consent withdrawn"),
    "evidence.add": N_("Digital evidence added"),
    "evidence.custody": N_("Evidence handed on or copied"),
    "perpetrator.add": N_("Perpetrator described"),
    "perpetrator.edit": N_("Perpetrator description changed"),
    "note.add": N_("Note added"),
    "follow_up.add": N_("Follow-up task added"),
    "follow_up.done": N_("Follow-up task done"),
    "case.close": N_("Case closed"),
    "case.reopen": N_("Case reopened"),
    "legal.correct": N_("Legal consultation corrected"),
    "medical.correct": N_("Medical service corrected"),
    "service.correct": N_("Service corrected"),
    "note.correct": N_("Note corrected"),
    "follow_up.correct": N_("Follow-up task corrected"),
    "evidence.correct": N_("Evidence description corrected"),
    "stay.correct": N_("Stay dates corrected"),
}


def activity_phrase(action: str) -> str:
    """The translated phrase for an audit action; a neutral one for codes not listed."""
    phrase = ACTIVITY_PHRASES.get(action)
    return _(phrase) if phrase else _("Other change ({action})").format(action=action)
