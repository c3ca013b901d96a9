"""Property-based tests: random and malformed input to every form and htmx endpoint.

For every URL that accepts POST (the ``ROUTES`` of the access matrix) Hypothesis posts
dicts of the form's field names with values drawn from huge strings, control characters,
NUL, right-to-left marks, numbers out of range, other and confidential projects' ids,
script tags and lists, encoded as a form, as JSON or as a broken multipart body, with and
without ``HX-Request``:

- as a persona the matrix allows: never a 500, a submitted script tag never comes back
  unescaped, a redirect never leaves the site, nothing the persona may not read shows up,
  and (for anyone but a Beheerder) no row of another or the confidential project changes;
- as a persona the matrix refuses: the refusal (403, 404 or the login page) and not one
  row changed.

The filter and search pages (GET, also swapped in by htmx) get the same treatment for
their query parameters and htmx headers. A last test stores script tags in every text a
person can type and opens every page.

Before the random examples, each form gets every class of nasty input (``CLASSES``: NUL,
100,000 characters, markup, a number beyond 64 bits, lists) in all its fields at once, as
each allowed and refused persona in turn; these explicit examples fail fast and are not
shrunk. Every example runs in a savepoint that is rolled back, so examples do not build on
each other and a failing one replays as it was. ``derandomize`` keeps CI deterministic.

``FOUND`` keeps a minimal reproduction of each bug the fuzzing found.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from governance.models import Department, Procedure, Sector
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
from tests.access_world import (
    PERSONAS,
    World,
    changes,
    leaked_secrets,
    snapshot,
)
from tests.access_world import world as world  # noqa: F401 (the module-scoped fixture)
from tests.factories import FrictionPointFactory
from tests.test_access_matrix import LOGIN, NA, ROUTES, status_of

pytestmark = pytest.mark.django_db

POST_EXAMPLES = 5
GET_EXAMPLES = 3
FUZZ_SETTINGS = settings(
    max_examples=POST_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

SCRIPT = '<script>alert("bb-xss")</script>'
ATTRIBUTE = '"><img src=x onerror=alert("bb-xss")>'
# What must never come back raw: the tags of the payloads above.
RAW = ('<script>alert("bb-xss")', '<img src=x onerror=alert("bb-xss")>')


# --- values ---------------------------------------------------------------------------------------

SPECIAL = [
    "",
    " ",
    "\x00",
    "abc\x00def",
    "\u202eRTL-override\u202c",
    "\u200f\u200emarks",
    "\ufeffBOM",
    "\r\n\t\x0b\x0c\x1b[31m",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "9" * 30,
    str(2**63),
    str(-(2**63) - 1),
    "' OR '1'='1",
    "%00",
    "{{ 7|add:7 }}{% debug %}",
    '=HYPERLINK("http://evil.example")',
    "../../etc/passwd",
    "😀" * 20,
    "ß" * 300,
    "true",
    "on",
    "2027-02-30",
    "31-12-9999",
    "0001-01-01",
    SCRIPT,
    ATTRIBUTE,
]
URLISH = [
    "/projects/",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http://[::1",
    "http://testserver/projects/?k-status=alle",
    " /projects/",
    "0",
    "projects:list",
]
HUGE_LENGTH = 100_000
HUGE = st.sampled_from(["A", "é", "<", "\u202e", "😀", "\x01"]).map(lambda c: c * HUGE_LENGTH)
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
INTEGERS = st.integers(min_value=-(2**70), max_value=2**70).map(str)
SCALAR = st.one_of(st.sampled_from(SPECIAL), TEXT, INTEGERS, st.sampled_from(URLISH), HUGE)
ANY = st.one_of(SCALAR, st.lists(SCALAR, max_size=3))

# Before the random examples, every form gets each of these in all its fields at once (the
# huge string in the first fields only: together they would pass the 2.5 MB body limit).
CLASSES: dict[str, Callable[[int], Any]] = {
    "nul": lambda i: "ab\x00cd",
    "huge": lambda i: ("A" if i % 2 else "\u202e") * HUGE_LENGTH if i < 8 else "x",
    "markup": lambda i: SCRIPT if i % 2 else ATTRIBUTE,
    "numbers": lambda i: "9" * 30,
    "lists": lambda i: [SCRIPT, "1", "\u202e\x01\x1b😀"],
}


def classes_of(names: list[str]) -> dict[str, dict[str, Any]]:
    """Each class in every field; a formset's counts stay 1 and 0 (see ``FORM_COUNT``)."""
    return {
        label: {
            name: ("1" if name.endswith("TOTAL_FORMS") else "0")
            if name.endswith("_FORMS")
            else value(i)
            for i, name in enumerate(names)
        }
        for label, value in CLASSES.items()
    }


def one_of(*values: Any) -> st.SearchStrategy:
    """Mostly a valid value (to get past the first check), else anything."""
    valid = st.sampled_from([str(v) for v in values]) if values else st.nothing()
    return st.one_of(valid, valid, ANY)


def ids(*objects: Any) -> st.SearchStrategy:
    """Ids of the world's objects of every kind (own, other, confidential), one or several."""
    pks = st.sampled_from([str(obj.pk) for obj in objects])
    return st.one_of(pks, st.lists(pks, min_size=1, max_size=3), ANY)


def date() -> st.SearchStrategy:
    return st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.sampled_from(["2027-03-15", "15-03-2027", "2027/03/15", "99999-01-01", "2027-13-01"]),
        ANY,
    )


def url() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(URLISH), ANY)


def text() -> st.SearchStrategy:
    return st.one_of(st.sampled_from([SCRIPT, ATTRIBUTE, "Een gewone zin."]), ANY)


def everything(world: World) -> dict[str, Any]:
    """The world's objects by type, for "someone else's id" values."""
    return {
        "projects": world.projects.values(),
        "points": world.points.values(),
        "parties": world.parties.values(),
        "contacts": world.contacts.values(),
        "departments": world.departments.values(),
        "procedures": world.procedures.values(),
        "milestones": world.milestones.values(),
        "users": [u for u in world.users.values() if u] + list(world.others.values()),
    }


# --- the forms' fields ----------------------------------------------------------------------------


# A huge form count makes the project form build 2,000 forms per formset (half a minute
# of CPU, a 28 MB page: test_a_huge_form_count_builds_few_forms), so the fuzzing keeps the
# counts small and checks their validation with values that are no number.
FORM_COUNT = st.sampled_from(["0", "1", "2", "-1", "", "1.5", "abc", "\x00", SCRIPT])


def management(prefix: str) -> dict[str, st.SearchStrategy]:
    return {
        f"{prefix}-TOTAL_FORMS": FORM_COUNT,
        f"{prefix}-INITIAL_FORMS": FORM_COUNT,
        f"{prefix}-MIN_NUM_FORMS": FORM_COUNT,
        f"{prefix}-MAX_NUM_FORMS": FORM_COUNT,
    }


def project_form(world: World) -> dict[str, st.SearchStrategy]:
    e = everything(world)
    involvements = [*DepartmentInvolvement.objects.all()]
    partners = [*StakeholderInvolvement.objects.all()]
    fields = {
        "purpose": text(),
        "title": text(),
        "description": text(),
        "status": one_of(*Project.Status.values),
        "leader": ids(*e["users"]),
        "commissioner": ids(*e["users"]),
        "portfolio_holder": text(),
        "is_confidential": one_of("on", ""),
        "version": one_of("1", "2", "0"),
        "add_row": one_of("departments", "partners", "milestones"),
        **management("departments"),
        **management("partners"),
        **management("milestones"),
    }
    for row in ("0", "1"):
        fields |= {
            f"departments-{row}-id": ids(*involvements),
            f"departments-{row}-department": ids(*e["departments"]),
            f"departments-{row}-role": one_of(*DepartmentInvolvement.Role.values),
            f"departments-{row}-DELETE": one_of("on"),
            f"partners-{row}-id": ids(*partners),
            f"partners-{row}-stakeholder": ids(*e["parties"]),
            f"partners-{row}-role": one_of(*StakeholderInvolvement.Role.values),
            f"partners-{row}-influence": one_of(1, 3, 5, 0, 6),
            f"partners-{row}-interest": one_of(1, 3, 5, 0, 6),
            f"partners-{row}-DELETE": one_of("on"),
            f"milestones-{row}-id": ids(*e["milestones"]),
            f"milestones-{row}-title": text(),
            f"milestones-{row}-kind": one_of(*Milestone.Kind.values),
            f"milestones-{row}-date": date(),
            f"milestones-{row}-procedures": ids(*e["procedures"]),
            f"milestones-{row}-DELETE": one_of("on"),
        }
    return fields


def friction_form(world: World) -> dict[str, st.SearchStrategy]:
    e = everything(world)
    return {
        "title": text(),
        "departments": ids(*e["departments"]),
        "other_department": ids(*e["departments"]),
        "procedure": ids(*e["procedures"]),
        "severity": one_of(*FrictionPoint.Severity.values),
        "description": text(),
        "category": one_of(*FrictionPoint.Category.values),
        "purpose_question": text(),
        "support_asked": one_of(*FrictionPoint.Support.values),
        # Fields of the model the form does not offer: must be ignored.
        "project": ids(*e["projects"]),
        "status": one_of(*FrictionPoint.Status.values),
        "author": ids(*e["users"]),
    }


def interaction_form(world: World) -> dict[str, st.SearchStrategy]:
    e = everything(world)
    return {
        "date": date(),
        "kind": one_of(*Interaction.Kind.values),
        "stakeholder": ids(*e["parties"]),
        "project": ids(*e["projects"]),
        "contacts": ids(*e["contacts"]),
        "staff": ids(*e["users"]),
        "summary": text(),
        "follow_up": text(),
        "follow_up_owner": ids(*e["users"]),
        "follow_up_due": date(),
    }


def agreement_form(world: World) -> dict[str, st.SearchStrategy]:
    e = everything(world)
    return {
        "stakeholder": ids(*e["parties"]),
        "project": ids(*e["projects"]),
        "title": text(),
        "owed_by": one_of(*Agreement.OwedBy.values),
        "due_date": date(),
        "description": text(),
    }


def contact_form(world: World) -> dict[str, st.SearchStrategy]:
    return {
        "name": text(),
        "role": text(),
        "email": one_of("a@b.example", "not-an-email", f"{SCRIPT}@x.example"),
        "phone": text(),
        "stakeholder": ids(*world.parties.values()),
    }


def fields(**strategies: Callable[[World], st.SearchStrategy] | st.SearchStrategy):
    """A form's fields where each value is a strategy, or a function of the world."""

    def build(world: World) -> dict[str, st.SearchStrategy]:
        return {
            name: strategy(world) if callable(strategy) else strategy
            for name, strategy in strategies.items()
        }

    return build


def _users(world: World) -> st.SearchStrategy:
    names = [u.username for u in world.users.values() if u]
    return st.one_of(st.sampled_from(names), ANY)


# Each POST URL: the fields of its form(s), read from the forms and views.
FUZZ: dict[str, Callable[[World], dict[str, st.SearchStrategy]]] = {
    "login": fields(username=_users, password=one_of("binnenbuiten", "wrong"), next=url()),
    "logout": fields(next=url()),
    "password_change": fields(
        old_password=one_of("binnenbuiten"),
        new_password1=one_of("een-lang-nieuw-wachtwoord-42"),
        new_password2=one_of("een-lang-nieuw-wachtwoord-42"),
    ),
    "password_reset": fields(
        email=one_of("projectleider@gemeente.example", "niemand@gemeente.example")
    ),
    "accounts:two_factor_enrol": fields(code=one_of("123456", "12 34 56"), next=url()),
    "accounts:two_factor_verify": fields(code=one_of("123456"), next=url()),
    "accounts:two_factor_recovery": fields(code=one_of("abcdefgh"), next=url()),
    "accounts:two_factor_recovery_codes_new": fields(next=url()),
    "accounts:two_factor_remove": fields(password=one_of("binnenbuiten", "wrong")),
    "stakeholders:create_inline": fields(
        name=text(),
        kind=one_of(*Stakeholder.Kind.values),
        confirm=one_of("on", ""),
        target=one_of("id_partners-0-stakeholder", SCRIPT),
        prefix=one_of("partners-0", ATTRIBUTE),
        next=url(),
    ),
    "stakeholders:archive": fields(confirm=one_of("ja", "nee")),
    "stakeholders:restore": fields(confirm=one_of("ja", "nee")),
    "stakeholders:contact_add": contact_form,
    "stakeholders:contact_edit": contact_form,
    "projects:create": project_form,
    "projects:edit": project_form,
    "projects:step_status": fields(status=one_of(*ProcedureStep.Status.values)),
    "projects:archive": fields(confirm=one_of("ja", "nee")),
    "projects:restore": fields(confirm=one_of("ja", "nee")),
    "projects:friction_edit": lambda world: {
        **friction_form(world),
        "version": one_of(1, 2, 0),
    },
    "projects:friction_archive": fields(confirm=one_of("ja", "nee")),
    "projects:friction_restore": fields(confirm=one_of("ja", "nee")),
    "projects:friction_create": friction_form,
    "projects:friction_comment": fields(
        text=text(), support_asked=one_of(*FrictionPoint.Support.values)
    ),
    "projects:friction_status": fields(status=one_of(*FrictionPoint.Status.values)),
    "projects:friction_close": fields(
        approach=one_of(*FrictionPoint.Approach.values), lesson_learned=text()
    ),
    "projects:support_answer": fields(text=text(), next=url()),
    "projects:think_along": fields(text=text(), proposal=one_of(*FrictionPoint.Approach.values)),
    "projects:procedure_purpose": fields(purpose=text()),
    "projects:interaction_create": interaction_form,
    "projects:agreement_create": agreement_form,
    "projects:party_interaction_create": interaction_form,
    "projects:party_agreement_create": agreement_form,
    "projects:follow_up_done": fields(done=one_of("on", "true", ""), next=url()),
    "projects:agreement_status": fields(
        status=one_of(*Agreement.Status.values), scope=one_of("party", "project"), next=url()
    ),
    "projects:agreement_milestone": fields(scope=one_of("party", "project"), next=url()),
}
# POST URLs without a fuzz entry, each with the reason.
NOT_FUZZED: dict[str, str] = {
    "password_reset_confirm": (
        "with an invalid link it ignores the body (the access matrix posts to it); a valid "
        "link needs a fresh token per user, and the form is Django's SetPasswordForm"
    ),
}


# --- the cells of the matrix ----------------------------------------------------------------------

REFUSED = (403, 404, LOGIN)


@dataclass(frozen=True)
class Cell:
    persona: str
    kind: str
    status: Any


def post_cells(name: str) -> tuple[list[Cell], list[Cell]]:
    """(allowed, refused) persona × kind cells of a route's POST expectations."""
    route = ROUTES[name]
    allowed, refused = [], []
    for persona in PERSONAS:
        for kind in route.kinds:
            status = status_of(route.post, persona, "own" if kind == "none" else kind)
            if status == NA:
                continue
            if name != "logout" and status in REFUSED:
                refused.append(Cell(persona, kind, status))
            else:
                allowed.append(Cell(persona, kind, status))
    return allowed, refused


def url_for(world: World, name: str, kind: str) -> str:
    return reverse(name, kwargs=ROUTES[name].kwargs(world, "own" if kind == "none" else kind))


def send(client: Any, url: str, data: dict[str, Any], encoding: str, headers: dict) -> Any:
    if encoding == "multipart":
        return client.post(url, data, headers=headers)
    if encoding == "urlencoded":
        body = urlencode(data, doseq=True)
        return client.post(
            url, body, content_type="application/x-www-form-urlencoded", headers=headers
        )
    if encoding == "json":
        return client.post(url, json.dumps(data), content_type="application/json", headers=headers)
    # A multipart body that does not match its boundary.
    return client.post(
        url,
        b'--other\r\nContent-Disposition: form-data; name="x"\r\n\r\n\x00\xff--',
        content_type="multipart/form-data; boundary=expected",
        headers=headers,
    )


def body_of(response: Any) -> str:
    streaming = response.streaming
    content = b"".join(response.streaming_content) if streaming else response.content
    if not response.get("Content-Type", "").startswith(("text/", "application/json")):
        return ""
    return content.decode("utf-8", errors="replace")


def check_answer(response: Any, persona: str, what: str) -> None:
    """What holds for every answer: no server error, no unescaped payload, no redirect
    off the site, nothing the persona may not read."""
    assert response.status_code < 500, f"{what}: {response.status_code}"
    body = body_of(response)
    for raw in RAW:
        assert raw not in body, f"{what}: the submitted script comes back unescaped"
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), (
            f"{what}: redirects off the site to {location!r}"
        )
    leaked = leaked_secrets(persona, body)
    assert not leaked, f"{what}: shows {persona} what is not for them: {leaked}"


def foreign_rows(world: World) -> dict[str, list[dict[str, Any]]]:
    """The rows of the other and the confidential project (and their parties' contact
    persons), which nobody but a Beheerder can change from their own pages."""
    foreign = [world.projects["other"].pk, world.projects["confidential"].pk]
    parties = [world.parties["other"].pk, world.parties["confidential"].pk]
    querysets = {
        "project": Project.objects.filter(pk__in=foreign),
        "point": FrictionPoint.objects.filter(project__in=foreign),
        "point_department": FrictionPoint.departments.through.objects.filter(
            frictionpoint__project__in=foreign
        ),
        "update": FrictionUpdate.objects.filter(friction_point__project__in=foreign),
        "milestone": Milestone.objects.filter(project__in=foreign),
        "step": ProcedureStep.objects.filter(milestone__project__in=foreign),
        "department": DepartmentInvolvement.objects.filter(project__in=foreign),
        "partner": StakeholderInvolvement.objects.filter(project__in=foreign),
        "interaction": Interaction.objects.filter(project__in=foreign),
        "participant": InteractionParticipant.objects.filter(
            Q(interaction__project__in=foreign) | Q(contact__stakeholder__in=parties)
        ),
        "follow_up": FollowUp.objects.filter(interaction__project__in=foreign),
        "agreement": Agreement.objects.filter(project__in=foreign),
        "contact": Contact.objects.filter(stakeholder__in=parties),
    }
    return {key: list(qs.order_by("pk").values()) for key, qs in querysets.items()}


# --- coverage -------------------------------------------------------------------------------------


def test_every_post_url_is_fuzzed_or_has_a_reason():
    posting = {name for name, route in ROUTES.items() if route.post is not None}
    assert not FUZZ.keys() & NOT_FUZZED.keys()
    missing = sorted(posting - FUZZ.keys() - NOT_FUZZED.keys())
    stale = sorted((FUZZ.keys() | NOT_FUZZED.keys()) - posting)
    assert not missing, f"POST URLs without a fuzz entry (or a reason in NOT_FUZZED): {missing}"
    assert not stale, f"fuzz entries for URLs that take no POST: {stale}"


# --- POST -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FUZZ))
def test_fuzzed_post(world: World, name: str) -> None:
    allowed, refused = post_cells(name)
    strategies = FUZZ[name](world)
    form = st.fixed_dictionaries({}, optional=strategies)
    encodings = st.sampled_from(["multipart", "multipart", "urlencoded", "json", "broken"])

    @FUZZ_SETTINGS
    @given(
        data=form,
        encoding=encodings,
        htmx=st.booleans(),
        ok=st.sampled_from(allowed),
        no=st.sampled_from(refused) if refused else st.none(),
    )
    def run(data: dict, encoding: str, htmx: bool, ok: Cell, no: Cell | None) -> None:
        post_twice(world, name, data, encoding, htmx, ok, no)

    # Each class of nasty input in every field, as each allowed and refused cell in turn.
    for i, data in enumerate(classes_of(list(strategies)).values()):
        ok = allowed[i % len(allowed)]
        no = refused[i % len(refused)] if refused else None
        run = example(data=data, encoding="multipart", htmx=bool(i % 2), ok=ok, no=no)(run)
    run()


def post_twice(
    world: World, name: str, data: dict, encoding: str, htmx: bool, ok: Cell, no: Cell | None
) -> None:
    """Post ``data`` as an allowed and as a refused persona, each in a savepoint that is
    rolled back."""
    headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"} if htmx else {}
    with transaction.atomic():
        url = url_for(world, name, ok.kind)
        watch = ok.persona != "administrator"
        before = foreign_rows(world) if watch else None
        response = send(world.client(ok.persona), url, data, encoding, headers)
        what = f"POST {url} as {ok.persona} ({encoding}, htmx={htmx})"
        check_answer(response, ok.persona, what)
        if before is not None:
            assert foreign_rows(world) == before, f"{what} changed another project's rows"
        transaction.set_rollback(True)
    if no is None:
        return
    with transaction.atomic():
        url = url_for(world, name, no.kind)
        before = snapshot()
        response = send(world.client(no.persona), url, data, encoding, headers)
        what = f"refused POST {url} as {no.persona} ({encoding}, htmx={htmx})"
        check_answer(response, no.persona, what)
        if no.status == LOGIN:
            assert response.status_code == 302, what
            assert response["Location"].startswith(reverse("login")), what
        elif encoding == "broken":
            assert response.status_code in (400, no.status), what
        else:
            assert response.status_code == no.status, what
        changed = changes(before, snapshot())
        assert not changed, f"{what} changed data: {changed}"
        transaction.set_rollback(True)


# --- GET: filters, searches and the fragments htmx asks for ---------------------------------------

FRICTION_FILTERS = {
    "k-status": one_of("open", "afgesloten", "alle"),
    "k-severity": one_of(*FrictionPoint.Severity.values),
    "k-category": one_of(*FrictionPoint.Category.values),
    "k-source": one_of(*FrictionPoint.Source.values),
}
DASHBOARD_FILTERS = {
    "status": one_of("open", "afgesloten", "alle"),
    "category": one_of(*FrictionPoint.Category.values),
    "severity": one_of(*FrictionPoint.Severity.values),
    "period": one_of("7", "30", "90", "365"),
    "page": one_of("1", "2", "0", "last"),
    "fpage": one_of("1", "2"),
    "spage": one_of("1", "2"),
}


def _departments(world: World) -> st.SearchStrategy:
    return ids(*world.departments.values())


def _commissioners(world: World) -> st.SearchStrategy:
    return ids(world.users["commissioner"], world.others["commissioner"], world.users["leader"])


# Each page with query parameters: who opens it, on which kind of object, and its parameters.
GET_FUZZ: dict[str, tuple[str, str, Callable[[World], dict[str, st.SearchStrategy]]]] = {
    "stakeholders:list": (
        "leader",
        "none",
        fields(
            q=text(),
            kind=one_of(*Stakeholder.Kind.values),
            projects=one_of("any", "mine", "none"),
            contact=one_of("recent", "stale", "never"),
            sort=one_of("name", "recent", "projects"),
            archive=one_of("", "gearchiveerd", "alle"),
            page=one_of("1", "2", "last"),
        ),
    ),
    "stakeholders:search": (
        "leader",
        "none",
        fields(q=text(), name=text(), target=one_of("id_partners-0-stakeholder")),
    ),
    "stakeholders:create_inline": (
        "commissioner",
        "none",
        fields(target=text(), prefix=text(), next=url(), name=text()),
    ),
    "projects:list": (
        "commissioner",
        "none",
        fields(
            scope=one_of("mine", "all"),
            q=text(),
            status=one_of(*Project.Status.values),
            department=_departments,
            commissioner=_commissioners,
            archive=one_of("actief", "gearchiveerd", "alle"),
            page=one_of("1", "2", "last"),
        ),
    ),
    "projects:detail": (
        "leader",
        "own",
        fields(**FRICTION_FILTERS, **{"k-department": _departments}),
    ),
    "projects:friction_list": (
        "head",
        "own",
        fields(**FRICTION_FILTERS, **{"k-department": _departments}),
    ),
    "projects:dashboard": (
        "administrator",
        "none",
        fields(**DASHBOARD_FILTERS, department=_departments, commissioner=_commissioners),
    ),
    "projects:dashboard_export_csv": (
        "commissioner",
        "none",
        fields(**DASHBOARD_FILTERS, department=_departments),
    ),
    "projects:portfolio_report": (
        "administrator",
        "none",
        fields(**DASHBOARD_FILTERS, department=_departments, commissioner=_commissioners),
    ),
    "projects:inbox": (
        "head",
        "none",
        fields(
            status=one_of("open", "afgesloten", "alle"),
            department=_departments,
            page=one_of("1", "2"),
        ),
    ),
    "projects:insight": ("head", "none", fields(q=text(), page=one_of("1", "2"))),
    "projects:portfolio_grid": (
        "administrator",
        "none",
        fields(commissioner=_commissioners, page=one_of("1", "2")),
    ),
    "projects:interaction_list": ("leader", "own", fields(page=one_of("1", "2"))),
    "projects:history": ("leader", "own", fields(page=one_of("1", "2", "last"))),
    "projects:party_interaction_list": ("leader", "own", fields(page=one_of("1", "2"))),
}
HEADER_VALUE = st.one_of(
    st.sampled_from(URLISH + ["lessons", "true", "", "%00", "http://testserver/projects/1/"]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=100),
)
HTMX_HEADERS = st.fixed_dictionaries(
    {"HX-Request": st.sampled_from(["true", "false"])},
    optional={
        "HX-Current-URL": HEADER_VALUE,
        "HX-Target": HEADER_VALUE,
        "HX-History-Restore-Request": st.sampled_from(["true", "false"]),
    },
)


@pytest.mark.parametrize("name", sorted(GET_FUZZ))
def test_fuzzed_query(world: World, name: str) -> None:
    persona, kind, build = GET_FUZZ[name]
    strategies = build(world)
    params = st.fixed_dictionaries({}, optional=strategies)

    @settings(FUZZ_SETTINGS, max_examples=GET_EXAMPLES)
    @given(data=params, headers=st.one_of(st.just({}), HTMX_HEADERS))
    def run(data: dict, headers: dict) -> None:
        with transaction.atomic():
            url = url_for(world, name, kind)
            response = world.client(persona).get(url, data, headers=headers)
            check_answer(response, persona, f"GET {url} {data!r} {headers!r} as {persona}")
            transaction.set_rollback(True)

    htmx = {"HX-Request": "true", "HX-Current-URL": "http://[::1", "HX-Target": "lessons"}
    for i, data in enumerate(classes_of(list(strategies)).values()):
        run = example(data=data, headers=htmx if i % 2 else {})(run)
    run()


# --- stored text on every page --------------------------------------------------------------------


def test_user_text_is_escaped_on_every_page(world: World) -> None:
    """Script tags in every text a person can type (names, titles, purposes, lessons,
    summaries...), then every page of the matrix that the personas may open, as a whole
    page and as the fragment htmx asks for."""
    own = {kind: getattr(world, kind)["own"] for kind in ("projects", "points", "parties")}
    project, point, party = own["projects"], own["points"], own["parties"]
    Project.objects.filter(pk=project.pk).update(
        title=SCRIPT, purpose=ATTRIBUTE, description=SCRIPT, portfolio_holder=ATTRIBUTE
    )
    FrictionPoint.objects.filter(pk=point.pk).update(
        title=ATTRIBUTE, description=SCRIPT, purpose_question=ATTRIBUTE
    )
    FrictionPointFactory(
        project=project,
        closed=True,
        title=SCRIPT,
        lesson_learned=ATTRIBUTE,
        departments=[world.departments["own"]],
    )
    FrictionUpdate.objects.filter(friction_point=point).update(text=SCRIPT)
    Milestone.objects.filter(project=project).update(title=SCRIPT, description=ATTRIBUTE)
    Procedure.objects.filter(pk=world.procedures["own"].pk).update(name=ATTRIBUTE, purpose=SCRIPT)
    Department.objects.filter(pk=world.departments["own"].pk).update(name=SCRIPT)
    Sector.objects.filter(pk=world.departments["own"].sector_id).update(name=ATTRIBUTE)
    Stakeholder.objects.filter(pk=party.pk).update(name=SCRIPT, description=ATTRIBUTE)
    Contact.objects.filter(stakeholder=party).update(role=SCRIPT, phone=ATTRIBUTE)
    Interaction.objects.filter(project=project).update(summary=SCRIPT)
    FollowUp.objects.filter(interaction__project=project).update(description=ATTRIBUTE)
    Agreement.objects.filter(project=project).update(title=ATTRIBUTE, description=SCRIPT)
    for persona in ("leader", "commissioner", "head"):
        type(world.users[persona]).objects.filter(pk=world.users[persona].pk).update(
            first_name=SCRIPT, last_name=ATTRIBUTE
        )
    opened = 0
    for name, route in ROUTES.items():
        viewers = [
            persona
            for persona in PERSONAS
            if status_of(route.get, persona, "own") == 200 and persona != "anonymous"
        ]
        if not viewers:
            continue
        url = url_for(world, name, route.kinds[0])
        for headers in ({}, {"HX-Request": "true"}):
            response = world.client(viewers[0]).get(url, headers=headers)
            check_answer(response, viewers[0], f"GET {url} {headers} as {viewers[0]}")
            opened += 1
    assert opened > 40
    export = world.client("commissioner").get(reverse("projects:dashboard_export_csv"))
    assert "bb-xss" in body_of(export)  # the CSV holds the text as typed: it is no HTML


# --- what the fuzzing found, each as a plain minimal reproduction ---------------------------------

Request = tuple[str, str, Callable[[World], str], dict[str, Any], dict[str, str]]
FOUND: dict[str, Request] = {
    # A "next" without "/" or "." passes url_has_allowed_host_and_scheme, and redirect()
    # then takes it for a URL pattern name: NoReverseMatch.
    "agreement milestone, next=0": (
        "leader",
        "post",
        lambda w: reverse("projects:agreement_milestone", args=[w.agreements["own"].pk]),
        {"next": "0"},
        {},
    ),
    "agreement status, next=0": (
        "leader",
        "post",
        lambda w: reverse("projects:agreement_status", args=[w.agreements["own"].pk]),
        {"status": "nagekomen", "next": "0"},
        {},
    ),
    "follow-up done, next=0": (
        "leader",
        "post",
        lambda w: reverse("projects:follow_up_done", args=[w.follow_ups["own"].pk]),
        {"done": "on", "next": "0"},
        {},
    ),
    "support answer, next=0": (
        "commissioner",
        "post",
        lambda w: reverse(
            "projects:support_answer", args=[w.projects["own"].pk, w.points["own"].pk]
        ),
        {"text": "Ik bel de jurist.", "next": "0"},
        {},
    ),
    "new party, next=0": (
        "leader",
        "post",
        lambda w: reverse("stakeholders:create_inline"),
        {"name": "Stichting Zeldzaam Nieuw", "kind": "bedrijf", "confirm": "on", "next": "0"},
        {},
    ),
    # The htmx answer looks the procedure up among those the user heads; a Beheerder
    # heads none: Procedure.DoesNotExist.
    "procedure purpose by a Beheerder with htmx": (
        "administrator",
        "post",
        lambda w: reverse("projects:procedure_purpose", args=[w.procedures["own"].pk]),
        {"purpose": "Zorgvuldig besluiten."},
        {"HX-Request": "true"},
    ),
    # urlsplit() of the HX-Current-URL header raises ValueError for a bad IPv6 host.
    "friction log with a broken HX-Current-URL": (
        "leader",
        "get",
        lambda w: reverse("projects:friction_list", args=[w.projects["own"].pk]),
        {},
        {"HX-Request": "true", "HX-Current-URL": "http://[::1"},
    ),
    # SQLite: "LIKE or GLOB pattern too complex" (the search has no maximum length).
    "project search of 100,000 characters": (
        "leader",
        "get",
        lambda w: reverse("projects:list"),
        {"q": "A" * HUGE_LENGTH},
        {},
    ),
    # SQLite: OverflowError from a pk__in lookup with an id beyond 64 bits.
    "friction point with a department id beyond 64 bits": (
        "leader",
        "post",
        lambda w: reverse("projects:friction_create", args=[w.projects["own"].pk]),
        {"title": "Te laat", "severity": "2", "departments": "9" * 30},
        {},
    ),
    "milestone with a procedure id beyond 64 bits": (
        "leader",
        "post",
        lambda w: reverse("projects:create"),
        {
            "title": "Nieuw",
            "purpose": "Samen",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-procedures": "9" * 30,
        },
        {},
    ),
    # PostgreSQL: "PostgreSQL text fields cannot contain NUL (0x00) bytes" (DataError).
    "party search with NUL": (
        "leader",
        "get",
        lambda w: reverse("stakeholders:search"),
        {"q": "ab\x00cd"},
        {},
    ),
    "lessons search with NUL": (
        "head",
        "get",
        lambda w: reverse("projects:insight"),
        {"q": "ab\x00cd"},
        {},
    ),
}


@pytest.mark.parametrize("case", sorted(FOUND))
def test_found_by_fuzzing(world: World, case: str) -> None:
    persona, method, url, data, headers = FOUND[case]
    client = world.client(persona)
    response = getattr(client, method)(url(world), data, headers=headers)
    check_answer(response, persona, case)


def test_a_huge_form_count_builds_few_forms() -> None:
    """TOTAL_FORMS=999999999 makes the project form build 2,000 forms per formset: one
    POST by any Projectleider costs about half a minute of CPU and a 28 MB page. The
    "add a row" button stops at 100 rows; the formsets should too."""
    from projects.forms.projects import DepartmentFormSet, MilestoneFormSet, PartnerFormSet

    for formset_class, prefix in (
        (DepartmentFormSet, "departments"),
        (PartnerFormSet, "partners"),
        (MilestoneFormSet, "milestones"),
    ):
        data = {f"{prefix}-TOTAL_FORMS": "999999999", f"{prefix}-INITIAL_FORMS": "0"}
        formset = formset_class(data, instance=Project(), prefix=prefix)
        assert formset.total_form_count() <= 100, f"{prefix}: {formset.total_form_count()} forms"
