"""A database restored from an older backup is caught before anything is written or signed: the
key keeps the last checkpoint it signed outside the database, and a log shorter than that stops every
write and every signature with one clear line; restoring the newest backup resumes (both databases)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import COUNTY, PREFECTURE, _admin_conninfo, agency_origin

from api.bootstrap import open_ledger
from ledger.adapters.settings import Settings
from ledger.demo.county import unit_rows, write_demo
from ledger.domain.agency import agency_id
from ledger.log.checkpoint import RolledBack
from ledger.log.keys import KeyFiles
from ledger.services.ledger import Ledger


def _copier(settings: Settings, tmp_path: Path) -> Iterator[tuple[Callable[[str], None],
                                                                   Callable[[str], None]]]:
    """``backup(name)`` and ``restore(name)`` of the whole database, the ledger closed."""
    if settings.postgres is None:
        def backup(name: str) -> None:
            shutil.copyfile(settings.db, tmp_path / f"{name}.db")

        def restore(name: str) -> None:
            shutil.copyfile(tmp_path / f"{name}.db", settings.db)

        yield backup, restore
        return
    db = settings.postgres.dbname
    made: list[str] = []

    def pg_backup(name: str) -> None:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{db}_{name}" TEMPLATE "{db}"')
        made.append(f"{db}_{name}")

    def pg_restore(name: str) -> None:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{db}" TEMPLATE "{db}_{name}"')

    try:
        yield pg_backup, pg_restore
    finally:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            for name in made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def copier(settings: Settings, tmp_path: Path) -> Iterator[tuple[Callable[[str], None],
                                                                  Callable[[str], None]]]:
    yield from _copier(settings, tmp_path)


def _opened(settings: Settings) -> Ledger:
    return open_ledger(settings)


def test_a_database_restored_from_an_older_backup_is_refused_before_anything_is_stored(
    settings: Settings, copier: tuple[Callable[[str], None], Callable[[str], None]]
) -> None:
    backup, restore = copier
    KeyFiles(settings.keys_dir).init("652301.spotcheck.test/log")
    for code in (PREFECTURE, COUNTY):
        KeyFiles.for_log(settings.keys_dir, code).init(agency_origin(code))
    ledger = _opened(settings)
    write_demo(ledger.app, 6)
    ledger.sync()
    ledger.close()
    backup("monday")
    ledger = _opened(settings)
    ledger.app.register_objects(agency_id(COUNTY), unit_rows(4, first=900))
    signed = ledger.sync().sizes[COUNTY]
    ledger.close()
    backup("tuesday")
    restore("monday")  # the operator restores the wrong (older) backup

    ledger = _opened(settings)
    try:
        held = ledger.log(COUNTY).state().size
        before = ledger.app.recorder.max_notification_id()
        with pytest.raises(RolledBack) as refused:
            ledger.app.register_objects(agency_id(COUNTY), unit_rows(1, first=950))
        assert str(refused.value).startswith(
            f"log {COUNTY}: the database holds {held} entries of this log but its key already "
            f"signed {signed} (the checkpoint kept in ")
        assert "restored from an older backup" in str(refused.value)
        assert "Nothing was stored or signed" in str(refused.value)
        assert ledger.app.recorder.max_notification_id() == before
        with pytest.raises(RolledBack):
            ledger.sync()
        assert ledger.log(COUNTY).checkpoint().size < signed  # type: ignore[union-attr]
    finally:
        ledger.close()

    restore("tuesday")  # the newest backup: everything the key signed is there
    ledger = _opened(settings)
    try:
        ledger.app.register_objects(agency_id(COUNTY), unit_rows(1, first=950))
        assert ledger.sync().sizes[COUNTY] == signed + 1
    finally:
        ledger.close()
