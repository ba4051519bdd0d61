"""Organisations, consents and demo data from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_helpers import run_cli

PW = "coordinator passphrase"


def test_org_consent_and_demo_data(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    base = ("--data-dir", data, "--user", "aysel")
    assert run_cli("init", "--admin", "aysel", "--prefix", "TU", "--data-dir", data,
                   passphrase=PW).returncode == 0
    added = run_cli("org", "add", "--name", "Hüquqi Yardım", "--kind", "ngo", "--service",
                    "legal", "--service", "documents", *base, passphrase=PW)
    assert added.returncode == 0, added.stderr
    duplicate = run_cli("org", "add", "--name", "hüquqi yardım", "--kind", "ngo", *base,
                        passphrase=PW)
    assert duplicate.returncode == 1 and "already in the directory" in duplicate.stderr
    orgs = json.loads(run_cli("org", "list", "--json", *base, passphrase=PW).stdout)
    assert orgs[0]["services"] == ["legal", "documents"]
    demo = run_cli("demo-data", "--clients", "30", "--seed", "7", "--json", *base,
                   passphrase=PW)
    assert demo.returncode == 0, demo.stderr
    cases = json.loads(run_cli("cases", "list", "--json", *base, passphrase=PW).stdout)
    assert len(cases) == 30 and all(c["case_code"].startswith("TU-") for c in cases)
    code = cases[0]["case_code"]
    consent = run_cli("consent", "add", "--case", code, "--purpose", "referral", "--to",
                      "Hüquqi Yardım", "--expires", "2030-01-01", *base, passphrase=PW)
    assert consent.returncode == 0, consent.stderr
    withdrawn = run_cli("consent", "withdraw", "--case", code, "--purpose", "referral", "--to",
                        "Hüquqi Yardım", *base, passphrase=PW)
    assert withdrawn.returncode == 0 and "withdrawn" in withdrawn.stdout
    again = run_cli("consent", "withdraw", "--case", code, "--purpose", "referral", "--to",
                    "Hüquqi Yardım", *base, passphrase=PW)
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1
    unknown = run_cli("consent", "add", "--case", "TU-26-XXXXXX-0", "--purpose", "referral",
                      "--to", "Nobody", *base, passphrase=PW)
    assert unknown.returncode == 1 and "TU-26-XXXXXX-0" in unknown.stderr
    bad_date = run_cli("consent", "add", "--case", code, "--purpose", "data_storage",
                       "--expires", "soon", *base, passphrase=PW)
    assert bad_date.returncode == 1 and "--expires" in bad_date.stderr


def test_consent_amend(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    base = ("--data-dir", data, "--user", "aysel")
    assert run_cli("init", "--admin", "aysel", "--prefix", "TU", "--data-dir", data,
                   passphrase=PW).returncode == 0
    assert run_cli("org", "add", "--name", "Hüquqi Yardım", "--kind", "ngo", "--service",
                   "legal", *base, passphrase=PW).returncode == 0
    assert run_cli("demo-data", "--clients", "30", "--seed", "7", *base,
                   passphrase=PW).returncode == 0
    code = json.loads(run_cli("cases", "list", "--json", *base,
                              passphrase=PW).stdout)[0]["case_code"]  # an open case
    target = ("--case", code, "--purpose", "referral", "--to", "Hüquqi Yardım")
    added = run_cli("consent", "add", *target, "--json", *base, passphrase=PW)
    assert added.returncode == 0, added.stderr
    amended = run_cli("consent", "amend", *target, "--scope", "name", "--scope", "contact",
                      "--reason", "phone agreed", "--json", *base, passphrase=PW)
    assert amended.returncode == 0, amended.stderr
    assert json.loads(amended.stdout)["id"] != json.loads(added.stdout)["id"]
    # The new version is the one in force: amending again amends it, withdrawing withdraws it.
    again = run_cli("consent", "amend", *target, "--expires", "2030-01-01", *base,
                    passphrase=PW)
    assert again.returncode == 0 and "amended" in again.stdout
    withdrawn = run_cli("consent", "withdraw", *target, *base, passphrase=PW)
    assert withdrawn.returncode == 0 and "withdrawn" in withdrawn.stdout
    nothing = run_cli("consent", "amend", *target, "--method", "verbal", *base, passphrase=PW)
    assert nothing.returncode == 1 and "to amend" in nothing.stderr
    assert len(nothing.stderr.strip().splitlines()) == 1
    bad = run_cli("consent", "amend", *target, "--scope", "shoe size", *base, passphrase=PW)
    assert bad.returncode == 1 and "--scope" in bad.stderr
