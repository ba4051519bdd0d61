"""`shelterdesk backup …` driven as an administrator's script would drive it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.test_cli_vault import ADMIN_PW, WORKER_PW, assert_one_clean_line


def init(data: Path) -> str:
    result = run_cli("init", "--admin", "aysel", "--org-name", "Gizli NGO", "--data-dir",
                     str(data), "--json", passphrase=ADMIN_PW)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["recovery_key"]


def test_create_verify_restore(tmp_path: Path) -> None:
    data = tmp_path / "data"
    recovery_key = init(data)
    out = tmp_path / "b.sdbackup"
    created = run_cli("backup", "create", "--output", str(out), "--data-dir", str(data),
                      "--user", "aysel", "--json", passphrase=ADMIN_PW)
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    assert info["path"] == str(out) and info["tables"]["users"] == 1

    shallow = run_cli("backup", "verify", str(out))
    assert shallow.returncode == 0, shallow.stderr
    assert "checksum intact" in shallow.stdout and "Not opened" in shallow.stdout

    deep = run_cli("backup", "verify", str(out), "--user", "aysel", "--json",
                   passphrase=ADMIN_PW)
    assert deep.returncode == 0, deep.stderr
    report = json.loads(deep.stdout)
    assert report["deep"] and report["opened_with"] == "user" and report["audit_ok"]

    by_recovery = run_cli("backup", "verify", str(out),
                          env={"SHELTERDESK_RECOVERY_KEY": recovery_key})
    assert by_recovery.returncode == 0 and "recovery key" in by_recovery.stdout

    restored = tmp_path / "restored"
    result = run_cli("backup", "restore", str(out), "--target", str(restored))
    assert result.returncode == 0, result.stderr
    listed = run_cli("user", "list", "--json", "--data-dir", str(restored), "--user", "aysel",
                     passphrase=ADMIN_PW)
    assert [u["username"] for u in json.loads(listed.stdout)] == ["aysel"]


def test_restore_into_data_dir_and_over_a_vault(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init(data)
    out = tmp_path / "b.sdbackup"
    assert run_cli("backup", "create", "--output", str(out), "--data-dir", str(data),
                   "--user", "aysel", passphrase=ADMIN_PW).returncode == 0
    fresh = tmp_path / "new-laptop"
    result = run_cli("backup", "restore", str(out), "--data-dir", str(fresh), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["target"] == str(fresh)

    refused = run_cli("backup", "restore", str(out), "--target", str(data))
    assert_one_clean_line(refused)
    assert "--force" in refused.stderr
    no_passphrase = run_cli("backup", "restore", str(out), "--target", str(data), "--force")
    assert_one_clean_line(no_passphrase)
    forced = run_cli("backup", "restore", str(out), "--target", str(data), "--force",
                     "--user", "aysel", passphrase=ADMIN_PW)
    assert forced.returncode == 0, forced.stderr
    assert "kept in" in forced.stdout
    assert len(list(tmp_path.glob("data.before-restore-*"))) == 1


def test_errors_are_one_clean_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init(data)
    out = tmp_path / "b.sdbackup"
    assert run_cli("backup", "create", "--output", str(out), "--data-dir", str(data),
                   "--user", "aysel", passphrase=ADMIN_PW).returncode == 0
    raw = bytearray(out.read_bytes())
    raw[len(raw) // 3] ^= 0x10
    damaged = tmp_path / "damaged.sdbackup"
    damaged.write_bytes(bytes(raw))
    result = run_cli("backup", "verify", str(damaged))
    assert_one_clean_line(result)
    assert "damaged" in result.stderr

    again = run_cli("backup", "create", "--output", str(out), "--data-dir", str(data),
                    "--user", "aysel", passphrase=ADMIN_PW)
    assert_one_clean_line(again)
    assert "already exists" in again.stderr

    no_folder = run_cli("backup", "run", "--data-dir", str(data), "--user", "aysel",
                        passphrase=ADMIN_PW)
    assert_one_clean_line(no_folder)

    assert run_cli("user", "add", "leyla", "--role", "case_worker", "--data-dir", str(data),
                   "--user", "aysel", passphrase=ADMIN_PW,
                   new_passphrase=WORKER_PW).returncode == 0
    worker = run_cli("backup", "create", "--output", str(tmp_path / "w.sdbackup"),
                     "--data-dir", str(data), "--user", "leyla", passphrase=WORKER_PW)
    assert_one_clean_line(worker)
    assert "permission" in worker.stderr


def test_a_damaged_vault_points_at_backup_restore(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init(data)
    database = data / "vault.db"
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    result = run_cli("user", "list", "--data-dir", str(data), "--user", "aysel",
                     passphrase=ADMIN_PW)
    assert_one_clean_line(result)
    assert "damaged" in result.stderr and "shelterdesk backup restore" in result.stderr


def test_run_and_list_and_status(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init(data)
    folder = tmp_path / "usb"
    folder.mkdir()
    ran = run_cli("backup", "run", "--folder", str(folder), "--data-dir", str(data),
                  "--user", "aysel", "--json", passphrase=ADMIN_PW)
    assert ran.returncode == 0, ran.stderr
    listed = run_cli("backup", "list", str(folder), "--json")
    assert [e["path"] for e in json.loads(listed.stdout)] == [json.loads(ran.stdout)["path"]]
    status = run_cli("backup", "status", "--data-dir", str(data), "--user", "aysel", "--json",
                     passphrase=ADMIN_PW)
    assert status.returncode == 0, status.stderr
    # No folder is configured in the settings, so the vault's own record is used.
    found = json.loads(status.stdout)
    assert found["last_backup_at"] and found["overdue"] is False
