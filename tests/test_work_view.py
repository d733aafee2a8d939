"""The work views as rules: what is late, due and overdue is counted in working days on the recorded
calendar, an officer's load is the visits they were present at, and the view never holds what the
sealed list and teams hold before they are public. Built only from events: a rebuild from event 0
gives the rows built incrementally. Every storage test runs on SQLite and on PostgreSQL.

Dates are checked by hand against the State Council's 2026 schedule: 1-2 January off, Sunday 4
January worked; 16-20 and 23 February off, Saturdays 14 and 28 February worked; 6 April off."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from ceremony_steps import fixed
from commands import Ran, ledger_env, run
from conftest import COUNTY, PREFECTURE
from test_inspections import _record

from api.bootstrap import open_runner
from ledger.adapters.holiday_calendars import schedules_from_package
from ledger.demo.county import write_county_demo
from ledger.domain.agency import Agency, agency_id
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.rulebook import Deadline
from ledger.services.ceremony import Ceremony
from ledger.services.inspections import Inspections
from ledger.services.ledger import Ledger
from projections.runner import DEFAULT_BATCH, Runner, open_projection_store, table_contents
from projections.work import (
    NOTE_AWAITING_LAST_VISIT,
    NOTE_NO_DEADLINE,
    DueStep,
    LateStep,
    WorkProjection,
    WorkQueryError,
    agency_work,
    officer_work,
)

Teams = list[tuple[str, tuple[str, ...]]]


def _work_runner(ledger: Ledger, batch_size: int = DEFAULT_BATCH) -> Runner:
    """A runner of the work projection alone (the other projections are not under test here)."""
    app = ledger.app
    return Runner(open_projection_store(ledger.settings), [WorkProjection()], app.notifications,
                  app.decode, app.recorder.max_notification_id, batch_size=batch_size)


@pytest.fixture
def runner(county: Ledger) -> Iterator[Runner]:
    opened = _work_runner(county, batch_size=50)
    try:
        yield opened
    finally:
        opened.close()


def _adopt(ledger: Ledger, **changes: Any) -> None:
    """Adopt the county's rulebook again from 2 December 2025 with ``changes`` (before its draw)."""
    agency: Agency = ledger.app.repository.get(agency_id(COUNTY))
    book = agency.rulebook_in_force("2026-01-01")
    assert book is not None
    ledger.app.adopt_rulebook(agency.id, dataclasses.replace(book, adopted_from="2025-12-02", **changes),
                              approved_by="局务会", reason="测试")


def _teams(ceremony: Ceremony, draw_id: str) -> Teams:
    return list(ceremony.open(draw_id).teams.items())


def _quarter(ceremony: Ceremony, visits: int | None = None) -> tuple[str, Teams]:
    """The county's 2026Q1 list fixed, then the records: the first unit visited on 5 January and
    filed on 19 January (due 14 January: 15, 16, 19 — 3 working days late); the second and third
    visited on 7 January with an order to correct due 28 February, the third's rectified on 30
    January; the others visited and filed on 9 January (``visits``: only the first so many)."""
    draw_id = fixed(ceremony)
    inspections = Inspections(ceremony.app, ceremony)
    teams = _teams(ceremony, draw_id)
    for n, (unit, team) in enumerate(teams[:visits]):
        if n == 0:
            record, filed = _record(team, "2026-01-05"), date(2026, 1, 19)
        elif n in (1, 2):
            record, filed = _record(team, "2026-01-07", problem=True), date(2026, 1, 7)
        else:
            record, filed = _record(team, "2026-01-09"), date(2026, 1, 9)
        inspections.file_record(draw_id, unit, record, team[0], filed)
    if visits is None or visits > 2:
        inspections.rectify(draw_id, teams[2][0], 0, date(2026, 1, 30), "复查组")
    return draw_id, teams


def _drawn(ceremony: Ceremony, draw_id: str) -> int:
    drawn = ceremony.draw(draw_id).drawn
    assert drawn is not None
    return sum(int(n) for n in drawn["selected"].values())


# -- late, due, overdue ---------------------------------------------------------------------------
def test_a_record_filed_late_is_listed_with_its_working_days_late(
    ceremony: Ceremony, runner: Runner
) -> None:
    draw_id, teams = _quarter(ceremony, visits=4)
    runner.run()
    work = agency_work(runner.store, COUNTY, date(2026, 1, 20))
    unit: InspectionObject = ceremony.app.repository.get(object_id(str(agency_id(COUNTY)), teams[0][0]))
    # 7 working days after 5 January: 6, 7, 8, 9, 12, 13, 14 → 14 January; filed 19 January
    assert work.late == [LateStep("record", draw_id, unit.credit_code, unit.name, "2026-01-14",
                                  "2026-01-19", 3)]


def test_an_undisclosed_result_past_its_due_date_is_overdue_in_working_days(
    county: Ledger, ceremony: Ceremony, runner: Runner
) -> None:
    _adopt(county, disclosure_deadline=Deadline(10, "working_days", "inspection_completed"))
    draw_id, teams = _quarter(ceremony, visits=4)
    unit = teams[3][0]  # visited 9 January: due 10 working days later, 23 January
    runner.run()
    first = teams[0][0]  # visited 5 January: 6, 7, 8, 9, 12, 13, 14, 15, 16, 19 → 19 January

    on_16 = agency_work(runner.store, COUNTY, date(2026, 1, 16))
    due = {s.unit: s for s in on_16.disclosures_due}
    assert set(due) == {u for u, _ in teams[:4]}
    assert (due[first].due, due[first].working_days_late) == ("2026-01-19", 0)
    assert due[unit].due == "2026-01-23"
    assert on_16.overdue == []

    on_23 = agency_work(runner.store, COUNTY, date(2026, 1, 23))
    overdue = {s.unit: s for s in on_23.overdue}
    assert set(overdue) == {u for u, _ in teams[:3]}  # the fourth is due today: not overdue yet
    assert (overdue[first].due, overdue[first].working_days_late) == ("2026-01-19", 4)  # 20-23 Jan
    # visited 7 January: 8, 9, 12, 13, 14, 15, 16, 19, 20, 21 → 21 January; 22, 23: 2 days late
    assert (overdue[teams[1][0]].due, overdue[teams[1][0]].working_days_late) == ("2026-01-21", 2)

    Inspections(ceremony.app, ceremony).disclose_result(draw_id, first, "办公室", date(2026, 1, 21))
    runner.run()
    after = agency_work(runner.store, COUNTY, date(2026, 1, 23))
    assert first not in {s.unit for s in after.overdue} | {s.unit for s in after.disclosures_due}
    assert [(s.step, s.unit, s.due, s.done_on, s.working_days_late) for s in after.late
            if s.step == "result"] == [("result", first, "2026-01-19", "2026-01-21", 2)]  # 20, 21


def test_a_publication_due_from_the_tasks_completion_waits_for_the_last_record(
    county: Ledger, ceremony: Ceremony, runner: Runner
) -> None:
    _adopt(county, disclosure_deadline=Deadline(20, "working_days", "task_completed"))
    draw_id = fixed(ceremony)
    inspections = Inspections(ceremony.app, ceremony)
    teams = _teams(ceremony, draw_id)
    (last, last_team), others = teams[0], teams[1:]
    for unit, team in others:
        inspections.file_record(draw_id, unit, _record(team, "2026-01-09"), team[0], date(2026, 1, 9))
    runner.run()
    waiting = agency_work(runner.store, COUNTY, date(2026, 3, 31)).disclosures_due
    assert len(waiting) == len(others) and {(s.due, s.note) for s in waiting} == {
        (None, NOTE_AWAITING_LAST_VISIT)}

    inspections.file_record(draw_id, last, _record(last_team, "2026-01-20"), last_team[0],
                            date(2026, 1, 20))
    runner.run()
    # 20 working days after 20 January: 21-23, 26-30 Jan (8), 2-6 Feb (13), 9-13 Feb (18),
    # Saturday 14 Feb (19), then the Spring Festival off until 24 Feb (20)
    due = agency_work(runner.store, COUNTY, date(2026, 2, 2)).disclosures_due
    assert len(due) == len(teams) and {(s.due, s.note) for s in due} == {("2026-02-24", "")}

    inspections.correct_record(draw_id, last, _record(last_team, "2026-01-21"), "日期笔误",
                               last_team[0], date(2026, 1, 21))
    runner.run()
    moved = agency_work(runner.store, COUNTY, date(2026, 2, 2)).disclosures_due
    assert {s.due for s in moved} == {"2026-02-25"}  # one working day later: 25 February


def test_open_orders_past_their_due_date_are_listed_with_working_days_late(
    ceremony: Ceremony, runner: Runner
) -> None:
    _, teams = _quarter(ceremony, visits=4)
    runner.run()
    assert agency_work(runner.store, COUNTY, date(2026, 2, 28)).orders_overdue == []  # due today
    orders = agency_work(runner.store, COUNTY, date(2026, 3, 3)).orders_overdue
    # the second unit's order (the third's is rectified): due Saturday 28 February, a working day;
    # Monday 2 and Tuesday 3 March: 2 working days late
    assert [(s.unit, s.due, s.detail, s.working_days_late) for s in orders] == [
        (teams[1][0], "2026-02-28", "规范化设置排污口", 2)]


def test_records_missing_after_the_quarter_are_overdue_from_a_visit_on_its_last_day(
    ceremony: Ceremony, runner: Runner
) -> None:
    draw_id, _ = _quarter(ceremony, visits=3)
    drawn = _drawn(ceremony, draw_id)
    runner.run()
    in_quarter = agency_work(runner.store, COUNTY, date(2026, 3, 31), 2026, 1)
    progress = in_quarter.draws[0]
    assert (progress.draw_id, progress.drawn, progress.opened, progress.recorded,
            progress.results_disclosed, progress.list_disclosed_on) == (draw_id, drawn, 3, 3, 0, None)
    # a visit on 31 March: 1-3 April, 7-10 April (6 April off) → due 10 April
    assert progress.records_due_by == "2026-04-10" and progress.records_missing == drawn - 3
    assert in_quarter.overdue == []
    after = agency_work(runner.store, COUNTY, date(2026, 4, 20), 2026, 1).overdue
    assert after == [DueStep("records", draw_id, "", "", "2026-04-10", "", str(drawn - 3), 6)]
    assert agency_work(runner.store, COUNTY, date(2026, 4, 20), 2026, 2).draws == []


def test_a_due_date_in_a_year_whose_calendar_is_not_recorded_is_unknown_until_it_is(
    ledger: Ledger,
) -> None:
    write_county_demo(ledger.app, seed=7, units=60, inspectors=12)
    for code in (PREFECTURE, COUNTY):  # 2025 only: enough for the draw in December 2025
        for schedule in schedules_from_package([2025]):
            ledger.app.record_working_calendar(agency_id(code), schedule.as_data(), "办公室")
    _adopt(ledger, record_deadline=None,
           disclosure_deadline=Deadline(10, "working_days", "inspection_completed"))
    ceremony = Ceremony(ledger.app, ledger.settings.keys_dir)
    draw_id = fixed(ceremony)
    unit, team = _teams(ceremony, draw_id)[0]
    Inspections(ledger.app, ceremony).file_record(draw_id, unit, _record(team), team[0],
                                                  date(2026, 1, 9))
    with _work_runner(ledger) as runner:
        runner.run()  # the batch does not fail
        [step] = agency_work(runner.store, COUNTY, date(2026, 1, 9)).disclosures_due
        assert (step.due, step.note) == (None, "calendar:2026")

        for schedule in schedules_from_package([2026]):
            ledger.app.record_working_calendar(agency_id(COUNTY), schedule.as_data(), "办公室")
        runner.run()
        [step] = agency_work(runner.store, COUNTY, date(2026, 1, 9)).disclosures_due
        assert (step.due, step.note) == ("2026-01-19", "")
        # asked in a year whose schedule is not recorded: overdue, lateness unknown, said why
        [late] = agency_work(runner.store, COUNTY, date(2027, 1, 4)).overdue
        assert (late.due, late.working_days_late, late.note) == ("2026-01-19", None, "calendar:2027")


def test_without_a_deadline_in_the_rulebook_a_result_is_due_without_a_date(
    ceremony: Ceremony, runner: Runner
) -> None:
    _quarter(ceremony, visits=1)  # seed 000: 「及时向社会公开」, no number of days
    runner.run()
    [step] = agency_work(runner.store, COUNTY, date(2026, 6, 30)).disclosures_due
    assert (step.due, step.note) == (None, NOTE_NO_DEADLINE)
    assert agency_work(runner.store, COUNTY, date(2026, 6, 30), 2026, 1).overdue[0].step == "records"


# -- officers -------------------------------------------------------------------------------------
def test_an_officer_load_counts_visits_where_they_were_present(
    ceremony: Ceremony, runner: Runner
) -> None:
    draw_id, teams = _quarter(ceremony, visits=4)
    runner.run()
    present = Counter(o for _, team in teams[:4] for o in set(team))
    for certificate, visits in present.items():
        work = officer_work(runner.store, certificate)
        assert [(q.agency.division_code, q.year, q.quarter, q.load) for q in work.quarters] == [
            (COUNTY, 2026, 1, visits)]
        assert {i.unit for i in work.quarters[0].inspections} == {
            u for u, team in teams[:4] if certificate in team}
    absent = next(o for _, team in teams[4:] for o in team if o not in present)
    assert officer_work(runner.store, absent).quarters == []  # drawn, not visited yet: not here
    assert officer_work(runner.store, next(iter(present)), 2025).quarters == []

    # a recusal after the visit replaces an officer; the corrected record moves the count
    unit, team = teams[3]
    recused = team[1]
    replacement = ceremony.recuse(draw_id, unit, recused, "回避", "局长")
    Inspections(ceremony.app, ceremony).correct_record(
        draw_id, unit, _record((team[0], replacement), "2026-01-09"), "执法人员回避后更正", team[0],
        date(2026, 1, 10))
    runner.run()
    assert officer_work(runner.store, recused).load == present[recused] - 1
    assert officer_work(runner.store, replacement).load == present.get(replacement, 0) + 1
    [moved] = [i for i in officer_work(runner.store, replacement).quarters[0].inspections if i.unit == unit]
    assert moved.officers == (team[0], replacement) and moved.corrections == 1


# -- secrecy --------------------------------------------------------------------------------------
def _strings(runner: Runner) -> list[str]:
    contents = table_contents(runner.store, WorkProjection())
    return [cell for rows in contents.values() for row in rows for cell in row if isinstance(cell, str)]


def test_the_work_view_holds_no_sealed_assignment(ceremony: Ceremony, runner: Runner) -> None:
    draw_id = fixed(ceremony)
    teams = _teams(ceremony, draw_id)
    runner.run()
    held = _strings(runner)
    sealed = {u for u, _ in teams} | {o for _, team in teams for o in team}
    assert not [s for s in sealed if any(s in cell for cell in held)]
    [progress] = agency_work(runner.store, COUNTY, date(2026, 1, 1)).draws
    assert (progress.drawn, progress.opened, progress.recorded) == (_drawn(ceremony, draw_id), 0, 0)

    unit, team = teams[0]  # after the visit: that unit and the officers present, nothing else
    Inspections(ceremony.app, ceremony).file_record(draw_id, unit, _record(team), team[0],
                                                    date(2026, 1, 9))
    runner.run()
    held = _strings(runner)
    assert {s for s in sealed if any(s in cell for cell in held)} == {unit, *team}


# -- rebuild --------------------------------------------------------------------------------------
def test_rebuild_equals_incremental(county: Ledger, ceremony: Ceremony, runner: Runner) -> None:
    app = ceremony.app
    runner.run()  # agencies, rulebooks, calendars
    _adopt(county, disclosure_deadline=Deadline(20, "working_days", "task_completed"))
    draw_id = fixed(ceremony)
    runner.run()
    inspections = Inspections(app, ceremony)
    teams = _teams(ceremony, draw_id)
    for n, (unit, team) in enumerate(teams):
        inspections.file_record(draw_id, unit, _record(team, "2026-01-09", problem=n < 2), team[0],
                                date(2026, 1, 19 if n == 2 else 9))
        if n % 5 == 0:
            runner.run()
    unit, team = teams[3]
    replacement = ceremony.recuse(draw_id, unit, team[0], "回避", "局长")
    inspections.correct_record(draw_id, unit, _record((replacement, team[1]), "2026-01-12"), "更正",
                               team[1], date(2026, 1, 12))
    inspections.rectify(draw_id, teams[0][0], 0, date(2026, 1, 30), "复查组")
    runner.run()
    for unit, _ in teams[:3]:
        inspections.disclose_result(draw_id, unit, "办公室", date(2026, 3, 6))
    for schedule in schedules_from_package([2026]):  # recorded again: replaces the year
        app.record_working_calendar(agency_id(COUNTY), schedule.as_data(), "办公室")
    runner.run()
    incremental = table_contents(runner.store, WorkProjection())
    # the last visit (corrected) on 12 January, 20 working days: 13-16, 19-23, 26-30 Jan, 2-6, 9 Feb
    assert {row[-2] for row in incremental["work_inspections"]} == {"2026-02-09"}
    assert len(incremental["work_officer_load"]) > 1 and len(incremental["work_orders"]) == 2

    runner.rebuild("work")
    assert table_contents(runner.store, WorkProjection()) == incremental
    with _work_runner(county) as fresh:  # one batch of 1,000
        fresh.rebuild("work")
        assert table_contents(fresh.store, WorkProjection()) == incremental
    assert next(s.position for s in runner.status()) == app.recorder.max_notification_id()


# -- the command line -----------------------------------------------------------------------------
def _spotcheck(ledger: Ledger, *args: str) -> Ran:
    """``spotcheck ARGS`` on ``ledger``'s database and keys (in this process), in the language of
    a user who set none (Chinese)."""
    return run(ledger.settings.keys_dir.parent, "spotcheck", *args,
               env=ledger_env(ledger.settings.db, ledger.settings.keys_dir), lang=None)


def test_spotcheck_work_prints_the_views(county: Ledger, ceremony: Ceremony) -> None:
    # results due 10 working days after the month of the visit (seed 001's rule)
    _adopt(county, disclosure_deadline=Deadline(10, "working_days", "month_completed"))
    draw_id, teams = _quarter(ceremony)
    inspections = Inspections(ceremony.app, ceremony)
    for unit, _ in teams[:-1]:
        inspections.disclose_result(draw_id, unit, "办公室", date(2026, 2, 2))
    inspections.disclose_list(draw_id, "局长", date(2026, 2, 2))
    with open_runner(county) as registered:
        assert "work" in registered.projections

    shown = _spotcheck(county, "work", "agency", "--agency", COUNTY, "--quarter", "2026Q1",
                       "--today", "2026-03-03")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert f"{COUNTY} " in out.splitlines()[0] and "截至 2026-03-03，期间 2026Q1" in out
    draw_line = next(line for line in out.splitlines() if line.strip().startswith(draw_id))
    n = str(len(teams))
    assert draw_line.split()[1:9] == ["单位", "已公开", n, n, n, str(len(teams) - 1), "2026-02-02",
                                      "2026-04-10"]
    assert "应于 2026-01-14，实际 2026-01-19，迟 3 个工作日" in out
    # the last result: January's visits, due 10 working days after 31 January: 2-6, 9-13 Feb →
    # 13 Feb; then Saturday 14 Feb, 24-27 Feb, Saturday 28 Feb, 2 and 3 March: 8 working days late
    last = teams[-1][0]
    assert next(line for line in out.splitlines() if "公开结果" in line and last in line).endswith(
        "应于 2026-02-13，已逾期 8 个工作日")
    assert next(line for line in out.splitlines() if "规范化设置排污口" in line).endswith(
        "应于 2026-02-28，已逾期 2 个工作日")
    assert "spotcheck draw tasks" in out and "保密" in out

    english = _spotcheck(county, "work", "agency", "--agency", COUNTY, "--today", "2026-03-03",
                         "--lang", "en").stdout
    assert "due 2026-01-14, done 2026-01-19, 3 working day(s) late" in english
    assert "due 2026-02-13, 8 working day(s) late" in english and "spotcheck draw tasks" in english

    as_json = json.loads(_spotcheck(county, "work", "agency", "--agency", COUNTY, "--quarter",
                                    "2026Q1", "--today", "2026-03-03", "--json").stdout)
    with open_runner(county) as runner:
        expected = agency_work(runner.store, COUNTY, date(2026, 3, 3), 2026, 1).to_dict()
        certificate = teams[0][1][0]
        officer = officer_work(runner.store, certificate).to_dict()
    assert as_json == expected
    assert [(s["step"], s["unit"], s["working_days_late"]) for s in as_json["overdue"]] == [
        ("disclosure", last, 8)]

    visits = sum(certificate in team for _, team in teams)
    mine = _spotcheck(county, "work", "officer", "--certificate", certificate, "--json")
    assert mine.returncode == 0, mine.stderr
    assert json.loads(mine.stdout)["load"] == visits == officer["load"]
    text = _spotcheck(county, "work", "officer", "--certificate", certificate, "--year", "2026").stdout
    assert f"2026Q1  {COUNTY} " in text and f"检查 {visits} 家次" in text
    assert "迟 3 个工作日" in text and "spotcheck draw tasks" in text

    for args, message in [
        (("work", "agency", "--agency", "659999"), "--agency: no agency with division code 659999"),
        (("work", "agency", "--agency", COUNTY, "--quarter", "2026Q5"), "--quarter: '2026Q5'"),
        (("work", "agency", "--agency", COUNTY, "--today", "3 March"), "--today: '3 March'"),
        (("work", "agency", "--agency", COUNTY, "--lang", "fr"), "--lang: 'fr'"),
        (("work", "officer", "--certificate", " "), "--certificate:"),
    ]:
        failed = _spotcheck(county, "--lang", "en", *args)  # the last --lang given counts
        assert failed.returncode == 2 and message in failed.stderr, failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1


def test_an_unknown_agency_or_quarter_is_refused(runner: Runner) -> None:
    runner.run()
    with pytest.raises(WorkQueryError, match="--agency: no agency with division code 659999"):
        agency_work(runner.store, "659999", date(2026, 1, 1))
    with pytest.raises(WorkQueryError, match="--quarter"):
        agency_work(runner.store, COUNTY, date(2026, 1, 1), 2026, 5)
    assert agency_work(runner.store, PREFECTURE, date(2026, 1, 1)).draws == []
