"""The audit trail's plumbing: who made a change, also where there are no triggers.

The tracked models (``pghistory.track`` on projects, involvements, milestones, procedure
steps, friction points and their timeline entries, contact moments with their
participants and follow-ups, agreements, departments, procedures and contact persons)
each have an event table holding a snapshot per insert, update and delete. On
PostgreSQL, django-pghistory's triggers write those rows for every write, bulk writes
and raw SQL included, with the context that ``history_context`` (or the middleware
below) sets for the transaction: the user and URL of a request, or the ``actor`` of a
scheduled job.

SQLite (the ``make run`` default) has no triggers, and ``pghistory.context`` breaks
every write there: it prefixes each statement with PostgreSQL's ``set_config``. So on any
other database:

- ``history_context`` keeps the context in a context variable instead;
- receivers of ``post_save`` and ``post_delete`` write the same event rows for
  single-object saves and deletes, with that context; an update that changed no tracked
  field (compared with the values the instance was loaded with) records nothing, as the
  trigger's condition does. That costs one INSERT per saved or deleted row.
  Bulk writes (``QuerySet.update()``, ``bulk_create``, ``bulk_update``, raw SQL) send no
  signals: **they are recorded only on PostgreSQL**.

The receivers are connected only when the database is not PostgreSQL, so production pays
nothing for them; they are plumbing, not business logic.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import pghistory
import pghistory.trigger
import pgtrigger
from django.db import connection, models
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from pghistory import config as pghistory_config
from pghistory.middleware import HistoryMiddleware as PghistoryMiddleware
from pghistory.models import Event

# The context of the current unit of work where pghistory.context cannot be used.
_context: ContextVar[dict[str, Any] | None] = ContextVar("bb_history_context", default=None)


def uses_triggers() -> bool:
    """True when the database records history by itself (PostgreSQL with pgtrigger)."""
    return connection.vendor == "postgresql"


@contextmanager
def history_context(**metadata: Any) -> Iterator[None]:
    """Attach ``metadata`` (``user`` id, ``url``, ``actor``...) to every event recorded
    inside. Nested calls add to the outer context, as ``pghistory.context`` does; one
    context groups all changes of a request or job under one id."""
    if uses_triggers():
        with pghistory.context(**metadata):
            yield
        return
    current = _context.get()
    if current is not None:
        current["metadata"].update(metadata)
        yield
        return
    token = _context.set({"id": uuid.uuid4(), "metadata": dict(metadata)})
    try:
        yield
    finally:
        _context.reset(token)


class HistoryMiddleware(PghistoryMiddleware):
    """pghistory's middleware (user and URL of each writing request), which on databases
    without triggers uses the fallback context instead of ``pghistory.context``."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if uses_triggers():
            return super().__call__(request)
        if request.method not in pghistory_config.middleware_methods():
            return self.get_response(request)
        with history_context(**self.get_context(request)):
            return self.get_response(request)


# --- the fallback: the triggers' work done by signal receivers ------------------------------


@functools.cache
def _event_model(tracked: type[models.Model], tracker: type) -> tuple[type[Event], str] | None:
    for label, event_model in getattr(tracked, "pgh_event_models", {}).items():
        for candidate in event_model.pgh_trackers or ():
            if candidate.label == label and isinstance(candidate, tracker):
                return event_model, label
    return None


@functools.cache
def _trigger_uris() -> dict[tuple[type[models.Model], str], str]:
    return {
        (model, trigger.label): f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pghistory.trigger.Event)
    }


def _switched_off(tracked: type[models.Model], label: str) -> bool:
    """``pgtrigger.ignore`` switches the trigger off; the fallback follows it (seed_demo)."""
    uri = _trigger_uris().get((tracked, label))
    return uri is not None and pgtrigger.is_ignored(uri)


@functools.cache
def _snapshot_fields(event_model: type[Event], tracked: type[models.Model]) -> list[models.Field]:
    tracked_names = {field.name for field in tracked._meta.concrete_fields}
    return [
        field
        for field in event_model._meta.concrete_fields
        if not field.name.startswith("pgh_") and field.name in tracked_names
    ]


def _snapshot(event_model: type[Event], instance: models.Model) -> dict[str, Any]:
    fields = _snapshot_fields(event_model, type(instance))
    deferred = instance.get_deferred_fields()
    missing = [field.attname for field in fields if field.attname in deferred]
    if missing and instance.pk is not None:
        # One query for whatever was not loaded, instead of one per field.
        loaded = type(instance)._base_manager.filter(pk=instance.pk).values(*missing).first()
        for attname, value in (loaded or {}).items():
            setattr(instance, attname, value)
    return {field.attname: getattr(instance, field.attname, None) for field in fields}


def _write(event_model: type[Event], label: str, pk: Any, snapshot: dict[str, Any]) -> None:
    """Insert one event for the object ``pk`` with the current context. Saved raw, as
    fixtures are: the snapshot's values are stored as they are (a copied ``auto_now``
    field would otherwise be stamped anew), like the trigger's copy of the row."""
    event = event_model(pgh_label=label, pgh_created_at=timezone.now(), **snapshot)
    if any(field.name == "pgh_obj" for field in event_model._meta.fields):
        event.pgh_obj_id = pk
    context = _context.get()
    if context is not None:
        event.pgh_context = dict(context["metadata"])
        event.pgh_context_id = context["id"]
    event.save_base(raw=True, force_insert=True)


# The tracked values an instance was loaded (or last saved) with, to tell without a query
# whether a save changed anything the audit trail tracks.
_STATE = "_bb_history_state"


def _on_init(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    found = _event_model(sender, pghistory.UpdateEvent)
    if found is not None:
        loaded = instance.__dict__
        instance.__dict__[_STATE] = {
            field.attname: loaded[field.attname]
            for field in _snapshot_fields(found[0], sender)
            if field.attname in loaded
        }


def _unchanged(event_model: type[Event], instance: models.Model, snapshot: dict) -> bool:
    """Like the update trigger's condition: nothing tracked differs from before the save.
    Compared with the values the instance was loaded with; failing those (a field that
    was deferred), with the last event."""
    loaded = instance.__dict__.get(_STATE)
    if loaded is not None and loaded.keys() >= snapshot.keys():
        return all(loaded[name] == value for name, value in snapshot.items())
    previous = (
        event_model.objects.filter(pgh_obj_id=instance.pk)
        .order_by("-pgh_id")
        .values(*snapshot)
        .first()
    )
    if previous is None:
        return False
    fields = {field.attname: field for field in _snapshot_fields(event_model, type(instance))}
    return all(
        fields[name].to_python(previous[name]) == fields[name].to_python(value)
        for name, value in snapshot.items()
    )


def _on_save(sender: type[models.Model], instance: models.Model, created: bool, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures load rows as they are
        return
    found = _event_model(sender, pghistory.InsertEvent if created else pghistory.UpdateEvent)
    if found is None:
        return
    event_model, label = found
    if _switched_off(sender, label):
        return
    snapshot = _snapshot(event_model, instance)
    if created or not _unchanged(event_model, instance, snapshot):
        _write(event_model, label, instance.pk, snapshot)
    instance.__dict__[_STATE] = snapshot


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    found = _event_model(sender, pghistory.DeleteEvent)
    if found is not None and not _switched_off(sender, found[1]):
        event_model, label = found
        _write(event_model, label, instance.pk, _snapshot(event_model, instance))


def _on_pre_delete(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    # Load deferred fields while the row still exists; post_delete snapshots the instance.
    if instance.get_deferred_fields():
        instance.refresh_from_db(fields=list(instance.get_deferred_fields()))


def tracked_models() -> list[type[models.Model]]:
    """Every model with an event table (a many-to-many table included)."""
    from pghistory.core import event_models

    return list(dict.fromkeys(model.pgh_tracked_model for model in event_models()))


def connect_fallback() -> None:
    """Connect the receivers above, on databases without pghistory's triggers only."""
    if uses_triggers():
        return
    for model in tracked_models():
        uid = f"bb_history_{model._meta.label}"
        post_init.connect(_on_init, sender=model, dispatch_uid=uid)
        post_save.connect(_on_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_on_pre_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_delete, sender=model, dispatch_uid=uid)
