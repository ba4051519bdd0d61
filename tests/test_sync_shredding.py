"""Crypto-shredding: an erased client cannot be recovered from any copy of any envelope.

The attack: a member laptop's full keys (every epoch key, its device keys, every client
key its vault holds, every key ring sealed to it) opened against every envelope and
record in a real relay's PostgreSQL store and in the shared folder, after the erasure
has synced. The control (the same attack before the erasure, and against a client who
was not erased) shows the attack does recover what is still meant to be readable.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from shelterdesk.domain.care import LegalConsultation, MedicalService
from shelterdesk.domain.evidence import Perpetrator
from shelterdesk.domain.tasks import Note
from shelterdesk.store.records import care, erasure, perpetrators, tasks
from shelterdesk.store.replication import case_keys, changes, registry
from shelterdesk.store.vault import Vault
from shelterdesk.sync import crypto, envelope, records, service, shredding
from shelterdesk.sync.errors import EnvelopeRejected
from shelterdesk.sync.folder import FolderTransport
from shelterdesk.sync.relay.storage import RelayStore
from shelterdesk.sync.relay.stores import open_store
from shelterdesk.sync.relay_client import RelayTransport
from shelterdesk.sync.transport import KEYS
from tests.records_helpers import intake
from tests.relay_helpers import admission_token, drop_schema, running_relay, store_url
from tests.sync_helpers import ADMIN, PASSPHRASE, build_org

DAY = date(2026, 3, 2)
# Everything typed about the client who will be erased, and about one who stays.
ERASED = ["Zərifəxanım", "Shredova", "555 71 93", "Shredlegal court qpzm",
          "Shredmedical fracture wxvy", "Shredpetrator Karimov", "+7 911 404 77 11",
          "Shrednote safehouse jklm"]
KEPT = ["Keepnote rfvb", "Keepova"]


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b", "c"))


@pytest.fixture
def relay(tmp_path: Path):
    """A real relay on a fresh PostgreSQL schema."""
    url = store_url("postgres", tmp_path)
    store = open_store(url)
    try:
        with running_relay(store) as base:
            yield store, base
    finally:
        store.close()
        drop_schema(url)


def _file_with_everything(session) -> str:
    case = intake(session, given_name=ERASED[0], family_name=ERASED[1],
                  phone="+994 50 " + ERASED[2])
    care.add_legal_consultation(session, LegalConsultation(case.id, DAY, "victim_status",
                                                           summary=ERASED[3]))
    care.add_medical_service(session, MedicalService(case.id, DAY, "examination",
                                                     summary=ERASED[4]))
    perpetrators.add_perpetrator(session, Perpetrator(
        case.id, roles=["recruiter"], description=ERASED[5], phones=[ERASED[6]]))
    tasks.add_note(session, Note(case.id, ERASED[7]))
    return case.id


def _stored_blobs(store: RelayStore, org_id: str, folder: Path) -> tuple[list[bytes],
                                                                          list[bytes]]:
    """(envelopes, key records) of every copy: the relay's database and the folder."""
    envelopes, rings = [], []
    refs, _more = store.list_envelopes(org_id, {}, 100_000)
    envelopes += [store.get_envelope(org_id, ref) for ref in refs]
    rings += [store.get_record(org_id, KEYS, name) for name in store.list_records(org_id, KEYS)]
    envelopes += [p.read_bytes() for p in (folder / org_id / "env").rglob("*.sde")]
    rings += [p.read_bytes() for p in (folder / org_id / "keys").glob("*.sdk")]
    return [b for b in envelopes if b], [b for b in rings if b]


def _attack(vault: Vault, envelopes: list[bytes], rings: list[bytes]) -> str:
    """Everything a member laptop's keys open: the plaintext of every change found (with
    the coordinator's compartment keys too: legal, medical and evidence cells opened)."""
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        connection = session.connection
        ident = registry.identity(connection)
        epochs = registry.epoch_keys(connection)
        keys = dict(case_keys.held(connection))
        for blob in rings:  # any key ring sealed to this laptop, by anyone
            try:
                body, _message, _signatures = records.unpack(shredding.RING, blob, 1)
                payload = json.loads(crypto.open_sealed(
                    ident.kx_key, records.unb64(body["sealed"]),
                    shredding._ring_aad(ident.org_id, body["writer"], body["recipient"],
                                        body["page"])))
            except (EnvelopeRejected, crypto.DecryptionFailed, KeyError):
                continue
            keys.update({client: records.unb64(key) for client, key in payload["k"]})
        found = []
        assert envelopes
        for blob in envelopes:
            header = envelope.parse_header(blob)
            for change in envelope.open_body(blob, header, epochs[header.epoch]):
                if change.tbl == shredding.SEALED:
                    for key in keys.values():  # every key, not only the one it names
                        try:
                            change = shredding._open_one(change, ident.org_id, key)
                            break
                        except EnvelopeRejected:
                            continue
                value = change.value
                with contextlib.suppress(Exception):  # a cell no key here opens stays sealed
                    value = (session.compartments.open_row(change.tbl, {**value,
                                                                        "id": change.row_id})
                             if isinstance(value, dict) else
                             session.unseal(change.tbl, change.col, change.row_id, value))
                found.append(json.dumps([change.tbl, change.row_id, value],
                                        ensure_ascii=False, default=str))
    return "\n".join(found)


def test_an_erased_client_is_recovered_from_no_copy_on_the_relay_or_in_the_folder(
        org, relay, tmp_path: Path) -> None:
    store, base = relay
    for name in ("a", "b", "c"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b, c = (Vault(tmp_path / n) for n in ("a", "b", "c"))
    (tmp_path / "folder").mkdir()
    folder = FolderTransport(tmp_path / "folder")
    online = RelayTransport(base, allow_http=True, admission_token=admission_token(store))
    with a.unlock(ADMIN, PASSPHRASE) as session:  # the office: folder and relay
        case_id = _file_with_everything(session)
        kept = intake(session, given_name="Gülnarə", family_name=KEPT[1])
        tasks.add_note(session, Note(kept.id, KEPT[0]))
        org_id = registry.identity(session.connection).org_id
        service.sync_now(session, online)
        service.sync_now(session, folder)
    with b.unlock(ADMIN, PASSPHRASE) as session:  # relay only
        service.sync_now(session, online)
        assert session.connection.execute("SELECT count(*) FROM notes WHERE body = ?",
                                          (ERASED[7],)).fetchone() == (1,)
    with c.unlock(ADMIN, PASSPHRASE) as session:  # folder only
        service.sync_now(session, folder)
        assert session.connection.execute("SELECT count(*) FROM notes WHERE body = ?",
                                          (ERASED[7],)).fetchone() == (1,)
    # Control: before the erasure, the attack reads her whole file from either place.
    before = _attack(b, *_stored_blobs(store, org_id, tmp_path / "folder"))
    assert [m for m in ERASED + KEPT if m not in before] == []

    with a.unlock(ADMIN, PASSPHRASE) as session:
        erasure.erase_client(session, case_id)
        service.sync_now(session, online)
        service.sync_now(session, folder)
    for vault, place in ((b, online), (c, folder)):
        with vault.unlock(ADMIN, PASSPHRASE) as session:
            service.sync_now(session, place)
            assert session.connection.execute("SELECT count(*) FROM sync_case_keys WHERE"
                                              " key IS NOT NULL AND client_id = (SELECT"
                                              " client_id FROM sync_case_keys WHERE key IS"
                                              " NULL LIMIT 1)").fetchone() == (0,)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, online)
        service.sync_now(session, folder)

    envelopes, rings = _stored_blobs(store, org_id, tmp_path / "folder")
    for vault in (a, b, c):
        after = _attack(vault, envelopes, rings)
        assert [m for m in ERASED if m in after] == []
        assert all(marker in after for marker in KEPT)  # the attack still works
    raw = b"".join(envelopes + rings)
    for marker in ERASED:
        assert marker.encode() not in raw


def test_a_change_waits_for_its_client_key_without_holding_back_the_rest(
        org, tmp_path: Path) -> None:
    """Envelopes can arrive before the ring with their key: the client's changes wait, the
    sender's other changes apply, and the wait ends when the key arrives."""
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    (tmp_path / "folder").mkdir()
    folder = FolderTransport(tmp_path / "folder")
    with a.unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session, given_name="Ringless")
        service.sync_now(session, folder)
        org_id = registry.identity(session.connection).org_id
    rings = sorted((tmp_path / "folder" / org_id / "keys").glob("c*.sdk"))
    assert rings
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    for ring in rings:
        shutil.move(ring, hidden / ring.name)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        summary = service.sync_now(session, folder)
        assert summary.sealed_waiting > 0 and summary.rejected == []
        assert session.connection.execute("SELECT count(*) FROM cases WHERE id = ?",
                                          (case.id,)).fetchone() == (0,)
        for ring in hidden.iterdir():
            shutil.move(ring, rings[0].parent / ring.name)
        summary = service.sync_now(session, folder)
        assert summary.sealed_waiting == 0
        assert session.connection.execute("SELECT count(*) FROM cases WHERE id = ?",
                                          (case.id,)).fetchone() == (1,)


def test_a_forged_or_altered_sealed_change_is_refused(org, tmp_path: Path) -> None:
    shutil.copytree(org.root / "a", tmp_path / "a")
    with Vault(tmp_path / "a").unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session, given_name="Sealtest")
        connection = session.connection
        ident = registry.identity(connection)
        change = next(c for c in _outbox(connection) if c.tbl == "clients")
        with session.lock:
            sealed = shredding.seal_batch(connection, [change], ident.org_id)[0]
        key = case_keys.held(connection)[case.client_id]  # made when first sealed
        assert sealed.tbl == shredding.SEALED and sealed.row_id == case.client_id
        assert "Sealtest" not in json.dumps(sealed.value)
        assert shredding._open_one(sealed, ident.org_id, key).value == change.value
        moved = sealed.__class__(sealed.origin, sealed.seq + 1, sealed.hlc, sealed.tbl,
                                 sealed.row_id, "", sealed.value, 0)
        with pytest.raises(EnvelopeRejected):  # bound to its sequence number
            shredding._open_one(moved, ident.org_id, key)
        with pytest.raises(EnvelopeRejected):  # and to its key
            shredding._open_one(sealed, ident.org_id, crypto.random_key())


def _outbox(connection):
    return [c for page in changes.iter_outbox(connection, 0) for c in page]


def test_an_erasure_withdraws_open_invitations_that_carry_the_erased_key(
        org, tmp_path: Path) -> None:
    """An invitation package carries the client keys of its day: an erasure withdraws it."""
    from shelterdesk.sync.errors import InvitationNotFound

    shutil.copytree(org.root / "a", tmp_path / "a")
    (tmp_path / "folder").mkdir()
    folder = FolderTransport(tmp_path / "folder")
    with Vault(tmp_path / "a").unlock(ADMIN, PASSPHRASE) as session:
        case = intake(session, given_name="Invitee")
        service.sync_now(session, folder)
        invitation = service.invite(session, folder)
        assert list((tmp_path / "folder" / "invites").glob("*.sdi"))
        erasure.erase_client(session, case.id)
        service.sync_now(session, folder)
    assert not list((tmp_path / "folder" / "invites").glob("*.sdi"))
    with pytest.raises(InvitationNotFound):
        service.request_join(folder, invitation.code)
