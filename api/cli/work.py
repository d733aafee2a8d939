"""``spotcheck work agency|officer``: the work views (工作视图) on the command line.

``work agency`` shows an agency's draws and their progress, the steps done late, the results due for
publication, the steps overdue as of ``--today`` in working days, and the orders to correct past their
due date; ``work officer`` shows the inspections where an officer was present, per quarter, with the
load and each one's record and publication status. Both bring the work projection up to the log's
head first (:mod:`projections.work`), print Simplified Chinese by default (``--lang en``: English) or
JSON (``--json``). An officer's tasks before the visit are sealed and not in these views: ``spotcheck
draw tasks`` opens them, and records the opening. Errors are one line with exit status 2.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ledger.domain.inspector import Inspector
    from projections.runner import Runner
    from projections.work import (
        AgencyWork,
        DueStep,
        InspectionStatus,
        OfficerWork,
    )
from api.cli.catalog import COMMANDS
from api.cli.support import command_group, fail, opened_ledger
from api.language import current

work_app = command_group(COMMANDS["work"].help)


JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "agency_title": "{code} {name}（{level}）工作视图，截至 {today}{period}",
        "period": "，期间 {period}",
        "draws": "抽查批次进度",
        "draw_head": "批次|类型|状态|抽中|已开始|已录入|结果已公开|名单公开|记录最迟应于",
        "late": "逾期完成的步骤",
        "late_line": "{step}  {draw}  {unit}  {name}  应于 {due}，实际 {done}，迟 {late} 个工作日",
        "due": "待公开的检查结果",
        "due_line": "{draw}  {unit}  {name}  {when}",
        "overdue": "逾期未完成的步骤（截至 {today}）",
        "orders": "逾期未整改的责令改正",
        "order_line": "{draw}  {unit}  {name}  {order}  {when}",
        "records_line": "检查记录  {draw}  尚缺 {n} 份，最迟应于 {due}  {late}",
        "overdue_line": "公开结果  {draw}  {unit}  {name}  {when}",
        "no_record": "已开始检查、尚未录入记录",
        "no_record_line": "{draw}  {unit}  {name}",
        "none": "（无）",
        "comma": "，",
        "count": "{title}（{n}）",
        "officer_name": "（{name}）",
        "due_on": "应于 {due}",
        "late_by": "已逾期 {late} 个工作日",
        "not_late": "未逾期",
        "step.record": "检查记录", "step.result": "公开结果",
        "kind.units": "单位", "kind.audit": "对下级",
        "status.frozen": "已冻结", "status.drawn": "已抽取", "status.fixed": "已确定",
        "status.blocked": "已中止", "status.disclosed": "已公开",
        "level.province": "省级", "level.prefecture": "地级", "level.county": "县级",
        "note.no_deadline": "规则未设时限", "note.no_rulebook": "无适用的规则",
        "note.awaiting_last_visit": "自任务完成起算，待本批次记录全部录入后确定",
        "note.calendar": "{year} 年节假日安排未记录，无法计算工作日",
        "officer_title": "执法人员 {certificate}{name} 在场的检查（据已录入的检查记录）",
        "officer_quarter": "{period}  {code} {agency}  检查 {load} 家次",
        "officer_line": "{visited}  {draw}  {unit}  {name}  记录：{record}；公开：{disclosure}",
        "officer_total": "合计 {load} 家次",
        "officer_none": "（无已录入的检查）",
        "rec.not_filed": "未录入",
        "rec.filed": "{filed} 已录入（应于 {due}）",
        "rec.filed_late": "{filed} 已录入，应于 {due}，迟 {late} 个工作日",
        "dis.no_record": "待记录录入",
        "dis.due": "待公开（{when}）",
        "dis.disclosed": "{on} 已公开",
        "dis.disclosed_late": "{on} 已公开，应于 {due}，迟 {late} 个工作日",
        "corrected": "（记录已更正 {n} 次）",
        "open_orders": "（未整改 {n} 项）",
        "pending": "说明：检查前的待办任务（已抽中、尚未检查的单位及检查组）属抽查保密内容，不在本视图中；"
                   "执法人员本人可用 `spotcheck draw tasks 批次 --certificate 证号 --why 原因` 查看，"
                   "每次查看都会记录在案。",
    },
    "en": {
        "agency_title": "{code} {name} ({level}) work view as of {today}{period}",
        "period": ", period {period}",
        "draws": "Draws and their progress",
        "draw_head": "draw|kind|status|drawn|opened|recorded|results disclosed|list disclosed"
                     "|records due by",
        "late": "Steps done late",
        "late_line": "{step}  {draw}  {unit}  {name}  due {due}, done {done}, {late} working day(s) late",
        "due": "Results due for publication",
        "due_line": "{draw}  {unit}  {name}  {when}",
        "overdue": "Overdue steps (as of {today})",
        "orders": "Orders to correct past their due date",
        "order_line": "{draw}  {unit}  {name}  {order}  {when}",
        "records_line": "records  {draw}  {n} missing, due by {due}  {late}",
        "overdue_line": "publication  {draw}  {unit}  {name}  {when}",
        "no_record": "Inspections opened, record not filed yet",
        "no_record_line": "{draw}  {unit}  {name}",
        "none": "(none)",
        "comma": ", ",
        "count": "{title} ({n})",
        "officer_name": " ({name})",
        "due_on": "due {due}",
        "late_by": "{late} working day(s) late",
        "not_late": "not late",
        "step.record": "record", "step.result": "publication",
        "kind.units": "units", "kind.audit": "audit",
        "status.frozen": "frozen", "status.drawn": "drawn", "status.fixed": "fixed",
        "status.blocked": "blocked", "status.disclosed": "disclosed",
        "level.province": "province", "level.prefecture": "prefecture", "level.county": "county",
        "note.no_deadline": "no deadline in the rulebook", "note.no_rulebook": "no rulebook in force",
        "note.awaiting_last_visit": "counted from the task's completion: known once every record "
                                    "of the draw is filed",
        "note.calendar": "the {year} holiday schedule is not recorded: working days cannot be counted",
        "officer_title": "Inspections where officer {certificate}{name} was present (from the filed "
                         "records)",
        "officer_quarter": "{period}  {code} {agency}  {load} inspection(s)",
        "officer_line": "{visited}  {draw}  {unit}  {name}  record: {record}; publication: {disclosure}",
        "officer_total": "total {load} inspection(s)",
        "officer_none": "(no filed record names this officer)",
        "rec.not_filed": "not filed",
        "rec.filed": "filed {filed} (due {due})",
        "rec.filed_late": "filed {filed}, due {due}, {late} working day(s) late",
        "dis.no_record": "after the record",
        "dis.due": "due ({when})",
        "dis.disclosed": "disclosed {on}",
        "dis.disclosed_late": "disclosed {on}, due {due}, {late} working day(s) late",
        "corrected": " (record corrected {n} time(s))",
        "open_orders": " ({n} open order(s))",
        "pending": "Note: tasks before the visit (units drawn and not yet visited, and their teams) are "
                   "sealed (抽查保密) and not in this view; an officer opens their own with `spotcheck "
                   "draw tasks DRAW_ID --certificate CERT --why REASON`, and every opening is recorded.",
    },
}


def _catch_up(runner: Runner) -> None:
    """Bring the work projection up to the log's head (what `spotcheck project run` does for it)."""
    from projections.work import WorkProjection
    runner.run(WorkProjection.name)


@work_app.command("agency")
def work_agency(
    agency: Annotated[str, typer.Option("--agency", help="the agency's division code")],
    quarter: Annotated[str | None, typer.Option("--quarter", help="YYYYQn, e.g. 2026Q1 (default: all)")]
    = None,
    today: Annotated[str | None, typer.Option("--today", help="YYYY-MM-DD (default: today)")] = None,
    as_json: JsonOption = False,
) -> None:
    """An agency's work: each draw's progress, steps done late, results due for publication, steps
    overdue as of --today (in working days) and orders to correct past their due date."""
    from api.bootstrap import open_runner
    from projections.work import WorkQueryError, agency_work
    from verify.period import Period
    text = TEXT[current()]
    try:
        period = (Period.parse(quarter, field="--quarter", error=WorkQueryError)
                  if quarter is not None else None)
    except WorkQueryError as exc:
        fail(str(exc))
    try:
        as_of = date.fromisoformat(today) if today is not None else date.today()
    except ValueError:
        fail(f"--today: {today!r} is not a date YYYY-MM-DD")
    with opened_ledger() as ledger, open_runner(ledger) as runner:
        _catch_up(runner)
        work = agency_work(runner.store, agency, as_of, *(period or (None, None)))
    if as_json:
        typer.echo(json.dumps(work.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(agency_lines(work, text)))


@work_app.command("officer")
def work_officer(
    certificate: Annotated[str, typer.Option("--certificate", help="the officer's certificate number")],
    year: Annotated[int | None, typer.Option("--year", help="YYYY (default: all years)")] = None,
    as_json: JsonOption = False,
) -> None:
    """The inspections where an officer was present (from the filed records), per quarter, with the
    load and each one's record and publication status. Tasks before the visit are not here."""
    from api.bootstrap import open_runner
    from ledger.domain.inspector import inspector_id
    from projections.work import officer_work
    text = TEXT[current()]
    with opened_ledger() as ledger:
        with open_runner(ledger) as runner:
            _catch_up(runner)
            work = officer_work(runner.store, certificate, year)
        uuid = inspector_id(certificate)
        name = ""
        if uuid in ledger.app.repository:
            officer: Inspector = ledger.app.repository.get(uuid)
            name = officer.name
    if as_json:
        typer.echo(json.dumps({**work.to_dict(), "name": name}, ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(officer_lines(work, name, text)))


# -- text ---------------------------------------------------------------------------------------------
def _note(note: str, text: dict[str, str]) -> str:
    from projections.work import NOTE_CALENDAR
    if note.startswith(NOTE_CALENDAR):
        return text["note.calendar"].format(year=note[len(NOTE_CALENDAR):])
    return text.get(f"note.{note}", note)


def _when(step: DueStep, text: dict[str, str]) -> str:
    """``due D, N working days late`` (or why the due date or the lateness is unknown)."""
    if step.due is None:
        return _note(step.note, text)
    parts = [text["due_on"].format(due=step.due)]
    if step.working_days_late is None:
        parts.append(_note(step.note, text))
    elif step.working_days_late > 0:
        parts.append(text["late_by"].format(late=step.working_days_late))
    return text["comma"].join(parts)


def _section(title: str, lines: list[str], text: dict[str, str]) -> list[str]:
    return [text["count"].format(title=title, n=len(lines)),
            *(f"  {line}" for line in lines or [text["none"]])]


def agency_lines(work: AgencyWork, text: dict[str, str]) -> list[str]:
    from projections.columns import aligned
    a = work.agency
    period = work.to_dict()["period"]
    lines = [text["agency_title"].format(
        code=a.division_code, name=a.name, level=text.get(f"level.{a.level}", a.level),
        today=work.today, period=text["period"].format(period=period) if period else "")]
    rows = [text["draw_head"].split("|")]
    for d in work.draws:
        rows.append([d.draw_id, text.get(f"kind.{d.kind}", d.kind), text.get(f"status.{d.status}", d.status),
                     str(d.drawn), str(d.opened), str(d.recorded), str(d.results_disclosed),
                     d.list_disclosed_on or "-",
                     d.records_due_by or (_note(d.note, text) if d.kind == "units" else "-")])
    lines.append(text["draws"])
    lines += aligned(rows) if work.draws else [f"  {text['none']}"]
    lines += _section(text["late"], [text["late_line"].format(
        step=text[f"step.{s.step}"], draw=s.draw_id, unit=s.unit, name=s.unit_name, due=s.due,
        done=s.done_on, late=s.working_days_late) for s in work.late], text)
    lines += _section(text["due"], [text["due_line"].format(
        draw=s.draw_id, unit=s.unit, name=s.unit_name, when=_when(s, text))
        for s in work.disclosures_due], text)
    overdue = []
    for s in work.overdue:
        if s.step == "records":
            overdue.append(text["records_line"].format(
                draw=s.draw_id, n=s.detail, due=s.due,
                late=text["late_by"].format(late=s.working_days_late)
                if s.working_days_late is not None else _note(s.note, text)))
        else:
            overdue.append(text["overdue_line"].format(draw=s.draw_id, unit=s.unit, name=s.unit_name,
                                                       when=_when(s, text)))
    lines += _section(text["overdue"].format(today=work.today), overdue, text)
    lines += _section(text["orders"], [text["order_line"].format(
        draw=s.draw_id, unit=s.unit, name=s.unit_name, order=s.detail, when=_when(s, text))
        for s in work.orders_overdue], text)
    if work.inspections_without_record:
        lines += _section(text["no_record"], [text["no_record_line"].format(
            draw=i.draw_id, unit=i.unit, name=i.unit_name) for i in work.inspections_without_record],
            text)
    lines.append(text["pending"])
    return lines


def officer_lines(work: OfficerWork, name: str, text: dict[str, str]) -> list[str]:
    shown = text["officer_name"].format(name=name) if name else ""
    lines = [text["officer_title"].format(certificate=work.certificate, name=shown)]
    if not work.quarters:
        lines.append(f"  {text['officer_none']}")
    for q in work.quarters:
        lines.append("  " + text["officer_quarter"].format(
            period=f"{q.year}Q{q.quarter}", code=q.agency.division_code, agency=q.agency.name,
            load=q.load))
        lines += [f"    {_inspection_line(i, text)}" for i in q.inspections]
    if work.quarters:
        lines.append(text["officer_total"].format(load=work.load))
    lines.append(text["pending"])
    return lines


def _inspection_line(i: InspectionStatus, text: dict[str, str]) -> str:
    record = text[f"rec.{i.record_status}"].format(filed=i.filed_on, due=i.record_due or "-",
                                                   late=i.record_late)
    when = (text["due_on"].format(due=i.disclosure_due) if i.disclosure_due
            else _note(i.disclosure_note, text))
    disclosure = text[f"dis.{i.disclosure_status}"].format(on=i.disclosed_on, due=i.result_due or "-",
                                                           late=i.result_late, when=when)
    extra = ""
    if i.corrections:
        extra += text["corrected"].format(n=i.corrections)
    if i.open_orders:
        extra += text["open_orders"].format(n=len(i.open_orders))
    return text["officer_line"].format(visited=i.visited_on or "-", draw=i.draw_id, unit=i.unit,
                                       name=i.unit_name, record=record, disclosure=disclosure) + extra
