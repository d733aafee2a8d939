"""The projection runner: read models kept beside the events, rebuilt from event 0 at will.

A projection (:class:`Projection`) owns a few tables and a function ``apply(cursor, event)``. The
runner follows the application's notification log from the projection's tracking position, in
batches (1,000 notifications by default): it reads the batch, decodes the events whose topics the
projection wants, applies them and advances the position in ``projection_tracking`` — all **in one
database transaction** on the projection's own connection. A crash (or a kill) anywhere in a batch
rolls the whole batch back, position included, so a runner started again resumes where the last
committed batch ended and counts nothing twice.

There are no subscriptions on SQLite (eventsourcing 9.5.6's ``ProjectionRunner`` raises there), so
the runner polls ``select_notifications(start, limit)``, on both databases alike. The position is the
last notification id *scanned*, not the last one applied: events of other topics move it too, and
the ids' gaps (failed inserts on PostgreSQL) are simply passed.

Writes take the projections' lock: ``BEGIN IMMEDIATE`` on SQLite, a transaction-level advisory lock
on PostgreSQL; two runners therefore never interleave their batches, and the second one re-reads the
position the first committed.

``rebuild(name)`` drops the projection's tables and its tracking row (one transaction), creates the
tables afresh and replays from notification 1. A projection whose declared ``version`` differs from
the one recorded with its tracking row (its tables or its rules changed) is rebuilt the same way the
next time it runs.

**One event never stops the others.** When a handler fails (or its writes fail at commit), the
batch is rolled back and the projections of that batch are run again alone, one notification per
transaction, through the same notifications: the one that fails stops just before the event,
which is recorded in ``projection_failures`` with the projection, the notification, the event's
log and index and its type, and logged (``projection.failed``); the others go on. A stopped
projection is tried again on the next run (first alone, on that one event), so a fixed handler or
a passing fault lets it resume by itself; ``status()`` shows the failure until then. A database
that cannot be reached is not a handler failure: it stops the run.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol

from eventsourcing.persistence import Notification

from ledger.adapters.observability import get_logger
from ledger.adapters.settings import Settings
from ledger.errors import IntegrityFailure
from ledger.log.store import Cursor

log = get_logger("spotcheck.projections")

DEFAULT_BATCH = 1000
LOCK_KEY = 0x5350_4F50  # "SPOP": the projections' write lock on PostgreSQL

NotificationSource = Callable[[int, int], Sequence[Notification]]
Decoder = Callable[[Notification], Any]
#: Where an event was logged: (log, index), or None when not yet integrated.
Locator = Callable[[Notification], "tuple[str, int] | None"]


class ProjectionError(IntegrityFailure):
    """A projection that cannot be run or found; the message says which and why."""


class Projection(Protocol):
    """A read model: its tables, and how one event changes them.

    ``schema`` is the DDL creating ``tables`` (``CREATE TABLE IF NOT EXISTS …``; portable SQL:
    TEXT, INTEGER, BIGINT). ``apply`` runs inside the runner's transaction; it writes SQL with ``?``
    placeholders (the cursor converts them for PostgreSQL) and must be deterministic: the same
    events in the same order give the same rows. ``topics`` are the event topics it reads (others
    are not even decoded). Bump ``version`` when the tables or the rules change: the next run
    rebuilds from event 0.
    """

    name: str
    version: int
    tables: tuple[str, ...]
    schema: tuple[str, ...]
    topics: frozenset[str]

    def apply(self, cursor: Cursor, event: Any) -> None: ...

    # Optional: ``begin()``, called before every batch (forget what a rolled-back batch left in
    # memory), and ``flush(cursor)``, called once at the end of every batch inside its transaction,
    # for work a projection defers to the batch's end.


@dataclass(frozen=True)
class ProjectionFailure:
    """The event a projection stopped before: its handler (or its writes) failed on it."""

    notification_id: int
    event_type: str
    log: str | None  # the log and index the event has there (None: not yet integrated)
    index: int | None
    error: str
    failed_at: str

    def describe(self) -> str:
        where = f"log {self.log} index {self.index}" if self.log is not None else "not yet logged"
        return f"event #{self.notification_id} ({where}, {self.event_type}): {self.error}"

    def as_dict(self) -> dict[str, Any]:
        return {"notification_id": self.notification_id, "event_type": self.event_type,
                "log": self.log, "index": self.index, "error": self.error,
                "failed_at": self.failed_at}


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int
    version: int | None  # as recorded with the tracking row (None: never run)
    failure: ProjectionFailure | None = None  # stopped before this event (None: running)

    @property
    def behind(self) -> int:
        return max(0, self.head - self.position)


class _HandlerFailure(Exception):
    """A projection failed on one notification (its own transaction, rolled back)."""

    def __init__(self, notification: Notification, error: Exception) -> None:
        super().__init__(str(error))
        self.notification = notification
        self.error = error


def _unavailable(error: BaseException) -> bool:
    """A database that cannot be reached or is busy: not a handler's failure, it stops the run."""
    if isinstance(error, sqlite3.OperationalError):
        return True
    module = type(error).__module__
    return module.startswith("psycopg") and type(error).__name__ in (
        "OperationalError", "InterfaceError")


def _one_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())}"[:500]


class PlaceholderCursor:
    """A cursor that takes ``?`` placeholders on both databases."""

    def __init__(self, cursor: Cursor, convert: Callable[[str], str]) -> None:
        self._cursor = cursor
        self._convert = convert

    def execute(self, query: Any, params: Any = ()) -> Any:
        return self._cursor.execute(self._convert(query), self._params(params))

    def executemany(self, query: Any, params_seq: Any) -> Any:
        return self._cursor.executemany(self._convert(query), [self._params(p) for p in params_seq])

    def _params(self, params: Any) -> Any:
        return params

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    @property
    def rowcount(self) -> int:
        return int(getattr(self._cursor, "rowcount", -1))


class PostgresPlaceholderCursor(PlaceholderCursor):
    """PostgreSQL's ``text`` cannot hold a NUL: one in an event written before the text rule
    (:mod:`ledger.domain.text`) is kept as U+FFFD in the read model instead of stopping it."""

    def _params(self, params: Any) -> Any:
        if isinstance(params, tuple | list) and any(isinstance(p, str) and "\x00" in p
                                                    for p in params):
            return type(params)(p.replace("\x00", "\ufffd") if isinstance(p, str) else p
                                for p in params)
        return params


class ProjectionStore:
    """The projections' connection and transactions. Subclasses supply the dialect."""

    begin_write: ClassVar[str] = "BEGIN IMMEDIATE"
    begin_read: ClassVar[str] = "BEGIN"
    sql_cursor: ClassVar[type[PlaceholderCursor]] = PlaceholderCursor

    def _cursor(self) -> Cursor:
        raise NotImplementedError

    def _sql(self, statement: str) -> str:
        return statement

    def _lock(self, cur: Cursor) -> None:
        """Take the projections' write lock inside the open transaction."""

    def close(self) -> None:
        raise NotImplementedError

    @contextmanager
    def write(self) -> Iterator[Cursor]:
        """One write transaction holding the projections' lock; rolled back on any error."""
        with self._transaction(self.begin_write, lock=True) as cur:
            yield cur

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        """One consistent read (a snapshot on both databases)."""
        with self._transaction(self.begin_read, lock=False) as cur:
            yield cur

    @contextmanager
    def _transaction(self, begin: str, *, lock: bool) -> Iterator[Cursor]:
        raw = self._cursor()
        raw.execute(begin)
        try:
            if lock:
                self._lock(raw)
            yield self.sql_cursor(raw, self._sql)
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")


class SqliteProjectionStore(ProjectionStore):
    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._conn.execute("PRAGMA busy_timeout = 30000")

    def _cursor(self) -> Cursor:
        return self._conn.cursor()

    def close(self) -> None:
        self._conn.close()


class PostgresProjectionStore(ProjectionStore):
    begin_write = "BEGIN"
    begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    sql_cursor = PostgresPlaceholderCursor

    def __init__(self, conninfo: str) -> None:
        import psycopg  # imported only where PostgreSQL is used

        self._conn = psycopg.connect(conninfo, autocommit=True)

    def _cursor(self) -> Cursor:
        return self._conn.cursor()

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def _lock(self, cur: Cursor) -> None:
        cur.execute("SET LOCAL lock_timeout = '30s'")
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))

    @contextmanager
    def write(self) -> Iterator[Cursor]:
        """The write transaction in psycopg's pipeline mode: statements whose results nobody
        fetches (the projections' inserts and updates) are sent without waiting for the server,
        so a batch costs a round trip per *read*, not per statement. An error surfaces at the
        next read or at the end, and rolls the whole batch back as before."""
        try:
            with self._conn.pipeline(), super().write() as cur:
                yield cur
        except BaseException:
            self._rolled_back()
            raise

    def _rolled_back(self) -> None:
        """After a failed batch the pipeline may have skipped the ROLLBACK (it drops what follows
        an error until it syncs): end the transaction for certain, so the next one starts clean."""
        from psycopg import pq

        if self._conn.info.transaction_status in (pq.TransactionStatus.INERROR,
                                                  pq.TransactionStatus.INTRANS):
            self._conn.execute("ROLLBACK")

    def close(self) -> None:
        self._conn.close()


def open_projection_store(settings: Settings) -> ProjectionStore:
    pg = settings.postgres
    if pg is None:
        return SqliteProjectionStore(str(settings.sqlite_path))
    return PostgresProjectionStore(pg.conninfo())


TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_tracking (name TEXT PRIMARY KEY,"
    " position BIGINT NOT NULL, version INTEGER NOT NULL)"
)
FAILURES_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_failures (name TEXT PRIMARY KEY,"
    " notification_id BIGINT NOT NULL, event_type TEXT NOT NULL, log TEXT, log_index BIGINT,"
    " error TEXT NOT NULL, failed_at TEXT NOT NULL)"
)


class Runner:
    """Runs projections over one application's notification log."""

    def __init__(
        self, store: ProjectionStore, projections: Sequence[Projection],
        source: NotificationSource, decode: Decoder, head: Callable[[], int | None],
        batch_size: int = DEFAULT_BATCH, locate: Locator | None = None,
    ) -> None:
        self.store = store
        self.projections = {p.name: p for p in projections}
        self.source = source
        self.decode = decode
        self.head = head
        self.batch_size = batch_size
        self.locate = locate
        self._ensure_schema()

    # -- schema and tracking --------------------------------------------------------------------
    def projection(self, name: str) -> Projection:
        try:
            return self.projections[name]
        except KeyError:
            raise ProjectionError(
                f"no projection named {name!r} (there are: {', '.join(self.projections)})"
            ) from None

    def _ensure_schema(self) -> None:
        with self.store.write() as cur:
            cur.execute(TRACKING_DDL)
            cur.execute(FAILURES_DDL)
            for projection in self.projections.values():
                for statement in projection.schema:
                    cur.execute(statement)

    @staticmethod
    def _tracking(cur: Cursor, name: str) -> tuple[int, int] | None:
        cur.execute("SELECT position, version FROM projection_tracking WHERE name = ?", (name,))
        row = cur.fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def _reset(self, cur: Cursor, projection: Projection) -> None:
        """Drop the projection's tables and tracking row and create them empty (position 0)."""
        for table in projection.tables:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.execute("DELETE FROM projection_tracking WHERE name = ?", (projection.name,))
        cur.execute("DELETE FROM projection_failures WHERE name = ?", (projection.name,))
        for statement in projection.schema:
            cur.execute(statement)
        cur.execute(
            "INSERT INTO projection_tracking (name, position, version) VALUES (?, 0, ?)",
            (projection.name, projection.version),
        )

    # -- running --------------------------------------------------------------------------------
    def run_batch(self, name: str) -> int:
        """Apply the next batch of ``name`` and advance its position, in one transaction; returns
        the number of notifications scanned (0: caught up)."""
        return self._joint_batch([self.projection(name)])[0]

    def _joint_batch(
        self, projections: Sequence[Projection], limit: int | None = None,
        source: NotificationSource | None = None,
    ) -> tuple[int, list[str], bool]:
        """One batch for the furthest-behind of ``projections`` — those at the lowest position go
        together: each notification is read and decoded once and applied to every one of them
        that wants its topic — in one transaction with their positions. Returns the number of
        notifications scanned, the names of the projections that scanned them, and whether all of
        ``projections`` are now at the same position."""
        with self.store.write() as cur:
            positions: dict[str, int] = {}
            for projection in projections:
                tracked = self._tracking(cur, projection.name)
                if tracked is None or tracked[1] != projection.version:
                    self._reset(cur, projection)
                    tracked = (0, projection.version)
                positions[projection.name] = tracked[0]
            position = min(positions.values())
            group = [p for p in projections if positions[p.name] == position]
            for projection in group:
                begin = getattr(projection, "begin", None)
                if begin is not None:
                    begin()
            notifications = (source or self.source)(position + 1, limit or self.batch_size)
            for notification in notifications:
                wanting = [p for p in group if notification.topic in p.topics]
                if wanting:
                    event = self.decode(notification)
                    for projection in wanting:
                        projection.apply(cur, event)
            for projection in group:
                flush = getattr(projection, "flush", None)
                if flush is not None:
                    flush(cur)
            if notifications:
                last = notifications[-1].id
                for projection in group:
                    cur.execute(
                        "UPDATE projection_tracking SET position = ? WHERE name = ? AND position = ?",
                        (last, projection.name, position),
                    )
                    cur.execute("DELETE FROM projection_failures WHERE name = ?"
                                " AND notification_id <= ?", (projection.name, last))
                    positions[projection.name] = last
        return (len(notifications), [p.name for p in group],
                len(set(positions.values())) == 1)

    def run(self, name: str | None = None) -> dict[str, int]:
        """Apply everything committed so far to ``name`` (or every projection, in one pass over
        the log once their positions meet); returns the number of notifications scanned per
        projection."""
        chosen = [self.projection(name)] if name else list(self.projections.values())
        return self._catch_up(chosen)

    def _catch_up(self, chosen: Sequence[Projection]) -> dict[str, int]:
        scanned = {p.name: 0 for p in chosen}
        halted = self._retry_stopped(chosen, scanned)
        while True:
            active = [p for p in chosen if p.name not in halted]
            if not active:
                return scanned
            try:
                count, group, level = self._joint_batch(active)
            except Exception as exc:
                if _unavailable(exc):
                    raise
                halted |= self._isolate(active, scanned)
                continue
            for each in group:
                scanned[each] += count
            if (count < self.batch_size and level) or count == 0:  # 0: a laggard has nothing to read
                return scanned

    def _retry_stopped(self, chosen: Sequence[Projection], scanned: dict[str, int]) -> set[str]:
        """Each projection stopped by a failure tries its event again, alone; the names of those
        that fail again (they sit out this run)."""
        stopped = {s.name for s in self.status() if s.failure is not None}
        halted: set[str] = set()
        for projection in chosen:
            if projection.name in stopped and not self._steps(projection, 1, scanned):
                halted.add(projection.name)
        return halted

    def _isolate(self, active: Sequence[Projection], scanned: dict[str, int]) -> set[str]:
        """A joint batch failed: the projections it was for run again one by one, one
        notification per transaction, through the same notifications; returns those that
        failed (each recorded where it stopped)."""
        with self.store.read() as cur:
            positions = {p.name: self._position(cur, p) for p in active}
        position = min(positions.values())
        window = len(self.source(position + 1, self.batch_size))
        return {p.name for p in active if positions[p.name] == position
                and not self._steps(p, window, scanned)}

    def _position(self, cur: Cursor, projection: Projection) -> int:
        tracked = self._tracking(cur, projection.name)
        return 0 if tracked is None or tracked[1] != projection.version else tracked[0]

    def _steps(self, projection: Projection, count: int, scanned: dict[str, int]) -> bool:
        """Up to ``count`` notifications for ``projection`` alone, one per transaction; False
        (and the failure recorded) when one fails."""
        for _ in range(count):
            try:
                stepped = self._step(projection)
            except _HandlerFailure as failure:
                self._record_failure(projection, failure)
                return False
            if not stepped:
                break
            scanned[projection.name] += 1
        return True

    def _step(self, projection: Projection) -> bool:
        """The next notification for ``projection`` alone, in one transaction; False when it has
        caught up. A failure (in the handler or at commit) names the notification."""
        failed_on: list[Notification] = []

        def source(start: int, limit: int) -> Sequence[Notification]:
            found = self.source(start, limit)
            failed_on[:] = found[:1]
            return found

        try:
            count, _, _ = self._joint_batch([projection], 1, source)
        except Exception as exc:
            if _unavailable(exc) or not failed_on:
                raise
            raise _HandlerFailure(failed_on[0], exc) from exc
        return count > 0

    def _record_failure(self, projection: Projection, failure: _HandlerFailure) -> None:
        notification = failure.notification
        where = self.locate(notification) if self.locate is not None else None
        error = _one_line(failure.error)
        with self.store.write() as cur:
            cur.execute("DELETE FROM projection_failures WHERE name = ?", (projection.name,))
            cur.execute(
                "INSERT INTO projection_failures (name, notification_id, event_type, log,"
                " log_index, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (projection.name, notification.id, notification.topic,
                 None if where is None else where[0], None if where is None else where[1],
                 error, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        log.error("projection.failed", projection=projection.name,
                  notification_id=notification.id, event_type=notification.topic,
                  log=None if where is None else where[0],
                  index=None if where is None else where[1], error=error)

    def failures(self) -> dict[str, ProjectionFailure]:
        """The projections stopped before an event, with the event and the error."""
        with self.store.read() as cur:
            cur.execute("SELECT name, notification_id, event_type, log, log_index, error,"
                        " failed_at FROM projection_failures")
            return {str(r[0]): ProjectionFailure(int(r[1]), str(r[2]),
                                                 None if r[3] is None else str(r[3]),
                                                 None if r[4] is None else int(r[4]),
                                                 str(r[5]), str(r[6]))
                    for r in cur.fetchall()}

    def rebuild(self, name: str) -> int:
        """Drop ``name``'s tables and tracking row, then replay the log from event 0."""
        return self.rebuild_many([name])[name]

    def rebuild_many(self, names: Sequence[str] | None = None) -> dict[str, int]:
        """Drop the tables and tracking rows of ``names`` (default: every projection) in one
        transaction, then replay the log from event 0 in one pass for all of them."""
        chosen = [self.projection(n) for n in names] if names else list(self.projections.values())
        with self.store.write() as cur:
            for projection in chosen:
                self._reset(cur, projection)
        return self._catch_up(chosen)

    def follow(self, interval: float, should_stop: Callable[[], bool]) -> int:
        """Run every projection every ``interval`` seconds until ``should_stop()``; returns the
        number of notifications scanned (summed over projections)."""
        total = 0
        while not should_stop():
            total += sum(self.run().values())
            deadline = time.monotonic() + interval
            while not should_stop() and time.monotonic() < deadline:
                time.sleep(min(0.1, interval))
        return total

    def status(self) -> list[ProjectionStatus]:
        head = self.head() or 0
        failures = self.failures()
        rows: list[ProjectionStatus] = []
        with self.store.read() as cur:
            for name in self.projections:
                tracked = self._tracking(cur, name)
                rows.append(ProjectionStatus(name, tracked[0] if tracked else 0, head,
                                             tracked[1] if tracked else None, failures.get(name)))
        return rows

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def table_contents(store: ProjectionStore, projection: Projection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ``projection``, sorted: for comparing two builds."""
    contents: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as cur:
        for table in projection.tables:
            cur.execute(f"SELECT * FROM {table}")
            contents[table] = sorted((tuple(row) for row in cur.fetchall()), key=repr)
    return contents

