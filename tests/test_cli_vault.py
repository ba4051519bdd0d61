"""The command line for the vault, driven as a shell script would drive it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shelterdesk import __version__
from tests.cli_helpers import run_cli

ADMIN_PW = "coordinator passphrase"
WORKER_PW = "case worker passphrase"


@pytest.fixture
def cli_vault(tmp_path: Path) -> str:
    data = str(tmp_path / "data")
    result = run_cli("init", "--admin", "aysel", "--org-name", "Test", "--data-dir", data,
                     passphrase=ADMIN_PW)
    assert result.returncode == 0, result.stderr
    return data


def assert_one_clean_line(result) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_init_prints_the_recovery_key_once(tmp_path: Path) -> None:
    result = run_cli("init", "--admin", "aysel", "--data-dir", str(tmp_path / "d"), "--json",
                     passphrase=ADMIN_PW)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["recovery_key"].split("-")) == 6
    assert data["recovery_key"].encode() not in (tmp_path / "d" / "keyslots.bin").read_bytes()


def test_init_add_user_then_unlock_as_that_user(cli_vault: str) -> None:
    added = run_cli("user", "add", "leyla", "--role", "case_worker", "--role", "legal_advisor",
                    "--data-dir", cli_vault, "--user", "aysel",
                    passphrase=ADMIN_PW, new_passphrase=WORKER_PW)
    assert added.returncode == 0, added.stderr
    listed = run_cli("user", "list", "--json", "--data-dir", cli_vault, "--user", "aysel",
                     passphrase=ADMIN_PW)
    entries = {u["username"]: u for u in json.loads(listed.stdout)}
    assert entries["leyla"]["roles"] == ["case_worker", "legal_advisor"]
    # Unlock as the new user: the audit check needs a coordinator, so it is refused, cleanly.
    as_worker = run_cli("audit", "verify", "--data-dir", cli_vault, "--user", "leyla",
                        passphrase=WORKER_PW)
    assert_one_clean_line(as_worker)
    assert "permission" in as_worker.stderr


def test_wrong_passphrase_is_one_clear_line(cli_vault: str) -> None:
    result = run_cli("user", "list", "--data-dir", cli_vault, "--user", "aysel",
                     passphrase="not the passphrase")
    assert_one_clean_line(result)
    assert "passphrase is not correct" in result.stderr


def test_no_passphrase_and_no_terminal(cli_vault: str) -> None:
    result = run_cli("user", "list", "--data-dir", cli_vault, "--user", "aysel")
    assert_one_clean_line(result)
    assert "SHELTERDESK_PASSPHRASE" in result.stderr


def test_options_before_the_sub_command(cli_vault: str) -> None:
    result = run_cli("--data-dir", cli_vault, "--user", "aysel", "user", "list",
                     passphrase=ADMIN_PW)
    assert result.returncode == 0, result.stderr
    assert "aysel" in result.stdout


def test_audit_verify_and_tampering(cli_vault: str) -> None:
    ok = run_cli("audit", "verify", "--data-dir", cli_vault, "--user", "aysel",
                 passphrase=ADMIN_PW)
    assert ok.returncode == 0, ok.stderr
    slots = Path(cli_vault) / "keyslots.bin"
    raw = bytearray(slots.read_bytes())
    raw[40] ^= 1
    slots.write_bytes(bytes(raw))
    broken = run_cli("audit", "verify", "--data-dir", cli_vault, "--user", "aysel",
                     passphrase=ADMIN_PW)
    assert_one_clean_line(broken)
    assert "key-slot file is damaged" in broken.stderr


def test_passwd_and_reset(cli_vault: str) -> None:
    run_cli("user", "add", "leyla", "--role", "medical", "--data-dir", cli_vault, "--user",
            "aysel", passphrase=ADMIN_PW, new_passphrase=WORKER_PW)
    changed = run_cli("user", "passwd", "--data-dir", cli_vault, "--user", "leyla",
                      passphrase=WORKER_PW, new_passphrase="leyla's new passphrase")
    assert changed.returncode == 0, changed.stderr
    reset = run_cli("user", "reset", "leyla", "--data-dir", cli_vault, "--user", "aysel",
                    passphrase=ADMIN_PW, new_passphrase="reset by coordinator")
    assert reset.returncode == 0, reset.stderr
    short = run_cli("user", "reset", "leyla", "--data-dir", cli_vault, "--user", "aysel",
                    passphrase=ADMIN_PW, new_passphrase="short")
    assert_one_clean_line(short)
    assert "at least 10 characters" in short.stderr
    disabled = run_cli("user", "disable", "leyla", "--data-dir", cli_vault, "--user", "aysel",
                       passphrase=ADMIN_PW)
    assert disabled.returncode == 0
    refused = run_cli("user", "list", "--data-dir", cli_vault, "--user", "leyla",
                      passphrase="reset by coordinator")
    assert_one_clean_line(refused)
    assert "disabled" in refused.stderr


def test_unknown_role_is_named(cli_vault: str) -> None:
    result = run_cli("user", "add", "leyla", "--role", "boss", "--data-dir", cli_vault,
                     "--user", "aysel", passphrase=ADMIN_PW, new_passphrase=WORKER_PW)
    assert_one_clean_line(result)
    assert "boss" in result.stderr


def test_not_a_vault(tmp_path: Path) -> None:
    result = run_cli("user", "list", "--data-dir", str(tmp_path), "--user", "aysel",
                     passphrase=ADMIN_PW)
    assert_one_clean_line(result)
    assert "not a ShelterDesk vault" in result.stderr
