"""Dates for the demo: everything is relative to one "today", so the data always looks alive.

Working-day arithmetic is the organisation's own (``governance.calendar``), built with the
closed days the demo writes, so demo flags agree with what the friction engine computes.
"""

from __future__ import annotations

import datetime as dt

from dateutil.easter import easter
from django.conf import settings
from django.utils import timezone

from governance.calendar import WorkingCalendar


def closed_days(*, today: dt.date) -> list[tuple[dt.date, str]]:
    # The Friday after Ascension Day (Easter + 40 days), the classic collective day off of
    # Dutch municipalities, this year and next.
    return [
        (easter(year) + dt.timedelta(days=40), "Vrijdag na Hemelvaart (collectieve vrije dag)")
        for year in (today.year, today.year + 1)
    ]


class Clock:
    """Today, working days, and timestamps in the past at office hours."""

    def __init__(self, *, today: dt.date) -> None:
        self.today = today
        self.calendar = WorkingCalendar(
            first_year=today.year - 5,
            last_year=today.year + 3,
            closed_days=[day for day, _ in closed_days(today=today)],
            liberation_day_every_year=settings.BB_LIBERATION_DAY_EVERY_YEAR,
        )
        self._tz = timezone.get_current_timezone()

    def day(self, offset: int) -> dt.date:
        """The working day ``offset`` calendar days from today, moved away from today if needed.

        Moving away keeps past dates in the past and future dates in the future.
        """
        day = self.today + dt.timedelta(days=offset)
        if offset < 0:
            return self.calendar.last_working_day_on_or_before(day)
        return self.calendar.first_working_day_on_or_after(day)

    def at(self, day: dt.date, minute: int = 0) -> dt.datetime:
        """A moment on a past ``day``, ``minute`` minutes after half past eight.

        Every timestamp the demo writes lies before today, so nothing happened "later today".
        """
        if day >= self.today:
            raise ValueError(f"demo timestamps lie before today, not on {day}")
        naive = dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(minutes=minute)
        return timezone.make_aware(naive, self._tz)

    def ago(self, days: int, minute: int = 0) -> dt.datetime:
        """``at`` on the working day ``days`` calendar days back (at least one)."""
        return self.at(self.day(-max(days, 1)), minute)
