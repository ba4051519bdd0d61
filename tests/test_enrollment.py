"""Enrollment by key exchange: the code alone opens nothing, the digits catch a man in the
middle, a code is used once and expires, and a failed join leaves nothing behind."""

from __future__ import annotations

import base64
import contextlib
import json
import re
from pathlib import Path

import pytest

from shelterdesk.store.errors import WrongPassphrase
from shelterdesk.store.replication import registry
from shelterdesk.store.vault import Vault
from shelterdesk.sync import crypto, enrollment, envelope, records, service
from shelterdesk.sync.errors import (
    EnrollmentCancelled,
    EnrollmentOutdated,
    EnrollmentTimedOut,
    InvitationExpired,
    InvitationNotFound,
    InvitationTaken,
    SasMismatch,
)
from shelterdesk.sync.folder import FolderTransport
from tests.records_helpers import intake
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, join_with_code


def _founder(tmp_path: Path) -> Vault:
    vault = Vault(tmp_path / "a")
    vault.create(ADMIN, PASSPHRASE, org_name="NGO", prefix="TU")
    return vault


def test_a_code_is_used_once_and_expires(tmp_path: Path) -> None:
    transport = MemoryTransport()
    founder = _founder(tmp_path)
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        invitation = service.invite(session, transport)
        stale = service.invite(session, transport, valid_hours=1)
    pending = service.request_join(transport, invitation.code)
    with pytest.raises(InvitationTaken):  # a second laptop (or thief) with the same code
        service.request_join(transport, invitation.code)
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        sas = service.answer_join(session, transport, invitation.code)
        service.confirm_join(session, transport, invitation.code, sas or "")
    service.join(tmp_path / "b", pending, transport, ADMIN, PASSPHRASE)
    with pytest.raises(InvitationNotFound):  # used up: the exchange is gone
        service.request_join(transport, invitation.code)
    original = enrollment.datetime

    class Later(original):
        @classmethod
        def now(cls, tz=None):
            return original.now(tz) + enrollment.timedelta(hours=2)

    enrollment.datetime = Later
    try:
        with pytest.raises(InvitationExpired):
            service.request_join(transport, stale.code)
        with founder.unlock(ADMIN, PASSPHRASE) as session, pytest.raises(InvitationExpired):
            service.answer_join(session, transport, stale.code)
    finally:
        enrollment.datetime = original


def test_a_failed_join_leaves_nothing_and_the_request_can_finish(tmp_path: Path) -> None:
    transport = MemoryTransport()
    founder = _founder(tmp_path)
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        invitation = service.invite(session, transport)
    pending = service.request_join(transport, invitation.code)
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        service.confirm_join(session, transport, invitation.code,
                             service.answer_join(session, transport, invitation.code) or "")
    with pytest.raises(WrongPassphrase):
        service.join(tmp_path / "b", pending, transport, ADMIN, "not the passphrase")
    assert not (tmp_path / "b").exists()
    service.join(tmp_path / "b", pending, transport, ADMIN, PASSPHRASE)


def test_the_keys_wait_for_the_coordinator(tmp_path: Path) -> None:
    """Nothing but public keys is in the transport until the digits are confirmed."""
    transport = MemoryTransport()
    founder = _founder(tmp_path)
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        invitation = service.invite(session, transport)
        assert service.answer_join(session, transport, invitation.code) is None  # not asked
    pending = service.request_join(transport, invitation.code)
    assert enrollment.read_answer(transport, pending) is None
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        shown_here = service.answer_join(session, transport, invitation.code)
    shown_there = enrollment.read_answer(transport, pending)
    assert shown_here == shown_there and re.fullmatch(r"\d{3} \d{3}", shown_here or "")
    assert enrollment.read_package(transport, pending) is None
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        with pytest.raises(SasMismatch):  # a wrong number cancels the invitation
            wrong = f"{(int(shown_here.replace(' ', '')) + 1) % 10**6:06d}"  # type: ignore[union-attr]
            service.confirm_join(session, transport, invitation.code, wrong)
        events = [r[0] for r in session.connection.execute("SELECT action FROM audit_log")]
    assert "sync.invite_cancelled" in events
    with pytest.raises(InvitationNotFound):
        enrollment.read_package(transport, pending)


def _code_key_plaintexts(code: str, blobs: list[bytes]) -> list[bytes]:
    """Everything the code's key opens among ``blobs`` (the attacker's first step)."""
    secret = enrollment.parse_code(code)
    invite_id = enrollment.invite_id_for(secret)
    key = enrollment._code_key(secret)
    opened = []
    for blob in blobs:
        for start in range(0, max(0, len(blob) - 33)):
            head = blob[start:start + 5]
            if head[:4] not in (enrollment.BLOB_MAGIC, enrollment.REQUEST_MAGIC):
                continue
            try:
                opened.append(crypto.decrypt(key, blob[start + 5:start + 17], blob[start + 17:],
                                             head + bytes.fromhex(invite_id)))
            except crypto.DecryptionFailed:
                continue
    return opened


def _values(plaintexts: list[bytes]) -> list[bytes]:
    """Every string and its base64 decoding in the opened JSON: candidate keys."""
    found: list[bytes] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, str):
            found.append(value.encode())
            with contextlib.suppress(ValueError):
                found.append(base64.b64decode(value, validate=True))

    for plaintext in plaintexts:
        walk(json.loads(plaintext))
    return found


def test_the_code_and_every_byte_of_the_folder_decrypt_nothing(tmp_path: Path) -> None:
    """The attack of issue 20: the code alone, and what the folder ever held (copied at every
    step), gives neither an organisation key nor a user's credentials."""
    folder = tmp_path / "shared"
    folder.mkdir()
    transport = FolderTransport(folder)
    founder = _founder(tmp_path)
    seen: list[bytes] = []

    def snapshot() -> None:
        seen.extend(p.read_bytes() for p in folder.rglob("*") if p.is_file())

    with founder.unlock(ADMIN, PASSPHRASE) as session:
        intake(session, given_name="Nargiz", document_number="AA7654321")
        invitation = service.invite(session, transport)
        epoch_keys = list(registry.epoch_keys(session.connection).values())
        org_id = registry.identity(session.connection).org_id
    snapshot()
    pending = service.request_join(transport, invitation.code)
    snapshot()
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        sas = service.answer_join(session, transport, invitation.code)
        snapshot()
        service.confirm_join(session, transport, invitation.code, sas or "")
    snapshot()
    service.join(tmp_path / "b", pending, transport, ADMIN, PASSPHRASE)
    snapshot()

    opened = _code_key_plaintexts(invitation.code, seen)
    assert len(opened) >= 4  # offer, request, answer, package: the attacker reads them all
    candidates = _values(opened)
    secret = enrollment.parse_code(invitation.code)
    candidates += [secret, enrollment._code_key(secret),
                   crypto.hkdf(secret, b"shelterdesk/invite-key/v1")]  # the old package key
    for key in epoch_keys:
        assert all(key not in blob for blob in opened)
    envelopes = [p.read_bytes() for p in folder.rglob("*.sde")]
    assert envelopes
    for blob in envelopes:
        header = envelope.parse_header(blob)
        for candidate in candidates:
            if len(candidate) != crypto.KEY_BYTES:
                continue
            with pytest.raises(Exception):  # noqa: B017,PT011 - any refusal will do
                envelope.open_body(blob, header, candidate)
    # the package is sealed to the new laptop's X25519 key: the code's key opens only its
    # wrapping, and what is inside stays ciphertext
    packages = [json.loads(p) for p in opened if b"sealed" in p]
    assert packages and all("epochs" not in p and "invite_key" not in p for p in packages)
    assert all(b"Nargiz" not in blob for blob in opened)
    assert org_id not in b"".join(opened).decode(errors="replace")


def test_a_man_in_the_middle_with_the_code_shows_other_digits(tmp_path: Path) -> None:
    """Whoever holds the code and controls the transport swaps both public keys: the two
    screens show different digits, the coordinator's confirmation fails, no key leaves."""
    transport = MemoryTransport()
    founder = _founder(tmp_path)
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        invitation = service.invite(session, transport)
    secret = enrollment.parse_code(invitation.code)
    invite_id = enrollment.invite_id_for(secret)
    key = enrollment._code_key(secret)
    real_offer = transport.store.invitations[invite_id]
    # the attacker's own offer, committing to its key, is what the new laptop reads
    attacker = crypto.new_exchange_key()
    attacker_pub = crypto.exchange_public(attacker)
    expires = invitation.expires_at
    transport.store.invitations[invite_id] = enrollment._seal_blob(
        key, enrollment.BLOB_MAGIC, enrollment.OFFER, invite_id,
        {"format": 2, "commit": enrollment._commit(attacker_pub), "expires_at": expires})
    pending = service.request_join(transport, invitation.code)
    # the inviting laptop gets the attacker's request instead of the new laptop's
    transport.store.requests[invite_id] = enrollment._seal_blob(
        key, enrollment.REQUEST_MAGIC, 0, invite_id,
        {"format": 2, "exchange_pub": records.b64(attacker_pub)})
    transport.store.invitations[invite_id] = real_offer
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        inviter_digits = service.answer_join(session, transport, invitation.code)
    transport.store.invitations[invite_id] = enrollment._seal_blob(
        key, enrollment.BLOB_MAGIC, enrollment.ANSWER, invite_id,
        {"format": 2, "commit": enrollment._commit(attacker_pub),
         "exchange_pub": records.b64(attacker_pub), "expires_at": expires})
    joiner_digits = enrollment.read_answer(transport, pending)
    assert inviter_digits != joiner_digits
    with founder.unlock(ADMIN, PASSPHRASE) as session, pytest.raises(SasMismatch):
        service.confirm_join(session, transport, invitation.code, joiner_digits or "")
    assert invite_id not in transport.store.invitations  # cancelled: nothing to wait for


def test_an_answer_that_breaks_the_commitment_shows_no_digits(tmp_path: Path) -> None:
    transport = MemoryTransport()
    founder = _founder(tmp_path)
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        invitation = service.invite(session, transport)
    secret = enrollment.parse_code(invitation.code)
    invite_id = enrollment.invite_id_for(secret)
    pending = service.request_join(transport, invitation.code)
    chosen = crypto.exchange_public(crypto.new_exchange_key())  # chosen after seeing ours
    transport.store.invitations[invite_id] = enrollment._seal_blob(
        enrollment._code_key(secret), enrollment.BLOB_MAGIC, enrollment.ANSWER, invite_id,
        {"format": 2, "commit": pending.commit, "exchange_pub": records.b64(chosen),
         "expires_at": invitation.expires_at})
    with pytest.raises(InvitationNotFound):
        enrollment.read_answer(transport, pending)


def test_an_invitation_of_the_old_format_says_to_update(tmp_path: Path) -> None:
    transport = MemoryTransport()
    secret = bytes(range(10))
    invite_id = enrollment.invite_id_for(secret)
    transport.put_invitation(invite_id, records.INVITATION + bytes(64))
    with pytest.raises(EnrollmentOutdated):
        service.request_join(transport, enrollment.format_code(secret))


def test_whole_org_joins_through_the_helper(tmp_path: Path) -> None:
    transport = MemoryTransport()
    founder = _founder(tmp_path)
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        invitation = service.invite(session, transport)
    joined = join_with_code(founder, invitation.code, transport, tmp_path / "b")
    assert joined.summary.applied_changes > 0


def test_a_join_waiting_for_the_coordinator_can_be_cancelled(tmp_path: Path) -> None:
    transport = MemoryTransport()
    founder = _founder(tmp_path)
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        invitation = service.invite(session, transport)
    asked = []
    with pytest.raises(EnrollmentCancelled):
        service.join(tmp_path / "b", invitation.code, transport, ADMIN, PASSPHRASE,
                     poll_seconds=0.01, stop=lambda: asked.append(1) or len(asked) > 3)
    assert not (tmp_path / "b").exists()
    with pytest.raises(EnrollmentTimedOut):
        service.join(tmp_path / "c", service.request_join(MemoryTransport(transport.store),
                                                           _fresh_code(founder, transport)),
                     transport, ADMIN, PASSPHRASE, wait_seconds=0.05, poll_seconds=0.01)
    assert not (tmp_path / "c").exists()


def _fresh_code(founder: Vault, transport: MemoryTransport) -> str:
    with founder.unlock(ADMIN, PASSPHRASE) as session:
        return service.invite(session, transport).code


def test_the_command_line_invites_waits_shows_digits_and_confirms(tmp_path: Path) -> None:
    """`device invite --wait` prints the code, waits for the new laptop, prints the digits;
    `device confirm --sas` with the digits the new laptop printed sends the keys."""
    import subprocess
    import sys

    from tests.cli_helpers import _environment, run_cli

    a, b, folder = tmp_path / "a", tmp_path / "b", tmp_path / "shared"
    folder.mkdir()
    user, secret = "aysel", "coordinator passphrase"
    assert run_cli("init", "--data-dir", str(a), "--admin", user, "--org-name", "NGO",
                   "--prefix", "TU", passphrase=secret).returncode == 0
    where = ["--folder", str(folder)]
    env = _environment(secret, None, None)
    inviting = subprocess.Popen(
        [sys.executable, "-m", "shelterdesk", "device", "invite", "--wait", *where,
         "--data-dir", str(a), "--user", user], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, text=True, env=env)
    assert inviting.stdout is not None
    code = ""
    for line in inviting.stdout:
        found = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", line)
        if found:
            code = found.group(0)
            break
    assert code
    joining = subprocess.Popen(
        [sys.executable, "-m", "shelterdesk", "enroll", "--code", code, *where, "--data-dir",
         str(b), "--user", user, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, text=True, env=env)
    shown, _err = inviting.communicate(timeout=240)
    assert inviting.returncode == 0, _err
    inviter_digits = re.search(r"(\d{3}) (\d{3})", shown)
    assert joining.stderr is not None
    joiner_digits = None
    for line in joining.stderr:
        joiner_digits = re.search(r"(\d{3}) (\d{3})", line)
        if joiner_digits:
            break
    assert inviter_digits and joiner_digits
    assert inviter_digits.group(0) == joiner_digits.group(0)
    wrong = run_cli("device", "confirm", "--code", code, "--sas", "000000"
                    if joiner_digits.group(0) != "000 000" else "111111", *where,
                    "--data-dir", str(a), "--user", user, passphrase=secret)
    assert wrong.returncode == 1 and "do not match" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    out, err = joining.communicate(timeout=240)
    assert joining.returncode == 1 and "Traceback" not in err  # cancelled: no keys came
    assert not b.exists()
