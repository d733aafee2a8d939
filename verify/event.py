"""Event content and event hashes: the per-aggregate hash chain (SPOTCHECK-EVENT-1).

Every event in the ledger carries ``prev_hash`` (the hash of the previous event of the same
aggregate, or 64 zeros for an aggregate's first event) and ``event_hash``, its own hash over its
immutable content::

    content = {
        "aggregate_id": "<UUID, lower-case, hyphenated>",
        "version": <1, 2, 3, ... within the aggregate>,
        "type": "<the event's stable type name (its topic)>",
        "timestamp": "<UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ>",
        "prev_hash": "<64 lower-case hex digits>",
        "data": {<the event's own fields>},
    }
    event_hash = hex(SHA-256(b"spotcheck/event/v1" || 0x00 || JCS(content)))

``JCS`` is the RFC 8785 canonical JSON of :mod:`verify.canonical`. The ``spotcheck/event/v1`` prefix
separates this hash from every other hash Spotcheck computes (Merkle leaves start with 0x00, nodes
with 0x01, and neither can start with an ASCII 's') and names the format version.

The Merkle log's entry for an event is the 32 raw bytes of its ``event_hash``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from verify.canonical import canonical_json

EVENT_HASH_DOMAIN = b"spotcheck/event/v1\x00"
ZERO_HASH = "0" * 64
CONTENT_KEYS = ("aggregate_id", "version", "type", "timestamp", "prev_hash", "data")
_HEX_BYTES = b"0123456789abcdef"


def format_timestamp(moment: datetime) -> str:
    """The canonical text of an event time: UTC with microseconds and a ``Z``."""
    if moment.tzinfo is UTC:  # every event time the ledger creates: its fields as they are, the
        # text ``isoformat`` gives with ``Z`` for ``+00:00`` (tests/verify/test_event.py) at 60 %
        # of its cost, for every event written (% formatting: an f-string is slower here)
        return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031
            moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
            moment.microsecond)
    if moment.tzinfo is None:
        raise ValueError("event timestamps must be timezone-aware")
    text = moment.isoformat(timespec="microseconds")
    if text.endswith("+00:00"):  # already UTC (every event time the ledger creates): no conversion
        return text[:-6] + "Z"
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def event_content(
    aggregate_id: str,
    version: int,
    event_type: str,
    timestamp: str,
    prev_hash: str,
    data: Mapping[str, Any],
) -> dict[str, Any]:
    """The hashed content of one event, as specified in the module docstring."""
    return {
        "aggregate_id": aggregate_id,
        "version": version,
        "type": event_type,
        "timestamp": timestamp,
        "prev_hash": prev_hash,
        "data": dict(data),
    }


def event_hash(content: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the domain-separated canonical encoding of ``content``."""
    return hash_of_encoding(canonical_json(content))


def hash_of_encoding(encoded: bytes) -> str:
    """The event hash of content whose canonical encoding is ``encoded`` (for a writer that
    reads the encoding too: ``ledger.domain.chained`` checks the text rule on it)."""
    return hashlib.sha256(EVENT_HASH_DOMAIN + encoded).hexdigest()


def is_hash_hex(value: object) -> bool:
    """True for a 64-digit lower-case hex string (the form of every hash in the ledger)."""
    # (deleting the hex digits from its ASCII bytes leaves nothing exactly when every character is
    # one: ~0.2 µs, where str.strip(digits) took ~0.46 µs and a regular expression's fullmatch
    # ~0.26 µs; it is asked twice for every line)
    return (type(value) is str and len(value) == 64 and value.isascii()
            and not value.encode().translate(None, _HEX_BYTES))
