"""A test of a write checks what was stored, not only the status code or the page.

Every test function that posts through a test client, or calls a service named
``*_create``/``*_update``/``*_delete``/``*_save``, must afterwards read stored state: a
row (``.objects``, ``refresh_from_db``, a related manager's ``.get()``/``.exists()``), a
history event (``pgh_event_model``, ``*Event``), the admin's ``LogEntry``, the outbox
(``mail.outbox``), the session, the security log, or work queued for a worker. A call to
a helper of the same module counts as what the helper does (a helper that posts is a
write, one that reads a row is a read); helpers imported from elsewhere are not followed.
The check reads the source with ``ast`` and needs no database: about a second.

A post answered 405 (a read-only page refusing the method) writes nothing by
construction and counts as no write. Anything else that truly checks only a refusal
goes in ``ALLOWED`` with its reason.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# A write service by the house's naming (<thing>_<verb>); the ORM's own bulk and
# get-or-create helpers are setup, not the write under test.
WRITE_SERVICE = re.compile(r"^[a-z][a-z0-9_]*_(create|update|delete|save)$")
WRITES_IN_TEXT = re.compile(r"\bpost\(|_(create|update|delete|save)\(")
ORM_HELPERS = {"get_or_create", "update_or_create", "bulk_create", "bulk_update"}

# Attributes that read what was stored, whatever the receiver.
STATE_ATTRIBUTES = {
    "objects",  # a model's manager
    "_base_manager",
    "refresh_from_db",
    "outbox",  # mail.outbox
    "session",  # client.session: who is signed in, the verified second factor
    "pgh_event_model",  # the audit trail
    "values_list",
    "filter",
    "exclude",
    "aggregate",
}
# Query methods that take no positional argument on a queryset or related manager (and
# take one on a str, list or client: html.count("x"), client.get(url) are no state).
QUERY_METHODS = {"count", "exists", "all", "first", "last", "get"}
# Names of this suite's fixtures and helpers that read stored state or queued work.
STATE_NAMES = {
    "LogEntry",  # the admin history
    "security_log",  # the security log (fixture)
    "caplog",
    "published",  # projects scanned again (tests/projects/test_admin_rescan.py)
    "rescans",  # the same, for the services
    "broker_queue",  # tasks sent to the broker
    "django_capture_on_commit_callbacks",  # tasks queued to run after the commit
    "snapshot",  # every row of the access world (tests/test_access_matrix.py)
    "changes",
    "traces",  # every table that could hold a person (tests/stakeholders/test_erasure.py)
}

# Tests that post and read no state, each with why that is enough.
ALLOWED: dict[str, str] = {
    "projects/test_views_project_access.py::test_a_step_of_an_unknown_project_is_404": (
        "there is no such project, so no row to change; the refused step of a known"
        " project is checked in the access matrix (test_post_with_an_empty_body)"
    ),
    "projects/test_history.py::TestPage::test_it_shows_who_when_and_what_changed": (
        "reads the change back from the history page, which renders the stored events;"
        " the events of each kind are checked in TestRecording"
    ),
}


@dataclass(frozen=True)
class Finding:
    name: str
    line: int


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _direct_state(child: ast.AST) -> bool:
    if isinstance(child, ast.Attribute):
        return child.attr in STATE_ATTRIBUTES or child.attr.endswith("Event")
    if isinstance(child, ast.Name):
        return child.id in STATE_NAMES or child.id.endswith("Event")
    if isinstance(child, ast.Call):
        name = _call_name(child)
        return name.endswith("_history") or (
            isinstance(child.func, ast.Attribute) and name in QUERY_METHODS and not child.args
        )
    return False


@dataclass
class _Summary:
    """What one function does, gathered in a single walk; lines tell before from after."""

    state_lines: list[int] = field(default_factory=list)  # where it reads stored state
    first_seen: dict[str, int] = field(default_factory=dict)  # function called: line
    last_seen: dict[str, int] = field(default_factory=dict)
    writes: list[ast.Call] = field(default_factory=list)  # posts and write services
    method_refusals: set[int] = field(default_factory=set)  # ids of posts answered 405


def _summarise(function: ast.FunctionDef) -> _Summary:
    summary = _Summary()
    for child in ast.walk(function):
        if _direct_state(child):
            summary.state_lines.append(child.lineno)
        if isinstance(child, ast.Call):
            # Helpers count where they are called: a fixture's name passed in as an
            # argument is its value, not another run of its code.
            name = _call_name(child)
            if name == "post" or (WRITE_SERVICE.match(name) and name not in ORM_HELPERS):
                summary.writes.append(child)
            line = child.lineno
            summary.first_seen[name] = min(line, summary.first_seen.get(name, line))
            summary.last_seen[name] = max(line, summary.last_seen.get(name, line))
        if isinstance(child, ast.Assert) and any(
            isinstance(c, ast.Constant) and c.value == 405 for c in ast.walk(child)
        ):
            summary.method_refusals |= {
                id(c)
                for c in ast.walk(child)
                if isinstance(c, ast.Call) and _call_name(c) == "post"
            }
    return summary


def _functions(body: list[ast.stmt], prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef]]:
    for node in body:
        if isinstance(node, ast.ClassDef):
            yield from _functions(node.body, f"{prefix}{node.name}::")
        elif isinstance(node, ast.FunctionDef):
            yield prefix + node.name, node


def stateless_writes(source: str) -> list[Finding]:
    """The test functions in ``source`` that write and then read no stored state."""
    tests, helpers = [], {}
    for name, function in _functions(ast.parse(source).body):
        if function.name.startswith("test_"):
            tests.append((name, function))
        else:  # helpers of the same name (a method per class) count together
            helpers.setdefault(function.name, []).append(_summarise(function))
    # Helpers that write; a method named post is the client's post, already counted.
    write_helpers = {n for n, found in helpers.items() if any(h.writes for h in found)} - {"post"}
    state_helpers = {n for n, found in helpers.items() if any(h.state_lines for h in found)}
    grown = True
    while grown:  # a helper that calls a helper that reads state reads state too
        more = {
            n
            for n, found in helpers.items()
            if any(h.first_seen.keys() & state_helpers for h in found)
        }
        grown = not more <= state_helpers
        state_helpers |= more
    findings = []
    for name, function in tests:
        summary = _summarise(function)
        writes = [c.lineno for c in summary.writes if id(c) not in summary.method_refusals]
        writes += [line for n, line in summary.first_seen.items() if n in write_helpers]
        if not writes:
            continue
        first = min(writes)
        reads = summary.state_lines + [
            line for n, line in summary.last_seen.items() if n in state_helpers
        ]
        if not any(line >= first for line in reads):
            findings.append(Finding(name, function.lineno))
    return findings


@functools.cache
def _suite() -> dict[str, list[Finding]]:
    found = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        if WRITES_IN_TEXT.search(source):  # parse only the files that may write
            found[path.relative_to(TESTS).as_posix()] = stateless_writes(source)
    return found


def test_every_write_in_the_suite_is_followed_by_a_look_at_what_was_stored():
    missing = [
        f"tests/{path}:{finding.line} {finding.name}"
        for path, findings in _suite().items()
        for finding in findings
        if f"{path}::{finding.name}" not in ALLOWED
    ]
    assert not missing, (
        "These tests write (post, or call a *_create/_update/_delete/_save service) and then "
        "check only the answer. Assert what was stored (the row, the history event, the "
        "outbox), or that nothing was on a refusal:\n  " + "\n  ".join(missing)
    )


def test_every_allowed_exception_still_exists_and_is_still_needed():
    flagged = {f"{path}::{f.name}" for path, findings in _suite().items() for f in findings}
    stale = sorted(set(ALLOWED) - flagged)
    assert not stale, f"remove from ALLOWED (gone, or now checking state): {stale}"


# --- the check itself ----------------------------------------------------------------------


CASES = [
    ("def test_a(client):\n    assert client.post('/x/').status_code == 302\n", True),
    (
        "def test_a(client):\n    client.post('/x/')\n    assert Thing.objects.exists()\n",
        False,
    ),
    # State read before the post is setup, not a check of the write.
    (
        "def test_a(client):\n    assert not Thing.objects.exists()\n    client.post('/x/')\n",
        True,
    ),
    ("def test_a(client):\n    assert client.post('/x/').status_code == 405\n", False),
    (
        "def test_a(client):\n    html = client.post('/x/').content.decode()\n"
        "    assert html.count('<li') == 2\n",
        True,
    ),
    ("def test_a(p):\n    p.post('/x/')\n    p.thing.refresh_from_db()\n", False),
    ("def test_a(p):\n    p.post('/x/')\n    assert p.calendar.meetings.get().day\n", False),
    ("def test_a():\n    thing_update(thing=1)\n", True),
    ("def test_a():\n    Thing.objects.get_or_create(name='x')\n", False),
    (
        "def send(c):\n    return c.post('/x/')\n\n"
        "def test_a(client):\n    assert send(client).status_code == 302\n",
        True,
    ),
    (
        "def stored():\n    return Thing.objects.get()\n\n"
        "def test_a(client):\n    client.post('/x/')\n    assert stored().name\n",
        False,
    ),
    ("class TestA:\n    def test_a(self, client):\n        client.post('/x/')\n", True),
    # A fixture that reads state at setup is no look at what the test's post stored.
    (
        "def signed_in(client):\n    assert client.session\n    return client\n\n"
        "def test_a(signed_in):\n    assert signed_in.post('/x/').status_code == 302\n",
        True,
    ),
    (
        "def create(**kw):\n    return thing_create(**kw)\n\n"
        "def test_a():\n    with pytest.raises(ValueError):\n        create(name='')\n",
        True,
    ),
    ("def test_a(client):\n    client.post('/x/')\n    assert mail.outbox\n", False),
    (
        "def test_a(client):\n    client.post('/x/')\n"
        "    assert ThingEvent.objects.get().pgh_label\n",
        False,
    ),
]


def test_the_check_tells_a_look_at_the_stored_state_from_a_look_at_the_answer():
    for source, flagged in CASES:
        assert bool(stateless_writes(source)) is flagged, source
