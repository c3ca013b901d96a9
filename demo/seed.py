"""Demo data: a fictitious Dutch municipality, rebuilt from scratch on every run.

``demo_seed(projects=N)`` wipes the demo organisation and writes it again in one
transaction: the eight showcase projects (``showcase``) and, for N above eight, generated
projects with the people, departments and parties around them (``generated``). Given the
same day, two runs give the same rows (primary keys and password salts aside): content
comes from ``random.Random(42)`` and every date and timestamp is relative to today.

Demo data needs no audit trail: the history triggers are switched off while seeding (one
connection, the seeding transaction only), and the tables are ANALYZEd after the bulk load
so that the first page after a fresh seed has planner statistics.

The wipe removes all rows of the domain (projects, friction, parties, the whole
organisation) and, of the users, only the demo's own: the four demo accounts and those
whose username starts with ``demo-``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from itertools import chain

import pghistory.trigger
import pgtrigger
from django.db import connection, models, transaction
from django.utils import timezone, translation

from demo.clock import Clock
from demo.flags import engine_marks_apply, open_flags
from demo.generated import (
    ProjectGenerator,
    Scale,
    generated_people,
    generated_stakeholders,
)
from demo.organisation import DEMO_ACCOUNTS, DEMO_PASSWORD, organisation_write
from demo.showcase import showcase_projects, showcase_stakeholders
from demo.specs import ProjectSpec, Refs
from demo.wipe import demo_users, demo_wipe
from demo.writer import projects_write, timestamps_as_given
from governance.models import ClosedDay, Department, Meeting, MeetingCalendar, Procedure, Sector
from projects.models import (
    DepartmentInvolvement,
    FrictionPoint,
    FrictionUpdate,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from stakeholders.models import Contact, Stakeholder

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "SHOWCASE_SIZE", "DemoSummary", "demo_seed"]

SHOWCASE_SIZE = 8
SEED = 42

# Models with auto_now(_add) fields the demo fills in itself.
_TIMESTAMPED = (Project, Milestone, FrictionPoint, FrictionUpdate, Stakeholder, Contact)
_COUNTED: tuple[type[models.Model], ...] = (
    Sector,
    Department,
    Procedure,
    MeetingCalendar,
    Meeting,
    ClosedDay,
    Stakeholder,
    Contact,
    Project,
    DepartmentInvolvement,
    StakeholderInvolvement,
    Milestone,
    ProcedureStep,
    FrictionPoint,
    FrictionUpdate,
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    counts: dict[str, int]
    seconds: float


def demo_seed(*, projects: int = SHOWCASE_SIZE, today: dt.date | None = None) -> DemoSummary:
    """Wipe and rebuild the demo organisation with ``projects`` projects in all.

    Destructive by design: callers decide whether that is acceptable (the ``seed_demo``
    command refuses unless DEBUG is on). Runs in one transaction, so a failure leaves the
    previous data in place.
    """
    if projects < SHOWCASE_SIZE:
        raise ValueError(f"the demo has at least the {SHOWCASE_SIZE} showcase projects")
    started = time.perf_counter()
    clock = Clock(today=today or timezone.localdate())
    rng = random.Random(SEED)
    scale = Scale.for_projects(projects - SHOWCASE_SIZE)
    # Texts built from choice labels (e.g. an approach) are Dutch whatever the active language.
    with (
        translation.override("nl"),
        pgtrigger.ignore(*_history_triggers()),
        transaction.atomic(),
        timestamps_as_given(*_TIMESTAMPED),
    ):
        demo_wipe()
        showcase_parties = showcase_stakeholders(clock=clock)
        people = generated_people(rng=rng, scale=scale)
        parties = generated_stakeholders(
            rng=rng, clock=clock, scale=scale, taken={p.name for p in showcase_parties}
        )
        refs = organisation_write(
            clock=clock,
            extra_departments=scale.extra_departments,
            generated_people=people,
            stakeholders=[*showcase_parties, *parties],
        )
        generator = ProjectGenerator(
            rng=rng,
            clock=clock,
            refs=refs,
            stakeholders=[p.name for p in chain(showcase_parties, parties)],
        )
        specs = chain(
            showcase_projects(clock=clock, refs=refs), generator.projects(scale.generated)
        )
        projects_write(specs=(_finish(spec, clock=clock, refs=refs) for spec in specs), refs=refs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {str(model._meta.verbose_name_plural): model.objects.count() for model in _COUNTED}
    counts["demogebruikers"] = demo_users().count()
    return DemoSummary(counts=counts, seconds=time.perf_counter() - started)


def _history_triggers() -> list[str]:
    """The audit trail's triggers (pghistory's), by URI; other triggers stay on."""
    return [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pghistory.trigger.Event)
    ]


def _finish(spec: ProjectSpec, *, clock: Clock, refs: Refs) -> ProjectSpec:
    """Add what the friction engine would hold by now: open flags, escalations, quiet marks."""
    spec.frictions.extend(open_flags(spec=spec, clock=clock, refs=refs))
    engine_marks_apply(spec=spec, clock=clock)
    return spec
