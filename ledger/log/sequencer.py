"""The sequencer (定序器): integrates committed events into the agencies' transparency logs.

Database ids are not a log: they have gaps and say nothing signed. A single sequencer follows the
event store's notification order (commit order on both databases: SQLite serialises writers, and
eventsourcing locks the PostgreSQL events table for each insert), checks each event against its own
hash and its aggregate's chain, and appends its hash as the next leaf of its log's RFC 6962 Merkle
tree: the log of the aggregate's agency (:mod:`ledger.log.routing`). Nodes, leaves (an
aggregate's newest leaf is its chain head), the new sizes and the tracking position are written in
one transaction under the logs' lock, so a crash leaves either all of a batch or none of it, and a
second sequencer can never fork a tree. Appending costs O(log n) hashes per leaf; nothing is ever
rebuilt. A full batch (a backlog) is checked by a worker process running ahead of the placing
(:mod:`ledger.log.check_ahead`), so a second CPU does the hashing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from ledger.adapters.observability import get_logger
from ledger.domain.chained import content_of
from ledger.log.check_ahead import CheckAhead, available_cpus
from ledger.log.routing import Route
from ledger.log.row_check import EDITED, CheckedEvent, LogIntegrityError, check_plain_row
from ledger.log.store import (
    STORED_FROM_LEVEL,
    Head,
    LeafRow,
    LogState,
    LogStore,
    Position,
    StoredRow,
)
from ledger.log.stored import PlainRows
from verify.collector import gc_paused
from verify.event import ZERO_HASH, event_hash
from verify.merkle import hash_of_subtrees, perfect_subtrees

log = get_logger("spotcheck.sequencer")

Decoder = Callable[[Notification], Any]
NotificationSource = Callable[[int, int], Sequence[Notification | StoredRow]]
Router = Callable[[Any], Route]

#: Events per batch (one transaction). Large enough that a backlog is integrated at speed (each
#: batch pays a commit and the check-ahead worker's first chunk: 5,000 gave 45,000 leaves/s,
#: 20,000 gives 54,000 on SQLite), small enough to hold the logs' lock well under a second.
BATCH_SIZE = 20_000


@dataclass(frozen=True)
class BatchResult:
    leaves: int
    sizes: dict[str, int]


class Sequencer:
    """Integrates the event store's notifications into the logs, batch by batch."""

    def __init__(
        self, store: LogStore, source: NotificationSource, decode: Decoder, route: Router,
        batch_size: int = BATCH_SIZE, plain: PlainRows | None = None,
        check_ahead: bool | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.decode = decode
        self.route = route
        self.batch_size = batch_size
        self.plain = plain  # reads rows straight from their JSON where it can (ledger.log.stored)
        # a full batch's checks run in a worker process (ledger.log.check_ahead); None: where
        # there is a second CPU to run it on
        self.check_ahead = available_cpus() > 1 if check_ahead is None else check_ahead
        self._ahead = CheckAhead()

    def integrate(self) -> int:
        """Integrate everything committed so far; returns the number of new leaves."""
        total = 0
        while True:
            result = self.integrate_batch()
            total += result.leaves
            if result.leaves < self.batch_size:
                return total

    def close(self) -> None:
        """Stop the worker process, if one was started."""
        self._ahead.close()

    def integrate_batch(self) -> BatchResult:
        try:
            with gc_paused():  # (for one batch: a server's other threads share the collector)
                return self._integrate_batch()
        except LogIntegrityError as failure:
            log.error("log.integrity_error", notification_id=failure.notification_id,
                      aggregate_id=failure.aggregate_id, version=failure.version,
                      reason=failure.reason)
            raise

    def _integrate_batch(self) -> BatchResult:
        started = time.perf_counter()
        failure: LogIntegrityError | None = None
        sizes: dict[str, int] = {}
        placed = 0
        last: CheckedEvent | None = None
        with self.store.write() as cur:
            position = self.store.position(cur)
            notifications = self.source(position.notification_id, self.batch_size + 1)
            if position.aggregate_id is not None:
                notifications = self._after_last_logged(position, notifications)
            else:
                notifications = notifications[: self.batch_size]
            heads: dict[str, Head] = {}
            for checked, failure in self._checked(notifications):
                wanted = [i for i in _ids_to_look_up(checked) if i not in heads]
                heads.update(self.store.heads(cur, wanted))
                events, failure = _follow_chains(checked, heads, failure)
                for name, in_log in _by_log(events).items():
                    sizes[name] = self._append(cur, name, in_log)
                if events:
                    placed, last = placed + len(events), events[-1][1]
                if failure is not None:
                    break
            if last is not None:
                self.store.set_position(cur, position, Position(
                    last.notification_id, last.aggregate_id, last.version))
        if last is not None:
            log.info(
                "log.batch_appended", leaves=placed, logs=sizes, position=last.notification_id,
                seconds=round(time.perf_counter() - started, 4),
            )
        if failure is not None:
            raise failure
        return BatchResult(placed, sizes)

    def _checked(
        self, notifications: Sequence[Notification | StoredRow]
    ) -> Iterator[tuple[list[CheckedEvent], LogIntegrityError | None]]:
        """The notifications checked, in chunks, each with the failure that ended it (then it is
        the last): one chunk checked here, or, for a full batch, chunks a worker process checked
        ahead (:mod:`ledger.log.check_ahead`; a row it has no answer for — it cannot read the row
        straight, or it is not ready or gone — is checked here)."""
        ahead = (self.check_ahead and self.plain is not None and self.plain.enabled
                 and len(notifications) >= self.batch_size)
        if not ahead:
            yield self._check_all(notifications)
            return
        for answered in self._ahead.checked(notifications):
            checked: list[CheckedEvent] = []
            for row, answer in answered:
                try:
                    if answer is None:
                        checked.append(self._check(row))
                    elif isinstance(answer, str):
                        raise LogIntegrityError(row.id, str(row.originator_id),
                                                row.originator_version, answer)
                    else:
                        checked.append(answer)
                except LogIntegrityError as exc:
                    yield checked, exc
                    return
            yield checked, None

    def _check_all(
        self, notifications: Sequence[Notification | StoredRow]
    ) -> tuple[list[CheckedEvent], LogIntegrityError | None]:
        checked: list[CheckedEvent] = []
        for notification in notifications:
            try:
                checked.append(self._check(notification))
            except LogIntegrityError as exc:
                return checked, exc
        return checked, None

    def _after_last_logged(
        self, position: Position, notifications: Sequence[Notification | StoredRow]
    ) -> Sequence[Notification | StoredRow]:
        """The notifications after the position, once the event there is seen to be the one
        logged last: on SQLite a deleted newest row lets the next write reuse its id, which
        would otherwise hide that write from the log for good."""
        last = (position.aggregate_id, position.version)
        first = notifications[0] if notifications else None
        if (
            first is None
            or first.id != position.notification_id
            or (str(first.originator_id), first.originator_version) != last
        ):
            found = "nothing" if first is None else (
                f"#{first.id} ({first.originator_id} v{first.originator_version})")
            raise LogIntegrityError(
                position.notification_id, str(position.aggregate_id), position.version or 0,
                f"the last logged event is no longer at notification #{position.notification_id} "
                f"(found {found}): it was deleted, and a later write may have reused its id",
            )
        return notifications[1:]

    def _check(self, notification: Notification | StoredRow) -> CheckedEvent:
        if self.plain is not None:
            checked = check_plain_row(self.plain, notification)
            if checked is not None:
                return checked
        aggregate_id = str(notification.originator_id)
        version = notification.originator_version
        try:
            event = self.decode(_as_notification(notification))
            content = content_of(event, notification.topic)
            recomputed = event_hash(content)
        except Exception as exc:  # any decoding failure is an integrity failure of that row
            raise LogIntegrityError(
                notification.id, aggregate_id, version, f"stored event cannot be read: {exc}"
            ) from exc
        carried = getattr(event, "event_hash", None)
        if recomputed != carried:
            raise LogIntegrityError(notification.id, aggregate_id, version, EDITED)
        route = self.route(event) if version == 1 else None
        return CheckedEvent(notification.id, aggregate_id, version, event.prev_hash, recomputed,
                            route)

    def _append(self, cur: Any, name: str, events: list[CheckedEvent]) -> int:
        state = self.store.state(name, cur)
        known = self.store.nodes(name, perfect_subtrees(0, state.size), cur) if state.size else {}
        entries = [bytes.fromhex(event.event_hash) for event in events]
        leaves = [LeafRow(index, event.aggregate_id, event.version, event.notification_id, entry)
                  for index, event, entry in zip(count(state.size), events, entries, strict=False)]
        new_nodes = _add_leaves(state.size, entries, known)
        size = state.size + len(events)
        root = hash_of_subtrees([known[key] for key in perfect_subtrees(0, size)])
        self.store.put_leaves(cur, name, leaves)
        self.store.put_nodes(cur, name, new_nodes)
        self.store.set_state(cur, name, state.size, LogState(size, root))
        return size


def _as_notification(row: Notification | StoredRow) -> Notification:
    """What the mapper decodes: a ``Notification`` (a row read by the store becomes one)."""
    if isinstance(row, Notification):
        return row
    return Notification(id=row.id, originator_id=UUID(row.originator_id),
                        originator_version=row.originator_version, topic=row.topic,
                        state=row.state)


def _ids_to_look_up(checked: list[CheckedEvent]) -> list[str]:
    """The aggregates whose heads the batch needs: its own, and the agencies first events name."""
    ids = [c.aggregate_id for c in checked]
    ids += [c.route.agency_id for c in checked if c.route is not None and c.route.agency_id]
    return ids


def _follow_chains(
    checked: list[CheckedEvent],
    heads: dict[str, Head],
    failure: LogIntegrityError | None,
) -> tuple[list[tuple[str, CheckedEvent]], LogIntegrityError | None]:
    """Place each event in its log, keeping those whose chain link holds and stopping at the
    first that breaks or cannot be placed; updates ``heads``."""
    placed: list[tuple[str, CheckedEvent]] = []
    for event in checked:
        head = heads.get(event.aggregate_id)
        expected = (0, ZERO_HASH) if head is None else (head.version, head.event_hash)
        if (event.version, event.prev_hash) != (expected[0] + 1, expected[1]):
            reason = (
                f"chain broken: expected version {expected[0] + 1} after hash "
                f"{expected[1][:16]}…, found version {event.version} after {event.prev_hash[:16]}…"
            )
            return placed, LogIntegrityError(
                event.notification_id, event.aggregate_id, event.version, reason
            )
        name = head.log if head is not None else _log_of_route(event, heads)
        if name is None:
            return placed, LogIntegrityError(
                event.notification_id, event.aggregate_id, event.version,
                f"names agency {event.route.agency_id if event.route else '?'}, which has no log "
                "(its Established event was never logged)",
            )
        heads[event.aggregate_id] = Head(name, event.version, event.event_hash)
        placed.append((name, event))
    return placed, failure


def _log_of_route(event: CheckedEvent, heads: dict[str, Head]) -> str | None:
    route = event.route
    if route is None:
        return None
    if route.log is not None:
        return route.log
    agency = heads.get(route.agency_id or "")
    return None if agency is None else agency.log


def _by_log(placed: list[tuple[str, CheckedEvent]]) -> dict[str, list[CheckedEvent]]:
    grouped: dict[str, list[CheckedEvent]] = {}
    for name, event in placed:
        grouped.setdefault(name, []).append(event)
    return grouped


def _add_leaves(
    first: int, entries: list[bytes], known: dict[tuple[int, int], bytes]
) -> list[tuple[int, int, bytes]]:
    """Append the leaves of ``entries`` at ``first``, ``first + 1``, …: every complete subtree
    they finish, put in ``known`` (which must hold the perfect subtrees of the tree before them),
    and those from :data:`~ledger.log.store.STORED_FROM_LEVEL` up as ``(level, index, hash)``
    rows to store (the store hashes the lower ones from the leaves' entries)."""
    sha256 = hashlib.sha256
    new_nodes: list[tuple[int, int, bytes]] = []
    add = new_nodes.append
    for index, entry in enumerate(entries, first):
        digest = sha256(b"\x00" + entry).digest()  # verify.merkle.leaf_hash
        known[(0, index)] = digest
        level, position = 0, index
        while position & 1:
            digest = sha256(b"\x01" + known[(level, position - 1)] + digest).digest()  # node_hash
            level, position = level + 1, position >> 1
            known[(level, position)] = digest
            if level >= STORED_FROM_LEVEL:
                add((level, position, digest))
    return new_nodes
