"""Walks what a screen reader reads (QAccessible) and what the keyboard reaches, and lists faults.

Generic on purpose: it discovers widgets, stacked pages, tabs and dialogs rather than naming
them, so a dialog added later is walked as soon as a button ending in "…" opens it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QMenu,
    QStackedWidget,
    QTabBar,
    QTableView,
    QTreeView,
    QWidget,
)
from pytestqt.exceptions import TimeoutError as QtTimeout

from shelterdesk.i18n import active_language, translations
from shelterdesk.ui.common.background import operations_in_flight

ELLIPSIS = "…"


def ours(widget: QObject) -> bool:
    """A widget class of ShelterDesk's (or a Qt class used inside one of ours)."""
    return type(widget).__module__.startswith("shelterdesk")


def describe(widget: QWidget) -> str:
    """Where a widget is, for a failure message: its class, object name and its window."""
    window = widget.window()
    path = []
    current: QWidget | None = widget
    while current is not None and current is not window:
        path.append(current.objectName() or type(current).__name__)
        current = current.parentWidget()
    return "{window}: {path}".format(window=type(window).__name__,
                                     path=" < ".join(path[:4]))


def accessible_text(widget: QWidget, which: QAccessible.Text) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return (interface.text(which) or "").strip() if interface is not None else ""


def labelled_by(widget: QWidget) -> list[str]:
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return []
    return [other.text(QAccessible.Text.Name)
            for other, _kind in interface.relations(QAccessible.Relation.Label)]


def takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) \
        and widget.focusProxy() is None


def is_control(widget: QWidget) -> bool:
    """Something a person operates (not a scroll area's viewport or a bare frame)."""
    if isinstance(widget, (QTabBar, QMenu)):
        return True
    if isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QAbstractItemView):
        # A scroll area is a container; its content is walked on its own. A text box
        # (QPlainTextEdit/QTextEdit) is a scroll area too, and a control.
        return type(widget).__name__ in {"QPlainTextEdit", "QTextEdit", "QTextBrowser"} \
            or ours(widget) and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
    return True


def untranslated_english(text: str, language: str) -> bool:
    """True when ``text`` is an English msgid that has a different translation here."""
    if language == "en" or not text:
        return False
    translated = translations(language).gettext(text)
    return translated != text


@dataclass
class Audit:
    """Faults found so far, each once (keyed by the widget's description and the fault)."""

    language: str = field(default_factory=active_language)
    faults: dict[tuple[str, str], str] = field(default_factory=dict)
    walked_windows: set[str] = field(default_factory=set)
    controls_checked: int = 0

    def add(self, widget: QWidget, fault: str) -> None:
        self.faults.setdefault((describe(widget), fault), fault)

    def report(self) -> list[str]:
        return sorted(f"{where}: {fault}"
                      for (where, _key), fault in self.faults.items())

    # --- one state of one window ---------------------------------------------------------
    def check(self, root: QWidget) -> None:
        self.walked_windows.add(type(root.window()).__name__)
        for widget in [root, *root.findChildren(QWidget)]:
            if not widget.isVisible() or widget.window() is not root.window():
                continue
            if isinstance(widget, QLabel):
                self._check_label(widget)
                continue
            if isinstance(widget, QAbstractItemView) and widget.tabKeyNavigation():
                self.add(widget, "keeps Tab (setTabKeyNavigation(True))")
            if isinstance(widget, QAbstractButton) and widget.isEnabled() \
                    and not widget.objectName().startswith("qt_") \
                    and not takes_tab(widget) and widget.shortcut().isEmpty() \
                    and not _in_toolbar_with_shortcut(widget) \
                    and not _reached_by_arrows(widget):
                self.add(widget, "an action with no keyboard path (button without Tab focus)")
            if not takes_tab(widget) or not is_control(widget):
                continue
            self.controls_checked += 1
            name = accessible_text(widget, QAccessible.Text.Name)
            if not name:
                self.add(widget, "focusable control without an accessible name")
            elif untranslated_english(name, self.language):
                self.add(widget, f"accessible name {name!r} not in the current language"
                         )
            if isinstance(widget, QComboBox) and not widget.isEditable() \
                    and not labelled_by(widget):
                # On Linux Qt gives AT-SPI a combo box's current text as its name and its
                # label only through the "labelled by" relation (qaccessiblewidgets.cpp,
                # "fixes Orca"): setAccessibleName alone is never read. A QLabel buddy is.
                self.add(widget, "combo box without a label (QLabel buddy) for AT-SPI")
            description = widget.accessibleDescription()
            if untranslated_english(description, self.language):
                self.add(widget, f"description {description!r} not in the current language"
                         )
            if isinstance(widget, (QTableView, QTreeView)) and not description:
                self.add(widget, "a list or table without a description of its keys")

    def _check_label(self, label: QLabel) -> None:
        buddy = label.buddy()
        if buddy is None:
            return
        target = buddy
        while target.focusProxy() is not None:
            target = target.focusProxy()
        if not takes_tab(buddy) and buddy.focusProxy() is None:
            self.add(label, f"label's buddy {type(buddy).__name__} cannot take focus")
        elif label.text() and not accessible_text(target, QAccessible.Text.Name):
            self.add(target, "labelled field without an accessible name")

    # --- every page of a window ------------------------------------------------------------
    def check_pages(self, root: QWidget, settle: Callable[[], None] = lambda: None,
                    depth: int = 0) -> None:
        """``root`` as it is, then each page of each stack (tabs, wizard steps) inside it."""
        settle()
        self.check(root)
        if depth > 3:
            return
        for stack in visible_stacks(root):
            current = stack.currentIndex()
            for index in range(stack.count()):
                if index == current:
                    continue
                stack.setCurrentIndex(index)
                self.check_pages(stack.widget(index), settle, depth + 1)
            stack.setCurrentIndex(current)


def _reached_by_arrows(button: QAbstractButton) -> bool:
    """Exclusive radio buttons: Tab reaches the group (one of them), arrows the others."""
    group = button.group()
    if group is not None and group.exclusive():
        siblings = group.buttons()
    elif button.autoExclusive() and button.parentWidget() is not None:
        siblings = [b for b in button.parentWidget().findChildren(QAbstractButton)
                    if b.autoExclusive()]
    else:
        return False
    return any(takes_tab(b) and b.isVisible() for b in siblings if b is not button)


def _in_toolbar_with_shortcut(button: QAbstractButton) -> bool:
    action = getattr(button, "defaultAction", lambda: None)()
    return action is not None and not action.shortcut().isEmpty()


def visible_stacks(root: QWidget) -> list[QStackedWidget]:
    """Stacks directly inside ``root``'s visible part (nested ones are reached page by page)."""
    found = []
    for stack in root.findChildren(QStackedWidget):
        if not stack.isVisible():
            continue
        parent = stack.parentWidget()
        nested = False
        while parent is not None and parent is not root:
            if isinstance(parent, QStackedWidget):
                nested = True
                break
            parent = parent.parentWidget()
        if not nested:
            found.append(stack)
    return found


def settle(timeout_ms: int = 20_000) -> None:
    """Let pages finish their background loads (QTest.qWait: never processEvents here)."""
    waited = 0
    while operations_in_flight() and waited < timeout_ms:
        QTest.qWait(20)
        waited += 20
    QTest.qWait(30)


def ellipsis_buttons(root: QWidget) -> Iterator[QAbstractButton]:
    """Enabled, visible buttons whose text promises a dialog ("Add a user…")."""
    for button in root.findChildren(QAbstractButton):
        if button.isVisible() and button.isEnabled() and button.window() is root.window() \
                and not button.objectName().startswith("qt_") \
                and button.text().replace("&", "").rstrip().endswith(ELLIPSIS):
            yield button


class DialogWalker(QObject):
    """While installed, walks every window that opens, then cancels it and checks it is gone.

    Installed as an application event filter: a dialog opened with ``open()``, ``exec()`` or
    a static QMessageBox function is caught the same way.
    """

    def __init__(self, audit: Audit, *, follow_buttons: bool = True, max_depth: int = 2) -> None:
        super().__init__()
        self.audit = audit
        self.follow_buttons = follow_buttons
        self.max_depth = max_depth
        self.seen: list[str] = []
        self.survivors: list[str] = []
        self._pending: list[QWidget] = []
        self._handling: list[QWidget] = []
        self._depth = 0
        self._closed: list[tuple[str, QWidget]] = []

    def __enter__(self) -> DialogWalker:
        QApplication.instance().installEventFilter(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        QApplication.instance().removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) \
                and watched.isWindow() and watched not in self._pending \
                and watched not in self._handling:
            self._pending.append(watched)
            QTimer.singleShot(0, lambda dialog=watched: self._handle(dialog))
        return False

    def _handle(self, dialog: QDialog) -> None:
        if dialog in self._pending:
            self._pending.remove(dialog)
        if not shiboken6.isValid(dialog) or not dialog.isVisible():
            return
        self._handling.append(dialog)
        name = type(dialog).__name__
        self.seen.append(name)
        if ours(dialog):
            settle()
            self.audit.check_pages(dialog, settle)
            if self.follow_buttons and self._depth < self.max_depth:
                self._depth += 1
                try:
                    select_first_rows(dialog)
                    for button in list(ellipsis_buttons(dialog)):
                        if shiboken6.isValid(button) and button.isVisible():
                            button.click()
                            settle()
                finally:
                    self._depth -= 1
        if shiboken6.isValid(dialog):
            self._handling.remove(dialog)
            # not the app's own top window (the wizard)
            if ours(dialog) and dialog.parentWidget() is not None:
                self._closed.append((name, dialog))
            dialog.reject()
            if shiboken6.isValid(dialog) and dialog.isVisible() and ours(dialog):
                # A guard ("Unsaved changes") answered by the walker itself: discard.
                discard = getattr(dialog, "discard_and_close", None)
                if discard is not None:
                    discard()

    def check_deleted(self, qtbot) -> list[str]:  # noqa: ANN001 - pytest-qt fixture
        """Names of our dialogs that were cancelled but still exist as objects."""
        closed, self._closed = self._closed, []
        with contextlib.suppress(QtTimeout):
            qtbot.waitUntil(lambda: all(not shiboken6.isValid(d) for _n, d in closed),
                            timeout=3_000)
        return sorted({name for name, d in closed if shiboken6.isValid(d)})


def select_first_rows(root: QWidget) -> None:
    """Choose the first row of every visible list, so buttons acting on a row are enabled."""
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if view.isVisible() and model is not None and model.rowCount() > 0 \
                and not view.selectionModel().hasSelection():
            view.setCurrentIndex(model.index(0, 0))
