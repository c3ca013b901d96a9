"""What a scan reports: the flags it changed and the points it escalated or marked stale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from projects.services.scan.common import Severity


@dataclass(frozen=True, slots=True)
class FlagChange:
    """A flag the scan raised, updated or resolved, for printing and reporting."""

    friction_point_id: int
    project_id: int
    project_title: str
    title: str
    flag_kind: str
    severity: int
    slack_days: int | None
    latest_start: dt.date | None
    note: str

    @classmethod
    def of(
        cls, pk: int, title: str, *, source: Any, slack_days: int | None, note: str
    ) -> FlagChange:
        """The change of flag ``pk``, its project, kind, severity and latest start read from
        ``source`` (the flag itself, or the step's evaluation)."""
        return cls(
            friction_point_id=pk,
            project_id=source.project_id,
            project_title=source.project_title,
            title=title,
            flag_kind=source.flag_kind,
            severity=source.severity,
            slack_days=slack_days,
            latest_start=source.latest_start,
            note=note,
        )

    def line(self) -> str:
        slack = "-" if self.slack_days is None else str(self.slack_days)
        return (
            f"#{self.friction_point_id} [{Severity(self.severity).label}] "
            f"{self.project_title}: {self.title} ({_('speling')} {slack}) {self.note}"
        )


@dataclass(frozen=True, slots=True)
class PointNote:
    """A friction point the scan escalated or marked stale."""

    friction_point_id: int
    project_id: int
    project_title: str
    title: str
    commissioner_id: int
    since: dt.date

    def line(self) -> str:
        return (
            f"#{self.friction_point_id} {self.project_title}: {self.title} ({self.since:%d-%m-%Y})"
        )


@dataclass(slots=True)
class ScanResult:
    today: dt.date
    steps_scanned: int = 0
    raised: list[FlagChange] = field(default_factory=list)
    updated: list[FlagChange] = field(default_factory=list)
    resolved: list[FlagChange] = field(default_factory=list)
    escalated: list[PointNote] = field(default_factory=list)
    stale: list[PointNote] = field(default_factory=list)
    mails_sent: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "steps": self.steps_scanned,
            "raised": len(self.raised),
            "updated": len(self.updated),
            "resolved": len(self.resolved),
            "escalated": len(self.escalated),
            "stale": len(self.stale),
            "mails": self.mails_sent,
        }
