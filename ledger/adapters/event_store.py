"""The eventsourcing settings for the embedded SQLite file or the PostgreSQL server.

The application reads its configuration as environment keys; we hand it *prefixed* keys
(``LEDGER_...``) built from one :class:`~ledger.adapters.settings.Settings`, so that nothing a user left in
the process environment can silently redirect the store (see ``shared/eventsourcing-notes.md``).
"""

from __future__ import annotations

from ledger.adapters.settings import Settings

APP_NAME = "Ledger"
PREFIX = APP_NAME.upper() + "_"


def eventsourcing_env(settings: Settings) -> dict[str, str]:
    """Prefixed eventsourcing keys for ``settings``."""
    pg = settings.postgres
    if pg is None:
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.sqlite_path),
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    else:
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": pg.dbname,
            "POSTGRES_HOST": pg.host,
            "POSTGRES_PORT": str(pg.port),
            "POSTGRES_USER": pg.user,
            "POSTGRES_PASSWORD": pg.password,
            "POSTGRES_LOCK_TIMEOUT": "30",
            "POSTGRES_SCHEMA": "public",  # the log store's queries name tables unqualified
            # Off: with it, a tailing reader can skip an event for good.
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            # One save is one transaction whatever its size (psycopg's pipeline stalls on a
            # large one): see ledger/adapters/postgres_events.py.
            "APPLICATION_RECORDER_TOPIC": "ledger.adapters.postgres_events:PostgresEventRecorder",
        }
    env.update({"CIPHER_KEY": "", "COMPRESSOR_TOPIC": "", "IS_SNAPSHOTTING_ENABLED": "n"})
    return {PREFIX + key: value for key, value in env.items()}


def events_table(settings: Settings) -> str:
    """The name of the table eventsourcing stores events in."""
    return "stored_events" if settings.postgres is None else f"{APP_NAME.lower()}_events"
