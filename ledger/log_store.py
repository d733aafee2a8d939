"""Storage of the transparency log (透明日志) beside the events, on SQLite or PostgreSQL.

Tables (same names on both databases):

``log_state``       one row: tree size, the last integrated notification id, the root.
``log_leaves``      leaf index → the event it logs (aggregate id, version, notification id) and
                    its entry (the event hash, 32 bytes).
``log_nodes``       every complete subtree hash, keyed (level, index); level 0 holds leaf hashes.
                    A root or a proof reads O(log n) of these; nothing is ever rebuilt.
``log_heads``       per aggregate, the last integrated version and hash (the sequencer checks each
                    new event's chain link against it before logging it).
``log_checkpoints`` every signed checkpoint issued, by tree size.

A sequencer writes nodes, leaves, heads, the new size and the tracking position in one
transaction, after taking the log's lock: ``BEGIN IMMEDIATE`` on SQLite, a transaction-level
advisory lock plus ``SELECT … FOR UPDATE`` of the state row on PostgreSQL. The state update is a
compare-and-set on the old size as well, so two sequencers can never fork the log.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, cast

import psycopg

from ledger.settings import Settings

ADVISORY_LOCK_KEY = 0x5350_4F54  # "SPOT"


class LogForkError(RuntimeError):
    """Another sequencer changed the log under us; nothing of this batch was written."""


@dataclass(frozen=True)
class LogState:
    size: int
    position: int
    root: bytes


@dataclass(frozen=True)
class LeafRow:
    index: int
    aggregate_id: str
    version: int
    notification_id: int
    entry: bytes


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
        """Take the log's write lock inside the open transaction."""

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
            "CREATE TABLE IF NOT EXISTS log_state (id INTEGER PRIMARY KEY, tree_size BIGINT NOT NULL,"
            f" position BIGINT NOT NULL, root {b} NOT NULL)",
            "CREATE TABLE IF NOT EXISTS log_leaves (leaf_index BIGINT PRIMARY KEY,"
            " aggregate_id TEXT NOT NULL, version BIGINT NOT NULL,"
            f" notification_id BIGINT NOT NULL, entry {b} NOT NULL,"
            " UNIQUE (aggregate_id, version))",
            "CREATE TABLE IF NOT EXISTS log_nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL,"
            f" hash {b} NOT NULL, PRIMARY KEY (level, idx))",
            "CREATE TABLE IF NOT EXISTS log_heads (aggregate_id TEXT PRIMARY KEY,"
            " version BIGINT NOT NULL, event_hash TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS log_checkpoints (tree_size BIGINT PRIMARY KEY,"
            f" root {b} NOT NULL, note TEXT NOT NULL, signed_at TEXT NOT NULL)",
        ]
        with self.write() as cur:
            for statement in statements:
                cur.execute(statement)
            cur.execute(
                self._sql(
                    "INSERT INTO log_state (id, tree_size, position, root) VALUES (1, 0, 0, ?)"
                    " ON CONFLICT (id) DO NOTHING"
                ),
                (_EMPTY_ROOT,),
            )

    # -- transactions -------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Cursor]:
        """One write transaction holding the log's lock; rolled back on any error."""
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

    # -- state, nodes, heads ------------------------------------------------------------------
    def state(self, cur: Cursor | None = None) -> LogState:
        query = "SELECT tree_size, position, root FROM log_state WHERE id = 1"
        if cur is None:
            with self.read() as c:
                c.execute(query)
                row = c.fetchone()
        else:
            cur.execute(query + self._for_update())
            row = cur.fetchone()
        if row is None:
            return LogState(0, 0, _EMPTY_ROOT)
        return LogState(int(row[0]), int(row[1]), bytes(row[2]))

    def _for_update(self) -> str:
        return ""

    def set_state(self, cur: Cursor, old_size: int, new: LogState) -> None:
        cur.execute(
            self._sql(
                "UPDATE log_state SET tree_size = ?, position = ?, root = ?"
                " WHERE id = 1 AND tree_size = ?"
            ),
            (new.size, new.position, new.root, old_size),
        )
        if _rowcount(cur) != 1:
            raise LogForkError(
                f"the log's size changed from {old_size} while this batch was being integrated"
            )

    def nodes(self, keys: Sequence[tuple[int, int]], cur: Cursor | None = None) -> dict[
        tuple[int, int], bytes
    ]:
        """Hashes of the given complete subtrees, read in one round trip per 500 keys."""
        found: dict[tuple[int, int], bytes] = {}
        unique = list(dict.fromkeys(keys))
        if cur is None:
            with self.read() as c:
                self._select_nodes(c, unique, found)
        else:
            self._select_nodes(cur, unique, found)
        missing = [k for k in unique if k not in found]
        if missing:
            raise LookupError(f"log nodes missing from the store: {missing[:5]}")
        return found

    def _select_nodes(
        self, cur: Cursor, keys: list[tuple[int, int]], found: dict[tuple[int, int], bytes]
    ) -> None:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            where = " OR ".join("(level = ? AND idx = ?)" for _ in chunk)
            params = [v for key in chunk for v in key]
            cur.execute(self._sql(f"SELECT level, idx, hash FROM log_nodes WHERE {where}"), params)
            for level, idx, digest in cur.fetchall():
                found[(int(level), int(idx))] = bytes(digest)

    def put_nodes(self, cur: Cursor, nodes: Iterable[tuple[int, int, bytes]]) -> None:
        cur.executemany(self._sql("INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)"),
                        list(nodes))

    def put_leaves(self, cur: Cursor, leaves: Sequence[LeafRow]) -> None:
        cur.executemany(
            self._sql(
                "INSERT INTO log_leaves (leaf_index, aggregate_id, version, notification_id, entry)"
                " VALUES (?, ?, ?, ?, ?)"
            ),
            [(r.index, r.aggregate_id, r.version, r.notification_id, r.entry) for r in leaves],
        )

    def heads(self, cur: Cursor, aggregate_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
        found: dict[str, tuple[int, str]] = {}
        unique = list(dict.fromkeys(aggregate_ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            cur.execute(
                self._sql(
                    f"SELECT aggregate_id, version, event_hash FROM log_heads"
                    f" WHERE aggregate_id IN ({marks})"
                ),
                chunk,
            )
            for agg, version, digest in cur.fetchall():
                found[str(agg)] = (int(version), str(digest))
        return found

    def put_heads(self, cur: Cursor, heads: dict[str, tuple[int, str]]) -> None:
        cur.executemany(
            self._sql(
                "INSERT INTO log_heads (aggregate_id, version, event_hash) VALUES (?, ?, ?)"
                " ON CONFLICT (aggregate_id) DO UPDATE"
                " SET version = excluded.version, event_hash = excluded.event_hash"
            ),
            [(agg, version, digest) for agg, (version, digest) in heads.items()],
        )

    # -- checkpoints --------------------------------------------------------------------------
    def put_checkpoint(self, cur: Cursor, checkpoint: StoredCheckpoint) -> None:
        cur.execute(
            self._sql(
                "INSERT INTO log_checkpoints (tree_size, root, note, signed_at) VALUES (?, ?, ?, ?)"
            ),
            (checkpoint.size, checkpoint.root, checkpoint.note, checkpoint.signed_at),
        )

    def has_checkpoint(self, cur: Cursor, size: int) -> bool:
        cur.execute(self._sql("SELECT 1 FROM log_checkpoints WHERE tree_size = ?"), (size,))
        return cur.fetchone() is not None

    def checkpoint(self, size: int | None = None) -> StoredCheckpoint | None:
        """The checkpoint of the given size, or the latest one."""
        query = "SELECT tree_size, root, note, signed_at FROM log_checkpoints"
        with self.read() as cur:
            if size is None:
                cur.execute(query + " ORDER BY tree_size DESC LIMIT 1")
            else:
                cur.execute(self._sql(query + " WHERE tree_size = ?"), (size,))
            row = cur.fetchone()
        return None if row is None else StoredCheckpoint(
            int(row[0]), bytes(row[1]), str(row[2]), str(row[3])
        )

    def leaf_at(self, cur: Cursor, index: int) -> tuple[str, int]:
        """The (aggregate id, version) logged at ``index``."""
        cur.execute(
            self._sql("SELECT aggregate_id, version FROM log_leaves WHERE leaf_index = ?"), (index,)
        )
        row = cur.fetchone()
        if row is None:
            raise LookupError(f"no log leaf at index {index}")
        return str(row[0]), int(row[1])

    def checkpoints(self) -> list[StoredCheckpoint]:
        with self.read() as cur:
            cur.execute(
                "SELECT tree_size, root, note, signed_at FROM log_checkpoints ORDER BY tree_size"
            )
            return [
                StoredCheckpoint(int(s), bytes(r), str(n), str(t)) for s, r, n, t in cur.fetchall()
            ]

    # -- export -------------------------------------------------------------------------------
    def logged_events(self, batch: int = 5000) -> Iterator[LoggedEvent]:
        """Every log entry in log order with the stored event it names (LEFT JOIN: deleted → None)."""
        join = self._event_id_expr("l.aggregate_id")
        last = -1
        while True:
            with self.read() as cur:
                cur.execute(
                    self._sql(
                        "SELECT l.leaf_index, l.aggregate_id, l.version, l.entry, e.topic, e.state"
                        f" FROM log_leaves l LEFT JOIN {self.events_table} e"
                        f" ON e.originator_id = {join} AND e.originator_version = l.version"
                        " WHERE l.leaf_index > ? ORDER BY l.leaf_index LIMIT ?"
                    ),
                    (last, batch),
                )
                rows = cur.fetchall()
            if not rows:
                return
            for index, agg, version, entry, topic, state in rows:
                yield LoggedEvent(
                    int(index), str(agg), int(version), bytes(entry),
                    None if topic is None else str(topic),
                    None if state is None else bytes(state),
                )
            last = int(rows[-1][0])

    def unlogged_events(self) -> list[UnloggedEvent]:
        """Stored events that are not in the log (not integrated yet, or inserted behind its back)."""
        # The id conversion is on the events side, so the lookup uses log_leaves' unique index.
        with self.read() as cur:
            cur.execute(
                self._sql(
                    f"SELECT {self._notification_id_column()}, e.originator_id,"
                    f" e.originator_version, e.topic, e.state FROM {self.events_table} e"
                    " WHERE NOT EXISTS (SELECT 1 FROM log_leaves l"
                    f" WHERE l.aggregate_id = {self._text_id_expr()}"
                    " AND l.version = e.originator_version)"
                    f" ORDER BY {self._notification_id_column()}"
                )
            )
            return [
                UnloggedEvent(int(n), self._event_id_to_text(a), int(v), str(t), bytes(s))
                for n, a, v, t, s in cur.fetchall()
            ]

    def _notification_id_column(self) -> str:
        raise NotImplementedError

    def _text_id_expr(self) -> str:
        """SQL turning the events table's ``e.originator_id`` into hyphenated UUID text."""
        raise NotImplementedError


class SqliteLogStore(LogStore):
    def __init__(self, path: str, events_table: str = "stored_events") -> None:
        super().__init__(events_table)
        self._conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._conn.execute("PRAGMA busy_timeout = 30000")

    def _cursor(self) -> Cursor:
        return self._conn.cursor()

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
        self._conn.close()


class PostgresLogStore(LogStore):
    blob = "BYTEA"
    begin_write = "BEGIN"
    begin_snapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    def __init__(self, conninfo: str, events_table: str) -> None:
        super().__init__(events_table)
        self._conn = psycopg.connect(conninfo, autocommit=True)

    def _cursor(self) -> Cursor:
        return self._conn.cursor()

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    # Bulk writes: COPY for the append-only tables, one array upsert for the chain heads.
    def put_nodes(self, cur: Cursor, nodes: Iterable[tuple[int, int, bytes]]) -> None:
        with cast(psycopg.Cursor[Any], cur).copy(
            "COPY log_nodes (level, idx, hash) FROM STDIN"
        ) as copy:
            for row in nodes:
                copy.write_row(row)

    def put_leaves(self, cur: Cursor, leaves: Sequence[LeafRow]) -> None:
        with cast(psycopg.Cursor[Any], cur).copy(
            "COPY log_leaves (leaf_index, aggregate_id, version, notification_id, entry)"
            " FROM STDIN"
        ) as copy:
            for r in leaves:
                copy.write_row((r.index, r.aggregate_id, r.version, r.notification_id, r.entry))

    def put_heads(self, cur: Cursor, heads: dict[str, tuple[int, str]]) -> None:
        cur.execute(
            "INSERT INTO log_heads (aggregate_id, version, event_hash)"
            " SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[])"
            " ON CONFLICT (aggregate_id) DO UPDATE"
            " SET version = excluded.version, event_hash = excluded.event_hash",
            (list(heads), [v for v, _ in heads.values()], [h for _, h in heads.values()]),
        )

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
