"""Hash-chained aggregates: every event carries its predecessor's hash and its own.

The aggregate's version numbering already serialises each chain (two writers of one aggregate
cannot both store version *n*), so chaining needs no global lock. The hashed content and the hash
function are :mod:`verify.event`'s, so the verifier and the writer share one implementation.

Every event is also where the one text rule is applied (:mod:`ledger.domain.text`): no string
with a control character can be stored, whatever path it came by.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import Any, ClassVar, Self, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate
from eventsourcing.utils import get_topic, register_topic

from ledger.domain.text import check_event_text
from verify.event import ZERO_HASH, event_content, event_hash, format_timestamp

META_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "prev_hash", "event_hash"}
)

TEvent = TypeVar("TEvent", bound=CanMutateAggregate[UUID])
TAggregate = TypeVar("TAggregate", bound=type[Aggregate])


def stable_topics(module: str) -> Callable[[TAggregate], TAggregate]:
    """Fix the topics of an aggregate class and its event classes as ``<module>:<qualname>``.

    An event's topic (its ``type``) is stored with it and hashed into it, and the verifier reads
    the event vocabulary by these names (``docs/ledger-format.md``): they are part of the ledger
    format, not a path in the code. ``module`` is the module the classes were first written in;
    the names stay the same wherever the code moves (eventsourcing's explicit ``TOPIC``)."""

    def fix(cls: TAggregate) -> TAggregate:
        classes: list[type[Any]] = [cls]
        classes += [v for v in vars(cls).values()
                    if isinstance(v, type) and issubclass(v, CanMutateAggregate)]
        for each in classes:
            topic = f"{module}:{each.__qualname__}"
            each.TOPIC = topic
            register_topic(topic, each)
        return cls

    return fix


class ChainedAggregate(Aggregate):
    """An aggregate whose events form a hash chain (链式哈希)."""

    _chain_head: str = ZERO_HASH
    CHAIN_META: ClassVar[frozenset[str]] = META_FIELDS

    class Event(Aggregate.Event):
        prev_hash: str
        event_hash: str

        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            aggregate._chain_head = self.event_hash
            return aggregate

    class Created(Event, Aggregate.Created):
        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            aggregate._chain_head = self.event_hash
            return aggregate

    @property
    def chain_head(self) -> str:
        """Hash of this aggregate's latest event."""
        return self._chain_head

    @classmethod
    def _create(
        cls,
        event_class: type[CanInitAggregate[UUID]],
        *,
        id: UUID | None = None,
        **kwargs: Any,
    ) -> Self:
        if id is None:
            params = _create_id_params(cls)
            id = cls.create_id(**{k: v for k, v in kwargs.items() if k in params})
        timestamp = kwargs.pop("timestamp", None) or event_class.create_timestamp()
        check_event_text(kwargs)
        data = dict(kwargs, originator_topic=get_topic(cls))
        digest = _hash(event_class, id, cls.INITIAL_VERSION, timestamp, ZERO_HASH, data)
        return super()._create(
            event_class, id=id, timestamp=timestamp, prev_hash=ZERO_HASH, event_hash=digest, **kwargs
        )

    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        timestamp = kwargs.pop("timestamp", None) or event_class.create_timestamp()
        check_event_text(kwargs)
        digest = _hash(event_class, self.id, self.version + 1, timestamp, self._chain_head, kwargs)
        super().trigger_event(
            event_class,
            timestamp=timestamp,
            prev_hash=self._chain_head,
            event_hash=digest,
            **kwargs,
        )


def _hash(
    event_class: type[Any],
    aggregate_id: UUID,
    version: int,
    timestamp: Any,
    prev_hash: str,
    data: dict[str, Any],
) -> str:
    content = event_content(
        str(aggregate_id), version, get_topic(event_class), format_timestamp(timestamp),
        prev_hash, data,
    )
    return event_hash(content)


@functools.cache
def _create_id_params(cls: type[ChainedAggregate]) -> frozenset[str]:
    return frozenset(inspect.signature(cls.create_id).parameters)


def content_of(event: Any, event_type: str | None = None) -> dict[str, Any]:
    """The hashed content of a stored event object (what :func:`verify.event.event_hash` takes).

    ``event_type`` is the topic stored with the event; it defaults to the event class's topic,
    which is the same until a class is moved (then the stored topic keeps old hashes valid).
    """
    data = {
        f.name: getattr(event, f.name)
        for f in dataclasses.fields(event)
        if f.name not in META_FIELDS
    }
    return event_content(
        str(event.originator_id),
        event.originator_version,
        event_type or get_topic(type(event)),
        format_timestamp(event.timestamp),
        event.prev_hash,
        data,
    )
