"""Which transparency log an aggregate belongs to (日志归属): each agency keeps its own.

An aggregate is placed once, by its first event, and stays in that log for life:

* an agency's ``Established`` event opens the agency's own log, named by its division code;
* an aggregate whose first event names an ``agency_id`` (an inspection object, an inspector, a
  draw, …) goes to that agency's log;
* anything else goes to the deployment's own log, ``ledger``.

So an agency's audit bundle holds everything its draws are checked against: its directories, its
rulebooks and its draws, and nothing of its neighbours'.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ledger.log import DEFAULT_LOG

#: The topic of an agency's founding event (``Agency.Established``; a stable topic, see
#: :func:`ledger.domain.chained.stable_topics`): compared by name, so that the check-ahead worker
#: (:mod:`ledger.log.check_ahead`), which reads rows as JSON, starts without importing the domain.
ESTABLISHED_TOPIC = "ledger.agency:Agency.Established"


@dataclass(frozen=True)
class Route:
    """Either a log by name, or "the log of this agency" (resolved through its chain head)."""

    log: str | None = None
    agency_id: str | None = None


def route_of(first_event: Any) -> Route:
    """Where the aggregate that ``first_event`` creates is logged."""
    if getattr(first_event, "TOPIC", None) == ESTABLISHED_TOPIC:
        return Route(log=str(first_event.division_code))
    agency = getattr(first_event, "agency_id", None)
    if agency:
        return Route(agency_id=str(agency))
    return Route(log=DEFAULT_LOG)


def route_of_fields(topic: str, data: dict[str, Any]) -> Route:
    """:func:`route_of` for a first event read as its stored fields (``ledger.log.stored``)."""
    if topic == ESTABLISHED_TOPIC:
        return Route(log=str(data["division_code"]))
    agency = data.get("agency_id")
    if agency:
        return _agency_route(str(agency))
    return Route(log=DEFAULT_LOG)


@functools.lru_cache(maxsize=4096)
def _agency_route(agency_id: str) -> Route:
    """One (immutable) route per agency: the sequencer places thousands of first events each."""
    return Route(agency_id=agency_id)
