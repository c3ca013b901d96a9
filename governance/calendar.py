"""The organisation's working-day calendar.

A working day is a Monday to Friday that is neither a Dutch public holiday nor one of
the organisation's own closed days (``ClosedDay``, kept in the admin).

Public holidays come from the ``holidays`` package (``country_holidays("NL")``): New
Year, Easter Monday, King's Day (27 April, or Saturday 26 April when the 27th is a
Sunday), Ascension Day, Whit Monday, Christmas and Boxing Day. Two deliberate departures:

- Good Friday is not a day off in Dutch government, so it is a working day here even
  though the package lists it; an organisation that closes on Good Friday adds a
  ``ClosedDay``.
- Liberation Day (5 May) is a day off in lustrum years (2025, 2030, ...) as in the
  package, or every year when ``settings.BB_LIBERATION_DAY_EVERY_YEAR`` is on.

Conventions of the arithmetic (days are "counted after" a date, never including it):

- ``add_working_days(d, n)`` is the n-th working day after ``d``;
- ``subtract_working_days(d, n)`` is the n-th working day before ``d``. Read with a due
  date: a procedure of n working days that must be ready when day ``d`` starts has to
  start on that day at the latest. When ``d`` is no working day, the working days just
  before it count, so a milestone on a Saturday leaves as much time as one on Monday;
- ``working_days_between(a, b)`` counts the working days in ``(a, b]``, negative when
  ``b`` lies before ``a`` (slack).

The calendar is built once for a range of years with one query of closed days, and
extends itself (one more query) only when arithmetic runs past that range.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Iterable

import holidays
from dateutil.easter import easter
from django.conf import settings

ClosedDayLoader = Callable[[dt.date, dt.date], Iterable[dt.date]]

# Growing the range in steps of a few years keeps far-off dates to a single extra query.
_EXTEND_YEARS = 3


def dutch_public_holidays(
    years: Iterable[int], *, liberation_day_every_year: bool
) -> dict[dt.date, str]:
    """Dutch public holidays that are days off in government, by date (Dutch names)."""
    years = list(years)
    days = dict(holidays.country_holidays("NL", years=years, language="nl").items())
    for year in years:
        days.pop(easter(year) - dt.timedelta(days=2), None)  # Good Friday: a working day
        if liberation_day_every_year:
            days.setdefault(dt.date(year, 5, 5), "Bevrijdingsdag")
    return days


class WorkingCalendar:
    """Working-day arithmetic over a range of whole years, O(1) or O(log n) per call."""

    def __init__(
        self,
        *,
        first_year: int,
        last_year: int,
        closed_days: Iterable[dt.date] = (),
        liberation_day_every_year: bool = False,
        closed_day_loader: ClosedDayLoader | None = None,
    ) -> None:
        if last_year < first_year:
            raise ValueError("last_year lies before first_year")
        self._liberation_day_every_year = liberation_day_every_year
        self._loader = closed_day_loader
        self._closed: set[dt.date] = set(closed_days)
        self._build(first_year, last_year)

    @classmethod
    def load(cls, *, start: dt.date, end: dt.date) -> WorkingCalendar:
        """The organisation's calendar for the years of ``start``..``end`` (its closed days
        from the cache, or one query)."""
        from governance.options import closed_days as loader

        first_year, last_year = min(start, end).year, max(start, end).year
        return cls(
            first_year=first_year,
            last_year=last_year,
            closed_days=loader(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)),
            liberation_day_every_year=settings.BB_LIBERATION_DAY_EVERY_YEAR,
            closed_day_loader=loader,
        )

    # --- building -------------------------------------------------------------------------

    def _build(self, first_year: int, last_year: int) -> None:
        self.first_year, self.last_year = first_year, last_year
        self.holidays = dutch_public_holidays(
            range(first_year, last_year + 1),
            liberation_day_every_year=self._liberation_day_every_year,
        )
        start = dt.date(first_year, 1, 1).toordinal()
        end = dt.date(last_year, 12, 31).toordinal()
        self._start = start
        # _before[i]: working days in the range strictly before day start + i.
        self._before = array("l", [0])
        self._working: list[int] = []
        for ordinal in range(start, end + 1):
            day = dt.date.fromordinal(ordinal)
            if day.weekday() < 5 and day not in self.holidays and day not in self._closed:
                self._working.append(ordinal)
            self._before.append(len(self._working))

    def _extend(self, year: int) -> None:
        """Grow the range to include ``year`` (and a few years beyond it)."""
        if year < self.first_year:
            first, last = year - _EXTEND_YEARS, self.last_year
            new_years = (first, self.first_year - 1)
        else:
            first, last = self.first_year, year + _EXTEND_YEARS
            new_years = (self.last_year + 1, last)
        if self._loader is not None:
            self._closed.update(
                self._loader(dt.date(new_years[0], 1, 1), dt.date(new_years[1], 12, 31))
            )
        self._build(first, last)

    def _index(self, *days: dt.date) -> int:
        """Position of the first day in the range, after growing it to hold all days."""
        for day in days:
            if not self.first_year <= day.year <= self.last_year:
                self._extend(day.year)
        return days[0].toordinal() - self._start

    def _working_at(self, position: int) -> dt.date:
        """The working day at ``position`` in the range, growing the range if needed."""
        while position < 0:
            old_start = self._start
            self._extend(self.first_year - 1)
            position += self._before[old_start - self._start]
        while position >= len(self._working):
            self._extend(self.last_year + 1)
        return dt.date.fromordinal(self._working[position])

    # --- queries --------------------------------------------------------------------------

    def _through(self, day: dt.date) -> int:
        """Working days in the range up to and including ``day``."""
        i = self._index(day)
        return self._before[i + 1]

    def _is_working(self, day: dt.date) -> int:
        i = self._index(day)
        return self._before[i + 1] - self._before[i]

    def is_working_day(self, day: dt.date) -> bool:
        return self._is_working(day) == 1

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day``; ``day`` itself when n is 0."""
        if n == 0:
            return day
        if n < 0:
            return self.subtract_working_days(day, -n)
        return self._working_at(self._through(day) + n - 1)

    def subtract_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day before ``day``; ``day`` itself when n is 0."""
        if n == 0:
            return day
        if n < 0:
            return self.add_working_days(day, -n)
        return self._working_at(self._through(day) - self._is_working(day) - n)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in ``(a, b]``; negative (the days in ``(b, a]``) when b < a."""
        ia = self._index(a, b)
        ib = b.toordinal() - self._start
        return self._before[ib + 1] - self._before[ia + 1]

    def last_working_day_on_or_before(self, day: dt.date) -> dt.date:
        return self._working_at(self._through(day) - 1)

    def first_working_day_on_or_after(self, day: dt.date) -> dt.date:
        return self._working_at(self._through(day) - self._is_working(day))
