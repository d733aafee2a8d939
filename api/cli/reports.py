"""``spotcheck report annex3|annex4``: the seeds' quarterly forms (seed 002 annexes 3 and 4).

Each command brings the projections up to the log's head first (as ``spotcheck project run``
does), then fills the form (:mod:`projections.annex`) and writes it as ``.xlsx``, ``.csv`` or a
printable ``.html`` page, chosen by the extension of ``--out``. Errors are one line with exit
status 2.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.language import t

if TYPE_CHECKING:
    from projections.annex import Form
from api.cli.catalog import COMMANDS
from api.cli.support import command_group, fail, opened_ledger

report_app = command_group(COMMANDS["report"].help)

AgencyOption = Annotated[str, typer.Option("--agency", help="the agency's division code")]
QuarterOption = Annotated[str, typer.Option("--quarter", help="YYYYQn, e.g. 2026Q1")]
OutOption = Annotated[Path, typer.Option("--out", help="FILE.xlsx, FILE.csv or FILE.html")]
HeadOption = Annotated[str, typer.Option("--head", help="负责人 (default: blank, signed on paper)")]
ReviewerOption = Annotated[str, typer.Option("--reviewer", help="审核人 (default: blank)")]
FilerOption = Annotated[str, typer.Option("--filer", help="填表人 (default: blank)")]
RemarksOption = Annotated[str, typer.Option("--remarks", help="remarks under the table (备注)")]
DateOption = Annotated[str | None, typer.Option("--date", help="填报日期 YYYY-MM-DD (default: today)")]


def _produce(which: str, agency: str, quarter: str, out: Path, head: str, reviewer: str,
             filer: str, remarks: str, filed: str | None) -> None:
    from api.bootstrap import open_runner
    from projections.annex import FORMATS, SIGNATURES, AnnexError, annex3, annex4, write_form
    from verify.period import Period
    if out.suffix.lower() not in FORMATS:
        fail(t(f"--out: {out.name}: write .xlsx, .csv or .html",
               f"--out：{out.name}：请写成 .xlsx、.csv 或 .html 文件"))
    try:
        year, q = Period.parse(quarter, field="--quarter", error=AnnexError)
        filed_on = date.fromisoformat(filed) if filed else date.today()
    except AnnexError as exc:
        fail(str(exc))
    except ValueError:
        fail(f"--date: {filed!r} is not a date YYYY-MM-DD")
    signatures = dict(zip(SIGNATURES, (head, reviewer, filer), strict=True))
    with opened_ledger() as ledger:
        runner = open_runner(ledger)
        try:
            runner.run()
            form: Form
            if which == "annex3":
                form = annex3(runner.store, agency, year, q, filed_on=filed_on,
                              signatures=signatures, remarks=remarks)
            else:
                form = annex4(runner.store, ledger.app.repository, agency, year, q,
                              filed_on=filed_on, signatures=signatures, remarks=remarks)
        finally:
            runner.close()
    try:
        write_form(form, out)
    except OSError as exc:
        fail(f"--out: {out}: {exc.strerror or exc}")
    typer.echo(t(f"wrote {form.title} of {form.agency}, {form.period}: {len(form.rows)} row(s) "
                 f"to {out}",
                 f"已把 {form.agency} {form.period} 的《{form.title}》（{len(form.rows)} 行）写入 {out}"))


@report_app.command("annex3")
def report_annex3(agency: AgencyOption, quarter: QuarterOption, out: OutOption, head: HeadOption = "",
                  reviewer: ReviewerOption = "", filer: FilerOption = "", remarks: RemarksOption = "",
                  filed: DateOption = None) -> None:
    """附件3 污染源日常环境监管随机抽查季度汇总表: per agency and rolled up, key / general /
    special: 数量, 抽查数量(家次), 抽查比例."""
    _produce("annex3", agency, quarter, out, head, reviewer, filer, remarks, filed)


@report_app.command("annex4")
def report_annex4(agency: AgencyOption, quarter: QuarterOption, out: OutOption, head: HeadOption = "",
                  reviewer: ReviewerOption = "", filer: FilerOption = "", remarks: RemarksOption = "",
                  filed: DateOption = None) -> None:
    """附件4 重点污染源随机抽查记录表: one row per key-source inspection record of the quarter."""
    _produce("annex4", agency, quarter, out, head, reviewer, filer, remarks, filed)
