"""The project's Celery app for a worker of the fault tests, with a short visibility timeout.

A task a worker took but never acknowledged (``task_acks_late``) goes back to the queue
once its visibility timeout has passed: in production twice the hard time limit
(``CELERY_BROKER_TRANSPORT_OPTIONS``), twelve minutes. Here a few seconds, and the
worker looks for such tasks every second, so a test can see it happen.
Use: ``celery -A tests.faults.celery_app worker``.
"""

from __future__ import annotations

from config.celery import app

VISIBILITY_TIMEOUT = 5

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
