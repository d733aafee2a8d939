"""``spotcheck project …`` and ``spotcheck quotas``: the read models on the command line.

``project run`` brings every projection up to the log's head (``--follow``: keeps doing so every
``--interval`` seconds, like ``spotcheck log follow``); ``project rebuild NAME`` drops one and replays
it from event 0; ``project status`` shows each one's position against the log's head. ``quotas``
reads the quota table (:mod:`projections.quotas`); it does not run the projection, and says so on
standard error when the table is behind the log. Errors are one line with exit status 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from projections.quotas import (
        QuotaReport,
        QuotaRow,
        YearRow,
    )
    from projections.runner import ProjectionStatus, Runner
from api.cli.catalog import COMMANDS
from api.cli.support import command_group, fail, opened_ledger, print_value, run_worker, stopped
from api.language import current, t

project_app = command_group(COMMANDS["project"].help)
CATEGORY_NAMES = {"key": "重点", "general": "一般", "special": "特殊"}


@contextmanager
def _runner(batch_size: int | None = None) -> Iterator[Runner]:
    from api.bootstrap import open_runner
    with opened_ledger() as ledger:
        runner = open_runner(ledger, batch_size)
        try:
            yield runner
        finally:
            runner.close()


@project_app.command("run")
def project_run(
    follow: Annotated[bool, typer.Option("--follow", help="keep following the log")] = False,
    interval: Annotated[float, typer.Option(help="seconds between runs (with --follow)")] = 2.0,
    max_seconds: Annotated[float | None, typer.Option(help="stop following after this long")]
    = None,
    batch_size: Annotated[int, typer.Option(help="notifications per transaction")] = 1000,
) -> None:
    """Apply every committed event to every projection, then stop (or, with --follow, keep going
    until interrupted: Ctrl-C or SIGTERM finish the current batch, then stop)."""
    if batch_size < 1:
        fail("--batch-size: at least 1")
    with _runner(batch_size) as runner:
        if follow:
            from ledger.adapters.leadership import PROJECTIONS
            from ledger.adapters.settings import Settings

            total = run_worker(Settings.from_environ(), PROJECTIONS, interval, max_seconds,
                               lambda stop: runner.follow(interval, stop))
            typer.echo(t("projections stopped", "投影已停止")
                       + stopped(total, t("notification(s) scanned", "条通知已扫描")))
        else:
            for name, scanned in runner.run().items():
                typer.echo(t(f"projection {name}: {scanned} notification(s) scanned",
                             f"投影 {name}：扫描了 {scanned} 条通知"))
        statuses = runner.status()
        for status in statuses:
            typer.echo(t(f"  {status.name}: position {status.position} of {status.head}",
                         f"  {status.name}：位置 {status.position} / {status.head}"))
    _fail_if_stopped(statuses)


def _fail_if_stopped(statuses: list[ProjectionStatus]) -> None:
    """Name every projection stopped before an event (the others ran), and fail (exit 2)."""
    stopped = [s for s in statuses if s.failure is not None]
    for status in stopped:
        assert status.failure is not None
        typer.echo(t(f"spotcheck: projection {status.name}: stopped before "
                     f"{status.failure.describe()}; the other projections ran; it is tried again "
                     "on every run (see `spotcheck project status`)",
                     f"spotcheck: 投影 {status.name} 停在 {status.failure.describe()} 之前；其他投影"
                     "已运行；每次运行都会重试它（见 `spotcheck project status`）"), err=True)
    if stopped:
        raise typer.Exit(2)


@project_app.command("rebuild")
def project_rebuild(
    name: Annotated[str, typer.Argument(help="the projection, e.g. quotas")],
    batch_size: Annotated[int, typer.Option(help="notifications per transaction")] = 1000,
) -> None:
    """Drop a projection's tables and tracking position and replay the log from event 0."""
    from projections.runner import ProjectionError
    if batch_size < 1:
        fail("--batch-size: at least 1")
    with _runner(batch_size) as runner:
        try:
            scanned = runner.rebuild(name)
        except ProjectionError as exc:
            fail(str(exc))
        typer.echo(t(f"rebuilt projection {name} from event 0: {scanned} notification(s) scanned",
                     f"已从事件 0 重建投影 {name}：扫描了 {scanned} 条通知"))
        statuses = [s for s in runner.status() if s.name == name]
    _fail_if_stopped(statuses)


@project_app.command("status")
def project_status(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Each projection's tracking position against the log's head."""
    with _runner() as runner:
        statuses = runner.status()
    rows = [{"name": s.name, "position": s.position, "head": s.head, "behind": s.behind,
             "version": s.version, "stopped": None if s.failure is None else s.failure.as_dict()}
            for s in statuses]
    print_value(rows, as_json, lambda value: "\n".join(
        t(f"{s.name}: position {s.position} of {s.head}", f"{s.name}：位置 {s.position} / {s.head}")
        + (t(f" ({s.behind} behind)", f"（落后 {s.behind} 条）") if s.behind
           else t(" (up to date)", "（已是最新）"))
        + ("" if s.version is not None else t(" — never run", "——从未运行"))
        + ("" if s.failure is None else t(f" — STOPPED before {s.failure.describe()}",
                                          f"——已停止，停在 {s.failure.describe()} 之前"))
        for s in statuses))


def quotas(
    agency: Annotated[str, typer.Option("--agency", help="the agency's division code")],
    year: Annotated[int, typer.Option("--year", help="YYYY")],
    quarter: Annotated[int | None, typer.Option("--quarter", help="1-4 (default: all)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The quota and compliance table (抽查任务完成情况) of an agency, with the roll-up over the
    agencies below it (prefecture, province). Reads the quota projection: run `spotcheck project
    run` first."""
    from projections.quotas import QuotaProjection, QuotaQueryError, quota_report
    with _runner() as runner:
        try:
            report = quota_report(runner.store, agency, year, quarter)
        except QuotaQueryError as exc:
            fail(str(exc))
        status = next(s for s in runner.status() if s.name == QuotaProjection.name)
    if status.behind:
        typer.echo(t(f"spotcheck: note: the quota table is at notification {status.position} of "
                     f"{status.head}; run `spotcheck project run` for the latest figures",
                     f"spotcheck: 注意：任务表处理到第 {status.position} 条通知（共 {status.head} 条）；"
                     "运行 `spotcheck project run` 可得到最新数字"), err=True)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(_report_lines(report)))


HEADER = ("quarter", "category", "population", "required", "drawn", "inspected", "ratio",
          "shortfall")
HEADER_ZH = ("季度", "类别", "数量", "应抽查", "已抽取", "已检查", "抽查比例", "差额")


def _report_lines(report: QuotaReport) -> list[str]:
    a = report.agency
    from api.words import word
    lines = [t(f"{a.division_code} {a.name} ({a.level}), {report.year}",
               f"{a.division_code} {a.name}（{word('agency_kind', a.level)}级），{report.year} 年")]
    lines += (_table(report.rows, sources=True) if report.rows
              else [t("  (no rows of its own)", "  （本机构没有自己的数据行）")])
    year = t(f"  the year {report.year} (全年):", f"  {report.year} 年全年：")
    if report.year_rows:
        lines += [year, *_year_table(report.year_rows)]
    if report.below:
        below = f"the {len(report.below)} agenc{'y' if len(report.below) == 1 else 'ies'} below it"
        codes = ", ".join(b.division_code for b in report.below)
        lines.append(t(f"roll-up over {a.division_code} and {below} ({codes}):",
                       f"{a.division_code} 及其所辖 {len(report.below)} 个机构（{codes}）汇总："))
        lines += _table(report.rollup, sources=False)
        if report.year_rollup:
            lines += [year, *_year_table(report.year_rollup)]
    return lines


YEAR_HEADER = ("category", "basis", "officers", "rule figure", "required", "inspected",
               "shortfall")
YEAR_HEADER_ZH = ("类别", "依据", "执法人员", "规则数字", "应抽查", "已检查", "差额")
BASIS_TEXT = {"officer_ratio": "officers × ratio", "share_per_quarter": "share per quarter",
              "none": "none", "mixed": "mixed"}
BASIS_ZH = {"officer_ratio": "执法人员 × 比例", "share_per_quarter": "每季度比例", "none": "无",
            "mixed": "混合"}


def _year_table(rows: list[YearRow]) -> list[str]:
    """The year per category: for an officer ratio (general units: 执法人员 × 比例) the figure the
    ratio asks of the year against the unit-visits recorded."""
    from projections.columns import aligned
    zh = current() == "zh"
    return aligned([list(YEAR_HEADER_ZH if zh else YEAR_HEADER)] + [
        [_category(r.category), (BASIS_ZH if zh else BASIS_TEXT).get(r.basis, r.basis),
         str(r.officers), str(r.rule_figure), str(r.required), str(r.inspected), str(r.shortfall)]
        for r in rows])


def _category(category: str) -> str:
    """``key 重点`` (English), 重点排污单位 (Chinese)."""
    from api.words import word
    return (word("category", category) if current() == "zh"
            else f"{category} {CATEGORY_NAMES.get(category, '')}")


def _table(rows: list[QuotaRow], *, sources: bool) -> list[str]:
    from api.words import quarter, word
    from projections.columns import aligned
    from projections.quotas import Ratio
    zh = current() == "zh"
    cells = [list(HEADER_ZH if zh else HEADER)
             + ([t("population from", "数量来源")] if sources else [])]
    for r in rows:
        cells.append([quarter(r.quarter), _category(r.category),
                      str(r.population), str(r.required), str(r.drawn), str(r.inspected),
                      str(Ratio(r.inspected, r.population)), str(r.shortfall)]
                     + ([word("population_source", r.population_source)] if sources else []))
    return aligned(cells)
