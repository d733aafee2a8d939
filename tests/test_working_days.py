"""ledger.working_days: the State Council's schedules read from the maintained package chinesecalendar."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from ledger.adapters.holiday_calendars import (
    YearNotInPackage,
    package_version,
    package_years,
    schedules_from_package,
)
from verify.working_days import WorkingCalendar, YearSchedule

PACKAGE_SOURCE = f"chinesecalendar {package_version()}"


def test_the_package_covers_consecutive_years_from_2004_through_at_least_2026() -> None:
    years = package_years()
    assert years[0] == 2004
    assert years == list(range(2004, years[-1] + 1))
    assert years[-1] >= 2026


def test_every_covered_year_agrees_day_by_day_with_the_package_is_workday() -> None:
    """The cross-check of the derivation: our schedule and the package's own rule, every day of every year."""
    for schedule in schedules_from_package():
        calendar = WorkingCalendar([schedule])
        day = date(schedule.year, 1, 1)
        while day.year == schedule.year:
            assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
            day += timedelta(days=1)


def test_the_year_after_the_last_covered_one_is_not_covered() -> None:
    after = package_years()[-1] + 1
    assert after not in package_years()
    with pytest.raises(YearNotInPackage, match=rf"holds no State Council schedule for {after}") as refused:
        schedules_from_package([after])
    assert refused.value.year == after
    with pytest.raises(NotImplementedError):  # the package's own functions refuse it too
        chinese_calendar.is_workday(date(after, 1, 1))


def test_a_year_before_the_package_begins_is_not_covered() -> None:
    with pytest.raises(YearNotInPackage, match="2003"):
        schedules_from_package([2025, 2003])


def test_the_packages_2025_schedule_is_the_state_councils_notice() -> None:
    # 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号), typed from the notice.
    [schedule] = schedules_from_package([2025])
    assert schedule.as_data() == {
        "year": 2025,
        "days_off": [
            "2025-01-01", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-03",
            "2025-02-04", "2025-04-04", "2025-05-01", "2025-05-02", "2025-05-05", "2025-06-02",
            "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08",
        ],
        "working_weekends": ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
        "source": PACKAGE_SOURCE,
    }


def test_twenty_working_days_after_26_september_2025_is_30_october_with_the_package_data() -> None:
    calendar = WorkingCalendar(schedules_from_package([2025, 2026]))
    assert calendar.add_working_days(date(2025, 9, 26), 20) == date(2025, 10, 30)


def test_late_december_days_moved_by_the_next_years_notice_are_in_their_own_years_schedule() -> None:
    # The 2019 notice: 30 Dec 2018 - 1 Jan 2019 off, Saturday 29 Dec 2018 worked.
    [schedule] = schedules_from_package([2018])
    assert date(2018, 12, 29) in schedule.working_weekends
    assert date(2018, 12, 31) in schedule.days_off


def test_special_arrangements_are_in_the_data() -> None:
    [y2015, y2020] = schedules_from_package([2020, 2015])
    # 抗战胜利70周年纪念日: 3-5 Sep 2015 off, Sunday 6 Sep worked.
    assert {date(2015, 9, 3), date(2015, 9, 4)} <= y2015.days_off
    assert date(2015, 9, 6) in y2015.working_weekends
    # The Spring Festival of 2020 extended to 2 February (国办发明电〔2020〕1号).
    assert {date(2020, 1, 30), date(2020, 1, 31)} <= y2020.days_off


def test_every_schedule_names_the_package_and_round_trips_through_its_data() -> None:
    for schedule in schedules_from_package():
        assert schedule.source == PACKAGE_SOURCE
        assert YearSchedule.from_data(schedule.as_data()) == schedule
