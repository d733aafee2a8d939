"""The transparency log: one tree over all events, O(log n) proofs, no fork, no half batch."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ledger.bootstrap import Ledger, open_ledger
from ledger.demo import write_demo
from ledger.log_store import LogForkError, LogState
from ledger.proofs import ProofRequestError, consistency_proof, inclusion_proof
from verify.checkpoint import open_checkpoint
from verify.merkle import leaf_hash, root_from_leaf_hashes, verify_consistency, verify_inclusion
from verify.note import NoteVerifier


def _entries(ledger: Ledger) -> list[bytes]:
    return [e.entry for e in ledger.log.logged_events()]


def _verifier(ledger: Ledger) -> NoteVerifier:
    return NoteVerifier.from_verifier_key_text(ledger.keys.verifier_key_text())


def test_the_log_root_is_the_rfc6962_root_of_the_event_hashes(demo_ledger: Ledger) -> None:
    entries = _entries(demo_ledger)
    state = demo_ledger.log.state()
    assert len(entries) == state.size == 36
    assert state.root == root_from_leaf_hashes([leaf_hash(e) for e in entries])


def test_every_event_is_proven_included_in_the_signed_checkpoint(demo_ledger: Ledger) -> None:
    stored = demo_ledger.log.checkpoint()
    assert stored is not None
    checkpoint = open_checkpoint(stored.note, [_verifier(demo_ledger)])
    entries = _entries(demo_ledger)
    for index, entry in enumerate(entries):
        proof = inclusion_proof(demo_ledger.log, index, checkpoint.size)
        assert proof.leaf_hash == leaf_hash(entry)
        verify_inclusion(proof.leaf_hash, index, checkpoint.size, proof.hashes, checkpoint.root)


def test_a_later_checkpoint_is_proven_consistent_with_every_earlier_one(ledger: Ledger) -> None:
    roots: dict[int, bytes] = {}
    for _ in range(3):
        write_demo(ledger.app, 7)
        ledger.sync()
        latest = ledger.log.checkpoint()
        assert latest is not None
        roots[latest.size] = latest.root
    sizes = sorted(roots)
    assert len(sizes) == 3
    for old in sizes:
        for new in sizes:
            if old <= new:
                proof = consistency_proof(ledger.log, old, new)
                verify_consistency(old, new, proof.hashes, roots[old], roots[new])


def test_proofs_outside_the_log_are_refused_with_the_field_named(demo_ledger: Ledger) -> None:
    with pytest.raises(ProofRequestError, match="index"):
        inclusion_proof(demo_ledger.log, 36, 36)
    with pytest.raises(ProofRequestError, match="size"):
        inclusion_proof(demo_ledger.log, 0, 37)
    with pytest.raises(ProofRequestError, match="size1"):
        consistency_proof(demo_ledger.log, 0, 36)


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
    state = ledger.log.state()
    assert state.size == len(entries) == 2 + 60 + 8 + 2
    assert len(set(entries)) == len(entries)
    assert state.root == root_from_leaf_hashes([leaf_hash(e) for e in entries])


def test_a_stale_sequencer_cannot_overwrite_the_log(demo_ledger: Ledger) -> None:
    store = demo_ledger.log
    with pytest.raises(LogForkError), store.write() as cur:
        store.set_state(cur, 35, LogState(40, 99, b"\x00" * 32))
    assert store.state().size == 36


def test_a_crash_in_the_middle_of_a_batch_leaves_nothing_half_written(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_demo(ledger.app, 10)

    def crash(*_: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(ledger.log, "put_heads", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        ledger.sequencer.integrate()
    assert ledger.log.state().size == 0
    assert _entries(ledger) == []

    monkeypatch.undo()
    ledger.sync()
    entries = _entries(ledger)
    assert len(entries) == 22
    assert ledger.log.state().root == root_from_leaf_hashes([leaf_hash(e) for e in entries])


def test_every_checkpoint_issued_is_stored_and_can_be_fetched(ledger: Ledger) -> None:
    write_demo(ledger.app, 5)
    first = ledger.sync().checkpoint
    write_demo(ledger.app, 5)
    second = ledger.sync().checkpoint
    assert first is not None and second is not None
    assert ledger.sync().checkpoint is None  # nothing new: no new checkpoint
    assert [c.size for c in ledger.log.checkpoints()] == [first.size, second.size]
    fetched = ledger.log.checkpoint(first.size)
    assert fetched is not None and fetched.note == first.note
    checkpoint = open_checkpoint(fetched.note, [_verifier(ledger)])
    assert (checkpoint.origin, checkpoint.size, checkpoint.root) == (
        "652301.spotcheck.test/log", first.size, first.root)


def test_the_log_survives_reopening(ledger: Ledger, tmp_path: Path) -> None:
    write_demo(ledger.app, 5)
    ledger.sync()
    before = ledger.log.state()
    again = open_ledger(ledger.settings)
    try:
        write_demo(again.app, 5)
        again.sync()
        after = again.log.state()
    finally:
        again.close()
    assert after.size == before.size + 15  # the same two agencies, a new series of 15 events
    proof = consistency_proof(ledger.log, before.size, after.size)
    verify_consistency(before.size, after.size, proof.hashes, before.root, after.root)


def test_an_export_reads_one_consistent_state_while_the_log_grows(demo_ledger: Ledger) -> None:
    writer = open_ledger(demo_ledger.settings)
    try:
        with demo_ledger.log.snapshot():
            before = demo_ledger.log.state()
            write_demo(writer.app, 5)
            writer.sync()
            assert demo_ledger.log.state() == before
            assert len(list(demo_ledger.log.logged_events())) == before.size
            assert demo_ledger.log.unlogged_events() == []
            assert [c.size for c in demo_ledger.log.checkpoints()] == [before.size]
        assert demo_ledger.log.state().size == before.size + 15
    finally:
        writer.close()
