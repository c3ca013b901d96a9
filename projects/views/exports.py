"""Exports of the dashboard's friction list and the printable reports for the board.

The exports hold exactly what the dashboard lists with the same filters (the same
``DashboardFilter`` over the same projects), most severe and oldest first.

- CSV is streamed (``StreamingHttpResponse``): rows come from the database in chunks
  of 2,000 through a server-side cursor and go out as they are written, so a 100,000-row
  export starts at once and never holds all rows in memory. It is the CSV that Dutch
  Excel opens by double-clicking: separated by ';' (Excel in the Dutch locale expects the
  list separator, because ',' is the decimal comma) and UTF-8 with a byte-order mark
  (without it Excel reads the file as Windows-1252 and garbles "Geëscaleerd").
- XLSX cannot be streamed while it is written (a zip whose index comes last), so the
  workbook is written in openpyxl's write-only mode, row by row from the same chunked
  iterator, to a temporary file that spills to disk, and that file is sent.

Texts a person typed that start with = + - @ are prefixed with a quote, so a
spreadsheet shows them as text instead of running them as a formula.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any, Final

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, StringAgg, Subquery, Value
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from projects.filters.dashboard import dashboard_filter
from projects.models import FrictionPoint, FrictionUpdate
from projects.permissions import get_friction_point_for_user
from projects.selectors.dashboard import (
    dashboard_projects,
    group_support,
    health_summary,
    label_health,
    support_waiting,
    with_health,
)

CHUNK_SIZE: Final = 2000
SPOOL_BYTES: Final = 8 * 1024 * 1024
BOM: Final = "\ufeff"
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")

# (Dutch header, values_list field or a computed key, kind)
COLUMNS: Final[Sequence[tuple[str, str, str]]] = (
    ("Nummer", "pk", "int"),
    ("Project", "project__title", "text"),
    ("Knelpunt", "title", "text"),
    ("Ernst", "severity", "severity"),
    ("Status", "status", "status"),
    ("Categorie", "category", "category"),
    ("Bron", "source", "source"),
    ("Afdelingen", "department_names", "text"),
    ("Procedure", "procedure__name", "text"),
    ("Eigenaar procedure", "procedure__department__name", "text"),
    ("Mijlpaal", "milestone__title", "text"),
    ("Datum mijlpaal", "milestone__date", "date"),
    ("Uiterste start", "latest_start", "date"),
    ("Speling (werkdagen)", "slack_days", "int"),
    ("Gemeld op", "created_at", "datetime"),
    ("Laatste activiteit", "last_activity_at", "datetime"),
    ("Gevraagde ondersteuning", "support_asked", "support"),
    ("Ondersteuning gevraagd op", "support_requested_at", "datetime"),
    ("Beantwoord op", "support_answered_at", "datetime"),
    ("Geëscaleerd op", "escalated_at", "datetime"),
    ("Wat was ook alweer de bedoeling?", "purpose_question", "text"),
    ("Aanpak", "approach", "approach"),
    ("Geleerde les", "lesson_learned", "text"),
    ("Gesloten op", "closed_at", "datetime"),
    ("Opdrachtgever", "project__commissioner__username", "text"),
    ("Projectleider", "project__leader__username", "text"),
    ("Adres", "project_id", "link"),
)
LABELS: Final = {
    "severity": dict(FrictionPoint.Severity.choices),
    "status": dict(FrictionPoint.Status.choices),
    "category": dict(FrictionPoint.Category.choices),
    "source": dict(FrictionPoint.Source.choices),
    "support": dict(FrictionPoint.Support.choices),
    "approach": dict(FrictionPoint.Approach.choices),
}


def export_rows(queryset: QuerySet[FrictionPoint]) -> QuerySet:
    """The export's rows as tuples in ``COLUMNS`` order (plus the point's pk last for the
    link). The departments come from a correlated subquery, so there is no GROUP BY and
    the database can hand over the first rows before it has read the last."""
    through = FrictionPoint.departments.through.objects
    # Alphabetical where the database can order inside an aggregate (PostgreSQL, SQLite
    # from 3.44); elsewhere in the order they were stored.
    ordered = connection.features.supports_aggregate_order_by_clause
    names = (
        through.filter(frictionpoint_id=OuterRef("pk"))
        .order_by()
        .values("frictionpoint_id")
        .annotate(
            names=StringAgg(
                "department__name", Value(", "), order_by="department__name" if ordered else None
            )
        )
        .values("names")
    )
    fields = [field for _, field, kind in COLUMNS]
    return (
        queryset.annotate(department_names=Subquery(names))
        .order_by("-severity", "created_at", "pk")
        .values_list(*fields, "pk")
    )


class Formatter:
    """Turns a database row into export values: labels in the active language, local
    times, a link to the point; ``for_csv`` makes everything text."""

    def __init__(self, request: HttpRequest, *, for_csv: bool) -> None:
        self.for_csv = for_csv
        self.base = request.build_absolute_uri("/").rstrip("/")
        self.labels = {
            kind: {k: str(v) for k, v in labels.items()} for kind, labels in LABELS.items()
        }

    def row(self, values: Sequence[Any]) -> list[Any]:
        pk = values[-1]
        return [
            self.value(kind, value, pk)
            for (_, _, kind), value in zip(COLUMNS, values, strict=False)
        ]

    def value(self, kind: str, value: Any, pk: int) -> Any:
        if value is None or value == "":
            return ""
        if kind == "text":
            text = str(value)
            return "'" + text if text.startswith(FORMULA_START) else text
        if kind == "link":
            return self.base + reverse("projects:friction_detail", args=[value, pk])
        if kind == "datetime":
            local = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
            return local.strftime("%d-%m-%Y %H:%M") if self.for_csv else local
        if kind == "date":
            return value.strftime("%d-%m-%Y") if self.for_csv else value
        if kind == "int":
            return str(value) if self.for_csv else value
        return self.labels[kind].get(value, value)


class Echo:
    """A file-like object whose ``write`` returns what it was given, so ``csv.writer``
    produces one line at a time for the streaming response."""

    def write(self, value: str) -> str:
        return value


def _filename(extension: str) -> str:
    return f"knelpunten-{timezone.localdate():%Y-%m-%d}.{extension}"


def _rows(request: HttpRequest) -> Iterator[tuple]:
    """The filtered rows, fetched in chunks (a server-side cursor on PostgreSQL, inside a
    transaction so it streams instead of being materialised at the first commit)."""
    filterset = dashboard_filter(request)
    queryset = export_rows(filterset.qs)

    def generate() -> Iterator[tuple]:
        with transaction.atomic():
            yield from queryset.iterator(chunk_size=CHUNK_SIZE)

    return generate()


@require_GET
@login_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    rows = _rows(request)
    formatter = Formatter(request, for_csv=True)
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow([header for header, _, _ in COLUMNS])
        for row in rows:
            yield writer.writerow(formatter.row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_GET
@login_required
def export_xlsx(request: HttpRequest) -> FileResponse:
    rows = _rows(request)
    formatter = Formatter(request, for_csv=False)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Knelpunten"))
    sheet.freeze_panes = "A2"
    header = []
    for title, _field, _kind in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        values = formatter.row(row)
        sheet.append(
            [
                _xlsx_cell(sheet, value, kind)
                for value, (_, _, kind) in zip(values, COLUMNS, strict=True)
            ]
        )
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _xlsx_cell(sheet: Any, value: Any, kind: str) -> Any:
    if kind not in ("date", "datetime") or value == "":
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "dd-mm-yyyy hh:mm" if kind == "datetime" else "dd-mm-yyyy"
    return cell


# --- reports for the board -------------------------------------------------------------------


@require_GET
@login_required
def friction_report(request: HttpRequest, pk: int, fp: int) -> HttpResponse:
    """One friction point for the board: purpose, situation, what was asked, the timeline
    and the approach. Anyone who may see the point may print it."""
    point = get_friction_point_for_user(request.user, pk, fp)
    project = point.project
    point = (
        FrictionPoint.objects.select_related(
            "procedure__department", "milestone", "meeting__calendar", "author"
        )
        .prefetch_related("departments")
        .get(pk=point.pk)
    )
    timeline = FrictionUpdate.objects.filter(friction_point=point).select_related("author")
    context = {
        "point": point,
        "project": project,
        "commissioner": project.commissioner,
        "leader": project.leader,
        "timeline": timeline.order_by("created_at", "pk"),
        "today": timezone.localdate(),
    }
    return render(request, "projects/exports/friction_report.html", context)


@require_GET
@login_required
def portfolio_report(request: HttpRequest) -> HttpResponse:
    """A commissioner's portfolio for the board: each project with its purpose and
    health, its friction (the dashboard's filters apply), support waiting and escalations.
    A Beheerder chooses the commissioner first."""
    filterset = dashboard_filter(request)
    context: dict[str, Any] = {
        "filter": filterset,
        "today": timezone.localdate(),
        "commissioner": None,
    }
    commissioner = request.user
    if "commissioner" in filterset.filters:
        commissioner = filterset.chosen_commissioner
        if commissioner is None:
            return render(request, "projects/exports/portfolio_report.html", context)
    projects = filterset.filter_projects(dashboard_projects(user=request.user)).filter(
        commissioner=commissioner
    )
    points = list(
        filterset.qs.filter(project__commissioner=commissioner)
        .select_related("procedure__department", "milestone")
        .order_by("project_id", "-severity", "created_at", "pk")
    )
    by_project: dict[int, list[FrictionPoint]] = {}
    for point in points:
        by_project.setdefault(point.project_id, []).append(point)
    portfolio = label_health(with_health(projects).order_by("health_rank", "title", "pk"))
    for project in portfolio:
        project.report_points = by_project.get(project.pk, [])
    support = support_waiting(filterset.qs_any_status().filter(project__commissioner=commissioner))
    context.update(
        {
            "commissioner": commissioner,
            "portfolio": portfolio,
            "health": health_summary(projects),
            "support_groups": group_support(support),
            "point_count": len(points),
        }
    )
    return render(request, "projects/exports/portfolio_report.html", context)
