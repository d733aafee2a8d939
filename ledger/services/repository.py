"""The application's repository (聚合仓库): eventsourcing's, with a membership test that reads one
stored row.

eventsourcing's ``Repository.__contains__`` answers ``uuid in repository`` by rebuilding the whole
aggregate from its events and discarding it. The ledger asks that question before most commands
(does this draw, agency, inspection exist?), and some aggregates are large: a fixed draw holds its
whole list, an agency its holiday schedules. Filing one inspection record spent more than half of
its time in such a test (``bench/writes.py``). An aggregate exists when its first event is stored,
so one indexed row answers it.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Repository


class LedgerRepository(Repository[UUID]):
    """eventsourcing's repository; ``in`` reads at most one stored event, decoding nothing."""

    def __contains__(self, item: UUID) -> bool:
        return bool(self.event_store.recorder.select_events(item, limit=1))
