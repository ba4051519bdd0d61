"""Reading an import file into a header and rows: CSV (encoding and separator detected) or .xlsx.

CSV may be UTF-8 (with or without a byte-order mark) or Windows-1251 (what
Excel saves on a Russian or Azerbaijani Windows), separated by commas or
semicolons. An .xlsx file is read from its first sheet with openpyxl; merged
cells and formulas are refused at their row, because the value a person sees
is not the value stored.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_, _

XLSX_SUFFIXES = (".xlsx", ".xlsm")


class ImportFileUnreadable(UserFacingError):
    message = N_("“{file}” cannot be imported: {reason}")


@dataclass(frozen=True)
class CellProblem:
    """A problem of the file itself at one row (merged cells, a formula)."""

    line: int
    column: str
    message: str
    params: dict = field(default_factory=dict)


@dataclass
class ImportTable:
    """The header (stripped) and each data row with its line (CSV) or row number (sheet)."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    problems: list[CellProblem] = field(default_factory=list)
    ragged: list[int] = field(default_factory=list)  # lines with more fields than the header
    format: str = "csv"


def read_table(path: Path, max_rows: int) -> ImportTable:
    """The rows of a CSV or .xlsx file; ImportFileUnreadable when it is neither."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path, max_rows)
    return csv_table(_decode(path), path.name, max_rows)


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileUnreadable(file=path.name, reason=exc.strerror or str(exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            text = "\0"
    if "\0" in text:  # UTF-16 and binary files decode as 1251 but carry NULs
        raise ImportFileUnreadable(file=path.name, reason=_(
            "it is not UTF-8 or Windows-1251 text (save it as CSV UTF-8 or as .xlsx)"))
    return text


def _separator(text: str) -> str:
    """Comma or semicolon: whichever splits the header row into more columns."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def csv_table(text: str, file_name: str, max_rows: int) -> ImportTable:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        header = []
    if not any(header):
        raise ImportFileUnreadable(file=file_name, reason=_("the file is empty"))
    table = ImportTable(header, [])
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(table.rows) >= max_rows:
            raise ImportFileUnreadable(file=file_name, reason=_(
                "more than {count} rows; split the file").format(count=max_rows))
        if len(values) > len(header):
            table.ragged.append(reader.line_num)
            continue
        table.rows.append((reader.line_num, dict(zip(header, values, strict=False))))
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # A date cell is read as midnight of that day.
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, max_rows: int) -> ImportTable:
    from openpyxl import load_workbook  # only when an .xlsx is read: it is slow to import

    try:
        # Not read-only: merged cells are only known to a fully loaded sheet.
        book = load_workbook(path, data_only=False)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _(
            "it is not an Excel workbook (.xlsx)")
        raise ImportFileUnreadable(file=path.name, reason=reason) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows()
        try:
            header_cells = next(rows)
        except StopIteration:
            raise ImportFileUnreadable(file=path.name, reason=_("the file is empty")) from None
        header = [_cell_text(c.value).strip() for c in header_cells]
        while header and not header[-1]:
            header.pop()
        if not any(header):
            raise ImportFileUnreadable(file=path.name, reason=_("the file is empty"))
        table = ImportTable(header, [], format="xlsx")
        merged: dict[int, list[str]] = {}
        for cells in sheet.merged_cells.ranges:
            for row in range(cells.min_row, cells.max_row + 1):
                merged.setdefault(row, []).append(cells.coord)
        if header_cells[0].row in merged:
            table.problems.append(CellProblem(
                header_cells[0].row, "-", N_("is part of merged cells ({cells}); unmerge them "
                                             "and fill every cell"),
                {"cells": ", ".join(merged[header_cells[0].row])}))
        for cells in rows:
            number = cells[0].row
            values: dict[str, str] = {}
            for index, cell in enumerate(cells[:len(header)]):
                column = header[index]
                if cell.data_type == "f":
                    table.problems.append(CellProblem(
                        number, column, N_("holds a formula ({formula}); paste its value "
                                           "instead"), {"formula": str(cell.value)[:40]}))
                    values[column] = ""
                else:
                    values[column] = _cell_text(cell.value)
            if number in merged:
                table.problems.append(CellProblem(
                    number, "-", N_("is part of merged cells ({cells}); unmerge them and "
                                    "fill every cell"), {"cells": ", ".join(merged[number])}))
            if not any(v.strip() for v in values.values()) and number not in merged:
                continue
            if len(table.rows) >= max_rows:
                raise ImportFileUnreadable(file=path.name, reason=_(
                    "more than {count} rows; split the file").format(count=max_rows))
            table.rows.append((number, values))
        return table
    finally:
        book.close()
