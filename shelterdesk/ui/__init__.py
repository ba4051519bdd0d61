"""The PySide6 desktop client: the only code that imports Qt."""

from shelterdesk.ui.common.qt_none import keep_none_alive

keep_none_alive()  # before any Qt call: see qt_none for the PySide6 6.12 refcount fault
