"""Reading the CSV files: encodings, BOM, delimiters, the header row and the raw rows."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from governance.importing.report import ImportProblem, SourceFile


class FileKind(StrEnum):
    SECTORS = "sectors"
    DEPARTMENTS = "departments"
    CALENDARS = "calendars"
    PROCEDURES = "procedures"


# Required and optional columns per kind, in the order they are documented.
COLUMNS: dict[FileKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    FileKind.SECTORS: (("code", "naam"), ()),
    FileKind.DEPARTMENTS: (("code", "naam", "sector"), ("hoofd",)),
    FileKind.CALENDARS: (("naam", "orgaan", "agendadeadline_werkdagen"), ()),
    FileKind.PROCEDURES: (
        ("afdeling", "naam", "soort", "doorlooptijd_werkdagen"),
        ("vergaderkalender", "bedoeling", "actief"),
    ),
}
# Headers as people shorten or spell them; normalised before matching.
HEADER_ALIASES = {
    "doorlooptijd": "doorlooptijd_werkdagen",
    "doorlooptijd_(werkdagen)": "doorlooptijd_werkdagen",
    "afdelingshoofd": "hoofd",
    "agendadeadline": "agendadeadline_werkdagen",
}


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def has(self, column: str) -> bool:
        return column in self.values


@dataclass
class ParsedFiles:
    rows: dict[FileKind, list[Row]] = field(default_factory=lambda: {kind: [] for kind in FileKind})
    # Data rows read so far over every file of the run, bad ones included; None: no limit.
    max_rows: int | None = None
    row_count: int = 0


class RowLimitExceeded(Exception):
    """The run has more data rows than ``ParsedFiles.max_rows``: reading stopped here."""

    def __init__(self, file: str, line: int) -> None:
        super().__init__(file, line)
        self.file = file
        self.line = line


def _decode(content: bytes) -> str | None:
    """Text from the bytes Excel and friends write: UTF-8 (BOM or not), UTF-16, cp1252."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _normalise_header(cell: str) -> str:
    name = cell.replace("\ufeff", "").strip().lower()
    name = re.sub(r"[\s-]+", "_", name)
    return HEADER_ALIASES.get(name, name)


def _kind_for(columns: Iterable[str]) -> FileKind | None:
    present = set(columns)
    if "afdeling" in present:
        return FileKind.PROCEDURES
    if "sector" in present:
        return FileKind.DEPARTMENTS
    if "orgaan" in present:
        return FileKind.CALENDARS
    if {"code", "naam"} <= present:
        return FileKind.SECTORS
    return None


def _parse_file(source: SourceFile, parsed: ParsedFiles, errors: list[ImportProblem]) -> None:
    """Add the rows of ``source`` to ``parsed``, its problems to ``errors``.

    Raises RowLimitExceeded on the first data row beyond ``parsed.max_rows``."""
    text = _decode(source.content)
    if text is None:
        errors.append(
            ImportProblem(
                source.name,
                _("de tekencodering is niet herkend; sla het bestand op als CSV (UTF-8)"),
            )
        )
        return
    # Lazily: a 10 MB file need not be split into a list of lines to find its header.
    first_line = next((line for line in io.StringIO(text, newline=None) if line.strip()), None)
    if first_line is None:
        errors.append(ImportProblem(source.name, _("het bestand is leeg")))
        return
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True
    )
    file_errors: list[ImportProblem] = []
    rows: list[Row] = []
    kind: FileKind | None = None
    columns: list[str] | None = None
    previous_line = 0
    try:
        for cells in reader:
            line = previous_line + 1
            previous_line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = [_normalise_header(cell) for cell in cells]
                kind = _check_header(source.name, line, columns, file_errors)
                continue
            parsed.row_count += 1
            if parsed.max_rows is not None and parsed.row_count > parsed.max_rows:
                raise RowLimitExceeded(source.name, line)
            row = _row(source.name, line, columns, cells, file_errors)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        file_errors.append(
            ImportProblem(
                source.name,
                _("ongeldige CSV; controleer de aanhalingstekens op of na deze regel (%(detail)s)")
                % {"detail": exc},
                line=reader.line_num or 1,
            )
        )
    errors.extend(file_errors)
    if kind is None or file_errors:
        return
    if not rows:
        errors.append(ImportProblem(source.name, _("het bestand bevat geen gegevensregels")))
        return
    parsed.rows[kind].extend(rows)


def _row(
    file_name: str, line: int, columns: list[str], cells: list[str], errors: list[ImportProblem]
) -> Row | None:
    """The row's values by column; None (and an error) when cells lie outside the header."""
    stray = [
        index
        for index, cell in enumerate(cells)
        if cell.strip() and (index >= len(columns) or not columns[index])
    ]
    if stray:
        errors.append(
            ImportProblem(
                file_name,
                _("kolom %(position)d heeft een waarde maar geen kopje in de kopregel")
                % {"position": stray[0] + 1},
                line=line,
            )
        )
        return None
    values = {
        column: (cells[index].strip() if index < len(cells) else "")
        for index, column in enumerate(columns)
        if column
    }
    return Row(file_name, line, values)


def _check_header(
    file_name: str, line: int, columns: list[str], errors: list[ImportProblem]
) -> FileKind | None:
    kind = _kind_for(columns)
    if kind is None:
        errors.append(
            ImportProblem(
                file_name,
                _(
                    "de kopregel is niet herkend; verwacht een sectorenbestand (code, naam), "
                    "afdelingenbestand (code, naam, sector), vergaderkalenderbestand "
                    "(naam, orgaan, agendadeadline_werkdagen) of procedurebestand "
                    "(afdeling, naam, soort, doorlooptijd_werkdagen)"
                ),
                line=line,
            )
        )
        return None
    required, optional = COLUMNS[kind]
    known = set(required) | set(optional)
    seen: set[str] = set()
    for column in columns:
        if not column:
            continue  # Excel adds empty trailing header cells; their values are checked per row.
        if column not in known:
            errors.append(
                ImportProblem(
                    file_name,
                    _("onbekende kolom; toegestaan zijn: %(columns)s")
                    % {"columns": ", ".join((*required, *optional))},
                    line=line,
                    column=column,
                )
            )
        elif column in seen:
            errors.append(
                ImportProblem(
                    file_name, _("de kolom staat er twee keer in"), line=line, column=column
                )
            )
        seen.add(column)
    for column in required:
        if column not in seen:
            errors.append(
                ImportProblem(file_name, _("verplichte kolom ontbreekt"), line=line, column=column)
            )
    return kind
