"""`shelterdesk stats` end to end: the real command, as a statistics user and as a case worker."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from pypdf import PdfReader

from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE


def test_stats_command_exports_and_refuses(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    assert run_cli("init", "--admin", ADMIN, "--org-name", "Təmiz Həyat", "--data-dir", data,
                   passphrase=ADMIN_PASSPHRASE).returncode == 0
    assert run_cli("demo-data", "--clients", "300", "--seed", "4", "--data-dir", data,
                   "--user", ADMIN, passphrase=ADMIN_PASSPHRASE).returncode == 0
    for name, role in (("analyst", "statistics"), ("leyla", "case_worker")):
        assert run_cli("user", "add", name, "--role", role, "--data-dir", data, "--user", ADMIN,
                       passphrase=ADMIN_PASSPHRASE,
                       new_passphrase="a long enough passphrase").returncode == 0
    period = ["--from", "2024-01-01", "--to", "2027-01-01"]
    done = run_cli("stats", *period, "--format", "csv", "--output", str(tmp_path / "s.csv"),
                   "--data-dir", data, "--user", "analyst", "--json",
                   passphrase="a long enough passphrase")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["k"] == 5
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.csv").read_text("utf-8-sig"))))
    assert {"new_cases", "sex", "nationality", "services", "shelter"} <= {r["table"] for r in rows}
    ctdc = run_cli("stats", "--from", "2025-01-01", "--to", "2026-01-01", "--format", "ctdc",
                   "--output", str(tmp_path / "c.csv"),
                   "--data-dir", data, "--user", "analyst", passphrase="a long enough passphrase")
    assert ctdc.returncode == 0 and "published" in ctdc.stdout
    # the attacks of issue 19: a CTDC file not for one calendar year, a one-day period
    for start, end, fmt, message in (("2024-01-01", "2027-01-01", "ctdc", "calendar year"),
                                     ("2025-01-01", "2025-12-31", "ctdc", "calendar year"),
                                     ("2026-03-14", "2026-03-15", "csv", "whole months")):
        refused = run_cli("stats", "--from", start, "--to", end, "--format", fmt, "--output",
                          str(tmp_path / "r.csv"), "--data-dir", data, "--user", "analyst",
                          passphrase="a long enough passphrase")
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr and not (tmp_path / "r.csv").exists()
    pdf = run_cli("stats", *period, "--format", "pdf", "--output", str(tmp_path / "s.pdf"),
                  "--lang", "ru", "--data-dir", data, "--user", "analyst",
                  passphrase="a long enough passphrase")
    assert pdf.returncode == 0, pdf.stderr
    assert len(PdfReader(tmp_path / "s.pdf").pages) >= 2
    refused = run_cli("stats", *period, "--format", "csv", "--output", str(tmp_path / "w.csv"),
                      "--data-dir", data, "--user", "leyla",
                      passphrase="a long enough passphrase")
    assert refused.returncode == 1 and "permission" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "w.csv").exists()
    backwards = run_cli("stats", "--from", "2026-02-01", "--to", "2026-01-01", "--format", "csv",
                        "--output", str(tmp_path / "b.csv"), "--data-dir", data, "--user",
                        "analyst", passphrase="a long enough passphrase")
    assert backwards.returncode == 1 and "period" in backwards.stderr
