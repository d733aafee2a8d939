"""One leader among the processes running the same worker (主备): the sequencer, the projections.

``spotcheck log follow`` may be started on two machines (or twice on one) for availability: one
leads, the other waits and takes over when the leader stops or dies. Leadership is a lock the
database server (or the operating system) releases by itself when its holder goes away:

* **PostgreSQL**: a session advisory lock (``pg_try_advisory_lock``) held on a connection of its
  own; a killed process's connection closes and the server releases the lock;
* **SQLite** (one machine): an exclusive ``flock`` on a file beside the database
  (``spotcheck.db.sequencer.lock``), released by the kernel when the process ends.

The work itself stays safe without it (the sequencer's compare-and-set never forks a log, the
projections' batches are serialised): leadership only keeps a second worker from doing the same
work twice and makes the hand-over explicit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from ledger.adapters.settings import Settings
from ledger.errors import StorageError

#: Lock keys, one per kind of worker ("SPOS": the sequencer, "SPOR": the projection runner).
SEQUENCER = 0x5350_4F53
PROJECTIONS = 0x5350_4F52
_NAMES = {SEQUENCER: "sequencer", PROJECTIONS: "projections"}


class Leadership:
    """The right to be the one running worker ``key``; :meth:`wait` until it is ours."""

    def __init__(self, settings: Settings, key: int) -> None:
        self.settings = settings
        self.key = key
        self.name = _NAMES.get(key, str(key))
        self._conn: Any = None
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        """Take leadership if nobody holds it; True when it is ours."""
        if self.held:
            return True
        pg = self.settings.postgres
        if pg is not None:
            import psycopg

            if self._conn is None:
                try:
                    self._conn = psycopg.connect(pg.conninfo(), autocommit=True)
                except psycopg.OperationalError as exc:
                    raise StorageError(f"cannot open {self.settings.describe()}: "
                                       f"{' '.join(str(exc).split())}") from None
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            self._held = bool(row[0])
            return self._held
        import fcntl

        path = Path(f"{self.settings.sqlite_path}.{self.name}.lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    @property
    def held(self) -> bool:
        return self._fd is not None or bool(getattr(self, "_held", False))

    def still_held(self) -> bool:
        """The lock is still ours (on PostgreSQL: its connection is alive)."""
        if self._conn is None:
            return self._fd is not None
        try:
            self._conn.execute("SELECT 1")
        except Exception:
            return False
        return self.held

    def wait(self, interval: float, should_stop: Callable[[], bool],
             waiting: Callable[[], None] | None = None) -> bool:
        """Block until leadership is ours (True) or ``should_stop()`` (False); ``waiting`` is
        called once, when another process leads."""
        told = False
        while not should_stop():
            if self.try_acquire():
                return True
            if not told and waiting is not None:
                waiting()
                told = True
            deadline = time.monotonic() + interval
            while not should_stop() and time.monotonic() < deadline:
                time.sleep(min(0.1, interval))
        return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()  # the server releases the session's advisory lock
            finally:
                self._conn = None
                self._held = False
        if self._fd is not None:
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Leadership:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()
