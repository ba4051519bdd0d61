"""Save a PNG of every screen of ShelterDesk, in each language, from a throwaway demo vault.

    python scripts/screenshots.py                 # en, az and ru into docs/screenshots/
    python scripts/screenshots.py --lang az --out /tmp/shots

Runs offscreen (no display needed). Beside the PNGs of each language it writes
``texts.json``: the visible text of every screen, which the tests compare across
languages to catch English left untranslated.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")

import shiboken6  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTabBar,
    QTableView,
    QTreeWidget,
    QWidget,
)

from shelterdesk.domain.workspace import Area  # noqa: E402
from shelterdesk.i18n import active_language  # noqa: E402
from shelterdesk.store.keys import recovery  # noqa: E402
from shelterdesk.store.vault import Vault  # noqa: E402
from shelterdesk.ui.common.background import operations_in_flight  # noqa: E402
from shelterdesk.ui.common.qt_translator import LanguageSwitcher  # noqa: E402
from shelterdesk.ui.shell.app import (  # noqa: E402
    DEMO_PASSPHRASE,
    DEMO_USER,
    create_demo_vault,
    make_application,
)
from shelterdesk.ui.shell.main_window import MainWindow  # noqa: E402
from shelterdesk.ui.shell.setup_wizard import SetupWizard  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import sync_screenshots  # noqa: E402

STAGED: dict = {}  # the sync folder, the second laptop (sync_screenshots)
from check_catalogs import catalog_fingerprint  # noqa: E402

FINGERPRINT_FILE = "catalogs.sha256"  # beside the screens: the catalogs they were taken with

WINDOW_SIZE = (1100, 720)
TIMEOUT_MS = 60_000
_T = TypeVar("_T")
_TAGS = re.compile(r"<[^>]+>")


def wait_until(condition: Callable[[], bool], timeout_ms: int = TIMEOUT_MS) -> None:
    """Let the event loop run until ``condition`` holds (QTest.qWait, not processEvents)."""
    waited = 0
    while not condition():
        if waited > timeout_ms:
            raise TimeoutError("screen did not become ready")
        QTest.qWait(20)
        waited += 20


def visible_texts(root: QWidget) -> list[str]:
    """Every piece of text a person sees on ``root``: labels, buttons, tabs, headers, items."""
    texts: list[str] = [root.windowTitle()] if root.isWindow() else []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel):
            texts.append(_TAGS.sub("", widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QLineEdit) and not widget.text():
            texts.append(widget.placeholderText())
        elif isinstance(widget, QComboBox):
            texts.append(widget.currentText())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
        elif isinstance(widget, QListWidget):
            texts.extend(widget.item(i).text() for i in range(widget.count()))
        elif isinstance(widget, QTreeWidget):
            header = widget.headerItem()
            texts.extend(header.text(i) for i in range(header.columnCount()))
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            texts.extend(str(model.headerData(c, Qt.Orientation.Horizontal))
                         for c in range(model.columnCount()))
            texts.extend(str(model.index(r, c).data() or "")
                         for r in range(min(5, model.rowCount()))
                         for c in range(model.columnCount()))
    return [t.replace("&", "").strip() for t in texts if t and t.strip()]


LAPTOP = (1366, 768)  # the usual NGO laptop: no screen may need more


class ScreenTooLarge(SystemExit):
    """A screen came out larger than asked for (or than the laptop): the run fails."""


ASKED: dict[int, tuple[int, int]] = {}  # id(window) -> the size this script asked for


def ask_size(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` and remember the size asked for (``check_fits`` holds it to it)."""
    ASKED[id(widget)] = (width, height)
    widget.resize(width, height)


def check_fits(name: str, widget: QWidget) -> None:
    """Fail when ``widget`` came out larger than asked for, or than a 1366×768 laptop.

    Qt grows a window to its minimum size whatever it was asked for, so a layout that
    needs more room shows up as a window larger than asked (and cut off on a laptop).
    """
    size, minimum = widget.size(), widget.minimumSizeHint()
    asked = ASKED.get(id(widget), LAPTOP)
    if (minimum.width() > size.width() or minimum.height() > size.height()
            or size.width() > min(asked[0], LAPTOP[0])
            or size.height() > min(asked[1], LAPTOP[1])):
        from PySide6.QtWidgets import QStackedWidget

        widest = sorted(((page.minimumSizeHint().width(), type(page).__name__)
                         for stack in widget.findChildren(QStackedWidget)
                         for page in (stack.widget(i) for i in range(stack.count()))),
                        reverse=True)[:6]
        raise ScreenTooLarge(
            f"screen “{name}” is {size.width()}×{size.height()} and needs at least "
            f"{minimum.width()}×{minimum.height()}: more than asked for or than "
            f"{LAPTOP[0]}×{LAPTOP[1]} (widest parts: {widest})")


class Shooter:
    """Grabs screens of one language into one folder and remembers their texts."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.texts: dict[str, list[str]] = {}
        out_dir.mkdir(parents=True, exist_ok=True)

    def shoot(self, name: str, widget: QWidget) -> None:
        wait_until(lambda: operations_in_flight() == 0)  # pages load in the background
        QTest.qWait(60)  # let layouts settle and busy indicators disappear
        check_fits(name, widget)
        widget.grab().save(str(self.out_dir / f"{name}.png"))
        self.texts[name] = visible_texts(widget)

    def finish(self) -> None:
        with (self.out_dir / "texts.json").open("w", encoding="utf-8") as handle:
            json.dump(self.texts, handle, ensure_ascii=False, indent=1, sort_keys=True)


def said(az: _T, ru: _T, en: _T) -> _T:
    """A staged text in the language being shot (Russian screens show Russian words)."""
    return {"az": az, "ru": ru}.get(active_language(), en)


def wizard_screens(shooter: Shooter, work_dir: Path) -> None:
    wizard = SetupWizard(Vault(work_dir / "wizard"))
    ask_size(wizard, 720, 600)
    wizard.show()
    organisation = wizard.organisation_page
    organisation.org_name_edit.setText(said(
        "Təmiz Həyat İctimai Birliyi",
        "Общественное объединение «Чистая жизнь»",
        "Clean Life Public Union"))
    organisation.prefix_edit.setText("TH")
    shooter.shoot("wizard-1-organisation", wizard)
    wizard.next()
    coordinator = wizard.coordinator_page
    coordinator.username_edit.setText("aysel")
    coordinator.display_name_edit.setText(said(
        "Aysel Məmmədova",
        "Айсель Мамедова",
        "Aysel Mammadova"))
    coordinator.passphrase.passphrase_edit.setText("four calm words together")
    coordinator.passphrase.repeat_edit.setText("four calm words together")
    shooter.shoot("wizard-2-coordinator", wizard)
    wizard.next()
    wait_until(lambda: wizard.currentPage() is wizard.recovery_page)
    shooter.shoot("wizard-3-recovery-key", wizard)
    wizard.recovery_page.written_check.setChecked(True)
    wizard.next()
    confirm = wizard.confirm_page
    confirm.group_edit.setText(recovery.groups(wizard.recovery_key)[confirm.group_index])
    shooter.shoot("wizard-4-confirm-key", wizard)
    session = wizard.session
    wizard.accept()
    if session is not None:
        session.close()
    wizard.deleteLater()
    sync_screenshots.wizard_join_screen(shooter, work_dir, STAGED["shared"])
    sync_screenshots.refusal_screen(shooter)


def window_screens(shooter: Shooter, vault: Vault, application: QApplication,
                   switcher: LanguageSwitcher, hint: str) -> None:
    window = MainWindow(vault, application, hint=hint, language=switcher,
                        idle_timeout_ms=3_600_000)
    ask_size(window, *WINDOW_SIZE)
    window.show()
    page = window.unlock_page
    page.user_edit.setText(DEMO_USER)
    shooter.shoot("unlock", window)
    page.passphrase_edit.setText("wrong passphrase")
    page.try_unlock()
    wait_until(lambda: not page.working)
    shooter.shoot("unlock-wrong-passphrase", window)
    page.show_recovery()
    shooter.shoot("unlock-forgot-passphrase", window)
    page.show_login()
    page.message_label.clear()
    page.passphrase_edit.setText(DEMO_PASSPHRASE)
    page.try_unlock()
    wait_until(lambda: window.session is not None)
    work = window.work_area
    assert work is not None
    for area in work.areas:
        work.select_area(area)
        if area == Area.ADMINISTRATION:
            admin = work.page_for[area]
            for index, name in enumerate(("users", "organisations", "shelters", "settings")):
                admin.tabs.setCurrentIndex(index)
                QTest.qWait(300)  # the tab's list loads in the background
                shooter.shoot(f"admin-{name}", window)
            admin.tabs.setCurrentWidget(admin.audit_page)
            wait_until(lambda admin=admin: admin.audit_page.model.rowCount() > 0)
            QTest.qWait(300)
            shooter.shoot("admin-audit-log", window)
            admin.tabs.setCurrentWidget(admin.retention_page)
            admin.retention_page.cases_spin.setValue(10)
            admin.retention_page.drafts_spin.setValue(90)
            admin.retention_page.dry_run()
            wait_until(lambda admin=admin: admin.retention_page.plan is not None)
            QTest.qWait(200)
            shooter.shoot("admin-retention", window)
            admin.tabs.setCurrentIndex(0)
            users_page = admin.users_page
            wait_until(lambda users_page=users_page: users_page.model.rowCount() > 0)
            admin.users_page.table.selectRow(0)
            roles_dialog = admin.users_page.open_roles_dialog()
            if roles_dialog is not None:
                shooter.shoot("dialog-change-roles", roles_dialog)
                roles_dialog.reject()
            dialog = admin.users_page.open_add_dialog()
            dialog.username_edit.setText("leyla")
            shooter.shoot("dialog-add-user", dialog)
            dialog.reject()
            admin.organisations_page.table.selectRow(0)
            org_dialog = admin.organisations_page.open_edit_dialog()
            if org_dialog is not None:
                shooter.shoot("dialog-organisation", org_dialog)
                org_dialog.reject()
            sync_screenshots.backup_screens(shooter, window, wait_until)
        elif area == Area.SYNC:
            sync_screenshots.sync_screens(shooter, window, wait_until)
        elif area == Area.CASES:
            case_screens(shooter, window)
        else:
            wait_until(lambda: operations_in_flight() == 0)  # a section computing its figures
            shooter.shoot(f"section-{area.value.replace('_', '-')}", window)
            boards_screens(shooter, window, area)
    coordinator_screens(shooter, window)
    work.select_area(Area.ADMINISTRATION)
    window.lock_now()
    shooter.shoot("locked", window)
    wait_until(lambda: operations_in_flight() == 0)  # the last sync at lock
    window.close()
    window.deleteLater()


def coordinator_screens(shooter: Shooter, window: MainWindow) -> None:
    """Erase this client…, Vault → Emergency erase…, Help → User guide and About."""
    work = window.work_area
    work.select_area(Area.CASES)
    page = work.page_for[Area.CASES]
    page.show_case(SHOWCASE["case_id"])
    wait_until(lambda: page.file_page.view is not None
               and page.file_page.case_id == SHOWCASE["case_id"])
    page.file_page.open_erase_dialog()
    wait_until(lambda: page.file_page.erase_dialog is not None
               and page.file_page.erase_dialog.isVisible())
    erase = page.file_page.erase_dialog
    shooter.shoot("dialog-erase-client", erase)
    erase.reject()
    page.show_list()
    emergency = window.menus.open_emergency()
    shooter.shoot("dialog-emergency-erase", emergency)
    emergency.reject()
    guide = window.menus.open_guide()
    guide.resize(1000, 700)
    guide.select_chapter(1)
    QTest.qWait(200)
    shooter.shoot("dialog-user-guide", guide)
    guide.close()
    about = window.menus.open_about()
    shooter.shoot("dialog-about", about)
    about.reject()


def showcase_case(vault: Vault) -> str:
    """The demo case with the most on file, given a note, a task, evidence and a perpetrator."""
    from datetime import date, timedelta

    from shelterdesk.domain.care import LegalConsultation
    from shelterdesk.domain.evidence import EvidenceItem, Perpetrator
    from shelterdesk.domain.tasks import FollowUp, Note
    from shelterdesk.store.records import (
        care,
        case_list,
        client_file,
        evidence,
        perpetrators,
        tasks,
    )

    with vault.unlock(DEMO_USER, DEMO_PASSPHRASE) as session:
        rows = case_list.list_cases(session, limit=60)
        files = [client_file.open_file(session, row.case_id) for row in rows]
        best = max(files, key=lambda f: (f.open_stay is not None, sum(f.counts.values())))
        case_id = best.case.id
        # In the language shot: as a worker in Baku would write them in az, in ru in Russian.
        consultation = care.add_legal_consultation(session, LegalConsultation(
            case_id, date.today(), "criminal_proceedings",
            summary=said(
                "Polisdə ifadə verməyə hazırdır; vəkil təyin olunması ilə bağlı izah edildi.",
                "Готова дать показания в полиции; объяснили, как назначается адвокат.",
                "Ready to give a statement to the police; how a lawyer is appointed was "
                "explained."),
            next_step=said(
                "Ərizəni birlikdə hazırlamaq",
                "Вместе подготовить заявление",
                "Prepare the application together"), next_step_date=date.today()
            + timedelta(days=7), duration_minutes=50, interpreter_used=False))
        # One correction, so the record shows "corrected by … on …" and an earlier version.
        from shelterdesk.store.records import record_corrections

        consultation.duration_minutes = 60
        record_corrections.correct_legal_consultation(
            session, consultation, said(
                "Görüş 60 dəqiqə çəkib, 50 deyil",
                "Встреча длилась 60 минут, а не 50",
                "The meeting took 60 minutes, not 50"))
        tasks.add_note(session, Note(case_id, said(
            "İşəgötürənlə Instagram-da tanış olub: Dubayda ofisiant işi, bileti agentlik alıb.",
            "Познакомилась с работодателем в Instagram: работа официанткой в Дубае, билет "
            "купило агентство.", "Met the employer on Instagram: a waitress job in Dubai, "
            "the agency bought the ticket.")))
        tasks.add_follow_up(session, FollowUp(
            case_id, date.today() + timedelta(days=3), "court_date",
            said("İfadə, Bakı Ağır Cinayətlər Məhkəməsi", "Показания, Бакинский суд по тяжким "
                 "преступлениям", "Statement, Baku Serious Crimes Court")))
        item = evidence.add_evidence(session, EvidenceItem(
            case_id, "screenshot", file_name="is-elani-mesajlar.png", media_type="image/png",
            content=b"\x89PNG demo: ekran goruntusu", platform="instagram"))
        evidence.add_evidence(session, EvidenceItem(
            case_id, "chat_export", file_name="telegram-yazisma.txt", media_type="text/plain",
            content=said(
                "[12.03 21:14] Rəşad: Dubayda ofisiant işi var, aylıq 1800 dollar.\n"
                "[12.03 21:15] Rəşad: Bileti agentlik alır, pasportunu sabah gətir.\n"
                "[12.03 21:40] Aynur: Müqavilə olacaq?\n"
                "[12.03 21:41] Rəşad: Orada imzalayarsan.\n",
                "[12.03 21:14] Рашад: В Дубае есть работа официанткой, 1800 долларов в месяц.\n"
                "[12.03 21:15] Рашад: Билет покупает агентство, паспорт принеси завтра.\n"
                "[12.03 21:40] Айнур: Договор будет?\n"
                "[12.03 21:41] Рашад: Подпишешь на месте.\n",
                "[12.03 21:14] Rashad: There is a waitress job in Dubai, 1800 dollars a month.\n"
                "[12.03 21:15] Rashad: The agency buys the ticket, bring your passport "
                "tomorrow.\n"
                "[12.03 21:40] Aynur: Will there be a contract?\n"
                "[12.03 21:41] Rashad: You will sign it there.\n").encode(),
            platform="telegram"))
        perpetrators.add_perpetrator(session, Perpetrator(
            case_id, roles=["recruiter"], relationship="online_contact", sex="male",
            nationality="AZ", accounts=[{"platform": "instagram", "handle": "@dubai.jobs.az"}],
            evidence_ids=[item.id]))
    return case_id


SHOWCASE: dict[str, str] = {}


def case_screens(shooter: Shooter, window: MainWindow) -> None:
    """The case list, one client file (overview and tabs), the intake and legal forms."""
    from shelterdesk.ui.cases.legal_form import LegalConsultationForm

    page = window.work_area.page_for[Area.CASES]
    ask_size(window, 1280, 760)  # a small laptop screen: the list's columns all show
    wait_until(lambda: page.list_page.model.rowCount() > 0 and not page.list_page.model.loading)
    QTest.qWait(200)
    shooter.shoot("section-cases", window)
    page.show_case(SHOWCASE["case_id"])
    wait_until(lambda: page.file_page.view is not None
               and page.file_page.case_id == SHOWCASE["case_id"])
    QTest.qWait(200)
    shooter.shoot("cases-file-overview", window)
    for key in ("legal", "evidence"):
        page.file_page.select_tab(key)
        tab = page.file_page.tab(key)
        wait_until(lambda tab=tab: tab.is_loaded and tab.model.rowCount() > 0)
        QTest.qWait(300)
        shooter.shoot(f"cases-file-{key}", window)
    issue15_screens(shooter, page)
    page.file_page.select_tab("legal")
    form = page.file_page.tab("legal").open_form()
    assert isinstance(form, LegalConsultationForm)
    form.topic_picker.setCurrentIndex(form.topic_picker.findData("victim_status"))
    form.duration_field.set_value(40)
    form.summary_edit.setPlainText(
        said("İnsan alverinin qurbanı statusu üçün ərizə və polisdə müsahibənin necə "
             "keçəcəyi izah edildi.", "Объяснили заявление о признании жертвой торговли "
             "людьми и как пройдёт беседа в полиции.", "The victim-status application and "
             "how the police interview will go were explained."))
    form.next_step_edit.setText(said(
        "Ərizəni birlikdə hazırlamaq",
        "Вместе подготовить заявление",
        "Prepare the application together"))
    shooter.shoot("dialog-legal-consultation", form)
    form.discard_and_close()
    page.show_list()
    intake = page.open_intake()
    intake.fields["given_name"].setText(said("Günay", "Гюнай", "Gunay"))
    intake.fields["family_name"].setText(said("Həsənova", "Гасанова", "Hasanova"))
    intake.fields["nationality"].set_value("AZ")
    intake.fields["languages"].set_value(["az", "ru"])
    shooter.shoot("dialog-intake", intake)
    intake.go_to(2)
    intake.fields["exploitation_types"].set_value(["forced_labour"])
    intake.fields["recruitment_channel"].set_value("online_job_ad")
    intake.fields["recruitment_platform"].set_value("telegram")
    intake.fields["means_of_control"].set_value(["withheld_documents", "debt_bondage"])
    shooter.shoot("dialog-intake-recruitment", intake)
    intake.discard_and_close()
    wait_until(lambda: not shiboken6.isValid(intake))  # a discarded form is deleted
    issue15_case_screens(shooter, window)
    ask_size(window, *WINDOW_SIZE)


def issue15_screens(shooter: Shooter, page: QWidget) -> None:
    """The evidence viewer and export, the consent form with its ticks, a new referral."""
    from shelterdesk.ui.cases.consent_form import ConsentForm
    from shelterdesk.ui.cases.evidence_export_dialog import EvidenceExportDialog
    from shelterdesk.ui.cases.evidence_viewer import EvidenceViewerDialog
    from shelterdesk.ui.referrals.new_referral_dialog import NewReferralDialog

    file_page = page.file_page
    file_page.select_tab("evidence")
    tab = file_page.tab("evidence")
    chat = next(r for r in range(tab.model.rowCount())
                if tab.model.record_at(r).file_name.endswith(".txt"))
    tab.table.selectRow(chat)
    viewer = tab.open_viewer()
    assert isinstance(viewer, EvidenceViewerDialog)
    wait_until(lambda: not viewer.loading)
    shooter.shoot("dialog-evidence-viewer", viewer)
    viewer.reject()
    export = tab.open_export()
    assert isinstance(export, EvidenceExportDialog)
    wait_until(lambda: export.checked)
    export.reason_edit.setText(said(
        "Prokurorluğun 14.11 tarixli yazılı sorğusu",
        "Письменный запрос прокуратуры от 14.11",
        "The prosecutor's written request of 14.11"))
    shooter.shoot("dialog-evidence-export", export)
    export.reject()
    file_page.select_tab("consents")
    consent = file_page.tab("consents").open_form()
    assert isinstance(consent, ConsentForm)
    consent.purpose_picker.set_value("referral")
    wait_until(lambda: consent.org_picker.count() > 1)
    consent.org_picker.setCurrentIndex(1)
    consent.details_checks.set_value(["name", "contact", "medical"])
    shooter.shoot("dialog-consent", consent)
    consent.discard_and_close()
    file_page.select_tab("referrals")
    referral = file_page.tab("referrals").open_new_referral()
    assert isinstance(referral, NewReferralDialog)
    wait_until(lambda: referral.org_picker.count() > 1)
    referral.org_picker.setCurrentIndex(1)
    wait_until(lambda: referral.consent_known)
    shooter.shoot("dialog-new-referral", referral)
    referral.reject()


def issue15_case_screens(shooter: Shooter, window: MainWindow) -> None:
    """Corrections and their history, closing and reopening, duplicates, the import preview."""


    from openpyxl import Workbook

    from shelterdesk.store.records import clients, duplicates
    from shelterdesk.ui.cases.closure_dialogs import CloseCaseDialog, ReopenCaseDialog
    from shelterdesk.ui.cases.duplicate_dialog import DuplicateDialog

    page = window.work_area.page_for[Area.CASES]
    session = window.session
    page.file_page.drop_data()  # so the wait below sees the file opened afresh
    page.show_case(SHOWCASE["case_id"])
    wait_until(lambda: page.file_page.view is not None
               and page.file_page.case_id == SHOWCASE["case_id"])
    page.file_page.select_tab("legal")
    tab = page.file_page.tab("legal")
    wait_until(lambda: tab.is_loaded and tab.model.rowCount() > 0)
    QTest.qWait(200)
    shooter.shoot("cases-file-legal-corrected", window)
    form = tab.open_correction()
    form.outcome_edit.setPlainText(said(
        "Vəkil təyin olunub.",
        "Адвокат назначен.",
        "A lawyer was appointed."))
    form.reason_edit.setPlainText(said(
        "Nəticə yazılmamışdı",
        "Результат не был записан",
        "The outcome had not been written"))
    shooter.shoot("dialog-correct-legal", form)
    form._quiet_close = True
    form.reject()
    history = tab.open_history()
    wait_until(lambda: history.version_list.count() > 0)
    shooter.shoot("dialog-record-history", history)
    history.reject()
    from datetime import date

    from shelterdesk.domain.referrals import Consent
    from shelterdesk.store.records import consents

    if not consents.list_consents(session, SHOWCASE["case_id"], current_only=True):
        consents.add_consent(session, Consent(SHOWCASE["case_id"], "data_storage",
                                              date.today()))
    page.file_page.select_tab("consents")
    consents_tab = page.file_page.tab("consents")
    consents_tab.reload()
    wait_until(lambda: consents_tab.model.rowCount() > 0)
    consents_tab.table.selectRow(consents_tab.model.rowCount() - 1)
    if consents_tab.correct_button.isEnabled():
        amend = consents_tab.open_correction()
        amend.details_checks.boxes["contact"].setChecked(True)
        amend.reason_edit.setPlainText(said(
            "Telefon nömrəsini paylaşmağa razılıq verdi",
            "Согласилась передать номер телефона",
            "Agreed to share the phone number"))
        shooter.shoot("dialog-amend-consent", amend)
        amend._quiet_close = True
        amend.reject()
    page.file_page.select_tab("stays")
    stays_tab = page.file_page.tab("stays")
    wait_until(lambda: stays_tab.is_loaded)
    if stays_tab.model.rowCount():
        stays_tab.table.selectRow(0)
        dialog = stays_tab.open_dates_dialog()
        shooter.shoot("dialog-stay-dates", dialog)
        dialog.reject()
    case = page.file_page.view.file.case
    close = CloseCaseDialog(session, case.id, case.case_code, case.intake_date, page)
    close.reason_combo.setCurrentIndex(close.reason_combo.findData("referred_on"))
    close.note_edit.setPlainText(said(
        "Gəncə bölməsinə təhvil verildi",
        "Передано в отделение в Гяндже",
        "Handed over to the Ganja office"))
    close.open()  # shown as the window shows it, at its own size
    shooter.shoot("dialog-close-case", close)
    close.reject()
    reopen = ReopenCaseDialog(session, case.id, case.case_code, page)
    reopen.reason_edit.setPlainText(said(
        "Benefisiar yenidən müraciət etdi",
        "Клиент обратился снова",
        "The client came back"))
    reopen.open()
    shooter.shoot("dialog-reopen-case", reopen)
    reopen.reject()
    client = clients.get_case(session, case.id)[0]
    warning = DuplicateDialog(duplicates.find_possible_duplicates(session, client), page)
    warning.open()
    shooter.shoot("dialog-duplicate-warning", warning)
    warning.reject()
    page.show_list()
    with tempfile.TemporaryDirectory(prefix="shelterdesk-import-") as folder:
        book = Workbook()
        sheet = book.active
        sheet.append(["given_name", "patronymic", "family_name", "sex", "date_of_birth",
                      "age_estimate", "nationality", "phone", "intake_date",
                      "exploitation_types", "recruitment_channel", "recruitment_platform",
                      "notes", "victim_status", "risk_level"])
        people = said(
            (("Aynur", "Əli qızı", "Məmmədova"), ("Səbinə", "Vüqar qızı", "Hüseynova"),
             ("Elvin", "Rauf oğlu", "Əliyev"), ("Quliyeva",), ("Nigar", "Samir qızı",
                                                                "Babayeva")),
            (("Айнур", "Алиевна", "Мамедова"), ("Сабина", "Вугаровна", "Гусейнова"),
             ("Эльвин", "Рауфович", "Алиев"), ("Кулиева",), ("Нигяр", "Самировна",
                                                              "Бабаева")),
            (("Aynur", "", "Mammadova"), ("Sabina", "", "Huseynova"), ("Elvin", "", "Aliyev"),
             ("Guliyeva",), ("Nigar", "", "Babayeva")))
        for (given, father, family), sex, born, day in zip(
                [people[0], people[1], people[2], ("=HYPERLINK(\"x\")", "", people[3][0]),
                 people[4]],
                ("female", "female", "male", "female", "robot"),
                ("1999-04-12", "2001-11-02", "", "", "1997-06-30"),
                ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-13-01"),
                strict=True):
            sheet.append([given, father, family, sex, born, 25 if not born else None, "AZ",
                          "", day, "forced_labour", "online_job_ad", "telegram", "",
                          "presumed", "medium"])
        path = Path(folder) / said("benefisiarlar.xlsx", "klienty.xlsx", "clients.xlsx")
        book.save(path)
        importer = page.open_import()
        importer.load_file(path)
        wait_until(lambda: importer.preview is not None)
        shooter.shoot("dialog-import-preview", importer)
        importer.reject()


def boards_screens(shooter: Shooter, window: MainWindow, area: Area) -> None:
    """A bed chosen on the board, the admit and discharge dialogs, a referral's status."""
    page = window.work_area.page_for[area]
    if area == Area.SHELTER:
        occupied = [b for b, tile in page.tiles.items() if tile.state == "occupied"]
        page.select_bed(occupied[0])
        shooter.shoot("shelter-bed", window)
        dialog = page.open_discharge_dialog()
        shooter.shoot("dialog-discharge", dialog)
        dialog.reject()
        page.select_bed(next(b for b, tile in page.tiles.items() if tile.state == "free"))
        dialog = page.open_admit_dialog()
        shooter.shoot("dialog-admit", dialog)
        dialog.reject()
        page.select_bed("")
    elif area == Area.REFERRALS:
        sent = next(r for r in range(page.model.rowCount())
                    if page.model.item_at(r).row.referral.status == "sent")
        page.table.selectRow(page.proxy.mapFromSource(page.model.index(sent, 0)).row())
        dialog = page.open_status_dialog()
        shooter.shoot("dialog-referral-status", dialog)
        dialog.reject()
        draft = next(r for r in range(page.model.rowCount())
                     if page.model.item_at(r).row.referral.status == "draft")
        page.table.selectRow(page.proxy.mapFromSource(page.model.index(draft, 0)).row())
        preview = page.open_preview()
        wait_until(lambda: not preview.rendering)
        shooter.shoot("dialog-referral-preview", preview)
        preview.reject()
        page.table.clearSelection()


def stage_demo(vault: Vault) -> None:
    """What the generated demo lacks for these screens: a reserved bed, tasks due with details
    (written in Azerbaijani, as the staff would), a consent running out, a declined referral
    with its outcome, a draft."""
    from datetime import date, timedelta

    from shelterdesk.domain.referrals import Consent, Referral
    from shelterdesk.domain.tasks import FollowUp
    from shelterdesk.store.records import (
        case_list,
        consents,
        organisations,
        referrals,
        shelters,
        tasks,
    )

    today = date.today()
    with vault.unlock(DEMO_USER, DEMO_PASSPHRASE) as session:
        free = [b for b in shelters.board(session) if b.state == "free"]
        shelters.set_reserved(session, free[1].bed_id, True)
        cases = case_list.list_cases(session, case_list.CaseFilter(status="open"), limit=6)
        for case, days, kind, text in zip(cases, (-3, 0, 2, 5), (
                "medical", "court_date", "check_in", "legal_deadline"), (
                *said(("Qan analizinin nəticələri", "Səbail rayon məhkəməsində ifadə, saat 10:00",
                       "Evdə ilk həftədən sonra zəng", "Kompensasiya iddiası: son gün"),
                      ("Результаты анализа крови", "Показания в Сабаильском районном суде, "
                       "10:00", "Звонок после первой недели дома", "Иск о компенсации: "
                       "последний день"),
                      ("Blood test results", "Statement at Sabail district court, 10:00",
                       "Call after the first week at home", "Compensation claim: last day")),),
                strict=False):
            tasks.add_follow_up(session, FollowUp(case.case_id, today + timedelta(days=days),
                                                  kind, text))
        orgs = organisations.list_organisations(session)
        consents.add_consent(session, Consent(
            cases[4].case_id, "referral", today - timedelta(days=360), to_org_id=orgs[0].id,
            expires_on=today + timedelta(days=4)))
        declined = referrals.create_referral(session, Referral(
            cases[5].case_id, orgs[1].id, ["vocational"], today - timedelta(days=9),
            anonymized=True))
        referrals.set_status(session, declined.id, "sent", on=today - timedelta(days=8))
        referrals.set_status(session, declined.id, "declined", on=today - timedelta(days=2),
                             outcome=said(
                                 "Yaz kursunda yer yoxdur; iyunda yenidən müraciət",
                                 "Мест на весеннем курсе нет; обратиться снова в июне",
                                 "No place on the spring course; apply again in June"))
        referrals.create_referral(session, Referral(
            cases[1].case_id, orgs[2].id, ["medical", "psychosocial"], today,
            urgency="urgent", anonymized=True))


def capture(out_root: Path, languages: list[str]) -> None:
    application = make_application()
    switcher = LanguageSwitcher(application)
    with tempfile.TemporaryDirectory(prefix="shelterdesk-shots-") as temp:
        for language in languages:
            switcher.apply(language)
            # Each language its own demo: Russian screens show Russian names and rooms.
            vault = create_demo_vault(Path(temp) / f"demo-{language}", clients=40,
                                      language=language)
            stage_demo(vault)
            SHOWCASE["case_id"] = showcase_case(vault)
            staging = Path(temp) / f"sync-{language}"
            staging.mkdir()
            STAGED.update(sync_screenshots.stage_sync_and_backups(
                vault, staging, DEMO_USER, DEMO_PASSPHRASE))
            from shelterdesk.i18n import _

            hint = _("Demo vault: user “{user}”, passphrase “{passphrase}”.").format(
                user=DEMO_USER, passphrase=DEMO_PASSPHRASE)
            shooter = Shooter(out_root / language)
            wizard_screens(shooter, Path(temp) / language)
            window_screens(shooter, vault, application, switcher, hint)
            sync_screenshots.joined_laptop_screens(shooter, STAGED, application, switcher,
                                                   DEMO_USER, DEMO_PASSPHRASE, wait_until,
                                                   WINDOW_SIZE)
            shooter.finish()
    switcher.apply("en")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", nargs="+", default=["en", "az", "ru"],
                        choices=["en", "az", "ru"])
    args = parser.parse_args(argv)
    capture(args.out, args.lang)
    if sorted(args.lang) == ["az", "en", "ru"]:
        # Which catalogs these screens show: a test fails when the catalogs change after.
        (args.out / FINGERPRINT_FILE).write_text(
            catalog_fingerprint(ROOT / "translations") + "\n", encoding="utf-8")
    print(f"Screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
