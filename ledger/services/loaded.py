"""Aggregates kept loaded between use cases (已加载的聚合), brought up to date before each use.

A large draw's events hold its frozen files and its sealed selection (megabytes), and an agency's
hold its rulebooks and holiday schedules; loading them from their first event for every record
filed costs more than the record. :class:`Loaded` keeps the last few loaded and, when asked again,
applies the events stored since (one query, usually empty) instead of reading them all again; what
it hands out is a copy, so a change the caller makes and fails to save changes nothing here. It
sees what other processes wrote as surely as a fresh load does, because it asks the store every
time.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import Application

T = TypeVar("T")


class Loaded(Generic[T]):
    """The ``size`` aggregates used last, by id."""

    def __init__(self, app: Application[UUID], size: int = 8) -> None:
        self.app = app
        self.size = size
        self._kept: OrderedDict[UUID, Any] = OrderedDict()

    def get(self, uuid: UUID) -> T:
        """The aggregate as stored now, a copy of its own for the caller to change and save
        (eventsourcing's ``AggregateNotFoundError`` if there is none)."""
        found: T = copy.deepcopy(self.peek(uuid))
        return found

    def peek(self, uuid: UUID) -> T:
        """The aggregate as stored now, to read only (it is the one kept: never change it). An
        agency's holiday schedules are a hundred thousand small objects, not worth a copy."""
        kept = self._kept.get(uuid)
        if kept is None:
            kept = self.app.repository.get(uuid)
        else:
            event: Any
            for event in self.app.events.get(uuid, gt=kept.version):
                kept = event.mutate(kept)
        self._kept[uuid] = kept
        self._kept.move_to_end(uuid)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        found: T = kept
        return found
