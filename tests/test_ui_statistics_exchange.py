"""Statistics → Submit quarter… and Combined statistics…: an organisation seals a quarter
for the ministry in the window, the ministry imports it and reads the national tables."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.gui_helpers import WAIT_MS
from tests.referral_helpers import pdf_text
from tests.statistics_exchange_helpers import MINISTRY, QUARTER_DAY, coalition

pytestmark = pytest.mark.gui


def test_a_quarter_is_submitted_and_combined_in_the_window(qtbot, qtmodeltester,
                                                           tmp_path: Path) -> None:
    from shelterdesk.ui.statistics.combined_dialog import CombinedStatisticsDialog
    from shelterdesk.ui.statistics.statistics_page import StatisticsPage
    from shelterdesk.ui.statistics.submit_dialog import SubmitQuarterDialog

    made = coalition(tmp_path, count=2)
    try:
        files = []
        for sender in made.senders:
            dialog = SubmitQuarterDialog(
                sender, ask_save=lambda _parent, name: str(tmp_path / f"{len(files)}-{name}"),
                today=QUARTER_DAY)
            qtbot.addWidget(dialog)
            dialog.show()
            assert dialog.quarter_choice.currentData() == "2026Q1"  # the latest ended quarter
            assert dialog.body_choice.currentText() == MINISTRY
            assert dialog.body_label.buddy() is dialog.body_choice
            assert dialog.quarter_choice.accessibleName() and dialog.save_button.isEnabled()
            assert not dialog.send_button.isEnabled()  # the ministry named no mailbox
            dialog.save_button.setFocus()
            qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)  # keyboard, not the mouse
            qtbot.waitUntil(lambda d=dialog: "sealed in" in d.message_label.text(),
                            timeout=WAIT_MS)
            files.append(next(p for p in tmp_path.glob(f"{len(files)}-*.sdstats")))
        assert all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)

        csv_file = tmp_path / "national.csv"
        combined = CombinedStatisticsDialog(
            made.ministry, ask_open=lambda _parent: [str(f) for f in files] + [str(files[0])],
            ask_save=lambda _parent, _name: str(csv_file))
        qtbot.addWidget(combined)
        combined.show()
        qtbot.waitUntil(lambda: combined.matrix is not None, timeout=WAIT_MS)
        assert combined.matrix_model.rowCount() == 2  # both expected, neither submitted
        qtbot.keyClick(combined.import_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: "opened here before" in combined.message_label.text(),
                        timeout=WAIT_MS)
        assert combined.message_label.text().count("received") == 2
        qtbot.waitUntil(lambda: combined.report is not None, timeout=WAIT_MS)
        matrix = combined.matrix_model
        assert [matrix.horizontalHeaderItem(c).text() for c in range(2)] == \
            ["Organisation", "2026Q1"]
        assert all(matrix.item(r, 1).text().startswith("Received") for r in range(2))
        assert combined.quarter_choice.currentData() == "2026Q1"

        combined.table_choice.setCurrentIndex(combined.table_choice.findData("sex"))
        qtmodeltester.check(combined.model)
        shown = {combined.model.index(r, 0).data(): combined.model.index(r, 1).data()
                 for r in range(combined.model.rowCount())}
        assert shown["Male"] in ("<5", "0", "6")  # 1 + 2 men (0 or 3 each): never a bare 3
        assert (shown["Male"] == "<5") == (shown["Female"] == "x")  # its complement
        assert int(shown["Total"]) >= 12  # 14 women and 3 men, perturbed by their senders
        assert combined.chart_view.chart().series()  # the bar chart is drawn
        assert "perturbed" in combined.note_label.text()
        assert combined.table_view.accessibleName() and combined.matrix_view.accessibleName()

        qtbot.keyClick(combined.export_button, Qt.Key.Key_Space)
        qtbot.waitUntil(csv_file.exists, timeout=WAIT_MS)
        assert stat.S_IMODE(os.stat(csv_file).st_mode) == 0o600
        assert "New cases by sex" in csv_file.read_text("utf-8-sig")
        pdf_file = tmp_path / "national.pdf"
        combined.ask_save = lambda _parent, _name: str(pdf_file)
        qtbot.keyClick(combined.pdf_button, Qt.Key.Key_Space)
        qtbot.waitUntil(pdf_file.exists, timeout=WAIT_MS)
        text = pdf_text(pdf_file.read_bytes())
        assert "National statistics" in text and "2026Q1" in text and "Soyad" not in text

        page = StatisticsPage(made.ministry)
        qtbot.addWidget(page)
        for opener in (page.open_submit_dialog, page.open_combined_dialog):
            opened = opener()
            qtbot.waitUntil(opened.isVisible, timeout=WAIT_MS)
            opened.close()
    finally:
        made.close()
