"""A pytest plugin for mutation runs only (``-p tests.mutation_order`` in ``[tool.mutmut]
pytest_add_cli_args``): the tests that need no database run first.

mutmut runs each mutant against the tests that cover it with ``-x``, and pytest-django
puts the database tests first. A mutant that a table test catches is then caught before
the test database is even created, which roughly halves the run.
"""

from __future__ import annotations

import pytest


def _needs_database(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return (
        item.get_closest_marker("django_db") is not None
        or "db" in fixtures
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A stable sort: the database tests keep pytest-django's order among themselves.
    items.sort(key=_needs_database)
