"""Checking ahead (ledger/log/check_ahead.py): a backlog's hash checks run in a worker process
while the sequencer places the events before them. The logs built, and where and why a tampered
row stops them, are the same as when every row is checked in the sequencer's own process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from ceremony_steps import fixed

import ledger.log.check_ahead as check_ahead
import ledger.log.sequencer as sequencer_module
from ledger.domain.agency import Agency
from ledger.log.routing import ESTABLISHED_TOPIC
from ledger.log.row_check import CheckedEvent, LogIntegrityError, Row, check_plain_row
from ledger.log.store import LogState
from ledger.log.stored import PlainRows
from ledger.services.ceremony import Ceremony
from ledger.services.ledger import Ledger
from tampering import Insider

pytestmark = pytest.mark.sqlite_only

#: The agency's founding event's topic, as the class says it (made by eventsourcing's decorator).
FOUNDED: str = Agency.Established.TOPIC  # type: ignore[attr-defined]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 40 events sent in chunks of 7: a small ledger takes every path a backlog does
    (full batches, several chunks each, a last chunk shorter than the others)."""
    monkeypatch.setattr(check_ahead, "CHUNK", 7)


@pytest.fixture
def checked_here(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every row the sequencer's own process checks from now on (the worker's checks, in its own
    process, are not seen)."""
    rows: list[object] = []

    def counted_row(plain: PlainRows, row: Row) -> CheckedEvent | None:
        rows.append(row)
        return check_plain_row(plain, row)

    monkeypatch.setattr(sequencer_module, "check_plain_row", counted_row)
    return rows


def _rebuilt(ledger: Ledger, ahead: bool, batch_size: int = 40) -> dict[str, LogState]:
    """The logs integrated again from nothing, checked ahead (by a worker already started: until
    it is ready, the sequencer checks the chunks itself) or not."""
    Insider(ledger).drop_log()
    sequencer = ledger.sequencer
    if ahead:
        assert sequencer._ahead.start(wait=30), "the worker said it is ready"
    sequencer.check_ahead, sequencer.batch_size = ahead, batch_size
    sequencer.integrate()
    return {name: ledger.log(name).state() for name in ledger.store.logs()}


def _leaf(ledger: Ledger, index: int) -> tuple[str, int]:
    """The event at ``index`` of the ledger's longest log."""
    ledger.sequencer.integrate()
    logs = ledger.store.logs()
    longest = max(logs, key=lambda name: logs[name].size)
    return Insider(ledger).leaf(index, longest)


def _worker_pids(ledger: Ledger) -> Iterator[int]:
    worker = ledger.sequencer._ahead._worker
    if worker is not None:
        yield worker.pid


@pytest.mark.usefixtures("small_chunks")
def test_checking_ahead_builds_the_same_logs(
    county: Ledger, ceremony: Ceremony, checked_here: list[object],
) -> None:
    fixed(ceremony)
    in_process = _rebuilt(county, ahead=False)
    checked_here.clear()
    ahead = _rebuilt(county, ahead=True)
    assert list(_worker_pids(county)), "full batches were checked by a worker process"
    assert ahead == in_process
    events = sum(state.size for state in ahead.values())
    assert events > 80
    assert 0 < len(checked_here) < 40  # the full batches went to the worker, the last one (not
    # full) was checked by the sequencer itself


def _stopped_both_ways(
    ledger: Ledger, index: int, edit: Callable[[bytes], bytes],
) -> tuple[str, list[str], list[dict[str, LogState]]]:
    """Edit the stored row of the event at ``index`` (of the longest log), then rebuild the logs
    without and with checking ahead: the event, each run's error and the logs each left."""
    insider = Insider(ledger)
    aggregate_id, version = _leaf(ledger, index)
    insider.set_state(aggregate_id, version, edit(insider.stored_state(aggregate_id, version)))
    failures, logs = [], []
    for ahead in (False, True):
        with pytest.raises(LogIntegrityError) as caught:
            _rebuilt(ledger, ahead=ahead)
        failures.append(str(caught.value))
        logs.append({name: ledger.log(name).state() for name in ledger.store.logs()})
    assert list(_worker_pids(ledger)), "the second run checked ahead"
    return f"({aggregate_id} v{version})", failures, logs


@pytest.mark.usefixtures("small_chunks")
def test_a_row_edited_behind_the_logs_back_stops_the_log_at_the_same_event(
    county: Ledger, ceremony: Ceremony,
) -> None:
    fixed(ceremony)
    event, failures, logs = _stopped_both_ways(
        county, 50, lambda state: state.replace(b'"name":"', b'"name":"X', 1))
    assert failures[0] == failures[1]
    assert "content does not match the event's own hash" in failures[1]
    assert event in failures[1]
    assert logs[0] == logs[1]  # everything before the edited row, nothing from it on


@pytest.mark.usefixtures("small_chunks")
def test_a_row_the_worker_cannot_read_straight_is_checked_through_the_mapper(
    county: Ledger, ceremony: Ceremony,
) -> None:
    fixed(ceremony)
    event, failures, logs = _stopped_both_ways(
        county, 30, lambda state: state[:-1] + b',"smuggled":1}')  # not a plain row
    assert failures[0] == failures[1]
    assert event in failures[1]
    assert logs[0] == logs[1]


@pytest.mark.usefixtures("small_chunks")
def test_a_worker_that_dies_leaves_the_checks_to_the_sequencer(
    county: Ledger, ceremony: Ceremony, monkeypatch: pytest.MonkeyPatch,
) -> None:
    fixed(ceremony)
    expected = _rebuilt(county, ahead=False)
    received = check_ahead.CheckAhead._receive

    def dying(self: check_ahead.CheckAhead, worker: subprocess.Popen[bytes]) -> object:
        worker.kill()  # the worker is gone before its first answer is read (and what it may have
        worker.wait()  # written already is lost with its pipe)
        assert worker.stdout is not None
        worker.stdout.close()
        return received(self, worker)

    monkeypatch.setattr(check_ahead.CheckAhead, "_receive", dying)
    assert _rebuilt(county, ahead=True) == expected
    assert not list(_worker_pids(county))  # not started again: the sequencer checks from now on


@pytest.mark.usefixtures("small_chunks")
def test_while_the_worker_starts_the_sequencer_checks_the_chunks_itself(
    county: Ledger, ceremony: Ceremony, checked_here: list[object],
) -> None:
    fixed(ceremony)
    expected = _rebuilt(county, ahead=False)
    county.sequencer.close()  # the next full batch starts a worker, not ready for ~0.05 s
    Insider(county).drop_log()
    checked_here.clear()
    county.sequencer.check_ahead, county.sequencer.batch_size = True, 40
    county.sequencer.integrate()
    assert {name: county.log(name).state() for name in county.store.logs()} == expected
    assert len(checked_here) >= 7  # at least the first chunk, before the worker could be ready
    assert list(_worker_pids(county))


def test_the_worker_starts_without_importing_the_domain() -> None:
    """It is handed the stored fields of every event type instead (its first message): importing
    the domain took most of its start, while the sequencer checks the rows itself."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, ledger.log.check_ahead; "
         "print(sorted(m for m in sys.modules if m.startswith('ledger.domain')))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert loaded == "[]"
    table = check_ahead._field_table()
    assert table[FOUNDED] >= {"division_code", "prev_hash", "event_hash"}
    assert ESTABLISHED_TOPIC == FOUNDED  # how the worker recognises it


def test_a_worker_given_the_field_table_reads_no_other_topic() -> None:
    """A topic missing from the table is not a plain row there: the sequencer's process reads it
    through the mapper (which knows every class), never the worker by a guess."""
    table = check_ahead._field_table()
    topic = FOUNDED
    given = PlainRows(None, fields={t: f for t, f in table.items() if t != topic})
    assert given._fields_of(topic) is None
    assert PlainRows(None, fields=table)._fields_of(topic) == table[topic]
