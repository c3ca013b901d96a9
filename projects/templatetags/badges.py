"""Which ``utrecht-status-badge`` tone a value gets: ``{{ point.severity|tone:"severity" }}``.

The tones are the component library's (its modifier classes); the theme decides their
colours. The badge's text always names the value too, so colour is never the only cue.
"""

from __future__ import annotations

from django import template

from projects.models import Agreement, FrictionPoint
from projects.selectors.dashboard import Health

register = template.Library()

Severity = FrictionPoint.Severity
Status = FrictionPoint.Status
TONES: dict[str, dict[object, str]] = {
    "severity": {
        Severity.LOW: "inactive",
        Severity.MEDIUM: "neutral",
        Severity.HIGH: "warning",
        Severity.BLOCKING: "danger",
    },
    "friction_status": {
        Status.OPEN: "neutral",
        Status.IN_PROGRESS: "neutral",
        Status.CLOSED: "safe",
        Status.RESOLVED: "safe",
    },
    "health": {Health.ON_TRACK: "safe", Health.AT_RISK: "warning", Health.BLOCKED: "danger"},
    "agreement": {
        Agreement.Status.OPEN: "neutral",
        Agreement.Status.FULFILLED: "safe",
        Agreement.Status.LAPSED: "inactive",
    },
}


@register.filter
def tone(value: object, kind: str) -> str:
    """The tone of ``value`` among the ``kind`` values; "neutral" for any other value."""
    return TONES[kind].get(value, "neutral")
