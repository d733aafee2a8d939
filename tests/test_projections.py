"""Read models are projections of the event log, never a second source of truth: the quota table
matches figures computed by hand, a rebuild from event 0 gives the rows built incrementally, and a
runner that crashes or is killed in the middle of a batch resumes without counting anything twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ceremony_steps import fixed
from commands import Ran, ledger_env, run
from conftest import COUNTY, PREFECTURE
from test_inspections import _record

from api.bootstrap import open_runner
from ledger.demo.county import unit_rows
from ledger.demo.province import write_province
from ledger.domain.agency import Agency, agency_id
from ledger.domain.directory import InspectionObject, object_id
from ledger.services.ceremony import Ceremony
from ledger.services.directory_view import directories
from ledger.services.inspections import Inspections
from ledger.services.ledger import Ledger
from projections.quotas import CATEGORY_OF, QuotaProjection, quota_report
from projections.runner import Runner, table_contents
from verify.draw_files import parse_population

BACKLOG = 6_000


@pytest.fixture
def runner(county: Ledger) -> Iterator[Runner]:
    opened = open_runner(county, batch_size=50)
    try:
        yield opened
    finally:
        opened.close()


def _quarter(ceremony: Ceremony, visits: int = 4) -> tuple[str, list[str]]:
    """The county's 2026Q1 list fixed, and the records of its first ``visits`` units filed (the
    second with a violation found; the first corrected, which is not a second visit)."""
    draw_id = fixed(ceremony)
    inspections = Inspections(ceremony.app, ceremony)
    teams = list(ceremony.open(draw_id).teams.items())[:visits]
    for n, (unit, team) in enumerate(teams):
        inspections.file_record(draw_id, unit, _record(team, problem=n == 1), team[0],
                                date(2026, 1, 9))
    unit, team = teams[0]
    inspections.correct_record(draw_id, unit, _record(team, place="车间"), "地点笔误", team[0],
                               date(2026, 1, 10))
    return draw_id, [unit for unit, _ in teams]


def _contents(runner: Runner) -> dict[str, list[tuple[Any, ...]]]:
    return table_contents(runner.store, QuotaProjection())


def _position(runner: Runner) -> int:
    return next(s.position for s in runner.status() if s.name == "quotas")


# -- the quota table ------------------------------------------------------------------------------
def test_the_quota_table_matches_the_figures_computed_by_hand(
    ceremony: Ceremony, runner: Runner
) -> None:
    draw_id, visited = _quarter(ceremony)
    app = ceremony.app
    runner.run()
    report = quota_report(runner.store, COUNTY, 2026)

    draw = ceremony.draw(draw_id)
    stratum = {u.id: u.stratum for u in parse_population(
        str(draw.files["population"]["content"]).encode())}
    inspected: dict[str, int] = {}
    for unit in visited:
        inspected[CATEGORY_OF[stratum[unit]]] = inspected.get(CATEGORY_OF[stratum[unit]], 0) + 1
    agency: Agency = app.repository.get(agency_id(COUNTY))
    plan = {(q["quarter"], q["category"]): q["required"] for q in agency.plans[2026]["quotas"]}
    assert draw.drawn is not None
    now = directories(app, agency_id(COUNTY)).population()  # one unit is now special (follow-up)

    expected = []
    for quarter in (1, 2, 3, 4):
        for category in ("key", "general", "special"):
            code = {"key": "KEY", "general": "GEN", "special": "SPC"}[category]
            frozen = quarter == 1
            population = draw.strata.get(code, {}).get("population", 0) if frozen else now[category]
            done = inspected.get(category, 0) if frozen else 0
            required = plan[(quarter, category)]
            expected.append({
                "quarter": quarter, "category": category, "population": population,
                "required": required,
                "drawn": draw.drawn["selected"].get(code, 0) if frozen else 0,
                "inspected": done,
                "ratio_bp": done * 10000 // population if population else 0,
                "shortfall": max(0, required - done),
                "population_source": "freeze" if frozen else "directory",
                "required_source": "plan",
                **({"draw_id": draw_id} if frozen else {}),
            })
    assert [r.to_dict() for r in report.rows] == expected
    # the figures themselves, for this county (seed 7, 60 units): 4 visits in Q1, the first
    # corrected and still one visit
    q1 = {r.category: (r.population, r.required, r.drawn, r.inspected, r.ratio_bp, r.shortfall)
          for r in report.rows if r.quarter == 1}
    assert sum(r[3] for r in q1.values()) == 4
    assert sum(r[2] for r in q1.values()) == sum(draw.drawn["selected"].values())
    assert report.below == [] and report.rollup == []

    # the year: for each category what the plan's basis asks (general: officers × ratio) against
    # every visit of the year
    filed = agency.plans[2026]
    assert [r.to_dict() for r in report.year_rows] == [
        {"category": c["category"], "basis": c["basis"], "officers": filed["officers"],
         "rule_figure": c["rule_figure"], "required": c["required"],
         "inspected": inspected.get(c["category"], 0),
         "shortfall": max(0, c["required"] - inspected.get(c["category"], 0))}
        for c in filed["categories"]]
    general = next(r for r in report.year_rows if r.category == "general")
    assert general.basis == "officer_ratio" and general.officers > 0
    assert general.required == sum(plan[(q, "general")] for q in (1, 2, 3, 4))

    prefecture = quota_report(runner.store, PREFECTURE, 2026, 1)
    assert prefecture.rows == []  # its own draw is an audit of the counties, not of units
    assert [b.division_code for b in prefecture.below] == [COUNTY]
    assert [(r.quarter, r.category, r.inspected, r.shortfall) for r in prefecture.rollup] == [
        (1, c, q1[c][3], q1[c][5]) for c in ("key", "general", "special")]
    assert prefecture.year_rows == [] and prefecture.year_rollup == report.year_rows


def test_a_rebuild_from_event_0_gives_the_rows_built_incrementally(
    ceremony: Ceremony, county: Ledger, runner: Runner
) -> None:
    app = ceremony.app
    runner.run()  # the county, its plan and its directory
    draw_id = fixed(ceremony)
    runner.run()  # the freeze and the draw
    inspections = Inspections(app, ceremony)
    teams = list(ceremony.open(draw_id).teams.items())
    for unit, team in teams[:2]:
        inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
        runner.run()
    unit, team = teams[2]
    inspections.file_record(draw_id, unit, _record(team, problem=True), team[0], date(2026, 1, 9))
    inspections.correct_record(draw_id, unit, _record(team), "复核无问题", team[0], date(2026, 1, 12))
    runner.run()
    county_id = str(agency_id(COUNTY))
    units = directories(app, agency_id(COUNTY)).objects
    app.close_object(units[-1].id, "关停")
    app.reclassify_object(units[-2].id, "key" if units[-2].category != "key" else "general",
                          "重新评估", control_level="county" if units[-2].category != "key" else "")
    app.register_objects(agency_id(COUNTY), unit_rows(1, first=9000))
    runner.run()
    incremental = _contents(runner)
    assert incremental["quota_directory"] and any(r[0] == county_id for r in incremental["quota_directory"])

    runner.rebuild("quotas")
    assert _contents(runner) == incremental
    with open_runner(county) as fresh:  # one batch of 1,000
        fresh.rebuild("quotas")
        assert _contents(fresh) == incremental
    assert _position(runner) == app.recorder.max_notification_id()


# -- crashes --------------------------------------------------------------------------------------
def test_a_crash_in_the_middle_of_a_batch_rolls_the_whole_batch_back(
    ceremony: Ceremony, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _quarter(ceremony)
    runner.run_batch("quotas")  # committed: notifications 1-50
    applied: list[Any] = []
    original = QuotaProjection.apply

    def failing(self: QuotaProjection, cursor: Any, event: Any) -> None:
        original(self, cursor, event)  # written in the batch's transaction ...
        applied.append(event)
        if len(applied) == 3:
            raise RuntimeError("power cut")  # ... then the process dies before the commit

    monkeypatch.setattr(QuotaProjection, "apply", failing)
    while True:
        before, position = _contents(runner), _position(runner)
        applied.clear()
        try:
            assert runner.run_batch("quotas") == 50  # batches with fewer than 3 quota events
        except RuntimeError as exc:
            assert str(exc) == "power cut"
            break
    assert position >= 50 and len(applied) == 3  # three events applied, then the crash
    assert _position(runner) == position and _contents(runner) == before  # nothing of it stayed

    monkeypatch.setattr(QuotaProjection, "apply", original)
    runner.run()
    resumed = _contents(runner)
    runner.rebuild("quotas")
    assert _contents(runner) == resumed
    assert sum(r[9] for r in resumed["quota_quarters"]) == 4  # inspected, counted once each


def _write_backlog(ledger: Ledger) -> int:
    county = ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", COUNTY, "county")
    rows = unit_rows(BACKLOG)
    for start in range(0, BACKLOG, 1000):
        ledger.app.save(*[InspectionObject.register(agency_id=str(county), **row)
                          for row in rows[start:start + 1000]])
    for row in rows[:300]:  # then some leave the directory
        ledger.app.close_object(object_id(str(county), row["credit_code"]), "关停")
    return BACKLOG - 300


def test_a_runner_killed_mid_way_resumes_without_counting_twice(ledger: Ledger) -> None:
    in_directory = _write_backlog(ledger)
    env = dict(os.environ, SPOTCHECK_DB=ledger.settings.db,
               SPOTCHECK_KEYS=str(ledger.settings.keys_dir))
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "spotcheck"), "project", "run", "--batch-size", "100"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with open_runner(ledger) as runner:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _position(runner) > 0:
                    break
            except Exception:  # the tables may not exist yet
                pass
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        killed_at, head = _position(runner), int(ledger.app.recorder.max_notification_id() or 0)
        assert 0 < killed_at < head, "the kill should land while the backlog is being projected"

        runner.run()
        resumed = _contents(runner)
        assert sum(int(r[2]) for r in resumed["quota_directory"]) == in_directory
        assert len(resumed["quota_units"]) == BACKLOG
        runner.rebuild("quotas")
        assert _contents(runner) == resumed


# -- the command line -----------------------------------------------------------------------------
def _spotcheck(ledger: Ledger, *args: str) -> Ran:
    """``spotcheck ARGS`` on ``ledger``'s database and keys (in this process)."""
    return run(ledger.settings.keys_dir.parent, "spotcheck", *args,
               env=ledger_env(ledger.settings.db, ledger.settings.keys_dir))


def _half_up_percent(part: int, whole: int) -> str:
    """The ratio as people read it: a percentage rounded half up to two decimals (by hand)."""
    if not whole:
        return "—"
    exact = part * 100 / whole
    hundredths = int(exact * 100 + 0.5 + 1e-9)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def test_spotcheck_quotas_prints_the_figures(ceremony: Ceremony, county: Ledger) -> None:
    _quarter(ceremony)
    behind = _spotcheck(county, "project", "status")
    assert behind.returncode == 0 and "never run" in behind.stdout
    ran = _spotcheck(county, "project", "run")
    assert ran.returncode == 0, ran.stderr
    assert "projection quotas:" in ran.stdout

    with open_runner(county) as runner:
        rows = {r.category: r for r in quota_report(runner.store, COUNTY, 2026, 1).rows}
    shown = _spotcheck(county, "quotas", "--agency", COUNTY, "--year", "2026", "--quarter", "1")
    assert shown.returncode == 0, shown.stderr
    assert shown.stderr == ""  # up to date: no note
    for category, row in rows.items():
        line = next(line for line in shown.stdout.splitlines() if f"Q1       {category} " in line)
        assert line.split()[3:9] == [str(row.population), str(row.required), str(row.drawn),
                                     str(row.inspected),
                                     _half_up_percent(row.inspected, row.population),
                                     str(row.shortfall)]

    as_json = json.loads(_spotcheck(county, "quotas", "--agency", PREFECTURE, "--year", "2026",
                                    "--json").stdout)
    assert as_json["rollup"]["agencies"] == [COUNTY]
    assert sum(r["inspected"] for r in as_json["rollup"]["rows"]) == 4

    status = json.loads(_spotcheck(county, "project", "status", "--json").stdout)
    assert status[0]["name"] == "quotas" and status[0]["behind"] == 0

    rebuilt = _spotcheck(county, "project", "rebuild", "quotas")
    assert rebuilt.returncode == 0 and "from event 0" in rebuilt.stdout

    for args, message in [
        (("quotas", "--agency", "659999", "--year", "2026"), "--agency: no agency with division code"),
        (("quotas", "--agency", COUNTY, "--year", "2026", "--quarter", "5"), "--quarter: 5"),
        (("project", "rebuild", "nonesuch"), "no projection named 'nonesuch'"),
    ]:
        failed = _spotcheck(county, *args)
        assert failed.returncode == 2 and message in failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1


# -- a generated province-quarter -----------------------------------------------------------------
def test_on_a_generated_province_quarter_a_rebuild_equals_the_incremental_build(
    ledger: Ledger,
) -> None:
    """One prefecture and two counties of the synthetic province: directories, plans, the year's
    four unit draws, every 2026Q1 visit recorded and published, the lists disclosed, the
    prefecture's audit draw, then directory growth and changes. Projected in small batches along
    the way, then rebuilt from event 0 in one pass: every table of every projection is equal."""
    runner = open_runner(ledger, batch_size=97)
    try:
        write_province(ledger, ledger.settings.keys_dir, 4_000, 1, 2, 40, 1,
                           after_phase_a=lambda *_: runner.run())
        runner.run()
        incremental = {p.name: table_contents(runner.store, p) for p in runner.projections.values()}
    finally:
        runner.close()
    assert sum(r[9] for r in incremental["quotas"]["quota_quarters"]) > 0  # visits counted
    assert incremental["public"]["public_tasks"] and incremental["public"]["public_results"]
    assert incremental["work"]["work_officer_load"]
    with open_runner(ledger) as fresh:
        scanned = fresh.rebuild_many()
        assert set(scanned.values()) == {len(ledger.app.notifications(1, 1_000_000))}
        for projection in fresh.projections.values():
            assert table_contents(fresh.store, projection) == incremental[projection.name], \
                projection.name
