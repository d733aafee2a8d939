"""Directory files as a county bureau keeps them (济南市生态环境局历城区分局, 370112).

Title rows above the header, a 序号 column, every bad cell reported at once, templates with
drop-down lists, the national permit numbering beside Shandong's, and the tool's own exports
re-imported unchanged (an original file re-imported after a change says what differs).
"""

from __future__ import annotations

import csv
from pathlib import Path
from uuid import UUID

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from ledger.adapters.directory_file import (
    INSPECTOR_COLUMNS,
    INSPECTOR_REQUIRED,
    OBJECT_COLUMNS,
    OBJECT_REQUIRED,
    DirectoryFileError,
    read_table,
    write_table,
)
from ledger.adapters.directory_template import write_template
from ledger.codes.credit_code import make_credit_code
from ledger.domain.directory import InspectionObject, object_id
from ledger.services.directory_view import directories, inspector_row, object_row
from ledger.services.imports import ImportRejected
from ledger.services.ledger import Ledger

pytestmark = pytest.mark.sqlite_only

LICHENG = "370112"
#: Four units of 历城区 as the bureau's spreadsheet lists them (credit codes valid, GB 32100).
QUANRUN = make_credit_code("9", "1", LICHENG, "MA3C5X8K")    # 91370112MA3C5X8K5K
HUAXIN = make_credit_code("9", "1", LICHENG, "MA94RT2L")
JINSHAN = make_credit_code("9", "1", LICHENG, "72062351")
LUHE = make_credit_code("9", "1", LICHENG, "MA3D0Q7W")
HEADER = ["序号", "名称", "统一社会信用代码", "所属区县", "类别", "控制级别", "联系电话", "固定污染源编码"]
TITLE = ["历城区2026年污染源日常监管动态信息库（双随机抽查对象名录）"]
FILLED_BY = ["填报单位：济南市生态环境局历城区分局", "", "", "", "", "", "填报日期：2026-01-05"]


def _units() -> list[list[str]]:
    return [
        ["1", "济南泉润化工有限公司", QUANRUN, "历城区", "重点", "县控", "0531-88776655",
         "14370112-MA3C5X8K-5"],
        ["2", "济南华鑫热电有限公司", HUAXIN, "历城区", "重点", "市控", "0531-88112233",
         f"{HUAXIN}001P"],
        ["3", "济南金山建材有限公司", JINSHAN, "历城区", "一般", "", "13805310001", ""],
        ["4", "济南鲁和食品有限公司", LUHE, "历城区", "一般", "", "", ""],
    ]


def _xlsx(path: Path, rows: list[list[str]], *, titles: bool = True) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if titles:
        sheet.append(TITLE)
        sheet.merge_cells("A1:H1")
        sheet.append(FILLED_BY)
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TITLE)
        writer.writerow(FILLED_BY)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _table(path: Path) -> object:
    return read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED)


@pytest.fixture
def licheng(ledger: Ledger) -> UUID:
    city = ledger.app.establish_agency("济南市生态环境局", "370100", "city")
    return ledger.app.establish_agency("济南市生态环境局历城区分局", LICHENG, "district", city)


def _registered(ledger: Ledger, agency: UUID) -> list[InspectionObject]:
    return list(directories(ledger.app, agency).objects)


# -- title rows, 序号, every problem at once ------------------------------------------------------
@pytest.mark.parametrize("write", [_xlsx, _csv])
def test_title_rows_above_the_header_and_a_serial_column_are_read_as_bureaus_keep_them(
    ledger: Ledger, licheng: UUID, tmp_path: Path, write: object
) -> None:
    path = write(tmp_path / f"名录.{'xlsx' if write is _xlsx else 'csv'}", _units())  # type: ignore[operator]
    table = read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED)
    assert [number for number, _ in table.rows] == [4, 5, 6, 7]  # the file's own row numbers
    assert "序号" not in table.headers.values()
    result = ledger.app.import_objects(licheng, table)
    assert (result.added, result.unchanged) == (4, 0)
    names = sorted(u.name for u in _registered(ledger, licheng))
    assert names[0] == "济南华鑫热电有限公司" and len(names) == 4


@pytest.mark.parametrize("write", [_xlsx, _csv])
def test_every_bad_cell_of_every_row_is_named_by_file_row_and_column_and_nothing_is_stored(
    ledger: Ledger, licheng: UUID, tmp_path: Path, write: object
) -> None:
    rows = _units()
    rows[0][2] = QUANRUN[:-1] + "L"  # mistyped check character
    rows[0][4] = "很重要"              # not a category
    rows[0][6] = "八八七七六六"          # not a phone number
    rows[2][1] = ""                    # no name
    rows[2][5] = "县控"                 # a general unit has no control level
    rows[3][7] = "24370112-MA3D0Q7W-" + ("1" if LUHE[16] != "1" else "2")  # its check character
    path = write(tmp_path / f"名录.{'xlsx' if write is _xlsx else 'csv'}", rows)  # type: ignore[operator]
    with pytest.raises(ImportRejected) as rejected:
        ledger.app.import_objects(licheng, read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED))
    found = [(p.row, p.column) for p in rejected.value.problems]
    assert found == [(4, "统一社会信用代码"), (4, "类别"), (4, "联系电话"),
                     (6, "名称"), (6, "控制级别"), (7, "固定污染源编码")]
    message = str(rejected.value)
    assert "3 bad row(s), 6 problem(s), nothing imported" in message
    assert f"the code would be {QUANRUN}" in message
    assert "the code would be 24370112-MA3D0Q7W-" in message
    assert "row 6, column 控制级别: a general unit has no control level" in message
    assert _registered(ledger, licheng) == []


def test_a_row_with_an_unreadable_cell_still_has_its_other_cells_checked(
    ledger: Ledger, licheng: UUID, tmp_path: Path
) -> None:
    rows = _units()
    rows[1][1] = "济南华鑫\x00热电有限公司"  # a NUL byte pasted from another system
    rows[1][4] = "很重要"
    with pytest.raises(ImportRejected) as rejected:
        ledger.app.import_objects(licheng, _table(_csv(tmp_path / "名录.csv", rows)))  # type: ignore[arg-type]
    assert [(p.row, p.column) for p in rejected.value.problems] == [(5, "名称"), (5, "类别")]
    assert "NUL" in rejected.value.problems[0].reason


def test_every_bad_column_of_the_header_is_named_at_once(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "名录.xlsx", [])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["E3"], sheet["F3"], sheet["I3"] = "监管类别说明", "控制级别", "备注"  # 类别 renamed, 控制级别 twice
    sheet["G3"] = "控制级别"
    book.save(path)
    with pytest.raises(DirectoryFileError) as refused:
        _table(path)
    message = str(refused.value)
    assert "the header has 4 problems" in message
    assert "row 3, column 监管类别说明: unknown column" in message
    assert "row 3, column 备注: unknown column" in message
    assert "row 3, column 控制级别: control_level appears twice" in message
    assert "row 3: missing column(s) 类别" in message


def test_every_bad_cell_of_an_inspector_row_is_named(ledger: Ledger, licheng: UUID,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "人员.csv"
    path.write_text("序号,姓名,执法证号,职务,可检查类别,外聘专家\n"
                    "1,李娜,37011200012,执法队员,重点、一般,否\n"
                    "2,张伟,37011200013,,很重要,也许\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        ledger.app.import_inspectors(licheng, read_table(path, INSPECTOR_COLUMNS, INSPECTOR_REQUIRED))
    assert [(p.row, p.column) for p in rejected.value.problems] == [
        (3, "职务"), (3, "可检查类别"), (3, "外聘专家")]


# -- templates -------------------------------------------------------------------------------------
def _validations(path: Path) -> dict[str, tuple[str, str, str]]:
    """The data validations of sheet 名录: column header → (type, error style, list)."""
    sheet = openpyxl.load_workbook(path)["名录"]
    headers = {get_column_letter(n): str(cell.value) for n, cell in enumerate(sheet[1], start=1)}
    found: dict[str, tuple[str, str, str]] = {}
    for rule in sheet.data_validations.dataValidation:
        first = str(rule.sqref).split(":")[0]
        assert str(rule.sqref) == f"{first}:{first[0]}2001"
        found[headers[first[0]]] = (str(rule.type), str(rule.errorStyle), str(rule.formula1))
    return found


def test_the_entities_template_has_the_headers_an_example_and_a_drop_down_for_each_enumeration(
    tmp_path: Path,
) -> None:
    path = tmp_path / "检查对象名录模板.xlsx"
    assert write_template(path, "entities") == 4
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["名录", "填写说明"]
    sheet = book["名录"]
    header = [c.value for c in sheet[1]]
    assert header == ["序号", *(aliases[0] for aliases in OBJECT_COLUMNS.values())]
    assert sheet["A2"].value == "示例" and sheet.freeze_panes == "A2"
    assert "必填" in sheet["C1"].comment.text
    assert _validations(path) == {
        "类别": ("list", "stop", '"重点,一般,特殊监管"'),
        "控制级别": ("list", "stop", '"国控,省控,市控,县控"'),
        "风险等级": ("list", "warning", '"A,B,C,D"'),
        "对象类型": ("list", "stop", '"排污单位,建设项目"'),
    }
    guide = {row[0]: [str(c) for c in row] for row in book["填写说明"].iter_rows(values_only=True)}
    assert guide["类别"][2] == "是" and "重点，一般，特殊监管" in guide["类别"][3]
    assert "91370112MA3C5X8K5K001P" in guide["固定污染源编码"][3]


def test_the_inspectors_template_lists_the_categories_expertise_and_yes_or_no(tmp_path: Path) -> None:
    path = tmp_path / "执法检查人员名录模板.xlsx"
    assert write_template(path, "inspectors") == 4
    lists = _validations(path)
    assert set(lists) == {"执法类别", "专业特长", "可检查类别", "外聘专家"}
    assert lists["外聘专家"] == ("list", "stop", '"是,否"')
    assert lists["可检查类别"][1] == "warning" and "重点、一般、特殊监管" in lists["可检查类别"][2]
    assert "大气污染防治" in lists["专业特长"][2] and lists["执法类别"][2].startswith('"生态环境')


def test_a_filled_in_template_imports_and_its_example_row_is_skipped(
    ledger: Ledger, licheng: UUID, tmp_path: Path
) -> None:
    for which, importer, columns, required in (
        ("entities", ledger.app.import_objects, OBJECT_COLUMNS, OBJECT_REQUIRED),
        ("inspectors", ledger.app.import_inspectors, INSPECTOR_COLUMNS, INSPECTOR_REQUIRED),
    ):
        path = tmp_path / f"{which}.xlsx"
        write_template(path, which)  # type: ignore[arg-type]
        assert importer(licheng, read_table(path, columns, required)).added == 0  # blank: nothing
        book = openpyxl.load_workbook(path)
        sheet = book["名录"]
        example = [c.value for c in sheet[2]]
        sheet.append(["1", *example[1:]])  # the example, filled in for real
        book.save(path)
        table = read_table(path, columns, required)
        assert [n for n, _ in table.rows] == [3]
        assert importer(licheng, table).added == 1
    unit: InspectionObject = ledger.app.repository.get(object_id(str(licheng), QUANRUN))
    assert (unit.category, unit.control_level, unit.fixed_source_code) == (
        "key", "county", "14370112-MA3C5X8K-5")


# -- the national permit numbering ----------------------------------------------------------------
def test_the_national_permit_numbering_is_accepted_beside_shandongs(
    ledger: Ledger, licheng: UUID, tmp_path: Path
) -> None:
    ledger.app.import_objects(licheng, _table(_xlsx(tmp_path / "名录.xlsx", _units())))  # type: ignore[arg-type]
    huaxin: InspectionObject = ledger.app.repository.get(object_id(str(licheng), HUAXIN))
    assert huaxin.fixed_source_code == f"{HUAXIN}001P"
    ledger.app.change_object(huaxin.id, lambda u: u.mark_special(["投诉举报多"], "局务会"))
    special: InspectionObject = ledger.app.repository.get(huaxin.id)
    assert special.fixed_source_code == f"{HUAXIN}001P"  # the national numbering has no (1)


@pytest.mark.parametrize(("code", "said"), [
    (f"{QUANRUN}001P", f"its fixed source code would be {HUAXIN}001P"),
    (f"{HUAXIN[:-1]}{'0' if HUAXIN[-1] != '0' else '1'}002P",
     f"the fixed source code would then be {HUAXIN}002P"),
    (f"{HUAXIN}000P", "numbered from 001"),
    ("13370112-MA94RT2L-" + HUAXIN[16], "the code that fits the directory would be 14370112-MA94RT2L-"),
])
def test_a_wrong_fixed_source_code_is_refused_saying_which_code_would_be_right(
    ledger: Ledger, licheng: UUID, tmp_path: Path, code: str, said: str
) -> None:
    rows = _units()
    rows[1][5], rows[1][7] = "县控", code
    with pytest.raises(ImportRejected) as rejected:
        ledger.app.import_objects(licheng, _table(_xlsx(tmp_path / "名录.xlsx", rows)))  # type: ignore[arg-type]
    [problem] = rejected.value.problems
    assert (problem.row, problem.column) == (5, "固定污染源编码")
    assert said in problem.reason


# -- the tool's own exports, and an original file after a change ----------------------------------
def _quarter_after_changes(ledger: Ledger, licheng: UUID, tmp_path: Path) -> None:
    ledger.app.import_objects(licheng, _table(_xlsx(tmp_path / "名录.xlsx", _units())))  # type: ignore[arg-type]
    people = tmp_path / "人员.csv"
    people.write_text("姓名,执法证号,职务,专业特长,可检查类别,外聘专家\n"
                      "李娜,37011200012,执法队员,大气污染防治、噪声,重点、一般,否\n"
                      "周敏,37011200099,外聘专家,化工工艺,,是\n", encoding="utf-8")
    ledger.app.import_inspectors(licheng, read_table(people, INSPECTOR_COLUMNS, INSPECTOR_REQUIRED))
    ledger.app.change_object(object_id(str(licheng), QUANRUN),
                             lambda u: u.mark_special(["存在未整改到位的违法行为"], "局务会"))


@pytest.mark.parametrize(("suffix", "english"), [(".xlsx", False), (".csv", False), (".xlsx", True)])
def test_the_tools_own_exports_re_import_unchanged_here_and_into_a_fresh_ledger(
    ledger: Ledger, licheng: UUID, tmp_path: Path, suffix: str, english: bool
) -> None:
    _quarter_after_changes(ledger, licheng, tmp_path)
    view = directories(ledger.app, licheng)
    units, people = tmp_path / f"units{suffix}", tmp_path / f"people{suffix}"
    write_table(units, OBJECT_COLUMNS, [object_row(u) for u in view.objects], english=english)
    write_table(people, INSPECTOR_COLUMNS, [inspector_row(i) for i in view.inspectors],
                english=english)
    assert "14370112-MA3C5X8K-5(1)" in [c for row in _cells(units) for c in row]
    assert ("key、general" if english else "重点、一般") in [c for row in _cells(people) for c in row]
    again = ledger.app.import_objects(licheng, _table(units))  # type: ignore[arg-type]
    assert (again.added, again.unchanged) == (0, 4)
    assert ledger.app.import_inspectors(
        licheng, read_table(people, INSPECTOR_COLUMNS, INSPECTOR_REQUIRED)).unchanged == 2

    prefecture = ledger.app.establish_agency("另一部署的历城区分局", "370113", "district")
    assert ledger.app.import_objects(prefecture, _table(units)).added == 4  # type: ignore[arg-type]
    moved = {u.credit_code: u for u in directories(ledger.app, prefecture).objects}
    for unit in view.objects:
        copy = moved[unit.credit_code]
        assert (copy.name, copy.category, copy.fixed_source_code, copy.details) == (
            unit.name, unit.category, unit.fixed_source_code,
            {**unit.details, "fixed_source_code": unit.fixed_source_code} if unit.fixed_source_code
            else unit.details)


def _cells(path: Path) -> list[list[str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [[str(c or "") for c in row] for row in sheet.iter_rows(values_only=True)]


def test_an_original_file_after_special_supervision_names_each_difference_and_may_keep_the_ledger(
    ledger: Ledger, licheng: UUID, tmp_path: Path
) -> None:
    _quarter_after_changes(ledger, licheng, tmp_path)
    rows = _units()
    rows.append(["5", "济南新添热力有限公司", make_credit_code("9", "1", LICHENG, "MA3E1B2C"),
                 "历城区", "一般", "", "", ""])
    original = _xlsx(tmp_path / "名录（补充）.xlsx", rows)
    with pytest.raises(ImportRejected) as rejected:
        ledger.app.import_objects(licheng, _table(original))  # type: ignore[arg-type]
    [problem] = rejected.value.problems
    assert (problem.row, problem.column) == (4, "统一社会信用代码")
    assert problem.reason.startswith(
        "already registered with other values: 类别: 特殊监管 in the ledger, 重点 in the file; "
        "固定污染源编码: 14370112-MA3C5X8K-5(1) in the ledger, 14370112-MA3C5X8K-5 in the file.")
    assert "--keep-ledger" in problem.reason
    kept = ledger.app.import_objects(licheng, _table(original), keep_ledger=True)  # type: ignore[arg-type]
    assert (kept.added, kept.unchanged, len(kept.kept)) == (1, 3, 1)
    assert kept.kept[0].row == 4 and "类别: 特殊监管 in the ledger" in kept.kept[0].reason
    unit: InspectionObject = ledger.app.repository.get(object_id(str(licheng), QUANRUN))
    assert unit.category == "special"


def test_on_the_command_line_a_bureau_writes_templates_and_keeps_the_ledgers_values(
    tmp_path: Path,
) -> None:
    from commands import run

    def ok(*args: str) -> str:
        result = run(tmp_path, "spotcheck", *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    ok("agency", "add", "--name", "济南市生态环境局历城区分局", "--code", LICHENG, "--kind", "district")
    written = ok("entities", "template", "--out", "检查对象名录模板.xlsx")
    assert "4 drop-down list(s)" in written and "填写说明" in written
    assert "4 drop-down list(s)" in ok("inspectors", "template", "--out", "人员模板.xlsx")
    assert set(_validations(tmp_path / "人员模板.xlsx")) == {"执法类别", "专业特长", "可检查类别", "外聘专家"}
    refused = run(tmp_path, "spotcheck", "entities", "template", "--out", "模板.csv")
    assert refused.returncode == 2 and "a template is an .xlsx file" in refused.stderr
    original = _xlsx(tmp_path / "名录.xlsx", _units())
    assert "4 added" in ok("entities", "import", str(original), "--agency", LICHENG)
    ok("entities", "special", QUANRUN, "--agency", LICHENG, "--approved-by", "局务会",
       "--reason", "投诉举报多")
    again = run(tmp_path, "spotcheck", "entities", "import", str(original), "--agency", LICHENG)
    assert again.returncode == 2
    assert "row 4, column 统一社会信用代码: already registered with other values: 类别: 特殊监管 in " \
           "the ledger, 重点 in the file" in again.stderr
    kept = ok("entities", "import", str(original), "--agency", LICHENG, "--keep-ledger")
    assert "0 added, 3 unchanged, 1 kept as in the ledger" in kept
    assert "kept: row 4, column 统一社会信用代码: the ledger's values kept (类别: 特殊监管" in kept
