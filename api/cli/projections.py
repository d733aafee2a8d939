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
            typer.echo("projections stopped"
                       + stopped(total, "notification(s) scanned"))
        else:
            for name, scanned in runner.run().items():
                typer.echo(f"projection {name}: {scanned} notification(s) scanned")
        statuses = runner.status()
        for status in statuses:
            typer.echo(f"  {status.name}: position {status.position} of {status.head}")
    _fail_if_stopped(statuses)


def _fail_if_stopped(statuses: list[ProjectionStatus]) -> None:
    """Name every projection stopped before an event (the others ran), and fail (exit 2)."""
    stopped = [s for s in statuses if s.failure is not None]
    for status in stopped:
        assert status.failure is not None
        typer.echo(f"spotcheck: projection {status.name}: stopped before "
                   f"{status.failure.describe()}; the other projections ran; it is tried again "
                   "on every run (see `spotcheck project status`)", err=True)
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
        typer.echo(f"rebuilt projection {name} from event 0: {scanned} notification(s) scanned")
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
        f"{s.name}: position {s.position} of {s.head}"
        + (f" ({s.behind} behind)" if s.behind else " (up to date)")
        + ("" if s.version is not None else " — never run")
        + ("" if s.failure is None else f" — STOPPED before {s.failure.describe()}")
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
        typer.echo(f"spotcheck: note: the quota table is at notification {status.position} of "
                   f"{status.head}; run `spotcheck project run` for the latest figures", err=True)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(_report_lines(report)))


HEADER = ("quarter", "category", "population", "required", "drawn", "inspected", "ratio",
          "shortfall")


def _report_lines(report: QuotaReport) -> list[str]:
    a = report.agency
    lines = [f"{a.division_code} {a.name} ({a.level}), {report.year}"]
    lines += _table(report.rows, sources=True) if report.rows else ["  (no rows of its own)"]
    if report.year_rows:
        lines += [f"  the year {report.year} (全年):", *_year_table(report.year_rows)]
    if report.below:
        below = f"the {len(report.below)} agenc{'y' if len(report.below) == 1 else 'ies'} below it"
        lines.append(f"roll-up over {a.division_code} and {below} "
                     f"({', '.join(b.division_code for b in report.below)}):")
        lines += _table(report.rollup, sources=False)
        if report.year_rollup:
            lines += [f"  the year {report.year} (全年):", *_year_table(report.year_rollup)]
    return lines


YEAR_HEADER = ("category", "basis", "officers", "rule figure", "required", "inspected",
               "shortfall")
BASIS_TEXT = {"officer_ratio": "officers × ratio", "share_per_quarter": "share per quarter",
              "none": "none", "mixed": "mixed"}


def _year_table(rows: list[YearRow]) -> list[str]:
    """The year per category: for an officer ratio (general units: 执法人员 × 比例) the figure the
    ratio asks of the year against the unit-visits recorded."""
    from projections.columns import aligned
    return aligned([list(YEAR_HEADER)] + [
        [f"{r.category} {CATEGORY_NAMES.get(r.category, '')}", BASIS_TEXT.get(r.basis, r.basis),
         str(r.officers), str(r.rule_figure), str(r.required), str(r.inspected), str(r.shortfall)]
        for r in rows])


def _table(rows: list[QuotaRow], *, sources: bool) -> list[str]:
    from projections.columns import aligned
    from projections.quotas import Ratio
    cells = [list(HEADER) + (["population from"] if sources else [])]
    for r in rows:
        cells.append([f"Q{r.quarter}", f"{r.category} {CATEGORY_NAMES.get(r.category, '')}",
                      str(r.population), str(r.required), str(r.drawn), str(r.inspected),
                      str(Ratio(r.inspected, r.population)), str(r.shortfall)]
                     + ([r.population_source] if sources else []))
    return aligned(cells)
