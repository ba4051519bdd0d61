"""`shelterdesk referral` end to end in a subprocess, as an administrator's script runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.referral_helpers import font_problems, pdf_text

PW = "coordinator passphrase"
WORKER_PW = "case worker passphrase"


def _vault(tmp_path: Path) -> tuple[tuple[str, ...], str]:
    data = str(tmp_path / "data")
    base = ("--data-dir", data, "--user", "aysel")
    assert run_cli("init", "--admin", "aysel", "--org-name", "Təmiz Ürək NGO", "--prefix",
                   "TU", "--data-dir", data, passphrase=PW).returncode == 0
    assert run_cli("org", "add", "--name", "Hüquqi Yardım", "--kind", "ngo", "--service",
                   "legal", *base, passphrase=PW).returncode == 0
    csv = tmp_path / "clients.csv"
    csv.write_text("given_name,family_name,sex,date_of_birth,age_estimate,nationality,phone,"
                   "intake_date,exploitation_types,recruitment_channel,recruitment_platform,"
                   "notes,victim_status,risk_level\nAynur,Məmmədova,female,1999-04-12,,AZ,"
                   "+994 50 123 45 67,2026-03-01,sexual;forced_labour,dating_app,tinder,"
                   "Qardaşı axtarır,presumed,high\n", encoding="utf-8")
    imported = run_cli("import", str(csv), "--json", *base, passphrase=PW)
    assert imported.returncode == 0, imported.stderr
    return base, json.loads(imported.stdout)[0]


def test_anonymized_sheet_in_azerbaijani(tmp_path: Path) -> None:
    base, code = _vault(tmp_path)
    output = tmp_path / "out" / "sheet.pdf"
    output.parent.mkdir()
    done = run_cli("referral", "--case", code, "--to", "hüquqi yardım", "--service", "legal",
                   "--service", "psychosocial", "--anonymized", "--lang", "az", "--output",
                   str(output), "--json", *base, passphrase=PW)
    assert done.returncode == 0, done.stderr
    referral_number = json.loads(done.stdout)["referral_number"]
    text = " ".join(pdf_text(output.read_bytes()).split())
    assert code in text and referral_number in text
    for value in ("Aynur", "Məmmədova", "1999", "123 45 67", "Qardaşı"):
        assert value not in text
    assert font_problems(output.read_bytes()) == []
    assert [p.name for p in output.parent.iterdir()] == ["sheet.pdf"]  # no temp file left


def test_refusal_is_one_line_and_writes_no_file(tmp_path: Path) -> None:
    base, code = _vault(tmp_path)
    output = tmp_path / "form.pdf"
    refused = run_cli("referral", "--case", code, "--to", "Hüquqi Yardım", "--service",
                      "legal", "--lang", "en", "--output", str(output), *base, passphrase=PW)
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1 and "consent" in refused.stderr
    assert "Traceback" not in refused.stderr and not output.exists()
    assert run_cli("user", "add", "leyla", "--role", "case_worker", *base, passphrase=PW,
                   new_passphrase=WORKER_PW).returncode == 0
    worker = ("--data-dir", base[1], "--user", "leyla")
    override = run_cli("referral", "--case", code, "--to", "Hüquqi Yardım", "--lang", "ru",
                       "--output", str(output), "--override-reason", "emergency", *worker,
                       passphrase=WORKER_PW)
    assert override.returncode == 1 and len(override.stderr.strip().splitlines()) == 1
    assert not output.exists()
    bad_output = run_cli("referral", "--case", code, "--to", "Hüquqi Yardım", "--anonymized",
                         "--lang", "en", "--output", str(tmp_path / "no" / "x.pdf"), *base,
                         passphrase=PW)
    assert bad_output.returncode == 1 and "--output" in bad_output.stderr
    listed = run_cli("audit", "verify", *base, passphrase=PW)
    assert listed.returncode == 0, listed.stderr


def test_consent_then_identified_form_then_override(tmp_path: Path) -> None:
    base, code = _vault(tmp_path)
    assert run_cli("consent", "add", "--case", code, "--purpose", "referral", "--to",
                   "Hüquqi Yardım", "--scope", "name", "--scope", "contact", *base,
                   passphrase=PW).returncode == 0
    output = tmp_path / "form.pdf"
    done = run_cli("referral", "--case", code, "--to", "Hüquqi Yardım", "--lang", "ru",
                   "--output", str(output), "--share", "phone", *base, passphrase=PW)
    assert done.returncode == 0, done.stderr
    text = " ".join(pdf_text(output.read_bytes()).split())
    assert "Aynur Məmmədova" in text and "+994 50 123 45 67" in text
    assert run_cli("consent", "withdraw", "--case", code, "--purpose", "referral", "--to",
                   "Hüquqi Yardım", *base, passphrase=PW).returncode == 0
    again = tmp_path / "again.pdf"
    refused = run_cli("referral", "--case", code, "--to", "Hüquqi Yardım", "--lang", "en",
                      "--output", str(again), *base, passphrase=PW)
    assert refused.returncode == 1 and not again.exists()
    overridden = run_cli("referral", "--case", code, "--to", "Hüquqi Yardım", "--lang", "en",
                         "--urgency", "emergency", "--output", str(again), "--override-reason",
                         "Hospital admission tonight", *base, passphrase=PW)
    assert overridden.returncode == 0, overridden.stderr
    assert "Hospital admission tonight" in " ".join(pdf_text(again.read_bytes()).split())


def test_share_is_refused_when_the_consent_scope_lacks_the_detail(tmp_path: Path) -> None:
    base, code = _vault(tmp_path)
    bogus = run_cli("consent", "add", "--case", code, "--purpose", "referral", "--to",
                    "Hüquqi Yardım", "--scope", "shoe size", *base, passphrase=PW)
    assert bogus.returncode == 1 and "--scope" in bogus.stderr
    assert len(bogus.stderr.strip().splitlines()) == 1 and "Traceback" not in bogus.stderr
    assert run_cli("consent", "add", "--case", code, "--purpose", "referral", "--to",
                   "Hüquqi Yardım", "--scope", "name,contact", *base,
                   passphrase=PW).returncode == 0
    output = tmp_path / "form.pdf"
    refused = run_cli("referral", "--case", code, "--to", "Hüquqi Yardım", "--lang", "en",
                      "--output", str(output), "--share", "address", *base, passphrase=PW)
    assert refused.returncode == 1 and not output.exists()
    assert "Address" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    # Without --share the form carries exactly what the scope covers.
    done = run_cli("referral", "--case", code, "--to", "Hüquqi Yardım", "--lang", "en",
                   "--output", str(output), *base, passphrase=PW)
    assert done.returncode == 0, done.stderr
    text = " ".join(pdf_text(output.read_bytes()).split())
    assert "Aynur Məmmədova" in text and "+994 50 123 45 67" in text
    assert "1999" not in text  # the date of birth was not ticked


def test_an_organisation_missing_from_the_directory_is_named_and_no_file_written(
        tmp_path: Path) -> None:
    base, code = _vault(tmp_path)
    output = tmp_path / "sheet.pdf"
    refused = run_cli("referral", "--case", code, "--to", "Yox Belə Təşkilat", "--anonymized",
                      "--lang", "en", "--output", str(output), *base, passphrase=PW)
    assert refused.returncode == 1 and not output.exists() and "Traceback" not in refused.stderr
    assert "Yox Belə Təşkilat" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
