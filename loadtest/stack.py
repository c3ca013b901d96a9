"""The production-like stack as child processes: gunicorn, a Celery worker, and for the
fault tests private Redis and PostgreSQL servers.

``make load`` (scripts/load.py) and the fault tests (tests/faults/) share these helpers.
Every process is started in its own session and stopped through its own process group,
so nothing else on the machine is touched; the private servers listen on free ports
under a temporary folder and never disturb the shared PostgreSQL and Redis.

The web server runs with production settings (``DJANGO_DEBUG=false``). As in
production it expects a TLS-terminating proxy in front; ``client_session`` is an HTTP
client that plays that proxy (``X-Forwarded-Proto: https``, secure cookies returned).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON = sys.executable
# Variables of the calling environment that must not leak into the stack's processes.
_NOT_INHERITED = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "BB_", "PG")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], Any], *, timeout: float, what: str, every: float = 0.1) -> Any:
    """Call ``check`` until it returns something truthy; raise TimeoutError after
    ``timeout`` seconds. Exceptions count as "not yet"."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            result = check()
        except Exception as exc:  # noqa: BLE001 - not ready yet; reported on timeout
            result, last_error = None, exc
        if result:
            return result
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise TimeoutError(f"waited {timeout:.0f} s for {what}{detail}")
        time.sleep(every)


@dataclass
class Service:
    """A child process in its own process group, its output in ``log_path``."""

    name: str
    process: subprocess.Popen
    log_path: Path
    # What ends it at once without leaving work half done that matters here: gunicorn's
    # and celery's "quick"/"cold" shutdown (their SIGTERM waits for connections and tasks).
    stop_signal: int = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a crashing machine would (and as a
        test's teardown may: nothing of it is kept)."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        if self.running():
            self.signal_group(self.stop_signal)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.process.wait(timeout=10)
        else:
            # The leader is gone; its children (a pool, a gunicorn worker) may not be.
            self.signal_group(signal.SIGKILL)


def stop_all(*services: Service, timeout: float = 10) -> None:
    """Stop several at once: signal them all, then wait for each."""
    for service in services:
        if service.running():
            service.signal_group(service.stop_signal)
    for service in services:
        service.stop(timeout=timeout)


def start(
    name: str,
    args: list[str],
    *,
    env: dict[str, str],
    log_dir: Path,
    stop_signal: int = signal.SIGTERM,
) -> Service:
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Service(name, process, log_path, stop_signal)


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONUNBUFFERED="1")
    return env


def production_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """Settings as in production: debug off, a secret key, strict hosts, real servers.
    E-mail goes nowhere (the digests of the friction scan are not under test here)."""
    return {
        **base_env(),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        **extra,
    }


def manage(*args: str, env: dict[str, str], debug: bool = False) -> str:
    """Run a management command; ``debug`` for the ones that refuse production
    (seed_demo). Returns its output; raises with the output when it fails."""
    run_env = {**env, "DJANGO_DEBUG": "true"} if debug else env
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=run_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def gunicorn(
    *, env: dict[str, str], base_url: str, log_dir: Path, workers: int = 2, threads: int = 8
) -> Service:
    """gunicorn as in the Dockerfile (gthread), listening at ``base_url`` (http://host:port)."""
    return start(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            base_url.split("://", 1)[1],
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--graceful-timeout",
            "5",
            # Well beyond the clients' longest pause (5 s): a client reusing a connection
            # just as gunicorn closes it gets "Remote end closed connection" or, when the
            # request was already sent, "Connection reset by peer" (a browser silently
            # retries; requests does not). With 5 s the race still hit about one request
            # in a thousand. gunicorn's docs advise more than the default of 2 s behind a
            # load balancer anyway; the Dockerfile uses the same.
            "--keep-alive",
            "15",
        ],
        env=env,
        log_dir=log_dir,
        stop_signal=signal.SIGQUIT,
    )


def celery_worker(
    *,
    env: dict[str, str],
    log_dir: Path,
    name: str = "worker",
    app: str = "config",
    pool: str = "prefork",
    concurrency: int = 1,
) -> Service:
    return start(
        name,
        [
            str(BIN / "celery"),
            "-A",
            app,
            "worker",
            "--loglevel=INFO",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            f"--hostname={name}-{os.getpid()}@%h",
            # No other workers to meet: start at once.
            "--without-mingle",
            "--without-gossip",
        ],
        env=env,
        log_dir=log_dir,
        stop_signal=signal.SIGQUIT,
    )


def wait_for_worker(worker: Service, *, timeout: float = 30) -> None:
    def ready() -> bool:
        if not worker.running():
            raise RuntimeError(f"{worker.name} exited:\n{worker.tail()}")
        return " ready." in worker.log()

    try:
        wait_until(ready, timeout=timeout, what=f"{worker.name} to be ready")
    except TimeoutError as exc:
        raise TimeoutError(f"{exc}\n{worker.tail()}") from None


def task_succeeded(worker: Service, task_id: str) -> bool:
    return re.search(rf"Task [\w.]+\[{re.escape(task_id)}\] succeeded", worker.log()) is not None


class SecureCookiesOverPlainHttp(DefaultCookiePolicy):
    """Keep ``Secure`` cookies as plain ones, so they go back over http:// too: the TLS
    proxy this client stands in for would have received them over HTTPS. (requests
    sends from a copy of the jar with the default policy, so clearing the flag when the
    cookie is stored is the one place that works.)"""

    def set_ok(self, cookie, request) -> bool:
        cookie.secure = False
        return super().set_ok(cookie, request)


def client_session(base_url: str):
    """A ``requests`` session that talks to gunicorn as the TLS proxy in front would."""
    import requests

    session = requests.Session()
    session.cookies.set_policy(SecureCookiesOverPlainHttp())
    session.headers["X-Forwarded-Proto"] = "https"
    session.base_url = base_url.rstrip("/")
    session.origin = "https://" + session.base_url.split("://", 1)[1]
    return session


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if match is None:
        raise AssertionError("no CSRF token in the page")
    return match.group(1)


def form_post(session, path: str, data: dict[str, Any], *, token_from: str, **kwargs: Any):
    """POST a form as a browser on the HTTPS site would: the page's CSRF token, and the
    Origin and Referer headers Django checks on secure requests."""
    page = session.get(session.base_url + token_from, timeout=10)
    page.raise_for_status()
    headers = {"Origin": session.origin, "Referer": session.origin + token_from}
    headers.update(kwargs.pop("headers", {}))
    return session.post(
        session.base_url + path,
        data={"csrfmiddlewaretoken": csrf_token(page.text), **data},
        headers=headers,
        timeout=10,
        **kwargs,
    )


def log_in(session, username: str, password: str) -> None:
    response = form_post(
        session,
        "/accounts/login/",
        {"username": username, "password": password},
        token_from="/accounts/login/",
        allow_redirects=False,
    )
    if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
        raise AssertionError(f"login as {username} failed: {response.status_code}")


def wait_for_http(web: Service, base_url: str, *, timeout: float = 30) -> None:
    """Wait until gunicorn answers /health/ with 200."""
    session = client_session(base_url)

    def answers() -> bool:
        if not web.running():
            raise RuntimeError(f"{web.name} exited:\n{web.tail()}")
        return session.get(base_url + "/health/", timeout=2).status_code == 200

    try:
        wait_until(answers, timeout=timeout, what=f"{base_url}/health/")
    except TimeoutError as exc:
        raise TimeoutError(f"{exc}\n{web.tail()}") from None


# --- private servers for the fault tests ----------------------------------------------------


@dataclass
class RedisServer:
    """A throwaway redis-server on a free port. With ``appendonly`` its queue survives a
    restart, as with the ``--appendonly yes`` of docker-compose.yml."""

    directory: Path
    appendonly: bool = True
    port: int = field(default_factory=free_port)
    service: Service | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server")
        self.service = start(
            f"redis-{self.port}",
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "yes" if self.appendonly else "no",
            ],
            env=base_env(),
            log_dir=self.directory,
        )
        wait_until(self.ping, timeout=10, what="the private Redis")

    def ping(self) -> bool:
        import redis

        return bool(redis.Redis.from_url(self.url(), socket_connect_timeout=0.5).ping())

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service = None


def postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<n>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


@dataclass
class PostgresCluster:
    """A throwaway PostgreSQL cluster on a free port, trust auth for ``postgres``.

    initdb refuses to run as root, so as root the cluster belongs to the ``postgres``
    system user (``runuser``)."""

    directory: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise FileNotFoundError("initdb")
        command = [str(bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(
            command, check=True, env=base_env(), stdin=subprocess.DEVNULL, capture_output=True
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, user="postgres")
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def pg_ctl(self, action: str, *args: str) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", action, "-D", str(self.data), "-o", options,
            "-l", str(self.directory / "postgres.log"), "-w", "-t", "30", *args,
        )  # fmt: skip

    def start(self) -> None:
        self.pg_ctl("start")

    def restart(self) -> None:
        """A fast restart: every connection is cut, as after a failover or an upgrade."""
        self.pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "immediate")

    def connect(self, database: str = "postgres", *, autocommit: bool = True):
        import psycopg

        return psycopg.connect(self.url(database), autocommit=autocommit)

    def create_database(self, name: str, *, template: str | None = None) -> str:
        from psycopg import sql

        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
        with self.connect() as conn:
            conn.execute(query)
        return self.url(name)


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
