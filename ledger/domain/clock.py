"""When an event is recorded (记录时间): the wall clock, or a simulated one.

Every event carries the time it was written (``timestamp``, hashed with it); the verifier compares
each step's claimed date (``frozen_on``, ``filed_on``, ``disclosed_on`` …) with it and flags a step
recorded later than the rules allow (back-dating, 补记倒签). A simulation — the demo's quarter, the
tests' agencies — writes events at the times it tells, inside :func:`simulated_time`; everything
else is stamped with the wall clock in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

_simulated: ContextVar[list[datetime] | None] = ContextVar("spotcheck_simulated_time", default=None)


def now() -> datetime:
    """The time to stamp an event with: the wall clock (UTC), or the simulated time, one
    microsecond later for each event so that events keep their order."""
    held = _simulated.get()
    if held is None:
        return datetime.now(UTC)
    held[0] += timedelta(microseconds=1)
    return held[0]


@contextmanager
def simulated_time(at: datetime) -> Iterator[None]:
    """Stamp the events written inside with ``at`` (timezone-aware), one microsecond apart."""
    if at.tzinfo is None:
        raise ValueError("at: a simulated time is timezone-aware")
    token = _simulated.set([at])
    try:
        yield
    finally:
        _simulated.reset(token)


def simulating() -> bool:
    """Whether events are being stamped with a simulated time."""
    return _simulated.get() is not None
