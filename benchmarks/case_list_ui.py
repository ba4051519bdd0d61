"""The Cases section on a large vault: opening it until the first page is painted, and a
search until its results are painted (the 250 ms typing debounce left out).

Runs the real widgets offscreen on the cached vault of ``benchmarks/records.py``
(100,000 clients unless ``BENCH_CLIENTS`` says otherwise), once on SQLCipher and
once on the plain SQLite copy of the same data.

    python3 -m benchmarks case_list_ui
    BENCH_CLIENTS=20000 python3 -m benchmarks case_list_ui
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.common import print_table  # noqa: E402
from benchmarks.records import PASSPHRASE, USER, _build, _plain_session  # noqa: E402
from shelterdesk.store.records import case_list  # noqa: E402
from shelterdesk.store.vault import Session  # noqa: E402
from shelterdesk.ui.cases.cases_page import CasesPage  # noqa: E402
from shelterdesk.ui.common.background import wait_for_background  # noqa: E402

REPEAT = 9


def _wait_for(signal, start: Callable[[], None], timeout_ms: int = 30_000) -> None:  # noqa: ANN001
    """Start the work and run the event loop until ``signal`` fires (no processEvents)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    start()
    loop.exec()
    signal.disconnect(loop.quit)


def open_section(session: Session) -> float:
    """Milliseconds from building and showing the section to its first page painted."""
    started = time.perf_counter()
    page = CasesPage(session)
    page.resize(1280, 760)
    model = page.list_page.model
    _wait_for(model.page_loaded, page.show)
    page.list_page.table.viewport().repaint()
    took = (time.perf_counter() - started) * 1000
    assert model.rowCount() > 0
    page.close()
    page.deleteLater()
    return took


def search(page: CasesPage, text: str) -> float:
    """Milliseconds from a search being applied to its results painted (debounce excluded)."""
    lst = page.list_page
    lst.search_edit.blockSignals(True)  # the debounce timer is not what we measure
    lst.search_edit.setText(text)
    lst.search_edit.blockSignals(False)
    started = time.perf_counter()
    _wait_for(lst.model.page_loaded, lst.apply_search)
    lst.table.viewport().repaint()
    return (time.perf_counter() - started) * 1000


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def measure_session(session: Session, searches: dict[str, str]) -> dict[str, float]:
    results: dict[str, float] = {}
    first = open_section(session)  # the first opening also warms SQLite's page cache
    results["open Cases section → first page (first time)"] = first
    results["open Cases section → first page"] = _median(
        [open_section(session) for _ in range(REPEAT)])
    page = CasesPage(session)
    page.resize(1280, 760)
    _wait_for(page.list_page.model.page_loaded, page.show)
    for name, text in searches.items():
        search(page, text)  # warm
        results[f"search {name} → results shown"] = _median(
            [search(page, text) for _ in range(REPEAT)])
    page.close()
    page.deleteLater()
    wait_for_background()
    return results


def run() -> None:
    count = int(os.environ.get("BENCH_CLIENTS", "100000"))
    vault, _generation = _build(count)
    application = QApplication.instance() or QApplication([])
    encrypted = vault.unlock(USER, PASSPHRASE)
    plain = _plain_session(encrypted, vault.directory.parent / "plain.db")
    code = case_list.list_cases(encrypted, limit=1, offset=count // 4)[0].case_code
    phone = encrypted.connection.execute(
        "SELECT phone FROM clients WHERE phone != '' LIMIT 1 OFFSET ?", (count // 3,)).fetchone()[0]
    searches = {"'mammadova'": "mammadova", "a case code": code,
                "a phone typed locally": "0" + "".join(c for c in phone if c.isdigit())[3:],
                "a note word ('dubai')": "dubai"}
    secure = measure_session(encrypted, searches)
    baseline = measure_session(plain, searches)
    targets = {"open Cases section → first page": "< 200 ms"}
    rows = [(name, value, baseline[name],
             targets.get(name, "< 150 ms" if name.startswith("search") else "—"))
            for name, value in secure.items()]
    print_table(f"Cases section, real widgets offscreen: {count:,} clients", rows)
    plain.connection.close()
    encrypted.close()
    del application  # kept alive until the widgets are gone
