"""The Celery app. The beat schedule lives here, in code, not in a database."""

from __future__ import annotations

import os

from celery import Celery, bootsteps
from celery.schedules import crontab

from config.env import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("binnenbuiten")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class _SecretKeyStep(bootsteps.Step):
    """A worker without a secret key (debug off) stops as it starts (a signal receiver
    could not: Celery logs a receiver's exception and goes on)."""

    def __init__(self, parent: object, **kwargs: object) -> None:
        require_secret_key()
        super().__init__(parent, **kwargs)


app.steps["worker"].add(_SecretKeyStep)

app.conf.beat_schedule = {
    "scan-friction-nightly": {
        "task": "projects.tasks.scan_friction",
        "schedule": crontab(hour=2, minute=15),
    },
    "scan-friction-office-hours": {
        "task": "projects.tasks.scan_friction",
        "schedule": crontab(minute=5, hour="8-18", day_of_week="mon-fri"),
    },
    # Contact persons past their retention period (BB_CONTACT_RETENTION_MONTHS).
    "purge-expired-contacts-nightly": {
        "task": "stakeholders.tasks.purge_expired_contacts",
        "schedule": crontab(hour=3, minute=30),
    },
}
