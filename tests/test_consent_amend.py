"""Amending a consent: a new version supersedes the old, which stays readable in its history."""

from __future__ import annotations

from datetime import date

import pytest

from shelterdesk.domain.errors import ValidationFailed
from shelterdesk.domain.referrals import Consent, Organisation
from shelterdesk.store import audit
from shelterdesk.store.records import consents, corrections, organisations
from shelterdesk.store.vault import Session
from tests.records_helpers import intake

DAY = date(2026, 3, 1)


def _consent(session: Session, org_name: str = "Hüquqi Yardım") -> tuple[str, str, Consent]:
    case = intake(session)
    org = organisations.add_organisation(session, Organisation(org_name, "ngo", ["legal"]))
    consent = consents.add_consent(session, Consent(case.id, "referral", DAY,
                                                    to_org_id=org.id))
    return case.id, org.id, consent


def test_an_amendment_is_a_new_version_and_the_only_one_in_force(
        admin_session: Session) -> None:
    case_id, org_id, old = _consent(admin_session)
    new = consents.amend_consent(admin_session, old.id, details=["name", "contact"],
                                 reason="client agreed to share the phone")
    assert new.id != old.id and new.details == ["name", "contact"]
    with admin_session.lock:
        in_force = consents.consent_in_force(admin_session.connection, case_id, "referral",
                                             org_id, date.today())
    assert in_force is not None and in_force.id == new.id
    assert consents.get_consent(admin_session, old.id).superseded_by == new.id
    assert [c.id for c in consents.list_consents(admin_session, case_id,
                                                 current_only=True)] == [new.id]
    [earlier] = corrections.history(admin_session, "consents", new.id)
    assert earlier.content["id"] == old.id and earlier.content["details"] == '["name"]'
    assert earlier.reason == "client agreed to share the phone"
    assert audit.recent(admin_session.connection, 5)[1].action == "consent.amend"
    # Amended again: the newest version carries the whole history, oldest first.
    newest = consents.amend_consent(admin_session, new.id, expires_on=date(2027, 1, 1))
    history = corrections.history(admin_session, "consents", newest.id)
    assert [v.content["id"] for v in history] == [old.id, new.id]
    assert newest.details == ["name", "contact"] and newest.expires_on == date(2027, 1, 1)


def test_withdrawn_or_superseded_consents_cannot_be_amended(admin_session: Session) -> None:
    _case_id, _org_id, old = _consent(admin_session)
    current = consents.amend_consent(admin_session, old.id, method="verbal")
    with pytest.raises(consents.ConsentAlreadyAmended):
        consents.amend_consent(admin_session, old.id, method="signed")
    _case_id, _org_id, other = _consent(admin_session, "Sığınacaq")
    consents.withdraw_consent(admin_session, other.id)
    count = admin_session.connection.execute("SELECT count(*) FROM consents").fetchone()[0]
    with pytest.raises(consents.ConsentWithdrawn):
        consents.amend_consent(admin_session, other.id, details=["name", "photo"])
    with pytest.raises(ValidationFailed):  # nothing half-written on bad input either
        consents.amend_consent(admin_session, current.id, details=["name", "favourite colour"])
    assert admin_session.connection.execute(
        "SELECT count(*) FROM consents").fetchone()[0] == count
