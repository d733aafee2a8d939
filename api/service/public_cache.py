"""The public answers, kept ready (公开页缓存): what citizens read most, served without recomputing.

An agency's public pages and a search change only when the public projection moves. Each answer is
kept as its JSON bytes, tagged with the projection's position (its ETag); a request within
``recheck`` seconds of the last look at the position is answered from memory without touching the
database, and after that the position is read again (one indexed row) and the answer recomputed
only if it moved. So a citizen sees a disclosure at most ``recheck`` seconds after the projection
worker has applied it, and a busy page costs one small query every ``recheck`` seconds per worker
process instead of a few queries, a guard pass and a JSON encoding per request.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.database import ReadModels

RECHECK_SECONDS = 0.5
MAX_ENTRIES = 512


@dataclass(frozen=True)
class Cached:
    """A public answer: its JSON bytes and the projection position it was computed at."""

    body: bytes
    position: int

    @property
    def etag(self) -> str:
        return f'"public-{self.position}-{hash(self.body) & 0xFFFFFFFF:08x}"'


class PublicCache:
    """JSON answers by key, valid while the public projection stays at the same position."""

    def __init__(self, reads: ReadModels, recheck: float = RECHECK_SECONDS,
                 size: int = MAX_ENTRIES) -> None:
        self.reads = reads
        self.recheck = recheck
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], Cached] = OrderedDict()
        self._position = -1
        self._checked = 0.0
        self._lock = threading.Lock()

    def fresh(self, key: tuple[Any, ...]) -> Cached | None:
        """The answer for ``key`` if it is known to be current (no database work at all)."""
        with self._lock:
            if time.monotonic() - self._checked >= self.recheck:
                return None
            found = self._entries.get(key)
            if found is None or found.position != self._position:
                return None
            self._entries.move_to_end(key)
            return found

    def get(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Cached:
        """The answer for ``key``: from memory while the projection has not moved, else computed
        (``compute()`` returns the value to encode)."""
        found = self.fresh(key)
        if found is not None:
            return found
        position = self._current_position()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found.position == position:
                return found
        body = json.dumps(compute(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        entry = Cached(body, position)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry

    def _current_position(self) -> int:
        with self.reads.read() as cur:
            cur.execute("SELECT position FROM projection_tracking WHERE name = ?", ("public",))
            row = cur.fetchone()
        position = -1 if row is None else int(row[0])
        with self._lock:
            if position != self._position:
                self._entries.clear()
            self._position = position
            self._checked = time.monotonic()
        return position
