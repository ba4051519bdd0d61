"""Compartments across laptops: sealed cells travel and merge as they are; the keys travel
only sealed to the people whose roles hold them."""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path

import pytest

from shelterdesk.domain.care import LegalConsultation
from shelterdesk.domain.roles import Role
from shelterdesk.store.keys import compartments, users
from shelterdesk.store.records import care
from shelterdesk.store.vault import Vault
from shelterdesk.sync import service
from tests.raw_pages import everything_readable
from tests.records_helpers import intake
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, build_org

LAWYER, WORKER = "lale", "leyla"
LAWYER_PASSPHRASE, WORKER_PASSPHRASE = "lale's long passphrase", "leyla's long passphrase"
DAY = date(2026, 3, 5)


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b"))


def _sync(vault: Vault, transport, user: str = ADMIN, passphrase: str = PASSPHRASE) -> None:
    with vault.unlock(user, passphrase) as session:
        service.sync_now(session, transport)


def test_legal_content_travels_sealed_and_opens_only_for_its_holders(org, tmp_path: Path) -> None:
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    transport = MemoryTransport(copy.deepcopy(org.store))
    with a.unlock(ADMIN, PASSPHRASE) as admin:
        users.add_user(admin, LAWYER, [Role.LEGAL_ADVISOR], LAWYER_PASSPHRASE)
        users.add_user(admin, WORKER, [Role.CASE_WORKER], WORKER_PASSPHRASE)
        case = intake(admin)
        care.add_legal_consultation(admin, LegalConsultation(
            case.id, DAY, "compensation", summary="Sync marker L-3308 from a"))
        service.sync_now(admin, transport)
    _sync(b, transport)  # the users, their grants and the sealed rows arrive
    # On b the legal row arrived; the case worker's core key shows ciphertext only.
    slots = b.load_slots()
    key = slots.unwrap_user(slots.find(slots.slot_id_for(WORKER)), WORKER_PASSPHRASE)
    assert b"Sync marker L-3308" not in everything_readable(b.database_path, bytes(key))
    with b.unlock(WORKER, WORKER_PASSPHRASE) as worker:
        assert compartments.LEGAL not in worker.compartments.held()
    # The lawyer on b: her key came by sync, sealed to her; she reads and writes there.
    with b.unlock(LAWYER, LAWYER_PASSPHRASE) as lawyer:
        assert [c.summary for c in care.list_legal_consultations(lawyer, case.id)] == [
            "Sync marker L-3308 from a"]
        care.add_legal_consultation(lawyer, LegalConsultation(
            case.id, DAY, "labour_claim", summary="Sync marker L-3309 from b"))
        service.sync_now(lawyer, transport)
    _sync(a, transport)
    with a.unlock(ADMIN, PASSPHRASE) as admin:
        summaries = {c.summary for c in care.list_legal_consultations(admin, case.id)}
        assert summaries == {"Sync marker L-3308 from a", "Sync marker L-3309 from b"}


def test_evidence_a_case_worker_records_on_another_laptop_travels_sealed(
        org, tmp_path: Path) -> None:
    """Write-only evidence across laptops: what the case worker records on b (sealed to the
    evidence compartment's signed public key) travels as sdc2 ciphertext, and a legal
    advisor reads it on a."""
    from shelterdesk.domain.evidence import EvidenceItem
    from shelterdesk.store.records import evidence

    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    transport = MemoryTransport(copy.deepcopy(org.store))
    with a.unlock(ADMIN, PASSPHRASE) as admin:
        users.add_user(admin, LAWYER, [Role.LEGAL_ADVISOR], LAWYER_PASSPHRASE)
        users.add_user(admin, WORKER, [Role.CASE_WORKER], WORKER_PASSPHRASE)
        case = intake(admin)
        service.sync_now(admin, transport)
    _sync(b, transport)  # the users (and so her slot) and the published public key arrive
    with b.unlock(WORKER, WORKER_PASSPHRASE) as worker:
        assert worker.compartments.held() == []
        evidence.add_evidence(worker, EvidenceItem(
            case.id, "chat_export", "chat.txt", "text/plain", b"Sync marker E-4410 bytes",
            description="Sync marker E-4411 from b"))
        assert evidence.list_evidence(worker, case.id)[0].sealed
        service.sync_now(worker, transport)
    slots = b.load_slots()
    key = slots.unwrap_user(slots.find(slots.slot_id_for(WORKER)), WORKER_PASSPHRASE)
    pages = everything_readable(b.database_path, bytes(key))
    assert b"Sync marker E-44" not in pages
    _sync(a, transport, LAWYER, LAWYER_PASSPHRASE)
    with a.unlock(LAWYER, LAWYER_PASSPHRASE) as lawyer:
        (item,) = evidence.list_evidence(lawyer, case.id)
        assert item.description == "Sync marker E-4411 from b"
        assert evidence.read_content(lawyer, item.id) == b"Sync marker E-4410 bytes"
