"""Structured consent scopes: old free-text scopes read as name only; the form prints what the
ticks cover, never more."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from shelterdesk.domain import disclosure
from shelterdesk.domain.codes_services import CONSENT_SCOPE
from shelterdesk.reports.referral_print import refer_and_render
from shelterdesk.store.connection import transaction
from shelterdesk.store.migrate import bundled_migrations
from shelterdesk.store.records import consents, organisations
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.referral_helpers import pdf_text

PHONE = "+994 50 123 45 67"
CLIENT_ID = "0b6f3a52-1d4e-4c8a-9a57-2f1e8c6d7a01"
CASE_ID = "5c2d9e7b-8a41-4f06-b3c9-6e0f1a2b3c4d"


def test_a_free_text_scope_from_before_reads_as_the_name_only(tmp_path: Path) -> None:
    from shelterdesk.domain.referrals import Organisation

    older = Vault(tmp_path / "v", bundled_migrations()[:4])
    older.create(ADMIN, ADMIN_PASSPHRASE)
    with older.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        # Plain SQL in that older schema: today's repositories write columns added later.
        stamp = "2026-03-01T09:00:00.000000Z"
        with session.lock, transaction(session.connection):
            session.connection.execute(
                "INSERT INTO clients (id, given_name, family_name, sex, nationality, phone,"
                " address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (CLIENT_ID, "Aynur", "Məmmədova", "female", "AZ", PHONE, "Bakı, Nizami küç. 5",
                 stamp, stamp))
            session.connection.execute(
                "INSERT INTO cases (id, client_id, case_code, intake_date, exploitation_types,"
                " risk_level, last_activity_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (CASE_ID, CLIENT_ID, "TU-26-OLD1-X", "2026-03-01", '["sexual"]', "high",
                 stamp, stamp, stamp))
        case_id = CASE_ID
        org = organisations.add_organisation(session, Organisation("Hüquqi Yardım", "ngo",
                                                                    ["legal"]))
        with session.lock:
            session.connection.execute(
                "INSERT INTO consents (id, case_id, purpose, method, to_org_id, scope, given_on,"
                " recorded_by, created_at) VALUES ('c1', ?, 'referral', 'signed', ?,"
                " 'Name, phone and address', '2026-03-01', '', '2026-03-01T10:00:00Z')",
                (case_id, org.id))
    with Vault(tmp_path / "v").unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        [consent] = consents.list_consents(session, case_id)
        assert consent.details == ["name"] and consent.scope == "Name, phone and address"
        _referral, pdf = refer_and_render(session, case_id, org.id, ["legal"])
        text = " ".join(pdf_text(pdf).split())
        assert "Aynur Məmmədova" in text and PHONE not in text and "Nizami" not in text


@given(st.sets(st.sampled_from(CONSENT_SCOPE.codes)))
def test_what_is_printed_never_exceeds_the_ticks(ticked: set[str]) -> None:
    covered = disclosure.details_covered(ticked)
    for detail in disclosure.SHARED_DETAILS.codes:
        needs = disclosure.SCOPE_OF_DETAIL.get(detail)
        assert (detail in covered) == (needs is None or needs in ticked)
    assert ("phone" in covered) == ("contact" in ticked)
    assert ("address" in covered) == ("address" in ticked)
