"""Accessible names on the widget that takes focus, not on the container around it.

A form's label names its field for a screen reader only when the label's buddy, or the
field's own accessible name, is on the widget that actually receives focus. Composite fields
(a date with its clear button, a filter box over a list) keep focus in an inner widget.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def focus_target(widget: QWidget) -> QWidget:
    """The widget that really gets focus when ``widget`` is given it (its focus proxy chain)."""
    target = widget
    while target.focusProxy() is not None and target.focusProxy() is not target:
        target = target.focusProxy()
    return target


def set_buddy(label: QLabel, widget: QWidget) -> None:
    """``label``'s mnemonic and "labelled by" relation on the focusable part of ``widget``."""
    label.setBuddy(focus_target(widget))


def name_field(widget: QWidget, text: str, description: str = "") -> None:
    """Name ``widget`` and its focusable part; a composite names its other parts itself."""
    clean = text.replace("&", "").rstrip(" :")
    widget.setAccessibleName(clean)
    target = focus_target(widget)
    if target is not widget:
        target.setAccessibleName(clean)
    if description:
        target.setAccessibleDescription(description)
    parts = getattr(widget, "set_accessible_label", None)
    if parts is not None:
        parts(clean)
