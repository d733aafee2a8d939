"""The seeds' quarterly forms (seed 002 annexes 3 and 4), filled from the read models.

``annex3``  污染源日常环境监管随机抽查季度汇总表: per agency (the agency itself and every agency
            below it that has rows of its own) and the roll-up (合计), for the key, general and
            special categories: the number of units (数量, the quota table's ``population``), the
            unit-visits inspected (抽查数量(家次), ``inspected``) and the ratio (抽查比例, a
            :class:`Ratio`: a number in the spreadsheet, shown as a percentage rounded half up to
            two decimals, 17/32 → 53.13%); a remark per row naming the plan's requirement and any
            shortfall; the 合计 row last, always (the sum of the rows above, or the agency's own
            figures when it is alone); the signatures (负责人 / 审核人 / 填表人) left blank unless
            given.
``annex4``  重点污染源随机抽查记录表: one row per key-source inspection (one unit drawn from the key
            stratum of a units draw of the quarter, with its record filed) of the agency and the
            agencies below it, from the current record (after corrections) and the directory entry.

Both are read from the quota projection (:mod:`projections.quotas`): run it first. Annex 4 then
loads the Inspection and InspectionObject aggregates named by ``quota_inspections``.

Writers (:func:`write_form`, chosen by the file's suffix): ``.xlsx`` (a title row, the reporting
agency and quarter, bold two-level headings, column widths, A4 landscape), ``.csv`` (one flattened
heading row, then the rows; UTF-8 with a byte-order mark so that Excel opens the Chinese text
correctly) and ``.html`` (one self-contained printable page, A4 landscape, every value escaped).
"""

from __future__ import annotations

import csv
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ledger.adapters.spreadsheet import csv_row, xlsx_row
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.inspection import Inspection
from ledger.domain.inspection_record import STATUSES
from ledger.errors import InvalidInput
from projections.columns import display_width
from projections.quotas import (
    CATEGORIES,
    QUARTERS,
    Agency,
    QuotaQueryError,
    QuotaRow,
    Ratio,
    descendants,
    quota_report,
)
from projections.runner import ProjectionStore

ANNEX3_TITLE = "污染源日常环境监管随机抽查季度汇总表"
ANNEX4_TITLE = "重点污染源随机抽查记录表"
FORMATS = (".xlsx", ".csv", ".html")
CATEGORY_NAMES = {"key": "重点", "general": "一般", "special": "特殊"}
#: Seed 002 annex 3's headings: the agency, three groups of (数量, 抽查数量(家次), 抽查比例), remarks.
ANNEX3_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("环保机构名称", ()),
    ("辖区内重点污染源数量", ("数量", "抽查数量(家次)", "抽查比例")),
    ("辖区内一般污染源数量", ("数量", "抽查数量(家次)", "抽查比例")),
    ("辖区内特殊监管对象数量", ("数量", "抽查数量(家次)", "抽查比例")),
    ("备注", ()),
)
#: Seed 002 annex 4's headings.
ANNEX4_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple((h, ()) for h in (
    "序号", "企业固定编码", "企业名称", "所在县(市、区)", "生产状态", "污染治理设施建设情况",
    "污染治理设施运行情况", "排污口规范化整治情况", "污染物排放达标情况", "检查时间", "抽查发现的问题",
    "处理处罚情况", "备注",
))
SIGNATURES = ("负责人(签字)", "审核人(签字)", "填表人(签字)")
BUILT = {True: "已建", False: "未建"}
RUNNING = {"normal": "正常", "abnormal": "异常", "none": "无设施"}
OUTFALL = {True: "已规范", False: "未规范"}
EMISSIONS = {True: "达标", False: "超标", None: "未监测"}


class AnnexError(InvalidInput):
    """A form that cannot be produced; the message names the option."""


@dataclass(frozen=True)
class Form:
    """A filled form: its title, who files it for which quarter, headings, rows and signatures."""

    title: str
    agency: str
    period: str
    filed_on: date
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    rows: list[list[Cell]]
    signatures: dict[str, str] = field(default_factory=dict)
    remarks: str = ""

    @property
    def columns(self) -> list[str]:
        """The headings flattened to one row: ``group-sub`` for a group with sub-headings."""
        return [group if not sub else f"{group}-{sub}" for group, subs in self.groups
                for sub in (subs or ("",))]

    @property
    def two_level(self) -> bool:
        return any(subs for _, subs in self.groups)

    @property
    def caption(self) -> str:
        return f"填报单位：{self.agency}　报告期：{self.period}　填报日期：{self.filed_on:%Y年%m月%d日}"


Cell = str | int | Ratio


def period_text(year: int, quarter: int) -> str:
    return f"{year}年第{quarter}季度"


# -- annex 3 -----------------------------------------------------------------------------------------
def _annex3_row(name: str, rows: Sequence[QuotaRow]) -> list[Cell]:
    by = {r.category: r for r in rows}
    cells: list[Cell] = [name]
    for category in CATEGORIES:
        r = by.get(category, QuotaRow(0, category))
        cells += [r.population, r.inspected, Ratio(r.inspected, r.population)]
    required = "、".join(f"{CATEGORY_NAMES[c]}{by[c].required}" for c in CATEGORIES if c in by)
    short = "、".join(f"{CATEGORY_NAMES[c]}{by[c].shortfall}" for c in CATEGORIES
                     if c in by and by[c].shortfall)
    remark = f"计划要求{required}家次" if required else ""
    if short:
        remark += f"；尚差{short}家次"
    cells.append(remark)
    return cells


def annex3(store: ProjectionStore, code: str, year: int, quarter: int, *, filed_on: date,
           signatures: dict[str, str] | None = None, remarks: str = "") -> Form:
    """Annex 3 of the agency with division code ``code`` for one quarter, from the quota table:
    one row per agency with rows of its own (the agency, then those below it by division code),
    then the roll-up (合计), always."""
    if quarter not in QUARTERS:
        raise AnnexError(f"--quarter: {quarter} is not a quarter (1-4)")
    report = quota_report(store, code, year, quarter)
    body: list[list[Cell]] = []
    for agency in [report.agency, *report.below]:
        own = report.rows if agency is report.agency else quota_report(
            store, agency.division_code, year, quarter).rows
        if own:
            body.append(_annex3_row(agency.name, own))
    body.append(_annex3_row("合计", report.rollup if report.below else report.rows))
    return Form(ANNEX3_TITLE, report.agency.name, period_text(year, quarter), filed_on,
                ANNEX3_GROUPS, body, dict(signatures or {}), remarks)


# -- annex 4 -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyRecord:
    """One key-source inspection of the quarter, as read from the ledger."""

    agency: Agency
    inspection: Inspection
    unit: InspectionObject | None


def key_records(store: ProjectionStore, repository: Any, code: str, year: int, quarter: int
                ) -> tuple[Agency, list[KeyRecord]]:
    """The key-source inspections with a record filed of the agency's (and its sub-agencies')
    units draws of the quarter, by agency, visit date and unit."""
    with store.read() as cur:
        cur.execute("SELECT agency_id, division_code, name, level, parent_id FROM agencies")
        agencies = [Agency(*(str(v) for v in row)) for row in cur.fetchall()]
        agency = next((a for a in agencies if a.division_code == code), None)
        if agency is None:
            raise QuotaQueryError(f"--agency: no agency with division code {code} in the quota table "
                                  "(established here? run `spotcheck project run`)")
        scope = {a.agency_id: a for a in [agency, *descendants(agencies, agency.agency_id)]}
        marks = ", ".join("?" for _ in scope)
        cur.execute("SELECT inspection_id, agency_id FROM quota_inspections WHERE year = ? AND"
                    f" quarter = ? AND category = 'key' AND counted = 1 AND agency_id IN ({marks})",
                    (year, quarter, *scope))
        found = [(str(i), str(a)) for i, a in cur.fetchall()]
    records = []
    for inspection_uuid, agency_uuid in found:
        inspection: Inspection = repository.get(UUID(inspection_uuid))
        try:
            unit: InspectionObject | None = repository.get(object_id(inspection.agency_id,
                                                                     inspection.unit))
        except Exception:  # a unit drawn but not (or no longer) in this agency's directory
            unit = None
        records.append(KeyRecord(scope[agency_uuid], inspection, unit))

    def order(r: KeyRecord) -> tuple[str, str, str]:
        return (r.agency.division_code, str((r.inspection.record or {}).get("visited_on", "")),
                r.inspection.unit)

    return agency, sorted(records, key=order)


def _annex4_row(n: int, key: KeyRecord) -> list[Cell]:
    record: dict[str, Any] = key.inspection.record or {}
    annex = record.get("annex4") or {}
    unit = key.unit
    problems = [f"{i['item']}：{i['description']}" for i in record.get("items", [])
                if i.get("finding") == "problem"]
    handling = [f"责令改正：{o['order']}（限期{o['due']}）"
                + ("，已整改" if k in key.inspection.rectified else "")
                for k, o in enumerate(record.get("orders", []))]
    case = record.get("case") or {}
    if case.get("filed"):
        handling.append("立案查处" + (f"：{case['penalty']}" if case.get("penalty") else ""))
    operating = record.get("status") == "operating"
    remarks = [str(record.get("public_remarks", "")).strip()]  # never the remarks for the file
    if key.inspection.corrections:
        remarks.append(f"记录已更正{key.inspection.corrections}次")
    return [
        n,
        unit.details.get("fixed_source_code", "") if unit else "",
        unit.name if unit else key.inspection.unit_name,
        unit.county if unit else "",
        STATUSES.get(str(record.get("status", "")), str(record.get("status", ""))),
        BUILT.get(annex["facilities_built"], "") if "facilities_built" in annex else "",
        RUNNING.get(str(annex.get("facilities_running", "")), ""),
        OUTFALL.get(annex["outfall_standardised"], "") if "outfall_standardised" in annex else "",
        EMISSIONS.get(annex["emissions_within_limits"], "") if "emissions_within_limits" in annex
        else "",
        str(record.get("visited_on", "")),
        "；".join(problems) or ("未发现问题" if operating else ""),
        "；".join(handling) or ("无" if operating else ""),
        "；".join(r for r in remarks if r),
    ]


def annex4(store: ProjectionStore, repository: Any, code: str, year: int, quarter: int, *,
           filed_on: date, signatures: dict[str, str] | None = None, remarks: str = "") -> Form:
    """Annex 4 of the agency with division code ``code`` for one quarter: one row per key-source
    inspection with its record filed (the agency's and those of the agencies below it)."""
    if quarter not in QUARTERS:
        raise AnnexError(f"--quarter: {quarter} is not a quarter (1-4)")
    agency, records = key_records(store, repository, code, year, quarter)
    body = [_annex4_row(n, r) for n, r in enumerate(records, start=1)]
    return Form(ANNEX4_TITLE, agency.name, period_text(year, quarter), filed_on, ANNEX4_GROUPS,
                body, dict(signatures or {}), remarks)


# -- writers -----------------------------------------------------------------------------------------
def write_form(form: Form, path: Path) -> None:
    """Write ``form`` as ``.xlsx``, ``.csv`` or ``.html``, by ``path``'s suffix."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise AnnexError(f"--out: {path.name}: write .xlsx, .csv or .html")
    {".xlsx": write_xlsx, ".csv": write_csv, ".html": write_html}[suffix](form, path)


def _signature_line(form: Form) -> str:
    return "　　".join(f"{s}：{form.signatures.get(s, '')}" for s in SIGNATURES)


def write_csv(form: Form, path: Path) -> None:
    """One heading row, then the rows; UTF-8 with a BOM (``utf-8-sig``) for Excel."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_row(form.columns))
        writer.writerows(csv_row([str(c) if isinstance(c, Ratio) else c for c in row])
                         for row in form.rows)


def write_xlsx(form: Form, path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "附件3" if form.title == ANNEX3_TITLE else "附件4"
    width = len(form.columns)
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append(xlsx_row(sheet, [form.title]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = centre
    sheet.append(xlsx_row(sheet, [form.caption]))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    first = 3
    levels = 2 if form.two_level else 1
    column = 1
    for group, subs in form.groups:
        sheet.cell(first, column, group)  # (headings are ours, never a formula)
        if subs:
            sheet.merge_cells(start_row=first, start_column=column, end_row=first,
                              end_column=column + len(subs) - 1)
            for k, sub in enumerate(subs):
                sheet.cell(first + 1, column + k, sub)
            column += len(subs)
        else:
            if levels == 2:
                sheet.merge_cells(start_row=first, start_column=column, end_row=first + 1,
                                  end_column=column)
            column += 1
    for row in sheet.iter_rows(min_row=first, max_row=first + levels - 1):
        for cell in row:
            cell.font = bold
            cell.alignment = centre
    for line in form.rows:
        sheet.append(xlsx_row(sheet, [value.value if isinstance(value, Ratio) else value
                                      for value in line]))
        for column, value in enumerate(line, start=1):
            if isinstance(value, Ratio):
                sheet.cell(sheet.max_row, column).number_format = "0.00%"
    sheet.append([])
    if form.remarks:
        sheet.append([f"备注：{form.remarks}"])
    sheet.append(xlsx_row(sheet, [_signature_line(form)]))
    for n, heading in enumerate(form.columns, start=1):
        longest = max([display_width(str(r[n - 1])) for r in form.rows]
                      + [display_width(heading.split("-")[-1]), 6])
        sheet.column_dimensions[get_column_letter(n)].width = min(longest + 2, 40)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    book.save(path)


_CSS = """@page { size: A4 landscape; margin: 12mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 10.5pt; }
h1 { text-align: center; font-size: 16pt; margin: 0 0 6pt; }
p.caption, p.signatures, p.remarks { margin: 4pt 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: center; vertical-align: middle;
  word-break: keep-all; }
td.short { white-space: nowrap; }
th { font-weight: bold; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }"""


def _td(value: Cell) -> str:
    """A cell; a short one (a count, a ratio, a date, 生产状态) is never wrapped, so that a narrow
    column does not print one character per line."""
    text = str(value)
    short = ' class="short"' if len(text) <= 12 else ""
    return f"<td{short}>{html.escape(text)}</td>"


def write_html(form: Form, path: Path) -> None:
    """One self-contained page for printing (A4 landscape); every value is escaped."""
    e = html.escape
    top, second = [], []
    levels = 2 if form.two_level else 1
    for group, subs in form.groups:
        if subs:
            top.append(f'<th colspan="{len(subs)}">{e(group)}</th>')
            second += [f"<th>{e(sub)}</th>" for sub in subs]
        else:
            top.append(f'<th rowspan="{levels}">{e(group)}</th>' if levels == 2 else f"<th>{e(group)}</th>")
    head = "<tr>" + "".join(top) + "</tr>" + ("<tr>" + "".join(second) + "</tr>" if second else "")
    body = "\n".join("<tr>" + "".join(_td(v) for v in row) + "</tr>" for row in form.rows)
    remarks = f'<p class="remarks">备注：{e(form.remarks)}</p>\n' if form.remarks else ""
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(form.title)} {e(form.agency)} {e(form.period)}</title>\n"
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<h1>{e(form.title)}</h1>\n<p class=\"caption\">{e(form.caption)}</p>\n"
        f"<table>\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"
        f"{remarks}<p class=\"signatures\">{e(_signature_line(form))}</p>\n</body>\n</html>\n"
    )
    path.write_text(page, encoding="utf-8")
