"""The access matrix: every URL of our apps × every persona × own / other / confidential
object answers what the access rules say (``projects/permissions.py`` and the views'
own role checks), and a refused request changes nothing.

The URL names come from the resolver, and ``test_every_url_has_an_entry`` fails for a
view without an entry in ``ROUTES``, so a new view cannot be forgotten. The expectations
are written from the rules, not recorded from the server:

- a member of staff without a role reaches nothing but the public pages, signing in and
  out and the page that says so ("je hebt nog geen rol");
- every signed-in member of staff with a role reads a project that is not confidential; a
  confidential one is a 404 for anyone not involved (leader, commissioner, head of an
  involved department) and not a Beheerder;
- leader, commissioner, heads of involved departments and Beheerders contribute (log
  friction, comment, contact moments, agreements); leader, commissioner and Beheerders
  edit;
- support requests are answered by the project's commissioner or a Beheerder; the head
  of a department on the point thinks along (not a Beheerder); a procedure's purpose is set
  by its department's head or a Beheerder;
- the dashboard, its exports, report and portfolio grid are for Bureauhoofden and
  Beheerders; the inbox for Afdelingshoofden; "Waar wringt het?" for Bureauhoofden,
  Afdelingshoofden and Beheerders; projects and parties are added by Projectleiders,
  Bureauhoofden and Beheerders;
- contact persons of a party are for staff who work with it and Beheerders, and so is
  archiving and restoring the party.

Every 200 is also checked for text the persona may not read (``SECRETS``).

What people are told outside the pages follows the same rule: ``TOLD`` lists, per channel
(today the digest e-mail of the friction engine), who hears about news on each kind of
project when every persona has a reason to hear of it (heads a department the news names).
Nobody is told about a project they could not open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from projects.services.scan.digests import send_digests
from tests.access_world import (
    KINDS,
    NOT_OURS,
    PERSONAS,
    KwargsBuilder,
    World,
    changes,
    leaked_secrets,
    snapshot,
    url_patterns,
)
from tests.access_world import world as world  # noqa: F401 (the module-scoped fixture)
from tests.factories import DepartmentFactory, FrictionPointFactory

pytestmark = pytest.mark.django_db

LOGIN = "login"  # 302 to the login page
NO_ROLE = "no-role"  # 302 to "je hebt nog geen rol" (a signed-in person without a role)
REDIRECT = "redirect"  # 302 somewhere else
NA = "-"  # the persona has no object of this kind

Status = int | str
# One status for every kind, or (own, other, confidential).
Cell = Status | tuple[Status, Status, Status]


# --- how to build each URL's arguments, per kind of object ---------------------------------------


def no_object(world: World, kind: str) -> dict[str, Any]:
    return {}


def project(world: World, kind: str) -> dict[str, Any]:
    return {"pk": world.projects[kind].pk}


def step(world: World, kind: str) -> dict[str, Any]:
    return {"pk": world.projects[kind].pk, "step_pk": world.steps[kind].pk}


def point(world: World, kind: str) -> dict[str, Any]:
    return {"pk": world.projects[kind].pk, "fp": world.points[kind].pk}


def party(world: World, kind: str) -> dict[str, Any]:
    """A party involved in that kind of project only."""
    return {"pk": world.parties[kind].pk}


def contact(world: World, kind: str) -> dict[str, Any]:
    return {"pk": world.parties[kind].pk, "contact_pk": world.contacts[kind].pk}


def procedure(world: World, kind: str) -> dict[str, Any]:
    """The procedure of the department involved in that kind of project (own: the
    head's department)."""
    return {"procedure_pk": world.procedures[kind].pk}


def follow_up(world: World, kind: str) -> dict[str, Any]:
    """A follow-up owned by that project's leader, of a contact moment on it."""
    return {"pk": world.follow_ups[kind].pk}


def agreement(world: World, kind: str) -> dict[str, Any]:
    return {"pk": world.agreements[kind].pk}


def reset_link(world: World, kind: str) -> dict[str, Any]:
    return {"uidb64": "MQ", "token": "abc-123"}  # an invalid link


# --- the expectations -----------------------------------------------------------------------------


def expect(
    *,
    anonymous: Cell,
    leader: Cell,
    commissioner: Cell,
    head: Cell,
    administrator: Cell,
    outsider: Cell = NO_ROLE,
) -> dict[str, Cell]:
    """What each persona gets. The outsider, a member of staff without a role, reaches
    only what needs no role (public pages, signing in and out): everything else sends
    them to "je hebt nog geen rol"."""
    return {
        "anonymous": anonymous,
        "outsider": outsider,
        "leader": leader,
        "commissioner": commissioner,
        "head": head,
        "administrator": administrator,
    }


def everyone(
    status: Status, *, anonymous: Status = LOGIN, outsider: Status = NO_ROLE
) -> dict[str, Cell]:
    return expect(
        anonymous=anonymous,
        outsider=outsider,
        leader=status,
        commissioner=status,
        head=status,
        administrator=status,
    )


# Reading a project (or anything of it): the view rule.
SEE = expect(
    anonymous=LOGIN,
    leader=(200, 200, 404),
    commissioner=(200, 200, 404),
    head=(200, 200, 404),
    administrator=200,
)


def contribute(ok: Status) -> dict[str, Cell]:
    """Contributing to a project: leader, commissioner, heads of involved departments and
    Beheerders; ``ok`` is what a permitted request gets."""
    return expect(
        anonymous=LOGIN,
        leader=(ok, 403, 404),
        commissioner=(ok, 403, 404),
        head=(ok, 403, 404),
        administrator=ok,
    )


def edit(ok: Status) -> dict[str, Cell]:
    """Editing a project: leader, commissioner and Beheerders, not the heads."""
    return expect(
        anonymous=LOGIN,
        leader=(ok, 403, 404),
        commissioner=(ok, 403, 404),
        head=(403, 403, 404),
        administrator=ok,
    )


def roles(ok: Status, *allowed: str) -> dict[str, Cell]:
    """A page for some roles only (403 for the rest)."""
    return expect(
        anonymous=LOGIN,
        **{
            p: (ok if p in allowed else 403) for p in PERSONAS if p not in ("anonymous", "outsider")
        },
    )


def party_contacts(ok: Status) -> dict[str, Cell]:
    """A party's contact persons: staff of a project with the party, and Beheerders. A
    party is not confidential itself, so the refusal is a 403 for every kind."""
    return expect(
        anonymous=LOGIN,
        leader=(ok, 403, 403),
        commissioner=(ok, 403, 403),
        head=(ok, 403, 403),
        administrator=ok,
    )


def public(status: Status) -> dict[str, Cell]:
    """A page that needs neither a login nor a role."""
    return everyone(status, anonymous=status, outsider=status)


NOT_ALLOWED = everyone(405, anonymous=405)  # @require_POST before @login_required
NOT_ALLOWED_SIGNED_IN = everyone(405)  # @login_required before @require_POST


@dataclass(frozen=True)
class Route:
    kwargs: KwargsBuilder
    get: dict[str, Cell]
    # What a POST with an empty body answers; None: the view does not accept POST (a
    # separate test checks that it answers 405).
    post: dict[str, Cell] | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("none",) if self.kwargs is no_object else KINDS


ROUTES: dict[str, Route] = {
    # --- config/urls.py -------------------------------------------------------------------
    "home": Route(no_object, get=everyone(REDIRECT)),  # each role to its own start page
    "no_role": Route(no_object, get=everyone(REDIRECT, outsider=200)),  # with a role: home
    "health": Route(no_object, get=public(200)),
    # The privacy and accessibility statements are public (GET and HEAD only).
    "privacy": Route(no_object, get=public(200)),
    "accessibility": Route(no_object, get=public(200)),
    # --- django.contrib.auth.urls, served as ours ----------------------------------------------
    "login": Route(no_object, get=public(200), post=public(200)),
    # LogoutView takes POST only and sends everyone to the login page.
    "logout": Route(no_object, get=public(405), post=public(LOGIN)),
    # One's own password needs no role.
    "password_change": Route(
        no_object, get=everyone(200, outsider=200), post=everyone(200, outsider=200)
    ),
    "password_change_done": Route(no_object, get=everyone(200, outsider=200)),
    "password_reset": Route(no_object, get=public(200), post=public(200)),
    "password_reset_done": Route(no_object, get=public(200)),
    "password_reset_confirm": Route(reset_link, get=public(200), post=public(200)),
    "password_reset_complete": Route(no_object, get=public(200)),
    # --- accounts/urls.py: the second factor (nobody here has an app; tests/accounts/) ------
    "accounts:two_factor": Route(no_object, get=everyone(200, outsider=200)),
    # Opening the set-up writes no row (the secret waits in the session); an empty code is
    # refused beside the field.
    "accounts:two_factor_enrol": Route(
        no_object, get=everyone(200, outsider=200), post=everyone(200, outsider=200)
    ),
    # Without an app there is no code to give: on to the page asked for.
    "accounts:two_factor_verify": Route(
        no_object,
        get=everyone(REDIRECT, outsider=REDIRECT),
        post=everyone(REDIRECT, outsider=REDIRECT),
    ),
    "accounts:two_factor_recovery": Route(
        no_object,
        get=everyone(REDIRECT, outsider=REDIRECT),
        post=everyone(REDIRECT, outsider=REDIRECT),
    ),
    # New recovery codes are shown once, right after they were made; else the overview.
    "accounts:two_factor_recovery_codes": Route(
        no_object, get=everyone(REDIRECT, outsider=REDIRECT)
    ),
    "accounts:two_factor_recovery_codes_new": Route(
        no_object,
        get=everyone(405, anonymous=405, outsider=405),
        post=everyone(REDIRECT, outsider=REDIRECT),
    ),
    "accounts:two_factor_remove": Route(
        no_object,
        get=everyone(REDIRECT, outsider=REDIRECT),
        post=everyone(REDIRECT, outsider=REDIRECT),
    ),
    # --- stakeholders/urls.py ---------------------------------------------------------------
    "stakeholders:list": Route(no_object, get=everyone(200)),
    "stakeholders:search": Route(no_object, get=everyone(200)),
    "stakeholders:create_inline": Route(
        no_object,
        get=roles(200, "leader", "commissioner", "administrator"),
        post=roles(200, "leader", "commissioner", "administrator"),
    ),
    # The register of parties is the organisation's: every signed-in member of staff reads
    # a party's page (its project sections show only projects they may see).
    "stakeholders:detail": Route(party, get=everyone(200)),
    # Archiving and restoring a party: whoever keeps its contact persons. Without
    # confirm=ja the answer is the confirmation page.
    "stakeholders:archive": Route(party, get=NOT_ALLOWED, post=party_contacts(200)),
    "stakeholders:restore": Route(party, get=NOT_ALLOWED, post=party_contacts(200)),
    "stakeholders:contact_add": Route(party, get=party_contacts(200), post=party_contacts(200)),
    "stakeholders:contact_edit": Route(contact, get=party_contacts(200), post=party_contacts(200)),
    # --- projects/urls.py: the project pages ---------------------------------------------------
    "projects:list": Route(no_object, get=everyone(200)),
    "projects:create": Route(
        no_object,
        get=roles(200, "leader", "commissioner", "administrator"),
        post=roles(200, "leader", "commissioner", "administrator"),
    ),
    "projects:detail": Route(project, get=SEE),
    "projects:edit": Route(project, get=edit(200), post=edit(200)),
    # Whoever may see the project reads its history.
    "projects:history": Route(project, get=SEE),
    # Archiving and restoring: the same three as editing. Without confirm=ja the answer is
    # the confirmation page.
    "projects:archive": Route(project, get=NOT_ALLOWED, post=edit(200)),
    "projects:restore": Route(project, get=NOT_ALLOWED, post=edit(200)),
    # An empty status is refused with a message on the project page (a redirect).
    "projects:step_status": Route(step, get=NOT_ALLOWED, post=edit(REDIRECT)),
    # --- the friction log ----------------------------------------------------------------------
    "projects:friction_list": Route(project, get=SEE),
    "projects:friction_create": Route(project, get=contribute(200), post=contribute(200)),
    "projects:friction_detail": Route(point, get=SEE),
    "projects:friction_comment": Route(point, get=NOT_ALLOWED_SIGNED_IN, post=contribute(200)),
    "projects:friction_status": Route(point, get=NOT_ALLOWED_SIGNED_IN, post=contribute(200)),
    "projects:friction_close": Route(point, get=NOT_ALLOWED_SIGNED_IN, post=contribute(200)),
    # Editing a point someone logged is contributing; archiving it is for those who edit
    # the project (not the heads: the department a point is about cannot make it vanish).
    "projects:friction_edit": Route(point, get=contribute(200), post=contribute(200)),
    "projects:friction_archive": Route(point, get=NOT_ALLOWED_SIGNED_IN, post=edit(200)),
    "projects:friction_restore": Route(point, get=NOT_ALLOWED_SIGNED_IN, post=edit(200)),
    # --- dashboard, exports, reports, inbox, insight ---------------------------------------------
    "projects:dashboard": Route(no_object, get=roles(200, "commissioner", "administrator")),
    "projects:dashboard_export_csv": Route(
        no_object, get=roles(200, "commissioner", "administrator")
    ),
    "projects:dashboard_export_xlsx": Route(
        no_object, get=roles(200, "commissioner", "administrator")
    ),
    "projects:portfolio_report": Route(no_object, get=roles(200, "commissioner", "administrator")),
    "projects:portfolio_grid": Route(no_object, get=roles(200, "commissioner", "administrator")),
    "projects:support_answer": Route(
        point,
        get=NOT_ALLOWED,
        post=expect(
            anonymous=LOGIN,
            leader=(403, 403, 404),
            commissioner=(200, 403, 404),  # only the project's own commissioner
            head=(403, 403, 404),
            administrator=200,
        ),
    ),
    "projects:friction_report": Route(point, get=SEE),
    "projects:inbox": Route(no_object, get=roles(200, "head")),
    "projects:think_along": Route(
        point,
        get=NOT_ALLOWED,
        post=expect(
            anonymous=LOGIN,
            leader=(403, 403, 404),
            commissioner=(403, 403, 404),
            head=(200, 403, 404),  # the head of the department the point names
            administrator=403,  # a Beheerder sees the point but is no thinking partner
        ),
    ),
    "projects:procedure_purpose": Route(
        procedure,
        get=NOT_ALLOWED,
        # An empty purpose is allowed (it clears it): saved, back to the inbox.
        post=expect(
            anonymous=LOGIN,
            leader=403,
            commissioner=403,
            head=(REDIRECT, 403, 403),
            administrator=REDIRECT,
        ),
    ),
    "projects:insight": Route(no_object, get=roles(200, "commissioner", "head", "administrator")),
    # --- partners: contact moments and agreements -----------------------------------------------
    "projects:interaction_list": Route(project, get=SEE),
    "projects:interaction_create": Route(project, get=contribute(200), post=contribute(200)),
    "projects:agreement_create": Route(project, get=contribute(200), post=contribute(200)),
    "projects:party_interaction_list": Route(party, get=everyone(200)),
    # On a project with the party the user contributes to, or with the party as such
    # (Projectleider, Bureauhoofd, Beheerder).
    "projects:party_interaction_create": Route(
        party,
        get=expect(
            anonymous=LOGIN,
            leader=200,
            commissioner=200,
            head=(200, 403, 403),
            administrator=200,
        ),
        post=expect(
            anonymous=LOGIN,
            leader=200,
            commissioner=200,
            head=(200, 403, 403),
            administrator=200,
        ),
    ),
    # Only on a project with the party that the user contributes to.
    "projects:party_agreement_create": Route(
        party, get=party_contacts(200), post=party_contacts(200)
    ),
    # The follow-up's owner (the project's leader) or a contributor of its project.
    "projects:follow_up_done": Route(follow_up, get=NOT_ALLOWED, post=contribute(REDIRECT)),
    # An empty status comes back as an error message on the project page.
    "projects:agreement_status": Route(agreement, get=NOT_ALLOWED, post=contribute(REDIRECT)),
    "projects:agreement_milestone": Route(agreement, get=NOT_ALLOWED, post=edit(REDIRECT)),
}


# --- the cases ------------------------------------------------------------------------------------


def _own(kind: str) -> str:
    """URLs without an object have the one kind "none", looked up as "own"."""
    return "own" if kind == "none" else kind


def status_of(expectations: dict[str, Cell], persona: str, kind: str) -> Status:
    cell = expectations[persona]
    if isinstance(cell, tuple):
        return cell[KINDS.index(kind)]
    return cell


def _cases(method: str) -> list[Any]:
    """The cells of GET, or of POST. A form that a persona may open (GET 200) is left out
    of the POST cases: its empty POST only shows the form again (tests/test_fuzz.py posts
    to it in earnest)."""
    cases = []
    for name, route in ROUTES.items():
        expectations = route.get if method == "get" else route.post
        if expectations is None:
            continue
        for persona in PERSONAS:
            for kind in route.kinds:
                status = status_of(expectations, persona, _own(kind))
                if status == NA:
                    continue
                if method == "post" and status_of(route.get, persona, _own(kind)) == 200:
                    continue
                cases.append(
                    pytest.param(name, persona, kind, status, id=f"{name}-{persona}-{kind}")
                )
    return cases


def _url(world: World, name: str, kind: str) -> str:
    return reverse(name, kwargs=ROUTES[name].kwargs(world, _own(kind)))


def _check_status(response: Any, expected: Status, what: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, what
        assert response["Location"].startswith(reverse("login")), what
    elif expected == NO_ROLE:
        assert response.status_code == 302, what
        assert response["Location"] == reverse("no_role"), what
    elif expected == REDIRECT:
        assert response.status_code == 302, what
        assert not response["Location"].startswith(reverse("login")), what
    else:
        assert response.status_code == expected, what


def _body(response: Any) -> str:
    if response.get("Content-Type", "").startswith(("text/", "application/json")):
        if response.streaming:
            return b"".join(response.streaming_content).decode()
        return response.content.decode()
    return ""


def test_every_url_has_an_entry():
    """A view added to the URL configuration needs a row in ROUTES (or a reason in
    access_world.NOT_OURS) before this passes."""
    names = {pattern.name for pattern in url_patterns()}
    missing = sorted(names - ROUTES.keys())
    stale = sorted(ROUTES.keys() - names)
    assert not missing, f"URLs without an access expectation in ROUTES: {missing}"
    assert not stale, f"ROUTES names URLs that no longer exist: {stale}"


def test_the_skipped_url_modules_each_have_a_reason():
    assert all(reason.strip() for reason in NOT_OURS.values())


@pytest.mark.parametrize(("name", "persona", "kind", "expected"), _cases("get"))
def test_get(world: World, name: str, persona: str, kind: str, expected: Status) -> None:
    url = _url(world, name, kind)
    response = world.client(persona).get(url)
    _check_status(response, expected, f"GET {url} as {persona}")
    if response.status_code == 200:
        leaked = leaked_secrets(persona, _body(response))
        assert not leaked, f"GET {url} shows {persona} what is not for them: {leaked}"


@pytest.mark.parametrize(("name", "persona", "kind", "expected"), _cases("post"))
def test_post_with_an_empty_body(
    world: World, name: str, persona: str, kind: str, expected: Status
) -> None:
    url = _url(world, name, kind)
    refused = expected in (403, 404, 405, NO_ROLE) or (expected == LOGIN and name != "logout")
    before = snapshot() if refused else None
    response = world.client(persona).post(url, {})
    _check_status(response, expected, f"POST {url} as {persona}")
    if response.status_code == 200:
        leaked = leaked_secrets(persona, _body(response))
        assert not leaked, f"POST {url} shows {persona} what is not for them: {leaked}"
    if before is not None:
        changed = changes(before, snapshot())
        assert not changed, f"refused POST {url} as {persona} changed data: {changed}"


@pytest.mark.parametrize("name", [name for name, route in ROUTES.items() if route.post is None])
def test_a_view_without_a_post_entry_refuses_post(world: World, name: str) -> None:
    """So ROUTES cannot leave out a view that accepts POST (tests/test_fuzz.py fuzzes
    every POST it lists)."""
    url = _url(world, name, ROUTES[name].kinds[0])
    before = snapshot()
    response = world.client("administrator").post(url, {})
    assert response.status_code == 405, f"POST {url} is accepted: add a post entry to ROUTES"
    assert not changes(before, snapshot())


@pytest.mark.parametrize(
    ("persona", "name", "kind", "secret"),
    [
        ("administrator", "projects:detail", "confidential", "ZwaluwQ7"),
        ("administrator", "stakeholders:detail", "other", "KievitQ7"),
        ("administrator", "stakeholders:detail", "confidential", "ReigerQ7"),
        ("leader", "stakeholders:detail", "own", "MerelQ7"),
        ("head", "projects:interaction_list", "own", "MerelQ7"),
    ],
)
def test_the_secrets_show_where_they_may(
    world: World, persona: str, name: str, kind: str, secret: str
) -> None:
    """The texts the matrix looks for are on the pages of those who may read them, so
    their absence elsewhere means something."""
    response = world.client(persona).get(_url(world, name, kind))
    assert response.status_code == 200
    assert secret in _body(response)


# --- what each persona is told --------------------------------------------------------------------


def _digest(world: World, kind: str) -> dict[str, str]:
    """An automatic flag on that kind of project that names a department headed by each
    persona (so each has a reason to hear of it), then the friction engine's digests.
    Returns each persona's e-mail bodies, text and HTML."""
    departments = [
        DepartmentFactory(name=f"Afdeling van {persona}", head=user)
        for persona, user in world.users.items()
        if user is not None
    ]
    FrictionPointFactory(
        project=world.projects[kind],
        automatic=True,
        title=f"Signalering {kind}",
        departments=departments,
    )
    mail.outbox.clear()
    send_digests(today=dt.date(2026, 5, 4), project_ids=[world.projects[kind].pk])
    by_address = {}
    for message in mail.outbox:
        html = "".join(content for content, _type in message.alternatives)
        by_address[message.to[0]] = message.body + html
    return {
        persona: by_address.get(user.email, "")
        for persona, user in world.users.items()
        if user is not None
    }


# Being told follows the view rule (``SEE``): who may open the project hears the news.
CHANNELS = {"digest": _digest}
TOLD = SEE


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("channel", CHANNELS)
def test_what_each_persona_is_told(world: World, channel: str, kind: str) -> None:
    told = CHANNELS[channel](world, kind)
    heard = {persona for persona, text in told.items() if f"Signalering {kind}" in text}
    may_hear = {persona for persona in told if status_of(TOLD, persona, kind) == 200}
    assert heard == may_hear, f"{channel} about the {kind} project"
    for persona, text in told.items():
        leaked = leaked_secrets(persona, text)
        assert not leaked, f"the {channel} tells {persona} what is not for them: {leaked}"
