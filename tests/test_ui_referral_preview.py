"""Print / preview from the Referrals section: rendered in memory, printed, saved with a warning."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from shelterdesk.domain.referrals import Referral
from shelterdesk.domain.workspace import Area
from shelterdesk.store import audit
from shelterdesk.store.records import consents, referrals
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.referrals.referral_preview import ReferralPreviewDialog
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock
from tests.referral_helpers import FAMILY, build_world, consent_for, pdf_text

pytestmark = pytest.mark.gui


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def world(admin_session: Session):
    world = build_world(admin_session)
    consent_for(admin_session, world)
    identified = referrals.create_referral(admin_session, Referral(
        world.case.id, world.org.id, ["legal"], date(2026, 3, 5)))
    return world, identified


@pytest.fixture
def page(qtbot, vault: Vault, world):
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.REFERRALS)
    page = window.work_area.page_for[Area.REFERRALS]
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 1, timeout=WAIT_MS)
    page.table.selectRow(0)
    yield page
    window.close()


def open_preview(qtbot, page) -> ReferralPreviewDialog:
    assert page.print_button.isEnabled()
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    [dialog] = page.findChildren(ReferralPreviewDialog)
    qtbot.waitUntil(lambda: not dialog.rendering, timeout=WAIT_MS)
    return dialog


def test_preview_print_and_save(qtbot, page, world, tmp_path) -> None:
    world, identified = world
    vault_files = sorted(p.name for p in page.session.vault.directory.iterdir())
    dialog = open_preview(qtbot, page)
    assert dialog.document.pageCount() >= 1 and dialog.print_button.isEnabled()
    assert FAMILY in pdf_text(dialog.pdf) and dialog.warning_label.isVisible()
    assert sorted(p.name for p in page.session.vault.directory.iterdir()) == vault_files
    out = tmp_path / "chosen"
    out.mkdir()

    # Saving the identified form asks first; saying no writes nothing.
    dialog.ask_path = lambda _parent, suggested: str(out / suggested)
    dialog.confirm_identified = lambda _parent: False
    dialog.save_as()
    assert not list(out.iterdir())
    dialog.confirm_identified = lambda _parent: True
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS) as saved:
        dialog.save_as()
    written = out / f"referral-{world.case.case_code}-form-en.pdf"
    assert saved.args == [str(written)] and written.read_bytes() == dialog.pdf

    # Printing goes page by page to the printer (here a PDF file standing in for paper).
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(dialog.printed, timeout=WAIT_MS) as went:
        dialog.print_document(printer)
    assert went.args == [True]
    printed = PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == dialog.document.pageCount()
    qtbot.waitUntil(lambda: audit.recent(page.session.connection, 1)[0].detail.get("paper"),
                    timeout=WAIT_MS)

    # The anonymized sheet of the same referral: no name, no warning.
    dialog.kind_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not dialog.rendering and dialog.pdf_anonymized, timeout=WAIT_MS)
    assert FAMILY not in pdf_text(dialog.pdf) and not dialog.warning_label.isVisible()
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("az"))
    qtbot.waitUntil(lambda: not dialog.rendering and dialog.pdf_language == "az",
                    timeout=WAIT_MS)
    assert "Anonimləşdirilmiş yönləndirmə vərəqəsi" in pdf_text(dialog.pdf)
    actions = [e.action for e in audit.recent(page.session.connection, 12)]
    assert "referral.export" in actions and actions.count("referral.print") >= 3
    dialog.reject()


def test_no_identified_form_once_the_consent_is_withdrawn(qtbot, page, world) -> None:
    world, _identified = world
    consents.withdraw(page.session, world.case.id, "referral", world.org.id)
    dialog = open_preview(qtbot, page)
    assert "no consent" in dialog.message_label.text()
    assert dialog.pdf is None and not dialog.print_button.isEnabled()
    assert not dialog.save_button.isEnabled()
    dialog.kind_combo.setCurrentIndex(1)  # the anonymized sheet is still possible
    qtbot.waitUntil(lambda: not dialog.rendering and dialog.pdf is not None, timeout=WAIT_MS)
    assert dialog.message_label.text() == "" and dialog.print_button.isEnabled()
    dialog.reject()


def test_output_from_an_open_preview_checks_the_consents_of_that_day(qtbot, page, world,
                                                                      tmp_path) -> None:
    """Withdrawn while the preview is open: printing refuses and makes the form again
    without the medical part; *Save as* writes the form made that day, never the old one."""
    world, _identified = world
    consent_for(page.session, world, "medical_sharing")
    dialog = open_preview(qtbot, page)
    assert dialog.medical_included and "Fractured wrist" in squash(pdf_text(dialog.pdf))
    consents.withdraw(page.session, world.case.id, "medical_sharing", world.org.id)

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(dialog.printed, timeout=WAIT_MS) as went:
        dialog.print_document(printer)
    assert went.args == [False] and not (tmp_path / "printed.pdf").exists()
    assert "medical" in dialog.message_label.text()
    qtbot.waitUntil(lambda: not dialog.rendering and not dialog.medical_included,
                    timeout=WAIT_MS)
    assert "Fractured wrist" not in squash(pdf_text(dialog.pdf))

    # The referral consent withdrawn too: Save as refuses and writes nothing.
    consents.withdraw(page.session, world.case.id, "referral", world.org.id)
    dialog.ask_path = lambda _parent, suggested: str(tmp_path / suggested)
    dialog.confirm_identified = lambda _parent: True
    dialog.save_as()
    qtbot.waitUntil(lambda: "no consent" in dialog.message_label.text(), timeout=WAIT_MS)
    assert not list(tmp_path.glob("referral-*.pdf"))
    dialog.reject()
