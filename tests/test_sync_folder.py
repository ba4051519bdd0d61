"""The folder transport on disk: foreign and partial files, atomic writes, no plaintext."""

from __future__ import annotations

from pathlib import Path

import pytest

from shelterdesk.domain.shelters import Shelter
from shelterdesk.store.records import shelters
from shelterdesk.store.replication import snapshot
from shelterdesk.store.vault import Vault
from shelterdesk.sync import service
from shelterdesk.sync.errors import VaultInSyncFolder
from shelterdesk.sync.folder import FolderTransport, check_vault_location
from shelterdesk.sync.transport import EnvelopeRef
from tests.records_helpers import intake
from tests.sync_helpers import ADMIN, PASSPHRASE, join_with_code

MARKERS = ["Aysel-Marker-Məmmədova", "+994 50 777 66 55", "MARKER-passport-AZ9988776",
           "Recruited on Instagram by MARKER-recruiter", "Ümid evi MARKER"]


@pytest.fixture
def two_laptops(tmp_path: Path):
    folder = tmp_path / "shared"
    folder.mkdir()
    transport = FolderTransport(folder)
    founder = Vault(tmp_path / "a")
    founder.create(ADMIN, PASSPHRASE, org_name="Test NGO", prefix="TU")
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        invitation = service.invite(session, transport)
    join_with_code(founder, invitation.code, transport, tmp_path / "b")
    return founder, Vault(tmp_path / "b"), folder, transport


def _sync(vault: Vault, transport) -> service.engine.SyncSummary:
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        return service.sync_now(session, transport)


def _dump(vault: Vault) -> bytes:
    with vault.unlock(ADMIN, PASSPHRASE) as session:
        return snapshot.canonical_dump(session.connection)


def test_partial_and_foreign_files_are_ignored(two_laptops) -> None:
    a, b, folder, transport = two_laptops
    with a.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name="Leyla")
        summary = service.sync_now(session, transport)
    env_dir = folder / summary.org_id / "env" / summary.device_id
    real = sorted(p for p in env_dir.iterdir() if p.suffix == ".sde")
    blob = real[-1].read_bytes()
    junk = {
        ".0000000000000099-0000000000000100.sde.1a2b.tmp": blob[:50],
        "0000000000000099-0000000000000100.sde.tmp": blob,
        "~syncthing~0000000000000099-0000000000000100.sde.tmp": blob[:10],
        "0000000000000099-0000000000000100.sde.part": blob,
        "0000000000000001-0000000000000001.sync-conflict-20260101-120000-ABCDEF1.sde": blob,
        ".syncthing.0000000000000099-0000000000000100.sde.tmp": blob,
        "desktop.ini": b"[.ShellClassInfo]",
    }
    for name, data in junk.items():
        (env_dir / name).write_bytes(data)
    (folder / ".stfolder").mkdir()
    (env_dir.parent / "not-a-device").mkdir()
    refs = transport.for_org(env_dir.parent.parent.name).list_envelopes({})
    assert {f"{r.seq_from:016d}-{r.seq_to:016d}.sde" for r in refs} == {p.name for p in real}
    summary = _sync(b, transport)
    assert not summary.rejected
    assert _dump(a) == _dump(b)
    assert all((env_dir / name).exists() for name in junk)  # left alone


def test_folder_files_hold_none_of_the_strings_written(two_laptops, tmp_path: Path) -> None:
    a, b, folder, transport = two_laptops
    with a.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name=MARKERS[0], phone=MARKERS[1], document_number=MARKERS[2],
               address=MARKERS[3])
        shelters.add_shelter(session, Shelter(name=MARKERS[4], address=MARKERS[3]))
        service.sync_now(session, transport)
    _sync(b, transport)
    _sync(a, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:  # it did travel
        assert session.connection.execute("SELECT count(*) FROM clients WHERE given_name = ?",
                                          (MARKERS[0],)).fetchone()[0] == 1
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert len(files) >= 5
    needles = []
    for marker in MARKERS + ["aysel", "Test NGO", "coordinator"]:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            needles.append(marker.encode(encoding))
        needles.append(marker.lower().encode())
    for path in files:
        raw = path.read_bytes()
        for needle in needles:
            assert needle not in raw, (path.name, needle)
        for part in path.relative_to(folder).parts:
            assert "aysel" not in part.lower() and "marker" not in part.lower()


def test_writes_are_atomic_and_leave_no_temp_files(tmp_path: Path) -> None:
    transport = FolderTransport(tmp_path).for_org("ab" * 16)
    ref = EnvelopeRef("cd" * 16, 1, 3)
    transport.put_envelope(ref, b"x" * 1000)
    transport.put_envelope(ref, b"x" * 1000)  # idempotent
    transport.put_record("acks", "cd" * 16, b"ack")
    names = [p.name for p in tmp_path.rglob("*") if p.is_file()]
    assert not [n for n in names if n.endswith(".tmp")]
    assert transport.get_envelope(ref) == b"x" * 1000


def test_a_vault_inside_the_sync_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    (folder / "vault").mkdir(parents=True)
    with pytest.raises(VaultInSyncFolder):
        check_vault_location(folder / "vault", folder)
    synced_home = tmp_path / "Nextcloud"
    (synced_home / "ShelterDesk").mkdir(parents=True)
    (synced_home / ".stfolder").mkdir()
    with pytest.raises(VaultInSyncFolder):
        check_vault_location(synced_home / "ShelterDesk", tmp_path / "elsewhere")
    check_vault_location(tmp_path / "safe" / "vault", folder)  # no complaint
