"""Blank directory files to fill in (名录导入模板): the headers, an example row, drop-down lists.

``spotcheck entities template`` and ``spotcheck inspectors template`` write an ``.xlsx`` a bureau's
staff fill in and import back unchanged (:func:`ledger.adapters.directory_file.read_table`):

* sheet 名录: a 序号 column, then every column under the header the import reads first (名称,
  统一社会信用代码, …), required ones marked in their header comment; row 2 is an example whose
  序号 is 示例 (the import skips it: it may stay); the header row is frozen;
* every enumerated column has a drop-down list (Excel data validation, which WPS and LibreOffice
  show too) over rows 2 to :data:`TEMPLATE_ROWS` + 1: a closed list (类别, 控制级别, 对象类型,
  外聘专家) refuses other text; an open one (执法类别, 专业特长, 可检查类别, 风险等级) suggests the usual
  values and warns about others, since those columns take several values (大气污染防治、噪声) or a
  label of the agency's own;
* sheet 填写说明: each column, whether it is required, and its allowed values or format.

The allowed values are those the import reads (:data:`directory_file.VALUE_WORDS`); the suggested
ones are the vocabulary the demo directories use. docs/operator-guide.md lists them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ledger.adapters.directory_file import (
    INSPECTOR_COLUMNS,
    INSPECTOR_REQUIRED,
    OBJECT_COLUMNS,
    OBJECT_REQUIRED,
    SERIAL_HEADERS,
    VALUE_WORDS,
    DirectoryFileError,
)

Which = Literal["entities", "inspectors"]
#: Rows under the header that carry the drop-down lists.
TEMPLATE_ROWS = 2000
#: The example row's 序号 (skipped on import).
EXAMPLE = "示例"


@dataclass(frozen=True)
class Choice:
    """The allowed (closed) or suggested (open) values of an enumerated column."""

    values: tuple[str, ...]
    closed: bool
    note: str = ""


def _words(field: str) -> tuple[str, ...]:
    """The agencies' word for each value of a field, first spelling only (重点, 一般, 特殊监管)."""
    first: dict[str, str] = {}
    for word, value in VALUE_WORDS[field].items():
        first.setdefault(value, word)
    return tuple(first.values())


#: 可检查类别: the category combinations an inspector may be limited to.
_CATEGORY_SETS = ("重点、一般、特殊监管", "重点", "一般", "特殊监管", "重点、一般", "重点、特殊监管",
                  "一般、特殊监管")
EXPERTISE = ("大气污染防治", "水污染防治", "固体废物", "危险废物", "土壤污染防治", "噪声", "辐射安全",
             "自动监控", "排污许可", "环境影响评价", "执法稽查", "化工工艺", "环境监测", "清洁生产")
ENFORCEMENT_CATEGORIES = ("生态环境", "技术支持（外聘）")
RISK_GRADES = ("A", "B", "C", "D")

CHOICES: dict[Which, dict[str, Choice]] = {
    "entities": {
        "category": Choice(_words("category"), True),
        "control_level": Choice(_words("control_level"), True,
                                "重点排污单位填写；一般排污单位留空"),
        "kind": Choice(_words("kind"), True, "留空即排污单位"),
        "risk_grade": Choice(RISK_GRADES, False,
                             "规则手册风险权重所列的等级；未分级可留空"),
    },
    "inspectors": {
        "enforcement_category": Choice(ENFORCEMENT_CATEGORIES, False, "留空即生态环境"),
        "expertise": Choice(EXPERTISE, False, "可填多项，用顿号分隔，如 大气污染防治、噪声"),
        "may_inspect": Choice(_CATEGORY_SETS, False,
                              "可填多项，用顿号分隔；留空即三类均可检查"),
        "outside_expert": Choice(("是", "否"), True, "留空即否"),
    },
}

#: The example row, by field (a real-looking unit in 济南市历城区 and a real-looking officer).
EXAMPLES: dict[Which, dict[str, str]] = {
    "entities": {
        "name": "济南泉润化工有限公司", "credit_code": "91370112MA3C5X8K5K",
        "organisation_code": "MA3C5X8K-5", "legal_representative": "王建国",
        "phone": "0531-88776655", "county": "历城区", "industry": "化学原料和化学制品制造业",
        "address": "济南市历城区工业北路88号", "category": "重点", "control_level": "县控",
        "risk_grade": "B", "fixed_source_code": "14370112-MA3C5X8K-5", "kind": "排污单位",
    },
    "inspectors": {
        "name": "李娜", "certificate_no": "37011200012", "post": "执法队员",
        "enforcement_category": "生态环境", "expertise": "大气污染防治、噪声",
        "may_inspect": "重点、一般、特殊监管", "outside_expert": "否",
    },
}

#: What each column holds, for the 填写说明 sheet (the enumerated ones list their values there).
FORMATS: dict[str, str] = {
    "credit_code": "18位统一社会信用代码（GB 32100），校验位须正确",
    "organisation_code": "9位组织机构代码（可写作 12345678-9），须与信用代码第9–17位一致",
    "legal_representative": "姓名",
    "phone": "7–20位数字，如 0531-88776655 或 13800138000",
    "county": "所属区县名称",
    "industry": "国民经济行业分类名称",
    "address": "生产经营地址",
    "fixed_source_code": "山东省编码 环保代码+行政区代码-组织机构代码（如 14370112-MA3C5X8K-5，特殊监管"
                         "对象加(1)），或全国排污许可编码 信用代码+3位顺序码+字母（如 "
                         "91370112MA3C5X8K5K001P）",
    "certificate_no": "执法证号（唯一）",
    "post": "职务或岗位，如 执法队员、外聘专家",
}


def write_template(path: Path, which: Which) -> int:
    """Write the template of one directory (``.xlsx`` only); returns how many columns carry a
    drop-down list."""
    if path.suffix.lower() != ".xlsx":
        raise DirectoryFileError(f"{path}: a template is an .xlsx file (drop-down lists need it)")
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns, required = ((OBJECT_COLUMNS, OBJECT_REQUIRED) if which == "entities"
                         else (INSPECTOR_COLUMNS, INSPECTOR_REQUIRED))
    fields = list(columns)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名录"
    sheet.append([SERIAL_HEADERS[0], *(columns[f][0] for f in fields)])
    sheet.append([EXAMPLE, *(EXAMPLES[which].get(f, "") for f in fields)])
    sheet.freeze_panes = "A2"
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    for cell in sheet[1]:
        cell.font = bold
    for cell in sheet[2]:
        cell.fill = grey
    sheet.column_dimensions["A"].width = 6
    lists = 0
    for index, field in enumerate(fields, start=2):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        sheet.column_dimensions[letter].width = max(12, 2 * len(columns[field][0]) + 4)
        choice = CHOICES[which].get(field)
        need = "必填" if field in required else "选填"
        header.comment = Comment(f"{need}。{_described(field, choice, which)}", "Spotcheck")
        if choice is None:
            continue
        rule = DataValidation(
            type="list", formula1='"' + ",".join(choice.values) + '"', allow_blank=True,
            showDropDown=False, showErrorMessage=True,
            errorStyle="stop" if choice.closed else "warning",
            errorTitle=columns[field][0],
            error=(f"请从下拉列表中选择：{'、'.join(choice.values)}" if choice.closed
                   else f"不在常用值中（{choice.note or '可自填'}），确定保留吗？"),
            promptTitle=columns[field][0], prompt=choice.note or "请从下拉列表中选择",
            showInputMessage=bool(choice.note),
        )
        rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(rule)
        lists += 1
    _guide(book.create_sheet("填写说明"), which, columns, required)
    book.save(path)
    return lists


def _described(field: str, choice: Choice | None, which: Which = "entities") -> str:
    if field == "name":
        return "单位全称（与营业执照一致）" if which == "entities" else "姓名"
    if choice is None:
        return FORMATS.get(field, "")
    kind = "只能填" if choice.closed else "常用值"
    return f"{kind}：{'，'.join(choice.values)}" + (f"（{choice.note}）" if choice.note else "")


def _guide(sheet: Any, which: Which, columns: dict[str, tuple[str, ...]],
           required: Sequence[str]) -> None:
    """The 填写说明 sheet: one line per column."""
    from openpyxl.styles import Font

    rows = [["列名", "也可写作", "必填", "可填的值或格式"],
            [SERIAL_HEADERS[0], "", "否", "行号，导入时忽略；值为「示例」的行不导入"]]
    rows += [[aliases[0], "、".join((*aliases[1:], field)), "是" if field in required else "否",
              _described(field, CHOICES[which].get(field), which)]
             for field, aliases in columns.items()]
    rows.append(["（表头以上）", "", "", "表头上方可有标题行（如「××县2026年污染源名录」），导入时跳过"])
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 16), ("B", 30), ("C", 6), ("D", 90)):
        sheet.column_dimensions[letter].width = width
