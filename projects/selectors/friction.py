"""Reads for the friction log: querysets with their joins and counts already applied, so
a page costs the same number of queries for 10 friction points as for 200."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from governance.models import Department, Procedure
from projects.models import FrictionPoint, FrictionUpdate, Project


def friction_points_for_log(*, project: Project) -> QuerySet[FrictionPoint]:
    """A project's friction points for its log: most severe first, then the oldest first
    (what has chafed longest), each with ``comment_count`` and its departments. Archived
    points too: the log's filter leaves them out unless asked (``FrictionPointFilter``)."""
    return (
        FrictionPoint.objects.filter(project=project)
        .select_related("procedure__department", "milestone")
        .prefetch_related("departments")
        .annotate(
            comment_count=Count("updates", filter=Q(updates__kind=FrictionUpdate.Kind.COMMENT))
        )
        .order_by("-severity", "created_at", "pk")
    )


def friction_point_for_detail(*, point: FrictionPoint) -> FrictionPoint:
    """The point with everything its detail page shows loaded in one go."""
    return (
        FrictionPoint.objects.select_related(
            "procedure__department", "milestone", "meeting__calendar", "author"
        )
        .prefetch_related("departments")
        .get(pk=point.pk)
    )


def _status_label(field: str) -> Case:
    return Case(
        *[
            When(**{field: value}, then=Value(str(label)))
            for value, label in FrictionPoint.Status.choices
        ],
        default=Value(""),
        output_field=CharField(),
    )


def friction_point_timeline(*, point: FrictionPoint) -> QuerySet[FrictionUpdate]:
    """The point's updates, oldest first, with the human labels of old and new status
    (``old_status_label``/``new_status_label``) in the active language."""
    return (
        FrictionUpdate.objects.filter(friction_point=point)
        .select_related("author")
        .annotate(
            old_status_label=_status_label("old_status"),
            new_status_label=_status_label("new_status"),
        )
        .order_by("created_at", "pk")
    )


def departments_involved_in(*, project: Project) -> QuerySet[Department]:
    return Department.objects.filter(involvements__project=project).order_by("name")


def departments_not_involved_in(*, project: Project) -> QuerySet[Department]:
    return (
        Department.objects.exclude(involvements__project=project)
        .select_related("sector")
        .order_by("sector__name", "name")
    )


def procedures_active() -> QuerySet[Procedure]:
    """Active procedures ordered by owning department, ready to group in <optgroup>s."""
    return (
        Procedure.objects.filter(is_active=True)
        .select_related("department")
        .order_by("department__name", "department_id", "name")
    )
