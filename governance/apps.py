from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Organisatie (binnen)")

    def ready(self) -> None:
        from governance.models import (
            ClosedDay,
            Department,
            Meeting,
            MeetingCalendar,
            Procedure,
            Sector,
        )

        for model in (Sector, Department, Procedure, ClosedDay, MeetingCalendar, Meeting):
            post_save.connect(_options_changed, sender=model, dispatch_uid=f"options-{model}")
            post_delete.connect(_options_changed, sender=model, dispatch_uid=f"options-del-{model}")


def _options_changed(**kwargs: object) -> None:
    from django.db import transaction

    from governance.options import options_batched, options_changed

    if options_batched():
        return
    # Now, for reads in this transaction, and again after the commit: a reader in between
    # may have cached the lists as they were before it.
    options_changed()
    transaction.on_commit(options_changed)
