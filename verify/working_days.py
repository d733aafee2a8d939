"""The Chinese working-day calendar (工作日): statutory holidays and adjusted working weekends.

A day is a working day when it is Monday to Friday and not a day off of the State Council's schedule
for its year, or when it is a Saturday or Sunday that the schedule makes a working day (调休上班).
Each year's schedule is announced by the General Office of the State Council, usually in November
of the year before (国务院办公厅关于YYYY年部分节假日安排的通知), so it cannot be computed: it is
*data*, recorded in the ledger as one :class:`YearSchedule` per year and read back from there by the
verifier. This module never guesses: any computation that touches a date of a year with no recorded
schedule raises :class:`CalendarNotAnnounced`.

A :class:`YearSchedule` covers the dates of one Gregorian year, whichever notice moved them: the
notice for year Y+1 sometimes moves days at the end of December of Y (the 2019 notice made Saturday
2018-12-29 a working day and Monday 2018-12-31 a day off), and those days belong to the schedule of Y.

Definitions (``docs/working-days.md`` gives them with worked examples):

* ``add_working_days(start, n)``: the n-th working day after ``start``; ``start`` itself is not counted
  (期间开始之日不计算在期间内), whether or not it is a working day.
* ``working_days_between(start, end)``: the number of working days ``d`` with ``start < d <= end``.
* ``working_days_late(deadline, actual)``: 0 when ``actual <= deadline``; otherwise the least ``n``
  with ``actual <= add_working_days(deadline, n)``. An act on a day off after the deadline is late by
  the working days up to and including the next working day.
* ``last_working_days_of(period_end, n)``: the first day of the window made of the last ``n`` working
  days on or before ``period_end`` ("每季度结束前5个工作日内").

Every date given to a computation, and every date it steps over, must lie in a year with a schedule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from typing import Any

SATURDAY = 5
"""``date.weekday()`` of Saturday (Monday is 0): days from here on are the weekend."""

DATA_FIELDS = ("year", "days_off", "working_weekends", "source")
"""The members of a year schedule's data, in the order :meth:`YearSchedule.as_data` writes them."""

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ONE_DAY = timedelta(days=1)


class WorkingCalendarError(ValueError):
    """A year schedule or calendar that breaks a rule; the message names the field and the rule."""


class CalendarNotAnnounced(LookupError):
    """A computation needs a year whose State Council holiday schedule has not been recorded."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"the State Council's schedule of holidays and adjusted working days for {year} "
            f"(国务院办公厅关于{year}年部分节假日安排的通知) has not been recorded, so working days "
            f"in {year} cannot be counted; an operator records it, once it is published, as the "
            f"working calendar of {year} (see docs/working-days.md, 'Recording a year')"
        )
        self.year = year


def is_weekend(day: date) -> bool:
    """True on Saturday and Sunday."""
    return day.weekday() >= SATURDAY


@dataclass(frozen=True)
class YearSchedule:
    """The State Council's working-day schedule for the Gregorian year ``year``.

    ``days_off``: the Monday-to-Friday dates of the year that are not working days — statutory
    holidays (法定节假日) and the weekdays given off in exchange (调休), e.g. 2025-10-06 to 2025-10-08.
    Holidays that fall on a Saturday or Sunday are not listed: those days are off anyway.

    ``working_weekends``: the Saturdays and Sundays of the year that are working days (调休上班),
    e.g. Sunday 2025-09-28 and Saturday 2025-10-11.

    ``source``: where the schedule was taken from, e.g. the notice's title and number, or the
    calendar package and its version.
    """

    year: int
    days_off: frozenset[date]
    working_weekends: frozenset[date]
    source: str

    def __post_init__(self) -> None:
        _check_year(self.year, "year")
        for name in ("days_off", "working_weekends"):
            if not isinstance(getattr(self, name), frozenset):
                raise WorkingCalendarError(f"{name}: must be a frozenset of dates")
        for day in sorted(self.days_off, key=_sort_key):
            self._check_day(day, "days_off", weekend=False)
        for day in sorted(self.working_weekends, key=_sort_key):
            self._check_day(day, "working_weekends", weekend=True)
        if not isinstance(self.source, str) or not self.source.strip():
            raise WorkingCalendarError("source: must be a non-empty string naming the schedule's origin")

    def _check_day(self, day: object, name: str, *, weekend: bool) -> None:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise WorkingCalendarError(f"{name}: {day!r} is not a date")
        if day.year != self.year:
            raise WorkingCalendarError(f"{name}: {day.isoformat()} is not in the schedule's year {self.year}")
        if weekend and not is_weekend(day):
            raise WorkingCalendarError(
                f"{name}: {day.isoformat()} is a {day.strftime('%A')}; a working weekend day must be a "
                "Saturday or Sunday (a weekday is a working day anyway)"
            )
        if not weekend and is_weekend(day):
            raise WorkingCalendarError(
                f"{name}: {day.isoformat()} is a {day.strftime('%A')}; a day off must be Monday to Friday "
                "(a Saturday or Sunday is off anyway)"
            )

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` (a date of this schedule's year) is a working day."""
        _check_date(day, "day")
        if day.year != self.year:
            raise WorkingCalendarError(f"day: {day.isoformat()} is not in the schedule's year {self.year}")
        if is_weekend(day):
            return day in self.working_weekends
        return day not in self.days_off

    def as_data(self) -> dict[str, Any]:
        """The canonical JSON-able form: ISO dates in ascending order (see :meth:`from_data`)."""
        return {
            "year": self.year,
            "days_off": [d.isoformat() for d in sorted(self.days_off)],
            "working_weekends": [d.isoformat() for d in sorted(self.working_weekends)],
            "source": self.source,
        }

    @classmethod
    def from_data(cls, data: object) -> YearSchedule:
        """Read the form :meth:`as_data` writes, strictly; refuse anything else naming the field.

        ``data`` is an object with exactly the members ``year`` (an integer), ``days_off`` and
        ``working_weekends`` (arrays of ``YYYY-MM-DD`` strings in strictly ascending order, hence
        without duplicates) and ``source`` (a non-empty string).
        """
        if not isinstance(data, Mapping):
            raise WorkingCalendarError(f"year schedule: must be a JSON object, not {type(data).__name__}")
        _check_members(data)
        year = data["year"]
        _check_year(year, "year")
        return cls(
            year=year,
            days_off=_read_dates(data["days_off"], "days_off"),
            working_weekends=_read_dates(data["working_weekends"], "working_weekends"),
            source=data["source"],
        )


def _sort_key(value: object) -> str:
    """Order possibly invalid set members deterministically, so the first error reported is stable."""
    return value.isoformat() if isinstance(value, date) else repr(value)


def _check_year(year: object, name: str) -> None:
    if type(year) is not int:
        raise WorkingCalendarError(f"{name}: must be an integer, not {type(year).__name__}")
    if not MINYEAR <= year <= MAXYEAR:
        raise WorkingCalendarError(f"{name}: {year} is outside the years {MINYEAR}-{MAXYEAR}")


def _check_date(day: object, name: str) -> None:
    # A datetime is a date to isinstance, but never equal to one: it would silently miss every set.
    if not isinstance(day, date) or isinstance(day, datetime):
        raise TypeError(f"{name}: {day!r} is not a date (datetime.date, not datetime.datetime)")


def _check_members(data: Mapping[Any, Any]) -> None:
    missing = [name for name in DATA_FIELDS if name not in data]
    if missing:
        raise WorkingCalendarError(f"year schedule: missing member(s) {', '.join(missing)}")
    extra = sorted(repr(name) for name in data if name not in DATA_FIELDS)
    if extra:
        raise WorkingCalendarError(f"year schedule: unknown member(s) {', '.join(extra)}")


def _read_dates(value: object, name: str) -> frozenset[date]:
    if not isinstance(value, list):
        raise WorkingCalendarError(
            f"{name}: must be an array of YYYY-MM-DD strings, not {type(value).__name__}"
        )
    days: list[date] = []
    for index, text in enumerate(value):
        day = _read_date(text, f"{name}[{index}]")
        if days and day == days[-1]:
            raise WorkingCalendarError(f"{name}[{index}]: {text} is listed twice")
        if days and day < days[-1]:
            raise WorkingCalendarError(
                f"{name}[{index}]: {text} comes after {days[-1].isoformat()}; "
                "dates must be in ascending order"
            )
        days.append(day)
    return frozenset(days)


def _read_date(text: object, name: str) -> date:
    if not isinstance(text, str) or not _ISO_DATE.match(text):
        raise WorkingCalendarError(f"{name}: {text!r} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WorkingCalendarError(f"{name}: {text!r} is not a calendar date") from None


class WorkingCalendar:
    """Working-day arithmetic over the recorded year schedules (at most one per year)."""

    __slots__ = ("_schedules",)

    def __init__(self, schedules: Iterable[YearSchedule]) -> None:
        by_year: dict[int, YearSchedule] = {}
        for schedule in schedules:
            if not isinstance(schedule, YearSchedule):
                raise TypeError(f"schedules: {schedule!r} is not a YearSchedule")
            if schedule.year in by_year:
                raise WorkingCalendarError(
                    f"schedules: two schedules for {schedule.year} "
                    f"({by_year[schedule.year].source!r} and {schedule.source!r}); "
                    "a calendar has one per year"
                )
            by_year[schedule.year] = schedule
        self._schedules = dict(sorted(by_year.items()))

    @property
    def years(self) -> tuple[int, ...]:
        """The years with a recorded schedule, ascending."""
        return tuple(self._schedules)

    def schedule(self, year: int) -> YearSchedule:
        """The schedule of ``year``; :class:`CalendarNotAnnounced` when none is recorded."""
        try:
            return self._schedules[year]
        except KeyError:
            raise CalendarNotAnnounced(year) from None

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (工作日)."""
        _check_date(day, "day")
        return self.schedule(day.year).is_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``n >= 1``; ``start`` itself is not counted)."""
        _check_count(n, "n")
        self._check_announced(start, "start")
        day, found = start, 0
        while found < n:
            day = _day_after(day)
            found += self.is_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days ``d`` with ``start < d <= end`` (``start <= end``)."""
        self._check_announced(start, "start")
        self._check_announced(end, "end")
        if end < start:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        count = 0
        day = start
        while day < end:
            day = _day_after(day)
            count += self.is_working_day(day)
        return count

    def working_days_late(self, deadline: date, actual: date) -> int:
        """How many working days ``actual`` is after ``deadline``: 0 when on time or early.

        Otherwise the least ``n`` with ``actual <= add_working_days(deadline, n)``: an act on a day off
        counts as late by the working days up to and including the next working day.
        """
        self._check_announced(deadline, "deadline")
        self._check_announced(actual, "actual")
        late = 0
        day = deadline
        while day < actual:
            day = self.add_working_days(day, 1)
            late += 1
        return late

    def last_working_days_of(self, period_end: date, n: int) -> date:
        """The first day of the window made of the last ``n`` working days on or before ``period_end``.

        The window is ``[result, period_end]``: ``result`` is a working day and the window holds exactly
        ``n`` working days (``period_end`` counts if it is one).
        """
        _check_count(n, "n")
        self._check_announced(period_end, "period_end")
        day, found = period_end, int(self.is_working_day(period_end))
        while found < n:
            day = _day_before(day)
            found += self.is_working_day(day)
        return day

    def _check_announced(self, day: date, name: str) -> None:
        _check_date(day, name)
        self.schedule(day.year)


def _day_after(day: date) -> date:
    if day == date.max:
        raise CalendarNotAnnounced(MAXYEAR + 1)
    return day + _ONE_DAY


def _day_before(day: date) -> date:
    if day == date.min:
        raise CalendarNotAnnounced(MINYEAR - 1)
    return day - _ONE_DAY


def _check_count(n: object, name: str) -> None:
    if type(n) is not int or n < 1:
        raise ValueError(f"{name}: must be an integer >= 1, got {n!r}")
