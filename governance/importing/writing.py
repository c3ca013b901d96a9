"""Writing: the all-or-nothing run, applying the plan in one transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from governance.importing.limits import ImportLimits
from governance.importing.planning import _Plan, _plan, _Planned
from governance.importing.reading import ParsedFiles, RowLimitExceeded, _parse_file
from governance.importing.report import ImportProblem, ImportReport, SourceFile, Tally
from governance.models import Department, MeetingCalendar, Procedure, Sector
from governance.options import options_changed_once


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
    with options_changed_once():
        _write(plan, report)
    if dry_run:
        transaction.set_rollback(True)


def _write(plan: _Plan, report: ImportReport) -> None:
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


def organisation_import(*, files: Sequence[SourceFile], dry_run: bool = False) -> ImportReport:
    """Validate ``files`` as one run; write everything or nothing.

    ``dry_run`` validates and counts what would change, then rolls back. The report lists
    every problem found; when there is any, nothing was written. Too many files, a file
    too large or too many rows in total (``ImportLimits``) is refused with one message.
    """
    report = ImportReport()
    if not files:
        report.errors.append(ImportProblem("-", _("geen bestanden opgegeven")))
        return report
    limits = ImportLimits.from_settings()
    too_many = limits.too_many_files(len(files))
    if too_many:
        report.errors.append(ImportProblem("-", too_many))
        return report
    too_large = [
        ImportProblem(source.name, reason)
        for source in files
        if (reason := limits.too_large(len(source.content)))
    ]
    if too_large:
        report.errors.extend(too_large)
        return report
    parsed = ParsedFiles(max_rows=limits.max_rows)
    try:
        for source in files:
            _parse_file(source, parsed, report.errors)
    except RowLimitExceeded as exceeded:
        # The only message: the rest was not read, so other errors would be half a list.
        report.errors[:] = [
            ImportProblem(exceeded.file, limits.too_many_rows(), line=exceeded.line)
        ]
        return report
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
