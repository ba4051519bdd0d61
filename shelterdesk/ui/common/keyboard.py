"""Keyboard paths shared by every screen: tables Tab leaves, Enter opens, Menu key lists actions.

A ``QTableView`` keeps Tab for moving cell by cell by default, so a keyboard or screen-reader
user cannot leave it (issue 23). :func:`keyboard_table` gives a table the same keys
everywhere: arrows move between rows, Tab and Shift+Tab leave, Enter opens the selected row,
and the Menu key or Shift+F10 lists the row's actions (with their shortcuts) beside the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QContextMenuEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QMenu, QWidget

from shelterdesk.i18n import N_, _

MOVES = N_("Arrow keys move between rows; Tab leaves the table.")
OPENS = N_("Enter opens the selected row.")
MENU = N_("The Menu key or Shift+F10 lists what can be done with the selected row.")
SHORTCUT_TIP = N_("{text} ({shortcut})")


def shortcut_text(keys: QKeySequence | str) -> str:
    """A shortcut as people read it on this platform (Ctrl+D, not ctrl+d)."""
    sequence = keys if isinstance(keys, QKeySequence) else QKeySequence(keys)
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def with_shortcut(text: str, keys: QKeySequence | str) -> str:
    """A tooltip that names its shortcut: "Mark as done (Ctrl+D)"."""
    return _(SHORTCUT_TIP).format(text=text.replace("&", ""), shortcut=shortcut_text(keys))


def _proxy(widget: QWidget) -> QWidget | None:
    return widget.focusProxy()


def _next_in_chain(widget: QWidget) -> QWidget | None:
    """``widget.nextInFocusChain()`` without PySide's side effect on ownership.

    PySide makes the returned widget's wrapper a child of ``widget``'s; walking the chain
    (which wraps through the whole window: menu bar, main window, other pages) would tie every
    wrapper to its predecessor, so deleting any page invalidated the wrappers of live objects
    after it, such as the menu bar's actions. The wrapper goes back under its Qt parent
    (``setParent`` to the same parent is a no-op for Qt).
    """
    following = widget.nextInFocusChain()
    if following is not None:
        following.setParent(following.parentWidget())
    return following


def first_focusable(root: QWidget) -> QWidget | None:
    """The first widget Tab would reach inside ``root`` (reading order), or None."""
    widget = _next_in_chain(root)
    while widget is not None and widget is not root:
        if root.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled() \
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and _proxy(widget) is None:
            return widget
        widget = _next_in_chain(widget)
    return None


def focus_first(root: QWidget, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> bool:
    """Give focus to the page's own choice (``focus_target()``) or its first control."""
    chooser = getattr(root, "focus_target", None)
    target = chooser() if chooser is not None else None
    if target is None or not target.isVisible() or not target.isEnabled():
        target = first_focusable(root)
    if target is None:
        return False
    target.setFocus(reason)
    return True


def tab_stops(root: QWidget) -> list[QWidget]:
    """The visible, enabled widgets inside ``root`` that Tab stops at, in chain order."""
    stops: list[QWidget] = []
    widget = _next_in_chain(root)
    while widget is not None and widget is not root and len(stops) < 2000:
        if root.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled() \
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and _proxy(widget) is None and widget not in stops:
            stops.append(widget)
        widget = _next_in_chain(widget)
    return stops


ROW_TOLERANCE = 12  # px: a field and the button beside it sit on one line


def in_reading_order(root: QWidget, widgets: list[QWidget]) -> list[QWidget]:
    """``widgets`` top to bottom, and left to right within a line."""
    placed = sorted(widgets, key=lambda w: (w.mapTo(root, QPoint(0, 0)).y(),
                                            w.mapTo(root, QPoint(0, 0)).x()))
    ordered: list[QWidget] = []
    line: list[QWidget] = []
    line_top = None
    for widget in placed:
        top = widget.mapTo(root, QPoint(0, 0)).y()
        if line_top is None or top - line_top > ROW_TOLERANCE:
            ordered.extend(sorted(line, key=lambda w: w.mapTo(root, QPoint(0, 0)).x()))
            line, line_top = [], top
        line.append(widget)
    ordered.extend(sorted(line, key=lambda w: w.mapTo(root, QPoint(0, 0)).x()))
    return ordered


def follow_reading_order(root: QWidget) -> None:
    """Make Tab follow what the eye reads in ``root`` as it is shown now.

    Qt's chain follows the order widgets were given a parent, which is rarely the order on
    screen once rows are inserted above others or a page is built before its header. Call it
    again when a page of a stack changes (hidden widgets keep their place).
    """
    stops = tab_stops(root)
    ordered = in_reading_order(root, stops)
    if ordered == stops:
        return
    for first, second in zip(ordered, ordered[1:], strict=False):
        QWidget.setTabOrder(first, second)


class _TableKeys(QObject):
    """Event filter on a table and its viewport: Enter, the context menu, the description."""

    def __init__(self, view: QAbstractItemView, open_row: Callable[[], object] | None,
                 actions: Sequence[QAction]) -> None:
        super().__init__(view)
        self.view = view
        self.open_row = open_row
        self.actions = list(actions)
        self.menu: QMenu | None = None
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.describe()

    def describe(self) -> None:
        parts = [_(MOVES)]
        if self.open_row is not None:
            parts.append(_(OPENS))
        if self.actions:
            parts.append(_(MENU))
        self.view.setAccessibleDescription(" ".join(parts))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.LanguageChange and watched is self.view:
            self.describe()
        elif kind == QEvent.Type.KeyPress and watched is self.view:
            return self._key(event)  # type: ignore[arg-type]
        elif kind == QEvent.Type.ContextMenu and self.actions:
            self.show_menu(event)  # type: ignore[arg-type]
            return True
        return False

    def _key(self, event: QKeyEvent) -> bool:
        key, modifiers = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.open_row is not None \
                and not modifiers & ~Qt.KeyboardModifier.KeypadModifier \
                and self.view.currentIndex().isValid():
            self.open_row()
            return True
        if self.actions and (key == Qt.Key.Key_Menu or (
                key == Qt.Key.Key_F10 and modifiers == Qt.KeyboardModifier.ShiftModifier)):
            self.show_menu(None)
            return True
        return False

    def show_menu(self, event: QContextMenuEvent | None) -> QMenu:
        """Beside the current row from the keyboard, under the pointer from the mouse."""
        view = self.view
        if event is not None and event.reason() == QContextMenuEvent.Reason.Mouse:
            index = view.indexAt(view.viewport().mapFromGlobal(event.globalPos()))
            if index.isValid():
                view.setCurrentIndex(index)
            where = event.globalPos()
        else:
            rect = view.visualRect(view.currentIndex())
            corner = rect.bottomLeft() if rect.isValid() else QPoint(0, 0)
            where = view.viewport().mapToGlobal(corner)
        if self.menu is None:
            self.menu = QMenu(view)
            self.menu.setObjectName("rowActions")
        self.menu.clear()
        self.menu.setTitle(view.accessibleName())
        for action in self.actions:
            if action.isVisible():
                self.menu.addAction(action)
        self.menu.popup(where)
        return self.menu


def keyboard_table(view: QAbstractItemView, *, open_row: Callable[[], object] | None = None,
                   actions: Sequence[QAction] = ()) -> QAbstractItemView:
    """Tab leaves ``view``; Enter calls ``open_row``; the Menu key lists ``actions``.

    ``actions`` are the row's actions (the same ones the buttons beside the table trigger);
    they are added to the view too, so their shortcuts work while the table has focus.
    """
    view.setTabKeyNavigation(False)
    for action in actions:
        if action not in view.actions():
            view.addAction(action)
    view.keyboard_keys = _TableKeys(view, open_row, actions)  # type: ignore[attr-defined]
    return view


def row_action(parent: QWidget, keys: str | QKeySequence.StandardKey | None = None,
               on_trigger: Callable[[], object] | None = None) -> QAction:
    """An action for a row, whose shortcut works anywhere in ``parent`` (the page)."""
    action = QAction(parent)
    if keys is not None:
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        parent.addAction(action)
    if on_trigger is not None:
        action.triggered.connect(lambda _checked=False: on_trigger())
    return action


class DialogFocusReturn(QObject):
    """When a dialog closes, focus goes back to where it was when the dialog opened.

    Installed once on the application by the main window. Without it, focus is left to the
    window manager, and a keyboard user can find nothing focused after Cancel.
    """

    def __init__(self, application: QObject, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._before: dict[int, QWidget] = {}
        application.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Show, QEvent.Type.Hide) and isinstance(watched, QDialog) \
                and watched.isWindow():
            key = id(watched)
            if kind == QEvent.Type.Show:
                focused = QApplication.focusWidget()
                if focused is not None and focused.window() is not watched:
                    self._before[key] = focused
            elif key in self._before:
                target = self._before.pop(key)
                QTimer.singleShot(0, self, lambda target=target: _refocus(target))
        return False


def _refocus(target: QWidget) -> None:
    if not shiboken6.isValid(target) or not target.isVisible():
        return
    if QApplication.activeModalWidget() is not None:
        return  # another dialog is open: it keeps focus
    target.activateWindow()
    if target.isEnabled():
        target.setFocus(Qt.FocusReason.OtherFocusReason)
    else:
        focus_first(target.window())
