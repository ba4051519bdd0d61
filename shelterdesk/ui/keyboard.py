"""Keyboard paths shared by every screen: tables Tab leaves, Enter opens, Menu key lists actions.

A ``QTableView`` keeps Tab for moving cell by cell by default, so a keyboard or screen-reader
user cannot leave it (issue 23). :func:`keyboard_table` gives a table the same keys
everywhere: arrows move between rows, Tab and Shift+Tab leave, Enter opens the selected row,
and the Menu key or Shift+F10 lists the row's actions (with their shortcuts) beside the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QMenu, QWidget

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


def first_focusable(root: QWidget) -> QWidget | None:
    """The first widget Tab would reach inside ``root`` (reading order), or None."""
    widget = root.nextInFocusChain()
    while widget is not None and widget is not root:
        if root.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled() \
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and widget.focusProxy() is None:
            return widget
        widget = widget.nextInFocusChain()
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
