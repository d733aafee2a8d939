"""verify.working_days: working-day arithmetic over the State Council's schedules, as recorded data.

The 2025 and 2026 schedules below are typed from the notices themselves, not from a package:
国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12) and
国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.canonical import canonical_json, loads_strict
from verify.working_days import (
    CalendarNotAnnounced,
    WorkingCalendar,
    WorkingCalendarError,
    YearSchedule,
)

SCHEDULE_2025: dict[str, Any] = {
    "year": 2025,
    "days_off": [
        "2025-01-01",  # 元旦
        "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-03", "2025-02-04",  # 春节
        "2025-04-04",  # 清明节
        "2025-05-01", "2025-05-02", "2025-05-05",  # 劳动节
        "2025-06-02",  # 端午节
        "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08",  # 国庆节、中秋节
    ],
    "working_weekends": ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    "source": "国务院办公厅关于2025年部分节假日安排的通知 国办发明电〔2024〕12号",
}

SCHEDULE_2026: dict[str, Any] = {
    "year": 2026,
    "days_off": [
        "2026-01-01", "2026-01-02",  # 元旦
        "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23",  # 春节
        "2026-04-06",  # 清明节
        "2026-05-01", "2026-05-04", "2026-05-05",  # 劳动节
        "2026-06-19",  # 端午节
        "2026-09-25",  # 中秋节
        "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07",  # 国庆节
    ],
    "working_weekends": [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    ],
    "source": "国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)",
}

CALENDAR = WorkingCalendar([YearSchedule.from_data(SCHEDULE_2025), YearSchedule.from_data(SCHEDULE_2026)])


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- Worked examples from the real schedules -------------------------------------------------------


def test_twenty_working_days_after_26_september_2025_is_30_october() -> None:
    # Sun 28 Sep is worked, 1-8 Oct (National Day and Mid-Autumn) are off, Sat 11 Oct is worked.
    assert CALENDAR.add_working_days(d("2025-09-26"), 20) == d("2025-10-30")
    first_six = [CALENDAR.add_working_days(d("2025-09-26"), n) for n in range(1, 7)]
    assert first_six == [d("2025-09-28"), d("2025-09-29"), d("2025-09-30"),
                         d("2025-10-09"), d("2025-10-10"), d("2025-10-11")]
    assert CALENDAR.working_days_between(d("2025-09-26"), d("2025-10-30")) == 20


def test_the_start_day_is_not_counted_even_when_it_is_a_day_off() -> None:
    assert CALENDAR.add_working_days(d("2025-10-01"), 1) == d("2025-10-09")
    assert CALENDAR.add_working_days(d("2025-10-09"), 1) == d("2025-10-10")


def test_the_2026_spring_festival_runs_from_15_to_23_february_with_two_working_saturdays() -> None:
    assert CALENDAR.add_working_days(d("2026-02-13"), 1) == d("2026-02-14")  # Saturday, worked
    assert CALENDAR.add_working_days(d("2026-02-13"), 2) == d("2026-02-24")  # first day back
    assert CALENDAR.add_working_days(d("2026-02-13"), 6) == d("2026-02-28")  # Saturday, worked
    assert not any(CALENDAR.is_working_day(d("2026-02-15") + timedelta(days=i)) for i in range(9))


def test_the_working_weekend_days_around_labour_day() -> None:
    # 2025: 1-5 May off, Sunday 27 April worked; 2026: 1-5 May off, Saturday 9 May worked.
    assert CALENDAR.add_working_days(d("2025-04-25"), 1) == d("2025-04-27")
    assert CALENDAR.add_working_days(d("2025-04-30"), 1) == d("2025-05-06")
    assert CALENDAR.add_working_days(d("2026-04-30"), 1) == d("2026-05-06")
    assert CALENDAR.add_working_days(d("2026-05-08"), 1) == d("2026-05-09")
    assert CALENDAR.is_working_day(d("2026-05-09")) and not CALENDAR.is_working_day(d("2026-05-10"))


def test_a_deadline_in_a_year_without_a_recorded_schedule_is_an_error() -> None:
    # 7 working days after Thursday 2026-12-24 would fall in January 2027, whose schedule is not recorded.
    assert CALENDAR.add_working_days(d("2026-12-24"), 5) == d("2026-12-31")
    with pytest.raises(CalendarNotAnnounced, match="2027") as refused:
        CALENDAR.add_working_days(d("2026-12-24"), 7)
    assert refused.value.year == 2027
    assert "国务院办公厅关于2027年部分节假日安排的通知" in str(refused.value)
    assert "has not been recorded" in str(refused.value)
    assert "docs/working-days.md" in str(refused.value)


def test_every_computation_refuses_a_date_of_a_year_without_a_schedule() -> None:
    calls: list[Callable[[], object]] = [
        lambda: CALENDAR.is_working_day(d("2027-01-04")),
        lambda: CALENDAR.add_working_days(d("2024-12-31"), 1),
        lambda: CALENDAR.working_days_between(d("2024-12-31"), d("2025-01-02")),
        lambda: CALENDAR.working_days_late(d("2026-12-31"), d("2027-01-04")),
        lambda: CALENDAR.last_working_days_of(d("2025-01-03"), 5),  # the window reaches back into 2024
    ]
    for call in calls:
        with pytest.raises(CalendarNotAnnounced):
            call()


def test_the_draw_window_is_the_last_5_working_days_of_the_quarter() -> None:
    # 2025Q3: Sunday 28 September is a working day inside the window.
    assert CALENDAR.last_working_days_of(d("2025-09-30"), 5) == d("2025-09-25")
    # 2025Q4: no adjustment at the end of December (the 2026 New Year's holiday starts 1 January).
    assert CALENDAR.last_working_days_of(d("2025-12-31"), 5) == d("2025-12-25")
    # 2026Q3: Friday 25 September (中秋节) is off, so the window reaches back to the 23rd.
    assert CALENDAR.last_working_days_of(d("2026-09-30"), 5) == d("2026-09-23")
    # A period ending on a day off: the window ends at the last working day before it.
    assert CALENDAR.last_working_days_of(d("2025-10-08"), 1) == d("2025-09-30")


def test_working_days_late_counts_up_to_the_next_working_day() -> None:
    deadline = d("2025-09-30")
    lateness = {
        "2025-09-29": 0, "2025-09-30": 0,
        "2025-10-01": 1, "2025-10-08": 1, "2025-10-09": 1,  # during the holiday: as if on the 9th
        "2025-10-10": 2, "2025-10-11": 3, "2025-10-12": 4, "2025-10-13": 4,
    }
    for actual, late in lateness.items():
        assert CALENDAR.working_days_late(deadline, d(actual)) == late, actual


def test_is_working_day_follows_the_schedule() -> None:
    assert CALENDAR.is_working_day(d("2025-10-11"))  # Saturday, worked
    assert not CALENDAR.is_working_day(d("2025-10-08"))  # Wednesday, off
    assert not CALENDAR.is_working_day(d("2025-10-12"))  # Sunday
    assert CALENDAR.is_working_day(d("2025-10-13"))  # Monday
    assert CALENDAR.years == (2025, 2026)


def test_a_datetime_is_refused_rather_than_silently_missing_the_schedule() -> None:
    with pytest.raises(TypeError, match="not a date"):
        CALENDAR.is_working_day(datetime(2025, 10, 1))  # a datetime never equals the date 2025-10-01


@pytest.mark.parametrize("n", [0, -1, True])
def test_a_count_of_working_days_is_at_least_one(n: int) -> None:
    with pytest.raises(ValueError, match="integer >= 1"):
        CALENDAR.add_working_days(d("2025-03-03"), n)
    with pytest.raises(ValueError, match="integer >= 1"):
        CALENDAR.last_working_days_of(d("2025-03-31"), n)


def test_working_days_between_needs_start_not_after_end() -> None:
    assert CALENDAR.working_days_between(d("2025-10-01"), d("2025-10-01")) == 0
    with pytest.raises(ValueError, match="before start"):
        CALENDAR.working_days_between(d("2025-10-02"), d("2025-10-01"))


# --- Validation of a schedule ----------------------------------------------------------------------


def _schedule(days_off: Iterable[str] = (), working_weekends: Iterable[str] = (),
              year: int = 2025, source: str = "test") -> YearSchedule:
    return YearSchedule(year, frozenset(map(d, days_off)), frozenset(map(d, working_weekends)), source)


def test_a_weekend_listed_as_a_day_off_is_refused() -> None:
    with pytest.raises(WorkingCalendarError, match=r"^days_off: 2025-10-04 is a Saturday; a day off must be "
                                                   r"Monday to Friday"):
        _schedule(days_off={"2025-10-03", "2025-10-04"})


def test_a_weekday_listed_as_a_working_weekend_day_is_refused() -> None:
    with pytest.raises(WorkingCalendarError, match=r"^working_weekends: 2025-10-10 is a Friday; a working "
                                                   r"weekend day must be a Saturday or Sunday"):
        _schedule(working_weekends={"2025-10-10"})


def test_a_date_outside_the_schedules_year_is_refused() -> None:
    with pytest.raises(WorkingCalendarError, match=r"^days_off: 2026-01-01 is not in the schedule's year"):
        _schedule(days_off={"2026-01-01"})
    with pytest.raises(WorkingCalendarError, match=r"^working_weekends: 2024-12-29 is not in the schedule's"):
        _schedule(working_weekends={"2024-12-29"})


def test_a_schedule_needs_a_source() -> None:
    with pytest.raises(WorkingCalendarError, match="^source: must be a non-empty string"):
        _schedule(source=" ")


def test_two_schedules_for_one_year_are_refused() -> None:
    with pytest.raises(WorkingCalendarError, match="two schedules for 2025"):
        WorkingCalendar([_schedule(source="a"), _schedule(source="b")])


# --- The data form ---------------------------------------------------------------------------------


def test_the_data_form_round_trips_and_is_canonical_json() -> None:
    schedule = YearSchedule.from_data(SCHEDULE_2025)
    assert schedule.as_data() == SCHEDULE_2025
    assert d("2025-10-08") in schedule.days_off and d("2025-09-28") in schedule.working_weekends
    text = canonical_json(schedule.as_data())
    assert text.startswith(b'{"days_off":["2025-01-01","2025-01-28",')
    assert YearSchedule.from_data(loads_strict(text)) == schedule


def test_an_empty_schedule_is_a_year_of_plain_weeks() -> None:
    plain = YearSchedule.from_data({"year": 2030, "days_off": [], "working_weekends": [], "source": "none"})
    assert WorkingCalendar([plain]).add_working_days(d("2030-01-04"), 1) == d("2030-01-07")


def _with(**changes: object) -> dict[str, Any]:
    return {**SCHEDULE_2025, **changes}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([SCHEDULE_2025], r"^year schedule: must be a JSON object, not list"),
        ({k: v for k, v in SCHEDULE_2025.items() if k != "source"},
         r"^year schedule: missing member\(s\) source"),
        (_with(note="x"), r"^year schedule: unknown member\(s\) 'note'"),
        (_with(year="2025"), r"^year: must be an integer, not str"),
        (_with(year=True), r"^year: must be an integer, not bool"),
        (_with(year=0), r"^year: 0 is outside the years 1-9999"),
        (_with(days_off="2025-01-01"), r"^days_off: must be an array of YYYY-MM-DD strings, not str"),
        (_with(days_off=["2025-1-01"]), r"^days_off\[0\]: '2025-1-01' is not a date written YYYY-MM-DD"),
        (_with(days_off=["20250101"]), r"^days_off\[0\]: '20250101' is not a date written YYYY-MM-DD"),
        (_with(days_off=[20250101]), r"^days_off\[0\]: 20250101 is not a date written YYYY-MM-DD"),
        (_with(days_off=["2025-02-29"]), r"^days_off\[0\]: '2025-02-29' is not a calendar date"),
        (_with(days_off=["2025-01-01", "2025-01-01"]), r"^days_off\[1\]: 2025-01-01 is listed twice"),
        (_with(working_weekends=["2025-02-08", "2025-01-26"]),
         r"^working_weekends\[1\]: 2025-01-26 comes after 2025-02-08; dates must be in ascending order"),
        (_with(working_weekends=["2025-10-10"]), r"^working_weekends: 2025-10-10 is a Friday"),
        (_with(days_off=["2025-10-04"]), r"^days_off: 2025-10-04 is a Saturday"),
        (_with(days_off=["2024-12-31"]), r"^days_off: 2024-12-31 is not in the schedule's year 2025"),
        (_with(source=""), r"^source: must be a non-empty string"),
        (_with(source=None), r"^source: must be a non-empty string"),
    ],
)
def test_from_data_refuses_anything_but_the_canonical_form(data: object, message: str) -> None:
    with pytest.raises(WorkingCalendarError, match=message):
        YearSchedule.from_data(data)


# --- Properties ------------------------------------------------------------------------------------

DAYS_2025 = st.integers(0, 364).map(lambda i: date(2025, 1, 1) + timedelta(days=i))
COUNTS = st.integers(1, 100)  # 100 working days after 2025-12-31 is still in 2026


@given(DAYS_2025, COUNTS)
def test_n_working_days_after_a_day_is_a_working_day_n_working_days_later(start: date, n: int) -> None:
    end = CALENDAR.add_working_days(start, n)
    assert end > start
    assert CALENDAR.is_working_day(end)
    assert CALENDAR.working_days_between(start, end) == n
    assert CALENDAR.working_days_between(start, end - timedelta(days=1)) == n - 1


@given(DAYS_2025, COUNTS, COUNTS)
def test_adding_working_days_is_monotonic_and_composes(start: date, m: int, n: int) -> None:
    assert CALENDAR.add_working_days(start, n) < CALENDAR.add_working_days(start, n + 1)
    assert CALENDAR.add_working_days(CALENDAR.add_working_days(start, m), n) == (
        CALENDAR.add_working_days(start, m + n)
    )


@given(DAYS_2025, st.integers(0, 100), st.integers(0, 40))
def test_lateness_is_the_least_n_with_actual_on_or_before_the_nth_working_day(
    deadline: date, shift: int, extra: int
) -> None:
    actual = deadline + timedelta(days=shift)
    late = CALENDAR.working_days_late(deadline, actual)
    assert (late == 0) == (actual <= deadline)
    if late:
        assert actual <= CALENDAR.add_working_days(deadline, late)
        assert late == 1 or actual > CALENDAR.add_working_days(deadline, late - 1)
    earlier = max(deadline - timedelta(days=extra), date(2025, 1, 1))
    assert CALENDAR.working_days_late(deadline, earlier) == 0


@given(DAYS_2025, COUNTS)
def test_being_n_working_days_after_the_deadline_is_n_days_late(deadline: date, n: int) -> None:
    assert CALENDAR.working_days_late(deadline, CALENDAR.add_working_days(deadline, n)) == n


@given(st.integers(0, 364).map(lambda i: date(2026, 1, 1) + timedelta(days=i)), st.integers(1, 60))
def test_the_draw_window_holds_exactly_n_working_days(period_end: date, n: int) -> None:
    first = CALENDAR.last_working_days_of(period_end, n)
    assert first <= period_end
    assert CALENDAR.is_working_day(first)
    assert CALENDAR.working_days_between(first, period_end) == n - 1


YEARS = (2030, 2031)


@st.composite
def schedules(draw: st.DrawFn, year: int) -> YearSchedule:
    """A random schedule: a random set of the year's days with their working status flipped."""
    length = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    flipped = draw(st.sets(st.integers(0, length - 1), max_size=80))
    days = [date(year, 1, 1) + timedelta(days=i) for i in flipped]
    return YearSchedule(
        year=year,
        days_off=frozenset(day for day in days if day.weekday() < 5),
        working_weekends=frozenset(day for day in days if day.weekday() >= 5),
        source=draw(st.text(min_size=1).filter(str.strip)),
    )


@given(schedules(2030))
def test_any_schedule_round_trips_through_its_canonical_data(schedule: YearSchedule) -> None:
    assert YearSchedule.from_data(loads_strict(canonical_json(schedule.as_data()))) == schedule


@given(st.tuples(*(schedules(year) for year in YEARS)), st.integers(0, 729), st.integers(1, 300))
def test_add_working_days_agrees_with_a_list_of_all_working_days(
    years: tuple[YearSchedule, ...], offset: int, n: int
) -> None:
    calendar = WorkingCalendar(years)
    start = date(YEARS[0], 1, 1) + timedelta(days=offset)
    every_day = [date(YEARS[0], 1, 1) + timedelta(days=i) for i in range(730)]
    working = [day for day in every_day if _working_by_definition(years, day)]
    after = bisect.bisect_right(working, start)
    if after + n <= len(working):
        assert calendar.add_working_days(start, n) == working[after + n - 1]
    else:
        with pytest.raises(CalendarNotAnnounced, match=str(YEARS[-1] + 1)):
            calendar.add_working_days(start, n)


def _working_by_definition(years: tuple[YearSchedule, ...], day: date) -> bool:
    schedule = next(s for s in years if s.year == day.year)
    if day.weekday() < 5:
        return day not in schedule.days_off
    return day in schedule.working_weekends
