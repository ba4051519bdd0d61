"""The words printed on referral documents, marked for translation and translated per print."""

from __future__ import annotations

from typing import Protocol

from shelterdesk.domain.vocabulary import Vocabulary
from shelterdesk.i18n import N_


class Labels(Protocol):
    """What a document needs to speak one language: ``shelterdesk.i18n.Translator``."""

    language: str

    def gettext(self, message: str) -> str: ...


def term(labels: Labels, vocabulary: Vocabulary, code: str) -> str:
    """A code's label in the document's language (the code itself if it is unknown)."""
    return labels.gettext(vocabulary.term(code).label) if code in vocabulary else code


# Titles and markings
REFERRAL_FORM = N_("Referral form")
ANONYMIZED_SHEET = N_("Anonymized referral sheet")
CONFIDENTIAL = N_("CONFIDENTIAL")
ANONYMIZED = N_("ANONYMIZED")
CONFIDENTIAL_NOTE = N_("This form contains personal data of a survivor of human trafficking, "
                       "shared with the client's consent for this referral only. Do not copy "
                       "it or pass it on; keep it locked away and destroy it when it is no "
                       "longer needed.")
ANONYMIZED_NOTE = N_("This sheet identifies no one: it carries no names, dates of birth, "
                     "contact details, addresses or document numbers. Quote the case code "
                     "and the referral number when you reply.")
PAGE_OF = N_("Page {page} of {pages}")
FOOTER_CASE = N_("Case {code}")
QR_CAPTION = N_("Referral number and case code")

# Header
REFERRING_ORGANISATION = N_("Referring organisation")
CONTACT_PERSON = N_("Contact person")

# The referral
SECTION_REFERRAL = N_("Referral")
REFERRAL_NUMBER = N_("Referral number")
REFERRAL_DATE = N_("Referral date")
CASE_CODE = N_("Case code")
RECEIVING_ORGANISATION = N_("Receiving organisation")
SERVICES_REQUESTED = N_("Services requested")
URGENCY = N_("Urgency")

# The person
SECTION_CLIENT = N_("Client")
SECTION_PERSON = N_("Person referred")
NAME = N_("Full name")
OTHER_NAMES = N_("Other names")
SEX = N_("Sex")
DATE_OF_BIRTH = N_("Date of birth")
AGE = N_("Age")
AGE_ESTIMATED = N_("{age} (estimated)")
AGE_BAND = N_("Age band")
NATIONALITY = N_("Nationality")
REGION_OF = N_("{region} (region)")
PHONE = N_("Phone")
EMAIL = N_("E-mail")
ADDRESS = N_("Address")
DOCUMENT_NUMBER = N_("Document number")
EXPLOITATION_TYPES = N_("Types of exploitation")
SECTION_LANGUAGES = N_("Languages and interpretation")
LANGUAGES = N_("Languages")
INTERPRETER_NEEDED = N_("Interpreter needed")
MEDICAL_NEEDS = N_("Medical needs")
YES = N_("Yes")
NO = N_("No")
NOT_RECORDED = N_("Not recorded")


def yes_no_unknown(answer: bool | None) -> str:
    """The label for an answer that may never have been given: Yes, No or Not recorded."""
    return YES if answer else (NO if answer is False else NOT_RECORDED)
NOT_KNOWN = N_("Not known")
NONE_RECORDED = N_("None recorded")
NOT_SHOWN = N_("Not shown (generalised)")
NOT_STATED = N_("Not stated")
ANOTHER_LANGUAGE = N_("another language")
MINOR = N_("under 18")
ADULT = N_("18 or older")
GENERALISED_NOTE = N_("Generalised so that at least {k} clients of the referring organisation "
                      "share everything shown: {fields}.")
GENERALISED_FIELDS = {"languages": N_("languages"), "nationality": N_("nationality"),
                      "sex": N_("sex"), "age": N_("age"),
                      "exploitation": N_("types of exploitation")}

# Needs and medical information
SECTION_NEEDS = N_("Needs summary")
SECTION_MEDICAL = N_("Medical information")
MEDICAL_SHARED = N_("Shared with the client's consent to share medical information "
                    "(given on {date}).")
MEDICAL_FOLLOW_UP = N_("follow-up on {date}")

# Consent
SECTION_CONSENT = N_("Consent")
CONSENT_PURPOSE = N_("Purpose")
CONSENT_GIVEN_ON = N_("Given on")
CONSENT_METHOD = N_("How it was given")
CONSENT_EXPIRES = N_("Valid until")
CONSENT_SCOPE = N_("What may be shared")
CONSENT_NO_EXPIRY = N_("Until withdrawn")
OVERRIDE_TITLE = N_("Sent without a recorded consent (emergency)")
OVERRIDE_TEXT = N_("A coordinator, {name}, decided to send this referral without the "
                   "client's recorded consent, for this reason:")

# Signatures
SECTION_SIGNATURES = N_("Signatures")
CLIENT_SIGNATURE = N_("Client (or guardian)")
WORKER_SIGNATURE = N_("Referring worker")
SIGNATURE = N_("Signature")
DATE = N_("Date")
