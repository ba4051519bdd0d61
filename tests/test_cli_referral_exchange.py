"""`shelterdesk org code|add-key|confirm` and `referral send|receive|accept|…` between two
organisations' vaults, in subprocesses, as an administrator's script runs them."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.cli_helpers import run_cli

PW = "coordinator passphrase"


def _org(tmp_path: Path, folder: str, name: str, prefix: str, partner: str) -> tuple[str, ...]:
    data = str(tmp_path / folder)
    base = ("--data-dir", data, "--user", "aysel")
    assert run_cli("init", "--admin", "aysel", "--org-name", name, "--prefix", prefix,
                   "--data-dir", data, passphrase=PW).returncode == 0
    assert run_cli("org", "add", "--name", partner, "--kind", "ngo", "--service", "legal",
                   *base, passphrase=PW).returncode == 0
    return base


def _ok(*args: str) -> dict:
    done = run_cli(*args, "--json", passphrase=PW)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_two_organisations_exchange_a_referral_on_the_command_line(tmp_path: Path) -> None:
    a = _org(tmp_path, "a", "Təmiz Ürək NGO", "TU", "Hüquqi Yardım")
    b = _org(tmp_path, "b", "Hüquqi Yardım", "HY", "Təmiz Ürək NGO")
    code_a, code_b = _ok("org", "code", *a)["code"], _ok("org", "code", *b)["code"]
    number = _ok("org", "add-key", "Hüquqi Yardım", code_b, *a)["safety_number"]
    assert _ok("org", "add-key", "Təmiz Ürək NGO", code_a, *b)["safety_number"] == number
    wrong = run_cli("org", "confirm", "Hüquqi Yardım", "--number", "1" * 60, *a, passphrase=PW)
    assert wrong.returncode == 1 and "does not match" in wrong.stderr
    assert "Traceback" not in wrong.stderr and len(wrong.stderr.strip().splitlines()) == 1
    _ok("org", "confirm", "Hüquqi Yardım", "--number", number, *a)
    _ok("org", "confirm", "Təmiz Ürək NGO", "--number", number.replace(" ", ""), *b)

    csv = tmp_path / "clients.csv"
    csv.write_text("given_name,family_name,sex,date_of_birth,age_estimate,nationality,phone,"
                   "intake_date,exploitation_types,recruitment_channel,recruitment_platform,"
                   "victim_status,risk_level,notes\nAynur,Məmmədova,female,1999-04-12,,AZ,"
                   "+994 50 123 45 67,2026-03-01,sexual,dating_app,tinder,presumed,medium,\n",
                   encoding="utf-8")
    case_code = json.loads(run_cli("import", str(csv), "--json", *a, passphrase=PW).stdout)[0]
    sent = tmp_path / "r.sdreferral"
    ref = _ok("referral", "send", "--case", case_code, "--to", "Hüquqi Yardım", "--output",
              str(sent), *a)
    assert stat.S_IMODE(os.stat(sent).st_mode) == 0o600
    assert b"Aynur" not in sent.read_bytes()

    got = _ok("referral", "receive", str(sent), *b)
    assert got["kind"] == "referral" and got["from"] == "Təmiz Ürək NGO"
    inbox = _ok("referral", "inbox", *b)
    assert [e["number"] for e in inbox] == [ref["referral_number"]]
    pdf = tmp_path / "seen.pdf"
    _ok("referral", "show", ref["referral_number"], "--lang", "ru", "--output", str(pdf), *b)
    assert pdf.read_bytes().startswith(b"%PDF")

    status = tmp_path / "accepted.sdreferral"
    _ok("referral", "accept", ref["referral_number"], "--victim-status", "presumed", "--risk",
        "medium", "--output", str(status), *b)
    back = _ok("referral", "receive", str(status), *a)
    assert back["kind"] == "status" and back["status"] == "accepted"
    again = run_cli("referral", "receive", str(status), *a, passphrase=PW)
    assert again.returncode == 1 and "opened here before" in again.stderr

    done = tmp_path / "done.sdreferral"
    _ok("referral", "complete", ref["referral_number"], "--outcome", "Permit granted.",
        "--output", str(done), *b)
    assert _ok("referral", "receive", str(done), *a)["status"] == "completed"


def test_a_damaged_file_and_a_bad_code_are_one_line_refusals(tmp_path: Path) -> None:
    a = _org(tmp_path, "a", "Təmiz Ürək NGO", "TU", "Hüquqi Yardım")
    _ok("org", "code", *a)
    bad = run_cli("org", "add-key", "Hüquqi Yardım", "SDORG1-AAAAA-BBBBB", *a, passphrase=PW)
    assert bad.returncode == 1 and "organisation code" in bad.stderr
    junk = tmp_path / "x.sdreferral"
    junk.write_text('{"format": "shelterdesk-referral-exchange", "version": 1, "to": "00"}')
    refused = run_cli("referral", "receive", str(junk), *a, passphrase=PW)
    assert refused.returncode == 1 and "x.sdreferral" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_mailbox_commands_say_what_is_missing(tmp_path: Path) -> None:
    a = _org(tmp_path, "a", "Təmiz Ürək NGO", "TU", "Hüquqi Yardım")
    no_relay = run_cli("org", "mailbox", *a, passphrase=PW)
    assert no_relay.returncode == 1 and "relay" in no_relay.stderr
    assert "Traceback" not in no_relay.stderr
    both = run_cli("referral", "send", "--case", "TU-X", "--to", "Hüquqi Yardım", "--output",
                   str(tmp_path / "x.sdreferral"), "--deliver", *a, passphrase=PW)
    assert both.returncode == 1 and "--deliver" in both.stderr
    assert not (tmp_path / "x.sdreferral").exists()
    empty = run_cli("referral", "collect", *a, passphrase=PW)
    assert empty.returncode == 1 and "no relay mailbox" in empty.stderr
