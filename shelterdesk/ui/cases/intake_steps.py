"""The pages of the intake form: who, identification, exploitation and recruitment, countries
and vulnerabilities, risk and needs, consents taken at intake."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from shelterdesk.domain import codes_case as codes
from shelterdesk.domain.clients import MAX_AGE
from shelterdesk.domain.codes_services import CONSENT_METHODS, CONSENT_PURPOSES
from shelterdesk.i18n import N_
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.fields import (
    AnswerField,
    CodeChecklist,
    CodePicker,
    DateField,
    LongTextField,
    NumberField,
    TextField,
)
from shelterdesk.ui.cases.org_picker import OrganisationPicker
from shelterdesk.ui.cases.staff_picker import StaffPicker
from shelterdesk.ui.cases.territory_fields import (
    CountryPicker,
    country_checklist,
    language_checklist,
)


class IntakeDialog(Protocol):
    """What a step needs of the intake form that builds it (the form imports this module,
    so the steps name the form's shape rather than import it)."""

    session: Session
    editing: bool
    fields: dict[str, Any]

    def add_field(self, form: QFormLayout, name: str, widget: Any, label: str = "") -> Any: ...


@dataclass(frozen=True)
class Step:
    title: str  # N_()
    intro: str  # N_()


def _page() -> tuple[QWidget, QFormLayout, QLabel]:
    inner = QWidget()
    layout = QVBoxLayout(inner)
    intro = QLabel()
    intro.setObjectName("pageIntro")
    intro.setWordWrap(True)
    layout.addWidget(intro)
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    layout.addLayout(form)
    layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a Tab stop of its own
    scroll.setWidget(inner)
    return scroll, form, intro


def build_who(dialog: IntakeDialog, form: QFormLayout) -> None:
    dialog.add_field(form, "given_name", TextField())
    dialog.add_field(form, "patronymic", TextField())
    dialog.add_field(form, "family_name", TextField())
    dialog.add_field(form, "other_names", TextField(), N_("Other names used"))
    # Required choices start empty ("Choose…"): a skipped field must not become data.
    dialog.add_field(form, "sex", CodePicker(codes.SEX, choose=True))
    dialog.add_field(form, "date_of_birth", DateField(optional=True, not_after_today=True,
                                                       years_back=30))
    dialog.add_field(form, "age_estimate", NumberField(0, MAX_AGE))
    dialog.add_field(form, "nationality", CountryPicker())
    dialog.add_field(form, "languages", language_checklist(), N_("Languages spoken"))
    dialog.add_field(form, "phone", TextField())
    dialog.add_field(form, "email", TextField())
    dialog.add_field(form, "address", TextField(), N_("Address"))
    dialog.add_field(form, "document_number", TextField(), N_("Identity document number"))


def build_identification(dialog: IntakeDialog, form: QFormLayout) -> None:
    dialog.add_field(form, "intake_date", DateField(not_after_today=True))
    dialog.add_field(form, "identified_by", CodePicker(codes.IDENTIFIED_BY, optional=True))
    dialog.add_field(form, "victim_status", CodePicker(codes.VICTIM_STATUS, choose=True))
    dialog.add_field(form, "status_decision_date", DateField(optional=True,
                                                             not_after_today=True))
    dialog.add_field(form, "status_authority", TextField())
    dialog.add_field(form, "interpreter_needed", AnswerField(), N_("Interpreter"))


def build_exploitation(dialog: IntakeDialog, form: QFormLayout) -> None:
    dialog.add_field(form, "exploitation_types", CodeChecklist(codes.EXPLOITATION_TYPES))
    dialog.add_field(form, "recruitment_channel",
                     CodePicker(codes.RECRUITMENT_CHANNELS, optional=True))
    dialog.add_field(form, "recruitment_platform", CodePicker(codes.PLATFORMS, optional=True))
    dialog.add_field(form, "trafficker_relationship",
                     CodePicker(codes.TRAFFICKER_RELATIONSHIP, optional=True))
    dialog.add_field(form, "means_of_control", CodeChecklist(codes.MEANS_OF_CONTROL))


def build_countries(dialog: IntakeDialog, form: QFormLayout) -> None:
    dialog.add_field(form, "countries_origin", country_checklist())
    dialog.add_field(form, "countries_transit", country_checklist())
    dialog.add_field(form, "countries_destination", country_checklist())
    dialog.add_field(form, "vulnerabilities", CodeChecklist(codes.VULNERABILITIES))


def build_risk(dialog: IntakeDialog, form: QFormLayout) -> None:
    dialog.add_field(form, "risk_level", CodePicker(codes.RISK_LEVELS, choose=True))
    if dialog.editing:
        dialog.add_field(form, "status", CodePicker(codes.CASE_STATUS), N_("Case status"))
    dialog.add_field(form, "assigned_worker_id", StaffPicker(dialog.session),
                     N_("Assigned worker"))
    dialog.add_field(form, "needs_summary", LongTextField(5, grow=True), N_("Needs and plan"))


def build_consents(dialog: IntakeDialog, form: QFormLayout) -> None:
    dialog.add_field(form, "consent_purposes", CodeChecklist(CONSENT_PURPOSES, columns=1),
                     N_("The client consents to"))
    dialog.add_field(form, "consent_org", OrganisationPicker(dialog.session),
                     N_("Referral to the organisation"))
    dialog.add_field(form, "consent_method", CodePicker(CONSENT_METHODS), N_("Given as"))
    dialog.add_field(form, "consent_expires", DateField(optional=True), N_("Valid until"))


STEPS: list[tuple[Step, Callable[[IntakeDialog, QFormLayout], None]]] = [
    (Step(N_("Who"), N_("The person in front of you. Only the given name is required; "
                        "write down what they are ready to tell.")), build_who),
    (Step(N_("Identification"), N_("How and when the client was identified, and their "
                                   "status as a victim of trafficking.")),
     build_identification),
    (Step(N_("Exploitation and recruitment"), N_(
        "What happened and how the client was recruited. The platform is asked for online "
        "channels only.")), build_exploitation),
    (Step(N_("Countries and vulnerabilities"), N_(
        "Where the client comes from, passed through and was taken to.")), build_countries),
    (Step(N_("Risk and needs"), N_("How safe the client is now and what they need first.")),
     build_risk),
    (Step(N_("Consents"), N_(
        "Consents the client gives today, with the intake date. More can be recorded later "
        "in the Consents tab.")), build_consents),
]


def build_pages(dialog: IntakeDialog) -> list[tuple[Step, QWidget, QLabel, list[str]]]:
    """Each step's page, its intro label and the names of the fields on it."""
    pages = []
    for step, build in STEPS:
        if dialog.editing and build is build_consents:
            continue
        before = set(dialog.fields)
        page, form, intro = _page()
        build(dialog, form)
        pages.append((step, page, intro, [n for n in dialog.fields if n not in before]))
    return pages
