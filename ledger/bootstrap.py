"""Composition root: one place that wires settings, the event store, the log and the keys."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
import structlog

from ledger.agency import Agency, agency_id
from ledger.application import LedgerApp
from ledger.checkpoint import issue_checkpoint
from ledger.event_store import events_table, eventsourcing_env
from ledger.keys import KeyFileError, KeyFiles, check_log_name
from ledger.log_routing import route_of
from ledger.log_store import DEFAULT_LOG, Log, LogSchemaError, LogStore, StoredCheckpoint, open_log_store
from ledger.sequencer import Sequencer
from ledger.settings import Settings
from verify.note import NoteSigner

_log = structlog.get_logger("spotcheck.sequencer")

SCHEMA_LOCK_KEY = 0x5350_4F55  # "SPOU": creating the tables


class StorageError(RuntimeError):
    """The database cannot be opened; the message says which and why."""


class LogSelectionError(ValueError):
    """A command needs one log and was not told which (or was told one that does not exist)."""


@dataclass
class SyncResult:
    new_leaves: int
    sizes: dict[str, int]
    checkpoints: dict[str, StoredCheckpoint]
    unsigned: list[str]

    @property
    def tree_size(self) -> int:
        """The total number of entries over all logs."""
        return sum(self.sizes.values())


@dataclass
class Ledger:
    """An open ledger: the application, its logs and their key files."""

    settings: Settings
    app: LedgerApp
    store: LogStore
    sequencer: Sequencer = field(init=False)

    def __post_init__(self) -> None:
        self.sequencer = Sequencer(self.store, self.app.notifications, self.app.decode, route_of)

    # -- logs and keys ------------------------------------------------------------------------
    def log(self, name: str | None = None) -> Log:
        """The named log; without a name, the only log there is (an error if there are several)."""
        logs = self.store.logs()
        if name is not None:
            check_log_name(name)
            return self.store.log(name)
        if len(logs) == 1:
            return self.store.log(next(iter(logs)))
        if not logs:
            return self.store.log(DEFAULT_LOG)
        raise LogSelectionError(
            f"--log: this ledger has {len(logs)} logs ({', '.join(logs)}); name one"
        )

    def keys(self, log: str = DEFAULT_LOG) -> KeyFiles:
        return KeyFiles.for_log(self.settings.keys_dir, log)

    def origin_of(self, log: str) -> str | None:
        """The origin an agency declared for its log (None for the deployment's own log or an
        agency not established here)."""
        if log == DEFAULT_LOG:
            return None
        agency_uuid = agency_id(log)
        if agency_uuid not in self.app.repository:
            return None
        agency: Agency = self.app.repository.get(agency_uuid)
        return agency.log_origin

    def init_key(self, log: str, origin: str | None = None, *, overwrite: bool = False) -> KeyFiles:
        """Create a log's key, named by the origin its agency declared (or ``origin``)."""
        declared = self.origin_of(log)
        if declared is not None and origin is not None and origin != declared:
            raise KeyFileError(
                f"--origin: agency {log} declared its log origin as {declared!r}, not {origin!r}"
            )
        name = declared or origin
        if name is None:
            raise KeyFileError(
                f"--origin: no agency with division code {log} is established here, so its log "
                "origin must be given"
            )
        keys = self.keys(log)
        keys.init(name, overwrite=overwrite)
        return keys

    def _signer(self, log: str) -> NoteSigner:
        signer = self.keys(log).load_signer()
        declared = self.origin_of(log)
        if declared is not None and signer.name != declared:
            raise KeyFileError(
                f"{self.keys(log).private}: the key names origin {signer.name!r} but agency {log} "
                f"declared {declared!r}; it will not sign this log"
            )
        return signer

    # -- the sequencer ------------------------------------------------------------------------
    def sync(self, *, sign: bool = True, require_keys: bool = True) -> SyncResult:
        """Integrate every committed event into its log, then sign a checkpoint of each log.

        A log with no key is left unsigned and named in the result; with ``require_keys`` that
        is an error (raised after the other logs are signed)."""
        new = self.sequencer.integrate()
        logs = self.store.logs()
        checkpoints: dict[str, StoredCheckpoint] = {}
        unsigned: list[str] = []
        for name in logs if sign else ():
            if not self.keys(name).exists():
                unsigned.append(name)
                continue
            keys = self.keys(name)
            issued = issue_checkpoint(self.store.log(name), self._signer(name), keys.last_signed)
            if issued is not None:
                checkpoints[name] = issued
        if unsigned and require_keys:
            raise KeyFileError(
                f"no signing key for log(s) {', '.join(unsigned)}: run "
                + "; ".join(f"`spotcheck keys init{_log_option(n)}`" for n in unsigned)
            )
        return SyncResult(new, {n: s.size for n, s in logs.items()}, checkpoints, unsigned)

    def follow(self, interval: float, should_stop: Callable[[], bool]) -> int:
        """Run as the logs' sequencer: sync every ``interval`` seconds until ``should_stop()``;
        returns the number of events integrated. A log without a key is logged, not fatal."""
        total = 0
        warned: set[str] = set()
        while not should_stop():
            result = self.sync(require_keys=False)
            total += result.new_leaves
            for name in set(result.unsigned) - warned:
                _log.warning("log.unsigned", log=name, reason="no signing key")
            warned.update(result.unsigned)
            deadline = time.monotonic() + interval
            while not should_stop() and time.monotonic() < deadline:
                time.sleep(min(0.1, interval))
        return total

    def close(self) -> None:
        self.store.close()
        self.app.close()


def _log_option(name: str) -> str:
    return "" if name == DEFAULT_LOG else f" --log {name}"


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
            store = open_log_store(settings, events_table(settings))
    except LogSchemaError as exc:
        raise StorageError(f"cannot open {settings.describe()}: {exc}") from None
    except psycopg.OperationalError as exc:
        raise StorageError(f"cannot open {settings.describe()}: {' '.join(str(exc).split())}") from None
    except Exception as exc:
        if type(exc).__module__.startswith(("eventsourcing", "sqlite3", "psycopg")):
            raise StorageError(f"cannot open {settings.describe()}: {exc}") from None
        raise
    return Ledger(settings=settings, app=app, store=store)
