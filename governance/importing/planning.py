"""Planning: resolving every row against the files and the database before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from governance.importing.cells import _Cells, _choice_lookup, _where
from governance.importing.reading import FileKind, ParsedFiles, Row
from governance.importing.report import ImportProblem
from governance.models import Department, MeetingCalendar, Procedure, Sector


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
    """Case-insensitive names must stay unique once every row has been applied.

    Every row whose name another code also holds is reported, naming the first other
    code in database-then-file order. Linear: per name only the first two codes are
    kept, which is all it takes to name another one for any row."""
    final = dict(existing_names)  # key -> name
    for item in planned:
        final[item.key] = str(item.values["name"])
    first_owners: dict[str, list[str]] = {}
    for key, name in final.items():
        owners = first_owners.setdefault(name.lower(), [])
        if len(owners) < 2:
            owners.append(key)
    for item in planned:
        owners = first_owners[str(item.values["name"]).lower()]
        if len(owners) > 1:
            other = owners[1] if owners[0] == item.key else owners[0]
            cells.error(
                item.row,
                "naam",
                _("de naam '%(name)s' is al in gebruik door %(what)s met code '%(code)s'")
                % {"name": item.values["name"], "what": what, "code": other},
            )


def _code_repeated(cells: _Cells, seen: dict[str, Row], code: str, row: Row) -> bool:
    """Whether ``code`` stood on an earlier row of the import (an error on this one);
    if not, this row is remembered as where it stands."""
    if code in seen:
        cells.error(
            row,
            "code",
            _("code '%(code)s' staat al op %(where)s")
            % {"code": code, "where": _where(seen[code], row.file)},
        )
        return True
    seen[code] = row
    return False


def _plan_sectors(rows: list[Row], cells: _Cells) -> tuple[list[_Planned], set[str]]:
    existing = {sector.code.lower(): sector for sector in Sector.objects.all()}
    planned: list[_Planned] = []
    seen: dict[str, Row] = {}
    for row in rows:
        code = cells.code(row, "code")
        name = cells.text(row, "naam", max_length=120, required=True)
        if code is None:
            continue
        if _code_repeated(cells, seen, code, row):
            continue
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
        if _code_repeated(cells, seen, code, row):
            continue
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
