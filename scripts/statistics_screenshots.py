"""The statistics report of a synthetic vault in az, ru and en as PNG pages, and the window's page.

    python3 scripts/statistics_screenshots.py [OUTPUT_DIR]

Needs pdftoppm (poppler-utils). Labels of this branch's new messages come from
translations/pending/ until they are merged into the catalogs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shelterdesk.reports.statistics.exports import render  # noqa: E402
from shelterdesk.store.records import demo  # noqa: E402
from shelterdesk.store.statistics.aggregates import Period  # noqa: E402
from shelterdesk.store.vault import Vault  # noqa: E402
from tests.statistics_helpers import FragmentTranslator  # noqa: E402


def main(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        vault = Vault(Path(scratch) / "vault")
        vault.create("demo", "demo passphrase", org_name="Təmiz Həyat İctimai Birliyi",
                     prefix="TH")
        with vault.unlock("demo", "demo passphrase") as session:
            demo.generate(session, 1500, seed=3, today=date(2026, 11, 1))
            for language in ("az", "ru", "en"):
                data, _k, _ = render(session, Period(date(2025, 1, 1), date(2026, 1, 1)), "pdf",
                                     FragmentTranslator(language))
                pdf = output / f"statistics-{language}.pdf"
                pdf.write_bytes(data)
                subprocess.run(["pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "2", str(pdf),
                                str(output / f"statistics-{language}")], check=True)
                pdf.unlink()
            from shelterdesk.domain.roles import Role
            from shelterdesk.store.keys import users

            users.add_user(session, "analyst", [Role.STATISTICS], "analyst passphrase")
            window_page(session, output)  # the coordinator: exact, marked internal
        with vault.unlock("analyst", "analyst passphrase") as analyst:
            window_page(analyst, output, "window-published")  # the statistics role


def window_page(session, output: Path, name: str = "window") -> None:
    """The Statistics section itself, on one table, in each language."""
    from PySide6.QtCore import QDate
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from shelterdesk.i18n import set_language
    from shelterdesk.ui.common.background import operations_in_flight
    from shelterdesk.ui.statistics.statistics_page import StatisticsPage

    application = QApplication.instance() or QApplication([])
    for language in ("az", "ru", "en"):
        set_language(language)
        page = StatisticsPage(session)
        page.resize(1280, 760)
        page.from_edit.setDate(QDate(2025, 1, 1))
        page.to_edit.setDate(QDate(2025, 12, 31))
        page.show()
        page.refresh()
        while operations_in_flight() or page.report is None:
            QTest.qWait(50)
        page.table_choice.setCurrentIndex(page.table_choice.findData("recruitment_channel"))
        QTest.qWait(300)
        page.grab().save(str(output / f"{name}-{language}.png"))
        page.close()
        page.deleteLater()
    set_language("en")
    application.processEvents()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "statistics")
