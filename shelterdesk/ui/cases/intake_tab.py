"""The Intake tab: what was recorded at intake, and correcting it (identity hidden in privacy
mode until the name is shown)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain import codes_case as codes
from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.validation import field_label
from shelterdesk.i18n import _, format_date, format_list
from shelterdesk.i18n.territories import country_name
from shelterdesk.store.access import can
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.intake_dialog import IntakeEditDialog
from shelterdesk.ui.cases.tab_specs import lines, paragraphs, yes_no


def _labels(vocabulary, values: list[str]) -> str:  # noqa: ANN001
    return format_list([vocabulary.label(v) for v in values])


def _countries(values: list[str]) -> str:
    return format_list([country_name(v) for v in values])


class IntakeTab(QWidget):
    """``corrected`` after the intake was corrected and saved."""

    corrected = Signal()

    def __init__(self, context: CaseContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.client: Client | None = None
        self.case: Case | None = None
        self.identity_shown = False
        self.edit_button = QPushButton()
        if not can(context.session, Kind.CLIENT, Action.EDIT):
            self.edit_button.hide()
        self.edit_button.clicked.connect(lambda: self.open_edit_form())
        self.groups: dict[str, tuple[QGroupBox, QLabel]] = {}
        inner = QWidget()
        grid = QGridLayout(inner)
        for index, key in enumerate(("who", "identification", "exploitation", "countries",
                                     "needs")):
            group = QGroupBox()
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            QVBoxLayout(group).addWidget(label)
            grid.addWidget(group, index // 2, index % 2)
            self.groups[key] = (group, label)
        grid.setRowStretch(3, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a Tab stop of its own
        scroll.setWidget(inner)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.edit_button.setText(_("Correct the intake…"))
        titles = {"who": _("Who"), "identification": _("Identification"),
                  "exploitation": _("Exploitation and recruitment"),
                  "countries": _("Countries and vulnerabilities"), "needs": _("Risk and needs")}
        for key, (group, _label) in self.groups.items():
            group.setTitle(titles[key])
        self._fill()

    def show_intake(self, client: Client, case: Case, *, identity_shown: bool) -> None:
        self.client, self.case = client, case
        self.identity_shown = identity_shown
        self._fill()

    def set_identity_shown(self, shown: bool) -> None:
        self.identity_shown = shown
        self._fill()

    def text(self) -> str:
        return "\n".join(label.text() for _group, label in self.groups.values())

    def _fill(self) -> None:
        client, case = self.client, self.case
        if client is None or case is None:
            for _group, label in self.groups.values():
                label.clear()
            return
        if self.identity_shown:
            who = lines(
                (field_label("given_name"), client.given_name),
                (field_label("patronymic"), client.patronymic),
                (field_label("family_name"), client.family_name),
                (_("Other names used"), client.other_names),
                (field_label("date_of_birth"), format_date(client.date_of_birth)),
                (field_label("age_estimate"), str(client.age_estimate or "")),
                (field_label("phone"), client.phone), (field_label("email"), client.email),
                (_("Address"), client.address),
                (_("Identity document number"), client.document_number))
        else:
            who = paragraphs(_("Hidden in privacy mode. Show the name at the top to see these "
                               "details for 30 seconds."))
        self.groups["who"][1].setText(who)
        self.groups["identification"][1].setText(lines(
            (field_label("intake_date"), format_date(case.intake_date)),
            (field_label("identified_by"), codes.IDENTIFIED_BY.label(case.identified_by)
             if case.identified_by else ""),
            (field_label("victim_status"), codes.VICTIM_STATUS.label(case.victim_status)),
            (field_label("status_decision_date"), format_date(case.status_decision_date)),
            (field_label("status_authority"), case.status_authority),
            (_("Interpreter"), "" if case.interpreter_needed is None
             else yes_no(case.interpreter_needed))))
        self.groups["exploitation"][1].setText(lines(
            (field_label("exploitation_types"),
             _labels(codes.EXPLOITATION_TYPES, case.exploitation_types)),
            (field_label("recruitment_channel"), codes.RECRUITMENT_CHANNELS.label(
                case.recruitment_channel) if case.recruitment_channel else ""),
            (field_label("recruitment_platform"), codes.PLATFORMS.label(
                case.recruitment_platform) if case.recruitment_platform else ""),
            (field_label("trafficker_relationship"), codes.TRAFFICKER_RELATIONSHIP.label(
                case.trafficker_relationship) if case.trafficker_relationship else ""),
            (field_label("means_of_control"),
             _labels(codes.MEANS_OF_CONTROL, case.means_of_control))))
        self.groups["countries"][1].setText(lines(
            (field_label("countries_origin"), _countries(case.countries_origin)),
            (field_label("countries_transit"), _countries(case.countries_transit)),
            (field_label("countries_destination"), _countries(case.countries_destination)),
            (field_label("vulnerabilities"),
             _labels(codes.VULNERABILITIES, case.vulnerabilities))))
        self.groups["needs"][1].setText(lines(
            (field_label("risk_level"), codes.RISK_LEVELS.label(case.risk_level)),
            (_("Case status"), codes.CASE_STATUS.label(case.status)),
            (_("Needs and plan"), case.needs_summary)))

    def open_edit_form(self, *, restore: bool = False) -> IntakeEditDialog | None:
        if self.client is None or self.case is None:
            return None
        form = IntakeEditDialog(self.context, self.client, self.case, self)
        if restore:
            form.keeper.offered.connect(lambda _draft: form.restore_offered_draft())
        form.saved.connect(lambda _case: self.corrected.emit())
        form.open()
        return form

    def drop_data(self) -> None:
        self.client = self.case = None
        self._fill()
