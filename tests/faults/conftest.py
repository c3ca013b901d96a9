"""Fault tests: the production stack (gunicorn, Celery worker, PostgreSQL, Redis) as real
processes, with a server stopped, killed or restarted underneath it.

They run apart from the suite (marker ``faults``, ``make faults``, one at a time) and
never touch the shared servers: each session starts a private PostgreSQL cluster and
each test its own Redis, on free ports under a temporary folder (``loadtest.stack``).
Nothing here uses pytest-django's test database: the processes under test are separate
programs, so the tests read the private databases through a connection of their own.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery import Celery

from loadtest.stack import (
    PostgresCluster,
    RedisServer,
    Service,
    manage,
    postgres_bindir,
    production_env,
    scratch_dir,
)

DEMO_TEMPLATE = "faults_demo"
DEMO_PROJECTS = 100
APP_DATABASE = "faults_app"
PASSWORD = "binnenbuiten"


@pytest.fixture(scope="session", autouse=True)
def static_files() -> None:
    """gunicorn runs with debug off, where pages name their static files through the
    manifest that collectstatic writes (a fresh clone has none yet)."""
    env = production_env(database_url="sqlite:///unused.sqlite3", redis_url="")
    manage("collectstatic", "--no-input", "--verbosity", "0", env=env)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    if postgres_bindir() is None:
        pytest.skip("needs the PostgreSQL server programs (initdb, pg_ctl)")
    with scratch_dir("bb-faults-pg-") as directory:
        cluster = PostgresCluster(directory)
        cluster.init()
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()


@pytest.fixture(scope="session")
def demo_template(postgres: PostgresCluster) -> str:
    """The name of a database with the demo organisation (its showcase projects, the demo
    accounts and generated projects around them): the template of the tests' databases."""
    url = postgres.create_database(DEMO_TEMPLATE)
    env = production_env(database_url=url, redis_url="")
    manage("migrate", "--no-input", env=env)
    manage("seed_demo", "--projects", str(DEMO_PROJECTS), env=env, debug=True)
    return DEMO_TEMPLATE


@pytest.fixture(scope="session")
def app_database(postgres: PostgresCluster, demo_template: str) -> str:
    """A copy of the demo organisation in database ``faults_app``."""
    return postgres.create_database(APP_DATABASE, template=demo_template)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def started() -> Iterator[Callable[[Service], Service]]:
    """``started(process)`` hands a started gunicorn or worker to the test's teardown,
    which kills it whether the test passed or not; returns the process."""
    services: list[Service] = []

    def register(service: Service) -> Service:
        services.append(service)
        return service

    yield register
    for service in reversed(services):
        service.kill()


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    path = tmp_path / "logs"
    path.mkdir()
    return path


@pytest.fixture
def send_task() -> Iterator[Callable[..., str]]:
    """Publish a task by name to a broker, as celery beat would; returns the task id.

    A bare Celery client: it does not load the project's settings, so the test process's
    own configuration stays as it is."""
    clients: list[Celery] = []

    def send(redis_url: str, name: str, **kwargs: object) -> str:
        client = Celery("faults-client", broker=redis_url, set_as_current=False)
        clients.append(client)
        return client.send_task(name, kwargs=kwargs).id

    yield send
    for client in clients:
        client.close()
