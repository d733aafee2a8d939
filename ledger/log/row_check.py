"""The sequencer's check of one stored event row (行校验), before it becomes a leaf.

A row read straight from its JSON (:mod:`ledger.log.stored`) must hash to the ``event_hash`` it
carries; a first event also says which log its aggregate belongs to (:mod:`ledger.log.routing`).
This is pure computation on the row's bytes, so it runs in the sequencer's process or, for a large
backlog, in a worker process ahead of it (:mod:`ledger.log.check_ahead`): both call
:func:`check_plain_row`, and both report a failure with the same :class:`LogIntegrityError`.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from ledger.errors import IntegrityFailure
from ledger.log.routing import Route, route_of_fields
from ledger.log.stored import PlainRows


class LogIntegrityError(IntegrityFailure):
    """A stored event failed its checks and was not logged; the log stops before it."""

    def __init__(self, notification_id: int, aggregate_id: str, version: int, reason: str) -> None:
        self.notification_id = notification_id
        self.aggregate_id = aggregate_id
        self.version = version
        self.reason = reason
        super().__init__(
            f"event #{notification_id} ({aggregate_id} v{version}) was not logged: {reason}"
        )


class CheckedEvent(NamedTuple):
    """One event that passed its own checks (a named tuple: one is built per event)."""

    notification_id: int
    aggregate_id: str
    version: int
    prev_hash: str
    event_hash: str
    route: Route | None  # where a first event places its aggregate; None for later versions


class Row(Protocol):
    """What the check reads of a stored row (an eventsourcing ``Notification`` or a
    :class:`ledger.log.store.StoredRow`)."""

    @property
    def id(self) -> int: ...
    @property
    def originator_id(self) -> object: ...
    @property
    def originator_version(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def state(self) -> bytes: ...


EDITED = "content does not match the event's own hash (edited after it was written?)"


def check_plain_row(plain: PlainRows, row: Row) -> CheckedEvent | None:
    """The row checked straight from its JSON, or None when it is not a plain row (then the
    application's mapper must read it). Raises :class:`LogIntegrityError` for a row that fails."""
    aggregate_id = str(row.originator_id)  # (a StoredRow's is text already)
    version = row.originator_version
    read = plain.read(aggregate_id, version, row.topic, row.state)
    if read is None:
        return None
    try:
        recomputed = read.recomputed_hash()
    except Exception as exc:  # outside the canonical profile: an integrity failure
        raise LogIntegrityError(
            row.id, aggregate_id, version, f"stored event cannot be read: {exc}"
        ) from exc
    if recomputed != read.event_hash:
        raise LogIntegrityError(row.id, aggregate_id, version, EDITED)
    route = route_of_fields(row.topic, read.data) if version == 1 else None
    return CheckedEvent(row.id, aggregate_id, version, read.prev_hash, recomputed, route)
