"""Never a live vault in a synced folder: the service is recognised and named, on the command
line (exit 1, one line, no traceback) and in the window (a dialog, nothing opened)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shelterdesk.store.vault_location import (
    VaultInSyncedFolder,
    refuse_synced_location,
    synced_service,
)
from tests.cli_helpers import run_cli

MARKED = [(".stfolder", "Syncthing"), (".dropbox", "Dropbox"),
          (".nextcloudsync.log", "Nextcloud"), (".owncloudsync.log", "ownCloud"),
          (".tmp.drivedownload", "Google Drive"), ("._sync_4f2a9c.db", "Nextcloud")]
NAMED = [("OneDrive", "OneDrive"), ("OneDrive - Təmiz Ürək", "OneDrive"),
         ("Dropbox", "Dropbox"), ("Google Drive", "Google Drive"), ("My Drive", "Google Drive"),
         ("Nextcloud", "Nextcloud"), ("ownCloud", "ownCloud")]


@pytest.mark.parametrize(("marker", "service"), MARKED)
def test_a_marker_file_above_the_vault_names_the_service(tmp_path: Path, marker: str,
                                                         service: str) -> None:
    (tmp_path / "synced").mkdir()
    (tmp_path / "synced" / marker).touch()
    assert synced_service(tmp_path / "synced" / "deep" / "ShelterDesk") == service


@pytest.mark.parametrize(("folder", "service"), NAMED)
def test_a_folder_the_client_creates_names_the_service(tmp_path: Path, folder: str,
                                                       service: str) -> None:
    assert synced_service(tmp_path / folder / "ShelterDesk") == service


def test_onedrive_by_its_environment_variable_and_macos_cloud_storage(tmp_path: Path) -> None:
    root = tmp_path / "Documents of the user"
    assert synced_service(root / "vault", {"OneDrive": str(root)}) == "OneDrive"
    assert synced_service(tmp_path / "Library" / "CloudStorage" / "GoogleDrive-a@b.org"
                          / "vault", {}) == "Google Drive"


def test_an_ordinary_folder_is_fine(tmp_path: Path) -> None:
    assert synced_service(tmp_path / "ShelterDesk", {}) is None
    refuse_synced_location(tmp_path / "ShelterDesk")


def test_the_message_says_how_to_move(tmp_path: Path) -> None:
    with pytest.raises(VaultInSyncedFolder) as caught:
        refuse_synced_location(tmp_path / "Dropbox" / "ShelterDesk")
    text = caught.value.user_message()
    assert "Dropbox" in text and "move the folder" in text and "--data-dir" in text


def test_the_command_line_refuses(tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / ".stfolder").mkdir()
    result = run_cli("init", "--admin", "aysel", "--org-name", "Test", "--data-dir",
                     str(tmp_path / "share" / "vault"), passphrase="a long enough passphrase",
                     new_passphrase="a long enough passphrase")
    assert result.returncode == 1
    assert "Syncthing" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "share" / "vault").exists()


@pytest.mark.gui
def test_the_window_refuses_in_a_dialog(qtbot, tmp_path: Path) -> None:
    from shelterdesk.ui.shell.location_refusal import location_refusal, refusal_box

    text = location_refusal(tmp_path / "OneDrive" / "ShelterDesk")
    assert "OneDrive" in text
    box = refusal_box(text)
    qtbot.addWidget(box)
    assert "OneDrive" in box.text()
    assert location_refusal(tmp_path / "plain") == ""
