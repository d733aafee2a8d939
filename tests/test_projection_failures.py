"""A projection never stops for good on one event: a failing handler stops its own projection just
before the event — named by log, index and type — while the others run on; it is tried again on every
run and resumes once the cause is gone (on both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from commands import ledger_env, run
from conftest import COUNTY

from api.bootstrap import open_runner
from ledger.log.store import Cursor
from ledger.services.ledger import Ledger
from projections import all_projections
from projections.runner import Runner, open_projection_store

REGISTERED = "ledger.directory:InspectionObject.Registered"


class Tripwire:
    """A projection that keeps each unit's name, and fails on the unit named ``trip``.

    With ``late`` its failure is a constraint the database checks (on PostgreSQL, in pipeline
    mode, it surfaces at the end of the batch, not in ``apply``)."""

    name = "tripwire"
    version = 1
    tables: tuple[str, ...] = ("tripwire",)
    schema: tuple[str, ...] = (
        "CREATE TABLE IF NOT EXISTS tripwire (unit TEXT PRIMARY KEY, name TEXT NOT NULL,"
        " CHECK (name <> 'TRIP'))",)
    topics = frozenset({REGISTERED})

    def __init__(self, trip: str | None, late: bool = False) -> None:
        self.trip = trip
        self.late = late

    def apply(self, cursor: Cursor, event: Any) -> None:
        name = str(event.name)
        if name == self.trip and not self.late:
            raise RuntimeError(f"cannot project {name}")
        cursor.execute("INSERT INTO tripwire (unit, name) VALUES (?, ?)",
                       (str(event.originator_id), "TRIP" if name == self.trip else name))


def _runner(ledger: Ledger, tripwire: Tripwire) -> Runner:
    return Runner(open_projection_store(ledger.settings), [*all_projections(ledger.app), tripwire],
                  ledger.app.notifications, ledger.app.decode,
                  ledger.app.recorder.max_notification_id, batch_size=10,
                  locate=lambda n: ledger.store.locate(str(n.originator_id), n.originator_version))


@pytest.fixture
def tripped(demo_ledger: Ledger) -> Iterator[tuple[Ledger, str, int]]:
    """The demo county, and the fifth unit registered: its name and notification id."""
    registered = [n for n in demo_ledger.app.notifications(1, 1000) if n.topic == REGISTERED]
    unit = demo_ledger.app.decode(registered[4])
    yield demo_ledger, str(unit.name), registered[4].id


@pytest.mark.parametrize("late", [False, True], ids=["in-apply", "at-commit"])
def test_a_failing_handler_stops_its_projection_alone_and_names_the_event(
    tripped: tuple[Ledger, str, int], late: bool
) -> None:
    ledger, name, notification_id = tripped
    head = int(ledger.app.recorder.max_notification_id() or 0)
    with _runner(ledger, Tripwire(name, late)) as runner:
        runner.run()
        status = {s.name: s for s in runner.status()}
    assert {n: s.position for n, s in status.items() if n != "tripwire"} == {
        "quotas": head, "public": head, "work": head}
    stopped = status["tripwire"]
    assert stopped.position == notification_id - 1
    failure = stopped.failure
    assert failure is not None
    where = ledger.store.locate(str(ledger.app.decode(
        ledger.app.notifications(notification_id, 1)[0]).originator_id), 1)
    assert (failure.notification_id, failure.event_type, failure.log, failure.index) == (
        notification_id, REGISTERED, COUNTY, where[1] if where else None)
    assert ("cannot project" if not late else "check") in failure.error.lower()

    with _runner(ledger, Tripwire(None)) as runner:  # the cause is gone: it resumes by itself
        runner.run()
        status = {s.name: s for s in runner.status()}
    assert status["tripwire"].position == head and status["tripwire"].failure is None


def test_a_stopped_projection_is_shown_and_fails_project_run(
    tripped: tuple[Ledger, str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, name, notification_id = tripped
    import api.bootstrap

    monkeypatch.setattr(api.bootstrap, "open_runner", lambda led, batch_size=None: _runner(
        led, Tripwire(name)))
    env = ledger_env(ledger.settings.db, ledger.settings.keys_dir)
    ran = run(ledger.settings.keys_dir.parent, "spotcheck", "project", "run", env=env)
    assert ran.returncode == 2 and "Traceback" not in ran.stderr, ran.stderr
    assert (f"projection tripwire: stopped before event #{notification_id} (log {COUNTY} index"
            in ran.stderr)
    assert "projection quotas:" in ran.stdout and "projection public:" in ran.stdout
    shown = run(ledger.settings.keys_dir.parent, "spotcheck", "project", "status", env=env)
    assert shown.returncode == 0
    line = next(li for li in shown.stdout.splitlines() if li.startswith("tripwire:"))
    assert f"STOPPED before event #{notification_id}" in line and REGISTERED in line
    others = [li for li in shown.stdout.splitlines() if not li.startswith("tripwire:")]
    assert all("(up to date)" in li for li in others), others


def test_a_nul_written_before_the_text_rule_does_not_stop_a_postgresql_projection(
    demo_ledger: Ledger,
) -> None:
    # text columns of PostgreSQL cannot hold a NUL; the read model keeps U+FFFD instead
    with open_runner(demo_ledger) as runner, runner.store.write() as cur:
        cur.execute("CREATE TABLE nul_probe (name TEXT)")
        cur.execute("INSERT INTO nul_probe (name) VALUES (?)", ("昌吉\x00公司",))
        cur.execute("SELECT name FROM nul_probe")
        stored = cur.fetchone()[0]
    assert stored == ("昌吉\ufffd公司" if demo_ledger.settings.postgres else "昌吉\x00公司")
