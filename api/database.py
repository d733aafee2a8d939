"""The service's own connections to the deployment's database (服务连接): accounts and read models.

The HTTP service answers many requests at once, from a pool of threads, in several processes. The
ledger's application keeps its own connection pool (eventsourcing's); the accounts
(:mod:`api.accounts`) and the read models (the projections' tables) are read here:

* **SQLite**: one connection per thread (a SQLite connection belongs to the thread that opened it),
  opened on first use and kept for the thread's life;
* **PostgreSQL**: a small pool (``psycopg_pool``) shared by the threads of one process, so that four
  worker processes stay well inside the server's ``max_connections``.

Statements use ``?`` placeholders on both databases (converted for PostgreSQL). Nothing here is
opened before it is used, and a process that forks (uvicorn's workers) opens its own.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ledger.adapters.settings import Settings
from ledger.errors import StorageError
from ledger.log.store import Cursor
from projections.runner import PlaceholderCursor, ProjectionStore

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

#: Connections of one process's pool on PostgreSQL (the threads wait for one beyond that).
POOL_SIZE = 8


class Database:
    """Connections of one process to the deployment's database, for any thread."""

    def __init__(self, settings: Settings, pool_size: int = POOL_SIZE) -> None:
        self.settings = settings
        self.postgres = settings.postgres is not None
        self._pool_size = pool_size
        self._pool: ConnectionPool[Any] | None = None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._sqlite: list[sqlite3.Connection] = []

    # -- connections ---------------------------------------------------------------------------
    def _sqlite_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(str(self.settings.sqlite_path), timeout=30,
                                       isolation_level=None, check_same_thread=False)
            except sqlite3.Error as exc:
                raise StorageError(f"cannot open {self.settings.describe()}: {exc}") from None
            conn.execute("PRAGMA busy_timeout = 30000")
            self._local.conn = conn
            with self._lock:
                self._sqlite.append(conn)
        return conn

    def _postgres_pool(self) -> ConnectionPool[Any]:
        with self._lock:
            if self._pool is None:
                from psycopg_pool import ConnectionPool

                pg = self.settings.postgres
                assert pg is not None
                self._pool = ConnectionPool(pg.conninfo(), min_size=1, max_size=self._pool_size,
                                            kwargs={"autocommit": True}, open=True, timeout=30,
                                            name="spotcheck-service")
            return self._pool

    @contextmanager
    def _raw(self) -> Iterator[Any]:
        if not self.postgres:
            yield self._sqlite_connection()
            return
        try:
            with self._postgres_pool().connection() as conn:
                yield conn
        except Exception as exc:
            if type(exc).__module__.startswith(("psycopg", "psycopg_pool")) and _is_connection(exc):
                raise StorageError(f"cannot reach {self.settings.describe()}: "
                                   f"{' '.join(str(exc).split())}") from None
            raise

    @contextmanager
    def transaction(self, *, read_only: bool = False) -> Iterator[Cursor]:
        """One transaction (committed at the end, rolled back on any error); ``read_only``: one
        consistent snapshot that writes nothing."""
        with self._raw() as conn:
            cur = conn.cursor()
            if self.postgres:
                cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if read_only
                            else "BEGIN")
            else:
                cur.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
            try:
                yield PlaceholderCursor(cur, _postgres_sql if self.postgres else _same)
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
            for conn in self._sqlite:
                conn.close()
            self._sqlite.clear()
        self._local = threading.local()


def _postgres_sql(statement: str) -> str:
    return statement.replace("?", "%s")


def _same(statement: str) -> str:
    return statement


def _is_connection(exc: BaseException) -> bool:
    import psycopg
    from psycopg_pool import PoolTimeout

    return isinstance(exc, psycopg.OperationalError | PoolTimeout)


class ReadModels(ProjectionStore):
    """The projections' tables, read through the service's connections (never written here:
    the projection worker or the runner writes them)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        with self.database.transaction(read_only=True) as cur:
            yield cur

    @contextmanager
    def write(self) -> Iterator[Cursor]:
        raise RuntimeError("the service reads the read models; the projection worker writes them")
        yield  # pragma: no cover

    def close(self) -> None:
        """The connections belong to the database object."""
