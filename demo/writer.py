"""Bulk writing of demo projects: a few queries per chunk of projects, never one per row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import batched

from django.db import models, reset_queries

from demo.specs import ProjectSpec, Refs
from projects.models import (
    DepartmentInvolvement,
    FrictionPoint,
    FrictionUpdate,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)

BATCH_SIZE = 2000
# Projects per round trip: about 2,500 milestones and 5,000 friction points at full scale,
# so memory stays bounded whatever --projects says.
PROJECT_CHUNK = 500


@contextmanager
def timestamps_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` keep the ``created_at``/``updated_at`` values the demo sets.

    ``auto_now``/``auto_now_add`` fields stamp every row with ``now()`` in ``pre_save``, also
    in ``bulk_create``. The demo dates its rows relative to today instead, so for the length
    of the build those flags are switched off and afterwards restored. The flags live on the
    model classes, so this is meant for a single-purpose process such as a management
    command, not for a thread of a running web server.
    """
    fields = [
        field
        for model in model_classes
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    try:
        for field in fields:
            field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def projects_write(*, specs: Iterable[ProjectSpec], refs: Refs) -> None:
    """Write projects with everything under them, one chunk of projects at a time."""
    for chunk in batched(specs, PROJECT_CHUNK):
        _write_chunk(chunk=chunk, refs=refs)
        # With DEBUG on (the only way the command runs) Django keeps every SQL string; the
        # bulk inserts would otherwise hold hundreds of megabytes.
        reset_queries()


def _write_chunk(*, chunk: tuple[ProjectSpec, ...], refs: Refs) -> None:
    users, departments, procedures = refs.users, refs.departments, refs.procedures
    projects = [
        Project(
            title=spec.title,
            purpose=spec.purpose,
            description=spec.description,
            status=spec.status,
            leader_id=users[spec.leader],
            commissioner_id=users[spec.commissioner],
            portfolio_holder=spec.portfolio_holder,
            is_confidential=spec.is_confidential,
            created_at=spec.created_at,
            updated_at=spec.updated_at,
        )
        for spec in chunk
    ]
    Project.objects.bulk_create(projects, batch_size=BATCH_SIZE)

    involvements = []
    for project, spec in zip(projects, chunk, strict=True):
        roles = {departments[code]: role for code, role in spec.departments}
        # A milestone that needs a department's procedure involves that department, as the
        # project pages do (projects/services/projects.py).
        for m in spec.milestones:
            for step in m.steps:
                department_id = departments[procedures[step.procedure].department]
                roles.setdefault(department_id, DepartmentInvolvement.Role.ADVISORY)
        involvements += [
            DepartmentInvolvement(project_id=project.pk, department_id=pk, role=role)
            for pk, role in roles.items()
        ]
    DepartmentInvolvement.objects.bulk_create(involvements, batch_size=BATCH_SIZE)
    StakeholderInvolvement.objects.bulk_create(
        [
            StakeholderInvolvement(
                project_id=project.pk,
                stakeholder_id=refs.stakeholders[name],
                role=role,
                influence=influence,
                interest=interest,
            )
            for project, spec in zip(projects, chunk, strict=True)
            for name, role, influence, interest in spec.stakeholders
        ],
        batch_size=BATCH_SIZE,
    )

    milestones = [
        Milestone(
            project_id=project.pk,
            title=m.title,
            kind=m.kind,
            date=m.date,
            description=m.description,
            created_at=m.created_at,
            updated_at=m.created_at,
        )
        for project, spec in zip(projects, chunk, strict=True)
        for m in spec.milestones
    ]
    Milestone.objects.bulk_create(milestones, batch_size=BATCH_SIZE)
    # The milestones of project i start at offsets[i] in the flat list.
    offsets, total = [], 0
    for spec in chunk:
        offsets.append(total)
        total += len(spec.milestones)

    ProcedureStep.objects.bulk_create(
        [
            ProcedureStep(
                milestone_id=milestone.pk,
                procedure_id=procedures[step.procedure].pk,
                status=step.status,
                done_on=step.done_on,
            )
            for milestone, m in zip(
                milestones, (m for spec in chunk for m in spec.milestones), strict=True
            )
            for step in m.steps
        ],
        batch_size=BATCH_SIZE,
    )

    frictions = [
        (
            FrictionPoint(
                project_id=project.pk,
                title=f.title,
                description=f.description,
                procedure_id=procedures[f.procedure].pk if f.procedure else None,
                milestone_id=(
                    milestones[offset + f.milestone].pk if f.milestone is not None else None
                ),
                category=f.category,
                severity=f.severity,
                status=f.status,
                source=f.source,
                flag_kind=f.flag_kind,
                purpose_question=f.purpose_question,
                support_asked=f.support_asked,
                support_requested_at=f.support_requested_at,
                support_answered_at=f.support_answered_at,
                escalated_at=f.escalated_at,
                approach=f.approach,
                lesson_learned=f.lesson_learned,
                latest_start=f.latest_start,
                slack_days=f.slack_days,
                meeting_id=f.meeting,
                stale_since=f.stale_since,
                author_id=users[f.author] if f.author else None,
                created_at=f.created_at,
                updated_at=f.last_activity_at,
                last_activity_at=f.last_activity_at,
                closed_at=f.closed_at,
            ),
            f,
        )
        for project, spec, offset in zip(projects, chunk, offsets, strict=True)
        for f in spec.frictions
    ]
    FrictionPoint.objects.bulk_create([point for point, _ in frictions], batch_size=BATCH_SIZE)

    Through = FrictionPoint.departments.through
    Through.objects.bulk_create(
        [
            Through(frictionpoint_id=point.pk, department_id=departments[code])
            for point, f in frictions
            for code in f.departments
        ],
        batch_size=BATCH_SIZE,
    )
    FrictionUpdate.objects.bulk_create(
        [
            FrictionUpdate(
                friction_point_id=point.pk,
                author_id=users[u.author] if u.author else None,
                kind=u.kind,
                text=u.text,
                old_status=u.old_status,
                new_status=u.new_status,
                created_at=u.at,
            )
            for point, f in frictions
            for u in f.updates
        ],
        batch_size=BATCH_SIZE,
    )
