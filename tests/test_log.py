"""The transparency logs: one tree per agency, O(log n) proofs, no fork, no half batch."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import COUNTY, PREFECTURE, agency_origin
from eventsourcing.domain import event

from api.bootstrap import open_ledger
from ledger.demo.county import write_demo
from ledger.domain.chained import ChainedAggregate
from ledger.log import DEFAULT_LOG
from ledger.log.keys import KeyFileError, KeyFiles
from ledger.log.proofs import ProofRequestError, consistency_proof, inclusion_proof
from ledger.log.row_check import LogIntegrityError
from ledger.log.store import STORED_FROM_LEVEL, LogForkError, LogState, Position
from ledger.services.ledger import Ledger, LogSelectionError
from verify.checkpoint import open_checkpoint
from verify.merkle import leaf_hash, root_from_leaf_hashes, verify_consistency, verify_inclusion
from verify.note import NoteVerifier


def _entries(ledger: Ledger, log: str = COUNTY) -> list[bytes]:
    return [e.entry for e in ledger.log(log).logged_events()]


def _verifier(ledger: Ledger) -> NoteVerifier:
    return NoteVerifier.from_verifier_key_text(ledger.keys(COUNTY).verifier_key_text())


def test_the_log_root_is_the_rfc6962_root_of_the_event_hashes(demo_ledger: Ledger) -> None:
    entries = _entries(demo_ledger)
    state = demo_ledger.log(COUNTY).state()
    assert len(entries) == state.size == 35
    assert state.root == root_from_leaf_hashes([leaf_hash(e) for e in entries])


def test_every_event_is_proven_included_in_the_signed_checkpoint(demo_ledger: Ledger) -> None:
    stored = demo_ledger.log(COUNTY).checkpoint()
    assert stored is not None
    checkpoint = open_checkpoint(stored.note, [_verifier(demo_ledger)])
    entries = _entries(demo_ledger)
    for index, entry in enumerate(entries):
        proof = inclusion_proof(demo_ledger.log(COUNTY), index, checkpoint.size)
        assert proof.leaf_hash == leaf_hash(entry)
        verify_inclusion(proof.leaf_hash, index, checkpoint.size, proof.hashes, checkpoint.root)


def test_a_later_checkpoint_is_proven_consistent_with_every_earlier_one(ledger: Ledger) -> None:
    roots: dict[int, bytes] = {}
    for _ in range(3):
        write_demo(ledger.app, 7)
        ledger.sync()
        latest = ledger.log(COUNTY).checkpoint()
        assert latest is not None
        roots[latest.size] = latest.root
    sizes = sorted(roots)
    assert len(sizes) == 3
    for old in sizes:
        for new in sizes:
            if old <= new:
                proof = consistency_proof(ledger.log(COUNTY), old, new)
                verify_consistency(old, new, proof.hashes, roots[old], roots[new])


def test_subtrees_below_eight_leaves_are_hashed_from_the_entries_not_stored(
    demo_ledger: Ledger,
) -> None:
    log = demo_ledger.log(COUNTY)
    with demo_ledger.store.read() as cur:
        cur.execute(f"SELECT min(level), count(*) FROM log_nodes WHERE log = '{COUNTY}'")
        lowest, rows = cur.fetchone()
    assert (lowest, rows) == (STORED_FROM_LEVEL, 4 + 2 + 1)  # 35 leaves: 4 × 8, 2 × 16, 1 × 32
    hashes = [leaf_hash(e) for e in _entries(demo_ledger)]
    roots = {size: root_from_leaf_hashes(hashes[:size]) for size in range(1, 36)}
    for new in range(1, 36):
        for old in range(1, new + 1):
            proof = consistency_proof(log, old, new)
            verify_consistency(old, new, proof.hashes, roots[old], roots[new])


def test_proofs_outside_the_log_are_refused_with_the_field_named(demo_ledger: Ledger) -> None:
    with pytest.raises(ProofRequestError, match="index"):
        inclusion_proof(demo_ledger.log(COUNTY), 35, 35)
    with pytest.raises(ProofRequestError, match="size"):
        inclusion_proof(demo_ledger.log(COUNTY), 0, 36)
    with pytest.raises(ProofRequestError, match="size1"):
        consistency_proof(demo_ledger.log(COUNTY), 0, 35)


def test_two_sequencers_at_once_never_fork_the_log(ledger: Ledger) -> None:
    write_demo(ledger.app, 60)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        own = None
        try:
            own = open_ledger(ledger.settings)  # each sequencer has its own connections
            own.sequencer.batch_size = 7
            start.wait(timeout=30)
            own.sequencer.integrate()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
            start.abort()
        finally:
            if own is not None:
                own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = _entries(ledger)
    state = ledger.log(COUNTY).state()
    assert state.size == len(entries) == 1 + 60 + 8 + 2
    assert ledger.log(PREFECTURE).state().size == 1
    assert len(set(entries)) == len(entries)
    assert state.root == root_from_leaf_hashes([leaf_hash(e) for e in entries])


def test_a_stale_sequencer_cannot_overwrite_the_log(demo_ledger: Ledger) -> None:
    store = demo_ledger.store
    with pytest.raises(LogForkError), store.write() as cur:
        store.set_state(cur, COUNTY, 34, LogState(40, b"\x00" * 32))
    with pytest.raises(LogForkError), store.write() as cur:
        store.set_position(cur, Position(1), Position(99))
    assert store.state(COUNTY).size == 35


def test_a_crash_in_the_middle_of_a_batch_leaves_nothing_half_written(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_demo(ledger.app, 10)

    def crash(*_: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(ledger.store, "set_state", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        ledger.sequencer.integrate()
    assert ledger.store.logs() == {}
    assert ledger.store.position().notification_id == 0
    assert _entries(ledger) == []

    monkeypatch.undo()
    ledger.sync()
    entries = _entries(ledger)
    assert len(entries) == 21
    assert ledger.log(COUNTY).state().root == root_from_leaf_hashes([leaf_hash(e) for e in entries])


def test_every_checkpoint_issued_is_stored_and_can_be_fetched(ledger: Ledger) -> None:
    write_demo(ledger.app, 5)
    first = ledger.sync().checkpoints[COUNTY]
    write_demo(ledger.app, 5)
    second = ledger.sync().checkpoints[COUNTY]
    assert ledger.sync().checkpoints == {}  # nothing new: no new checkpoint
    assert [c.size for c in ledger.log(COUNTY).checkpoints()] == [first.size, second.size]
    fetched = ledger.log(COUNTY).checkpoint(first.size)
    assert fetched is not None and fetched.note == first.note
    checkpoint = open_checkpoint(fetched.note, [_verifier(ledger)])
    assert (checkpoint.origin, checkpoint.size, checkpoint.root) == (
        agency_origin(COUNTY), first.size, first.root)


def test_the_log_survives_reopening(ledger: Ledger, tmp_path: Path) -> None:
    write_demo(ledger.app, 5)
    ledger.sync()
    before = ledger.log(COUNTY).state()
    again = open_ledger(ledger.settings)
    try:
        write_demo(again.app, 5)
        again.sync()
        after = again.log(COUNTY).state()
    finally:
        again.close()
    assert after.size == before.size + 15  # the same two agencies, a new series of 15 events
    proof = consistency_proof(ledger.log(COUNTY), before.size, after.size)
    verify_consistency(before.size, after.size, proof.hashes, before.root, after.root)


def test_an_export_reads_one_consistent_state_while_the_log_grows(demo_ledger: Ledger) -> None:
    writer = open_ledger(demo_ledger.settings)
    try:
        with demo_ledger.store.snapshot():
            before = demo_ledger.log(COUNTY).state()
            write_demo(writer.app, 5)
            writer.sync()
            assert demo_ledger.log(COUNTY).state() == before
            assert len(list(demo_ledger.log(COUNTY).logged_events())) == before.size
            assert demo_ledger.store.unlogged_events() == []
            assert [c.size for c in demo_ledger.log(COUNTY).checkpoints()] == [before.size]
        assert demo_ledger.log(COUNTY).state().size == before.size + 15
    finally:
        writer.close()


# -- one log per agency -----------------------------------------------------------------------------
class _Counter(ChainedAggregate):
    """A chained aggregate that belongs to no agency."""

    @event("Started")
    def __init__(self) -> None:
        self.count = 0

    @event("Incremented")
    def increment(self) -> None:
        self.count += 1


class _AgencyNote(ChainedAggregate):
    """A chained aggregate naming the agency it belongs to."""

    @event("Written")
    def __init__(self, agency_id: str) -> None:
        self.agency_id = agency_id


def test_each_agency_keeps_its_own_log_signed_with_its_own_key(demo_ledger: Ledger) -> None:
    assert {name: state.size for name, state in demo_ledger.store.logs().items()} == {
        PREFECTURE: 1, COUNTY: 35}
    for code in (PREFECTURE, COUNTY):
        stored = demo_ledger.log(code).checkpoint()
        assert stored is not None
        verifier = NoteVerifier.from_verifier_key_text(demo_ledger.keys(code).verifier_key_text())
        checkpoint = open_checkpoint(stored.note, [verifier])
        assert (checkpoint.origin, checkpoint.size) == (agency_origin(code), stored.size)
    county_key = demo_ledger.keys(COUNTY).verifier_key_text()
    prefecture_stored = demo_ledger.log(PREFECTURE).checkpoint()
    assert prefecture_stored is not None
    with pytest.raises(ValueError):  # the county's key does not vouch for the prefecture's log
        open_checkpoint(prefecture_stored.note, [NoteVerifier.from_verifier_key_text(county_key)])


def test_an_aggregate_is_logged_in_its_agencys_log_for_life(demo_ledger: Ledger) -> None:
    county_events = {(e.aggregate_id, e.version) for e in demo_ledger.log(COUNTY).logged_events()}
    prefecture_events = {(e.aggregate_id, e.version)
                         for e in demo_ledger.log(PREFECTURE).logged_events()}
    assert not county_events & prefecture_events
    units = {agg for agg, version in county_events if version > 1}
    assert units, "the demo changes a unit after registering it"
    for agg in units:  # every version of a changed unit is in the county's log
        versions = sorted(v for a, v in county_events if a == agg)
        assert versions == list(range(1, len(versions) + 1))


def test_a_command_needing_one_log_names_the_choices(demo_ledger: Ledger) -> None:
    with pytest.raises(LogSelectionError, match=r"2 logs \(652300, 652301\)"):
        demo_ledger.log()
    with pytest.raises(KeyFileError, match="log: '../x'"):
        demo_ledger.log("../x")


def test_an_aggregate_of_no_agency_goes_to_the_deployments_own_log(ledger: Ledger) -> None:
    counter = _Counter()
    counter.increment()
    ledger.app.save(counter)
    ledger.sync()
    assert ledger.store.logs().keys() == {DEFAULT_LOG}
    assert [e.aggregate_id for e in ledger.log().logged_events()] == [str(counter.id)] * 2


def test_an_event_naming_an_agency_never_logged_stops_the_log(ledger: Ledger) -> None:
    note = _AgencyNote(agency_id="1f0c9d2e-0000-5000-8000-000000000000")
    ledger.app.save(note)
    with pytest.raises(LogIntegrityError, match="names agency 1f0c9d2e-.*which has no log"):
        ledger.sync()
    assert ledger.store.logs() == {}


def test_a_log_without_a_key_is_integrated_but_not_signed_and_named(ledger: Ledger) -> None:
    KeyFiles.for_log(ledger.settings.keys_dir, PREFECTURE).private.unlink()
    write_demo(ledger.app, 3)
    with pytest.raises(KeyFileError, match="no signing key for log.s. 652300.*keys init --log 652300"):
        ledger.sync()
    assert ledger.store.logs()[PREFECTURE].size == 1  # integrated all the same
    assert ledger.log(COUNTY).checkpoint() is not None  # and the others signed
    assert ledger.log(PREFECTURE).checkpoint() is None


def test_a_key_naming_another_origin_will_not_sign_an_agencys_log(ledger: Ledger) -> None:
    KeyFiles.for_log(ledger.settings.keys_dir, PREFECTURE).init("elsewhere.example/log",
                                                                overwrite=True)
    write_demo(ledger.app, 3)
    with pytest.raises(KeyFileError, match="names origin 'elsewhere.example/log' but agency 652300"):
        ledger.sync()
    assert ledger.log(PREFECTURE).checkpoint() is None


def test_a_database_of_the_earlier_single_log_layout_is_refused_not_altered(tmp_path: Path) -> None:
    import sqlite3

    from ledger.adapters.settings import Settings
    from ledger.errors import StorageError

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE log_state (id INTEGER PRIMARY KEY, tree_size BIGINT NOT NULL,"
                     " position BIGINT NOT NULL, root BLOB NOT NULL)")
        conn.execute("INSERT INTO log_state VALUES (1, 7, 7, x'00')")
    with pytest.raises(StorageError, match="single-log layout written by an earlier Spotcheck"):
        open_ledger(Settings(str(path), tmp_path / "keys"))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT tree_size FROM log_state").fetchall() == [(7,)]
