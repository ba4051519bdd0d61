"""CSV cells that a spreadsheet cannot run: every text cell neutralised, in two dialects.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(…)`` can send data
away, DDE formulas can run programs). Such a cell is written with a leading
apostrophe (OWASP's advice), which spreadsheets show as text and never evaluate;
numbers the app itself writes are left as numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Dialect:
    """``standard``: commas and decimal points (any program); ``excel``: what Excel expects in
    Azerbaijani and Russian locales, semicolons and decimal commas."""

    delimiter: str = ","
    decimal: str = "."


STANDARD = Dialect()
EXCEL = Dialect(";", ",")
DIALECTS = {"standard": STANDARD, "excel": EXCEL}


def neutralise(value: object) -> str:
    """The cell as text, inert in any spreadsheet."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def decimal(value: float, places: int, dialect: Dialect = STANDARD) -> str:
    return f"{value:.{places}f}".replace(".", dialect.decimal)


def write_rows(rows: Iterable[Iterable[object]], dialect: Dialect = STANDARD) -> str:
    """Rows as CSV text (CRLF line ends, as RFC 4180), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
