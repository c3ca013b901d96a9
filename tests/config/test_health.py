from __future__ import annotations

import pytest
from django.db import connection
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_it_reports_the_database_and_broker_up(client, settings):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "up"
    expected_broker = "up" if settings.REDIS_URL else "in-process"
    assert body["broker"] == expected_broker


def test_it_answers_503_and_names_the_database_when_it_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["status"] == "error"


def test_it_reports_the_broker_down_when_redis_does_not_answer(client, settings):
    # A closed port on this machine: the health check must say so within its timeout.
    settings.REDIS_URL = "redis://127.0.0.1:6399/0"
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["broker"] == "down"


def test_it_refuses_other_methods(client):
    assert client.post("/health/").status_code == 405
