"""Fixtures: a realistic small agency's ledger on each real database.

Storage tests run on the embedded SQLite file and on the PostgreSQL server at 127.0.0.1:5432, each
in a throw-away database dropped afterwards. Without CI a missing PostgreSQL skips its half; with
``CI=true`` it fails, never skips.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from api.bootstrap import open_ledger
from ledger.adapters.holiday_calendars import schedules_from_package
from ledger.adapters.settings import Settings
from ledger.demo.county import write_county_demo, write_demo
from ledger.domain.agency import DEFAULT_LOG_DOMAIN, agency_id
from ledger.domain.clock import simulated_time
from ledger.log.keys import KeyFiles
from ledger.services.ceremony import Ceremony
from ledger.services.ledger import Ledger

#: When the tests' agencies write: every event of a test is stamped from here on, a microsecond
#: apart, before any date the tests claim (a freeze on 2025-12-29, a record filed on 2026-01-09 …),
#: so that a by-the-book quarter is not taken for back-dated. Tests of back-dating set their own.
TEST_TIME = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _events_at_test_time() -> Iterator[None]:
    with simulated_time(TEST_TIME):
        yield


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


BACKENDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Storage tests run on both databases; a module marked ``sqlite_only`` (rules checked
    through the application, nothing the storage could change) runs on the embedded one."""
    if "settings" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("settings", BACKENDS[:1] if only else BACKENDS, indirect=True)


@pytest.fixture
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


def _opened_with_keys(settings: Settings) -> Iterator[Ledger]:
    """The ledger of ``settings``, with keys for the deployment's log and the demo agencies'."""
    KeyFiles(settings.keys_dir).init(ORIGIN)
    for code in (PREFECTURE, COUNTY):
        KeyFiles.for_log(settings.keys_dir, code).init(agency_origin(code))
    opened = open_ledger(settings)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    """An empty ledger with keys for the deployment's log and the demo agencies' logs."""
    yield from _opened_with_keys(settings)


@pytest.fixture
def demo_ledger(ledger: Ledger) -> Ledger:
    """The demo county: 2 agencies, 24 units, 8 inspectors, 2 changes; synced and signed.

    The county's log (``ledger.log(COUNTY)``) holds 35 events, the prefecture's 1."""
    write_demo(ledger.app, 24)
    ledger.sync()
    return ledger


def write_county(ledger: Ledger) -> None:
    """The generated county and its prefecture, with seed 000's rulebooks, the 2026 plan and the
    State Council's 2025 and 2026 holiday schedules recorded (nothing logged yet)."""
    write_county_demo(ledger.app, seed=7, units=60, inspectors=12)
    for code in (PREFECTURE, COUNTY):
        for schedule in schedules_from_package([2025, 2026]):
            ledger.app.record_working_calendar(agency_id(code), schedule.as_data(), "办公室")


@pytest.fixture(scope="session")
def county_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Per database, the county written once (:func:`write_county`): a SQLite file, or a
    PostgreSQL database that each test's database is created from (``CREATE DATABASE … TEMPLATE``).
    Filled on first use; the PostgreSQL templates are dropped at the end of the session."""
    built: dict[str, str] = {}
    yield built
    if "postgres" in built:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{built["postgres"]}" WITH (FORCE)')


def _county_template(backend: str, built: dict[str, str], tmp_path: Path) -> str:
    if backend not in built:
        if backend == "sqlite":
            settings = Settings(str(tmp_path / "county.db"), tmp_path / "keys")
            built[backend] = settings.db
        else:
            name = f"spotcheck_template_{secrets.token_hex(6)}"
            with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            built[backend] = name
            settings = Settings(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, tmp_path / "keys")
        template = open_ledger(settings)
        try:
            with simulated_time(TEST_TIME):
                write_county(template)
        finally:
            template.close()
    return built[backend]


@pytest.fixture
def county(settings: Settings, county_templates: dict[str, str], request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """A ledger holding :func:`write_county`'s county, copied from the session's template of its
    database, with fresh keys (the same as writing it, in a fraction of the time)."""
    assert "ledger" not in request.fixturenames, "ask for county or ledger, not both"
    backend = "sqlite" if settings.postgres is None else "postgres"
    template = _county_template(backend, county_templates, tmp_path_factory.mktemp("county"))
    if backend == "sqlite":
        shutil.copyfile(template, settings.db)
    else:
        name = settings.db.rsplit("/", 1)[1]
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield from _opened_with_keys(settings)


@pytest.fixture
def ceremony(county: Ledger) -> Ceremony:
    return Ceremony(county.app, county.settings.keys_dir)


# -- the demo, written once per session and copied for each test ----------------------------------
def private_copy(original: Path, tmp_path: Path) -> Path:
    """A test's own copy of a directory written once per session (``spotcheck.db``, the keys with
    their modes): the test may write to it as if it had run the commands itself."""
    copy = tmp_path / original.name
    shutil.copytree(original, copy)
    return copy


def _demo(tmp_path_factory: pytest.TempPathFactory, name: str, *args: str) -> Path:
    from commands import run

    directory = tmp_path_factory.mktemp(name)
    ran = run(directory, "spotcheck", "demo", *args)
    assert ran.returncode == 0, ran.stderr
    return directory


@pytest.fixture(scope="session")
def demo_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``spotcheck demo`` run once in an empty directory (SQLite, its keys); never written again."""
    return _demo(tmp_path_factory, "demo")


@pytest.fixture
def demo_dir(demo_original: Path, tmp_path: Path) -> Path:
    """A private copy of the session's demo directory, as if ``spotcheck demo`` had just run in it."""
    return private_copy(demo_original, tmp_path)


@pytest.fixture(scope="session")
def small_demo_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``spotcheck demo --units 60`` run once; never written again."""
    return _demo(tmp_path_factory, "demo60", "--units", "60")


@pytest.fixture
def small_demo_dir(small_demo_original: Path, tmp_path: Path) -> Path:
    """A private copy of ``spotcheck demo --units 60``."""
    return private_copy(small_demo_original, tmp_path)
