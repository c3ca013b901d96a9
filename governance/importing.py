"""CSV import of the organisation: sectors, departments, meeting calendars and procedures.

Contract: ``organisation_import`` reads every file, validates every row against the files
and the database, and only when nothing is wrong writes everything in one transaction.
A file with a single bad line imports nothing, and neither do the other files of the same
run. Re-importing the same files changes nothing (upsert by code, by calendar name and by
department + procedure name, case-insensitively).

Files are recognised by their header row, so their names and order do not matter; rows
are resolved sectors → departments → calendars → procedures, so a department may refer
to a sector defined in another file of the same run. An empty optional cell leaves the
current value alone (a re-import never wipes what was set in the admin).

Concurrent imports are not serialised; a run that collides with another write fails with
an error and imports nothing (the database constraints are the last line of defence).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from governance.models import Department, MeetingCalendar, Procedure, Sector

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_SMALL_INT = 32767
TRUE_WORDS = frozenset({"ja", "j", "waar", "1", "x", "yes", "y", "true"})
FALSE_WORDS = frozenset({"nee", "n", "onwaar", "0", "no", "false"})


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
class SourceFile:
    """One uploaded or named file: its display name and raw bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class ImportProblem:
    file: str
    reason: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return _("%(file)s, regel %(line)d, kolom %(column)s: %(reason)s") % {
                "file": self.file,
                "line": self.line,
                "column": self.column,
                "reason": self.reason,
            }
        if self.line is not None:
            return _("%(file)s, regel %(line)d: %(reason)s") % {
                "file": self.file,
                "line": self.line,
                "reason": self.reason,
            }
        return f"{self.file}: {self.reason}"


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    errors: list[ImportProblem] = field(default_factory=list)
    sectors: Tally = field(default_factory=Tally)
    departments: Tally = field(default_factory=Tally)
    calendars: Tally = field(default_factory=Tally)
    procedures: Tally = field(default_factory=Tally)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def tallies(self) -> list[tuple[str, Tally]]:
        """Labelled counts for display, skipping kinds the run did not touch."""
        labelled = [
            (_("Sectoren"), self.sectors),
            (_("Afdelingen"), self.departments),
            (_("Vergaderkalenders"), self.calendars),
            (_("Procedures"), self.procedures),
        ]
        return [(label, tally) for label, tally in labelled if tally.total]


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


# --- reading ------------------------------------------------------------------------------


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
    text = _decode(source.content)
    if text is None:
        errors.append(
            ImportProblem(
                source.name,
                _("de tekencodering is niet herkend; sla het bestand op als CSV (UTF-8)"),
            )
        )
        return
    first_line = next((line for line in text.splitlines() if line.strip()), None)
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


# --- validating single cells --------------------------------------------------------------


class _Cells:
    """Collects the problems of the rows; each check returns the clean value or None."""

    def __init__(self) -> None:
        self.errors: list[ImportProblem] = []

    def error(self, row: Row, column: str | None, reason: str) -> None:
        self.errors.append(ImportProblem(row.file, reason, line=row.line, column=column))

    def text(self, row: Row, column: str, *, max_length: int, required: bool) -> str | None:
        value = row.get(column)
        if required and not value:
            self.error(row, column, _("verplicht veld is leeg"))
            return None
        if len(value) > max_length:
            self.error(
                row,
                column,
                _("te lang: %(length)d tekens, maximaal %(max)d")
                % {"length": len(value), "max": max_length},
            )
            return None
        return value

    def code(self, row: Row, column: str) -> str | None:
        value = self.text(row, column, max_length=40, required=True)
        if value is None:
            return None
        if not SLUG_RE.match(value):
            self.error(
                row,
                column,
                _("ongeldige code '%(value)s': gebruik alleen letters, cijfers, - en _")
                % {"value": value},
            )
            return None
        return value.lower()

    def whole_number(self, row: Row, column: str) -> int | None:
        value = row.get(column)
        if not value:
            self.error(row, column, _("verplicht veld is leeg"))
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(
                row, column, _("'%(value)s' is geen geheel aantal werkdagen") % {"value": value}
            )
            return None
        if number < 0:
            self.error(row, column, _("mag niet negatief zijn (%(value)s)") % {"value": value})
            return None
        if number > MAX_SMALL_INT:
            self.error(
                row,
                column,
                _("te groot (%(value)s); maximaal %(max)d")
                % {"value": value, "max": MAX_SMALL_INT},
            )
            return None
        return number

    def choice(self, row: Row, column: str, lookup: dict[str, str], what: str) -> str | None:
        value = row.get(column)
        if not value:
            self.error(row, column, _("verplicht veld is leeg"))
            return None
        found = lookup.get(value.lower())
        if found is None:
            self.error(
                row,
                column,
                _("onbekende %(what)s '%(value)s'; kies uit: %(options)s")
                % {
                    "what": what,
                    "value": value,
                    "options": ", ".join(sorted(set(lookup.values()))),
                },
            )
        return found

    def flag(self, row: Row, column: str) -> bool | None:
        value = row.get(column).lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.error(
            row, column, _("vul ja of nee in, niet '%(value)s'") % {"value": row.get(column)}
        )
        return None


def _choice_lookup(choices: type) -> dict[str, str]:
    """Values and their Dutch and English labels, lower-cased, mapped to the value."""
    lookup: dict[str, str] = {}
    for language in ("nl", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[str(label).lower()] = value
    for value in choices.values:
        lookup[value.lower()] = value
    return lookup


def _where(row: Row, current_file: str) -> str:
    if row.file == current_file:
        return _("regel %(line)d") % {"line": row.line}
    return _("%(file)s regel %(line)d") % {"file": row.file, "line": row.line}


# --- planning: what each row will do ---------------------------------------------------------


@dataclass
class _Planned:
    """One row's target: the existing object (or None) and the field values to set."""

    row: Row
    key: str
    existing: object | None
    values: dict[str, object]


@dataclass
class _Plan:
    sectors: list[_Planned] = field(default_factory=list)
    departments: list[_Planned] = field(default_factory=list)
    calendars: list[_Planned] = field(default_factory=list)
    procedures: list[_Planned] = field(default_factory=list)


def _check_names_unique(
    cells: _Cells,
    planned: list[_Planned],
    existing_names: dict[str, str],
    what: str,
) -> None:
    """Case-insensitive names must stay unique once every row has been applied."""
    final = dict(existing_names)  # key -> name
    for item in planned:
        final[item.key] = str(item.values["name"])
    owners: dict[str, list[str]] = {}
    for key, name in final.items():
        owners.setdefault(name.lower(), []).append(key)
    for item in planned:
        others = [k for k in owners[str(item.values["name"]).lower()] if k != item.key]
        if others:
            cells.error(
                item.row,
                "naam",
                _("de naam '%(name)s' is al in gebruik door %(what)s met code '%(code)s'")
                % {"name": item.values["name"], "what": what, "code": others[0]},
            )


def _plan_sectors(rows: list[Row], cells: _Cells) -> tuple[list[_Planned], set[str]]:
    existing = {sector.code.lower(): sector for sector in Sector.objects.all()}
    planned: list[_Planned] = []
    seen: dict[str, Row] = {}
    for row in rows:
        code = cells.code(row, "code")
        name = cells.text(row, "naam", max_length=120, required=True)
        if code is None:
            continue
        if code in seen:
            cells.error(
                row,
                "code",
                _("code '%(code)s' staat al op %(where)s")
                % {"code": code, "where": _where(seen[code], row.file)},
            )
            continue
        seen[code] = row
        if name is not None:
            planned.append(_Planned(row, code, existing.get(code), {"name": name}))
    _check_names_unique(cells, planned, {code: s.name for code, s in existing.items()}, _("sector"))
    return planned, set(existing) | set(seen)


def _plan_departments(
    rows: list[Row], cells: _Cells, sector_codes: set[str]
) -> tuple[list[_Planned], set[str]]:
    existing = {d.code.lower(): d for d in Department.objects.select_related("sector", "head")}
    usernames = {row.get("hoofd") for row in rows if row.get("hoofd")}
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=usernames)
    }
    planned: list[_Planned] = []
    seen: dict[str, Row] = {}
    for row in rows:
        code = cells.code(row, "code")
        name = cells.text(row, "naam", max_length=120, required=True)
        sector = cells.code(row, "sector")
        if sector is not None and sector not in sector_codes:
            cells.error(
                row, "sector", _("onbekende sector '%(code)s'") % {"code": row.get("sector")}
            )
            sector = None
        values: dict[str, object] = {"name": name, "sector": sector}
        head_name = row.get("hoofd")
        head_ok = True
        if head_name:
            head = users.get(head_name)
            if head is None:
                cells.error(row, "hoofd", _("onbekende gebruiker '%(u)s'") % {"u": head_name})
                head_ok = False
            elif not head.is_active:
                cells.error(row, "hoofd", _("gebruiker '%(u)s' is niet actief") % {"u": head_name})
                head_ok = False
            else:
                values["head"] = head
        if code is None:
            continue
        if code in seen:
            cells.error(
                row,
                "code",
                _("code '%(code)s' staat al op %(where)s")
                % {"code": code, "where": _where(seen[code], row.file)},
            )
            continue
        seen[code] = row
        if name is not None and sector is not None and head_ok:
            planned.append(_Planned(row, code, existing.get(code), values))
    _check_names_unique(
        cells, planned, {code: d.name for code, d in existing.items()}, _("afdeling")
    )
    return planned, set(existing) | set(seen)


def _plan_calendars(rows: list[Row], cells: _Cells) -> tuple[list[_Planned], set[str]]:
    existing = {c.name.lower(): c for c in MeetingCalendar.objects.all()}
    bodies = _choice_lookup(MeetingCalendar.Body)
    planned: list[_Planned] = []
    seen: dict[str, Row] = {}
    for row in rows:
        name = cells.text(row, "naam", max_length=120, required=True)
        body = cells.choice(row, "orgaan", bodies, _("orgaan"))
        days = cells.whole_number(row, "agendadeadline_werkdagen")
        if not name:
            continue
        key = name.lower()
        if key in seen:
            cells.error(
                row,
                "naam",
                _("vergaderkalender '%(name)s' staat al op %(where)s")
                % {"name": name, "where": _where(seen[key], row.file)},
            )
            continue
        seen[key] = row
        if body is not None and days is not None:
            values = {"name": name, "body": body, "agenda_deadline_days": days}
            planned.append(_Planned(row, key, existing.get(key), values))
    return planned, set(existing) | set(seen)


def _plan_procedures(
    rows: list[Row], cells: _Cells, department_codes: set[str], calendar_names: set[str]
) -> list[_Planned]:
    existing = {
        (p.department.code.lower(), p.name.lower()): p
        for p in Procedure.objects.select_related("department", "meeting_calendar")
    }
    kinds = _choice_lookup(Procedure.Kind)
    planned: list[_Planned] = []
    seen: dict[tuple[str, str], Row] = {}
    for row in rows:
        department = cells.code(row, "afdeling")
        if department is not None and department not in department_codes:
            cells.error(
                row, "afdeling", _("onbekende afdeling '%(code)s'") % {"code": row.get("afdeling")}
            )
            department = None
        name = cells.text(row, "naam", max_length=160, required=True)
        kind = cells.choice(row, "soort", kinds, _("soort"))
        lead_time = cells.whole_number(row, "doorlooptijd_werkdagen")
        values: dict[str, object] = {
            "department": department,
            "name": name,
            "kind": kind,
            "lead_time_days": lead_time,
        }
        valid = None not in values.values()
        calendar = row.get("vergaderkalender")
        if calendar:
            if calendar.lower() in calendar_names:
                values["meeting_calendar"] = calendar.lower()
            else:
                cells.error(
                    row,
                    "vergaderkalender",
                    _("onbekende vergaderkalender '%(name)s'; leg hem eerst vast")
                    % {"name": calendar},
                )
                valid = False
        if row.get("bedoeling"):
            values["purpose"] = row.get("bedoeling")
        if row.get("actief"):
            active = cells.flag(row, "actief")
            if active is None:
                valid = False
            else:
                values["is_active"] = active
        if department is None or not name:
            continue
        key = (department, name.lower())
        if key in seen:
            cells.error(
                row,
                "naam",
                _("procedure '%(name)s' van afdeling '%(code)s' staat al op %(where)s")
                % {"name": name, "code": department, "where": _where(seen[key], row.file)},
            )
            continue
        seen[key] = row
        if valid:
            planned.append(_Planned(row, "/".join(key), existing.get(key), values))
    return planned


def _plan(parsed: ParsedFiles, errors: list[ImportProblem]) -> _Plan:
    cells = _Cells()
    plan = _Plan()
    plan.sectors, sector_codes = _plan_sectors(parsed.rows[FileKind.SECTORS], cells)
    plan.departments, department_codes = _plan_departments(
        parsed.rows[FileKind.DEPARTMENTS], cells, sector_codes
    )
    plan.calendars, calendar_names = _plan_calendars(parsed.rows[FileKind.CALENDARS], cells)
    plan.procedures = _plan_procedures(
        parsed.rows[FileKind.PROCEDURES], cells, department_codes, calendar_names
    )
    errors.extend(sorted(cells.errors, key=lambda e: (e.file, e.line or 0)))
    return plan


# --- writing ------------------------------------------------------------------------------


def _upsert(
    model: type[models.Model], item: _Planned, values: dict[str, object], tally: Tally
) -> models.Model:
    """Create the row or update only what differs; count which of the three happened."""
    obj = item.existing
    if obj is None:
        obj = model(**values)
        obj.save()
        tally.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        tally.updated += 1
    else:
        tally.unchanged += 1
    return obj


def _apply(plan: _Plan, report: ImportReport, *, dry_run: bool) -> None:
    sectors = {s.code.lower(): s for s in Sector.objects.all()}
    for item in plan.sectors:
        values = dict(item.values)
        if item.existing is None:
            values["code"] = item.key
        sectors[item.key] = _upsert(Sector, item, values, report.sectors)

    departments = {d.code.lower(): d for d in Department.objects.all()}
    for item in plan.departments:
        values = {**item.values, "sector": sectors[str(item.values["sector"])]}
        if item.existing is None:
            values["code"] = item.key
        departments[item.key] = _upsert(Department, item, values, report.departments)

    calendars = {c.name.lower(): c for c in MeetingCalendar.objects.all()}
    for item in plan.calendars:
        calendars[item.key] = _upsert(MeetingCalendar, item, item.values, report.calendars)

    for item in plan.procedures:
        values = {**item.values, "department": departments[str(item.values["department"])]}
        if "meeting_calendar" in values:
            values["meeting_calendar"] = calendars[str(values["meeting_calendar"])]
        if item.existing is not None:
            # The name identifies the row case-insensitively; keep the spelling we have.
            values.pop("name")
        _upsert(Procedure, item, values, report.procedures)

    if dry_run:
        transaction.set_rollback(True)


def organisation_import(*, files: Sequence[SourceFile], dry_run: bool = False) -> ImportReport:
    """Validate ``files`` as one run; write everything or nothing.

    ``dry_run`` validates and counts what would change, then rolls back. The report lists
    every problem found; when there is any, nothing was written.
    """
    report = ImportReport()
    if not files:
        report.errors.append(ImportProblem("-", _("geen bestanden opgegeven")))
        return report
    parsed = ParsedFiles()
    for source in files:
        _parse_file(source, parsed, report.errors)
    try:
        with transaction.atomic():
            plan = _plan(parsed, report.errors)
            if report.errors:
                return report
            _apply(plan, report, dry_run=dry_run)
    except IntegrityError as exc:
        report.sectors, report.departments = Tally(), Tally()
        report.calendars, report.procedures = Tally(), Tally()
        report.errors.append(
            ImportProblem(
                ", ".join(f.name for f in files),
                _(
                    "de import botst met bestaande gegevens of met een gelijktijdige wijziging "
                    "(%(detail)s); er is niets ingelezen"
                )
                % {"detail": exc},
            )
        )
        return report
    report.applied = not dry_run
    return report
