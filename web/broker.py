"""Handing work to a worker: one attempt, and a broker that is down is not an error.

A request that asks for background work (a rescan after an edit, fresh insight figures)
must not fail or hang because the broker is away: it publishes once, without Celery's
retry loop (a connect timeout of a second, ``CELERY_BROKER_TRANSPORT_OPTIONS``), and the
caller logs and carries on; a scheduled job catches up. Without a broker
(``CELERY_TASK_ALWAYS_EAGER``) the task runs here and now.

Tasks are found by their registered name, so a service that enqueues need not import the
tasks module that wraps the services (that would be an import cycle).
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

# What publishing raises when the broker cannot be reached.
BROKER_ERRORS = (BrokerOperationalError, RedisError, OSError)


def task_publish(name: str, **options: Any) -> None:
    """Publish the registered task ``name`` once (``apply_async(retry=False, **options)``).

    Raises one of ``BROKER_ERRORS`` when the broker is unreachable: the caller decides
    what that means for it.
    """
    current_app.tasks[name].apply_async(retry=False, **options)
