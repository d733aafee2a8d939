"""A quarter (季度), the period a draw covers: ``2026Q1``, its first and last day.

One value object for the whole project: the ceremony, the projections, the reports, the command
line and the verifier all parse and bound quarters here (the verifier's module, because it must
stand alone and the format names periods this way: ``draw_id`` = ``<code>-<YYYYQn>-<kind>``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from verify.working_days import WorkingCalendar

_PERIOD = re.compile(r"^(\d{4})[Qq]([1-4])$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter of a year."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter: {self.quarter} is not a quarter (1-4)")
        if not 1 <= self.year <= 9998:
            raise ValueError(f"year: {self.year} is not a year")

    @classmethod
    def parse(cls, text: str, *, field: str = "period",
              error: Callable[[str], Exception] = ValueError) -> Period:
        """``"2026Q1"`` (or ``2026q1``) → ``Period(2026, 1)``; anything else raises
        ``error("<field>: '<text>' is not a quarter like 2026Q1")``, so each caller names the
        field as its user typed it and raises its own error type."""
        found = _PERIOD.match(text.strip()) if isinstance(text, str) else None
        if found is None:
            raise error(f"{field}: {text!r} is not a quarter like 2026Q1 (year, Q, quarter 1-4)")
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def parse_or_none(cls, text: str) -> Period | None:
        """The period, or None when ``text`` is not one (for data read from events)."""
        try:
            return cls.parse(text)
        except ValueError:
            return None

    @classmethod
    def of(cls, day: date) -> Period:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    def __iter__(self) -> Iterator[int]:
        """``year, quarter = period``."""
        return iter((self.year, self.quarter))

    @property
    def first(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last(self) -> date:
        if self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(1)

    @property
    def bounds(self) -> tuple[date, date]:
        return self.first, self.last

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def previous(self) -> Period:
        return Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)


def draw_window(period: Period, length: int, unit: str, calendar: WorkingCalendar) -> tuple[date, date]:
    """The first and last day on which ``period``'s list may be drawn: the window ends the day
    before the quarter begins (every seed anchors it there: 000/001/003 the last 5 working days of
    the quarter before, 002 the 5 days before it begins, 004 the month before) and is ``length``
    ``unit`` long (``working_days`` on the recorded State Council schedules, ``days``, ``months``).

    Raises :class:`verify.working_days.CalendarNotAnnounced` for a year with no recorded schedule
    and ``ValueError`` for another unit."""
    end = period.first - timedelta(1)
    if unit == "working_days":
        return calendar.last_working_days_of(end, length), end
    if unit == "days":
        return period.first - timedelta(length), end
    if unit == "months":
        start = end.replace(day=1)
        for _ in range(length - 1):
            start = (start - timedelta(1)).replace(day=1)
        return start, end
    raise ValueError(f"draw_window.unit: {unit!r} is not one of working_days, days, months")
