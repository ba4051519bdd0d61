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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")

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
from shelterdesk.store import recovery  # noqa: E402
from shelterdesk.store.vault import Vault  # noqa: E402
from shelterdesk.ui.app import (  # noqa: E402
    DEMO_PASSPHRASE,
    DEMO_USER,
    create_demo_vault,
    make_application,
)
from shelterdesk.ui.background import operations_in_flight  # noqa: E402
from shelterdesk.ui.main_window import MainWindow  # noqa: E402
from shelterdesk.ui.qt_translator import LanguageSwitcher  # noqa: E402
from shelterdesk.ui.setup_wizard import SetupWizard  # noqa: E402

WINDOW_SIZE = (1100, 720)
TIMEOUT_MS = 60_000
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


class Shooter:
    """Grabs screens of one language into one folder and remembers their texts."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.texts: dict[str, list[str]] = {}
        out_dir.mkdir(parents=True, exist_ok=True)

    def shoot(self, name: str, widget: QWidget) -> None:
        QTest.qWait(60)  # let layouts settle and busy indicators disappear
        widget.grab().save(str(self.out_dir / f"{name}.png"))
        self.texts[name] = visible_texts(widget)

    def finish(self) -> None:
        with (self.out_dir / "texts.json").open("w", encoding="utf-8") as handle:
            json.dump(self.texts, handle, ensure_ascii=False, indent=1, sort_keys=True)


def wizard_screens(shooter: Shooter, work_dir: Path) -> None:
    wizard = SetupWizard(Vault(work_dir / "wizard"))
    wizard.resize(720, 600)
    wizard.show()
    organisation = wizard.organisation_page
    organisation.org_name_edit.setText("Təmiz Həyat İctimai Birliyi")
    organisation.prefix_edit.setText("TH")
    shooter.shoot("wizard-1-organisation", wizard)
    wizard.next()
    coordinator = wizard.coordinator_page
    coordinator.username_edit.setText("aysel")
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


def window_screens(shooter: Shooter, vault: Vault, application: QApplication,
                   switcher: LanguageSwitcher, hint: str) -> None:
    window = MainWindow(vault, application, hint=hint, language=switcher,
                        idle_timeout_ms=3_600_000)
    window.resize(*WINDOW_SIZE)
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
            admin.tabs.setCurrentIndex(0)
            dialog = admin.users_page.open_add_dialog()
            dialog.username_edit.setText("leyla")
            shooter.shoot("dialog-add-user", dialog)
            dialog.reject()
            admin.organisations_page.table.selectRow(0)
            org_dialog = admin.organisations_page.open_edit_dialog()
            if org_dialog is not None:
                shooter.shoot("dialog-organisation", org_dialog)
                org_dialog.reject()
        else:
            wait_until(lambda: operations_in_flight() == 0)  # a section computing its figures
            shooter.shoot(f"section-{area.value.replace('_', '-')}", window)
    work.select_area(Area.ADMINISTRATION)
    window.lock_now()
    shooter.shoot("locked", window)
    window.close()
    window.deleteLater()


def capture(out_root: Path, languages: list[str]) -> None:
    application = make_application()
    switcher = LanguageSwitcher(application)
    with tempfile.TemporaryDirectory(prefix="shelterdesk-shots-") as temp:
        vault = create_demo_vault(Path(temp) / "demo", clients=40)
        for language in languages:
            switcher.apply(language)
            from shelterdesk.i18n import _

            hint = _("Demo vault: user “{user}”, passphrase “{passphrase}”.").format(
                user=DEMO_USER, passphrase=DEMO_PASSPHRASE)
            shooter = Shooter(out_root / language)
            wizard_screens(shooter, Path(temp) / language)
            window_screens(shooter, vault, application, switcher, hint)
            shooter.finish()
    switcher.apply("en")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", nargs="+", default=["en", "az", "ru"],
                        choices=["en", "az", "ru"])
    args = parser.parse_args(argv)
    capture(args.out, args.lang)
    print(f"Screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
