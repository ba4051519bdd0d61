"""Secure referrals in the window (issue 22): a coordinator adds a partner's code and
confirms the safety number in Administration → Organisations; *Send securely…* in the new
referral dialog; the receiver opens, previews and accepts it in the Inbox; the sender opens
the status file and sees the referral accepted."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.referrals import Organisation
from shelterdesk.store.exchange import identity
from shelterdesk.store.records import clients, organisations, referrals
from shelterdesk.ui.administration.org_keys_dialogs import (
    AddSecureContactDialog,
    OurCodeDialog,
    SafetyNumberDialog,
)
from shelterdesk.ui.administration.organisations_page import OrganisationsPage
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.common.case_picker import CaseChoice
from shelterdesk.ui.referrals.inbox_dialog import InboxDialog, ReceivedPreviewDialog
from shelterdesk.ui.referrals.new_referral_dialog import NewReferralDialog
from tests.cases_helpers import WAIT_MS
from tests.exchange_helpers import introduce, open_vault
from tests.records_helpers import make_case, make_client

pytestmark = pytest.mark.gui


def test_a_coordinator_adds_and_confirms_a_partner_in_the_directory(qtbot, tmp_path: Path
                                                                     ) -> None:
    ours = open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU")
    theirs = open_vault(tmp_path / "b", "Hüquqi Yardım Mərkəzi", "HY")
    org = organisations.add_organisation(ours, Organisation("Hüquqi Yardım Mərkəzi", "ngo"))
    me = organisations.add_organisation(theirs, Organisation("Təmiz Ürək NGO", "ngo"))
    page = OrganisationsPage(ours)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT_MS)
    assert page.model.index(0, 4).data() == "Paper only"
    code_dialog = page.open_our_code()
    qtbot.waitUntil(lambda: bool(code_dialog.code), timeout=WAIT_MS)
    assert isinstance(code_dialog, OurCodeDialog)
    assert code_dialog.code_label.text().startswith("SDORG1-")
    assert not code_dialog.qr_label.pixmap().isNull()
    code_dialog.close()

    page.table.selectRow(0)
    add = page.open_add_key()
    assert isinstance(add, AddSecureContactDialog)
    add.code_edit.setPlainText("SDORG1-not-a-code")
    add.save()
    qtbot.waitUntil(lambda: "organisation code" in add.message_label.text(), timeout=WAIT_MS)
    add.code_edit.setPlainText(identity.our_code(theirs))
    with qtbot.waitSignal(add.added, timeout=WAIT_MS):
        add.save()
    compare = [w for w in page.findChildren(SafetyNumberDialog)][-1]
    qtbot.waitUntil(lambda: bool(compare.number), timeout=WAIT_MS)
    identity.add_partner_code(theirs, me.id, identity.our_code(ours))
    assert compare.number == identity.safety_number(theirs, me.id)
    assert not compare.confirm_button.isEnabled()
    compare.match_check.setChecked(True)
    with qtbot.waitSignal(compare.confirmed, timeout=WAIT_MS):
        qtbot.mouseClick(compare.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.index(0, 4).data() == "Keys confirmed", timeout=WAIT_MS)
    assert identity.partner_keys(ours, org.id).confirmed
    ours.close()
    theirs.close()


def test_send_securely_then_accept_in_the_inbox_and_the_sender_sees_it(qtbot, tmp_path: Path
                                                                      ) -> None:
    pair = introduce(open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU"),
                     open_vault(tmp_path / "b", "Hüquqi Yardım Mərkəzi", "HY"))
    case = clients.create_intake(pair.sender, make_client(), make_case())
    dialog = NewReferralDialog(CaseContext(pair.sender),
                               case=CaseChoice(case.id, case.case_code, "A. M."),
                               open_preview=False)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.org_picker.findData(pair.receiver_entry.id) >= 0,
                    timeout=WAIT_MS)
    dialog.org_picker.setCurrentIndex(dialog.org_picker.findData(pair.receiver_entry.id))
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=WAIT_MS)
    sent_file = tmp_path / "out.sdreferral"
    with qtbot.waitSignal(dialog.created, timeout=WAIT_MS) as created:
        dialog.send(str(sent_file))
    referral = created.args[0]
    assert stat.S_IMODE(os.stat(sent_file).st_mode) == 0o600
    assert referrals.get_referral(pair.sender, referral.id).status == "sent"

    status_file = tmp_path / "accepted.sdreferral"
    inbox = InboxDialog(pair.receiver, ask_save=lambda _parent, _name: str(status_file))
    qtbot.addWidget(inbox)
    with qtbot.waitSignal(inbox.changed, timeout=WAIT_MS):
        inbox.open_file(str(sent_file))
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=WAIT_MS)
    assert "added to the inbox" in inbox.message_label.text()
    inbox.table.selectRow(0)
    assert inbox.accept_button.isEnabled() and not inbox.complete_button.isEnabled()
    preview = inbox.preview()
    assert isinstance(preview, ReceivedPreviewDialog)
    qtbot.waitUntil(lambda: preview.document.pageCount() >= 1, timeout=WAIT_MS)
    answer = inbox.answer("accepted")
    answer.victim_status.set_value("presumed")
    answer.risk.set_value("medium")
    with qtbot.waitSignal(inbox.changed, timeout=WAIT_MS):
        answer.accept()
    assert status_file.exists()

    sender_inbox = InboxDialog(pair.sender)
    qtbot.addWidget(sender_inbox)
    with qtbot.waitSignal(sender_inbox.changed, timeout=WAIT_MS):
        sender_inbox.open_file(str(status_file))
    assert "Accepted" in sender_inbox.message_label.text()
    assert referrals.get_referral(pair.sender, referral.id).status == "accepted"
    pair.sender.close()
    pair.receiver.close()


def test_through_the_relay_mailbox_in_the_window(qtbot, tmp_path: Path) -> None:
    """A coordinator opens the mailbox from Our organisation code; Send securely then
    delivers with no file to save; the receiver collects, accepts (delivered back) and the
    sender collects the status."""
    from shelterdesk.sync import service
    from shelterdesk.sync.relay.stores import open_store
    from shelterdesk.sync.setup import SyncPlace, save_place
    from shelterdesk.sync.transports import open_transport
    from tests.relay_helpers import admission_token, running_relay

    store = open_store(f"sqlite:///{tmp_path / 'relay.db'}")
    with running_relay(store) as base:
        sender = open_vault(tmp_path / "a", "Təmiz Ürək NGO", "TU")
        receiver = open_vault(tmp_path / "b", "Hüquqi Yardım Mərkəzi", "HY")
        for session in (sender, receiver):
            service.sync_now(session, open_transport(relay=base,
                                                     admission_token=admission_token(store)))
            save_place(session, SyncPlace(relay=base))
            code_dialog = OurCodeDialog(session)
            qtbot.addWidget(code_dialog)
            qtbot.waitUntil(lambda d=code_dialog: bool(d.code), timeout=WAIT_MS)
            assert code_dialog.mailbox_button.isVisibleTo(code_dialog)
            code_dialog.open_mailbox()
            qtbot.waitUntil(lambda d=code_dialog: bool(d.mailbox), timeout=WAIT_MS)
            assert base in code_dialog.mailbox_label.text()
        pair = introduce(sender, receiver)
        case = clients.create_intake(sender, make_client(), make_case())
        dialog = NewReferralDialog(CaseContext(sender),
                                   case=CaseChoice(case.id, case.case_code, "A. M."),
                                   open_preview=False)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.org_picker.findData(pair.receiver_entry.id) >= 0,
                        timeout=WAIT_MS)
        dialog.org_picker.setCurrentIndex(dialog.org_picker.findData(pair.receiver_entry.id))
        qtbot.waitUntil(lambda: dialog.send_button.isEnabled() and dialog.partner_mailbox,
                        timeout=WAIT_MS)
        with qtbot.waitSignal(dialog.created, timeout=WAIT_MS) as created:
            dialog.send()  # no path: nothing asked, nothing written
        referral = created.args[0]

        def no_file(_parent, _name):
            raise AssertionError("a partner with a mailbox gets no file dialog")

        inbox = InboxDialog(receiver, ask_save=no_file)
        qtbot.addWidget(inbox)
        with qtbot.waitSignal(inbox.changed, timeout=WAIT_MS):
            inbox.collect()
        qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=WAIT_MS)
        inbox.table.selectRow(0)
        answer = inbox.answer("accepted")
        answer.victim_status.set_value("presumed")
        answer.risk.set_value("low")
        with qtbot.waitSignal(inbox.changed, timeout=WAIT_MS):
            answer.accept()
        assert "relay mailbox" in inbox.message_label.text()

        sender_inbox = InboxDialog(sender, ask_save=no_file)
        qtbot.addWidget(sender_inbox)
        with qtbot.waitSignal(sender_inbox.changed, timeout=WAIT_MS):
            sender_inbox.collect()
        assert "Accepted" in sender_inbox.message_label.text()
        assert referrals.get_referral(sender, referral.id).status == "accepted"
        sender.close()
        receiver.close()
    store.close()
