"""What every ``spotcheck`` command shares: one-line errors and an opened ledger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from eventsourcing.application import AggregateNotFoundError

from ledger.bootstrap import Ledger, StorageError, open_ledger
from ledger.settings import Settings, SettingsError

#: Exit status of a command that failed for a reason it could name.
EXIT_ERROR = 2
ErrorTypes = tuple[type[Exception], ...]


def fail(message: str) -> NoReturn:
    """Print ``spotcheck: <message>`` on standard error and exit with status 2."""
    typer.echo(f"spotcheck: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def opened_ledger(expected: ErrorTypes) -> Iterator[Ledger]:
    """The ledger of ``SPOTCHECK_DB``; any ``expected`` error becomes a one-line failure."""
    ledger = None
    named: ErrorTypes = (StorageError, SettingsError, *expected)
    try:
        ledger = open_ledger(Settings.from_environ())
        yield ledger
    except named as exc:
        fail(str(exc))
    except AggregateNotFoundError as exc:
        fail(f"not found: {exc}")
    finally:
        if ledger is not None:
            ledger.close()
