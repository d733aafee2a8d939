"""The State Council's working-day schedules as the maintained package ``chinesecalendar`` lists them.

``chinesecalendar`` (module ``chinese_calendar``, maintained by LKI on GitHub and updated each year
when the General Office of the State Council publishes the next year's holiday notice) keeps its data
in ``chinese_calendar/constants.py``: ``holidays`` (dates off, statutory holidays and weekdays given
off in exchange, weekend days included) and ``workdays`` (Saturdays and Sundays worked, 调休上班),
both keyed by date. Its ``is_workday(d)`` is ``d in workdays or (d is Monday-Friday and d not in
holidays)``; this adapter derives the same thing as one :class:`verify.working_days.YearSchedule`
per year, for the ledger to record. The verifier never reads the package: it reads the schedules
recorded in the ledger.

A year is *covered* when the package holds the State Council's schedule for it: the year lies in
the range its ``is_workday`` accepts (the first to the last year in ``holidays``; outside it raises
``NotImplementedError``) and ``holidays`` lists that year's Spring Festival and National Day. A
December date listed for the next year's New Year holiday does not make that next year covered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from importlib.metadata import version

from chinese_calendar import constants

from ledger.errors import NotFound
from verify.working_days import SATURDAY, YearSchedule

PACKAGE = "chinesecalendar"
"""The distribution's name on PyPI (its module is ``chinese_calendar``)."""

_YEAR_MARKERS = (constants.Holiday.spring_festival.value, constants.Holiday.national_day.value)


class YearNotInPackage(NotFound):
    """A year for which the installed chinesecalendar holds no State Council schedule."""

    def __init__(self, year: int, covered: list[int]) -> None:
        span = f"{covered[0]}-{covered[-1]}" if covered else "no year"
        super().__init__(
            f"{PACKAGE} {package_version()} holds no State Council schedule for {year} (it covers {span}); "
            f"upgrade the package once the notice for {year} is published, or record the schedule from "
            "the notice itself"
        )
        self.year = year


def package_version() -> str:
    """The installed version of chinesecalendar, e.g. ``1.11.0``."""
    return version(PACKAGE)


def package_years() -> list[int]:
    """The years the installed package covers, ascending (see the module docstring)."""
    holidays: dict[date, str] = constants.holidays
    first, last = min(holidays).year, max(holidays).year
    marked: dict[int, set[str]] = {}
    for day, name in holidays.items():
        marked.setdefault(day.year, set()).add(name)
    return [year for year in range(first, last + 1) if set(_YEAR_MARKERS) <= marked.get(year, set())]


def schedules_from_package(years: Iterable[int] | None = None) -> list[YearSchedule]:
    """The package's schedule of each of ``years`` (default: every covered year), by ascending year.

    Raises :class:`YearNotInPackage` for a year the package does not cover.
    """
    covered = package_years()
    wanted = covered if years is None else sorted(set(years))
    for year in wanted:
        if year not in covered:
            raise YearNotInPackage(year, covered)
    source = f"{PACKAGE} {package_version()}"
    return [_schedule(year, source) for year in wanted]


def _schedule(year: int, source: str) -> YearSchedule:
    holidays: dict[date, str] = constants.holidays
    workdays: dict[date, str] = constants.workdays
    return YearSchedule(
        year=year,
        # Mirrors is_workday: a date in ``workdays`` is worked even if it is also in ``holidays``.
        days_off=frozenset(
            day for day in holidays
            if day.year == year and day.weekday() < SATURDAY and day not in workdays
        ),
        # A weekday in ``workdays`` would be a working day anyway; only weekends change anything.
        working_weekends=frozenset(day for day in workdays if day.year == year and day.weekday() >= SATURDAY),
        source=source,
    )
