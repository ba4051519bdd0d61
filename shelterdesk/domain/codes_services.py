"""Code lists for services, referrals, consents, evidence, perpetrators and follow-ups."""

from __future__ import annotations

from shelterdesk.domain.vocabulary import Term, Vocabulary
from shelterdesk.i18n import N_

# Services requested in a referral or delivered (docs/ARCHITECTURE.md, "services").
SERVICES = Vocabulary("services", [
    Term("legal", N_("Legal aid"), "Legal"),
    Term("medical", N_("Medical care"), "Medical"),
    Term("psychosocial", N_("Psychosocial support"), "Psychosocial"),
    Term("shelter", N_("Shelter"), "Shelter"),
    Term("interpretation", N_("Interpretation"), "Interpretation", local=True),
    Term("financial", N_("Financial aid"), "Financial"),
    Term("vocational", N_("Vocational training"), "Vocational"),
    Term("education", N_("Education"), "Education"),
    Term("family_tracing", N_("Family tracing"), "FamilyTracing"),
    Term("return", N_("Return"), "Return"),
    Term("reintegration", N_("Reintegration"), "Reintegration"),
    Term("documents", N_("Identity documents"), "Documents", local=True),
], multi=True, htcds_field="spl_Type")

# Other (non-legal, non-medical) services delivered in-house.
OTHER_SERVICE_KINDS = Vocabulary("other_service_kinds", [
    term for term in SERVICES if term.code not in ("legal", "medical", "shelter")
])

LEGAL_TOPICS = Vocabulary("legal_topics", [
    Term("victim_status", N_("Victim-status application"), "", local=True),
    Term("criminal_proceedings", N_("Criminal proceedings and testimony"), "", local=True),
    Term("compensation", N_("Compensation claim"), "", local=True),
    Term("labour_claim", N_("Labour claim"), "", local=True),
    Term("residence_migration", N_("Residence and migration"), "", local=True),
    Term("family_law", N_("Family law"), "", local=True),
    Term("identity_documents", N_("Identity documents"), "", local=True),
    Term("other", N_("Other legal matter"), "", local=True),
])

MEDICAL_KINDS = Vocabulary("medical_kinds", [
    Term("examination", N_("Examination"), "", local=True),
    Term("treatment", N_("Treatment"), "", local=True),
    Term("sexual_reproductive", N_("Sexual and reproductive health"), "", local=True),
    Term("mental_health", N_("Mental health care"), "", local=True),
    Term("dental", N_("Dental care"), "", local=True),
    Term("medication", N_("Medication"), "", local=True),
    Term("hospitalisation", N_("Hospitalisation"), "", local=True),
    Term("follow_up", N_("Medical follow-up"), "", local=True),
    Term("other", N_("Other medical service"), "", local=True),
])

ORGANISATION_KINDS = Vocabulary("organisation_kinds", [
    Term("ngo", N_("NGO"), "NGO"),
    Term("state", N_("State body"), "CentralGovernmentOrganisation"),
    Term("international", N_("International organisation"), "Other", local=True),
])

REFERRAL_STATUS = Vocabulary("referral_status", [
    Term("draft", N_("Draft"), "", local=True),
    Term("sent", N_("Sent"), "InProgress"),
    Term("accepted", N_("Accepted"), "Accepted"),
    Term("declined", N_("Declined"), "Rejected"),
    Term("completed", N_("Completed"), "Done"),
])

# Allowed moves of a referral's status.
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"sent"}),
    "sent": frozenset({"accepted", "declined"}),
    "accepted": frozenset({"completed"}),
    "declined": frozenset(),
    "completed": frozenset(),
}

URGENCY = Vocabulary("urgency", [
    Term("emergency", N_("Emergency (today)"), "", local=True),
    Term("urgent", N_("Urgent (within 3 days)"), "", local=True),
    Term("routine", N_("Routine"), "", local=True),
])

CONSENT_PURPOSES = Vocabulary("consent_purposes", [
    Term("data_storage", N_("Storing personal data"), "AgreementToManagePersonalData"),
    Term("referral", N_("Referral to another organisation"), "Referral", local=True),
    Term("law_enforcement", N_("Sharing with law enforcement"), "LawEnforcement", local=True),
    Term("medical_sharing", N_("Sharing medical information"), "MedicalSharing", local=True),
], htcds_field="con_Consent")

# What a consent lets leave the building: a person ticks each detail the client agreed to.
CONSENT_SCOPE = Vocabulary("consent_scope", [
    Term("name", N_("Full name"), "", local=True),
    Term("date_of_birth", N_("Date of birth"), "", local=True),
    Term("contact", N_("Contact details"), "", local=True),
    Term("address", N_("Address"), "", local=True),
    Term("document_number", N_("Identity document number"), "", local=True),
    Term("medical", N_("Medical information"), "", local=True),
    Term("photo", N_("Photo"), "", local=True),
], multi=True)

CONSENT_METHODS = Vocabulary("consent_methods", [
    Term("signed", N_("Signed form"), "", local=True),
    Term("verbal", N_("Verbal, witnessed"), "", local=True),
    Term("guardian", N_("Given by a guardian"), "", local=True),
])

EVIDENCE_KINDS = Vocabulary("evidence_kinds", [
    Term("screenshot", N_("Screenshot"), "", local=True),
    Term("profile_link", N_("Profile link"), "", local=True),
    Term("chat_export", N_("Chat export"), "", local=True),
    Term("payment_record", N_("Payment record"), "", local=True),
    Term("job_advert", N_("Job advert"), "", local=True),
    Term("photo", N_("Photo"), "", local=True),
    Term("document", N_("Document"), "", local=True),
    Term("other", N_("Other evidence"), "", local=True),
])

CUSTODY_EVENTS = Vocabulary("custody_events", [
    Term("captured", N_("Captured"), "", local=True),
    Term("copied", N_("Copied"), "", local=True),
    Term("handed_to_police", N_("Handed over to police"), "", local=True),
    Term("handed_to_prosecutor", N_("Handed over to prosecutor"), "", local=True),
    Term("returned", N_("Returned"), "", local=True),
    Term("exported", N_("Exported for investigators"), "", local=True),
])

PERPETRATOR_ROLES = Vocabulary("perpetrator_roles", [
    Term("recruiter", N_("Recruiter or intermediary"), "RecruiterOrIntermediary"),
    Term("transporter", N_("Transporter"), "Transporter"),
    Term("broker", N_("Broker or travel agent"), "BrokerTravelAgent"),
    Term("exploiter", N_("Exploiter"), "Exploiter"),
    Term("controller", N_("Controlled the person"), "ControlledIndividual"),
    Term("buyer", N_("Bought the person"), "BoughtIndividual"),
    Term("seller", N_("Sold the person"), "SoldIndividual"),
    Term("harbourer", N_("Harboured the person"), "HarbouredIndividual"),
    Term("abuser", N_("Abuser"), "Abuser"),
    Term("other", N_("Other role"), "Other"),
], multi=True, htcds_field="per_RoleInProcess")

FOLLOW_UP_KINDS = Vocabulary("follow_up_kinds", [
    Term("court_date", N_("Court date"), "", local=True),
    Term("medical", N_("Medical follow-up"), "", local=True),
    Term("consent_expiry", N_("Consent expiry"), "", local=True),
    Term("legal_deadline", N_("Legal deadline"), "", local=True),
    Term("check_in", N_("Check-in with the client"), "", local=True),
    Term("other", N_("Other task"), "", local=True),
])
