"""Saving collects an aggregate's events directly (ledger/services/collecting.py): the same
events stored in the same order as eventsourcing's own ``save``, without its runtime protocol
checks for aggregates."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate, event

from ledger.services.ledger import Ledger

pytestmark = pytest.mark.sqlite_only


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Amended")
    def amend(self, text: str) -> None:
        self.text = text


def test_a_save_stores_every_pending_event_of_its_aggregates_in_order(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch,
) -> None:
    library: list[Any] = []
    collect = ProcessingEvent.collect_events

    def counted(self: ProcessingEvent[Any], *objs: Any, **kwargs: Any) -> None:
        library.extend(objs)
        collect(self, *objs, **kwargs)

    monkeypatch.setattr(ProcessingEvent, "collect_events", counted)
    first, second = Note("甲"), Note("乙")
    first.amend("甲二")
    recordings = ledger.app.save(first, None, second)
    assert [(r.domain_event.originator_id, r.domain_event.originator_version)
            for r in recordings] == [(first.id, 1), (first.id, 2), (second.id, 1)]
    assert library == [None]  # the aggregates were collected without the library's checks
    assert ledger.app.repository.get(first.id).text == "甲二"
    assert ledger.app.save(first) == []  # nothing pending any more


def test_a_domain_event_given_to_save_is_stored_through_the_librarys_collection(
    ledger: Ledger,
) -> None:
    note = Note("丙")
    pending = note.collect_events()
    recordings = ledger.app.save(*pending)
    assert [r.domain_event for r in recordings] == pending
    assert ledger.app.repository.get(note.id).text == "丙"
