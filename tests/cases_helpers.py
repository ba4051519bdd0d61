"""Helpers for the Cases section's GUI tests: typing any letters, opening a case, finding forms."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from shelterdesk.domain.workspace import Area
from shelterdesk.ui.cases.cases_page import CasesPage
from shelterdesk.ui.shell.main_window import MainWindow

WAIT_MS = 20_000


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying each character, as a keyboard layout with ə, ş, ğ would send.

    (``qtbot.keyClicks`` maps characters to Latin-1 key codes and aborts on others.)
    """
    widget.setFocus()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def cases_page(qtbot, window: MainWindow) -> CasesPage:
    """The Cases section of an unlocked window, its first page of cases loaded."""
    assert window.work_area is not None
    window.work_area.select_area(Area.CASES)
    page = window.work_area.page_for[Area.CASES]
    assert isinstance(page, CasesPage)
    qtbot.waitUntil(lambda: page.list_page.model.total > 0 or
                    (not page.list_page.model.loading and bool(page.list_page.count_label.text())),
                    timeout=WAIT_MS)
    return page


def search_and_open(qtbot, page: CasesPage, text: str) -> str:
    """Type a search, wait for the results, press Enter on the first: the case id opened."""
    page.list_page.search_edit.clear()
    with qtbot.waitSignal(page.list_page.model.page_loaded, timeout=WAIT_MS):
        type_text(page.list_page.search_edit, text)
    table = page.list_page.table
    assert page.list_page.model.rowCount() >= 1, f"nothing found for {text!r}"
    table.setFocus()
    table.selectRow(0)
    case_id = page.list_page.model.row_at(0).case_id
    with qtbot.waitSignal(page.file_page.opened, timeout=WAIT_MS):
        qtbot.keyClick(table, Qt.Key.Key_Return)
    return case_id


def newest(parent: QWidget, kind: type) -> QWidget | None:
    """The most recently created child of a type (a form just opened by a button)."""
    found = [w for w in parent.findChildren(kind) if w.isVisible()]
    return found[-1] if found else None


class ModelTesters:
    """pytest-qt's Python model tester plus Qt's own, whose failures are collected here.

    Qt's ``QAbstractItemModelTester`` reports through the ``qt.modeltest`` logging
    category, which pytest-qt's ``qtlog`` does not record; so a handler of our own
    collects them, and leaving the ``with`` block fails on any.
    """

    def __init__(self, qtmodeltester, model, *, python: bool = True) -> None:  # noqa: ANN001
        self.qtmodeltester = qtmodeltester
        self.model = model
        self.python = python
        self.failures: list[str] = []

    def _handler(self, _mode, context, message: str) -> None:  # noqa: ANN001
        if context.category == "qt.modeltest" or message.startswith("FAIL!"):
            self.failures.append(message)

    def __enter__(self) -> ModelTesters:
        from PySide6.QtCore import qInstallMessageHandler
        from PySide6.QtTest import QAbstractItemModelTester

        if self.python:
            self.qtmodeltester.check(self.model, force_py=True)
        self._previous = qInstallMessageHandler(self._handler)
        self._qt_tester = QAbstractItemModelTester(
            self.model, QAbstractItemModelTester.FailureReportingMode.Warning)
        return self

    def __exit__(self, *exc: object) -> None:
        from PySide6.QtCore import qInstallMessageHandler

        del self._qt_tester
        qInstallMessageHandler(self._previous)
        assert self.failures == [], self.failures[:5]
