"""The verifier holds each draw and each record to the rulebook in force, from the bundle alone.

Each test writes one breach straight into the ledger, past the application's own checks (as an
operator with database access and the code could), and the verifier must flag exactly that rule;
a by-the-book quarter passes with no finding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from ceremony_steps import FREEZE_DAY, PLAN, fixed
from conftest import COUNTY
from test_inspections import _record

from ledger.domain.agency import Agency, agency_id
from ledger.domain.clock import simulated_time
from ledger.domain.draw import Draw, draw_name
from ledger.domain.inspection import Inspection
from ledger.services.ceremony import Ceremony
from ledger.services.inspections import Inspections
from ledger.services.ledger import Ledger
from tampering import export_and_verify
from verify.findings import Report

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only


def _rules(report: Report) -> list[str]:
    return [f.rule for f in report.findings]


def test_a_by_the_book_quarter_has_no_finding(county: Ledger, ceremony: Ceremony,
                                              tmp_path: Path) -> None:
    inspections = Inspections(ceremony.app, ceremony)
    draw_id = fixed(ceremony)
    for unit, team in ceremony.open(draw_id).teams.items():
        inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
        inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20))
    inspections.disclose_list(draw_id, "局长", date(2026, 2, 2))
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    assert report.findings == [] and report.draws_checked == 1


def _forged_freeze(county: Ledger, ceremony: Ceremony,
                   change: Callable[[dict[str, bytes]], None], on: date = FREEZE_DAY) -> None:
    """A freeze written past the ceremony, with its files changed by ``change``."""
    agency: Agency = county.app.repository.get(agency_id(COUNTY))
    draw_id = draw_name(COUNTY, "2026Q1", "units")
    files = ceremony._frozen_files(agency, "units", draw_id, 2026, 1, date(2026, 1, 1),
                                   [f"{k}:{n}" for k, n in PLAN], 0, 2, None)
    named = files.named()
    change(named)
    draw = Draw.freeze(
        agency_id=str(agency.id), draw_id=draw_id, kind="units", period="2026Q1",
        frozen_on=on.isoformat(),
        window={"start": "2025-12-25", "end": "2025-12-31", "rule": "5 working_days"},
        rulebook="changji-county-2015",
        files={n: {"sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d), "content": d.decode()}
               for n, d in named.items()},
        strata=files.strata, exclusions=files.exclusions,
        entropy_plan=[{"kind": k, "name": n} for k, n in PLAN])
    county.app.save(draw)
    county.sync()


def test_a_freeze_on_a_saturday_inside_the_window_is_flagged(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    _forged_freeze(county, ceremony, lambda files: None, on=date(2025, 12, 27))
    report = export_and_verify(county, tmp_path / "bundle")
    assert [(f.rule, f.message) for f in report.findings] == [(
        "rule-window", "draw 652301-2026Q1-units: frozen on 2025-12-27, not a working day (the "
        "window counts working days only)")]


def _drop_line(data: bytes, n: int = 1) -> bytes:
    lines = data.decode().splitlines(keepends=True)
    return "".join(lines[:n] + lines[n + 1:]).encode()


def test_a_unit_quietly_left_out_of_the_population_is_flagged(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    def drop_a_unit(files: dict[str, bytes]) -> None:
        kept = files["population"].decode().splitlines(keepends=True)
        dropped = next(line for line in kept[1:] if ",GEN," in line)
        files["population"] = "".join(line for line in kept if line != dropped).encode()
        files["conflicts"] = b"".join(line for line in files["conflicts"].splitlines(keepends=True)
                                      if dropped.split(",")[0].encode() not in line)

    _forged_freeze(county, ceremony, drop_a_unit)
    report = export_and_verify(county, tmp_path / "bundle")
    assert _rules(report) == ["rule-population"]
    assert "neither in the frozen population nor excluded" in report.findings[0].message


def test_a_declared_conflict_missing_from_the_frozen_files_is_flagged(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    def drop_a_conflict(files: dict[str, bytes]) -> None:
        assert files["conflicts"].count(b"\n") >= 2, "the demo county declares conflicts"
        files["conflicts"] = _drop_line(files["conflicts"])

    _forged_freeze(county, ceremony, drop_a_conflict)
    report = export_and_verify(county, tmp_path / "bundle")
    assert _rules(report) == ["rule-conflicts"] and "回避 not honoured" in report.findings[0].message


def test_a_freeze_outside_the_draw_window_is_flagged(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    _forged_freeze(county, ceremony, lambda files: None, on=date(2025, 12, 12))
    report = export_and_verify(county, tmp_path / "bundle")
    assert _rules(report) == ["rule-window"]


def test_a_stratum_drawn_below_the_plan_is_flagged(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    def shrink(files: dict[str, bytes]) -> None:
        lines = files["params"].decode().splitlines()
        files["params"] = ("\n".join("size.GEN=1" if line.startswith("size.GEN=") else line
                                     for line in lines) + "\n").encode()

    _forged_freeze(county, ceremony, shrink)
    report = export_and_verify(county, tmp_path / "bundle")
    assert _rules(report) == ["rule-sizes"] and "minimum ratio not met" in report.findings[0].message


def _file_past_the_application(county: Ledger, ceremony: Ceremony, record_change: dict[str, object],
                               filed_on: str, late: int) -> tuple[str, str]:
    inspections = Inspections(ceremony.app, ceremony)
    draw_id = fixed(ceremony)
    unit, team = next(iter(ceremony.open(draw_id).teams.items()))
    record = _record(team)
    record.update(record_change)
    inspection = Inspection(agency_id=str(agency_id(COUNTY)), draw_id=draw_id, unit=unit,
                            unit_name="某单位")
    inspection._record_filed(record=record, filed_by=str(record["officers"][0]),
                             filed_on=filed_on, due="2026-01-14", working_days_late=late)
    county.app.save(inspection)
    assert inspections.inspection(draw_id, unit) is not None
    county.sync()
    return draw_id, unit


def test_a_record_missing_an_inspection_item_is_flagged(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    items = _record(("a", "b"))["items"][:2]
    _file_past_the_application(county, ceremony, {"items": items}, "2026-01-09", 0)
    report = export_and_verify(county, tmp_path / "bundle")
    assert _rules(report) == ["rule-record"] and "环境管理制度落实" in report.findings[0].message


def test_a_record_whose_lateness_is_understated_is_flagged_and_shown_late(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    _file_past_the_application(county, ceremony, {}, "2026-01-19", 0)
    report = export_and_verify(county, tmp_path / "bundle")
    assert [(f.rule, f.severity) for f in report.findings] == [
        ("rule-deadline", "failed"), ("record-late", "late")]
    assert "3 working day(s) late, the ledger says 0" in report.findings[0].message


def test_a_record_by_officers_outside_the_team_is_flagged_once_the_list_is_disclosed(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    draw_id, unit = _file_past_the_application(
        county, ceremony, {"officers": ["65230100001", "65230100002", "65230100003"][:2]},
        "2026-01-09", 0)
    team = ceremony.open(draw_id).teams[unit]
    if set(team) == {"65230100001", "65230100002"}:
        pytest.skip("the drawn team happens to be these two officers")
    ceremony.disclose(draw_id, "局长", date(2026, 4, 1))
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    assert _rules(report) == ["rule-record"] and "not on the unit's team" in report.findings[0].message


def test_an_amendment_without_its_reason_written_past_the_application_is_flagged(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    import json

    from verify.seal import seal

    draw_id = fixed(ceremony)
    unit, team = next(iter(ceremony.open(draw_id).teams.items()))
    replacement = ceremony.recuse(draw_id, unit, team[0], "亲属关系", "局长")  # by the book …
    draw = ceremony.draw(draw_id)
    body = json.dumps({"unit": unit, "recused": team[1], "replacement": "x", "slot": 2,
                       "reason": ""}, ensure_ascii=False, sort_keys=True).encode()
    draw._inspector_recused(sealed_details=seal(ceremony.keys.load(draw_id), draw_id,
                                                "amendment.2", body),
                            details_hash=hashlib.sha256(body).hexdigest(), approved_by="局长")
    county.app.save(draw)  # … then one with no reason, straight into the store
    ceremony.disclose(draw_id, "局长", date(2026, 4, 1))
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    assert replacement and _rules(report) == ["draw-amendment"]
    assert "without its reason or its approver" in report.findings[0].message


def _lenient(county: Ledger, **changes: object) -> None:
    """Adopt the county's rulebook again from 2 December 2025 with ``changes``."""
    import dataclasses

    agency: Agency = county.app.repository.get(agency_id(COUNTY))
    book = agency.rulebook_in_force("2026-01-01")
    assert book is not None
    county.app.adopt_rulebook(agency.id, dataclasses.replace(book, adopted_from="2025-12-02",
                                                             **changes),  # type: ignore[arg-type]
                              approved_by="局务会", reason="测试")


def test_a_unit_drawn_beyond_the_yearly_maximum_is_flagged(
    county: Ledger, ceremony: Ceremony, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ceremony_steps import WITNESS_VALUES, commitment

    from ledger.domain.draw_inputs import YearSoFar
    from ledger.domain.rulebook import UnitCap

    _lenient(county, unit_cap=UnitCap(max_per_year=1, lifted_by_violation=True))
    first = fixed(ceremony)
    monkeypatch.setattr(ceremony, "_year_so_far", lambda *_: YearSoFar())  # forgets Q1
    second = ceremony.freeze(COUNTY, "2026Q2", date(2026, 3, 27), PLAN).draw_id
    for k, value in WITNESS_VALUES.items():
        ceremony.commit(second, k, "见证人", "纪检", commitment(value))
    for k, value in WITNESS_VALUES.items():
        ceremony.record_entropy(second, k, value, [])
    ceremony.record_entropy(second, 3, "6152433", [])
    ceremony.derive_seed(second, "局长")
    ceremony.run(second)
    ceremony.fix(second, "局务会", date(2026, 3, 27))
    ceremony.disclose(first, "局长", date(2026, 4, 1))
    ceremony.disclose(second, "局长", date(2026, 7, 1))
    twice = set(ceremony.open(first).teams) & set(ceremony.open(second).teams)
    assert twice, "with most units drawn each quarter, some are drawn again"
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    assert {f.rule for f in report.findings} == {"rule-unit-cap"}
    assert {f.message.split("unit ")[1].split(" ")[0] for f in report.findings} == twice


def test_a_publication_deadline_from_the_tasks_completion_is_counted_on_the_last_visit(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    from ledger.domain.rulebook import Deadline

    _lenient(county, disclosure_deadline=Deadline(20, "working_days", "task_completed"))
    inspections = Inspections(ceremony.app, ceremony)
    draw_id = fixed(ceremony)
    teams = list(ceremony.open(draw_id).teams.items())
    for n, (unit, team) in enumerate(teams):
        visited = "2026-01-09" if n else "2026-01-20"  # the task completes on 20 January
        inspections.file_record(draw_id, unit, _record(team, visited), team[0],
                                date.fromisoformat(visited))
    inspections.disclose_result(draw_id, teams[1][0], "办公室", date(2026, 3, 6))
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    # 20 working days after 20 January, across the Spring Festival (15–23 Feb off, Saturday 14 Feb
    # worked): due 24 February; 6 March is 9 working days late (Saturday 28 Feb is worked too).
    # The application recorded the same lateness, so there is no rule-deadline finding.
    assert [(f.rule, f.severity) for f in report.findings] == [("disclosure-late", "late")]
    assert "disclosure 9 working day(s) after the deadline 2026-02-24" in report.findings[0].message


def test_a_plan_asking_less_than_the_minimum_ratio_is_flagged(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    agency: Agency = county.app.repository.get(agency_id(COUNTY))
    plan = dict(agency.plans[2026])
    plan["quotas"] = [dict(q, required=0) if q["category"] == "key" else q for q in plan["quotas"]]
    agency._plan_filed(year=2026, plan=plan, approved_by="局务会")  # past file_plan's computation
    county.app.save(agency)
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    assert _rules(report) == ["rule-plan"] and "minimum ratio asks" in report.findings[0].message


# -- when steps were recorded (记录时间 against the claimed dates) -----------------------------------
def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 China time


def test_a_step_recorded_long_after_the_day_it_claims_is_back_dated(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    """A freeze that claims the window's 2025-12-29 but is written on 2026-03-02, and a record that
    claims 2026-01-09 but is written on 2026-02-20: each is back-dated (倒签); a record written the
    next morning is not."""
    inspections = Inspections(ceremony.app, ceremony)
    with simulated_time(_at(date(2026, 3, 2))):
        draw_id = fixed(ceremony)  # freeze and fixing both claim 2025-12-29
    (first, team), (second, other) = list(ceremony.open(draw_id).teams.items())[:2]
    with simulated_time(_at(date(2026, 2, 20))):
        inspections.file_record(draw_id, first, _record(team), team[0], date(2026, 1, 9))
    with simulated_time(_at(date(2026, 1, 10))):  # the next morning: within the grace day
        inspections.file_record(draw_id, second, _record(other), other[0], date(2026, 1, 9))
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    backdated = [f for f in report.findings if f.rule == "backdated"]
    assert [f.severity for f in backdated] == ["failed"] * 3
    messages = [f.message for f in backdated]
    assert "the freeze claims 2025-12-29 but was recorded 2026-03-02 (63 days later" in messages[0]
    assert "the fixing claims 2025-12-29" in messages[1]
    assert f"{draw_id} {first}: the record claims 2026-01-09 but was recorded 2026-02-20" in messages[2]
    assert not any(second in m for m in messages)


def test_a_plan_recorded_after_its_due_date_is_flagged_late(
    ledger: Ledger, tmp_path: Path
) -> None:
    """seed 000 「县市、园区环保局每年12月10日前」: a 2026 plan filed in December 2026 is late."""
    from ledger.demo.county import write_county_demo

    with simulated_time(_at(date(2026, 12, 2))):
        write_county_demo(ledger.app, seed=7, units=30, inspectors=6)
    ledger.sync()
    report = export_and_verify(ledger, tmp_path / "bundle")
    late = [f for f in report.findings if f.rule == "plan-late"]
    assert len(late) == 1 and late[0].severity == "late" and report.ok
    assert "2026 plan: recorded on 2026-12-02, after the rulebook's due date 2025-12-10" in late[0].message


def test_an_order_to_correct_past_its_due_date_is_open_work(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    """An order due 2026-02-28 (a Saturday worked in exchange for the Spring Festival), still open
    when the log's latest step is recorded on 2026-03-12: flagged (late; 9 working days overdue:
    2, 3, 4, 5, 6, 9, 10, 11 and 12 March); once rectified, not."""
    inspections = Inspections(ceremony.app, ceremony)
    draw_id = fixed(ceremony)
    teams = list(ceremony.open(draw_id).teams.items())
    (unit, team), (other, other_team) = teams[0], teams[1]
    inspections.file_record(draw_id, unit, _record(team, problem=True), team[0], date(2026, 1, 9))
    inspections.file_record(draw_id, other, _record(other_team, problem=True), other_team[0],
                            date(2026, 1, 9))
    with simulated_time(_at(date(2026, 2, 27))):
        inspections.rectify(draw_id, other, 0, date(2026, 2, 27), "复查组", "照片")
    with simulated_time(_at(date(2026, 3, 12))):
        inspections.disclose_result(draw_id, unit, "办公室", date(2026, 3, 12))
    county.sync()
    report = export_and_verify(county, tmp_path / "bundle")
    overdue = [f for f in report.findings if f.rule == "order-overdue"]
    assert [f.severity for f in overdue] == ["late"] and report.ok
    assert f"{draw_id} {unit}: order 1 (规范化设置排污口) was due 2026-02-28, not recorded as " \
        "rectified: 9 working day(s) overdue as of 2026-03-12" in overdue[0].message
