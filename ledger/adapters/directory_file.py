"""The files agencies already keep: directory tables in CSV or Excel ``.xlsx`` (名录导入导出).

Agencies keep their two directories as spreadsheets with Chinese column headers (名称, 统一社会信用代码,
法定代表人, 联系电话, 所属区县, 行业, 类别, …); English headers (the field names) are accepted too.
Category and control-level cells may be written the agencies' way (重点 / 一般 / 特殊监管, 国控 / 省控 /
市控 / 县控) or as the field values.

Files are read as bureaus keep them: title rows above the header (``昌吉市2026年污染源名录``, ``填报
单位：…``) are skipped, the header being the first row that names at least two known columns; a
序号 column (the running number every Chinese table has) is ignored, and a row whose 序号 is 示例 is
the example row of a template (:mod:`ledger.adapters.directory_template`) and is skipped. Row numbers
are the file's own (the header on row 3 makes the first data row 4).

Reading turns a file into numbered rows of field values and reports what cannot be read — every
unknown, repeated or missing column of the header at once; checking and storing the rows is the
application's work (:meth:`ledger.services.application.LedgerApp.import_objects`), all or nothing
per file, every bad cell of every row reported at once.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from itertools import chain
from pathlib import Path
from typing import Any

from ledger.adapters.spreadsheet import csv_row, unquote_csv_cell, xlsx_row
from ledger.domain.text import text_problem
from ledger.errors import InvalidInput

Progress = Callable[[int], None]

#: Inspection-object columns: field name → the Chinese header agencies use (first) and synonyms.
OBJECT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "单位名称", "企业名称", "项目名称"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "organisation_code": ("组织机构代码",),
    "legal_representative": ("法定代表人", "法人代表"),
    "phone": ("联系电话", "电话"),
    "county": ("所属区县", "区县", "所在区县"),
    "industry": ("行业", "行业类别"),
    "address": ("地址", "详细地址", "生产经营地址"),
    "category": ("类别", "监管类别"),
    "control_level": ("控制级别", "监管级别", "重点排污单位级别"),
    "risk_grade": ("风险等级",),
    "fixed_source_code": ("固定污染源编码", "污染源编码"),
    "kind": ("对象类型",),
}
OBJECT_REQUIRED = ("name", "credit_code", "county", "category")

#: Inspector columns.
INSPECTOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "certificate_no": ("执法证号", "执法证件号", "证件号"),
    "post": ("职务", "岗位"),
    "enforcement_category": ("执法类别",),
    "expertise": ("专业特长", "专长"),
    "may_inspect": ("可检查类别",),
    "outside_expert": ("外聘专家",),
}
INSPECTOR_REQUIRED = ("name", "certificate_no", "post")

#: Cell values written the agencies' way, per field.
VALUE_WORDS: dict[str, dict[str, str]] = {
    "category": {"重点": "key", "一般": "general", "特殊监管": "special", "重点排污单位": "key",
                 "一般排污单位": "general", "特殊": "special", "特殊监管对象": "special"},
    "control_level": {"国控": "national", "省控": "provincial", "市控": "city", "县控": "county"},
    "kind": {"排污单位": "unit", "建设项目": "construction_project"},
}
LIST_SEPARATORS = ("、", ",", "，", ";", "；")
#: The running-number column of Chinese tables: read and ignored.
SERIAL_HEADERS = ("序号",)
#: The 序号 of a template's example row: the row is skipped on import.
EXAMPLE_MARKS = ("示例", "例")
#: How many rows from the top may hold titles before the header.
HEADER_SEARCH = 10
#: The longest cell read, in characters (every field's own limit is lower: this stops a runaway
#: cell before it is checked any further).
LONGEST_CELL = 1000
#: Field values written back the agencies' way (the first word of each meaning).
_WORDS_FOR_VALUES: dict[str, dict[object, str]] = {
    field: {value: word for word, value in reversed(list(words.items()))}
    for field, words in VALUE_WORDS.items()
}


class DirectoryFileError(InvalidInput):
    """A file that cannot be read as a directory table (missing, unknown format, bad header)."""


@dataclass(frozen=True)
class RowProblem:
    """One bad row: its number in the file (header = 1), the column, and why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


@dataclass(frozen=True)
class Table:
    """The rows of one file, as field values, with the header each field came from, and the
    cells that could not be read at all (a control character, a value beyond the header's last
    column, a runaway cell): those are in ``problems`` and left out of their row in ``rows``
    (whose other cells are still checked)."""

    path: Path
    headers: dict[str, str]
    rows: list[tuple[int, dict[str, str]]]
    problems: list[RowProblem] = default(default_factory=list)

    def column_of(self, name: str) -> str:
        name = name.removeprefix("details.")
        return self.headers.get(name, name)


def read_table(
    path: Path,
    columns: dict[str, tuple[str, ...]],
    required: Sequence[str],
    progress: Progress | None = None,
) -> Table:
    """Read a CSV or ``.xlsx`` directory table; title rows above the header, the 序号 column,
    a template's example row and blank rows are skipped."""
    raw = _raw_rows(path)
    header_number, header, ahead = _find_header(raw, columns)
    if header is None:
        raise DirectoryFileError(f"{path}: the file is empty (no header row)")
    fields, serial = _map_header(path, header_number, header, columns, required)
    headers = {name: str(header[i]).strip() for i, name in fields.items()}
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[RowProblem] = []
    numbered = enumerate(chain(ahead, raw), start=header_number + 1)
    for number, cells in numbered:
        if serial is not None and _cell(cells, serial) in EXAMPLE_MARKS:
            continue  # a template's example row
        values = {name: _cell(cells, i) for i, name in fields.items()}
        unreadable = _unreadable(number, cells, fields, headers, serial)
        problems.extend(unreadable)
        # a row's other cells are still checked, so that every bad cell is reported at once
        bad = {p.column for p in unreadable}
        values = {f: v for f, v in values.items() if headers[f] not in bad}
        if any(values.values()):
            rows.append((number, {f: _normalise(f, v) for f, v in values.items() if v}))
        if progress is not None and number % 10_000 == 0:
            progress(number)
    return Table(path, headers, rows, problems)


def _find_header(
    raw: Iterator[list[Any]], columns: dict[str, tuple[str, ...]]
) -> tuple[int, list[Any] | None, list[list[Any]]]:
    """The header row (its number and cells) and the rows read past it: the first of the first
    :data:`HEADER_SEARCH` rows naming at least two known columns, else the first non-blank row
    (whose unknown columns are then reported). Rows above it are titles."""
    names = _known_names(columns)
    seen: list[list[Any]] = []
    for cells in raw:
        seen.append(cells)
        known = sum(1 for cell in cells if str(cell or "").strip() in names)
        if known >= 2:
            return len(seen), cells, []
        if len(seen) == HEADER_SEARCH:
            break
    for number, cells in enumerate(seen, start=1):
        if any(str(cell or "").strip() for cell in cells):
            return number, cells, seen[number:]
    return 1, None, []


def _known_names(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every header a column may have → its field (序号 → ``""``: read, then ignored)."""
    names = {name: field for field, aliases in columns.items() for name in (field, *aliases)}
    return {**names, **dict.fromkeys(SERIAL_HEADERS, "")}


def _unreadable(
    number: int, cells: list[Any], fields: dict[int, str], headers: dict[str, str],
    serial: int | None = None,
) -> list[RowProblem]:
    """What makes a row's cells unreadable: the text rule (:mod:`ledger.domain.text`), a cell
    longer than :data:`LONGEST_CELL`, a value in a column the header does not name."""
    found: list[RowProblem] = []
    for index in range(len(cells)):
        value = _cell(cells, index)
        if not value or index == serial:
            continue
        name = fields.get(index)
        column = headers[name] if name is not None else f"{_column_letter(index)} (no header)"
        if name is None:
            found.append(RowProblem(number, column, "a value in a column the header does not "
                                    "name; remove it or give the column a known header"))
        elif len(value) > LONGEST_CELL:
            found.append(RowProblem(number, column, f"{len(value)} characters, longer than any "
                                    f"field may be ({LONGEST_CELL})"))
        elif (problem := text_problem(value)) is not None:
            found.append(RowProblem(number, column, problem))
    return found


def _column_letter(index: int) -> str:
    """A spreadsheet's column name: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_table(
    path: Path, columns: dict[str, tuple[str, ...]], rows: Iterable[dict[str, Any]],
    *, english: bool = False,
) -> int:
    """Write rows as ``.xlsx`` or CSV (by suffix) with Chinese headers (or English ones); a cell
    a spreadsheet would run as a formula is written as text (:mod:`ledger.adapters.spreadsheet`)."""
    fields = list(columns)
    header = fields if english else [columns[f][0] for f in fields]
    body = [[cell_text(f, row.get(f, ""), english) for f in fields] for row in rows]
    if path.suffix.lower() == ".xlsx":
        import openpyxl  # imported when a spreadsheet is read or written

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("名录")
        sheet.append(header)
        for line in body:
            sheet.append(xlsx_row(sheet, line))
        book.save(path)
    elif path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(csv_row(line) for line in body)
    else:
        raise DirectoryFileError(f"{path}: write .xlsx or .csv")
    return len(body)


def cell_text(field: str, value: Any, english: bool = False) -> str:
    """A field's value as a cell of an export shows it (重点 for ``key``, 是 for true, a list as
    大气、水), or with English words."""
    words: dict[str, dict[object, str]] = {} if english else {
        **_WORDS_FOR_VALUES, "may_inspect": _WORDS_FOR_VALUES["category"]}
    if isinstance(value, list | tuple):
        return LIST_SEPARATORS[0].join(cell_text(field, v, english) for v in value)
    if isinstance(value, bool) and english:
        return "yes" if value else "no"
    return _as_cell(_word(words, field, value))


def _word(words: dict[str, dict[object, str]], field: str, value: Any) -> Any:
    """The agencies' word for a field's value (重点 for ``key``); a list cell as it is."""
    return value if isinstance(value, list | dict) else words.get(field, {}).get(value, value)


def split_list(text: str) -> list[str]:
    """A cell holding several values (专长: "大气、水")."""
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def _raw_rows(path: Path) -> Iterator[list[Any]]:
    if not path.is_file():
        raise DirectoryFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    raise DirectoryFileError(f"{path}: not a .csv or .xlsx file")


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for cells in csv.reader(handle):
                yield [unquote_csv_cell(cell) for cell in cells]
    except UnicodeDecodeError:
        raise DirectoryFileError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DirectoryFileError(f"{path}: not a readable .xlsx file ({exc})") from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        book.close()


def _map_header(
    path: Path, number: int, header: list[Any], columns: dict[str, tuple[str, ...]],
    required: Sequence[str],
) -> tuple[dict[int, str], int | None]:
    """The header's columns (index → field) and the 序号 column's index; every unknown, repeated
    or missing column is reported at once."""
    names = _known_names(columns)
    fields: dict[int, str] = {}
    first: dict[str, str] = {}
    serial: int | None = None
    problems: list[str] = []
    for index, cell in enumerate(header):
        title = str(cell or "").strip()
        if not title:
            continue
        field = names.get(title)
        if field is None:
            problems.append(f"row {number}, column {title}: unknown column")
        elif field == "":
            serial = index
        elif field in first:
            problems.append(f"row {number}, column {title}: {field} appears twice (as "
                            f"{first[field]} and {title})")
        else:
            first[field] = title
            fields[index] = field
    missing = [columns[f][0] for f in required if f not in fields.values()]
    if missing:
        problems.append(f"row {number}: missing column(s) {', '.join(missing)}")
    known = ("" if not any(p.endswith("unknown column") for p in problems) else
             f" (known columns: {SERIAL_HEADERS[0]}, "
             f"{', '.join(aliases[0] for aliases in columns.values())})")
    if len(problems) == 1:
        raise DirectoryFileError(f"{path}: {problems[0]}{known}")
    if problems:  # one line, like every error of a file that cannot be read
        raise DirectoryFileError(f"{path}: the header has {len(problems)} problems, nothing "
                                 "imported: " + "; ".join(problems) + known)
    return fields, serial


def _cell(cells: list[Any], index: int) -> str:
    if index >= len(cells) or cells[index] is None:
        return ""
    value = cells[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or code typed into a number cell
    return str(value).strip()


def _normalise(field: str, value: str) -> str:
    return VALUE_WORDS.get(field, {}).get(value, value)


def _as_cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return LIST_SEPARATORS[0].join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)
