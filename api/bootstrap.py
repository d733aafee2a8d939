"""The composition root (组装入口): the one place that wires settings, the event store, the logs,
the keys, the application services and the projections.

Every entry point — the ``spotcheck`` command line, the HTTP service, the benchmarks and the tests —
opens what it needs here and nowhere else::

    with bootstrap() as spotcheck:          # settings from SPOTCHECK_DB / SPOTCHECK_KEYS
        spotcheck.ceremony.freeze(...)
        spotcheck.public.agency_pages("652301", 2026)

Nothing below ``api/`` builds a ``LedgerApp``, a ``Ceremony`` or a projection runner itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

from ledger.adapters.settings import Settings
from ledger.errors import StorageError

if TYPE_CHECKING:
    from ledger.services.ceremony import Ceremony
    from ledger.services.inspections import Inspections
    from ledger.services.ledger import Ledger
    from projections.public_view import PublicView
    from projections.runner import Runner

SCHEMA_LOCK_KEY = 0x5350_4F55  # "SPOU": creating the tables


@contextmanager
def schema_lock(settings: Settings) -> Iterator[None]:
    """Serialise table creation: concurrent ``CREATE TABLE IF NOT EXISTS`` on PostgreSQL fails
    with "tuple concurrently updated" when two processes open a new database at once."""
    pg = settings.postgres
    if pg is None:
        yield
        return
    import psycopg

    with psycopg.connect(pg.conninfo(), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


def open_ledger(settings: Settings | None = None) -> Ledger:
    """The ledger of ``settings`` (default: from the environment): the application on its event
    store, the log store on the same database (tables created if missing) and the key files."""
    from ledger.adapters.event_store import events_table, eventsourcing_env
    from ledger.log.store import LogSchemaError, open_log_store
    from ledger.services import directory_view, visits_view
    from ledger.services.application import LedgerApp
    from ledger.services.ledger import Ledger

    settings = settings or Settings.from_environ()
    try:
        with schema_lock(settings):
            app = LedgerApp(env=eventsourcing_env(settings))
            directory_view.ensure_schema(app)
            visits_view.ensure_schema(app)
            store = open_log_store(settings, events_table(settings))
    except LogSchemaError as exc:
        raise StorageError(f"cannot open {settings.describe()}: {exc}") from None
    except Exception as exc:
        module = type(exc).__module__
        if module.startswith("psycopg"):
            raise StorageError(f"cannot open {settings.describe()}: {' '.join(str(exc).split())}") \
                from None
        if module.startswith(("eventsourcing", "sqlite3")):
            raise StorageError(f"cannot open {settings.describe()}: {exc}") from None
        raise
    return Ledger(settings=settings, app=app, store=store)


def open_runner(ledger: Ledger, batch_size: int | None = None) -> Runner:
    """A runner of every projection over ``ledger``'s notification log, on its own connection."""
    from projections import all_projections
    from projections.runner import DEFAULT_BATCH, Runner, open_projection_store

    return Runner(
        open_projection_store(ledger.settings), all_projections(ledger.app), ledger.app.notifications,
        ledger.app.decode, ledger.app.recorder.max_notification_id,
        batch_size=batch_size or DEFAULT_BATCH,
        locate=lambda n: ledger.store.locate(str(n.originator_id), n.originator_version),
    )


@dataclass
class Spotcheck:
    """An open deployment: the ledger and, built on first use, the services and read models."""

    ledger: Ledger
    _closed: bool = field(default=False, init=False)

    @property
    def settings(self) -> Settings:
        return self.ledger.settings

    @cached_property
    def ceremony(self) -> Ceremony:
        """The draw ceremony (摇号), with the per-draw keys of ``SPOTCHECK_KEYS``."""
        from ledger.services.ceremony import Ceremony

        return Ceremony(self.ledger.app, self.ledger.settings.keys_dir)

    @cached_property
    def inspections(self) -> Inspections:
        """Records, follow-up and publication after the draw."""
        from ledger.services.inspections import Inspections

        return Inspections(self.ledger.app, self.ceremony)

    @cached_property
    def public(self) -> PublicView:
        """What each role may read; the public sections from the ``public`` projection."""
        from projections.public_view import PublicView

        return PublicView(self.ledger.app, self.ceremony, lambda: open_runner(self.ledger))

    def runner(self, batch_size: int | None = None) -> Runner:
        """A new runner of every projection (the caller closes it)."""
        return open_runner(self.ledger, batch_size)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.ledger.close()

    def __enter__(self) -> Spotcheck:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def bootstrap(settings: Settings | None = None) -> Spotcheck:
    """Open the deployment of ``settings`` (default: ``SPOTCHECK_DB`` and ``SPOTCHECK_KEYS``)."""
    return Spotcheck(open_ledger(settings))
