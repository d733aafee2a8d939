"""Storage of the transparency logs (透明日志) beside the events, on SQLite or PostgreSQL.

One database holds one log per agency (named by its division code, e.g. ``652301``) and the
deployment's own log (``ledger``) for aggregates that belong to no agency. Tables (same names on
both databases):

``log_position``    one row: the last integrated notification id and the event logged there
                    (the sequencer's tracking position, shared by all logs).
``log_state``       per log: tree size and root.
``log_leaves``      (log, leaf index) → the event it logs (aggregate id, version, notification id)
                    and its entry (the event hash, 32 bytes). An event is in exactly one log.
``log_nodes``       every complete subtree hash from level :data:`STORED_FROM_LEVEL` (3: eight
                    leaves) up, keyed (log, level, index). A root or a proof reads O(log n) of
                    these; nothing is ever rebuilt. A subtree below that level is hashed from its
                    leaves' entries when read (at most four leaves: one SHA-256 of each entry and
                    three of pairs), so the sequencer writes one row per four events instead of
                    one per event (databases written before also hold levels 0–2 here; they are
                    not read).
``log_checkpoints`` every signed checkpoint issued, by (log, tree size).
``log_cosignatures`` the cosignature lines witnesses returned, by (log, tree size, witness).
``log_witnesses``   per log, the witnesses it submits its checkpoints to (name, key, URL), the size
                    each last cosigned, the last attempt and its error.
``witness_*``       this deployment as the witness of other logs (:mod:`ledger.log.witness`).

An aggregate's chain head (its log and the last version and hash integrated, which the sequencer
checks each new event's link against) is its newest leaf, read through the leaves' unique index on
(aggregate id, version): no table of its own to keep in step (an earlier ``log_heads`` table is
dropped). On SQLite the leaves and nodes are ``WITHOUT ROWID`` tables clustered on their primary
key, so a leaf is written to two B-trees and a node to one (databases created before keep their
layout and work as before).

A sequencer writes nodes, leaves, the new sizes and the tracking position in one
transaction, after taking the logs' lock: ``BEGIN IMMEDIATE`` on SQLite, a transaction-level
advisory lock plus ``SELECT … FOR UPDATE`` of the position row on PostgreSQL. Each size update is
a compare-and-set on the old size as well, so two sequencers can never fork a log.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, cast

from ledger.adapters.settings import Settings
from ledger.errors import Conflict, Unavailable
from verify.merkle import leaf_hash, root_from_leaf_hashes

#: The lowest level of complete subtrees kept in ``log_nodes`` (see above). Three: the rows a
#: sequencer writes per event fall from one to a quarter (levels 1 and 2 were three quarters of
#: them), and a subtree below is rebuilt from at most four leaves' entries when read.
STORED_FROM_LEVEL = 3

if TYPE_CHECKING:
    import psycopg

ADVISORY_LOCK_KEY = 0x5350_4F54  # "SPOT"


class LogForkError(Conflict):
    """Another sequencer changed the log under us; nothing of this batch was written."""


class LogSchemaError(Unavailable):
    """The database holds log tables of an earlier, incompatible layout."""


@dataclass(frozen=True)
class LogState:
    size: int
    root: bytes


@dataclass(frozen=True)
class Position:
    """The sequencer's tracking position: the last notification integrated, and its event."""

    notification_id: int
    aggregate_id: str | None = None
    version: int | None = None


@dataclass(slots=True)
class LeafRow:
    """One leaf to write (not frozen: a frozen dataclass costs ~1 µs more per leaf to build)."""

    index: int
    aggregate_id: str
    version: int
    notification_id: int
    entry: bytes


class Head(NamedTuple):
    """An aggregate's log and the last version and hash integrated there."""

    log: str
    version: int
    event_hash: str


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    root: bytes
    note: str
    signed_at: str


@dataclass(frozen=True)
class LoggedEvent:
    """One row of the export: a log entry and the stored event it points to (None if missing)."""

    index: int
    aggregate_id: str
    version: int
    entry: bytes
    topic: str | None
    state: bytes | None


class StoredRow(NamedTuple):
    """One row of the events table in notification order, read by the sequencer without
    eventsourcing's recorder (which builds a ``UUID`` and a ``Notification`` per row): the
    notification's fields, with the aggregate id as hyphenated text."""

    id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class UnloggedEvent:
    notification_id: int
    aggregate_id: str
    version: int
    topic: str
    state: bytes


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ...) -> Any: ...
    def executemany(self, query: Any, params_seq: Any) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class LogStore:
    """The log tables, on one connection. Subclasses supply the dialect."""

    blob = "BLOB"
    serial = "INTEGER PRIMARY KEY AUTOINCREMENT"
    clustered = " WITHOUT ROWID"  # tables stored in their primary key's order (SQLite)
    begin_write = "BEGIN IMMEDIATE"
    begin_snapshot = "BEGIN"  # SQLite in WAL mode: the first read fixes the snapshot

    def __init__(self, events_table: str) -> None:
        self.events_table = events_table
        self._snapshot: Cursor | None = None

    # -- dialect hooks ------------------------------------------------------------------------
    def _cursor(self) -> Cursor:
        raise NotImplementedError

    def _sql(self, statement: str) -> str:
        return statement

    def _lock(self, cur: Cursor) -> None:
        """Take the logs' write lock inside the open transaction."""

    def _columns(self, cur: Cursor, table: str) -> set[str]:
        """The column names of ``table`` (empty if it does not exist)."""
        raise NotImplementedError

    def _event_id_expr(self, column: str) -> str:
        """SQL turning a hyphenated UUID text column into the events table's id form."""
        raise NotImplementedError

    def _event_id_to_text(self, value: Any) -> str:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # -- schema -------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        b = self.blob
        statements = [
            "CREATE TABLE IF NOT EXISTS log_position (id INTEGER PRIMARY KEY,"
            " notification_id BIGINT NOT NULL, aggregate_id TEXT, version BIGINT)",
            "CREATE TABLE IF NOT EXISTS log_state (log TEXT PRIMARY KEY, tree_size BIGINT NOT NULL,"
            f" root {b} NOT NULL)",
            "CREATE TABLE IF NOT EXISTS log_leaves (log TEXT NOT NULL, leaf_index BIGINT NOT NULL,"
            " aggregate_id TEXT NOT NULL, version BIGINT NOT NULL,"
            f" notification_id BIGINT NOT NULL, entry {b} NOT NULL,"
            f" PRIMARY KEY (log, leaf_index), UNIQUE (aggregate_id, version)){self.clustered}",
            "CREATE TABLE IF NOT EXISTS log_nodes (log TEXT NOT NULL, level INTEGER NOT NULL,"
            f" idx BIGINT NOT NULL, hash {b} NOT NULL, PRIMARY KEY (log, level, idx))"
            f"{self.clustered}",
            "DROP TABLE IF EXISTS log_heads",  # the heads are the newest leaves (see above)
            "CREATE TABLE IF NOT EXISTS log_checkpoints (log TEXT NOT NULL,"
            f" tree_size BIGINT NOT NULL, root {b} NOT NULL, note TEXT NOT NULL,"
            " signed_at TEXT NOT NULL, PRIMARY KEY (log, tree_size))",
            # the witnesses' cosignatures of the checkpoints (ledger/log/witnessing.py)
            "CREATE TABLE IF NOT EXISTS log_cosignatures (log TEXT NOT NULL,"
            " tree_size BIGINT NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL,"
            " received_at TEXT NOT NULL, PRIMARY KEY (log, tree_size, witness))",
            "CREATE TABLE IF NOT EXISTS log_witnesses (log TEXT NOT NULL, witness TEXT NOT NULL,"
            " key TEXT NOT NULL, url TEXT NOT NULL, cosigned_size BIGINT NOT NULL,"
            " last_attempt TEXT NOT NULL, last_status INTEGER NOT NULL, last_error TEXT NOT NULL,"
            " failures INTEGER NOT NULL, PRIMARY KEY (log, witness))",
            # this deployment as a witness of other logs (ledger/log/witness.py)
            "CREATE TABLE IF NOT EXISTS witness_logs (origin TEXT PRIMARY KEY, keys TEXT NOT NULL,"
            " note TEXT NOT NULL, added_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS witness_state (origin TEXT PRIMARY KEY,"
            f" tree_size BIGINT NOT NULL, root {b} NOT NULL, note TEXT NOT NULL,"
            " cosigned_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS witness_checkpoints (origin TEXT NOT NULL,"
            " tree_size BIGINT NOT NULL, note TEXT NOT NULL, cosigned_at TEXT NOT NULL,"
            " PRIMARY KEY (origin, tree_size))",
            f"CREATE TABLE IF NOT EXISTS witness_refusals (id {self.serial}, origin TEXT NOT NULL,"
            " status INTEGER NOT NULL, reason TEXT NOT NULL, old_size BIGINT NOT NULL,"
            " tree_size BIGINT NOT NULL, request TEXT NOT NULL, received_at TEXT NOT NULL)",
        ]
        with self.write() as cur:
            state_columns = self._columns(cur, "log_state")
            if state_columns and "log" not in state_columns:
                raise LogSchemaError(
                    "the database holds a single-log layout written by an earlier Spotcheck "
                    "(before one log per agency); export it with that version, then start a new "
                    "database"
                )
            for statement in statements:
                cur.execute(statement)
            cur.execute(
                "INSERT INTO log_position (id, notification_id) VALUES (1, 0)"
                " ON CONFLICT (id) DO NOTHING"
            )

    # -- transactions -------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Cursor]:
        """One write transaction holding the logs' lock; rolled back on any error."""
        cur = self._cursor()
        cur.execute(self.begin_write)
        try:
            self._lock(cur)
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        """A read-only transaction (the open snapshot's, inside :meth:`snapshot`)."""
        if self._snapshot is not None:
            yield self._snapshot
            return
        cur = self._cursor()
        cur.execute("BEGIN")
        try:
            yield cur
        finally:
            cur.execute("ROLLBACK")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees one consistent state of the database (an export's view)."""
        cur = self._cursor()
        cur.execute(self.begin_snapshot)
        self._snapshot = cur
        try:
            yield
        finally:
            self._snapshot = None
            cur.execute("ROLLBACK")

    @contextmanager
    def _reading(self, cur: Cursor | None) -> Iterator[Cursor]:
        if cur is not None:
            yield cur
            return
        with self.read() as c:
            yield c

    # -- the logs -----------------------------------------------------------------------------
    def log(self, name: str) -> Log:
        """One named log of this store."""
        return Log(self, name)

    def logs(self) -> dict[str, LogState]:
        """Every log that has entries, by name."""
        with self.read() as cur:
            cur.execute("SELECT log, tree_size, root FROM log_state ORDER BY log")
            return {str(n): LogState(int(s), bytes(r)) for n, s, r in cur.fetchall()}

    # -- position -----------------------------------------------------------------------------
    def position(self, cur: Cursor | None = None) -> Position:
        query = "SELECT notification_id, aggregate_id, version FROM log_position WHERE id = 1"
        with self._reading(cur) as c:
            c.execute(query + (self._for_update() if cur is not None else ""))
            row = c.fetchone()
        if row is None:
            return Position(0)
        return Position(int(row[0]), None if row[1] is None else str(row[1]),
                        None if row[2] is None else int(row[2]))

    def set_position(self, cur: Cursor, old: Position, new: Position) -> None:
        cur.execute(
            self._sql(
                "UPDATE log_position SET notification_id = ?, aggregate_id = ?, version = ?"
                " WHERE id = 1 AND notification_id = ?"
            ),
            (new.notification_id, new.aggregate_id, new.version, old.notification_id),
        )
        if _rowcount(cur) != 1:
            raise LogForkError(
                f"the tracking position moved from {old.notification_id} while this batch was "
                "being integrated"
            )

    def _for_update(self) -> str:
        return ""

    # -- per-log state, nodes, leaves ---------------------------------------------------------
    def state(self, log: str, cur: Cursor | None = None) -> LogState:
        query = self._sql("SELECT tree_size, root FROM log_state WHERE log = ?")
        with self._reading(cur) as c:
            c.execute(query, (log,))
            row = c.fetchone()
        if row is None:
            return LogState(0, _EMPTY_ROOT)
        return LogState(int(row[0]), bytes(row[1]))

    def set_state(self, cur: Cursor, log: str, old_size: int, new: LogState) -> None:
        """Compare-and-set a log's size and root (creating the log at its first entries)."""
        if old_size == 0:
            cur.execute(
                self._sql(
                    "INSERT INTO log_state (log, tree_size, root) VALUES (?, 0, ?)"
                    " ON CONFLICT (log) DO NOTHING"
                ),
                (log, _EMPTY_ROOT),
            )
        cur.execute(
            self._sql("UPDATE log_state SET tree_size = ?, root = ? WHERE log = ? AND tree_size = ?"),
            (new.size, new.root, log, old_size),
        )
        if _rowcount(cur) != 1:
            raise LogForkError(
                f"log {log}: its size changed from {old_size} while this batch was being integrated"
            )

    def nodes(
        self, log: str, keys: Sequence[tuple[int, int]], cur: Cursor | None = None
    ) -> dict[tuple[int, int], bytes]:
        """Hashes of the given complete subtrees of ``log``, one round trip per 500 keys: stored
        from :data:`STORED_FROM_LEVEL` up, hashed from the leaves' entries below."""
        found: dict[tuple[int, int], bytes] = {}
        unique = list(dict.fromkeys(keys))
        with self._reading(cur) as c:
            for start in range(0, len(unique), 500):
                found.update(self._nodes(c, log, unique[start : start + 500]))
        missing = [k for k in unique if k not in found]
        if missing:
            raise LookupError(f"log {log}: nodes missing from the store: {missing[:5]}")
        return found

    def _nodes(
        self, cur: Cursor, log: str, keys: Sequence[tuple[int, int]]
    ) -> dict[tuple[int, int], bytes]:
        """Up to 500 subtrees in one query: the leaves' entries under the low ones (level -1 in
        the result) and the stored hashes of the others; a subtree missing is left out."""
        spans = {key: range(key[1] << key[0], (key[1] + 1) << key[0])
                 for key in keys if key[0] < STORED_FROM_LEVEL}
        indices = sorted({index for span in spans.values() for index in span})
        above = [key for key in keys if key[0] >= STORED_FROM_LEVEL]
        parts: list[tuple[str, list[Any]]] = []
        if indices:
            parts.append(self._entries_at(log, indices))
        if above:
            parts.append(self._stored_nodes(log, above))
        if not parts:
            return {}
        self._execute_replanned(cur, " UNION ALL ".join(query for query, _ in parts),
                                [v for _, params in parts for v in params])
        found: dict[tuple[int, int], bytes] = {}
        leaves: dict[int, bytes] = {}
        for level, idx, digest in cur.fetchall():
            if level == -1:
                leaves[int(idx)] = leaf_hash(bytes(digest))
            else:
                found[(int(level), int(idx))] = bytes(digest)
        for key, span in spans.items():
            if all(i in leaves for i in span):
                found[key] = root_from_leaf_hashes([leaves[i] for i in span])
        return found

    def _entries_at(self, log: str, indices: Sequence[int]) -> tuple[str, list[Any]]:
        """The query for these leaves' entries, as ``(-1, leaf_index, entry)`` rows."""
        marks = ", ".join("?" for _ in indices)
        return self._sql("SELECT -1, leaf_index, entry FROM log_leaves WHERE log = ?"
                         f" AND leaf_index IN ({marks})"), [log, *indices]

    def _stored_nodes(self, log: str, keys: Sequence[tuple[int, int]]) -> tuple[str, list[Any]]:
        """The query for these stored subtrees, as ``(level, idx, hash)`` rows: each term names
        the whole key, so every one is an index lookup."""
        where = " OR ".join("(log = ? AND level = ? AND idx = ?)" for _ in keys)
        return (self._sql(f"SELECT level, idx, hash FROM log_nodes WHERE {where}"),
                [v for key in keys for v in (log, *key)])

    def put_nodes(self, cur: Cursor, log: str, nodes: Iterable[tuple[int, int, bytes]]) -> None:
        """Store complete subtree hashes (those below :data:`STORED_FROM_LEVEL` are not read:
        the sequencer does not write them)."""
        cur.executemany(
            self._sql("INSERT INTO log_nodes (log, level, idx, hash) VALUES (?, ?, ?, ?)"),
            [(log, level, idx, digest) for level, idx, digest in nodes],
        )

    def put_leaves(self, cur: Cursor, log: str, leaves: Sequence[LeafRow]) -> None:
        cur.executemany(
            self._sql(
                "INSERT INTO log_leaves (log, leaf_index, aggregate_id, version, notification_id,"
                " entry) VALUES (?, ?, ?, ?, ?, ?)"
            ),
            [(log, r.index, r.aggregate_id, r.version, r.notification_id, r.entry) for r in leaves],
        )

    def leaf_at(self, cur: Cursor, log: str, index: int) -> tuple[str, int]:
        """The (aggregate id, version) logged at ``index`` of ``log``."""
        cur.execute(
            self._sql(
                "SELECT aggregate_id, version FROM log_leaves WHERE log = ? AND leaf_index = ?"
            ),
            (log, index),
        )
        row = cur.fetchone()
        if row is None:
            raise LookupError(f"log {log}: no leaf at index {index}")
        return str(row[0]), int(row[1])

    def locate(self, aggregate_id: str, version: int) -> tuple[str, int] | None:
        """The log and index where this event was logged (None: not logged yet)."""
        with self.read() as cur:
            cur.execute(
                self._sql("SELECT log, leaf_index FROM log_leaves WHERE aggregate_id = ?"
                          " AND version = ?"),
                (aggregate_id, version),
            )
            row = cur.fetchone()
        return None if row is None else (str(row[0]), int(row[1]))

    # -- the events, in notification order ------------------------------------------------------
    def notifications(self, start: int, limit: int) -> list[StoredRow]:
        """Up to ``limit`` events from notification id ``start`` on, in order: what eventsourcing's
        ``select_notifications(start, limit)`` returns, read on this store's connection (inside
        the sequencer's transaction)."""
        column = self._notification_id_column()
        cur = self._cursor()
        cur.execute(
            self._sql(
                f"SELECT {column}, {self._originator_id_select()}, e.originator_version, e.topic,"
                f" e.state FROM {self.events_table} e WHERE {column} >= ? ORDER BY {column}"
                " LIMIT ?"
            ),
            (start, limit),
        )
        text = self._event_id_to_text
        return [StoredRow(n, text(a), v, t, bytes(s) if type(s) is not bytes else s)
                for n, a, v, t, s in cur.fetchall()]

    def _originator_id_select(self) -> str:
        return "e.originator_id"

    # -- chain heads --------------------------------------------------------------------------
    def heads(self, cur: Cursor, aggregate_ids: Iterable[str]) -> dict[str, Head]:
        """Each of these aggregates' newest leaf as its chain head (those not logged yet are left
        out), one round trip per 500 aggregates."""
        found: dict[str, Head] = {}
        unique = list(dict.fromkeys(aggregate_ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            self._execute_replanned(cur, *self._newest_leaves(chunk))
            for agg, log, version, entry in cur.fetchall():
                found[str(agg)] = Head(str(log), int(version), bytes(entry).hex())
        return found

    def _execute_replanned(self, cur: Cursor, query: str, params: Sequence[Any]) -> None:
        """Execute ``query`` planned for the tables as they are now (see the PostgreSQL store)."""
        cur.execute(query, params)

    def _newest_leaves(self, aggregate_ids: Sequence[str]) -> tuple[str, Sequence[Any]]:
        """The query for each aggregate's leaf of the highest version: SQLite gives a bare column
        of a ``max()`` aggregate the values of the row holding the maximum."""
        marks = ", ".join("?" for _ in aggregate_ids)
        return (
            "SELECT aggregate_id, log, max(version), entry FROM log_leaves"
            f" WHERE aggregate_id IN ({marks}) GROUP BY aggregate_id",
            aggregate_ids,
        )

    # -- checkpoints --------------------------------------------------------------------------
    def put_checkpoint(self, cur: Cursor, log: str, checkpoint: StoredCheckpoint) -> None:
        cur.execute(
            self._sql(
                "INSERT INTO log_checkpoints (log, tree_size, root, note, signed_at)"
                " VALUES (?, ?, ?, ?, ?)"
            ),
            (log, checkpoint.size, checkpoint.root, checkpoint.note, checkpoint.signed_at),
        )

    def has_checkpoint(self, cur: Cursor, log: str, size: int) -> bool:
        cur.execute(
            self._sql("SELECT 1 FROM log_checkpoints WHERE log = ? AND tree_size = ?"), (log, size)
        )
        return cur.fetchone() is not None

    def checkpoint(self, log: str, size: int | None = None) -> StoredCheckpoint | None:
        """The checkpoint of ``log`` of the given size, or its latest one."""
        query = "SELECT tree_size, root, note, signed_at FROM log_checkpoints WHERE log = ?"
        with self.read() as cur:
            if size is None:
                cur.execute(self._sql(query + " ORDER BY tree_size DESC LIMIT 1"), (log,))
            else:
                cur.execute(self._sql(query + " AND tree_size = ?"), (log, size))
            row = cur.fetchone()
        return None if row is None else StoredCheckpoint(
            int(row[0]), bytes(row[1]), str(row[2]), str(row[3])
        )

    def checkpoints(self, log: str) -> list[StoredCheckpoint]:
        with self.read() as cur:
            cur.execute(
                self._sql(
                    "SELECT tree_size, root, note, signed_at FROM log_checkpoints WHERE log = ?"
                    " ORDER BY tree_size"
                ),
                (log,),
            )
            return [
                StoredCheckpoint(int(s), bytes(r), str(n), str(t)) for s, r, n, t in cur.fetchall()
            ]

    # -- export -------------------------------------------------------------------------------
    def logged_events(self, log: str, batch: int = 5000,
                      below: int | None = None) -> Iterator[LoggedEvent]:
        """Every entry of ``log`` (below index ``below``, if given) in log order with the stored
        event it names (LEFT JOIN: a deleted event gives None)."""
        last = -1
        end = (1 << 62) if below is None else below
        while True:
            with self.read() as cur:
                cur.execute(self._logged_select(
                    "l.leaf_index > ? AND l.leaf_index < ? ORDER BY l.leaf_index LIMIT ?"),
                    (log, last, end, batch))
                rows = cur.fetchall()
            if not rows:
                return
            yield from map(_logged, rows)
            last = int(rows[-1][0])

    def logged_range(self, log: str, start: int, end: int) -> list[LoggedEvent]:
        """The entries ``[start, end)`` of ``log`` with their stored events (as
        :meth:`logged_events`)."""
        with self.read() as cur:
            cur.execute(self._logged_select(
                "l.leaf_index >= ? AND l.leaf_index < ? ORDER BY l.leaf_index"), (log, start, end))
            return [_logged(row) for row in cur.fetchall()]

    def _logged_select(self, where: str) -> str:
        """The entries of one log (``l.log = ?``) that ``where`` keeps, each with the stored event
        it names (LEFT JOIN: a deleted event gives NULLs)."""
        join = self._event_id_expr("l.aggregate_id")
        return self._sql(
            "SELECT l.leaf_index, l.aggregate_id, l.version, l.entry, e.topic, e.state"
            f" FROM log_leaves l LEFT JOIN {self.events_table} e"
            f" ON e.originator_id = {join} AND e.originator_version = l.version"
            f" WHERE l.log = ? AND {where}"
        )

    def unlogged_events(self) -> list[UnloggedEvent]:
        """Stored events that are in no log (not integrated yet, or inserted behind its back).

        Every logged event was read at or before the tracking position, so when the rows at or
        before it are exactly as many as the leaves, the rows after it are the only candidates
        (one index range, not a lookup for every stored event: an export of each of a
        province's hundred logs would look up its million events a hundred times). Else every row
        is looked at. (Counts that agree although a row was inserted at an old notification id
        need a logged row deleted as well: that deletion is the bundle's ``missing-event``.)"""
        with self.read() as cur:
            cur.execute("SELECT notification_id FROM log_position WHERE id = 1")
            row = cur.fetchone()
            after: int | None = 0 if row is None else int(row[0])
            if self._rows_up_to(cur, after or 0) != self._leaf_count(cur):
                after = None
            # The id conversion is on the events side, so the lookup uses log_leaves' unique index.
            column = self._notification_id_column()
            cur.execute(
                self._sql(
                    f"SELECT {column}, e.originator_id,"
                    f" e.originator_version, e.topic, e.state FROM {self.events_table} e"
                    " WHERE NOT EXISTS (SELECT 1 FROM log_leaves l"
                    f" WHERE l.aggregate_id = {self._text_id_expr()}"
                    " AND l.version = e.originator_version)"
                    + ("" if after is None else f" AND {column} > ?")
                    + f" ORDER BY {column}"
                ),
                () if after is None else (after,),
            )
            return [
                UnloggedEvent(int(n), self._event_id_to_text(a), int(v), str(t), bytes(s))
                for n, a, v, t, s in cur.fetchall()
            ]

    def _rows_up_to(self, cur: Cursor, notification_id: int) -> int:
        """The rows at or before ``notification_id``: all rows less those after it. (Counted
        directly, SQLite walks the table's own pages up to there — the whole gigabyte of a
        province-year, 0.2 s — where ``count(*)`` alone reads its smallest index and the rows after
        the tracking position are few.)"""
        cur.execute(f"SELECT count(*) FROM {self.events_table}")
        every = int(cur.fetchone()[0])
        cur.execute(self._sql(f"SELECT count(*) FROM {self.events_table} e"
                              f" WHERE {self._notification_id_column()} > ?"), (notification_id,))
        return every - int(cur.fetchone()[0])

    def _leaf_count(self, cur: Cursor) -> int:
        cur.execute("SELECT count(*) FROM log_leaves")
        return int(cur.fetchone()[0])

    def head_logs(self, aggregate_ids: Iterable[str]) -> dict[str, str]:
        """The log each of these aggregates is in (those not logged yet are left out)."""
        with self.read() as cur:
            return {agg: head.log for agg, head in self.heads(cur, aggregate_ids).items()}

    def _notification_id_column(self) -> str:
        raise NotImplementedError

    def _text_id_expr(self) -> str:
        """SQL turning the events table's ``e.originator_id`` into hyphenated UUID text."""
        raise NotImplementedError


@dataclass(frozen=True)
class Log:
    """One named log of a :class:`LogStore`: an agency's (its division code) or ``ledger``."""

    store: LogStore
    name: str

    def state(self, cur: Cursor | None = None) -> LogState:
        return self.store.state(self.name, cur)

    def nodes(
        self, keys: Sequence[tuple[int, int]], cur: Cursor | None = None
    ) -> dict[tuple[int, int], bytes]:
        return self.store.nodes(self.name, keys, cur)

    def checkpoint(self, size: int | None = None) -> StoredCheckpoint | None:
        return self.store.checkpoint(self.name, size)

    def checkpoints(self) -> list[StoredCheckpoint]:
        return self.store.checkpoints(self.name)

    def logged_events(self, batch: int = 5000, below: int | None = None) -> Iterator[LoggedEvent]:
        return self.store.logged_events(self.name, batch, below)


#: The page cache of each of the log store's SQLite connections, in KiB.
SQLITE_CACHE_KIB = 64 * 1024


class SqliteLogStore(LogStore):
    """A SQLite connection belongs to the thread that opened it: each thread that uses the store
    (the HTTP service's request threads check the logs' sizes before a write; its integrator
    thread writes them) gets a connection of its own, opened on first use."""

    def __init__(self, path: str, events_table: str = "stored_events") -> None:
        super().__init__(events_table)
        self._path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()

    @property
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # used by this thread only; check_same_thread=False lets close() close it from another
            conn = sqlite3.connect(self._path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
            # 64 MiB of page cache (SQLite's default is 2 MiB), used as needed: the leaves' unique
            # index takes the sequencer's inserts in random order (by aggregate id), and with the
            # default cache a batch of 20,000 re-read its pages from the OS (put_leaves 0.47–0.54
            # → 0.36–0.37 s for 100,000 leaves, bench/integrate.py)
            conn.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            self._local.conn = conn
            with self._opened_lock:
                self._opened.append(conn)
        return conn

    def _cursor(self) -> Cursor:
        return self._conn.cursor()

    def _columns(self, cur: Cursor, table: str) -> set[str]:
        cur.execute(f"PRAGMA table_info({table})")
        return {str(row[1]) for row in cur.fetchall()}

    def _event_id_expr(self, column: str) -> str:
        return f"replace({column}, '-', '')"

    def _event_id_to_text(self, value: Any) -> str:
        text = str(value)
        if len(text) == 32:
            return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
        return text

    def _notification_id_column(self) -> str:
        return "e.rowid"

    def _text_id_expr(self) -> str:
        parts = ("1, 8", "9, 4", "13, 4", "17, 4", "21, 12")
        return " || '-' || ".join(f"substr(e.originator_id, {p})" for p in parts)

    def close(self) -> None:
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()


class PostgresLogStore(LogStore):
    blob = "BYTEA"
    serial = "BIGSERIAL PRIMARY KEY"
    clustered = ""
    begin_write = "BEGIN"
    begin_snapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    def __init__(self, conninfo: str, events_table: str) -> None:
        import psycopg  # imported only where PostgreSQL is used

        super().__init__(events_table)
        self._conn = psycopg.connect(conninfo, autocommit=True)

    def _cursor(self) -> Cursor:
        return self._conn.cursor()

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    # Bulk writes: COPY for the append-only tables.
    def put_nodes(self, cur: Cursor, log: str, nodes: Iterable[tuple[int, int, bytes]]) -> None:
        with cast("psycopg.Cursor[Any]", cur).copy(
            "COPY log_nodes (log, level, idx, hash) FROM STDIN"
        ) as copy:
            for level, idx, digest in nodes:
                copy.write_row((log, level, idx, digest))

    def put_leaves(self, cur: Cursor, log: str, leaves: Sequence[LeafRow]) -> None:
        with cast("psycopg.Cursor[Any]", cur).copy(
            "COPY log_leaves (log, leaf_index, aggregate_id, version, notification_id, entry)"
            " FROM STDIN"
        ) as copy:
            for r in leaves:
                copy.write_row((log, r.index, r.aggregate_id, r.version, r.notification_id, r.entry))

    def _execute_replanned(self, cur: Cursor, query: str, params: Sequence[Any]) -> None:
        """Never through a prepared statement: psycopg prepares a query run five times, and
        PostgreSQL may then keep a generic plan made while the log tables looked empty (a new or
        emptied log) — for the chain heads, a sequential scan for each aggregate, 0.25 s per
        lookup of 500 by a batch's end (measured). Planned each time, a lookup follows the
        index."""
        cast("psycopg.Cursor[Any]", cur).execute(query, params, prepare=False)

    def _entries_at(self, log: str, indices: Sequence[int]) -> tuple[str, list[Any]]:
        return ("SELECT -1, leaf_index, entry FROM log_leaves WHERE log = %s"
                " AND leaf_index = ANY(%s::bigint[])", [log, list(indices)])

    def _stored_nodes(self, log: str, keys: Sequence[tuple[int, int]]) -> tuple[str, list[Any]]:
        """One index lookup per key, whatever the planner believes of the table: with no
        statistics yet (a new log) it scanned every node of the log for a list of ``OR`` terms,
        or for a plain join, 0.6 ms for a proof of a 20,000-leaf log (bench/proofs.py). The
        ``LIMIT 1`` (the key is the primary key: one row at most) keeps the subquery a lookup
        per key instead of letting the planner turn it into a join."""
        return (
            "SELECT k.level, k.idx, n.hash FROM unnest(%s::integer[], %s::bigint[])"
            " AS k(level, idx)"
            " CROSS JOIN LATERAL (SELECT hash FROM log_nodes WHERE log = %s AND level = k.level"
            " AND idx = k.idx LIMIT 1) AS n",
            [[level for level, _ in keys], [idx for _, idx in keys], log],
        )

    def _newest_leaves(self, aggregate_ids: Sequence[str]) -> tuple[str, Sequence[Any]]:
        return (
            "SELECT a.id, l.log, l.version, l.entry FROM unnest(%s::text[]) AS a(id)"
            " CROSS JOIN LATERAL (SELECT log, version, entry FROM log_leaves"
            " WHERE aggregate_id = a.id ORDER BY version DESC LIMIT 1) AS l",
            (list(aggregate_ids),),
        )

    def _columns(self, cur: Cursor, table: str) -> set[str]:
        cur.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s",
            (table,),
        )
        return {str(row[0]) for row in cur.fetchall()}

    def _lock(self, cur: Cursor) -> None:
        cur.execute("SET LOCAL lock_timeout = '30s'")
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))

    def _for_update(self) -> str:
        return " FOR UPDATE"

    def _event_id_expr(self, column: str) -> str:
        return f"{column}::uuid"

    def _event_id_to_text(self, value: Any) -> str:
        return str(value)

    def _notification_id_column(self) -> str:
        return "e.notification_id"

    def _text_id_expr(self) -> str:
        return "e.originator_id::text"

    def _originator_id_select(self) -> str:
        return "e.originator_id::text"

    def close(self) -> None:
        self._conn.close()


def open_log_store(settings: Settings, events_table: str) -> LogStore:
    pg = settings.postgres
    store: LogStore
    if pg is None:
        store = SqliteLogStore(str(settings.sqlite_path), events_table)
    else:
        store = PostgresLogStore(pg.conninfo(), events_table)
    store.ensure_schema()
    return store


def _rowcount(cur: Cursor) -> int:
    return int(getattr(cur, "rowcount", -1))


_EMPTY_ROOT = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def _logged(row: Sequence[Any]) -> LoggedEvent:
    """A row of :meth:`LogStore._logged_select` as a :class:`LoggedEvent`."""
    index, aggregate, version, entry, topic, state = row
    return LoggedEvent(int(index), str(aggregate), int(version), bytes(entry),
                       None if topic is None else str(topic), None if state is None else bytes(state))
