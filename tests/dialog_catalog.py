"""Every dialog the window can open, by the call its button makes (for lock and size tests).

``open_dialogs(window)`` yields ``(name, dialog)`` one at a time on an unlocked window
of a demo vault; the caller closes (or locks away) each before asking for the next.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

import shelterdesk.ui
from shelterdesk.domain import org_codes
from shelterdesk.domain.evidence import EvidenceItem, Perpetrator
from shelterdesk.domain.referrals import Consent, Organisation
from shelterdesk.domain.roles import Role
from shelterdesk.domain.tasks import FollowUp, Note
from shelterdesk.domain.workspace import Area
from shelterdesk.store.exchange import identity, inbox, messages, receive
from shelterdesk.store.exchange.sealing import Keys, new_keys, seal
from shelterdesk.store.keys import users
from shelterdesk.store.records import (
    case_list,
    client_file,
    consents,
    evidence,
    organisations,
    perpetrators,
    tasks,
)
from shelterdesk.store.records.duplicates import PossibleDuplicate
from shelterdesk.store.vault import Vault
from shelterdesk.sync.setup import SyncPlace
from shelterdesk.ui.cases.duplicate_dialog import DuplicateDialog
from shelterdesk.ui.common.background import operations_in_flight
from shelterdesk.ui.referrals.inbox_dialog import InboxDialog
from shelterdesk.ui.shell.app import DEMO_PASSPHRASE, DEMO_USER, create_demo_vault
from shelterdesk.ui.shell.main_window import MainWindow
from shelterdesk.ui.sync.invite_dialog import InviteDialog
from tests.cases_helpers import WAIT_MS

RECORD_TABS = ("legal", "medical", "services", "consents", "perpetrators", "notes",
               "follow_ups", "evidence")


def demo_vault(directory: Path) -> tuple[Vault, str]:
    """A small demo vault and the id of a case with an open stay (for its forms).

    That case is given one record of every kind (so each tab's "Correct…" and the
    evidence viewer and export open), and one user is disabled (so "Enable…" opens).
    """
    vault = create_demo_vault(directory, clients=16)
    with vault.unlock(DEMO_USER, DEMO_PASSPHRASE) as session:
        rows = case_list.list_cases(session, limit=40)
        files = [client_file.open_file(session, row.case_id) for row in rows]
        case_id = next(f.case.id for f in files if f.open_stay is not None)
        _one_of_each(session, case_id)
    return vault, case_id


def _one_of_each(session, case_id: str) -> None:
    today = date.today()
    tasks.add_note(session, Note(case_id, "Qeyd"))
    tasks.add_follow_up(session, FollowUp(case_id, today + timedelta(days=3), "medical"))
    consents.add_consent(session, Consent(case_id, "data_storage", today))
    evidence.add_evidence(session, EvidenceItem(case_id, "screenshot", file_name="a.txt",
                                                media_type="text/plain", content=b"evidence",
                                                description="Screenshot"))
    perpetrators.add_perpetrator(session, Perpetrator(case_id, roles=["recruiter"]))
    users.add_user(session, "gone", [Role.CASE_WORKER], "a passphrase long enough")
    users.disable_user(session, "gone")


def wait_until(condition: Callable[[], bool], timeout_ms: int = WAIT_MS) -> None:
    waited = 0
    while not condition():
        QTest.qWait(20)
        waited += 20
        if waited > timeout_ms:
            raise TimeoutError("condition not met")


def _page(window: MainWindow, area: Area):
    assert window.work_area is not None
    window.work_area.select_area(area)
    return window.work_area.page_for[area]


def _file_tab(window: MainWindow, case_id: str, key: str):
    page = _page(window, Area.CASES)
    if page.file_page.case_id != case_id:
        page.show_case(case_id)
        wait_until(lambda: page.file_page.view is not None
                   and page.file_page.case_id == case_id)
    assert page.file_page.select_tab(key), key
    tab = page.file_page.tab(key)
    wait_until(lambda: getattr(tab, "is_loaded", True) and operations_in_flight() == 0)
    return tab


def _select_row(page, statuses: tuple[str, ...]) -> None:
    wait_until(lambda: page.model.rowCount() > 0)
    row = next(r for r in range(page.model.rowCount())
               if not statuses or page.model.item_at(r).row.referral.status in statuses)
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())


def _board(window: MainWindow, state: str):
    page = _page(window, Area.SHELTER)
    wait_until(lambda: any(t.state == state for t in page.tiles.values()))
    page.select_bed(next(b for b, tile in page.tiles.items() if tile.state == state))
    return page


def _admin(window: MainWindow, index: int):
    page = _page(window, Area.ADMINISTRATION)
    page.tabs.setCurrentIndex(index)
    return page


def _referrals(window: MainWindow, *statuses: str):
    page = _page(window, Area.REFERRALS)
    _select_row(page, statuses)
    return page


def _backups(window: MainWindow):
    page = _page(window, Area.ADMINISTRATION)
    page.tabs.setCurrentWidget(page.backups_page)
    return page.backups_page


def _invite(window: MainWindow) -> QDialog:
    """The invitation as *Invite a laptop…* shows it once a sync folder is set."""
    page = _page(window, Area.SYNC)
    page.tabs.setCurrentWidget(page.devices_tab)
    # A throwaway folder: the dialog writes its invitation there at once.
    folder = tempfile.mkdtemp(prefix="shelterdesk-invite-")
    dialog = InviteDialog(window.session, SyncPlace(folder=folder), page.devices_tab)
    dialog.open()
    return dialog


def _duplicate(window: MainWindow) -> QDialog:
    """"Is this the same person?", as the intake asks when the check finds someone."""
    intake = _page(window, Area.CASES).open_intake()
    rows = case_list.list_cases(window.session, limit=2)
    dialog = DuplicateDialog([PossibleDuplicate(rows[0].case_id, rows[0].case_code,
                                                "A. M.", rows[0].status, ("name", "phone"))],
                             intake)
    dialog.open()
    return dialog


def _enable_user(window: MainWindow) -> QDialog | None:
    page = _admin(window, 0).users_page
    wait_until(lambda: page.model.rowCount() > 1)
    row = next(r for r in range(page.model.rowCount()) if page.model.user_at(r).disabled)
    page.table.selectRow(row)
    return page.open_enable_dialog()


def _viewer(window: MainWindow, case_id: str) -> QDialog:
    """*Open the file* on the evidence tab: the item shown from memory."""
    from shelterdesk.ui.cases.evidence_viewer import EvidenceViewerDialog

    _file_tab(window, case_id, "evidence")  # (the tab may be rebuilt as the file reloads)
    item = evidence.list_evidence(window.session, case_id)[0]
    viewer = EvidenceViewerDialog(window.session, item, window)
    viewer.open()
    return viewer


def _reopen(window: MainWindow) -> QDialog | None:
    rows = case_list.list_cases(window.session, limit=200)
    closed = next(r.case_id for r in rows if r.status in ("closed", "closed_referred"))
    page = _page(window, Area.CASES)
    page.show_case(closed)
    wait_until(lambda: page.file_page.view is not None
               and page.file_page.view.file.case.id == closed and operations_in_flight() == 0)
    return page.file_page.open_closure_dialog()


def _erase(window: MainWindow) -> QDialog:
    page = _page(window, Area.CASES).file_page
    page.open_erase_dialog()  # counts in the background first
    wait_until(lambda: page.erase_dialog is not None and page.erase_dialog.isVisible())
    return page.erase_dialog


_PARTNER_KEYS: dict[str, Keys] = {}  # org id -> the partner's private keys (demo only)


def _secure_partner(window: MainWindow) -> Organisation:
    """A directory entry with confirmed keys, made once per demo vault; its private keys are
    kept here so that a referral can be sealed from it."""
    session = window.session
    identity.ensure_identity(session)
    org = min(organisations.list_organisations(session), key=lambda o: o.name)
    known, keys = identity.partner_keys(session, org.id), _PARTNER_KEYS.get(org.id)
    if keys is None or known is None or known.signing_key != keys.signing_public:
        keys = _PARTNER_KEYS[org.id] = new_keys()  # (demo vaults share their org ids)
        identity.add_partner_code(session, org.id, org_codes.encode(org_codes.OrganisationCode(
            org.name[:200], keys.signing_public, keys.exchange_public)))
        identity.confirm_partner(session, org.id)
    return org


def _inbox(window: MainWindow) -> InboxDialog:
    """The inbox (not shown) with one anonymized referral from the partner chosen."""
    session = window.session
    org = _secure_partner(window)
    if not inbox.list_received(session):
        mine = identity.require_keys(session)
        body = {"id": str(uuid.uuid4()), "number": "R-26-DEMO-0001-X",
                "case_code": "PA-2026-DEMO1", "referred_on": date.today().isoformat(),
                "services": ["legal"], "urgency": "routine", "anonymized": True,
                "to_name": "", "sheet": {"sex": "female"}, "identified": None}
        receive.receive(session, seal(_PARTNER_KEYS[org.id], mine.signing_public,
                                      mine.exchange_public,
                                      messages.new_message("referral", org.name,
                                                           referral=body)),
                        "demo.sdreferral")
    dialog = InboxDialog(session, window)
    wait_until(lambda: dialog.model.rowCount() > 0)
    dialog.table.selectRow(0)
    return dialog


def _from_inbox(window: MainWindow, open_it: Callable[[InboxDialog], QDialog | None]
                ) -> QDialog | None:
    box = _inbox(window)
    dialog = open_it(box)
    if dialog is not None:
        dialog.finished.connect(box.deleteLater)
    return dialog


def openers(case_id: str) -> dict[str, Callable[[MainWindow], QDialog | None]]:
    """Name -> the call that opens that dialog on an unlocked demo window."""
    found: dict[str, Callable[[MainWindow], QDialog | None]] = {
        "intake": lambda w: _page(w, Area.CASES).open_intake(),
        "intake-edit": lambda w: _file_tab(w, case_id, "intake").open_edit_form(),
        "stay-discharge": lambda w: _file_tab(w, case_id, "stays").open_discharge_dialog(),
        "board-admit": lambda w: _board(w, "free").open_admit_dialog(),
        "board-discharge": lambda w: _board(w, "occupied").open_discharge_dialog(),
        "referral-status": lambda w: _referrals(w, "draft", "sent", "accepted")
        .open_status_dialog(),
        "referral-preview": lambda w: _referrals(w).open_preview(),
        "add-user": lambda w: _admin(w, 0).users_page.open_add_dialog(),
        "add-organisation": lambda w: _admin(w, 1).organisations_page.open_add_dialog(),
        "add-shelter": lambda w: _admin(w, 2).shelters_page.open_add_shelter(),
        "new-recovery-key": lambda w: w.menus.open_new_recovery_key(),
        "emergency-erase": lambda w: w.menus.open_emergency(),
        "about": lambda w: w.menus.open_about(),
        "guide": lambda w: w.menus.open_guide(),
        "backup-verify": lambda w: _backups(w).open_verify_dialog(Path(__file__)),
        "backup-restore": lambda w: _backups(w).open_restore_dialog(Path(__file__)),
        "invite": _invite,
        "possible-duplicate": _duplicate,
        "reopen-case": _reopen,
        "enable-user": _enable_user,
        "evidence-viewer": lambda w: _viewer(w, case_id),
        "erase-client": lambda w: _file_tab(w, case_id, "overview") and _erase(w),
        "rotate-keys": lambda w: w.menus.open_rotate_keys(),
        "submit-quarter": lambda w: _page(w, Area.STATISTICS).open_submit_dialog(),
        "combined-statistics": lambda w: _page(w, Area.STATISTICS).open_combined_dialog(),
        "safety-number": lambda w: _admin(w, 1).organisations_page.open_compare(
            _secure_partner(w)),
        "received-referral": lambda w: _from_inbox(w, lambda box: box.preview()),
        "answer-referral": lambda w: _from_inbox(w, lambda box: box.answer("accepted")),
    }
    for key in RECORD_TABS:
        found[f"form-{key}"] = lambda w, key=key: _file_tab(w, case_id, key).open_form()
    return found


def open_dialogs(window: MainWindow, case_id: str) -> Iterator[tuple[str, QDialog]]:
    for name, opener in openers(case_id).items():
        dialog = opener(window)
        assert dialog is not None, f"{name} did not open"
        wait_until(dialog.isVisible)
        yield name, dialog


# Dialog classes never shown themselves, each with the reason; every other QDialog subclass
# in shelterdesk.ui must be opened by the screen-fit walk (a new one cannot be forgotten).
NOT_SHOWN = {
    "RecordForm": "the base of every record form",
    "_UserDialog": "the base of ChangeRolesDialog and EnableUserDialog",
    "_CaseDialog": "the base of CloseCaseDialog and ReopenCaseDialog",
}


def dialog_classes() -> set[str]:
    """The name of every QDialog subclass defined anywhere under shelterdesk/ui."""
    found = set()
    for module in pkgutil.walk_packages(shelterdesk.ui.__path__, "shelterdesk.ui."):
        loaded = importlib.import_module(module.name)
        for _name, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, QDialog) and cls.__module__ == loaded.__name__:
                found.add(cls.__name__)
    return found
