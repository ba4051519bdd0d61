"""`shelterdesk stats submit|receive|submissions|combined` between an organisation and a
ministry, in subprocesses, as an administrator's script runs them."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.statistics_exchange_helpers import MINISTRY, coalition


def _ok(*args: str) -> dict:
    done = run_cli(*args, "--json", passphrase=ADMIN_PASSPHRASE)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_organisation_submits_a_quarter_and_the_ministry_combines_it(tmp_path: Path) -> None:
    made = coalition(tmp_path, count=1)
    sender_name = made.sender_entries[0].name
    made.close()
    sender = ("--data-dir", str(tmp_path / "TU"), "--user", ADMIN)
    ministry = ("--data-dir", str(tmp_path / "ministry"), "--user", ADMIN)
    sealed = tmp_path / "q1.sdstats"

    bad = run_cli("stats", "submit", "--quarter", "2026Q5", "--to", MINISTRY, "--output",
                  str(sealed), *sender, passphrase=ADMIN_PASSPHRASE)
    assert bad.returncode == 1 and "is not a quarter" in bad.stderr
    assert "Traceback" not in bad.stderr and not sealed.exists()
    done = _ok("stats", "submit", "--quarter", "2026Q1", "--to", MINISTRY, "--output",
               str(sealed), *sender)
    assert done["quarter"] == "2026Q1" and not done["delivered"]
    assert stat.S_IMODE(os.stat(sealed).st_mode) == 0o600

    got = _ok("stats", "receive", str(sealed), *ministry)
    assert got["received"] == [{"from": sender_name, "quarter": "2026Q1"}]
    again = run_cli("stats", "receive", str(sealed), *ministry, passphrase=ADMIN_PASSPHRASE)
    assert again.returncode == 1 and "opened here before" in again.stderr
    assert "Traceback" not in again.stderr

    matrix = _ok("stats", "submissions", *ministry)
    assert matrix["quarters"] == ["2026Q1"]
    assert matrix["organisations"][0]["name"] == sender_name
    assert matrix["organisations"][0]["submitted"]["2026Q1"]

    table = tmp_path / "national.csv"
    national = _ok("stats", "combined", "--quarter", "2026Q1", "--output", str(table),
                   *ministry)
    assert national["k"] == 5 and national["organisations"] == [sender_name]
    sex = national["tables"]["sex"]["rows"]  # 10 women → 9 or 12; one man → "<5" or 0
    assert sex["male"] in ("<5", "0") and sex["female"] in ("9", "12", "x")
    assert (sex["male"] == "<5") == (sex["female"] == "x")  # else the total gives him away
    assert stat.S_IMODE(os.stat(table).st_mode) == 0o600
    assert "Soyad" not in table.read_text("utf-8-sig")

    pdf = tmp_path / "national.pdf"
    _ok("stats", "combined", "--output", str(pdf), *ministry)  # the latest quarter
    assert pdf.read_bytes().startswith(b"%PDF") and stat.S_IMODE(os.stat(pdf).st_mode) == 0o600

    missing = run_cli("stats", "--from", "2026-01-01", *ministry, passphrase=ADMIN_PASSPHRASE)
    assert missing.returncode == 1 and "--to, --format, --output" in missing.stderr
