"""A quarter (季度): one parser and one set of bounds for the whole project."""

from __future__ import annotations

from datetime import date

import pytest

from verify.period import Period, draw_window
from verify.working_days import WorkingCalendar, YearSchedule


class NamedError(ValueError):
    pass


def test_a_quarter_is_parsed_and_bounded() -> None:
    period = Period.parse("2026Q1")
    assert (period.year, period.quarter, str(period)) == (2026, 1, "2026Q1")
    assert period.bounds == (date(2026, 1, 1), date(2026, 3, 31))
    assert Period.parse("2025q4").bounds == (date(2025, 10, 1), date(2025, 12, 31))
    assert Period(2024, 1).last == date(2024, 3, 31) and Period(2024, 2).last == date(2024, 6, 30)
    year, quarter = Period(2026, 3)
    assert (year, quarter) == (2026, 3)


def test_neighbours_and_membership() -> None:
    assert Period(2026, 1).previous() == Period(2025, 4)
    assert Period(2025, 4).next() == Period(2026, 1)
    assert Period.of(date(2026, 5, 31)) == Period(2026, 2)
    assert date(2026, 3, 31) in Period(2026, 1) and date(2026, 4, 1) not in Period(2026, 1)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q1", "2026-Q1", "2026Q1x", "", "Q1"])
def test_anything_else_is_refused_naming_the_field_as_the_caller_wants(text: str) -> None:
    with pytest.raises(NamedError, match=r"^--quarter: .* is not a quarter like 2026Q1"):
        Period.parse(text, field="--quarter", error=NamedError)
    assert Period.parse_or_none(text) is None


def test_the_draw_window_ends_the_day_before_the_quarter() -> None:
    calendar = WorkingCalendar([YearSchedule(2025, frozenset(), frozenset(), "test")])
    # 5 working days before 2026-01-01 on a calendar without holidays: 25, 26, 29, 30, 31 December
    assert draw_window(Period(2026, 1), 5, "working_days", calendar) == (date(2025, 12, 25),
                                                                         date(2025, 12, 31))
    assert draw_window(Period(2026, 1), 5, "days", calendar) == (date(2025, 12, 27), date(2025, 12, 31))
    assert draw_window(Period(2026, 2), 1, "months", calendar) == (date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(ValueError, match="draw_window.unit"):
        draw_window(Period(2026, 2), 1, "weeks", calendar)
