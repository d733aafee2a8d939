"""Composition root: one place that wires settings, the event store, the log and the keys."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg

from ledger.application import LedgerApp
from ledger.checkpoint import issue_checkpoint
from ledger.event_store import events_table, eventsourcing_env
from ledger.keys import KeyFiles
from ledger.log_store import LogStore, StoredCheckpoint, open_log_store
from ledger.sequencer import Sequencer
from ledger.settings import Settings

SCHEMA_LOCK_KEY = 0x5350_4F55  # "SPOU": creating the tables


class StorageError(RuntimeError):
    """The database cannot be opened; the message says which and why."""


@dataclass
class SyncResult:
    new_leaves: int
    tree_size: int
    checkpoint: StoredCheckpoint | None


@dataclass
class Ledger:
    """An open ledger: the application, its log and its key files."""

    settings: Settings
    app: LedgerApp
    log: LogStore
    keys: KeyFiles
    sequencer: Sequencer = field(init=False)

    def __post_init__(self) -> None:
        self.sequencer = Sequencer(self.log, self.app.notifications, self.app.decode)

    def sync(self, *, sign: bool = True) -> SyncResult:
        """Integrate every committed event into the log, then sign a checkpoint of it."""
        new = self.sequencer.integrate()
        checkpoint = None
        if sign:
            checkpoint = issue_checkpoint(self.log, self.keys.load_signer(), self.keys.last_signed)
        return SyncResult(new, self.log.state().size, checkpoint)

    def follow(self, interval: float, should_stop: Callable[[], bool]) -> int:
        """Run as the log's sequencer: sync every ``interval`` seconds until ``should_stop()``;
        returns the number of events integrated."""
        total = 0
        while not should_stop():
            total += self.sync().new_leaves
            deadline = time.monotonic() + interval
            while not should_stop() and time.monotonic() < deadline:
                time.sleep(min(0.1, interval))
        return total

    def close(self) -> None:
        self.log.close()
        self.app.close()


@contextmanager
def _schema_lock(settings: Settings) -> Iterator[None]:
    """Serialise table creation: concurrent ``CREATE TABLE IF NOT EXISTS`` on PostgreSQL fails
    with "tuple concurrently updated" when two processes open a new database at once."""
    pg = settings.postgres
    if pg is None:
        yield
        return
    with psycopg.connect(pg.conninfo(), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


def open_ledger(settings: Settings | None = None) -> Ledger:
    settings = settings or Settings.from_environ()
    try:
        with _schema_lock(settings):
            app = LedgerApp(env=eventsourcing_env(settings))
            log = open_log_store(settings, events_table(settings))
    except psycopg.OperationalError as exc:
        raise StorageError(f"cannot open {settings.describe()}: {' '.join(str(exc).split())}") from None
    except Exception as exc:
        if type(exc).__module__.startswith(("eventsourcing", "sqlite3", "psycopg")):
            raise StorageError(f"cannot open {settings.describe()}: {exc}") from None
        raise
    return Ledger(settings=settings, app=app, log=log, keys=KeyFiles(settings.keys_dir))
