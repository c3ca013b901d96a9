"""Shared by the access matrix and the fuzz tests: the URL patterns of our apps, walked
from the resolver, and one small organisation with a persona for every role.

The organisation (``World``) is built once per test module inside an outer transaction
(``world_fixture``); each test runs in a savepoint of it, so tests still cannot see each
other's writes, and the rows are rolled back when the module is done.

Personas: ``anonymous``, ``outsider`` (a member of staff with no role and no project;
``is_staff`` so even the admin would let them in), ``leader`` (Projectleider),
``commissioner`` (Bureauhoofd), ``head`` (Afdelingshoofd) and ``administrator``
(Beheerder). Object kinds: ``own`` (the leader leads the project, the commissioner
commissions it, the head's department is involved), ``other`` (an open project of the same
organisation that none of the personas is involved in) and ``confidential`` (a
confidential project none of them is involved in).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver

from governance.models import Department, Procedure
from projects.models import (
    Agreement,
    DepartmentInvolvement,
    FollowUp,
    FrictionPoint,
    FrictionUpdate,
    Interaction,
    InteractionParticipant,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from stakeholders.models import Contact, Stakeholder
from tests.factories import (
    AdministratorFactory,
    AgreementFactory,
    CommissionerFactory,
    ContactFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FollowUpFactory,
    FrictionPointFactory,
    FrictionUpdateFactory,
    InteractionFactory,
    LeaderFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)

PERSONAS = ("anonymous", "outsider", "leader", "commissioner", "head", "administrator")
KINDS = ("own", "other", "confidential")

# What only some personas may read. Every text of the confidential project carries
# "ZwaluwQ7"; contact persons' names are for staff who work with their party (and Beheerders).
# The markers carry "Q7" so that no name Faker makes up (a user called Merel) matches one.
SECRETS: dict[str, frozenset[str]] = {
    "ZwaluwQ7": frozenset({"administrator"}),
    "KievitQ7": frozenset({"administrator"}),
    "ReigerQ7": frozenset({"administrator"}),
    "MerelQ7": frozenset({"leader", "commissioner", "head", "administrator"}),
}
CONTACT_NAMES = {"own": "MerelQ7", "other": "KievitQ7", "confidential": "ReigerQ7"}


# --- the URL configuration ---------------------------------------------------------------------

# Patterns that are not ours, by the module of their view, each with the reason.
NOT_OURS: dict[str, str] = {
    "django.contrib.admin": "Django's admin, with its own permissions (tests/governance/)",
    "django.contrib.contenttypes": "the admin's 'view on site' redirect",
    "projects.admin": "custom admin views, behind the admin's own staff check",
    "governance.admin": "custom admin views, behind the admin's own staff check",
    "stakeholders.admin": "custom admin views, behind the admin's own staff check",
    "django.views.i18n": "language switch (set_language): no data, no access rule",
    "mozilla_django_oidc": "OpenID Connect library views (tests/accounts/test_oidc.py)",
    "django.views.static": "static files, served only with DEBUG",
    "django.contrib.staticfiles": "static files, served only with DEBUG",
}


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name"
    route: str
    view: str  # dotted path of the view


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, URLPattern, str | None]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), joined)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, namespace


def not_ours_reason(view: str, namespace: str | None) -> str | None:
    if namespace == "admin":
        return NOT_OURS["django.contrib.admin"]
    for module, reason in NOT_OURS.items():
        if view == module or view.startswith(module + "."):
            return reason
    return None


def url_patterns() -> list[Pattern]:
    """Every URL pattern of our apps (and Django's auth pages, which we serve as ours)."""
    found = []
    for route, pattern, namespace in _walk(get_resolver().url_patterns):
        view = pattern.lookup_str
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        if not_ours_reason(view, namespace):
            continue
        found.append(Pattern(name=name or f"<unnamed {route} -> {view}>", route=route, view=view))
    return found


# --- the organisation --------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User | None]
    sessions: dict[str, str]
    projects: dict[str, Project]
    departments: dict[str, Department]
    procedures: dict[str, Procedure]
    parties: dict[str, Stakeholder]
    contacts: dict[str, Contact]
    milestones: dict[str, Milestone]
    steps: dict[str, ProcedureStep]
    points: dict[str, FrictionPoint]
    interactions: dict[str, Interaction]
    follow_ups: dict[str, FollowUp]
    agreements: dict[str, Agreement]
    others: dict[str, User] = field(default_factory=dict)
    # One request handler for every client: loading the middleware costs WhiteNoise a scan
    # of the collected static files each time.
    handler: ClientHandler = field(default_factory=lambda: ClientHandler(enforce_csrf_checks=False))

    def client(self, persona: str, **defaults: Any) -> Client:
        """A test client signed in as ``persona`` (its session was made once, up front)."""
        client = Client(**defaults)
        client.handler = self.handler
        if persona != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    def ids(self, attribute: str) -> list[int]:
        return [obj.pk for obj in getattr(self, attribute).values()]


def build_world() -> World:
    users: dict[str, User | None] = {
        "anonymous": None,
        "outsider": UserFactory(username="buitenstaander", is_staff=True),
        "leader": LeaderFactory(username="projectleider"),
        "commissioner": CommissionerFactory(username="bureauhoofd"),
        "head": DepartmentHeadFactory(username="afdelingshoofd"),
        "administrator": AdministratorFactory(username="beheerder"),
    }
    others = {
        "leader": LeaderFactory(username="andere-leider"),
        "commissioner": CommissionerFactory(username="andere-opdrachtgever"),
        "head": DepartmentHeadFactory(username="ander-hoofd"),
        "confidential_head": DepartmentHeadFactory(username="geheim-hoofd"),
    }
    departments = {
        "own": DepartmentFactory(name="Afdeling Eigen", head=users["head"]),
        "other": DepartmentFactory(name="Afdeling Ander", head=others["head"]),
        "confidential": DepartmentFactory(name="Afdeling Dicht", head=others["confidential_head"]),
    }
    titles = {
        "own": "Eigen project",
        "other": "Ander project",
        "confidential": "Project ZwaluwQ7",
    }
    world = World(
        users=users,
        sessions={},
        projects={},
        departments=departments,
        procedures={},
        parties={},
        contacts={},
        milestones={},
        steps={},
        points={},
        interactions={},
        follow_ups={},
        agreements={},
        others=others,
    )
    for kind in KINDS:
        mark = " ZwaluwQ7" if kind == "confidential" else f" {kind}"
        own = kind == "own"
        project = ProjectFactory(
            title=titles[kind],
            leader=users["leader"] if own else others["leader"],
            commissioner=users["commissioner"] if own else others["commissioner"],
            is_confidential=kind == "confidential",
        )
        department = departments[kind]
        DepartmentInvolvementFactory(project=project, department=department)
        procedure = ProcedureFactory(department=department, name=f"Procedure {kind}")
        party = StakeholderFactory(name=f"Partij {kind}")
        StakeholderInvolvementFactory(project=project, stakeholder=party)
        contact = ContactFactory(
            stakeholder=party,
            name=f"Contact {CONTACT_NAMES[kind]}",
            email=f"{CONTACT_NAMES[kind].lower()}@partner.example",
        )
        milestone = MilestoneFactory(project=project, title=f"Mijlpaal{mark}")
        step = ProcedureStepFactory(milestone=milestone, procedure=procedure)
        point = FrictionPointFactory(
            project=project,
            title=f"Knelpunt{mark}",
            procedure=procedure,
            milestone=milestone,
            departments=[department],
            support=True,
        )
        FrictionUpdateFactory(friction_point=point, text=f"Reactie{mark}")
        interaction = InteractionFactory(
            project=project, stakeholder=party, summary=f"Gesprek{mark}", contacts=[contact]
        )
        follow_up = FollowUpFactory(
            interaction=interaction, description=f"Vervolg{mark}", owner=project.leader
        )
        agreement = AgreementFactory(project=project, stakeholder=party, title=f"Afspraak{mark}")
        world.projects[kind] = project
        world.procedures[kind] = procedure
        world.parties[kind] = party
        world.contacts[kind] = contact
        world.milestones[kind] = milestone
        world.steps[kind] = step
        world.points[kind] = point
        world.interactions[kind] = interaction
        world.follow_ups[kind] = follow_up
        world.agreements[kind] = agreement
    for persona, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            world.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The organisation, once per module, rolled back afterwards (see the module's doc)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            with override_settings(PASSWORD_HASHERS=hasher):
                yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- what a refused request must leave alone ---------------------------------------------------

WATCHED: tuple[type[models.Model], ...] = (
    User,
    Session,
    Project,
    DepartmentInvolvement,
    StakeholderInvolvement,
    Milestone,
    ProcedureStep,
    FrictionPoint,
    FrictionUpdate,
    FrictionPoint.departments.through,
    Interaction,
    InteractionParticipant,
    FollowUp,
    Agreement,
    Stakeholder,
    Contact,
    Procedure,
    Department,
)
# Columns a signed-in request may touch without changing anything (session clocks).
VOLATILE = {Session: {"session_data", "expire_date"}, User: {"last_login"}}


def _select(model: type[models.Model]) -> tuple[list[str], str]:
    skip = VOLATILE.get(model, set())
    pk_column = model._meta.pk.column
    columns = [pk_column] + [
        f.column for f in model._meta.concrete_fields if f.column not in skip | {pk_column}
    ]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return columns, f"SELECT {', '.join(map(quote, columns))} FROM {table} ORDER BY {pk}"


Snapshot = dict[str, tuple[list[str], list[tuple]]]


def snapshot() -> Snapshot:
    """Every row of the watched tables (the world is small), for before/after checks.
    Plain SQL: this runs around every refused request."""
    state = {}
    with connection.cursor() as cursor:
        for model in WATCHED:
            columns, sql = _select(model)
            cursor.execute(sql)
            state[model._meta.db_table] = (columns, cursor.fetchall())
    return state


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Readable differences between two snapshots (rows keyed by their first column,
    the primary key)."""
    found = []
    for table, (columns, rows) in before.items():
        old = {row[0]: row for row in rows}
        new = {row[0]: row for row in after[table][1]}
        for key in old.keys() - new.keys():
            found.append(f"{table} {key} deleted")
        for key in new.keys() - old.keys():
            found.append(f"{table} {key} created: {dict(zip(columns, new[key], strict=True))}")
        for key in old.keys() & new.keys():
            if old[key] != new[key]:
                diff = {
                    column: (was, now)
                    for column, was, now in zip(columns, old[key], new[key], strict=True)
                    if was != now
                }
                found.append(f"{table} {key} changed: {diff}")
    return found


def leaked_secrets(persona: str, body: str) -> list[str]:
    return [
        secret for secret, allowed in SECRETS.items() if persona not in allowed and secret in body
    ]


KwargsBuilder = Callable[[World, str], dict[str, Any]]
