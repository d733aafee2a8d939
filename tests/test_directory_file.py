"""Directory files agencies keep (CSV / .xlsx, Chinese or English headers): all or nothing."""

from __future__ import annotations

import csv
from pathlib import Path
from uuid import UUID

import openpyxl
import pytest

from ledger.adapters.directory_file import (
    INSPECTOR_COLUMNS,
    INSPECTOR_REQUIRED,
    OBJECT_COLUMNS,
    OBJECT_REQUIRED,
    DirectoryFileError,
    read_table,
    write_table,
)
from ledger.demo.county import credit_code
from ledger.services.imports import ImportRejected
from ledger.services.ledger import Ledger

HEADER = ["名称", "统一社会信用代码", "法定代表人", "联系电话", "所属区县", "行业", "类别", "控制级别"]


def _rows(count: int) -> list[list[str]]:
    return [
        [f"昌吉市第{n}热电有限公司", credit_code(n), "张三", "0994-2345678", "昌吉市", "火力发电",
         "重点" if n % 3 == 0 else "一般", "市控" if n % 3 == 0 else ""]
        for n in range(1, count + 1)
    ]


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _objects(path: Path) -> object:
    return read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED)


@pytest.fixture
def county(ledger: Ledger) -> UUID:
    return ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", "652301", "county")


@pytest.mark.parametrize("write", [_csv, _xlsx])
def test_a_file_with_chinese_headers_imports_every_row(
    ledger: Ledger, county: UUID, tmp_path: Path, write: object
) -> None:
    path = write(tmp_path / ("units.csv" if write is _csv else "units.xlsx"), HEADER, _rows(9))  # type: ignore[operator]
    result = ledger.app.import_objects(county, read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED))
    assert (result.added, result.unchanged) == (9, 0)
    registered = [n for n in ledger.app.notifications(1, 100) if n.topic.endswith("Registered")]
    assert len(registered) == 9


def test_importing_the_same_file_twice_changes_nothing(
    ledger: Ledger, county: UUID, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "units.csv", HEADER, _rows(5))
    ledger.app.import_objects(county, read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED))
    before = len(ledger.app.notifications(1, 100))
    again = ledger.app.import_objects(county, read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED))
    assert (again.added, again.unchanged) == (0, 5)
    assert len(ledger.app.notifications(1, 100)) == before


def test_every_bad_row_is_reported_and_nothing_is_stored(
    ledger: Ledger, county: UUID, tmp_path: Path
) -> None:
    rows = _rows(6)
    rows[1][1] = rows[1][1][:-1] + ("0" if rows[1][1][-1] != "0" else "1")  # bad check character
    rows[2][1] = rows[0][1]  # duplicate code
    rows[3][6] = "很重要"  # unknown category
    rows[4][0] = ""  # missing name
    path = _csv(tmp_path / "units.csv", HEADER, rows)
    with pytest.raises(ImportRejected) as rejected:
        ledger.app.import_objects(county, read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED))
    problems = [(p.row, p.column) for p in rejected.value.problems]
    assert problems == [(3, "统一社会信用代码"), (4, "统一社会信用代码"), (5, "类别"), (6, "名称")]
    assert "duplicate of row 2" in str(rejected.value)
    assert len(ledger.app.notifications(1, 100)) == 1  # only the agency


def test_english_headers_and_field_values_are_accepted(tmp_path: Path) -> None:
    header = ["name", "credit_code", "county", "category", "control_level"]
    path = _csv(tmp_path / "units.csv", header, [["某公司", credit_code(1), "昌吉市", "key", "city"]])
    table = read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED)
    assert table.rows == [(2, {"name": "某公司", "credit_code": credit_code(1), "county": "昌吉市",
                               "category": "key", "control_level": "city"})]


@pytest.mark.parametrize(("header", "message"), [
    (["名称", "统一社会信用代码", "所属区县"], "missing column"),
    ([*HEADER, "备注说明"], "column 备注说明: unknown column"),
    (["名称", "单位名称", "统一社会信用代码", "所属区县", "类别"], "appears twice"),
])
def test_a_bad_header_names_the_column(tmp_path: Path, header: list[str], message: str) -> None:
    path = _csv(tmp_path / "units.csv", header, [])
    with pytest.raises(DirectoryFileError, match=message):
        read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED)


def test_a_file_that_is_not_a_table_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "units.xlsx").write_bytes(b"not a zip")
    with pytest.raises(DirectoryFileError, match="not a readable .xlsx"):
        read_table(tmp_path / "units.xlsx", OBJECT_COLUMNS, OBJECT_REQUIRED)
    with pytest.raises(DirectoryFileError, match="no such file"):
        read_table(tmp_path / "missing.csv", OBJECT_COLUMNS, OBJECT_REQUIRED)
    (tmp_path / "units.txt").write_text("x")
    with pytest.raises(DirectoryFileError, match="not a .csv or .xlsx"):
        read_table(tmp_path / "units.txt", OBJECT_COLUMNS, OBJECT_REQUIRED)


def test_inspectors_import_with_lists_and_flags(
    ledger: Ledger, county: UUID, tmp_path: Path
) -> None:
    header = ["姓名", "执法证号", "职务", "专业特长", "可检查类别", "外聘专家"]
    path = _xlsx(tmp_path / "inspectors.xlsx", header, [
        ["李娜", "65230100012", "执法队员", "大气、水", "key,general", "否"],
        ["周敏", "65230100099", "外聘专家", "固废", "", "是"],
        ["王强", "65230100100", "执法队员", "", "重点、特殊监管", "否"],
    ])
    result = ledger.app.import_inspectors(
        county, read_table(path, INSPECTOR_COLUMNS, INSPECTOR_REQUIRED))
    assert result.added == 3
    from ledger.domain.inspector import Inspector, inspector_id

    officer: Inspector = ledger.app.repository.get(inspector_id("65230100012"))
    expert: Inspector = ledger.app.repository.get(inspector_id("65230100099"))
    assert officer.expertise == ["大气", "水"] and officer.may_inspect == ["key", "general"]
    assert expert.outside_expert and expert.may_inspect == ["key", "general", "special"]
    wang: Inspector = ledger.app.repository.get(inspector_id("65230100100"))
    assert wang.may_inspect == ["key", "special"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_directory_written_out_reads_back_the_same(tmp_path: Path, suffix: str) -> None:
    rows = [{"name": "某公司", "credit_code": credit_code(1), "county": "昌吉市", "category": "key",
             "control_level": "city", "phone": "0994-2345678"}]
    path = tmp_path / f"out{suffix}"
    assert write_table(path, OBJECT_COLUMNS, rows) == 1
    table = read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED)
    assert table.headers["credit_code"] == "统一社会信用代码"
    assert table.rows == [(2, rows[0])]


def test_a_directory_written_with_chinese_headers_uses_the_agencies_words(tmp_path: Path) -> None:
    rows = [{"name": "某公司", "credit_code": credit_code(1), "county": "昌吉市", "category": "special",
             "control_level": "county", "kind": "construction_project"}]
    write_table(tmp_path / "out.csv", OBJECT_COLUMNS, rows)
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "特殊监管" in text and "县控" in text and "建设项目" in text
    write_table(tmp_path / "en.csv", OBJECT_COLUMNS, rows, english=True)
    assert "special" in (tmp_path / "en.csv").read_text(encoding="utf-8-sig")
