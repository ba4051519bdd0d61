"""What each tab of a client file lists, how it loads, which form adds to it, what acts on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from shelterdesk.domain import codes_case
from shelterdesk.domain import codes_services as codes
from shelterdesk.domain.evidence import SEALED_TEXT
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.shelters import DISCHARGE_REASONS
from shelterdesk.domain.validation import field_label
from shelterdesk.i18n import N_, _, format_date, format_datetime, format_list
from shelterdesk.i18n.territories import country_name
from shelterdesk.store.records import (
    care,
    case_stays,
    consents,
    organisations,
    perpetrators,
    referrals,
    staff,
    tasks,
)
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.consent_form import ConsentForm
from shelterdesk.ui.cases.correction_forms import (
    ConsentAmendForm,
    FollowUpCorrectionForm,
    LegalCorrectionForm,
    MedicalCorrectionForm,
    NoteCorrectionForm,
    PerpetratorCorrectionForm,
    ServiceCorrectionForm,
)
from shelterdesk.ui.cases.follow_up_form import FollowUpForm
from shelterdesk.ui.cases.legal_form import LegalConsultationForm
from shelterdesk.ui.cases.medical_form import MedicalServiceForm
from shelterdesk.ui.cases.note_form import NoteForm
from shelterdesk.ui.cases.perpetrator_form import PerpetratorForm
from shelterdesk.ui.cases.records_tab import Column, TabAction, TabSpec
from shelterdesk.ui.cases.service_form import OtherServiceForm


@dataclass(frozen=True)
class Named:
    """A record with the names it refers to (organisation, author) already looked up."""

    record: Any
    name: str = ""


def day(value: date | datetime | None) -> str:
    return format_date(value, fmt="medium") if value else ""


def moment(value: datetime | None) -> str:
    return format_datetime(value.astimezone(), fmt="short") if value else ""


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def lines(*pairs: tuple[str, str]) -> str:
    """Label and value rows (rich text, every value escaped); empty values left out."""
    rows = "".join(
        f"<tr><td style='color:#5b6975; padding-right:14px'>{escape(label)}</td>"
        f"<td>{escape(value).replace(chr(10), '<br>')}</td></tr>"
        for label, value in pairs if value)
    return f"<table cellspacing='0' cellpadding='2'>{rows}</table>" if rows else ""


def paragraphs(text: str) -> str:
    """Free text (a note, a description) as escaped rich text."""
    return escape(text).replace("\n", "<br>")


def _org_names(session: Session) -> dict[str, str]:
    return {org.id: org.name for org in organisations.list_organisations(session)}


def _staff_names(session: Session) -> dict[str, str]:
    return {member.id: member.name for member in staff.list_staff(session)}


# --- legal, medical, other services -----------------------------------------------------------
LEGAL = TabSpec(
    "legal", Kind.LEGAL, N_("Legal"),
    N_("Legal consultations are privileged: only legal advisors and coordinators see them."),
    N_("No legal consultation recorded yet."),
    (Column(N_("Date"), lambda r: day(r.date)),
     Column(N_("Topic"), lambda r: codes.LEGAL_TOPICS.label(r.topic), stretch=True),
     Column(N_("Minutes"), lambda r: str(r.duration_minutes or "")),
     Column(N_("Next step"), lambda r: r.next_step),
     Column(N_("Next step date"), lambda r: day(r.next_step_date))),
    care.list_legal_consultations, LegalConsultationForm, N_("Record a consultation…"),
    lambda r: lines((field_label("summary"), r.summary), (field_label("outcome"), r.outcome),
                    (_("Next step"), r.next_step),
                    (field_label("next_step_date"), day(r.next_step_date)),
                    (_("Interpreter"), yes_no(r.interpreter_used))),
    correct=LegalCorrectionForm, history_table="legal_consultations")

MEDICAL = TabSpec(
    "medical", Kind.MEDICAL, N_("Medical"),
    N_("Medical records: only medical staff and coordinators see them."),
    N_("No medical service recorded yet."),
    (Column(N_("Date"), lambda r: day(r.date)),
     Column(N_("Service"), lambda r: codes.MEDICAL_KINDS.label(r.kind), stretch=True),
     Column(N_("Doctor or clinic"), lambda r: r.provider),
     Column(N_("See again on"), lambda r: day(r.follow_up_date))),
    care.list_medical_services, MedicalServiceForm, N_("Record a medical service…"),
    lambda r: lines((field_label("summary"), r.summary), (_("Doctor or clinic"), r.provider),
                    (_("See again on"), day(r.follow_up_date))),
    correct=MedicalCorrectionForm, history_table="medical_services")


def _load_services(session: Session, case_id: str) -> list[Named]:
    names = _org_names(session)
    return [Named(s, names.get(s.provider_org_id, ""))
            for s in care.list_other_services(session, case_id)]


SERVICES = TabSpec(
    "services", Kind.SERVICE, N_("Services"),
    N_("Psychosocial support, interpretation, documents, training and the other services."),
    N_("No service recorded yet."),
    (Column(N_("Date"), lambda n: day(n.record.date)),
     Column(N_("Service"), lambda n: codes.OTHER_SERVICE_KINDS.label(n.record.kind)),
     Column(N_("Provided by"), lambda n: n.name or _("our organisation")),
     Column(N_("Description"), lambda n: n.record.description, stretch=True)),
    _load_services, OtherServiceForm, N_("Record a service…"),
    lambda n: paragraphs(n.record.description),
    correct=ServiceCorrectionForm, history_table="other_services")

# --- stays and referrals (read-only here) ---------------------------------------------------
STAYS = TabSpec(
    "stays", Kind.STAY, N_("Stays"),
    N_("Shelter stays of this case. Admit to a free bed or discharge here, or on the Shelter "
       "board."),
    N_("This client has not stayed in a shelter."),
    (Column(N_("Admitted on"), lambda r: day(r.stay.admitted_on)),
     Column(N_("Discharged on"), lambda r: day(r.stay.discharged_on) or _("still there")),
     Column(N_("Where"), lambda r: r.place, stretch=True),
     Column(N_("Reason"), lambda r: DISCHARGE_REASONS.label(r.stay.discharge_reason)
            if r.stay.discharge_reason else "")),
    case_stays.stays_with_beds, history_table="stays")

REFERRALS = TabSpec(
    "referrals", Kind.REFERRAL, N_("Referrals"),
    N_("Referrals of this case to other organisations. New referrals and status changes "
       "are made in the Referrals section."),
    N_("No referral yet."),
    (Column(N_("Date"), lambda r: day(r.referral.referred_on)),
     Column(N_("To"), lambda r: r.org_name, stretch=True),
     Column(N_("Services"), lambda r: format_list(
         [codes.SERVICES.label(c) for c in r.referral.services])),
     Column(N_("Status"), lambda r: codes.REFERRAL_STATUS.label(r.referral.status)),
     Column(N_("Anonymized"), lambda r: yes_no(r.referral.anonymized))),
    lambda session, case_id: referrals.list_referrals(session, case_id=case_id),
    details=lambda r: lines((field_label("outcome"), r.referral.outcome),
                            (field_label("urgency"), codes.URGENCY.label(r.referral.urgency))))


# --- consents --------------------------------------------------------------------------------
def consent_state(consent: Any, today: date | None = None) -> str:
    today = today or date.today()
    if consent.withdrawn_on and consent.withdrawn_on <= today:
        return _("withdrawn on {date}").format(date=day(consent.withdrawn_on))
    if consent.expires_on and consent.expires_on < today:
        return _("expired on {date}").format(date=day(consent.expires_on))
    return _("in force")


def _load_consents(session: Session, case_id: str) -> list[Named]:
    names = _org_names(session)
    return [Named(c, names.get(c.to_org_id, ""))
            for c in consents.list_consents(session, case_id, current_only=True)]


CONSENTS = TabSpec(
    "consents", Kind.CONSENT, N_("Consents"),
    N_("Nothing identifying leaves the organisation without a consent in force for it."),
    N_("No consent recorded yet."),
    (Column(N_("Purpose"), lambda n: codes.CONSENT_PURPOSES.label(n.record.purpose),
            stretch=True),
     Column(N_("Organisation"), lambda n: n.name or _("any")),
     Column(N_("Given as"), lambda n: codes.CONSENT_METHODS.label(n.record.method)),
     Column(N_("Given on"), lambda n: day(n.record.given_on)),
     Column(N_("Valid until"), lambda n: day(n.record.expires_on)),
     Column(N_("State"), lambda n: consent_state(n.record))),
    _load_consents, ConsentForm, N_("Record a consent…"),
    lambda n: lines((_("What may be shared"), format_list(
        [codes.CONSENT_SCOPE.label(c) for c in n.record.details])),
        (_("In the client's words (before scopes were ticked)"), n.record.scope)),
    (TabAction(N_("Withdraw…"), lambda session, n: consents.withdraw_consent(
        session, n.record.id), lambda n: n.record.in_force(date.today()),
        confirm=N_("Withdraw this consent from today? Referrals that rely on it will need a "
                   "new one."), done=N_("Consent withdrawn."), kind_action=Action.CREATE),),
    # Amended versions replace the row; the replaced ones are its earlier versions.
    correct=ConsentAmendForm, history_table="consents", amends=True,
    correctable=lambda c: c.withdrawn_on is None and not c.superseded_by)


# --- perpetrators, notes, follow-ups -------------------------------------------------------
PERPETRATORS = TabSpec(
    "perpetrators", Kind.PERPETRATOR, N_("Perpetrators"),
    N_("As the client describes them. Never part of an anonymized sheet."),
    N_("No perpetrator described yet."),
    (Column(N_("Role"), lambda p: format_list(
        [codes.PERPETRATOR_ROLES.label(c) for c in p.roles]), stretch=True),
     Column(N_("Relationship"), lambda p: codes_case.TRAFFICKER_RELATIONSHIP.label(
         p.relationship) if p.relationship else ""),
     Column(N_("Sex"), lambda p: codes_case.SEX.label(p.sex)),
     Column(N_("Nationality"), lambda p: country_name(p.nationality) if p.nationality else ""),
     Column(N_("Accounts"), lambda p: str(len(p.accounts)) if p.accounts else "")),
    perpetrators.list_perpetrators, PerpetratorForm, N_("Describe a perpetrator…"),
    lambda p: lines((field_label("description"), _(SEALED_TEXT)),
                    (_("Evidence items"), str(len(p.evidence_ids)) if p.evidence_ids else ""))
    if p.sealed else lines((field_label("description"), p.description),
                    (_("Online accounts"), ", ".join(
                        f"{codes_case.PLATFORMS.label(a.get('platform', ''))}: "
                        f"{a.get('handle', '')}" for a in p.accounts)),
                    (_("Phone numbers"), ", ".join(p.phones)),
                    (_("Evidence items"), str(len(p.evidence_ids)) if p.evidence_ids else "")),
    correct=PerpetratorCorrectionForm, history_table="perpetrators")


def _load_notes(session: Session, case_id: str) -> list[Named]:
    names = _staff_names(session)
    return [Named(n, names.get(n.author_id, "")) for n in tasks.list_notes(session, case_id)]


NOTES = TabSpec(
    "notes", Kind.NOTE, N_("Notes"), N_("Notes are found by the case search."),
    N_("No note yet."),
    (Column(N_("Written"), lambda n: moment(n.record.created_at)),
     Column(N_("Written by"), lambda n: n.name),
     Column(N_("Note"), lambda n: n.record.body, stretch=True)),
    _load_notes, NoteForm, N_("Add a note…"), lambda n: paragraphs(n.record.body),
    correct=NoteCorrectionForm, history_table="notes")


def task_state(task: Any, today: date | None = None) -> str:
    bucket = task.bucket(today or date.today())
    return {"done": _("done"), "overdue": _("overdue"), "today": _("due today"),
            "week": _("this week"), "later": _("later")}[bucket]


FOLLOW_UPS = TabSpec(
    "follow_ups", Kind.FOLLOW_UP, N_("Follow-ups"),
    N_("Court dates, check-ins and deadlines of this case; all of yours are in Follow-ups."),
    N_("No follow-up task yet."),
    (Column(N_("Due"), lambda t: day(t.due_on)),
     Column(N_("Task"), lambda t: codes.FOLLOW_UP_KINDS.label(t.kind)),
     Column(N_("Description"), lambda t: t.description, stretch=True),
     Column(N_("State"), task_state)),
    tasks.list_follow_ups, FollowUpForm, N_("Add a follow-up task…"),
    lambda t: paragraphs(t.description),
    (TabAction(N_("Mark done"), lambda session, t: tasks.complete_follow_up(session, t.id),
               lambda t: t.done_at is None, done=N_("Task marked done.")),),
    correct=FollowUpCorrectionForm, history_table="follow_ups")

ORDER = ("legal", "medical", "services", "stays", "referrals", "consents", "perpetrators",
         "notes", "follow_ups")
SPECS = {spec.key: spec for spec in (LEGAL, MEDICAL, SERVICES, STAYS, REFERRALS, CONSENTS,
                                     PERPETRATORS, NOTES, FOLLOW_UPS)}
