"""Code lists for a person and a case: sex, exploitation, recruitment, control, status, risk.

Codes are those of docs/ARCHITECTURE.md (stable, never translated); ``htcds`` gives the value
name of IOM's Human Trafficking Case Data Standard 2.0 used in exports, and
``local=True`` marks our additions that HTCDS has no value for.
"""

from __future__ import annotations

from shelterdesk.domain.vocabulary import Term, Vocabulary
from shelterdesk.i18n import N_

SEX = Vocabulary("sex", [
    Term("female", N_("Female"), "Female"),
    Term("male", N_("Male"), "Male"),
    Term("other", N_("Other"), "Transgender/NonConforming"),
    Term("unknown", N_("Unknown"), "Unknown"),
], htcds_field="prs_Gender")

EXPLOITATION_TYPES = Vocabulary("exploitation_types", [
    Term("sexual", N_("Sexual exploitation"), "SexualExploitation"),
    Term("forced_labour", N_("Forced labour"), "ForcedLabour"),
    Term("domestic_servitude", N_("Domestic servitude"), "DomesticServitude"),
    Term("forced_marriage", N_("Forced marriage"), "ForcedMarriage"),
    Term("forced_begging", N_("Forced begging"), "ForcedBegging"),
    Term("forced_criminality", N_("Forced criminal activity"), "ForcedCriminalActivity"),
    Term("organ_removal", N_("Organ removal"), "OrganRemoval"),
    Term("other", N_("Other exploitation"), "Other"),
], multi=True, htcds_field="vic_TypeOfExploitation")

RECRUITMENT_CHANNELS = Vocabulary("recruitment_channels", [
    Term("social_network", N_("Social network"), "Internet"),
    Term("dating_app", N_("Dating app"), "Internet", local=True),
    Term("online_job_ad", N_("Online job advert"), "JobOffer"),
    Term("offline_job_ad", N_("Job advert or agency (offline)"), "JobOffer"),
    Term("acquaintance", N_("Acquaintance"), "Other"),
    Term("family", N_("Family member"), "Familial"),
    Term("intimate_partner", N_("Intimate partner"), "IntimatePartner"),
    Term("other", N_("Other channel"), "Other"),
], htcds_field="vic_MethodOfRecruitment")

# Channels where a platform is asked for.
ONLINE_CHANNELS = frozenset({"social_network", "dating_app", "online_job_ad"})

PLATFORMS = Vocabulary("platforms", [
    Term("facebook", N_("Facebook"), "Facebook"),
    Term("instagram", N_("Instagram"), "Instagram"),
    Term("tiktok", N_("TikTok"), "TikTok"),
    Term("vkontakte", N_("VKontakte"), "Other", local=True),
    Term("odnoklassniki", N_("Odnoklassniki"), "Other", local=True),
    Term("telegram", N_("Telegram"), "Telegram"),
    Term("whatsapp", N_("WhatsApp"), "WhatsApp"),
    Term("tinder", N_("Tinder"), "Other", local=True),
    Term("badoo", N_("Badoo"), "Other", local=True),
    Term("other", N_("Other platform"), "Other"),
], htcds_field="vic_RecruitmentWebsitesAndApps")

MEANS_OF_CONTROL = Vocabulary("means_of_control", [
    Term("debt_bondage", N_("Debt bondage"), "DebtBondage"),
    Term("withheld_documents", N_("Withheld documents"), "WithholdsDocuments"),
    Term("withheld_wages", N_("Withheld wages"), "TakesEarnings"),
    Term("threats_self", N_("Threats to the person"), "Threats"),
    Term("threats_family", N_("Threats to family"), "Threats", local=True),
    Term("physical_violence", N_("Physical violence"), "PhysicalAbuse"),
    Term("sexual_violence", N_("Sexual violence"), "SexualAbuse"),
    Term("psychological_abuse", N_("Psychological abuse"), "PsychologicalAbuse"),
    Term("restricted_movement", N_("Restricted movement"), "RestrictsMovement"),
    Term("isolation", N_("Isolation"), "Other", local=True),
    Term("substances", N_("Psychoactive substances"), "PsychoactiveSubstances"),
    Term("false_promises", N_("False promises"), "FalsePromises"),
    Term("other", N_("Other means of control"), "Other"),
], multi=True, htcds_field="vic_MethodsOfControl")

VICTIM_STATUS = Vocabulary("victim_status", [
    Term("presumed", N_("Presumed victim"), "Presumed"),
    Term("identified", N_("Officially identified victim"), "Confirmed"),
    Term("not_victim", N_("Not a victim"), "NotTrafficked"),
], htcds_field="vic_TraffickingStatus")

IDENTIFIED_BY = Vocabulary("identified_by", [
    Term("police", N_("Police"), "LawEnforcement"),
    Term("ngo", N_("NGO"), "NGO"),
    Term("hotline", N_("Hotline"), "Hotline"),
    Term("self_referral", N_("Self-referral"), "SelfReferral"),
    Term("embassy", N_("Embassy or consulate"), "Embassy"),
    Term("labour_inspection", N_("Labour inspection"), "LabourInspection"),
    Term("other", N_("Other source"), "Other"),
], htcds_field="cas_IdentifiedBy")

VULNERABILITIES = Vocabulary("vulnerabilities", [
    Term("poverty", N_("Poverty"), "Poverty"),
    Term("migration", N_("Migration"), "Migration"),
    Term("homelessness", N_("Homelessness"), "Homelessness"),
    Term("disability", N_("Disability or physical health"), "DisabilityAndPhysicalHealth"),
    Term("mental_health", N_("Mental health"), "MentalHealth"),
    Term("addiction", N_("Addiction"), "Addiction"),
    Term("minor", N_("Minor"), "Other", local=True),
    Term("social_media_abuse", N_("Abuse through social media"), "AbuseSocialMedia"),
    Term("physical_abuse", N_("Physical abuse"), "AbusePhysical"),
    Term("discrimination", N_("Discrimination"), "Discrimination"),
    Term("education", N_("Lack of education"), "Education"),
    Term("other", N_("Other vulnerability"), "Other", local=True),
], multi=True, htcds_field="vic_Vulnerabilities")

TRAFFICKER_RELATIONSHIP = Vocabulary("trafficker_relationship", [
    Term("stranger", N_("Stranger"), "Stranger", local=True),
    Term("acquaintance", N_("Acquaintance"), "Acquaintance", local=True),
    Term("friend", N_("Friend"), "Friend", local=True),
    Term("intimate_partner", N_("Intimate partner"), "IntimatePartner", local=True),
    Term("family", N_("Family member"), "Family", local=True),
    Term("employer", N_("Employer"), "Employer", local=True),
    Term("online_contact", N_("Met online"), "OnlineContact", local=True),
    Term("unknown", N_("Unknown"), "Unknown", local=True),
], htcds_field="per_RelationshipToVictim")

RISK_LEVELS = Vocabulary("risk_levels", [
    Term("high", N_("High risk"), "High", local=True),
    Term("medium", N_("Medium risk"), "Medium", local=True),
    Term("low", N_("Low risk"), "Low", local=True),
])

CASE_STATUS = Vocabulary("case_status", [
    Term("open", N_("Open"), "Active"),
    Term("follow_up", N_("In follow-up"), "FollowUp"),
    Term("closed", N_("Closed"), "Closed"),
    Term("closed_referred", N_("Closed (referred)"), "ClosedReferred"),
], htcds_field="cas_Status")
