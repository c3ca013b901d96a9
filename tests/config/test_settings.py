"""Settings read the environment strictly; production refuses to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(
    code: str = "import config.settings as s; print(s.DEBUG, s.LANGUAGE_CODE)", **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


START_WEB = "import config.wsgi"
START_ASGI = "import config.asgi"
# The worker's start up to its boot steps (config.celery._SecretKeyStep), without a broker.
START_WORKER = (
    "from config.celery import app; "
    "w = app.WorkController(app=app, pool_cls='solo', hostname='test@here'); print('started')"
)


@pytest.mark.parametrize("start", [START_WEB, START_ASGI, START_WORKER])
def test_production_refuses_to_start_without_a_secret_key(start):
    result = _load_settings(start, DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr

    started = _load_settings(start, DJANGO_DEBUG="false", DJANGO_SECRET_KEY="s" * 50)
    assert started.returncode == 0, started.stderr


def test_commands_that_sign_nothing_run_without_a_secret_key():
    # `manage.py makemigrations --check` needs neither debug nor a key.
    result = _load_settings(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('makemigrations', check=True, dry_run=True, verbosity=0)",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    assert result.returncode == 0, result.stderr


def test_production_settings_start_with_a_secret_key():
    result = _load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "nl"]


def test_a_start_that_forgot_django_debug_runs_as_production():
    refused = _load_settings(START_WEB)
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in refused.stderr

    result = _load_settings(DJANGO_SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "nl"]


def test_debug_is_on_only_when_asked_for():
    result = _load_settings(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "nl"]


def test_the_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-" + "k" * 40 + "\n")
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.SECRET_KEY)"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY_FILE": str(secret)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "from-a-file-" + "k" * 40


def test_production_settings_pass_the_deploy_check():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "q7" * 20,
        DJANGO_ALLOWED_HOSTS="binnenbuiten.gemeente.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("raw", ["maybe", "2", "ja"])
def test_env_bool_refuses_a_value_it_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("BB_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="BB_TEST_FLAG"):
        env_bool("BB_TEST_FLAG", False)


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("On", True)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("BB_TEST_FLAG", raw)
    assert env_bool("BB_TEST_FLAG", not expected) is expected


def test_env_int_refuses_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("BB_TEST_INT", "tien")
    with pytest.raises(ImproperlyConfigured):
        env_int("BB_TEST_INT", 1)
    monkeypatch.setenv("BB_TEST_INT", "-1")
    with pytest.raises(ImproperlyConfigured):
        env_int("BB_TEST_INT", 1, minimum=0)
    monkeypatch.setenv("BB_TEST_INT", "12")
    assert env_int("BB_TEST_INT", 1, minimum=0) == 12


def test_env_int_refuses_values_above_the_maximum(monkeypatch):
    monkeypatch.setenv("BB_TEST_INT", "101")
    with pytest.raises(ImproperlyConfigured, match="at most 100"):
        env_int("BB_TEST_INT", 1, maximum=100)
    monkeypatch.setenv("BB_TEST_INT", "100")
    assert env_int("BB_TEST_INT", 1, maximum=100) == 100


@pytest.mark.parametrize(
    "env",
    [{"BB_IMPORT_MAX_FILES": "0"}, {"BB_IMPORT_MAX_FILES": "101"}, {"BB_IMPORT_MAX_ROWS": "veel"}],
)
def test_the_import_limits_refuse_a_value_out_of_range(env):
    result = _load_settings(DJANGO_DEBUG="true", **env)
    assert result.returncode != 0
    assert f"{next(iter(env))} must be" in result.stderr


def test_env_list_and_str(monkeypatch):
    monkeypatch.setenv("BB_TEST_LIST", "a.example, b.example,,")
    assert env_list("BB_TEST_LIST", []) == ["a.example", "b.example"]
    monkeypatch.delenv("BB_TEST_STR", raising=False)
    assert env_str("BB_TEST_STR", "standaard") == "standaard"


def test_env_choice_reads_a_listed_value_and_refuses_any_other(monkeypatch):
    choices = ("beheerder", "all", "none")
    monkeypatch.delenv("BB_TEST_CHOICE", raising=False)
    assert env_choice("BB_TEST_CHOICE", "beheerder", choices) == "beheerder"
    monkeypatch.setenv("BB_TEST_CHOICE", " All ")
    assert env_choice("BB_TEST_CHOICE", "beheerder", choices) == "all"
    monkeypatch.setenv("BB_TEST_CHOICE", "beheerders")
    with pytest.raises(ImproperlyConfigured, match="BB_TEST_CHOICE must be one of beheerder"):
        env_choice("BB_TEST_CHOICE", "beheerder", choices)


def test_the_second_factor_is_required_for_the_beheerder_unless_told_otherwise():
    show = "import config.settings as s; print(s.BB_2FA_REQUIRED_FOR)"

    def load(**env: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BB_2FA"))}
        return subprocess.run(
            [sys.executable, "-c", show],
            cwd=ROOT,
            env={**clean, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "s" * 50, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert load().stdout.strip() == "beheerder"
    assert load(BB_2FA_REQUIRED_FOR="none").stdout.strip() == "none"
    refused = load(BB_2FA_REQUIRED_FOR="iedereen")
    assert refused.returncode != 0
    assert "ImproperlyConfigured: BB_2FA_REQUIRED_FOR must be one of" in refused.stderr


def test_docker_compose_file_follows_the_compose_spec():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_runs_exactly_one_beat_and_every_service_needed():
    from ruamel.yaml import YAML  # comes with check-jsonschema

    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert set(compose["volumes"]) == {"pgdata", "redisdata"}
