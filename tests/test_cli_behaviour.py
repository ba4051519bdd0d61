"""The command line behaves like a good Unix tool (issue 21): each promise through the real command.

Reprinting records nothing new; `cases list` lists every case or says how many
more exist; a closed pipe ends quietly; argparse speaks the chosen language;
organisations are found without diacritics; display names; local times and
plurals; a missing extra names its pip install; a relay address needs a scheme;
a revoked laptop's sync fails.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime

from shelterdesk.i18n import BABEL_LOCALES
from shelterdesk.store.records import referrals
from shelterdesk.store.vault import Vault
from tests.cli_helpers import ROOT, run_cli
from tests.referral_helpers import pdf_text

PW = "coordinator passphrase"
CLIENTS = 600  # more than one page (500) of `cases list`


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[str, ...]]:
    data = tmp_path_factory.mktemp("cli") / "data"
    base = ("--data-dir", str(data), "--user", "aysel")
    done = run_cli("init", "--admin", "aysel", "--display-name", "Aysel Məmmədova",
                   "--org-name", "Təmiz Ürək", "--prefix", "TU", "--data-dir", str(data),
                   passphrase=PW)
    assert done.returncode == 0, done.stderr
    done = run_cli("demo-data", "--clients", str(CLIENTS), *base, passphrase=PW)
    assert done.returncode == 0, done.stderr
    assert run_cli("org", "add", "--name", "Qadın Mərkəzi", "--kind", "ngo", "--service",
                   "legal", *base, passphrase=PW).returncode == 0
    return data, base


def _ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def _first_case(base: tuple[str, ...]) -> str:
    listed = _ok(run_cli("cases", "list", "--limit", "1", "--json", *base, passphrase=PW))
    return json.loads(listed.stdout)[0]["case_code"]


def _referral_count(data: Path) -> int:
    with Vault(data).unlock("aysel", PW) as session:
        return len(referrals.list_referrals(session, limit=100_000))


def test_init_display_name_in_user_list(vault) -> None:
    _data, base = vault
    listed = _ok(run_cli("user", "list", *base, passphrase=PW)).stdout
    assert re.search(r"^aysel\s+Aysel Məmmədova\s+active\s+Coordinator$", listed, re.M), listed
    as_json = json.loads(_ok(run_cli("user", "list", "--json", *base, passphrase=PW)).stdout)
    assert as_json[0]["display_name"] == "Aysel Məmmədova"


def test_reprint_prints_a_recorded_referral_without_recording_another(vault,
                                                                       tmp_path: Path) -> None:
    data, base = vault
    code = _first_case(base)
    # The organisation typed without its Azerbaijani letters, ə as "e" and as "a":
    _ok(run_cli("consent", "add", "--case", code, "--purpose", "referral", "--to",
                "qadin merkezi", *base, passphrase=PW))
    first = tmp_path / "form.pdf"
    made = _ok(run_cli("referral", "--case", code, "--to", "QADIN MARKAZI", "--lang", "en",
                       "--output", str(first), "--json", *base, passphrase=PW))
    number = json.loads(made.stdout)["referral_id"]
    readable = json.loads(made.stdout)["referral_number"]  # R-26-XX-0001-C, what is printed
    before = _referral_count(data)

    again = tmp_path / "again.pdf"
    done = _ok(run_cli("referral", "reprint", "--referral", number[:8], "--lang", "ru",
                       "--output", str(again), *base, passphrase=PW))
    assert number in done.stdout
    assert _referral_count(data) == before  # printing records no referral
    text = pdf_text(again.read_bytes())
    assert readable in text
    assert "Aysel Məmmədova" in text  # the contact person is the display name, not "aysel"
    assert "aysel" not in text.replace("Aysel", "")

    sheet = tmp_path / "sheet.pdf"
    _ok(run_cli("referral", "reprint", "--referral", number, "--anonymized", "--lang", "az",
                "--output", str(sheet), *base, passphrase=PW))
    assert readable in pdf_text(sheet.read_bytes())

    unknown = run_cli("referral", "reprint", "--referral", "0000000000", "--lang", "en",
                      "--output", str(tmp_path / "x.pdf"), *base, passphrase=PW)
    assert unknown.returncode == 1 and "does not exist" in unknown.stderr
    assert not (tmp_path / "x.pdf").exists()

    missing = run_cli("referral", "--to", "Qadın Mərkəzi", *base, passphrase=PW)
    assert missing.returncode == 1
    assert "Missing --case, --lang, --output" in missing.stderr
    assert _referral_count(data) == before


def test_cases_list_lists_every_case_and_says_when_more_exist(vault) -> None:
    _data, base = vault
    every = _ok(run_cli("cases", "list", *base, passphrase=PW))
    assert len(every.stdout.splitlines()) == CLIENTS and every.stderr == ""
    as_json = json.loads(_ok(run_cli("cases", "list", "--json", *base, passphrase=PW)).stdout)
    assert len(as_json) == CLIENTS and len({c["case_code"] for c in as_json}) == CLIENTS
    some = _ok(run_cli("cases", "list", "--limit", "5", *base, passphrase=PW))
    assert len(some.stdout.splitlines()) == 5
    assert some.stderr.strip() == (f"Showed 5 of {CLIENTS} cases; leave out --limit to list "
                                   "every one.")
    none = _ok(run_cli("cases", "list", "--search", "zzzqqq", *base, passphrase=PW))
    assert none.stdout.strip() == "No case matches “zzzqqq”."
    assert json.loads(_ok(run_cli("cases", "list", "--search", "zzzqqq", "--json", *base,
                                  passphrase=PW)).stdout) == []
    bad = run_cli("cases", "list", "--limit", "0", *base, passphrase=PW)
    assert bad.returncode == 1 and "--limit" in bad.stderr


def test_an_empty_vault_says_it_has_no_cases(tmp_path: Path) -> None:
    data = str(tmp_path / "empty")
    _ok(run_cli("init", "--admin", "aysel", "--data-dir", data, passphrase=PW))
    listed = _ok(run_cli("cases", "list", "--data-dir", data, "--user", "aysel", passphrase=PW))
    assert listed.stdout.strip() == "No cases yet."


def test_a_closed_pipe_ends_quietly(vault) -> None:
    _data, base = vault
    # Far more than a pipe holds (64 KiB), so the writer meets the closed pipe.
    command = [sys.executable, "-m", "shelterdesk", "cases", "list", "--json", *base]
    env = {"PYTHONPATH": str(ROOT), "SHELTERDESK_PASSPHRASE": PW, "PATH": "/usr/bin:/bin",
           "QT_QPA_PLATFORM": "offscreen", "LANG": "en_GB.UTF-8"}
    writer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert writer.stdout.readline().strip() == b"["
    writer.stdout.close()  # like `| head -1`
    stderr = writer.stderr.read()
    assert writer.wait(timeout=120) == 141
    assert stderr == b""


def test_argparse_speaks_the_chosen_language(vault) -> None:
    _data, base = vault
    ru = run_cli("--lang", "ru", "cases", "list", "--limit", "x", *base, passphrase=PW)
    assert ru.returncode == 2
    assert ru.stderr.startswith("использование: shelterdesk cases list")
    assert "ошибка" in ru.stderr and "--limit" in ru.stderr
    assert "usage" not in ru.stderr and "invalid int" not in ru.stderr
    az = _ok(run_cli("--lang", "az", "--help"))
    assert az.stdout.startswith("istifadə: shelterdesk")
    for english in ("usage:", "positional arguments", "options:",
                    "show this help message and exit"):
        assert english not in az.stdout, english


def test_times_are_shown_in_the_local_time_zone(vault, tmp_path: Path) -> None:
    _data, base = vault
    folder = tmp_path / "shared"
    folder.mkdir()
    zone = {"TZ": "Asia/Baku"}
    as_json = _ok(run_cli("device", "invite", "--folder", str(folder), "--json", *base,
                          passphrase=PW, env=zone))
    expires = datetime.fromisoformat(json.loads(as_json.stdout)["expires_at"]
                                     .replace("Z", "+00:00"))
    shown = _ok(run_cli("device", "invite", "--folder", str(folder), *base, passphrase=PW,
                        env=zone)).stdout
    assert "UTC" not in shown
    # The second invitation was made a moment later: its minute may have turned.
    candidates = {format_datetime(expires.replace(minute=m % 60), "short",
                                  tzinfo=ZoneInfo("Asia/Baku"), locale=BABEL_LOCALES["en"])
                  for m in (expires.minute, expires.minute + 1)}
    assert any(c in shown for c in candidates), (shown, candidates)


def test_a_relay_address_without_a_scheme_says_so(vault) -> None:
    _data, base = vault
    done = run_cli("sync", "--relay", "relay.example.org:8470", *base, passphrase=PW)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "“relay.example.org:8470” is not a relay address" in done.stderr
    assert "https://relay.example.org:8470" in done.stderr


def test_a_missing_extra_names_its_pip_install(tmp_path: Path) -> None:
    # A copy of Python without the relay's packages: the import of starlette fails as
    # it does where `pip install shelterdesk` left the extra out.
    blocker = tmp_path / "no_extras"
    blocker.mkdir()
    (blocker / "starlette.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'starlette'\", name='starlette')\n")
    done = run_cli("relay", "--listen", "127.0.0.1:0", "--store",
                   "sqlite:///" + str(tmp_path / "relay.db"),
                   env={"PYTHONPATH": f"{blocker}:{ROOT}"})
    assert done.returncode == 1, done.stderr
    assert 'pip install "shelterdesk[relay]"' in done.stderr
    assert "ModuleNotFoundError" not in done.stderr and "internal error" not in done.stderr


@pytest.mark.slow
def test_sync_plurals_and_a_revoked_laptop_fails(tmp_path: Path) -> None:
    from tests.test_cli_sync import _laptops

    a, b, folder = _laptops(tmp_path, clients=3)
    where = ("--folder", str(folder), "--user", "aysel")
    _ok(run_cli("org", "add", "--name", "One more", "--kind", "ngo", "--data-dir", str(b),
                "--user", "aysel", passphrase=PW))
    sent = _ok(run_cli("sync", *where, "--data-dir", str(b), passphrase=PW)).stdout
    assert re.search(r"^Sent 1 envelope \(\d+ changes?\); received \d+ envelopes?, ", sent,
                     re.M), sent
    ru = _ok(run_cli("--lang", "ru", "sync", *where, "--data-dir", str(a),
                     passphrase=PW)).stdout
    found = re.search(r"^Отправлен\w* (\d+) (конверт\w*) \(\d+ изменени\w+\); получен", ru, re.M)
    assert found, ru
    count = int(found.group(1))
    form = ("конверт" if count % 10 == 1 and count % 100 != 11 else
            "конверта" if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14 else "конвертов")
    assert found.group(2) == form, ru

    device_b = json.loads(_ok(run_cli("device", "list", "--json", "--data-dir", str(b),
                                      "--user", "aysel", passphrase=PW)).stdout)
    b_id = next(d["device_id"] for d in device_b if d["this"])
    _ok(run_cli("device", "revoke", b_id, "--data-dir", str(a), "--user", "aysel",
                passphrase=PW))
    _ok(run_cli("sync", *where, "--data-dir", str(a), passphrase=PW))
    revoked = run_cli("sync", *where, "--data-dir", str(b), passphrase=PW)
    assert revoked.returncode == 1, revoked.stdout + revoked.stderr
    assert "removed from the organisation" in revoked.stderr
