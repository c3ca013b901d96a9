"""The working-day calendar against a deliberately naive oracle.

The oracle knows the Dutch rules as the calendar states them (not through the ``holidays``
package or the code under test) and answers every question by walking day by day over a
set of closed dates. Hypothesis draws calendars of one to three years with the
organisation's own closed days in and around them, and questions whose dates and answers
cross year ends and run several years past the calendar's range, so the calendar has to
grow (and fetch the closed days of the years it grows into) to answer them.

The settings are derandomized and keep no example database, so CI and ``make mutation``
run the same examples every time, in about a second.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from dateutil.easter import easter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.calendar import WorkingCalendar

D = dt.date
ONE_DAY = dt.timedelta(days=1)

# The rules below hold from 2014 on (before that: Queen's Day on 30 April); questions reach
# up to five years before FIRST_YEAR.
FIRST_YEAR, LAST_YEAR = 2020, 2040
# How far questions reach outside the calendar's range, in years; and the largest count.
REACH = 3
MAX_COUNT = 700

ORACLE_SETTINGS = settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@cache
def public_holidays(year: int, liberation_day_every_year: bool) -> frozenset[dt.date]:
    """The weekdays that can be public holidays in ``year``, by the Dutch rules."""
    easter_sunday = easter(year)
    kings_day = D(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it moves to Saturday 26 April
        kings_day -= ONE_DAY
    days = {
        D(year, 1, 1),
        easter_sunday + ONE_DAY,  # Easter Monday (Good Friday is a working day)
        kings_day,
        easter_sunday + dt.timedelta(days=39),  # Ascension Day
        easter_sunday + dt.timedelta(days=50),  # Whit Monday
        D(year, 12, 25),
        D(year, 12, 26),
    }
    if liberation_day_every_year or year % 5 == 0:
        days.add(D(year, 5, 5))
    return frozenset(days)


class Oracle:
    """Answers by walking one day at a time; slow, and obviously right."""

    def __init__(self, closed: set[dt.date], *, liberation_day_every_year: bool) -> None:
        self.closed = closed
        self.every_year = liberation_day_every_year

    def is_working(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in self.closed
            and day not in public_holidays(day.year, self.every_year)
        )

    def nth_after(self, day: dt.date, n: int) -> dt.date:
        while n:
            day += ONE_DAY
            n -= self.is_working(day)
        return day

    def nth_before(self, day: dt.date, n: int) -> dt.date:
        while n:
            day -= ONE_DAY
            n -= self.is_working(day)
        return day

    def add(self, day: dt.date, n: int) -> dt.date:
        return self.nth_after(day, n) if n >= 0 else self.nth_before(day, -n)

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b], negative when b lies before a."""
        if b < a:
            return -self.between(b, a)
        count, day = 0, a
        while day < b:
            day += ONE_DAY
            count += self.is_working(day)
        return count

    def latest_start(self, due: dt.date, lead_time: int) -> dt.date:
        """The last day a procedure of ``lead_time`` working days can start and still be
        done when ``due`` begins."""
        return self.nth_before(due, lead_time)

    def last_on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_working(day):
            day -= ONE_DAY
        return day

    def first_on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working(day):
            day += ONE_DAY
        return day


class Scenario:
    """A calendar built for a few years, its oracle, and a record of the closed-day
    queries it makes when it grows."""

    def __init__(self, first: int, last: int, closed: set[dt.date], every_year: bool) -> None:
        self.first, self.last = first, last
        self.queries: list[tuple[dt.date, dt.date]] = []

        def loader(start: dt.date, end: dt.date) -> list[dt.date]:
            self.queries.append((start, end))
            return sorted(day for day in closed if start <= day <= end)

        self.calendar = WorkingCalendar(
            first_year=first,
            last_year=last,
            closed_days=[day for day in closed if first <= day.year <= last],
            liberation_day_every_year=every_year,
            closed_day_loader=loader,
        )
        self.oracle = Oracle(closed, liberation_day_every_year=every_year)

    def check_growth(self, *days: dt.date) -> None:
        """No query when every day involved lay within the years the calendar was built
        for; and each query asked for whole years adjoining those it had."""
        if all(self.first <= day.year <= self.last for day in days):
            assert self.queries == []
        self.check_queries()

    def check_queries(self) -> None:
        """Each year's closed days were asked for exactly once, as whole years, and the
        years asked for adjoin the calendar's range without a gap."""
        years = [(self.first, self.last)]
        for start, end in self.queries:
            assert (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
            years.append((start.year, end.year))
        years.sort()
        for (_, previous_last), (next_first, _) in zip(years, years[1:], strict=False):
            assert next_first == previous_last + 1, years
        assert (years[0][0], years[-1][1]) == (
            self.calendar.first_year,
            self.calendar.last_year,
        )


def _boundary_days(first_year: int, last_year: int) -> list[dt.date]:
    """The days where an off-by-one at a year end shows."""
    days = []
    for year in range(first_year, last_year + 1):
        days += [D(year, 1, 1), D(year, 1, 2), D(year, 12, 30), D(year, 12, 31)]
    return days


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    first = draw(st.integers(FIRST_YEAR, LAST_YEAR))
    last = first + draw(st.integers(0, 2))
    window = (D(first - REACH, 1, 1), D(last + REACH, 12, 31))
    any_day = st.dates(*window) | st.sampled_from(_boundary_days(first - REACH, last + REACH))
    closed = draw(st.sets(any_day, max_size=15))
    return Scenario(first, last, closed, every_year=draw(st.booleans()))


@st.composite
def days_for(draw: st.DrawFn, scenario: Scenario) -> dt.date:
    """A day in the calendar's years, or up to two years beyond them either side."""
    first, last = scenario.first - 2, scenario.last + 2
    return draw(
        st.dates(D(first, 1, 1), D(last, 12, 31)) | st.sampled_from(_boundary_days(first, last))
    )


counts = st.integers(-5, 5) | st.integers(-MAX_COUNT, MAX_COUNT)


@ORACLE_SETTINGS
@given(data=st.data())
def test_is_working_day(data: st.DataObject) -> None:
    s = data.draw(scenarios())
    day = data.draw(days_for(s))
    assert s.calendar.is_working_day(day) == s.oracle.is_working(day)
    s.check_growth(day)


@ORACLE_SETTINGS
@given(data=st.data())
def test_adding_working_days(data: st.DataObject) -> None:
    s = data.draw(scenarios())
    day, n = data.draw(days_for(s)), data.draw(counts)
    expected = s.oracle.add(day, n)
    assert s.calendar.add_working_days(day, n) == expected
    s.check_growth(day, expected)


@ORACLE_SETTINGS
@given(data=st.data())
def test_subtracting_working_days(data: st.DataObject) -> None:
    s = data.draw(scenarios())
    day, n = data.draw(days_for(s)), data.draw(counts)
    expected = s.oracle.add(day, -n)
    assert s.calendar.subtract_working_days(day, n) == expected
    s.check_growth(day, expected)


@ORACLE_SETTINGS
@given(data=st.data())
def test_working_days_between(data: st.DataObject) -> None:
    s = data.draw(scenarios())
    a, b = data.draw(days_for(s)), data.draw(days_for(s))
    assert s.calendar.working_days_between(a, b) == s.oracle.between(a, b)
    s.check_growth(a, b)


@ORACLE_SETTINGS
@given(data=st.data())
def test_latest_start(data: st.DataObject) -> None:
    s = data.draw(scenarios())
    due, lead_time = data.draw(days_for(s)), data.draw(st.integers(1, MAX_COUNT))
    start = s.calendar.subtract_working_days(due, lead_time)
    assert start == s.oracle.latest_start(due, lead_time)
    # Starting that day, the procedure's working days run out just before ``due``.
    assert s.oracle.is_working(start)
    assert s.oracle.between(start - ONE_DAY, due - ONE_DAY) == lead_time
    s.check_growth(due, start)


@ORACLE_SETTINGS
@given(data=st.data())
def test_the_working_days_around_a_day(data: st.DataObject) -> None:
    s = data.draw(scenarios())
    day = data.draw(days_for(s))
    before, after = s.oracle.last_on_or_before(day), s.oracle.first_on_or_after(day)
    assert s.calendar.last_working_day_on_or_before(day) == before
    assert s.calendar.first_working_day_on_or_after(day) == after
    s.check_growth(day, before, after)


@ORACLE_SETTINGS
@given(data=st.data())
def test_one_calendar_answers_a_series_of_questions(data: st.DataObject) -> None:
    """Growing back and forth between questions keeps every answer right."""
    s = data.draw(scenarios())
    for _ in range(data.draw(st.integers(2, 4))):
        day, other, n = data.draw(days_for(s)), data.draw(days_for(s)), data.draw(counts)
        assert s.calendar.add_working_days(day, n) == s.oracle.add(day, n)
        assert s.calendar.working_days_between(day, other) == s.oracle.between(day, other)
        assert s.calendar.first_working_day_on_or_after(other) == s.oracle.first_on_or_after(other)
    s.check_queries()
