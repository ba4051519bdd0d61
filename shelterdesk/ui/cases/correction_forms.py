"""Correcting a saved record: the record's own form, filled in, with the reason for the change.

Each correction form is the form that records that kind, opened on a saved
record: the earlier version is kept by the store (its history), legal and
medical corrections ask for a reason (Save stays off until one is given).
Corrections keep no draft: the saved record is still there if the window
locks, and a half-typed correction is not worth a draft that could be offered
on another record.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QMessageBox, QWidget

from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import N_, _
from shelterdesk.store.records import consents, perpetrators, record_corrections
from shelterdesk.store.records.corrections import MAX_REASON
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.consent_form import ConsentForm
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.evidence_form import EvidenceForm
from shelterdesk.ui.cases.fields import LongTextField, TextField
from shelterdesk.ui.cases.follow_up_form import FollowUpForm
from shelterdesk.ui.cases.legal_form import LegalConsultationForm
from shelterdesk.ui.cases.medical_form import MedicalServiceForm
from shelterdesk.ui.cases.note_form import NoteForm
from shelterdesk.ui.cases.perpetrator_form import PerpetratorForm
from shelterdesk.ui.cases.service_form import OtherServiceForm


class CorrectionMixin:
    """Mixed in before a record form: fills it from ``original`` and saves a correction."""

    REASON_REQUIRED = False
    TITLE = ""  # N_()
    REASON_LABEL = N_("Reason for the correction")

    def __init__(self, context: CaseContext, original: Any,
                 parent: QWidget | None = None) -> None:
        self.original = original
        self.reason_edit: LongTextField | None = None
        self.kept_label: QLabel | None = None
        super().__init__(context, original.case_id, parent)  # type: ignore[call-arg]

    def finish_building(self, *, offer_draft: bool = True) -> None:
        form = QFormLayout()
        self.reason_edit = self.add_field(  # type: ignore[attr-defined]
            form, "reason", LongTextField(2), self.REASON_LABEL)
        self.kept_label = QLabel()
        self.kept_label.setObjectName("hintLabel")
        self.kept_label.setWordWrap(True)
        self.body.addLayout(form)  # type: ignore[attr-defined]
        self.body.addWidget(self.kept_label)  # type: ignore[attr-defined]
        for name, widget in self.fields.items():  # type: ignore[attr-defined]
            if name != "reason" and hasattr(self.original, name):
                value = getattr(self.original, name)
                if isinstance(widget, TextField) and isinstance(value, list):
                    value = ", ".join(value)
                widget.set_value(value)
        # No draft: a different form name and the record's own id, then the keeper stops.
        self.keeper.form = self.FORM + "_correct"  # type: ignore[attr-defined]
        self.keeper.subject_id = self.original.id  # type: ignore[attr-defined]
        super().finish_building(offer_draft=False)  # type: ignore[misc]
        self.keeper.stop()  # type: ignore[attr-defined]

    def retranslate_fields(self) -> None:
        super().retranslate_fields()  # type: ignore[misc]
        self.setWindowTitle(_(self.TITLE))  # type: ignore[attr-defined]
        if self.reason_edit is not None:
            self.reason_edit.setPlaceholderText(
                _("Required: why the saved text was wrong.") if self.REASON_REQUIRED
                else _("Optional: why the saved text was wrong."))
        if self.kept_label is not None:
            self.kept_label.setText(_("The saved version is kept in the record's history, "
                                      "with your name, the date and this reason."))

    def record_changed(self) -> bool:
        """True once a field of the record (not only the reason) differs from the saved one."""
        baseline = self.keeper._baseline or {}  # type: ignore[attr-defined]
        content = self.content()  # type: ignore[attr-defined]
        return any(content.get(k) != baseline.get(k) for k in content if k != "reason")

    def refresh(self) -> None:
        super().refresh()  # type: ignore[misc]
        if self._built and not self.record_changed():  # type: ignore[attr-defined]
            # Saving an unchanged record would only add a version identical to it.
            self.save_button.setEnabled(False)  # type: ignore[attr-defined]

    def submit(self) -> None:
        if self._built and not self.record_changed():  # type: ignore[attr-defined]
            return  # Ctrl+S on an unchanged correction: nothing to keep
        super().submit()  # type: ignore[misc]

    def reason(self) -> str:
        return self.reason_edit.value().strip() if self.reason_edit is not None else ""

    def record(self) -> Any:
        record = super().record()  # type: ignore[misc]
        record.id = self.original.id
        return record

    def problems(self, record: Any) -> list[Problem]:
        problems = list(super().problems(record))  # type: ignore[misc]
        if self.REASON_REQUIRED and not self.reason():
            problems.append(Problem("reason", N_("is required")))
        if len(self.reason()) > MAX_REASON:
            problems.append(Problem("reason", N_("is longer than {limit} characters"),
                                    {"limit": MAX_REASON}))
        return problems

    def reject(self) -> None:
        """Cancel: a changed correction is thrown away only when the person says so."""
        if self._quiet_close or self._saving or not self.is_dirty():  # type: ignore[attr-defined]
            super().reject()  # type: ignore[misc]
            return
        answer = QMessageBox.question(
            self, _("Unsaved changes"),  # type: ignore[arg-type]
            _("Throw away this correction? The saved record stays as it is."))
        if answer == QMessageBox.StandardButton.Yes:
            self._quiet_close = True  # type: ignore[attr-defined]
            super().reject()  # type: ignore[misc]


class LegalCorrectionForm(CorrectionMixin, LegalConsultationForm):
    REASON_REQUIRED = True
    TITLE = N_("Correct a legal consultation")

    def write(self, session: Session, record: Any) -> Any:
        return record_corrections.correct_legal_consultation(session, record, self.reason())


class MedicalCorrectionForm(CorrectionMixin, MedicalServiceForm):
    REASON_REQUIRED = True
    TITLE = N_("Correct a medical service")

    def write(self, session: Session, record: Any) -> Any:
        return record_corrections.correct_medical_service(session, record, self.reason())


class ServiceCorrectionForm(CorrectionMixin, OtherServiceForm):
    TITLE = N_("Correct a service")

    def write(self, session: Session, record: Any) -> Any:
        return record_corrections.correct_other_service(session, record, self.reason())


class NoteCorrectionForm(CorrectionMixin, NoteForm):
    TITLE = N_("Correct a note")

    def write(self, session: Session, record: Any) -> Any:
        return record_corrections.correct_note(session, record, self.reason())


class FollowUpCorrectionForm(CorrectionMixin, FollowUpForm):
    TITLE = N_("Correct a follow-up task")

    def write(self, session: Session, record: Any) -> Any:
        return record_corrections.correct_follow_up(session, record, self.reason())


class PerpetratorCorrectionForm(CorrectionMixin, PerpetratorForm):
    TITLE = N_("Correct a perpetrator's description")

    def write(self, session: Session, record: Any) -> Any:
        perpetrators.update_perpetrator(session, record, self.reason())
        return record


class EvidenceCorrectionForm(CorrectionMixin, EvidenceForm):
    """What is said about an evidence item; its file and SHA-256 never change."""

    TITLE = N_("Correct what is said about the evidence")

    def finish_building(self, *, offer_draft: bool = True) -> None:
        # The file stays as captured: its hash is what an investigator checks.
        self.file_field.setEnabled(False)
        super().finish_building(offer_draft=offer_draft)

    def retranslate_fields(self) -> None:
        super().retranslate_fields()
        self.file_field.setToolTip(_("The file and its SHA-256 cannot be changed."))

    def problems(self, record: Any) -> list[Problem]:
        found = super().problems(record)
        if self.original.size:  # the stored file satisfies "a file or a link"
            found = [p for p in found if p.field != "file_name"]
        return found

    def write(self, session: Session, record: Any) -> Any:
        record_corrections.correct_evidence(session, record, self.reason())
        return record


class ConsentAmendForm(CorrectionMixin, ConsentForm):
    """A consent amended: the form filled in; saving records a new version that replaces it."""

    TITLE = N_("Amend a consent")
    REASON_LABEL = N_("Reason for the amendment")

    def retranslate_fields(self) -> None:
        super().retranslate_fields()
        if self.reason_edit is not None:
            self.reason_edit.setPlaceholderText(_("Optional: why the consent changes."))
        if self.kept_label is not None:
            self.kept_label.setText(_(
                "The amended consent replaces this one from now on; this one is kept as an "
                "earlier version, with your name, the date and this reason."))

    def write(self, session: Session, record: Any) -> Any:
        return consents.amend_consent(
            session, self.original.id, details=record.details, purpose=record.purpose,
            to_org_id=record.to_org_id, method=record.method, given_on=record.given_on,
            expires_on=record.expires_on, reason=self.reason())
