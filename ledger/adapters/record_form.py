"""The record of a visit as a form to fill in (污染源现场检查记录表): ``.xlsx`` or JSON.

``spotcheck record template DRAW_ID --unit CODE`` writes the form of one visit, prefilled from the
ledger — the draw, the unit's name, code and address, the team (certificate numbers and names) and
the rulebook's inspection items (随机抽查事项清单) listed exactly as the rulebook names them — and
``spotcheck record file`` reads it back, from either format, into the record
:func:`ledger.domain.inspection_record.check_record` checks.

* JSON (``.json``): the record itself, every field present; the values to fill are empty.
* ``.xlsx`` (sheet 检查记录): one labelled line per field (column A the label, column B the value),
  then three tables — the items (序号, 检查事项, 检查结果, 情况说明), the orders to correct (序号,
  责令改正事项, 整改期限) and the attachments (序号, 附件名称, SHA-256), each numbered from 1 as people
  count. Enumerated cells carry drop-down lists and are written in words (正常生产, 符合, 是, 未监测);
  a date may be typed as a date or as ``YYYY-MM-DD``. An item row whose result and description are
  both left empty is not part of the record (a stopped plant checks no item); an order or attachment
  row without its text is unused.

The form says which draw and unit it is for; filing it for another is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ledger.adapters.json_file import read_json_file
from ledger.domain.inspection_record import STATUSES
from ledger.errors import InvalidInput

FINDING_WORDS = {"compliant": "符合", "problem": "发现问题", "not_applicable": "不适用"}
FACILITY_WORDS = {"normal": "正常运行", "abnormal": "不正常运行", "none": "无防治设施"}
YES, NO, NOT_MONITORED = "是", "否", "未监测"
#: Blank order and attachment lines the form offers (more can be inserted above the next table).
SPARE_LINES = 5
SHEET = "检查记录"

#: The labelled lines of the form: label → the record field (or the form's own draw and unit).
LABELS = {
    "抽查批次": "draw_id",
    "被检查单位": "unit_name",
    "统一社会信用代码": "unit",
    "检查人员（执法证号）": "officers",
    "检查日期": "visited_on",
    "检查地点": "place",
    "生产状态": "status",
    "防治设施是否建成": "annex4.facilities_built",
    "防治设施运行情况": "annex4.facilities_running",
    "排污口是否规范化": "annex4.outfall_standardised",
    "污染物是否达标排放": "annex4.emissions_within_limits",
    "是否立案查处": "case.filed",
    "处罚决定": "case.penalty",
    "备注（存档，不公开）": "remarks",
    "公开说明（经保密审查后公开）": "public_remarks",
}
ITEMS, ORDERS, ATTACHMENTS = "检查事项", "责令改正事项", "附件名称"


class RecordFormError(InvalidInput):
    """A record form that cannot be read; the message names the file, the cell and the rule."""


@dataclass(frozen=True)
class FormItem:
    """One item of the rulebook's list, as the form shows it."""

    item: str
    content: str
    legal_basis: str


@dataclass(frozen=True)
class RecordForm:
    """What the form of one visit is prefilled with."""

    draw_id: str
    unit: str
    unit_name: str
    address: str
    team: tuple[tuple[str, str], ...]  # (certificate, name)
    items: tuple[FormItem, ...]
    period: tuple[str, str]

    def blank_record(self) -> dict[str, Any]:
        """The record with every field present, the ledger's facts filled in, the rest empty."""
        return {
            "officers": [certificate for certificate, _ in self.team],
            "visited_on": "", "place": self.address, "status": "operating",
            "items": [{"item": i.item, "finding": "", "description": ""} for i in self.items],
            "annex4": {"facilities_built": None, "facilities_running": "",
                       "outfall_standardised": None, "emissions_within_limits": None},
            "orders": [], "case": {"filed": False, "penalty": ""}, "attachments": [],
            "remarks": "", "public_remarks": "",
        }


def write_record_form(path: Path, form: RecordForm) -> None:
    """Write the form as ``.xlsx`` or JSON, by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(form.blank_record(), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
    elif suffix == ".xlsx":
        _write_xlsx(path, form)
    else:
        raise RecordFormError(f"--out: {path}: write .xlsx or .json")


def read_record_form(path: Path, draw_id: str, unit: str) -> dict[str, Any]:
    """The record in a filled form (``.xlsx``) or a JSON record file, for ``draw_id``'s visit to
    ``unit``; JSON is read as it is (:func:`read_json_file`)."""
    if path.suffix.lower() != ".xlsx":
        data = read_json_file(path)
        if not isinstance(data, dict):
            raise RecordFormError(f"--file: {path} holds a JSON object (the record), not "
                                  f"{type(data).__name__}")
        return data
    return _read_xlsx(path, draw_id, unit)


# -- writing ---------------------------------------------------------------------------------------
def _write_xlsx(path: Path, form: RecordForm) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    sheet.append(["污染源现场检查记录表"])
    sheet["A1"].font = Font(bold=True, size=14)
    first, last = form.period
    filled = {
        "draw_id": form.draw_id, "unit_name": form.unit_name, "unit": form.unit,
        "officers": "、".join(c for c, _ in form.team), "visited_on": "", "place": form.address,
        "status": STATUSES["operating"], "case.filed": NO,
    }
    notes = {
        "officers": "、".join(f"{n}（{c}）" for c, n in form.team) + "；实际在场人员的执法证号，用顿号分隔",
        "visited_on": f"YYYY-MM-DD，{first} 至 {last} 之间",
        "status": "非正常生产时，检查事项可不填",
        "annex4.emissions_within_limits": "未监测的填「未监测」",
        "case.penalty": "立案查处时填写",
        "remarks": "只存档，任何时候都不公开",
        "public_remarks": "写给公众的说明，经保密审查后在结果公告中公开",
    }
    choices = {
        "status": list(STATUSES.values()),
        "annex4.facilities_built": [YES, NO], "annex4.outfall_standardised": [YES, NO],
        "annex4.facilities_running": list(FACILITY_WORDS.values()),
        "annex4.emissions_within_limits": [YES, NO, NOT_MONITORED], "case.filed": [YES, NO],
    }
    for label, field in LABELS.items():
        sheet.append([label, filled.get(field, ""), notes.get(field, "")])
        row = sheet.max_row
        sheet.cell(row=row, column=1).font = bold
        if field in ("draw_id", "unit_name", "unit"):
            sheet.cell(row=row, column=2).fill = grey
        if field in choices:
            _drop_down(sheet, DataValidation, f"B{row}", choices[field])
    sheet.append([])
    _table_header(sheet, ["序号", ITEMS, "检查结果", "情况说明", "检查内容（依据）"], bold)
    for n, item in enumerate(form.items, start=1):
        sheet.append([n, item.item, "", "", f"{item.content}（{item.legal_basis}）"])
        _drop_down(sheet, DataValidation, f"C{sheet.max_row}", list(FINDING_WORDS.values()))
    sheet.append([])
    _table_header(sheet, ["序号", ORDERS, "整改期限（YYYY-MM-DD）"], bold)
    for n in range(1, SPARE_LINES + 1):
        sheet.append([n, "", ""])
    sheet.append([])
    _table_header(sheet, ["序号", ATTACHMENTS, "SHA-256"], bold)
    for n in range(1, SPARE_LINES + 1):
        sheet.append([n, "", ""])
    for letter, width in (("A", 30), ("B", 36), ("C", 44), ("D", 30), ("E", 50)):
        sheet.column_dimensions[letter].width = width
    for line in sheet.iter_rows():
        for box in line:
            box.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)


def _drop_down(sheet: Any, validation: Any, cell: str, values: Sequence[str]) -> None:
    rule = validation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                      showErrorMessage=True, errorStyle="stop",
                      error=f"请从下拉列表中选择：{'、'.join(values)}")
    rule.add(cell)
    sheet.add_data_validation(rule)


def _table_header(sheet: Any, titles: list[str], bold: Any) -> None:
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font = bold


# -- reading ---------------------------------------------------------------------------------------
def _read_xlsx(path: Path, draw_id: str, unit: str) -> dict[str, Any]:
    rows = _rows(path)
    fields: dict[str, tuple[int, Any]] = {}
    tables: dict[str, list[tuple[int, list[Any]]]] = {ITEMS: [], ORDERS: [], ATTACHMENTS: []}
    current: str | None = None
    for number, cells in rows:
        label = _text(cells, 0)
        if _text(cells, 1) in tables and label == "序号":
            current = _text(cells, 1)
        elif current is None and label in LABELS:
            fields[LABELS[label]] = (number, cells[1] if len(cells) > 1 else None)
        elif current is not None and any(_text(cells, i) for i in range(1, 4)):
            tables[current].append((number, cells))
    missing = [label for label, field in LABELS.items() if field not in fields]
    if missing:
        raise RecordFormError(f"--file: {path}: not a record form of Spotcheck (no line "
                              f"{'、'.join(missing)}; write one with `spotcheck record template`)")
    for field, expected in (("draw_id", draw_id), ("unit", unit)):
        number, value = fields[field]
        if _plain(value).upper() != expected.upper():
            raise RecordFormError(f"--file: {path}: row {number} says the form is for "
                                  f"{_plain(value)!r}, not {expected} (each visit has its own form)")
    cell = _Cells(path, fields)
    record: dict[str, Any] = {
        "officers": _split(cell.text("officers")),
        "visited_on": cell.day("visited_on"), "place": cell.text("place"),
        "status": cell.word("status", {v: k for k, v in STATUSES.items()}),
        "items": [_item(path, n, cells) for n, cells in tables[ITEMS]
                  if _text(cells, 2) or _text(cells, 3)],
        "orders": [{"order": _text(cells, 1), "due": _day_text(cells[2] if len(cells) > 2 else None)}
                   for _, cells in tables[ORDERS] if _text(cells, 1)],
        "case": {"filed": cell.yes_no("case.filed"), "penalty": cell.text("case.penalty")},
        "attachments": [{"name": _text(cells, 1), "sha256": _text(cells, 2).lower()}
                        for _, cells in tables[ATTACHMENTS] if _text(cells, 1)],
        "remarks": cell.text("remarks"), "public_remarks": cell.text("public_remarks"),
    }
    annex4 = {key: fields[f"annex4.{key}"][1] for key in (
        "facilities_built", "facilities_running", "outfall_standardised", "emissions_within_limits")}
    if any(_plain(v) for v in annex4.values()):
        record["annex4"] = {
            "facilities_built": cell.yes_no("annex4.facilities_built"),
            "facilities_running": cell.word("annex4.facilities_running",
                                            {v: k for k, v in FACILITY_WORDS.items()}),
            "outfall_standardised": cell.yes_no("annex4.outfall_standardised"),
            "emissions_within_limits": (None if cell.text("annex4.emissions_within_limits")
                                        == NOT_MONITORED
                                        else cell.yes_no("annex4.emissions_within_limits")),
        }
    return record


class _Cells:
    """The labelled cells of a form, read with the rule of each (an error names row and label)."""

    def __init__(self, path: Path, fields: dict[str, tuple[int, Any]]) -> None:
        self.path, self.fields = path, fields
        self.labels = {field: label for label, field in LABELS.items()}

    def _refuse(self, field: str, rule: str) -> RecordFormError:
        number, value = self.fields[field]
        return RecordFormError(f"--file: {self.path}: row {number}, {self.labels[field]}: "
                               f"{_plain(value)!r} {rule}")

    def text(self, field: str) -> str:
        return _plain(self.fields[field][1])

    def day(self, field: str) -> str:
        return _day_text(self.fields[field][1])

    def word(self, field: str, words: dict[str, str]) -> str:
        """A drop-down cell: its word's value (the English key is accepted too)."""
        text = self.text(field)
        if text in words.values():
            return text
        if text not in words:
            raise self._refuse(field, f"is not one of {'、'.join(words)}")
        return words[text]

    def yes_no(self, field: str) -> bool:
        text = self.text(field)
        if text in (YES, NO):
            return text == YES
        raise self._refuse(field, f"is not {YES} or {NO}")


def _item(path: Path, number: int, cells: list[Any]) -> dict[str, str]:
    """One line of the items table; its 检查结果 one of the drop-down's words."""
    result = _text(cells, 2)
    words = {v: k for k, v in FINDING_WORDS.items()}
    if result not in words and result not in FINDING_WORDS:
        raise RecordFormError(f"--file: {path}: row {number}, 检查结果 of {_text(cells, 1)!r}: "
                              f"{result!r} is not one of {'、'.join(words)}")
    return {"item": _text(cells, 1), "finding": words.get(result, result),
            "description": _text(cells, 3)}


def _rows(path: Path) -> list[tuple[int, list[Any]]]:
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise RecordFormError(f"--file: {path}: no such file") from None
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise RecordFormError(f"--file: {path}: not a readable .xlsx file ({exc})") from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        return [(n, list(values)) for n, values in
                enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _text(cells: list[Any], index: int) -> str:
    return _plain(cells[index]) if index < len(cells) else ""


def _day_text(value: Any) -> str:
    """A date cell: a date typed as a date, or its text (checked by :func:`check_record`)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _plain(value)


def _split(text: str) -> list[str]:
    """The officers line: certificate numbers, each may be written 李娜（65230100012）."""
    from ledger.adapters.directory_file import split_list

    found = []
    for part in split_list(text):
        inner = re.search(r"[（(]\s*([^（()）]+?)\s*[)）]\s*$", part)
        found.append(inner.group(1) if inner else part)
    return found
