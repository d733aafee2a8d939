"""Reading a stored event row straight from its JSON (存储行的直接读取), for the log and the export.

The sequencer recomputes the hash of every event it integrates, and the export writes every
event's content; both used to build the event object through eventsourcing's mapper first, the
larger part of their cost. A row as the ledger writes it — no cipher, no compressor, a JSON object
whose only transcoded value is the event time and whose fields are exactly those of its event
class — is read here with one strict parse (:func:`verify.canonical.loads_strict`, which refuses
what the canonical form cannot hold): :meth:`PlainRows.read` gives the hashed content
(:func:`verify.event.event_content`), the hash the row carries and its ``prev_hash``, and the
content's hash is recomputed with the verifier's own encoder for parsed JSON. Any other row gives
``None`` and goes through the mapper as before, which reports what it cannot read. The tests hold
the two paths equal for every kind of event.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.utils import resolve_topic

from verify.canonical import CanonicalError, canonical_json_parsed, loads_strict
from verify.event import EVENT_HASH_DOMAIN, format_timestamp

_STAMP = b'{"timestamp":{"_type_":"datetime_iso","_data_":"'
_sha256 = hashlib.sha256
_UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class PlainRow(NamedTuple):
    """What a row holds: the hashed content, the hash it carries, its ``prev_hash`` and its own
    fields (the content's ``data``), and the stored bytes it was read from. (A named tuple: the
    sequencer builds one per event.)"""

    content: dict[str, Any]
    event_hash: str
    prev_hash: str
    source: bytes

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.content["data"]
        return data

    def recomputed_hash(self) -> str:
        """The event hash of the content (:func:`verify.event.event_hash`), through the verifier's
        encoder for JSON read by :func:`verify.canonical.loads_strict` (the same bytes)."""
        encoded = canonical_json_parsed(self.content, self.source)
        return _sha256(EVENT_HASH_DOMAIN + encoded).hexdigest()


class PlainRows:
    """Reads rows straight from their JSON where the application stores them so (see above)."""

    def __init__(self, mapper: Any, fields: dict[str, frozenset[str]] | None = None) -> None:
        self.enabled = (getattr(mapper, "cipher", None) is None
                        and getattr(mapper, "compressor", None) is None)
        self._fields: dict[str, frozenset[str] | None] = {}
        # given (a process that has not imported the event classes): a topic not in the table is
        # not a plain row here (the sequencer's process reads it through the mapper)
        self._given = fields is not None
        self._fields.update(fields or {})

    def fields(self, topics: Iterable[str]) -> dict[str, frozenset[str]]:
        """The stored fields of each of these topics that a class answers to: the table a
        process that has not imported the event classes reads rows with (``fields=``)."""
        table = {topic: self._fields_of(topic) for topic in topics}
        return {topic: names for topic, names in table.items() if names is not None}

    def _fields_of(self, topic: str) -> frozenset[str] | None:
        """The stored fields of an event type (its dataclass fields, less the id and version
        kept in columns), or None for a topic no class answers to."""
        if topic not in self._fields:
            if self._given:
                return None
            try:
                names = {f.name for f in dataclasses.fields(resolve_topic(topic))}
                self._fields[topic] = frozenset(names - {"originator_id", "originator_version"})
            except Exception:
                self._fields[topic] = None
        return self._fields[topic]

    def read(self, aggregate_id: str, version: int, topic: str, state: bytes) -> PlainRow | None:
        """The row's content, or None when it is not a plain row (then use the mapper)."""
        if not (self.enabled and state.startswith(_STAMP) and state.count(b'"_type_"') == 1):
            return None
        expected = self._fields.get(topic, _UNKNOWN)
        if expected is _UNKNOWN:
            expected = self._fields_of(topic)
        try:
            raw = loads_strict(state)  # refuses floats, unsafe integers, repeated keys
        except CanonicalError:
            return None
        if expected is None or type(raw) is not dict or raw.keys() != expected:
            return None
        stamp = raw.pop("timestamp")
        prev_hash = raw.pop("prev_hash")
        event_hash = raw.pop("event_hash")
        if not (type(prev_hash) is str and type(event_hash) is str and type(stamp) is dict
                and type(stamp.get("_data_")) is str):
            return None
        text = stamp["_data_"]
        try:
            if len(text) == 32 and text.endswith("+00:00") and text[19] == ".":
                datetime.fromisoformat(text)  # a valid time, already UTC with microseconds
                moment = text[:-6] + "Z"
            else:
                moment = format_timestamp(datetime.fromisoformat(text))
            uuid = aggregate_id if _UUID_TEXT.fullmatch(aggregate_id) else str(UUID(aggregate_id))
        except ValueError:
            return None
        # verify.event.event_content, built in place (the parsed fields are not shared)
        content = {"aggregate_id": uuid, "version": version, "type": topic, "timestamp": moment,
                   "prev_hash": prev_hash, "data": raw}
        return PlainRow(content, event_hash, prev_hash, state)


_UNKNOWN = frozenset({"?"})
