"""A large organisation on top of the showcase, for benchmarks (``seed_demo --projects N``).

Everything comes from one ``random.Random`` passed in, consumed in a fixed order, so the
same N on the same day gives the same rows. Projects are yielded one by one: the writer
inserts them in chunks and memory stays bounded.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.text import slugify

from demo import vocabulary as words
from demo.clock import Clock
from demo.flags import resolved_flag
from demo.organisation import (
    DEMO_USER_PREFIX,
    EXTRA_DEPARTMENTS,
    ContactEntry,
    Person,
    StakeholderEntry,
    extra_head_username,
)
from demo.showcase import PORTFOLIO_HOLDERS
from demo.specs import (
    FrictionSpec,
    MilestoneSpec,
    ProjectSpec,
    Refs,
    StepSpec,
    UpdateSpec,
)
from governance.models import Role
from projects.models import (
    DepartmentInvolvement,
    FrictionPoint,
    FrictionUpdate,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)

PS = Project.Status
SS = ProcedureStep.Status
St = FrictionPoint.Status
UK = FrictionUpdate.Kind

# Friction points per project, automatic flags included: 10,000 projects give ~100,000.
FRICTIONS_PER_PROJECT = 10
STATUS_WEIGHTS = {
    PS.IDEA: 10,
    PS.EXPLORATION: 25,
    PS.EXECUTION: 45,
    PS.COMPLETED: 15,
    PS.STOPPED: 5,
}
# Days the project has been running, per status.
AGE_DAYS = {
    PS.IDEA: (10, 120),
    PS.EXPLORATION: (40, 400),
    PS.EXECUTION: (120, 900),
    PS.COMPLETED: (400, 1400),
    PS.STOPPED: (200, 1000),
}
# Milestones stay within the year of meetings the demo plans ahead.
LAST_MILESTONE_DAY = 330
SEVERITY_WEIGHTS = {1: 20, 2: 45, 3: 25, 4: 10}
CATEGORY_WEIGHTS = {
    FrictionPoint.Category.AGENDA: 25,
    FrictionPoint.Category.PROCEDURE: 30,
    FrictionPoint.Category.MANDATE: 10,
    FrictionPoint.Category.BUDGET: 12,
    FrictionPoint.Category.INFORMATION: 13,
    FrictionPoint.Category.CULTURE: 10,
}
APPROACH_WEIGHTS = {
    FrictionPoint.Approach.KEEP: 25,
    FrictionPoint.Approach.ORGANISE_DIFFERENTLY: 40,
    FrictionPoint.Approach.UNORTHODOX: 20,
    FrictionPoint.Approach.ESCALATED: 15,
}
STAKEHOLDER_ROLE_WEIGHTS = {
    StakeholderInvolvement.Role.PARTNER: 50,
    StakeholderInvolvement.Role.FINANCIER: 10,
    StakeholderInvolvement.Role.AFFECTED: 20,
    StakeholderInvolvement.Role.CONTRACTOR: 10,
    StakeholderInvolvement.Role.ADVISOR: 7,
    StakeholderInvolvement.Role.AUTHORITY: 3,
}
STAKEHOLDER_KIND_WEIGHTS = (35, 20, 20, 8, 9, 8)


@dataclass(frozen=True, slots=True)
class Scale:
    """The size of the organisation around ``generated`` extra projects."""

    generated: int
    leaders: int
    commissioners: int
    extra_departments: int
    stakeholders: int

    @classmethod
    def for_projects(cls, generated: int) -> Scale:
        if generated <= 0:
            return cls(0, 0, 0, 0, 0)
        # 10,000 projects: ~300 leaders, ~60 commissioners, 40 departments, ~3,000 parties.
        return cls(
            generated=generated,
            leaders=max(2, round(generated / 33)),
            commissioners=max(2, round(generated / 165)),
            extra_departments=min(len(EXTRA_DEPARTMENTS), generated // 400),
            stakeholders=max(6, round(generated * 0.3)),
        )


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generated_people(*, rng: random.Random, scale: Scale) -> list[Person]:
    def person(username: str, role: str) -> Person:
        return Person(username, rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES), role)

    return [
        *(
            person(f"{DEMO_USER_PREFIX}bh-{n:03d}", Role.COMMISSIONER)
            for n in range(1, scale.commissioners + 1)
        ),
        *(
            person(f"{DEMO_USER_PREFIX}pl-{n:04d}", Role.PROJECT_LEADER)
            for n in range(1, scale.leaders + 1)
        ),
        *(
            person(extra_head_username(name), Role.DEPARTMENT_HEAD)
            for name, _ in EXTRA_DEPARTMENTS[: scale.extra_departments]
        ),
    ]


def generated_stakeholders(
    *, rng: random.Random, clock: Clock, scale: Scale, taken: set[str]
) -> list[StakeholderEntry]:
    """External parties with unique names (case-insensitive), one or two contacts each."""
    entries = []
    seen = {name.lower() for name in taken}
    for index in range(scale.stakeholders):
        kind, templates = rng.choices(words.STAKEHOLDER_NAMES, weights=STAKEHOLDER_KIND_WEIGHTS)[0]
        for _attempt in range(25):
            name = rng.choice(templates).format(name=_company_name(rng), place=_place(rng))
            if name.lower() not in seen:
                break
        else:
            name = f"{name} ({index})"
        seen.add(name.lower())
        domain = f"{slugify(name)[:50]}.example"
        contacts = []
        for _ in range(rng.choice((1, 1, 2))):
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            mailbox = f"{slugify(first)}.{slugify(last).replace('-', '')}"
            contacts.append(
                ContactEntry(
                    name=f"{first} {last}",
                    role=rng.choice(words.CONTACT_ROLES),
                    email=f"{mailbox}@{domain}",
                )
            )
        entries.append(
            StakeholderEntry(
                name=name,
                kind=kind,
                created_at=clock.ago(rng.randint(30, 1500), rng.randint(0, 480)),
                website=f"https://www.{domain}/",
                contacts=tuple(contacts),
            )
        )
    return entries


def _company_name(rng: random.Random) -> str:
    last = rng.choice(words.LAST_NAMES)
    form = rng.random()
    if form < 0.4:
        return last[0].upper() + last[1:]
    if form < 0.8:
        return f"{rng.choice(words.FIRST_NAMES)[0]}. {last}"
    return f"{last[0].upper() + last[1:]} & {rng.choice(words.LAST_NAMES)}"


def _place(rng: random.Random) -> str:
    return rng.choice(words.PLACES) + rng.choice(words.PLACE_PARTS)


class ProjectGenerator:
    """Yields ``count`` generated projects; see the module docstring for determinism."""

    def __init__(
        self, *, rng: random.Random, clock: Clock, refs: Refs, stakeholders: list[str]
    ) -> None:
        self.rng, self.clock, self.refs = rng, clock, refs
        self.stakeholders = stakeholders
        self.extra_procedures = [key for key in refs.procedures if key.startswith("advies-")]
        self.titles: dict[str, int] = {}

    def projects(self, count: int) -> Iterator[ProjectSpec]:
        for _ in range(count):
            yield self._project()

    def _project(self) -> ProjectSpec:
        rng, clock, refs = self.rng, self.clock, self.refs
        stem, lead, purpose = rng.choice(words.THEMES)
        place = _place(rng)
        status = _pick(rng, STATUS_WEIGHTS)
        age = rng.randint(*AGE_DAYS[status])
        leader = rng.choice(refs.leaders)
        commissioner = rng.choice(refs.commissioners)
        partners = rng.sample(self.stakeholders, rng.randint(2, 4))
        spec = ProjectSpec(
            title=self._title(f"{stem} {place}"),
            purpose=purpose.format(place=place),
            description=(
                f"Samen met {partners[0]} en andere partners in {place}. Gestart op initiatief "
                f"van {rng.choice(('bewoners', 'ondernemers', 'de gemeente', 'een partner'))}."
            ),
            status=status,
            leader=leader,
            commissioner=commissioner,
            portfolio_holder=rng.choice(PORTFOLIO_HOLDERS),
            is_confidential=rng.random() < 0.03,
            created_at=clock.ago(age, rng.randint(0, 480)),
            stakeholders=[
                (name, _pick(rng, STAKEHOLDER_ROLE_WEIGHTS), rng.randint(1, 5), rng.randint(1, 5))
                for name in partners
            ],
        )
        spec.milestones = self._milestones(spec, age=age, place=place, partner=partners[0])
        spec.departments = self._departments(spec, lead=lead)
        spec.frictions = self._resolved_flags(spec)
        spec.frictions += self._person_frictions(spec, age=age, partners=partners)
        return spec

    def _title(self, base: str) -> str:
        seen = self.titles.get(base, 0) + 1
        self.titles[base] = seen
        return base if seen == 1 else f"{base} (fase {seen})"

    def _milestones(
        self, spec: ProjectSpec, *, age: int, place: str, partner: str
    ) -> list[MilestoneSpec]:
        rng, clock = self.rng, self.clock
        low, high = {
            PS.IDEA: (20, LAST_MILESTONE_DAY),
            PS.EXPLORATION: (-min(age - 10, 120), LAST_MILESTONE_DAY),
            PS.EXECUTION: (-(age - 30), LAST_MILESTONE_DAY),
            PS.COMPLETED: (-(age - 30), -10),
            PS.STOPPED: (-(age - 30), 200),
        }[spec.status]
        offsets = sorted(rng.randint(low, high) for _ in words.MILESTONE_PLAN)
        milestones = []
        for offset, (kind, titles, pool) in zip(offsets, words.MILESTONE_PLAN, strict=True):
            date = clock.day(offset)
            created_ago = max(age - rng.randint(0, 30), 1)
            procedures = rng.sample(pool, 2)
            if self.extra_procedures and rng.random() < 0.15:
                procedures[1] = rng.choice(self.extra_procedures)
            title = rng.choice(titles).format(
                scheme=rng.choice(words.SUBSIDY_SCHEMES), partner=partner, place=place
            )
            milestones.append(
                MilestoneSpec(
                    title=title,
                    kind=kind,
                    date=date,
                    created_at=clock.ago(created_ago, rng.randint(0, 480)),
                    steps=[
                        self._step(key, status=spec.status, date=date, age=age)
                        for key in procedures
                    ],
                )
            )
        return milestones

    def _step(self, key: str, *, status: str, date: dt.date, age: int) -> StepSpec:
        rng, clock = self.rng, self.clock
        past = date < clock.today
        if status == PS.STOPPED and (not past or rng.random() < 0.4):
            return StepSpec(key, SS.NOT_NEEDED)
        if status in (PS.COMPLETED, PS.STOPPED) or (past and rng.random() < 0.88):
            offset = (date - clock.today).days - rng.randint(1, 25)
            return StepSpec(key, SS.DONE, clock.day(max(offset, -(age - 1))))
        if past:
            return StepSpec(key, rng.choice((SS.TO_START, SS.IN_PROGRESS)))
        draw = rng.random()
        if draw < 0.2:
            return StepSpec(key, SS.DONE, clock.day(-rng.randint(1, max(1, min(60, age - 1)))))
        return StepSpec(key, SS.IN_PROGRESS if draw < 0.55 else SS.TO_START)

    def _departments(self, spec: ProjectSpec, *, lead: str) -> list[tuple[str, str]]:
        owners: list[str] = []
        for milestone in spec.milestones:
            for step in milestone.steps:
                owner = self.refs.procedures[step.procedure].department
                if owner != lead and owner not in owners:
                    owners.append(owner)
        chosen = self.rng.sample(owners, min(len(owners), self.rng.randint(1, 3)))
        DI = DepartmentInvolvement.Role
        return [(lead, DI.LEAD)] + [
            (
                code,
                DI.DECIDING
                if code == "bestuursondersteuning"
                else self.rng.choice((DI.CONTRIBUTING, DI.ADVISORY)),
            )
            for code in chosen
        ]

    def _resolved_flags(self, spec: ProjectSpec) -> list[FrictionSpec]:
        """Flags of the past that resolved themselves when a step was finished in time."""
        rng, clock = self.rng, self.clock
        flags = []
        for index, milestone in enumerate(spec.milestones):
            for step in milestone.steps:
                if step.status != SS.DONE or rng.random() > 0.12:
                    continue
                done_ago = (clock.today - step.done_on).days
                created_ago = (clock.today - milestone.created_at.date()).days
                if done_ago < 1 or created_ago - done_ago < 4:
                    continue
                raised_ago = rng.randint(done_ago + 2, min(created_ago - 1, done_ago + 25))
                flags.append(
                    resolved_flag(
                        clock=clock,
                        procedure=self.refs.procedures[step.procedure],
                        procedure_key=step.procedure,
                        milestone=milestone,
                        milestone_index=index,
                        raised=clock.ago(raised_ago, 1),
                        resolved=clock.ago(done_ago, 600),
                    )
                )
        return flags

    def _person_frictions(
        self, spec: ProjectSpec, *, age: int, partners: list[str]
    ) -> list[FrictionSpec]:
        # Open flags are added afterwards, about one per project on average.
        count = max(3, FRICTIONS_PER_PROJECT - 1 - len(spec.frictions))
        return [self._person_friction(spec, age=age, partners=partners) for _ in range(count)]

    def _person_friction(self, spec: ProjectSpec, *, age: int, partners: list[str]) -> FrictionSpec:
        rng, clock, refs = self.rng, self.clock, self.refs
        active = spec.status in (PS.IDEA, PS.EXPLORATION, PS.EXECUTION)
        draw = rng.random()
        status = (
            St.CLOSED if not active or draw < 0.55 else (St.OPEN if draw < 0.82 else St.IN_PROGRESS)
        )
        project_departments = [code for code, _ in spec.departments]
        procedure = milestone = None
        if rng.random() < 0.55:
            milestone = rng.randrange(len(spec.milestones))
            procedure = rng.choice(spec.milestones[milestone].steps).procedure
            departments = [refs.procedures[procedure].department]
        else:
            departments = rng.sample(project_departments, min(2, rng.randint(1, 2)))
            if rng.random() < 0.3:
                milestone = rng.randrange(len(spec.milestones))
        category = _pick(rng, CATEGORY_WEIGHTS)
        title, description, question = rng.choice(words.FRICTIONS[category])
        department = departments[0]
        names = {
            "procedure": refs.procedures[procedure].name if procedure else "De procedure",
            "department": refs.department_names[department],
            "partner": rng.choice(partners),
            "milestone": spec.milestones[milestone if milestone is not None else -1].title,
        }
        head = refs.department_heads[department]
        author = rng.choices((spec.leader, head, spec.commissioner), weights=(75, 15, 10))[0]

        # A timeline in whole days back from today, with minutes that only go up, so the
        # order holds even when two days fall on the same working day.
        if status == St.CLOSED:
            created_ago = rng.randint(2, max(2, age - 1))
        else:
            # Points still open are mostly recent; a tail of older ones goes quiet.
            created_ago = min(2 + int(rng.expovariate(1 / 30)), max(2, age - 1))
        end_ago = rng.randint(1, created_ago - 1) if status == St.CLOSED else 1
        minute = rng.randint(0, 120)

        def moment(days_ago: int) -> dt.datetime:
            nonlocal minute
            minute += rng.randint(5, 40)
            return clock.ago(days_ago, minute)

        point = FrictionSpec(
            title=title.format(**names)[:200],
            description=description.format(**names),
            created_at=clock.ago(created_ago, minute),
            author=author,
            departments=tuple(departments),
            category=category,
            severity=_pick(rng, SEVERITY_WEIGHTS),
            procedure=procedure,
            milestone=milestone,
            purpose_question=question.format(**names) if rng.random() < 0.65 else "",
        )
        days = sorted(rng.randint(end_ago, created_ago) for _ in range(4))[::-1]
        if rng.random() < 0.35:
            point.support_asked = rng.choice(list(words.SUPPORT_ANSWERS))
            point.support_requested_at = moment(days[0])
            if status == St.CLOSED or rng.random() < 0.55:
                point.support_answered_at = moment(days[1])
                point.updates.append(
                    UpdateSpec(
                        at=point.support_answered_at,
                        text=rng.choice(words.SUPPORT_ANSWERS[point.support_asked]).format(**names),
                        author=spec.commissioner,
                        kind=UK.SUPPORT_ANSWER,
                    )
                )
        for _ in range(rng.choice((0, 1, 1, 2))):
            commenter = rng.choice((spec.leader, head, spec.commissioner))
            point.updates.append(
                UpdateSpec(
                    at=moment(days[2]),
                    text=rng.choice(words.COMMENTS).format(**names),
                    author=commenter,
                )
            )
        if status == St.IN_PROGRESS:
            point.status = St.IN_PROGRESS
            point.updates.append(
                UpdateSpec(
                    at=moment(days[3]),
                    text="",
                    author=spec.leader,
                    kind=UK.STATUS,
                    old_status=St.OPEN,
                    new_status=St.IN_PROGRESS,
                )
            )
        if status == St.CLOSED:
            approach = _pick(rng, APPROACH_WEIGHTS)
            lesson = rng.choice(words.LESSONS[approach]).format(**names)
            point.status, point.approach, point.lesson_learned = St.CLOSED, approach, lesson
            point.closed_at = moment(end_ago)
            point.updates.append(
                UpdateSpec(
                    at=point.closed_at,
                    text=(
                        f"Aanpak: {FrictionPoint.Approach(approach).label}\nGeleerde les: {lesson}"
                    ),
                    author=rng.choice((spec.leader, spec.commissioner)),
                    kind=UK.STATUS,
                    old_status=St.OPEN,
                    new_status=St.CLOSED,
                )
            )
        return point
