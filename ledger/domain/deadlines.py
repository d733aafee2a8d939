"""Deadlines in Chinese working days (工作日时限), from the rulebook and the recorded calendar.

A rulebook's :class:`~ledger.domain.rulebook.Deadline` is ``count`` working days (or calendar days) after
an anchor: the inspection's completion (the visit), the end of the month it was completed in, or
the completion of the whole task (the last visit of the draw). A step after its deadline is
accepted and flagged with the number of working days late; a deadline in a year whose State
Council schedule is not recorded is an error, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ledger.domain.rulebook import Deadline
from ledger.errors import InvalidInput
from verify.working_days import CalendarNotAnnounced, WorkingCalendar


class DeadlineError(InvalidInput):
    """A deadline that cannot be computed; the message says why and what to record."""

    missing_year: int | None = None  # the year whose holiday schedule is not recorded


@dataclass(frozen=True)
class Timeliness:
    due: date | None
    working_days_late: int

    @property
    def due_text(self) -> str:
        return "" if self.due is None else self.due.isoformat()


def anchor_date(deadline: Deadline, completed: date, task_completed: date | None = None) -> date:
    if deadline.anchor == "month_completed":
        following = completed.replace(day=28) + timedelta(days=4)
        return following - timedelta(days=following.day)
    if deadline.anchor == "task_completed":
        return task_completed or completed
    return completed


def calendar_hint(year: int, agency: str = "<division code>") -> str:
    """The command that records ``year``'s holiday schedule for ``agency``, ready to run."""
    return (f"record it: spotcheck calendar record --agency {agency} --year {year} "
            "--from-package --by <who records it> (or --file schedule.json for a schedule the "
            "package does not list yet)")


def _missing_calendar(exc: CalendarNotAnnounced) -> DeadlineError:
    error = DeadlineError(f"calendar: {exc} ({calendar_hint(exc.year)})")
    error.missing_year = exc.year
    return error


def due_date(deadline: Deadline, anchor: date, calendar: WorkingCalendar) -> date:
    try:
        if deadline.unit == "working_days":
            return calendar.add_working_days(anchor, deadline.count)
        return anchor + timedelta(days=deadline.count)
    except CalendarNotAnnounced as exc:
        raise _missing_calendar(exc) from None


def timeliness(
    deadline: Deadline | None, completed: date, actual: date, calendar: WorkingCalendar,
    task_completed: date | None = None,
) -> Timeliness:
    """When ``actual`` was due, and how many working days late it is (0: on time or no deadline)."""
    if deadline is None:
        return Timeliness(None, 0)
    due = due_date(deadline, anchor_date(deadline, completed, task_completed), calendar)
    try:
        return Timeliness(due, calendar.working_days_late(due, actual))
    except CalendarNotAnnounced as exc:
        raise _missing_calendar(exc) from None
