"""The Overview of a client file: the case at a glance, stay, next tasks, consents, activity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from shelterdesk.domain import codes_case
from shelterdesk.domain import codes_services as codes
from shelterdesk.domain.activity import activity_phrase
from shelterdesk.domain.permissions import Kind
from shelterdesk.domain.validation import field_label
from shelterdesk.i18n import _, format_date, format_datetime, format_list
from shelterdesk.i18n.territories import country_name, language_name
from shelterdesk.store.records.client_file import ClientFile
from shelterdesk.ui.cases.tab_specs import lines, paragraphs


@dataclass
class FileView:
    """A client file with the names of the people and organisations it mentions."""

    file: ClientFile
    staff_names: dict[str, str] = field(default_factory=dict)
    org_names: dict[str, str] = field(default_factory=dict)


def _day(value: date | None) -> str:
    return format_date(value, fmt="medium") if value else ""


def _when(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return format_datetime(moment.astimezone(), fmt="short")


class OverviewTab(QWidget):
    """Filled by :meth:`show_file`; sections the user may not see stay hidden."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: FileView | None = None
        self.sections: dict[str, tuple[QGroupBox, QLabel]] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 12, 12, 12)
        grid.setSpacing(12)
        places = {"case": (0, 0, 2), "client": (0, 1, 1), "stay": (1, 1, 1),
                  "follow_ups": (2, 0, 1), "consents": (2, 1, 1), "activity": (3, 0, 1)}
        for key, (row, column, span) in places.items():
            group = QGroupBox()
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            box = QVBoxLayout(group)
            box.addWidget(label)
            box.addStretch(1)
            if key == "activity":
                grid.addWidget(group, row, 0, 1, 2)
            else:
                grid.addWidget(group, row, column, span, 1)
            self.sections[key] = (group, label)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(4, 1)
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        titles = {"case": _("Case"), "client": _("Client"), "stay": _("Shelter"),
                  "follow_ups": _("Next follow-ups"), "consents": _("Consents in force"),
                  "activity": _("Recent activity")}
        for key, (group, _label) in self.sections.items():
            group.setTitle(titles[key])
        self._fill()

    def show_file(self, view: FileView) -> None:
        self.view = view
        visible = view.file.visible
        self.sections["stay"][0].setVisible(Kind.STAY in visible)
        self.sections["follow_ups"][0].setVisible(Kind.FOLLOW_UP in visible)
        self.sections["consents"][0].setVisible(Kind.CONSENT in visible)
        self._fill()

    def text(self, key: str) -> str:
        return self.sections[key][1].text()

    def _fill(self) -> None:
        if self.view is None:
            for _group, label in self.sections.values():
                label.clear()
            return
        view, file = self.view, self.view.file
        case, client = file.case, file.client
        channel = codes_case.RECRUITMENT_CHANNELS.label(case.recruitment_channel) \
            if case.recruitment_channel else ""
        if case.recruitment_platform:
            channel = f"{channel} ({codes_case.PLATFORMS.label(case.recruitment_platform)})"
        self.sections["case"][1].setText(lines(
            (field_label("status"), codes_case.CASE_STATUS.label(case.status)),
            (field_label("risk_level"), codes_case.RISK_LEVELS.label(case.risk_level)),
            (field_label("victim_status"), codes_case.VICTIM_STATUS.label(case.victim_status)),
            (field_label("intake_date"), _day(case.intake_date)),
            (field_label("exploitation_types"), format_list(
                [codes_case.EXPLOITATION_TYPES.label(c) for c in case.exploitation_types])),
            (field_label("recruitment_channel"), channel),
            (_("Assigned worker"), view.staff_names.get(case.assigned_worker_id, ""))))
        age = client.age_on(date.today())
        self.sections["client"][1].setText(lines(
            (field_label("sex"), codes_case.SEX.label(client.sex)),
            (_("Age"), str(age) if age is not None else ""),
            (field_label("nationality"), country_name(client.nationality)
             if client.nationality else ""),
            (field_label("languages"), format_list([language_name(c)
                                                     for c in client.languages])),
            (_("Interpreter"), _("needed") if case.interpreter_needed else "")))
        stay = file.open_stay
        self.sections["stay"][1].setText(paragraphs(
            _("In {place} since {date}.").format(place=file.bed_label or _("a shelter"),
                                                date=_day(stay.admitted_on))
            if stay else _("Not in a shelter now.")))
        tasks = [" · ".join(p for p in (_day(t.due_on), codes.FOLLOW_UP_KINDS.label(t.kind),
                                        t.description) if p) for t in file.next_follow_ups]
        self.sections["follow_ups"][1].setText(
            paragraphs("\n".join(tasks) or _("Nothing planned.")))
        consents = [" · ".join(p for p in (
            codes.CONSENT_PURPOSES.label(c.purpose), view.org_names.get(c.to_org_id, ""),
            _("until {date}").format(date=_day(c.expires_on)) if c.expires_on else "") if p)
            for c in file.consents_in_force]
        self.sections["consents"][1].setText(paragraphs("\n".join(consents) or _(
            "No consent in force: nothing identifying may leave the organisation.")))
        activity = [" · ".join(p for p in (_when(a.at), activity_phrase(a.action),
                                           view.staff_names.get(a.actor_id, "")) if p)
                    for a in file.recent_activity]
        self.sections["activity"][1].setText(
            paragraphs("\n".join(activity) or _("No activity yet.")))

    def drop_data(self) -> None:
        self.view = None
        self._fill()
