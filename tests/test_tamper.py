"""Tampering with the stored ledger, straight in the database, is caught by the verifier.

Each test plays an insider with SQL access to the real database (SQLite and PostgreSQL), then
exports the bundle and runs the offline verifier, which must name the rule and the place.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from uuid import uuid4

import pytest
from conftest import COUNTY
from eventsourcing.persistence import StoredEvent

from ledger.domain.inspector import Inspector
from ledger.log.checkpoint import CheckpointRefused
from ledger.log.row_check import LogIntegrityError
from ledger.services.ledger import Ledger
from tampering import Insider, export_and_verify, rules_at

# Indices are in the county's log (``conftest.COUNTY``), where the demo's directories are.
INSPECTOR_INDEX = 27  # an inspector's registration: the only event of its aggregate


def test_an_untouched_ledger_verifies_with_no_finding(demo_ledger: Ledger, tmp_path: Path) -> None:
    report = export_and_verify(demo_ledger, tmp_path / "bundle")
    assert report.findings == []
    assert report.events == demo_ledger.log(COUNTY).state().size == 35
    assert report.checkpoints_verified == [35]


def test_an_edited_event_is_caught_at_its_index(demo_ledger: Ledger, tmp_path: Path) -> None:
    insider = Insider(demo_ledger)
    aggregate, version = insider.leaf(INSPECTOR_INDEX)
    state = insider.stored_state(aggregate, version)
    forged = state.replace("执法队员".encode(), "执法队长".encode())
    assert forged != state
    insider.set_state(aggregate, version, forged)

    report = export_and_verify(demo_ledger, tmp_path / "bundle")

    assert rules_at(report) == [("event-hash", INSPECTOR_INDEX)]
    assert "altered" in report.findings[0].message


def test_an_edit_with_its_own_hash_recomputed_is_caught_by_the_log(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    insider = Insider(demo_ledger)
    aggregate, _ = insider.leaf(INSPECTOR_INDEX)
    insider.rewrite_with_fresh_hashes(
        aggregate, lambda e: dataclasses.replace(e, post="执法大队队长")
    )

    report = export_and_verify(demo_ledger, tmp_path / "bundle")

    assert rules_at(report) == [("log-entry", INSPECTOR_INDEX)]


def test_a_deleted_event_is_caught_at_its_index(demo_ledger: Ledger, tmp_path: Path) -> None:
    insider = Insider(demo_ledger)
    insider.delete_event(*insider.leaf(INSPECTOR_INDEX))

    report = export_and_verify(demo_ledger, tmp_path / "bundle")

    assert rules_at(report) == [("missing-event", INSPECTOR_INDEX)]


def test_an_event_inserted_behind_the_logs_back_is_caught(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    ghost, stored = _ghost(demo_ledger, "652301209999")
    Insider(demo_ledger).insert_event(stored)

    report = export_and_verify(demo_ledger, tmp_path / "bundle")

    assert [f.rule for f in report.findings] == ["unlogged"]
    assert ghost in report.findings[0].message


def _ghost(ledger: Ledger, certificate_no: str) -> tuple[str, StoredEvent]:
    """An officer's registration that no command wrote: its id and its stored row."""
    ghost = Inspector.register(agency_id=str(uuid4()), name="冒名者",
                               certificate_no=certificate_no, post="执法队员")
    return str(ghost.id), ledger.app.mapper.to_stored_event(ghost.collect_events()[0])


def test_an_event_inserted_at_an_old_notification_id_is_caught_too(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    """Below the log's tracking position, where the sequencer will never read again."""
    ghost, stored = _ghost(demo_ledger, "652301209998")
    Insider(demo_ledger).insert_event(stored, notification_id=-7)

    report = export_and_verify(demo_ledger, tmp_path / "bundle")

    assert [f.rule for f in report.findings] == ["unlogged"]
    assert ghost in report.findings[0].message
    assert demo_ledger.sync().new_leaves == 0  # (the sequencer reads after its position only)


def test_a_logged_event_replaced_at_its_notification_id_is_caught(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    """A logged row deleted and another inserted in its place: the counts agree again, and the
    deletion is the bundle's finding."""
    insider = Insider(demo_ledger)
    aggregate, version = insider.leaf(INSPECTOR_INDEX)
    (notification_id,) = insider.sql(
        f"SELECT {'notification_id' if insider.postgres else 'rowid'} FROM {insider.table}"
        " WHERE originator_id = ? AND originator_version = ?", (insider.db_id(aggregate), version))[0]
    insider.delete_event(aggregate, version)
    insider.insert_event(_ghost(demo_ledger, "652301209997")[1], notification_id=notification_id)

    report = export_and_verify(demo_ledger, tmp_path / "bundle")

    assert rules_at(report)[0] == ("missing-event", INSPECTOR_INDEX)


def test_a_forged_event_breaking_a_chain_is_refused_by_the_sequencer(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    insider = Insider(demo_ledger)
    aggregate, version = insider.leaf(INSPECTOR_INDEX)
    original = insider.decode(aggregate, version)
    forged = dataclasses.replace(original, originator_version=2)  # claims a second event
    insider.insert_event(demo_ledger.app.mapper.to_stored_event(forged))

    with pytest.raises(LogIntegrityError, match="v2"):
        demo_ledger.sync()

    assert demo_ledger.log(COUNTY).state().size == 35
    report = export_and_verify(demo_ledger, tmp_path / "bundle")
    assert [f.rule for f in report.findings] == ["unlogged"]


def test_events_of_different_aggregates_swapped_in_the_log_break_the_signed_root(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    # the county's establishment (0) and the first unit's registration (1): each chain still
    # holds on its own, so only the signed root can tell that the order changed
    Insider(demo_ledger).swap_leaves(0, 1)

    report = export_and_verify(demo_ledger, tmp_path / "bundle")

    assert rules_at(report) == [("checkpoint-root", 0)]


def test_swapping_two_versions_of_one_aggregate_is_caught_at_both(
    ledger: Ledger, tmp_path: Path
) -> None:
    app = ledger.app
    agency = app.establish_agency("昌吉市生态环境局", "652301", "county")
    (unit,) = app.register_objects(agency, [{
        "name": "昌吉市天山热电有限公司", "credit_code": "916523013100000576",
        "category": "general", "county": "昌吉市"}])
    app.reclassify_object(unit, "key", "列入重点排污单位名录")
    app.close_object(unit, "关停")
    ledger.sync()
    Insider(ledger).swap_leaves(2, 3)

    report = export_and_verify(ledger, tmp_path / "bundle")

    assert ("chain", 2) in rules_at(report)
    assert ("chain", 3) in rules_at(report)


def test_a_cut_tail_is_caught_against_the_auditors_checkpoint(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    kept = demo_ledger.log(COUNTY).checkpoint()
    assert kept is not None
    insider = Insider(demo_ledger)
    for index in (34, 33):
        insider.delete_event(*insider.leaf(index))
        insider.sql("DELETE FROM log_leaves WHERE log = ? AND leaf_index = ?", (COUNTY, index))
    insider.sql("DELETE FROM log_checkpoints")
    insider.sql("DELETE FROM log_nodes")
    insider.drop_log()
    with pytest.raises(CheckpointRefused, match="already signed 35"):
        demo_ledger.sync()  # the key remembers what it signed: it will not sign a shorter log
    demo_ledger.keys(COUNTY).last_signed.unlink()  # an insider who has the key directory too
    demo_ledger.sync()  # re-signs the shorter log with the real key

    plain = export_and_verify(demo_ledger, tmp_path / "plain")
    report = export_and_verify(demo_ledger, tmp_path / "bundle", trusted_note=kept.note)

    assert plain.findings == []  # without a kept checkpoint, a consistent cut is invisible
    assert rules_at(report) == [("log-shrank", 33)]


def test_a_cut_tail_without_rewriting_the_log_is_caught_at_each_index(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    insider = Insider(demo_ledger)
    for index in (34, 33):
        insider.delete_event(*insider.leaf(index))

    report = export_and_verify(demo_ledger, tmp_path / "bundle")

    assert [(r, i) for r, i in rules_at(report) if r == "missing-event"] == [
        ("missing-event", 33), ("missing-event", 34)]


def test_a_history_rewritten_with_fresh_hashes_and_signatures_is_caught_by_an_old_checkpoint(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    kept = demo_ledger.log(COUNTY).checkpoint()
    assert kept is not None
    insider = Insider(demo_ledger)
    aggregate, _ = insider.leaf(5)
    insider.rewrite_with_fresh_hashes(
        aggregate, lambda e: dataclasses.replace(e, category="general")
    )
    insider.drop_log()
    with pytest.raises(CheckpointRefused, match="not an extension"):
        demo_ledger.sync()  # the key will not sign a history inconsistent with what it signed
    demo_ledger.keys(COUNTY).last_signed.unlink()  # an insider who has the key directory too
    demo_ledger.sync()  # rebuilt and re-signed with the agency's real key

    plain = export_and_verify(demo_ledger, tmp_path / "plain")
    report = export_and_verify(demo_ledger, tmp_path / "bundle", trusted_note=kept.note)

    assert plain.findings == []  # self-consistent: only an outside checkpoint can tell
    assert rules_at(report) == [("trusted-checkpoint", 0)]
    assert "35 entries" in report.findings[0].message


def test_deleting_the_newest_logged_event_stops_the_log(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    insider = Insider(demo_ledger)
    insider.delete_event(*insider.leaf(34))
    demo_ledger.app.establish_agency("呼图壁县生态环境局", "652323", "county")

    # On SQLite the new event even took the deleted row's id; on both, the sequencer sees that
    # the event it logged last is gone and stops rather than log past the hole.
    with pytest.raises(LogIntegrityError, match="no longer at notification"):
        demo_ledger.sync()

    report = export_and_verify(demo_ledger, tmp_path / "bundle")
    assert ("missing-event", 34) in rules_at(report)
