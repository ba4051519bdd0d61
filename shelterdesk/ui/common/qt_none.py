"""Keeps None alive under PySide6 6.12 on CPython 3.11, which drops a reference to it per call.

Measured here (PySide6 6.12.0, CPython 3.11.7): every call of a Qt method that returns
nothing (``setText``, ``setData``, ``setFlags``…) or a null pointer (``focusProxy()``,
``parentWidget()``…) lowers None's reference count by one without having raised it. None
starts with a few thousand references, so a form that fills a few lists (the intake's
country and language checklists make ~2,000 such calls) brings the count to zero, and the
process aborts with "Fatal Python error: none_dealloc: deallocating None" — at a random
later moment, often while the garbage collector runs. This is the abort earlier notes
blamed on ``processEvents``.

CPython 3.12 made None immortal for this kind of reason; on 3.11 we do the same by hand:
None's count is raised once by a margin no session can use up. None is never freed in a
healthy process, so nothing else changes.
"""

from __future__ import annotations

import ctypes
import sys

MARGIN = 1 << 40  # ~10^12 calls: more than a laptop makes in years


def keep_none_alive() -> None:
    """Raise None's reference count by :data:`MARGIN` (once; no-op where None is immortal)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    count = ctypes.c_ssize_t.from_address(id(None))
    if count.value < MARGIN:
        count.value += MARGIN
