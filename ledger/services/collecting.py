"""Saving aggregates without eventsourcing's runtime protocol checks (收集待存事件).

eventsourcing 9.5.6's ``Application.save`` hands each object to ``ProcessingEvent.collect_events``,
which asks ``isinstance(obj, DomainEventProtocol)`` and then ``isinstance(obj,
CollectEventsProtocol)``. Both are ``typing`` runtime protocols, and under Python 3.11 such a check
walks the protocol's members on every call: ~9 µs per aggregate saved (measured here), a tenth of
what storing one of the ledger's events costs on PostgreSQL. An ``Aggregate`` is never a domain
event and always collects its own, so for one an ordinary class check says the same; anything
else still goes through the library's checks.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Recording


class CollectingApplication(Application[UUID]):
    """eventsourcing's application; :meth:`save` collects an aggregate's events directly."""

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's ``save``, step for step, with the aggregates collected directly."""
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            else:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # (deprecated in the library; it still calls it)
        return recordings
