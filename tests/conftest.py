"""Fixtures: a realistic small agency's ledger on each real database.

Storage tests run on the embedded SQLite file and on the PostgreSQL server at 127.0.0.1:5432, each
in a throw-away database dropped afterwards. Without CI a missing PostgreSQL skips its half; with
``CI=true`` it fails, never skips.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from api.bootstrap import open_ledger
from ledger.adapters.holiday_calendars import schedules_from_package
from ledger.adapters.settings import Settings
from ledger.demo.county import write_county_demo, write_demo
from ledger.domain.agency import DEFAULT_LOG_DOMAIN, agency_id
from ledger.log.keys import KeyFiles
from ledger.services.ceremony import Ceremony
from ledger.services.ledger import Ledger

PG_ADMIN = os.environ.get("SPOTCHECK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ORIGIN = "652301.spotcheck.test/log"


def _admin_conninfo() -> str:
    return Settings(PG_ADMIN, Path()).postgres.conninfo()  # type: ignore[union-attr]


def postgres_available() -> str | None:
    try:
        with psycopg.connect(_admin_conninfo(), connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return str(exc).strip()


@pytest.fixture(scope="session")
def postgres_server() -> None:
    problem = postgres_available()
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and PostgreSQL is not reachable: {problem}")
    pytest.skip(f"PostgreSQL not reachable: {problem}")


@pytest.fixture
def pg_database(postgres_server: None) -> Iterator[str]:
    """A fresh PostgreSQL database URL, dropped after the test."""
    name = f"spotcheck_test_{secrets.token_hex(6)}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    keys_dir = tmp_path / "keys"
    if request.param == "sqlite":
        return Settings(str(tmp_path / "spotcheck.db"), keys_dir)
    url = request.getfixturevalue("pg_database")
    return Settings(url, keys_dir)


#: The demo's two agencies, whose logs the fixtures give keys: the prefecture and the county.
PREFECTURE, COUNTY = "652300", "652301"


def agency_origin(code: str) -> str:
    """The log origin an agency declares when it names none (``Agency.establish``)."""
    return f"{code}.{DEFAULT_LOG_DOMAIN}/spotcheck"


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    """An empty ledger with keys for the deployment's log and the demo agencies' logs."""
    KeyFiles(settings.keys_dir).init(ORIGIN)
    for code in (PREFECTURE, COUNTY):
        KeyFiles.for_log(settings.keys_dir, code).init(agency_origin(code))
    opened = open_ledger(settings)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def demo_ledger(ledger: Ledger) -> Ledger:
    """The demo county: 2 agencies, 24 units, 8 inspectors, 2 changes; synced and signed.

    The county's log (``ledger.log(COUNTY)``) holds 35 events, the prefecture's 1."""
    write_demo(ledger.app, 24)
    ledger.sync()
    return ledger


@pytest.fixture
def county(ledger: Ledger) -> Ledger:
    """The generated county and its prefecture, with seed 000's rulebooks, the 2026 plan and the
    State Council's 2025 and 2026 holiday schedules recorded."""
    write_county_demo(ledger.app, seed=7, units=60, inspectors=12)
    for code in (PREFECTURE, COUNTY):
        for schedule in schedules_from_package([2025, 2026]):
            ledger.app.record_working_calendar(agency_id(code), schedule.as_data(), "办公室")
    return ledger


@pytest.fixture
def ceremony(county: Ledger) -> Ceremony:
    return Ceremony(county.app, county.settings.keys_dir)
