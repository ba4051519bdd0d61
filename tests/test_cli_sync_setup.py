"""The command line twin of the Sync page's "Where this laptop syncs" and of the Backups tab's
"Where and when": test a place, save it, sync with what is saved; backup settings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli_helpers import run_cli

PASS = "coordinator passphrase"


def _vault(tmp_path: Path) -> Path:
    data = tmp_path / "vault"
    result = run_cli("init", "--data-dir", str(data), "--admin", "aysel", "--org-name", "Test",
                     "--prefix", "TU", passphrase=PASS)
    assert result.returncode == 0, result.stderr
    return data


def test_test_save_and_sync_with_the_saved_place(tmp_path: Path) -> None:
    data, folder = _vault(tmp_path), tmp_path / "shared"
    folder.mkdir()
    common = ("--data-dir", str(data), "--user", "aysel")
    never = run_cli("sync", *common, passphrase=PASS)
    assert never.returncode == 1 and "not set up" in never.stderr
    tested = run_cli("sync", "--test", "--folder", str(folder), *common, passphrase=PASS)
    assert tested.returncode == 0 and "can be used" in tested.stdout
    assert not list(folder.iterdir())  # the test file is gone again
    saved = run_cli("sync", "--save", "--folder", str(folder), *common, passphrase=PASS)
    assert saved.returncode == 0, saved.stderr
    synced = run_cli("sync", "--json", *common, passphrase=PASS)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["org_id"]
    shutil.rmtree(folder)  # the drive is gone
    missing = run_cli("sync", *common, passphrase=PASS)
    assert missing.returncode == 1
    assert "cannot be found" in missing.stderr and "Traceback" not in missing.stderr


def test_a_relay_that_is_down_is_said_in_words(tmp_path: Path) -> None:
    data = _vault(tmp_path)
    result = run_cli("sync", "--test", "--relay", "http://127.0.0.1:9", "--data-dir", str(data),
                     passphrase=PASS)
    assert result.returncode == 1
    assert "could not be reached" in result.stderr and "Traceback" not in result.stderr


def test_backup_settings(tmp_path: Path) -> None:
    data, usb = _vault(tmp_path), tmp_path / "usb"
    usb.mkdir()
    result = run_cli("backup", "settings", "--folder", str(usb), "--every-hours", "12",
                     "--on-exit", "yes", "--json", "--data-dir", str(data), "--user", "aysel",
                     passphrase=PASS)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["backup_folder"] == str(usb)
    assert values["backup_every_hours"] == 12 and values["backup_on_exit"] is True
    bad = run_cli("backup", "settings", "--keep-daily", "0", "--data-dir", str(data),
                  "--user", "aysel", passphrase=PASS)
    assert bad.returncode == 1 and "not a valid value" in bad.stderr
