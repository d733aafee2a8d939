"""Hash-chained aggregates: every event carries its predecessor's hash and its own.

The aggregate's version numbering already serialises each chain (two writers of one aggregate
cannot both store version *n*), so chaining needs no global lock. The hashed content and the hash
function are :mod:`verify.event`'s, so the verifier and the writer share one implementation.

**The actor (行为人).** An event created while :func:`acting_as` is in effect carries an ``actor``
field in its data — the authenticated account the HTTP service acts for (``{"account": …,
"role": …, …}``, strings only) — hashed with the rest of the event. An event created outside it
(the administrator's command line, the demo) has no ``actor`` field at all, so events written
before accounts existed keep their exact content and hash. The field is not a dataclass field of
the event classes (their constructors do not change); it is set on the event object as it is
created and stored with its other attributes (``docs/ledger-format.md`` §2.3).

Every event is also where the one text rule is applied (:mod:`ledger.domain.text`): no string
with a control character can be stored, whatever path it came by.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, Self, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate
from eventsourcing.utils import get_topic, register_topic

from ledger.domain import clock
from ledger.domain.text import check_event_text, check_event_text_encoded
from verify.canonical import CanonicalError, canonical_json
from verify.event import ZERO_HASH, event_content, format_timestamp, hash_of_encoding

META_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "prev_hash", "event_hash"}
)
#: The data field naming who acted (only on events created inside :func:`acting_as`).
ACTOR_FIELD = "actor"

_actor: ContextVar[dict[str, str] | None] = ContextVar("spotcheck_actor", default=None)


@contextmanager
def acting_as(actor: Mapping[str, str] | None) -> Iterator[None]:
    """Every event created inside carries ``actor`` (None: no actor field, as before)."""
    if actor is not None and (not actor or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in actor.items())):
        raise ValueError("actor: a non-empty mapping of strings to strings")
    token = _actor.set(None if actor is None else dict(actor))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> dict[str, str] | None:
    """The actor events are being created for, if any."""
    actor = _actor.get()
    return None if actor is None else dict(actor)

TEvent = TypeVar("TEvent", bound=CanMutateAggregate[UUID])
TAggregate = TypeVar("TAggregate", bound=type[Aggregate])


def stable_topics(module: str) -> Callable[[TAggregate], TAggregate]:
    """Fix the topics of an aggregate class and its event classes as ``<module>:<qualname>``.

    An event's topic (its ``type``) is stored with it and hashed into it, and the verifier reads
    the event vocabulary by these names (``docs/ledger-format.md``): they are part of the ledger
    format, not a path in the code. ``module`` is the module the classes were first written in;
    the names stay the same wherever the code moves (eventsourcing's explicit ``TOPIC``)."""

    def fix(cls: TAggregate) -> TAggregate:
        classes: list[type[Any]] = [cls, *_event_classes(cls)]
        for each in classes:
            topic = f"{module}:{each.__qualname__}"
            each.TOPIC = topic
            register_topic(topic, each)
        return cls

    return fix


def _event_classes(cls: type[Any]) -> list[type[Any]]:
    return [v for v in vars(cls).values()
            if isinstance(v, type) and issubclass(v, CanMutateAggregate)]


def event_topics(cls: type[Any]) -> tuple[str, ...]:
    """The topics of an aggregate class's event classes (as :func:`stable_topics` fixed them),
    sorted."""
    return tuple(sorted(each.TOPIC for each in _event_classes(cls)))


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
        """The first event; :meth:`Event.mutate` (first in the order of bases) keeps the head."""

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
        timestamp = kwargs.pop("timestamp", None) or clock.now()
        actor = current_actor()
        data = dict(kwargs, originator_topic=get_topic(cls))
        digest = _hash(event_class, id, cls.INITIAL_VERSION, timestamp, ZERO_HASH,
                       _with_actor(data, actor), kwargs)
        aggregate = super()._create(
            event_class, id=id, timestamp=timestamp, prev_hash=ZERO_HASH, event_hash=digest, **kwargs
        )
        _stamp(aggregate, actor)
        return aggregate

    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        timestamp = kwargs.pop("timestamp", None) or clock.now()
        actor = current_actor()
        digest = _hash(event_class, self.id, self.version + 1, timestamp, self._chain_head,
                       _with_actor(kwargs, actor), kwargs)
        super().trigger_event(
            event_class,
            timestamp=timestamp,
            prev_hash=self._chain_head,
            event_hash=digest,
            **kwargs,
        )
        _stamp(self, actor)


def _with_actor(data: dict[str, Any], actor: dict[str, str] | None) -> dict[str, Any]:
    return data if actor is None else {**data, ACTOR_FIELD: actor}


def _stamp(aggregate: Aggregate, actor: dict[str, str] | None) -> None:
    """Put the actor on the event just created (the last pending one), as hashed."""
    if actor is not None:
        object.__setattr__(aggregate._pending_events[-1], ACTOR_FIELD, actor)


def _hash(
    event_class: type[Any],
    aggregate_id: UUID,
    version: int,
    timestamp: Any,
    prev_hash: str,
    data: dict[str, Any],
    own: dict[str, Any],
) -> str:
    """The event's hash (:func:`verify.event.event_hash` of its content), after the text rule
    (文本规则) on ``own``, the fields the event was given: read off the content's canonical
    encoding where that clears them (:func:`ledger.domain.text.check_event_text_encoded`), so
    the usual event's strings are not walked a second time."""
    content = event_content(
        str(aggregate_id), version, get_topic(event_class), format_timestamp(timestamp),
        prev_hash, data,
    )
    try:
        encoded = canonical_json(content)
    except CanonicalError:
        check_event_text(own)  # a refused character is the clearer error, as before hashing
        raise
    check_event_text_encoded(own, encoded)
    return hash_of_encoding(encoded)


@functools.cache
def _create_id_params(cls: type[ChainedAggregate]) -> frozenset[str]:
    return frozenset(inspect.signature(cls.create_id).parameters)


def content_of(event: Any, event_type: str | None = None) -> dict[str, Any]:
    """The hashed content of a stored event object (what :func:`verify.event.event_hash` takes).

    ``event_type`` is the topic stored with the event; it defaults to the event class's topic,
    which is the same until a class is moved (then the stored topic keeps old hashes valid).

    The data is the event's own attributes — for a stored event exactly the state that was stored
    — not its class's fields: an event written before a field was added to its type (with a default
    in the aggregate's method, e.g. ``ResultDisclosed.disclosed_by``) hashes as it was written.
    """
    data = {name: value for name, value in vars(event).items() if name not in META_FIELDS}  # with
    # the actor, where the event was written for an account (ACTOR_FIELD)
    return event_content(
        str(event.originator_id),
        event.originator_version,
        event_type or get_topic(type(event)),
        format_timestamp(event.timestamp),
        event.prev_hash,
        data,
    )
