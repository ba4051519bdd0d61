"""Importing clients from CSV or .xlsx: all rows or none, every bad row reported by line and column.

The columns are documented in docs/import-format.md. A vocabulary value may be
its code or its label in Azerbaijani, Russian or English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shelterdesk.domain import codes_case
from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.roles import Role
from shelterdesk.domain.validation import check_plain_text, field_label, text_problems
from shelterdesk.domain.vocabulary import Vocabulary
from shelterdesk.i18n import N_, NN_, _
from shelterdesk.i18n.territories import parse_country
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.records import search
from shelterdesk.store.records.clients import insert_case, insert_client
from shelterdesk.store.records.import_files import (
    ImportFileUnreadable,
    ImportTable,
    _decode,
    csv_table,
    read_table,
)
from shelterdesk.store.rows import new_id, now
from shelterdesk.store.vault import Session

# victim_status and risk_level are choices the intake form makes a person take: a file
# must say them too (a missing column, or an empty cell, is reported, never assumed).
REQUIRED_COLUMNS = ("given_name", "family_name", "sex", "date_of_birth", "age_estimate",
                    "nationality", "phone", "intake_date", "exploitation_types",
                    "recruitment_channel", "recruitment_platform", "notes",
                    "victim_status", "risk_level")
OPTIONAL_COLUMNS = ("patronymic", "document_number", "other_names", "email", "languages",
                    "means_of_control", "identified_by",
                    "countries_origin", "countries_transit",
                    "countries_destination", "vulnerabilities")
MAX_ROWS = 200_000
# Names may not hide control characters or start like a spreadsheet formula.
NAME_COLUMNS = ("given_name", "family_name", "patronymic", "other_names")


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str
    message: str
    params: dict

    def __str__(self) -> str:
        where = _("line {line}, column “{column}”").format(line=self.line, column=self.column)
        return f"{where}: {_(self.message).format(**self.params)}"


class ImportFailed(UserFacingError):
    plural = NN_("Nothing was imported from “{file}”: {count} problem found.",
                 "Nothing was imported from “{file}”: {count} problems found.")
    message = plural[0]

    def __init__(self, file: str, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__(file=file, count=len(problems))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


class _Row:
    """One CSV row being turned into records; problems are collected, never raised."""

    def __init__(self, line: int, values: dict[str, str], problems: list[ImportProblem]):
        self.line, self.values, self.problems = line, values, problems

    def text(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def problem(self, column: str, message: str, **params) -> None:
        self.problems.append(ImportProblem(self.line, column, message, params))

    def date(self, column: str) -> date | None:
        raw = self.text(column)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.problem(column, N_("“{value}” is not a date in the form YYYY-MM-DD"), value=raw)
            return None

    def integer(self, column: str) -> int | None:
        raw = self.text(column)
        if not raw:
            return None
        if not raw.isdigit():
            self.problem(column, N_("“{value}” is not a whole number"), value=raw)
            return None
        return int(raw)

    def code(self, column: str, vocabulary: Vocabulary) -> str:
        raw = self.text(column)
        if not raw:
            return ""
        found = vocabulary.parse(raw)
        if found is None:
            self.problem(column, N_("“{value}” is not a known value (use a code such as "
                                    "“{example}” or its label)"),
                         value=raw, example=vocabulary.codes[0])
            return ""
        return found

    def codes(self, column: str, vocabulary: Vocabulary) -> list[str]:
        found = []
        for part in _split(self.text(column)):
            code = vocabulary.parse(part)
            if code is None:
                self.problem(column, N_("“{value}” is not a known value (use a code such as "
                                        "“{example}” or its label)"),
                             value=part, example=vocabulary.codes[0])
            elif code not in found:
                found.append(code)
        return found

    def countries(self, column: str) -> list[str]:
        found = []
        for part in _split(self.text(column)):
            code = parse_country(part)
            if code is None:
                self.problem(column, N_("“{value}” is not a country (use ISO 3166 codes "
                                        "such as AZ)"), value=part)
            else:
                found.append(code)
        return found


def parse_rows(text: str, file_name: str) -> tuple[list[tuple[Client, Case, str]],
                                                    list[ImportProblem]]:
    """Records from CSV text, and every problem with its line and column."""
    records, problems, _lines = parse_table(csv_table(text, file_name, MAX_ROWS), file_name)
    return records, problems


def parse_table(table: ImportTable, file_name: str) -> tuple[
        list[tuple[Client, Case, str]], list[ImportProblem], list[int]]:
    """Records from a read file, every problem with its line and column, and each record's line."""
    header = table.header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFileUnreadable(file=file_name, reason=_(
            "the header row lacks the column(s) {columns}").format(columns=", ".join(missing)))
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    problems: list[ImportProblem] = []
    for column in unknown:
        problems.append(ImportProblem(1, column, N_("is not a known column"), {}))
    for line in table.ragged:
        problems.append(ImportProblem(line, "-", N_("has more fields than the header"), {}))
    for cell in table.problems:
        problems.append(ImportProblem(cell.line, cell.column, cell.message, cell.params))
    records, lines = [], []
    for line, values in table.rows:
        row = _Row(line, values, problems)
        for column in NAME_COLUMNS:
            # a control character is named (U+XXXX), as everywhere else; then formulas
            if controls := text_problems(column, row.text(column)):
                row.problem(column, controls[0].message, **controls[0].params)
            elif trouble := check_plain_text(row.text(column)):
                row.problem(column, trouble)
        client = Client(
            given_name=row.text("given_name"), family_name=row.text("family_name"),
            other_names=row.text("other_names"), patronymic=row.text("patronymic"),
            # an empty cell is "unknown", the vocabulary's own "not recorded" (no guess)
            sex=row.code("sex", codes_case.SEX) or ("unknown" if not row.text("sex") else ""),
            date_of_birth=row.date("date_of_birth"), age_estimate=row.integer("age_estimate"),
            nationality=(row.countries("nationality") or [""])[0], phone=row.text("phone"),
            email=row.text("email"), languages=[x.lower() for x in _split(row.text("languages"))],
            document_number=row.text("document_number"))
        case = Case(
            intake_date=row.date("intake_date") or date.today(),
            exploitation_types=row.codes("exploitation_types", codes_case.EXPLOITATION_TYPES),
            recruitment_channel=row.code("recruitment_channel", codes_case.RECRUITMENT_CHANNELS),
            recruitment_platform=row.code("recruitment_platform", codes_case.PLATFORMS),
            means_of_control=row.codes("means_of_control", codes_case.MEANS_OF_CONTROL),
            identified_by=row.code("identified_by", codes_case.IDENTIFIED_BY),
            # required: empty stays empty and Case.validate names the line and column
            victim_status=row.code("victim_status", codes_case.VICTIM_STATUS),
            countries_origin=row.countries("countries_origin"),
            countries_transit=row.countries("countries_transit"),
            countries_destination=row.countries("countries_destination"),
            vulnerabilities=row.codes("vulnerabilities", codes_case.VULNERABILITIES),
            risk_level=row.code("risk_level", codes_case.RISK_LEVELS))
        if not row.text("intake_date"):
            row.problem("intake_date", N_("is required"))
        for column, vocabulary in (("victim_status", codes_case.VICTIM_STATUS),
                                   ("risk_level", codes_case.RISK_LEVELS)):
            if not row.text(column):
                row.problem(column, N_("is required: write one of {codes} (or its label)"),
                            codes=", ".join(vocabulary.codes))
        before = len(problems)
        for problem in client.validate() + case.validate() + text_problems(
                "notes", row.text("notes")):
            if any(p.line == line and p.column == problem.field for p in problems[:before]):
                continue  # already said of this cell, more precisely
            problems.append(ImportProblem(line, problem.field, problem.message, problem.params))
        records.append((client, case, row.text("notes")))
        lines.append(line)
    if not records and not problems:
        raise ImportFileUnreadable(file=file_name, reason=_("it has a header but no rows"))
    return records, problems, lines


def read_csv_file(path: Path) -> str:
    """CSV text in any of the accepted encodings (UTF-8 with or without BOM, Windows-1251)."""
    return _decode(path)


@dataclass(frozen=True)
class PreviewRow:
    """One row of the file as it would be imported, with every problem it has."""

    line: int
    client: Client
    case: Case
    problems: tuple[ImportProblem, ...]


@dataclass(frozen=True)
class ImportPreview:
    file_name: str
    rows: list[PreviewRow]
    problems: list[ImportProblem]  # all of them, rows' and the file's (line 1: the header)

    @property
    def importable(self) -> bool:
        return not self.problems and bool(self.rows)


def _parse_file(path: Path) -> tuple[list[tuple[Client, Case, str]], list[ImportProblem],
                                     list[int], str]:
    table = read_table(path, MAX_ROWS)
    records, problems, lines = parse_table(table, path.name)
    return records, problems, lines, table.format


def preview_import(session: Session, path: Path) -> ImportPreview:
    """Every row and every problem of a file, before anything is written (coordinator)."""
    session.require_role(Role.COORDINATOR, action=N_("import clients"))
    records, problems, lines, _format = _parse_file(path)
    by_line: dict[int, list[ImportProblem]] = {}
    for problem in problems:
        by_line.setdefault(problem.line, []).append(problem)
    rows = [PreviewRow(line, client, case, tuple(by_line.get(line, ())))
            for line, (client, case, _note) in zip(lines, records, strict=True)]
    return ImportPreview(path.name, rows, sorted(problems, key=lambda p: p.line))


def import_file(session: Session, path: Path) -> list[str]:
    """Import every row of a CSV or .xlsx file in one transaction, or none; new case codes."""
    access.require(session, Kind.CLIENT, Action.CREATE)
    records, problems, _lines, file_format = _parse_file(path)
    if problems:
        raise ImportFailed(path.name, sorted(problems, key=lambda p: p.line))
    prefix = session.meta("case_prefix", "SD")
    codes = []
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        for client, case, note in records:
            client.id, case.id = new_id(), new_id()
            case.client_id, case.assigned_worker_id = client.id, session.user.id
            insert_client(connection, client, stamp)
            insert_case(connection, case, prefix, stamp)
            if note:
                connection.execute(
                    "INSERT INTO notes (id, case_id, author_id, body, created_at)"
                    " VALUES (?, ?, ?, ?, ?)", (new_id(), case.id, session.user.id, note, stamp))
            search.index_case(connection, case.id)
            codes.append(case.case_code)
        audit.append(connection, session.user.id, f"import.{file_format}", "import", "",
                     rows=len(codes))
    return codes


def import_csv(session: Session, path: Path) -> list[str]:
    """The command line's and older callers' name: any accepted file, CSV or .xlsx."""
    return import_file(session, path)


def describe(problem: ImportProblem) -> str:
    """A problem for people, with the column's label beside its name."""
    label = field_label(problem.column)
    column = problem.column if label == problem.column else f"{problem.column} ({label})"
    where = _("line {line}, column “{column}”").format(line=problem.line, column=column)
    return f"{where}: {_(problem.message).format(**problem.params)}"
