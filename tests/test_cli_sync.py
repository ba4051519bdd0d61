"""Two laptops end to end through the real command, in subprocesses; and a sync killed with -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shelterdesk.store.replication import changes, snapshot
from shelterdesk.store.vault import Vault
from tests.cli_helpers import ROOT, enroll_with_cli, run_cli

PASS = "coordinator passphrase"
HEADER = ("given_name,family_name,sex,date_of_birth,age_estimate,nationality,phone,intake_date,"
          "exploitation_types,recruitment_channel,recruitment_platform,notes,victim_status,"
          "risk_level\n")


def _ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    return result


def _laptops(tmp_path: Path, clients: int = 20) -> tuple[Path, Path, Path]:
    a, b, folder = tmp_path / "a", tmp_path / "b", tmp_path / "shared"
    folder.mkdir()
    _ok(run_cli("init", "--data-dir", str(a), "--admin", "aysel", "--org-name", "Təmiz Ürək",
                "--prefix", "TU", passphrase=PASS))
    _ok(run_cli("demo-data", "--clients", str(clients), "--data-dir", str(a), "--user", "aysel",
                passphrase=PASS))
    qr = tmp_path / "code.png"
    invited = _ok(run_cli("device", "invite", "--folder", str(folder), "--data-dir", str(a),
                          "--user", "aysel", "--json", "--qr", str(qr), passphrase=PASS))
    assert qr.stat().st_mode & 0o777 == 0o600  # written only when asked, and owner-only
    code = json.loads(invited.stdout)["code"]
    joined = _ok(enroll_with_cli(code, ["--folder", str(folder)], ["--data-dir", str(a),
                                 "--user", "aysel"], ["--data-dir", str(b), "--user", "aysel",
                                                      "--json"], passphrase=PASS))
    assert json.loads(joined.stdout)["recovery_key"]
    assert "Digits to compare" in joined.stderr
    return a, b, folder


def _dump(directory: Path) -> bytes:
    with Vault(directory).unlock("aysel", PASS) as session:
        return snapshot.canonical_dump(session.connection)


def _cases(directory: Path) -> list[dict]:
    result = _ok(run_cli("cases", "list", "--json", "--limit", "10000", "--data-dir",
                         str(directory), "--user", "aysel", passphrase=PASS))
    return json.loads(result.stdout)


def test_two_laptops_edit_offline_then_converge(tmp_path: Path) -> None:
    a, b, folder = _laptops(tmp_path)
    assert _cases(a) == _cases(b)
    (tmp_path / "a.csv").write_text(HEADER + "Leyla,Quliyeva,female,1998-02-03,,AZ,"
                                    "+994501112233,2026-01-05,sexual,dating_app,tinder,A,presumed,"
                                    "high\n")
    (tmp_path / "b.csv").write_text(HEADER + "Nigar,Həsənova,female,2000-05-06,,AZ,"
                                    "+994551234567,2026-01-06,forced_labour,online_job_ad,"
                                    "telegram,B,presumed,low\n")
    _ok(run_cli("import", str(tmp_path / "a.csv"), "--data-dir", str(a), "--user", "aysel",
                passphrase=PASS))
    _ok(run_cli("import", str(tmp_path / "b.csv"), "--data-dir", str(b), "--user", "aysel",
                passphrase=PASS))
    _ok(run_cli("org", "add", "--name", "Legal Aid Baku", "--kind", "ngo", "--data-dir", str(b),
                "--user", "aysel", passphrase=PASS))
    for laptop in (a, b, a):
        result = _ok(run_cli("sync", "--folder", str(folder), "--data-dir", str(laptop),
                             "--user", "aysel", "--json", passphrase=PASS))
        assert json.loads(result.stdout)["rejected"] == 0
    cases_a, cases_b = _cases(a), _cases(b)
    assert cases_a == cases_b and len(cases_a) == 22
    assert {c["given_name"] for c in cases_a} >= {"Leyla", "Nigar"}
    assert _dump(a) == _dump(b)
    text = _ok(run_cli("sync", "--folder", str(folder), "--data-dir", str(b), "--user", "aysel",
                       passphrase=PASS))
    assert "Sent 0 envelopes" in text.stdout
    listed = _ok(run_cli("device", "list", "--json", "--data-dir", str(a), "--user", "aysel",
                         passphrase=PASS))
    assert len(json.loads(listed.stdout)) == 2
    audit = _ok(run_cli("audit", "verify", "--data-dir", str(b), "--user", "aysel",
                        passphrase=PASS))
    assert "intact" in audit.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    a, shared = tmp_path / "a", tmp_path / "shared"
    shared.mkdir()
    _ok(run_cli("init", "--data-dir", str(a), "--admin", "aysel", passphrase=PASS))
    cases = [
        # first: a sync (even one whose relay cannot be reached) founds the organisation
        (("device", "revoke", "ab" * 16, "--data-dir", str(a), "--user", "aysel"),
         "not joined"),
        (("sync", "--relay", "https://relay.example", "--data-dir", str(a), "--user", "aysel"),
         "relay"),
        (("sync", "--folder", str(tmp_path), "--data-dir", str(a), "--user", "aysel"),
         "inside a synced folder"),
        (("enroll", "--code", "AAAA-BBBB-CCCC-DDDD-E", "--folder", str(tmp_path / "none"),
          "--data-dir", str(tmp_path / "b"), "--user", "aysel"), "not a directory"),
        (("enroll", "--code", "AAAA-BBBB-CCCC-DDDD-E", "--folder", str(shared),
          "--data-dir", str(tmp_path / "other" / "b"), "--user", "aysel"), "mistyped"),
    ]
    for args, words in cases:
        result = run_cli(*args, passphrase=PASS)
        assert result.returncode == 1, (args, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert words in lines[0], (args, lines[0])
    assert not (tmp_path / "other").exists()


def _sync_process(directory: Path, folder: Path) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SHELTERDESK_")}
    environment.update(SHELTERDESK_KDF_PROFILE="minimum", PYTHONPATH=str(ROOT),
                       SHELTERDESK_PASSPHRASE=PASS)
    return subprocess.Popen(
        [sys.executable, "-m", "shelterdesk", "sync", "--folder", str(folder), "--data-dir",
         str(directory), "--user", "aysel"], env=environment, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def _applied_from(directory: Path, device: str) -> int:
    with Vault(directory).unlock("aysel", PASS) as session:
        return changes.version_vector(session.connection).get(device, 0)


@pytest.mark.slow
def test_a_sync_killed_midway_resumes_without_loss_or_duplication(tmp_path: Path) -> None:
    a, b, folder = _laptops(tmp_path, clients=5)
    _ok(run_cli("demo-data", "--clients", "4000", "--seed", "7", "--data-dir", str(a), "--user",
                "aysel", passphrase=PASS))
    with Vault(a).unlock("aysel", PASS) as session:
        a_id = changes.device_id(session.connection)
        total = changes.last_seq(session.connection)
    env_dir = next(folder.glob(f"*/env/{a_id}"))
    before = len(list(env_dir.glob("*.sde")))
    # Sending, killed once its first new envelope is in the folder:
    process = _sync_process(a, folder)
    while process.poll() is None and len(list(env_dir.glob("*.sde"))) == before:
        time.sleep(0.01)
    assert process.poll() is None, "the push finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = len(list(env_dir.glob("*.sde")))
    _ok(run_cli("sync", "--folder", str(folder), "--data-dir", str(a), "--user", "aysel",
                passphrase=PASS))
    assert len(list(env_dir.glob("*.sde"))) > partial
    # Receiving, killed at growing delays until one run completes:
    progress = []
    delay = 0.8
    for _attempt in range(15):
        process = _sync_process(b, folder)
        time.sleep(delay)
        if process.poll() is not None:
            assert process.returncode == 0, process.stderr.read().decode()
            break
        process.send_signal(signal.SIGKILL)
        process.wait()
        progress.append(_applied_from(b, a_id))
        delay += 0.3
    else:
        pytest.fail("the receiving sync never finished")
    assert any(0 < seen < total for seen in progress), (progress, total)
    _ok(run_cli("sync", "--folder", str(folder), "--data-dir", str(a), "--user", "aysel",
                passphrase=PASS))
    assert _dump(a) == _dump(b)
    with Vault(b).unlock("aysel", PASS) as session:
        assert session.connection.execute("SELECT count(*) FROM clients").fetchone()[0] == 4005
    _sync_process(b, folder).wait()
    with Vault(a).unlock("aysel", PASS) as session:
        assert _applied_from(b, a_id) == changes.last_seq(session.connection)  # all, once
