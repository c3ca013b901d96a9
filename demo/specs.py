"""Plain descriptions of demo projects, written by hand (showcase) or generated (scale).

Specs refer to users, departments, procedures and stakeholders by their natural keys
(username, department code, procedure key, stakeholder name), never by primary key, so the
same spec gives the same rows in every database. ``projects_write`` turns them into rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from projects.models import FrictionPoint, FrictionUpdate, ProcedureStep


@dataclass(slots=True)
class StepSpec:
    procedure: str
    status: str = ProcedureStep.Status.TO_START
    done_on: dt.date | None = None


@dataclass(slots=True)
class MilestoneSpec:
    title: str
    kind: str
    date: dt.date
    created_at: dt.datetime
    steps: list[StepSpec] = field(default_factory=list)
    description: str = ""


@dataclass(slots=True)
class UpdateSpec:
    at: dt.datetime
    text: str
    author: str | None
    kind: str = FrictionUpdate.Kind.COMMENT
    old_status: str = ""
    new_status: str = ""


@dataclass(slots=True)
class FrictionSpec:
    title: str
    created_at: dt.datetime
    author: str | None
    departments: tuple[str, ...]
    description: str = ""
    category: str = ""
    severity: int = FrictionPoint.Severity.MEDIUM
    status: str = FrictionPoint.Status.OPEN
    source: str = FrictionPoint.Source.PERSON
    flag_kind: str = ""
    procedure: str | None = None
    # Index into the project's milestones.
    milestone: int | None = None
    purpose_question: str = ""
    support_asked: str = ""
    support_requested_at: dt.datetime | None = None
    support_answered_at: dt.datetime | None = None
    escalated_at: dt.datetime | None = None
    approach: str = ""
    lesson_learned: str = ""
    latest_start: dt.date | None = None
    slack_days: int | None = None
    # Primary key of the meeting the schedule used (flags are computed after the meetings exist).
    meeting: int | None = None
    stale_since: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    updates: list[UpdateSpec] = field(default_factory=list)

    @property
    def last_activity_at(self) -> dt.datetime:
        # System entries (escalation, quiet mark) are the engine's, not activity on the point.
        return max(
            [
                self.created_at,
                *(u.at for u in self.updates if u.kind != FrictionUpdate.Kind.SYSTEM),
            ]
        )


@dataclass(slots=True)
class ProjectSpec:
    title: str
    purpose: str
    status: str
    leader: str
    commissioner: str
    created_at: dt.datetime
    description: str = ""
    portfolio_holder: str = ""
    is_confidential: bool = False
    # (department code, DepartmentInvolvement.Role)
    departments: list[tuple[str, str]] = field(default_factory=list)
    # (stakeholder name, StakeholderInvolvement.Role, influence, interest)
    stakeholders: list[tuple[str, str, int, int]] = field(default_factory=list)
    milestones: list[MilestoneSpec] = field(default_factory=list)
    frictions: list[FrictionSpec] = field(default_factory=list)

    @property
    def updated_at(self) -> dt.datetime:
        moments = [self.created_at, *(m.created_at for m in self.milestones)]
        return max(moments)


@dataclass(frozen=True, slots=True)
class ProcedureRef:
    pk: int
    name: str
    department: str
    lead_time_days: int
    calendar: str | None


@dataclass(frozen=True, slots=True)
class MeetingRef:
    pk: int
    date: dt.date
    agenda_deadline: dt.date


@dataclass(slots=True)
class Refs:
    """Natural keys of what the organisation step wrote, mapped to what the writer needs."""

    users: dict[str, int] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)
    department_heads: dict[str, str] = field(default_factory=dict)
    procedures: dict[str, ProcedureRef] = field(default_factory=dict)
    stakeholders: dict[str, int] = field(default_factory=dict)
    # Per calendar key, sorted by date.
    meetings: dict[str, list[MeetingRef]] = field(default_factory=dict)
    leaders: list[str] = field(default_factory=list)
    commissioners: list[str] = field(default_factory=list)
