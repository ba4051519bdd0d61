"""The first-run wizard creates a vault that the real command line then opens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWizard

from shelterdesk.store.keys import recovery
from shelterdesk.store.vault import Vault
from shelterdesk.ui.shell.recovery_sheet import recovery_sheet_html, render_recovery_sheet
from shelterdesk.ui.shell.setup_wizard import SetupWizard
from tests.cli_helpers import run_cli
from tests.gui_helpers import WAIT_MS

pytestmark = pytest.mark.gui

PASSPHRASE = "first coordinator passphrase"


def drive_to_recovery_key(qtbot, wizard: SetupWizard) -> None:
    organisation = wizard.organisation_page
    organisation.org_name_edit.setText("Təmiz Ürək")  # QTest types Latin-1 only
    organisation.prefix_edit.clear()
    qtbot.keyClicks(organisation.prefix_edit, "tu")
    assert organisation.isComplete()
    wizard.next()
    coordinator = wizard.coordinator_page
    assert wizard.currentPage() is coordinator
    assert not coordinator.isComplete()
    qtbot.keyClicks(coordinator.username_edit, "aysel")
    coordinator.display_name_edit.setText("Aysel Məmmədova")  # optional, Tab after user name
    qtbot.keyClicks(coordinator.passphrase.passphrase_edit, PASSPHRASE)
    assert not coordinator.isComplete()  # not repeated yet
    qtbot.keyClicks(coordinator.passphrase.repeat_edit, PASSPHRASE)
    assert coordinator.isComplete()
    assert "Strength" in coordinator.passphrase.strength_label.text()
    wizard.next()  # the commit button: creation starts in the background
    assert coordinator.working
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=WAIT_MS)


def test_wizard_creates_a_vault_the_cli_opens(qtbot, tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    wizard = SetupWizard(vault)
    qtbot.addWidget(wizard)
    wizard.show()
    completed: list[object] = []
    wizard.completed.connect(completed.append)
    drive_to_recovery_key(qtbot, wizard)
    key = wizard.recovery_page.key_label.text()
    assert len(recovery.groups(key)) == 6
    recovery.parse(key)  # well-formed
    # Not before "I have written it down", and never back to the creation page.
    assert not wizard.recovery_page.isComplete()
    assert wizard.testOption(QWizard.WizardOption.NoCancelButton)
    wizard.recovery_page.written_check.setChecked(True)
    wizard.next()
    confirm = wizard.confirm_page
    assert wizard.currentPage() is confirm
    wrong_index = (confirm.group_index + 1) % 6
    qtbot.keyClicks(confirm.group_edit, recovery.groups(key)[wrong_index])
    assert not confirm.isComplete()
    wizard.accept()
    assert not completed and wizard.isVisible()
    confirm.group_edit.clear()
    qtbot.keyClicks(confirm.group_edit, recovery.groups(key)[confirm.group_index].lower())
    assert confirm.isComplete()
    wizard.reject()  # closing is refused while the session is held
    assert wizard.isVisible()
    wizard.accept()
    assert len(completed) == 1
    session = completed[0]
    assert session.user.username == "aysel"
    assert session.user.display_name == "Aysel Məmmədova"  # printed as the contact person
    assert session.meta("case_prefix") == "TU"
    assert session.meta("org_name") == "Təmiz Ürək"
    session.close()

    listed = run_cli("user", "list", "--json", "--data-dir", str(vault.directory),
                     "--user", "aysel", passphrase=PASSPHRASE)
    assert listed.returncode == 0, listed.stderr
    assert [u["username"] for u in json.loads(listed.stdout)] == ["aysel"]
    recovered = run_cli("recover", "--data-dir", str(vault.directory), "--user", "aysel",
                        new_passphrase="recovered passphrase",
                        env={"SHELTERDESK_RECOVERY_KEY": key})
    assert recovered.returncode == 0, recovered.stderr


def test_wizard_refuses_a_bad_prefix_and_shows_creation_errors(qtbot, tmp_path: Path) -> None:
    directory = tmp_path / "vault"
    wizard = SetupWizard(Vault(directory))
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.organisation_page
    page.org_name_edit.setText("NGO")
    page.prefix_edit.setText("T")
    assert not page.isComplete()
    page.prefix_edit.setText("TOO-LONG")
    assert not page.isComplete()
    page.prefix_edit.setText("AB12")
    assert page.isComplete()
    wizard.next()
    # Someone created a vault here meanwhile: the error is shown, nothing is lost.
    Vault(directory).create("other", "another passphrase!", prefix="XY")
    coordinator = wizard.coordinator_page
    coordinator.username_edit.setText("aysel")
    coordinator.passphrase.passphrase_edit.setText(PASSPHRASE)
    coordinator.passphrase.repeat_edit.setText(PASSPHRASE)
    wizard.next()
    qtbot.waitUntil(lambda: not coordinator.working, timeout=WAIT_MS)
    assert "already exists" in coordinator.message_label.text()
    assert wizard.currentPage() is coordinator
    assert coordinator.username_edit.isEnabled()


def test_recovery_sheet_renders_without_a_file(qtbot) -> None:
    key = "ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567"
    html = recovery_sheet_html(key, "<Our NGO>")
    assert key in html and "&lt;Our NGO&gt;" in html
    image = QImage(800, 1100, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    render_recovery_sheet(image, key, "Our NGO")
    dark = sum(1 for x in range(0, 800, 4) for y in range(0, 400, 4)
               if image.pixelColor(x, y).lightness() < 128)
    assert dark > 50
