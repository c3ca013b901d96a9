"""The working-day calendar, checked against the public Dutch calendar.

The expected dates below were read from the calendar (weekdays, public holidays), not
computed with the code under test:

- 2025: Koningsdag on Saturday 26 April (27 April is a Sunday), so no weekday is lost;
  Liberation Day Monday 5 May is a day off (lustrum year); Easter Monday 21 April;
  Ascension Thursday 29 May; Whit Monday 9 June; Christmas Thursday 25 and Friday 26
  December; New Year Thursday 1 January 2026.
- 2026: Good Friday 3 April is a working day; Easter Monday 6 April; Koningsdag Monday
  27 April; Liberation Day Tuesday 5 May is a working day (not a lustrum year);
  Ascension Thursday 14 May; Whit Monday 25 May; Christmas Friday 25 December, Boxing
  Day on Saturday 26 December; New Year Friday 1 January 2027, then a weekend.
- 2028 and 2045: 5 May on a Friday; 2030: 5 May on a Sunday.

``test_calendar_oracle.py`` checks the same arithmetic against a naive oracle.
"""

from __future__ import annotations

import datetime as dt

import pytest

from governance.calendar import WorkingCalendar, dutch_public_holidays
from tests.factories import ClosedDayFactory

D = dt.date


@pytest.fixture
def cal() -> WorkingCalendar:
    # Built per test (a few milliseconds): mutation testing links a test only to the code
    # that ran during that test, set-up included.
    return WorkingCalendar(first_year=2025, last_year=2027)


def _loader(closed: set[dt.date], asked: list[tuple[dt.date, dt.date]] | None = None):
    """A stand-in for ``governance.options.closed_days`` that records what it was asked."""

    def closed_days(first: dt.date, last: dt.date) -> list[dt.date]:
        if asked is not None:
            asked.append((first, last))
        return sorted(day for day in closed if first <= day <= last)

    return closed_days


class TestPublicHolidays:
    @pytest.mark.parametrize(
        "day",
        [
            D(2026, 1, 1),  # Nieuwjaarsdag
            D(2026, 4, 6),  # Tweede paasdag
            D(2026, 4, 27),  # Koningsdag
            D(2026, 5, 14),  # Hemelvaartsdag
            D(2026, 5, 25),  # Tweede pinksterdag
            D(2026, 12, 25),  # Eerste kerstdag
            D(2025, 4, 21),  # Tweede paasdag
            D(2025, 5, 5),  # Bevrijdingsdag in a lustrum year
            D(2025, 5, 29),  # Hemelvaartsdag
            D(2025, 6, 9),  # Tweede pinksterdag
            D(2025, 12, 25),  # Eerste kerstdag
            D(2025, 12, 26),  # Tweede kerstdag
        ],
    )
    def test_a_public_holiday_on_a_weekday_is_no_working_day(self, cal, day):
        assert day.weekday() < 5
        assert not cal.is_working_day(day)

    @pytest.mark.parametrize(
        "day",
        [
            D(2026, 4, 3),  # Goede vrijdag: not a day off in Dutch government
            D(2025, 4, 18),  # Goede vrijdag 2025
            D(2026, 5, 5),  # Bevrijdingsdag outside a lustrum year
            D(2026, 5, 15),  # the Friday after Ascension, unless the organisation closes
            D(2025, 4, 25),  # the Friday before Koningsdag on Saturday 2025
            D(2025, 4, 28),  # the Monday after it
        ],
    )
    def test_these_weekdays_are_working_days(self, cal, day):
        assert cal.is_working_day(day)

    def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday(self):
        days = dutch_public_holidays([2025], liberation_day_every_year=False)
        assert D(2025, 4, 26) in days
        assert D(2025, 4, 27) not in days

    def test_weekends_are_no_working_days(self, cal):
        assert not cal.is_working_day(D(2026, 3, 14))  # Saturday
        assert not cal.is_working_day(D(2026, 3, 15))  # Sunday
        assert cal.is_working_day(D(2026, 3, 16))  # Monday

    def test_liberation_day_every_year_when_the_organisation_says_so(self):
        cal = WorkingCalendar(first_year=2026, last_year=2026, liberation_day_every_year=True)
        assert not cal.is_working_day(D(2026, 5, 5))
        assert cal.add_working_days(D(2026, 5, 4), 1) == D(2026, 5, 6)
        assert (
            dutch_public_holidays([2026], liberation_day_every_year=True)[D(2026, 5, 5)]
            == "Bevrijdingsdag"
        )

    def test_liberation_day_only_in_lustrum_years_by_default(self):
        cal = WorkingCalendar(first_year=2028, last_year=2045)
        assert cal.is_working_day(D(2028, 5, 5))  # a Friday, not a lustrum year
        assert not cal.is_working_day(D(2045, 5, 5))  # a Friday in a lustrum year
        # 2030: in the list of holidays, on a Sunday, and not moved to the Monday.
        assert D(2030, 5, 5) in dutch_public_holidays([2030], liberation_day_every_year=False)
        assert cal.is_working_day(D(2030, 5, 6))

    def test_new_year_at_the_start_of_the_calendars_range(self):
        asked: list[tuple[dt.date, dt.date]] = []
        cal = WorkingCalendar(
            first_year=2027, last_year=2027, closed_day_loader=_loader(set(), asked)
        )
        assert not cal.is_working_day(D(2027, 1, 1))  # a Friday
        assert cal.first_working_day_on_or_after(D(2027, 1, 1)) == D(2027, 1, 4)
        assert cal.add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 4)
        assert asked == []  # the first working day of the range needs no earlier year
        assert cal.last_working_day_on_or_before(D(2027, 1, 1)) == D(2026, 12, 31)
        assert cal.subtract_working_days(D(2027, 1, 1), 1) == D(2026, 12, 31)

    def test_christmas_on_a_friday_and_boxing_day_on_a_saturday(self, cal):
        assert not cal.is_working_day(D(2026, 12, 25))
        assert cal.add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 28)
        assert cal.last_working_day_on_or_before(D(2026, 12, 27)) == D(2026, 12, 24)
        assert cal.working_days_between(D(2026, 12, 23), D(2026, 12, 28)) == 2

    def test_a_year_before_the_holiday_records_has_none_and_does_not_fail(self):
        # The holidays package has no Dutch holidays before 1966; a date typed wrong
        # (a meeting in 1926) still gets an answer.
        assert dutch_public_holidays([1926], liberation_day_every_year=False) == {}
        cal = WorkingCalendar(first_year=1926, last_year=1926)
        assert cal.is_working_day(D(1926, 1, 1))  # a Friday

    def test_a_range_that_ends_before_it_begins_is_refused(self):
        with pytest.raises(ValueError, match="^last_year lies before first_year$"):
            WorkingCalendar(first_year=2027, last_year=2026)


class TestArithmetic:
    def test_koningsdag_2026_on_a_monday_costs_a_working_day(self, cal):
        assert cal.add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)

    def test_koningsdag_2025_on_a_saturday_costs_nothing(self, cal):
        assert cal.add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 28)

    def test_liberation_day_2025_is_off_and_2026_is_not(self, cal):
        assert cal.add_working_days(D(2025, 5, 2), 1) == D(2025, 5, 6)
        assert cal.add_working_days(D(2026, 5, 4), 1) == D(2026, 5, 5)

    def test_easter_2026_good_friday_works_easter_monday_does_not(self, cal):
        assert cal.add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 3)
        assert cal.add_working_days(D(2026, 4, 3), 1) == D(2026, 4, 7)
        assert cal.subtract_working_days(D(2026, 4, 7), 1) == D(2026, 4, 3)

    def test_ascension_and_whitsun_2026(self, cal):
        # Wed 13 May -> Fri 15 May (Thu 14 Ascension); Fri 22 May -> Tue 26 May (Mon 25).
        assert cal.add_working_days(D(2026, 5, 13), 1) == D(2026, 5, 15)
        assert cal.add_working_days(D(2026, 5, 22), 1) == D(2026, 5, 26)

    def test_ten_working_days_before_friday_29_may_2026(self, cal):
        # Counting back: 28, 27, 26 (25 Whit Monday), 22, 21, 20, 19, 18, 15 (14
        # Ascension), 13 May. A Monday-to-Friday count would say Friday 15 May.
        assert cal.subtract_working_days(D(2026, 5, 29), 10) == D(2026, 5, 13)

    def test_christmas_and_the_year_end_2026(self, cal):
        # After Thu 24 Dec: 28, 29, 30, 31 Dec, then (1 Jan is New Year) Mon 4 Jan 2027.
        assert cal.working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 5
        assert cal.add_working_days(D(2026, 12, 24), 5) == D(2027, 1, 4)
        assert cal.subtract_working_days(D(2027, 1, 4), 5) == D(2026, 12, 24)

    def test_christmas_and_the_year_end_2025(self, cal):
        # After Wed 24 Dec: 29, 30, 31 Dec, then (1 Jan is New Year) Fri 2 Jan 2026.
        assert cal.working_days_between(D(2025, 12, 24), D(2026, 1, 2)) == 4
        assert cal.add_working_days(D(2025, 12, 24), 1) == D(2025, 12, 29)

    def test_working_days_in_a_whole_year(self, cal):
        # 261 weekdays each year; 2025 loses 7 to holidays (Koningsdag on a Saturday),
        # 2026 loses 6 (Boxing Day on a Saturday, no Liberation Day).
        assert cal.working_days_between(D(2024, 12, 31), D(2025, 12, 31)) == 254
        assert cal.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 255

    def test_working_days_between_is_signed(self, cal):
        assert cal.working_days_between(D(2026, 3, 16), D(2026, 3, 23)) == 5
        assert cal.working_days_between(D(2026, 3, 23), D(2026, 3, 16)) == -5
        assert cal.working_days_between(D(2026, 3, 16), D(2026, 3, 16)) == 0
        # Friday to Monday: one working day, the Monday.
        assert cal.working_days_between(D(2026, 3, 13), D(2026, 3, 16)) == 1

    def test_counting_back_from_a_weekend_uses_the_days_before_it(self, cal):
        # A due date on Saturday 21 March 2026 leaves the same days as Monday 23 March.
        assert cal.subtract_working_days(D(2026, 3, 21), 1) == D(2026, 3, 20)
        assert cal.subtract_working_days(D(2026, 3, 23), 1) == D(2026, 3, 20)

    def test_zero_and_negative_counts(self, cal):
        assert cal.add_working_days(D(2026, 3, 21), 0) == D(2026, 3, 21)
        assert cal.add_working_days(D(2026, 3, 16), -1) == D(2026, 3, 13)
        assert cal.subtract_working_days(D(2026, 3, 13), -1) == D(2026, 3, 16)

    def test_last_working_day_on_or_before(self, cal):
        assert cal.last_working_day_on_or_before(D(2025, 4, 27)) == D(2025, 4, 25)
        assert cal.last_working_day_on_or_before(D(2026, 4, 27)) == D(2026, 4, 24)
        assert cal.last_working_day_on_or_before(D(2026, 4, 6)) == D(2026, 4, 3)
        assert cal.last_working_day_on_or_before(D(2026, 4, 8)) == D(2026, 4, 8)

    def test_first_working_day_on_or_after(self, cal):
        assert cal.first_working_day_on_or_after(D(2026, 4, 25)) == D(2026, 4, 28)
        assert cal.first_working_day_on_or_after(D(2026, 12, 25)) == D(2026, 12, 28)
        assert cal.first_working_day_on_or_after(D(2026, 4, 8)) == D(2026, 4, 8)

    def test_it_grows_past_its_years(self):
        cal = WorkingCalendar(first_year=2026, last_year=2026)
        # 2 January 2026 back 5: 31, 30, 29 Dec 2025, (26, 25 Christmas) 24, 23 Dec 2025.
        assert cal.subtract_working_days(D(2026, 1, 2), 5) == D(2025, 12, 23)
        assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
        # Liberation Day 2030 (lustrum) falls on a Sunday and is not moved to Monday.
        assert cal.is_working_day(D(2030, 5, 6))

    def test_it_counts_past_the_end_of_its_years(self):
        cal = WorkingCalendar(first_year=2026, last_year=2026)
        assert cal.working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 5
        assert cal.working_days_between(D(2027, 1, 4), D(2026, 12, 24)) == -5


class TestClosedDaysInArithmetic:
    """Friday 15 May 2026 closed (the day after Ascension): ranges that begin or end on it."""

    @pytest.fixture
    def cal(self) -> WorkingCalendar:
        return WorkingCalendar(first_year=2026, last_year=2026, closed_days=[D(2026, 5, 15)])

    def test_a_range_that_begins_on_a_closed_day(self, cal):
        assert cal.working_days_between(D(2026, 5, 15), D(2026, 5, 22)) == 5
        assert cal.add_working_days(D(2026, 5, 15), 1) == D(2026, 5, 18)
        assert cal.first_working_day_on_or_after(D(2026, 5, 14)) == D(2026, 5, 18)

    def test_a_range_that_ends_on_a_closed_day(self, cal):
        # (8, 15 May]: 11, 12, 13 May; 14 is Ascension Day and 15 is closed.
        assert cal.working_days_between(D(2026, 5, 8), D(2026, 5, 15)) == 3
        assert cal.working_days_between(D(2026, 5, 15), D(2026, 5, 8)) == -3
        # Due on the closed day: the working days before it count.
        assert cal.subtract_working_days(D(2026, 5, 15), 1) == D(2026, 5, 13)
        assert cal.last_working_day_on_or_before(D(2026, 5, 17)) == D(2026, 5, 13)


class TestLoad:
    """``WorkingCalendar.load`` with the organisation's closed days and settings (the
    loader stands in for the cached query; ``TestClosedDays`` uses the database)."""

    def test_it_asks_for_the_whole_years_of_both_dates(self, monkeypatch):
        asked: list[tuple[dt.date, dt.date]] = []
        closed = {D(2025, 1, 2), D(2026, 12, 31)}
        monkeypatch.setattr("governance.options.closed_days", _loader(closed, asked))
        cal = WorkingCalendar.load(start=D(2026, 3, 5), end=D(2025, 7, 1))
        assert asked == [(D(2025, 1, 1), D(2026, 12, 31))]
        assert (cal.first_year, cal.last_year) == (2025, 2026)
        # A closed day on the first working day of January and on the last of December.
        assert not cal.is_working_day(D(2025, 1, 2))
        assert cal.add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 3)
        assert cal.subtract_working_days(D(2027, 1, 1), 1) == D(2026, 12, 30)

    def test_liberation_day_every_year_comes_from_the_settings(self, monkeypatch, settings):
        monkeypatch.setattr("governance.options.closed_days", _loader(set()))
        settings.BB_LIBERATION_DAY_EVERY_YEAR = True
        cal = WorkingCalendar.load(start=D(2026, 1, 1), end=D(2026, 12, 31))
        assert not cal.is_working_day(D(2026, 5, 5))
        settings.BB_LIBERATION_DAY_EVERY_YEAR = False
        cal = WorkingCalendar.load(start=D(2026, 1, 1), end=D(2026, 12, 31))
        assert cal.is_working_day(D(2026, 5, 5))

    def test_growing_asks_once_for_each_new_year(self):
        asked: list[tuple[dt.date, dt.date]] = []
        cal = WorkingCalendar(
            first_year=2026, last_year=2026, closed_day_loader=_loader(set(), asked)
        )
        cal.add_working_days(D(2026, 6, 1), 5)
        assert asked == []  # the answer lies within 2026
        cal.is_working_day(D(2027, 3, 1))
        cal.is_working_day(D(2025, 3, 1))
        # Forward from 2027 and back to 2025, each year once (and a few years to spare).
        assert asked == [
            (D(2027, 1, 1), D(cal.last_year, 12, 31)),
            (D(cal.first_year, 1, 1), D(2025, 12, 31)),
        ]


@pytest.mark.django_db
class TestClosedDays:
    def test_the_organisations_closed_days_are_no_working_days(self):
        ClosedDayFactory(date=D(2026, 5, 15), reason="Brugdag na Hemelvaart")
        cal = WorkingCalendar.load(start=D(2026, 1, 1), end=D(2026, 12, 31))
        assert not cal.is_working_day(D(2026, 5, 15))
        assert cal.add_working_days(D(2026, 5, 13), 1) == D(2026, 5, 18)

    def test_closed_days_load_in_one_query(self, django_assert_num_queries):
        ClosedDayFactory(date=D(2026, 12, 28))
        ClosedDayFactory(date=D(2026, 12, 29))
        with django_assert_num_queries(1):
            cal = WorkingCalendar.load(start=D(2026, 1, 1), end=D(2026, 12, 31))
            assert cal.working_days_between(D(2026, 12, 24), D(2026, 12, 31)) == 2

    def test_closed_days_beyond_the_loaded_years_are_fetched_when_needed(self):
        ClosedDayFactory(date=D(2029, 1, 2))
        cal = WorkingCalendar.load(start=D(2026, 1, 1), end=D(2026, 12, 31))
        assert not cal.is_working_day(D(2029, 1, 2))

    def test_the_loader_rolls_over_into_the_next_year(self):
        # Monday 4 January 2027, the first working day of the year, is closed.
        ClosedDayFactory(date=D(2027, 1, 4))
        cal = WorkingCalendar.load(start=D(2026, 1, 1), end=D(2026, 12, 31))
        assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 5)
        assert cal.working_days_between(D(2026, 12, 31), D(2027, 1, 5)) == 1

    def test_the_loader_rolls_back_into_the_year_before(self):
        # Wednesday 31 December 2025 is closed; 1 January 2026 is New Year.
        ClosedDayFactory(date=D(2025, 12, 31))
        cal = WorkingCalendar.load(start=D(2026, 1, 1), end=D(2026, 12, 31))
        assert cal.subtract_working_days(D(2026, 1, 2), 1) == D(2025, 12, 30)
        assert cal.last_working_day_on_or_before(D(2026, 1, 1)) == D(2025, 12, 30)
