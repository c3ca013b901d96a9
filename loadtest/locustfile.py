"""The load of `make load` (scripts/load.py runs it): the demo's people at work.

Each simulated user signs in as one of the demo accounts through the real login form and
then reads pages and logs friction ("Knelpunt melden", the inline htmx form) with a short
pause between actions. Project leaders, commissioners, department heads and an
administrator each do what their role does.

The server runs with production settings (``DJANGO_DEBUG=false``): secure ``__Host-``
cookies and an HTTPS redirect. As in production it sits behind a TLS-terminating proxy;
the client plays that proxy by sending ``X-Forwarded-Proto: https`` (the settings trust
it) and by keeping and returning the secure cookies over the plain local connection.

A response counts as a failure when its status is not the expected one or when it lacks
the text that shows the page really rendered.
"""

from __future__ import annotations

import itertools
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadtest.stack import CSRF_INPUT, SecureCookiesOverPlainHttp  # noqa: E402

PASSWORD = "binnenbuiten"  # the demo accounts' password (seed_demo)
PROJECT_LINK = re.compile(r'href="/projects/(\d+)/"')
PARTY_LINK = re.compile(r'href="/stakeholders/(\d+)/"')
FRICTION_FORM = re.compile(r'<form id="friction-form".*?</form>', re.S)
DEPARTMENT_BOX = re.compile(r'name="departments" value="(\d+)"')
_sequence = itertools.count(1)


class DemoUser(HttpUser):
    abstract = True
    # One to five seconds on a page before the next click: a busy morning, busier than
    # people really work.
    wait_time = between(1, 5)
    username = ""

    def on_start(self) -> None:
        self.client.cookies.set_policy(SecureCookiesOverPlainHttp())
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.projects: list[str] = []
        self.parties: list[str] = []
        self.contributes: dict[str, list[str] | None] = {}
        self.log_in()
        self.project_list()

    # --- helpers -------------------------------------------------------------------------

    def post(self, path: str, data: dict, *, name: str, **kwargs):
        """A form POST as a browser sends it: the CSRF token of the page it came from,
        and the Origin and Referer an HTTPS page gives (Django checks them)."""
        headers = {
            "Origin": self.origin,
            "Referer": self.origin + path,
            **kwargs.pop("headers", {}),
        }
        return self.client.post(path, data=data, headers=headers, name=name, **kwargs)

    def page(self, path: str, *, name: str, expect: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path}: status {response.status_code} {response.error or ''}")
            elif expect not in response.text:
                response.failure(f"{path}: no {expect!r} in the page")
            else:
                response.success()
            return response

    def log_in(self) -> None:
        form = self.page("/accounts/login/", name="login page", expect="csrfmiddlewaretoken")
        match = CSRF_INPUT.search(form.text or "")
        if match is None:
            return
        with self.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": match.group(1),
                "username": self.username,
                "password": PASSWORD,
            },
            name="login (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get(
                "Location", ""
            ):
                response.failure(f"login as {self.username} refused ({response.status_code})")

    def a_project(self) -> str:
        return random.choice(self.projects)

    # --- pages ---------------------------------------------------------------------------

    @task(3)
    def project_list(self) -> None:
        response = self.page("/projects/", name="/projects/", expect="bb-filters")
        found = sorted(set(PROJECT_LINK.findall(response.text or "")))
        if found:
            self.projects = found

    @task(4)
    def project_page(self) -> None:
        if not self.projects:
            return
        pk = self.a_project()
        response = self.page(f"/projects/{pk}/", name="/projects/[id]/", expect="knelpunten")
        if response.status_code == 200:
            form = FRICTION_FORM.search(response.text or "")
            self.contributes[pk] = DEPARTMENT_BOX.findall(form.group(0)) if form else None

    @task(1)
    def party_register(self) -> None:
        response = self.page("/stakeholders/", name="/stakeholders/", expect="<main")
        self.parties = sorted(set(PARTY_LINK.findall(response.text or ""))) or self.parties

    @task(1)
    def party_page(self) -> None:
        if self.parties:
            pk = random.choice(self.parties)
            self.page(f"/stakeholders/{pk}/", name="/stakeholders/[id]/", expect="<main")

    def log_friction(self) -> None:
        """ "Knelpunt melden" on a project page this user may contribute to."""
        mine = [pk for pk, departments in self.contributes.items() if departments]
        if not mine:
            self.project_page()
            return
        pk = random.choice(mine)
        page = self.page(f"/projects/{pk}/", name="/projects/[id]/", expect="friction-form")
        match = CSRF_INPUT.search(page.text or "")
        if match is None:
            return
        title = f"Belasting {self.username} {next(_sequence)}"
        data = {
            "csrfmiddlewaretoken": match.group(1),
            "title": title,
            "departments": random.choice(self.contributes[pk]),
            "severity": random.choice(["1", "2", "3", "4"]),
            "description": "Gemeld tijdens de belastingtest.",
        }
        with self.post(
            f"/projects/{pk}/friction/new/",
            data,
            name="knelpunt melden (POST)",
            headers={"HX-Request": "true", "HX-Current-URL": f"{self.origin}/projects/{pk}/"},
            catch_response=True,
        ) as response:
            if response.status_code != 200 or title not in (response.text or ""):
                response.failure(f"friction not logged ({response.status_code})")


class ProjectLeader(DemoUser):
    weight = 5
    username = "projectleider"

    @task(3)
    def friction(self) -> None:
        self.log_friction()


class Manager(DemoUser):
    """Managers and Beheerders also learn from friction across projects."""

    abstract = True

    @task(1)
    def insight(self) -> None:
        self.page("/inzicht/", name="/inzicht/", expect="<main")


class Commissioner(Manager):
    weight = 2
    username = "bureauhoofd"

    @task(4)
    def dashboard(self) -> None:
        self.page("/dashboard/", name="/dashboard/", expect="<main")

    @task(1)
    def friction(self) -> None:
        self.log_friction()


class DepartmentHead(Manager):
    weight = 2
    username = "afdelingshoofd"

    @task(4)
    def inbox(self) -> None:
        self.page("/inbox/", name="/inbox/", expect="<main")

    @task(1)
    def friction(self) -> None:
        self.log_friction()


class Administrator(Manager):
    weight = 1
    username = "beheerder"

    @task(2)
    def dashboard(self) -> None:
        self.page("/dashboard/", name="/dashboard/", expect="<main")
