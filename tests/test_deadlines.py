"""Deadlines in Chinese working days, as the rulebooks state them (seed 000: 7 working days to
enter results; seeds 003/004: 20 working days to publish), across the holidays and 调休 weekends."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.adapters.holiday_calendars import schedules_from_package
from ledger.domain.deadlines import DeadlineError, anchor_date, timeliness
from ledger.domain.rulebook import Deadline
from verify.working_days import WorkingCalendar

CALENDAR = WorkingCalendar(schedules_from_package([2025, 2026]))
PUBLISH_004 = Deadline(20, "working_days", "inspection_completed")
RECORD_000 = Deadline(7, "working_days", "inspection_completed")


def test_twenty_working_days_after_26_september_2025_is_30_october_across_national_day() -> None:
    on_time = timeliness(PUBLISH_004, date(2025, 9, 26), date(2025, 10, 30), CALENDAR)
    assert (on_time.due, on_time.working_days_late) == (date(2025, 10, 30), 0)
    late = timeliness(PUBLISH_004, date(2025, 9, 26), date(2025, 11, 3), CALENDAR)
    assert late.working_days_late == 2  # 31 October and 3 November


def test_a_record_due_across_the_spring_festival_counts_the_working_saturdays() -> None:
    # 2026: Spring Festival off 15–23 February; Saturday 14 and Saturday 28 February are worked
    due = timeliness(RECORD_000, date(2026, 2, 13), date(2026, 3, 2), CALENDAR)
    assert (due.due, due.working_days_late) == (date(2026, 3, 2), 0)
    assert timeliness(RECORD_000, date(2026, 2, 13), date(2026, 3, 3), CALENDAR).working_days_late == 1


def test_a_step_on_a_day_off_after_its_deadline_is_late_by_the_next_working_day() -> None:
    late = timeliness(RECORD_000, date(2026, 2, 13), date(2026, 3, 1), CALENDAR)  # Sunday 1 March
    assert (late.due, late.working_days_late) == (date(2026, 3, 2), 0)
    assert timeliness(Deadline(1, "working_days", "inspection_completed"), date(2026, 2, 13),
                      date(2026, 2, 15), CALENDAR).working_days_late == 1  # due Sat 14 Feb


def test_a_month_anchored_deadline_counts_from_the_months_end() -> None:
    monthly = Deadline(10, "working_days", "month_completed")  # seed 001
    assert anchor_date(monthly, date(2026, 1, 9)) == date(2026, 1, 31)
    assert timeliness(monthly, date(2026, 1, 9), date(2026, 2, 13), CALENDAR).due == date(2026, 2, 13)


def test_a_deadline_in_a_year_without_a_recorded_schedule_is_an_error() -> None:
    with pytest.raises(DeadlineError, match="2027.*calendar record --agency <division code> "
                                             "--year 2027 --from-package --by"):
        timeliness(PUBLISH_004, date(2026, 12, 20), date(2027, 1, 20), CALENDAR)


def test_no_deadline_in_the_rulebook_means_nothing_is_late() -> None:
    assert timeliness(None, date(2026, 1, 5), date(2026, 6, 1), CALENDAR).working_days_late == 0
