"""Extension points: how an app that schedules work against the organisation hears of a
change to it.

``governance`` is a leaf: it never imports ``projects``. Yet a procedure's lead time or a
meeting calendar changed in the admin can raise or resolve flags on projects. The app
that owns those flags registers listeners here, once, from its ``AppConfig.ready()``
(``projects.apps.ProjectsConfig`` does), and the admin calls them after the change:

``register_schedule_listener(key, procedure_changed, calendar_changed)``
    ``procedure_changed(procedure_id=...)`` after a procedure's ``SCHEDULE_FIELDS``
    changed; ``calendar_changed(calendar_id=...)`` after meetings of a calendar were added,
    moved or removed. Both must be quick and safe inside a request (enqueue, do not scan).

Registrations are keyed, so registering again under the same key (a second ``ready()``
in tests) replaces instead of doubling.
"""

from __future__ import annotations

from collections.abc import Callable

# The fields of a procedure that decide when its steps must start.
SCHEDULE_FIELDS = frozenset({"lead_time_days", "meeting_calendar", "is_active"})

_procedure_listeners: dict[str, Callable[..., None]] = {}
_calendar_listeners: dict[str, Callable[..., None]] = {}


def register_schedule_listener(
    key: str, procedure_changed: Callable[..., None], calendar_changed: Callable[..., None]
) -> None:
    _procedure_listeners[key] = procedure_changed
    _calendar_listeners[key] = calendar_changed


def procedure_schedule_changed(*, procedure_id: int) -> None:
    for listener in _procedure_listeners.values():
        listener(procedure_id=procedure_id)


def meeting_calendar_changed(*, calendar_id: int) -> None:
    for listener in _calendar_listeners.values():
        listener(calendar_id=calendar_id)
