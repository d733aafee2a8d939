"""The part of checking a line of ``events.jsonl`` that needs no order, runnable in another process.

:mod:`verify.ledger_check` walks the lines in log order: the chains, the Merkle frontier and the
draw and rule replays depend on every line before. About half of a line's cost does not: the strict
parse (which proves the line is inside the canonical JSON profile), the canonical re-encoding of
the event and its SHA-256, the schema check and the Merkle leaf hash. :func:`precheck` does that
half for a chunk of lines and answers, per line, a :data:`Prechecked` or ``None``:

* ``None``: nothing unusual is decided here — the line is malformed, or not an object with an
  ``index`` and a 64-hex ``entry``, or took the standard library's parse, or its canonical
  encoding fails. The ordered pass then checks that line exactly as it checks every line in one
  process, error messages included;
* else ``(leaf, recomputed, problems)``: the line parses (:func:`verify.canonical.loads_proved`
  gives its value again, cheaply), its Merkle leaf hash, and — when it carries a well-formed
  event content — the event's recomputed hash and its schema problems (``recomputed`` is
  ``None`` otherwise).

Nothing here is a finding: the ordered pass makes every finding, in its own order, from these
answers, so the reports of one and of several processes are the same (tests/test_verifier_jobs.py).

Run as ``python -m verify.line_work`` this is the worker process of :mod:`verify.parallel`: it
reads framed chunks of lines on standard input and writes framed answers on standard output
until its input ends.
"""

from __future__ import annotations

import gc
import pickle
import struct
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from verify.canonical import (
    FAST_JSON,
    UNDECIDED,
    CanonicalError,
    canonical_json_parsed,
    loads_strict,
    parse_proved,
)
from verify.event import CONTENT_KEYS, hash_of_encoding, is_hash_hex
from verify.events_schema import EventSchema, event_schema
from verify.merkle import leaf_hash

#: Per line: the Merkle leaf hash, the event's recomputed hash (hex) or None, its schema problems.
Prechecked = tuple[bytes, str | None, list[str]]

_CONTENT_KEYS = frozenset(CONTENT_KEYS)
_NO_PROBLEMS: list[str] = []
#: The worker's first frame: it has started and is ready for chunks.
READY = "ready"
#: A frame: its length (8 bytes, little-endian), then its bytes: towards the worker, a chunk's
#: lines joined (:func:`chunk_frame`); from it, a pickle (protocol 5) of the answers.
FRAME = struct.Struct("<Q")


def precheck(raws: list[bytes], records: list[Any] | None = None) -> list[Prechecked | None]:
    """The order-free half of checking each line of ``raws`` (see the module docstring);
    ``records``, if given, gets each line's parsed record (None where the answer is None)."""
    schema = event_schema()
    out: list[Prechecked | None] = []
    append = out.append
    for raw in raws:
        record = _parsed(raw)
        if records is not None:
            records.append(record)
        if record is None:
            append(None)
            continue
        leaf = leaf_hash(bytes.fromhex(record["entry"]))
        event = record.get("event")
        problems = content_problems(event, schema)
        if problems is None:
            append((leaf, None, _NO_PROBLEMS))
            continue
        try:
            recomputed = hash_of_encoding(canonical_json_parsed(event, raw))
        except CanonicalError:
            append(None)  # the ordered pass words the error
            if records is not None:
                records[-1] = None
            continue
        append((leaf, recomputed, problems))
    return out


def _parsed(raw: bytes) -> dict[str, Any] | None:
    """The line's record when it is an object with an integer ``index`` and a 64-hex ``entry``,
    parsed so that :func:`verify.canonical.loads_proved` gives the same value again; else None."""
    record = parse_proved(raw)
    if record is UNDECIDED:
        if FAST_JSON:
            return None  # the standard library decides, in the ordered pass
        try:
            record = loads_strict(raw)
        except (CanonicalError, ValueError):
            return None
    if type(record) is not dict or type(record.get("index")) is not int:
        return None
    return record if is_hash_hex(record.get("entry")) else None


def is_content(event: object) -> bool:
    """An event content object: exactly the content keys, with their basic types."""
    return (
        type(event) is dict
        and event.keys() == _CONTENT_KEYS
        and type(event["aggregate_id"]) is str
        and type(event["version"]) is int
        and type(event["data"]) is dict
        and is_hash_hex(event["prev_hash"])
    )


def content_problems(event: object, schema: EventSchema) -> list[str] | None:
    """None when ``event`` is no event content (:func:`is_content`), else its schema problems
    (``[]``: none).

    The schema requires exactly the content keys and pins the type of each
    (``tests/test_events_schema.py`` holds it to that), so an event it finds valid is content
    once its ``prev_hash`` has a hash's exact form (the schema's pattern, a Python ``$``, also
    lets a final line feed through): the shape is checked once, not twice (~1 µs a line)."""
    if schema.valid(event) and type(event) is dict:
        return _NO_PROBLEMS if is_hash_hex(event["prev_hash"]) else None
    return schema.explain(event) if is_content(event) else None


@contextmanager
def young_collections_only() -> Iterator[None]:
    """The garbage collector looks at young objects only, for the length of a pass.

    A pass keeps what it reads until it ends (chain heads, the replays' units and officers:
    hundreds of thousands of objects) and makes no reference cycles of its own, so the periodic
    full collections, which look at every object again, find nothing and cost ~5–10 % of the
    pass. The young generation is still collected (a cycle made on the way is freed); the
    thresholds are restored at the end."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], 1 << 30, 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(*before)


# -- the worker process -----------------------------------------------------------------------
def write_frame(stream: IO[bytes], payload: object) -> None:
    """Write a frame holding a pickle of ``payload``."""
    data = pickle.dumps(payload, protocol=5)
    stream.write(FRAME.pack(len(data)) + data)
    stream.flush()


def chunk_frame(raws: list[bytes]) -> bytes:
    """The frame that sends ``raws`` (lines as read: each ends with its line feed, but perhaps
    the file's last) to the worker: the lines joined, which :func:`lines_of` cuts again — one
    copy, where a pickle of the list costs ~0.5 µs a line here and ~0.2 µs there."""
    data = b"".join(raws)
    return FRAME.pack(len(data)) + data


def lines_of(data: bytes) -> list[bytes]:
    """The lines :func:`chunk_frame` joined, each without its line feed (which changes no
    answer: a line is parsed, measured and scanned without it)."""
    raws = data.split(b"\n")
    if not raws[-1]:
        raws.pop()
    return raws


def read_frame(stream: IO[bytes]) -> bytes | None:
    """The next frame's bytes, or None at the end of the stream."""
    head = stream.read(FRAME.size)
    if len(head) < FRAME.size:
        return None
    (size,) = FRAME.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return data


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """Say :data:`READY`, then answer each chunk of lines read from ``source`` with
    :func:`precheck`'s list, in order.

    The frames come from the verifier process that started this one (:mod:`verify.parallel`),
    never from a bundle: a bundle's bytes travel inside them as ``bytes``."""
    event_schema()  # compiled before the first chunk arrives
    write_frame(sink, READY)
    with young_collections_only():
        while (data := read_frame(source)) is not None:
            write_frame(sink, precheck(lines_of(data)))


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
