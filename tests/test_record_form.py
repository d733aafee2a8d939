"""The record of a visit as a form (污染源现场检查记录表): written prefilled by ``record template``,
filled in by the officers (.xlsx or JSON) and filed by ``record file``; orders counted from 1;
item names matched whatever quotation marks they were typed with."""

from __future__ import annotations

import json
from datetime import date
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from test_cli_directories import _ok
from test_cli_draw import DRAW, _fails
from test_cli_records import ITEMS, q2, q2_original  # noqa: F401  (fixtures)

from ledger.domain.inspection_record import RecordContext, RecordError, check_record
from ledger.domain.rulebook_presets import preset

COUNTY = "652301"


def _form_cells(path: Path) -> dict[str, object]:
    sheet = openpyxl.load_workbook(path)["检查记录"]
    return {str(row[0].value): row[1].value for row in sheet.iter_rows() if row[0].value}


def _fill(path: Path, team: list[str], *, problem: bool) -> None:
    """What the officers write on the form at the visit."""
    book = openpyxl.load_workbook(path)
    sheet = book["检查记录"]
    rows = {str(row[0].value): int(row[0].row or 0) for row in sheet.iter_rows() if row[0].value}
    by_label: dict[str, str | date] = {
                "检查日期": date(2026, 4, 7), "防治设施是否建成": "是", "防治设施运行情况": "正常运行",
                "排污口是否规范化": "否" if problem else "是", "污染物是否达标排放": "未监测",
                "备注（存档，不公开）": "现场笔录编号 XC-2026-057（存档）",
                "检查人员（执法证号）": "、".join(team)}
    for label, value in by_label.items():
        sheet.cell(row=rows[label], column=2, value=value)
    items = [int(row[0].row or 0) for row in sheet.iter_rows() if row[1].value in ITEMS]
    for number in items:
        sheet.cell(row=number, column=3, value="符合")
        sheet.cell(row=number, column=4, value="正常")
    if problem:
        sheet.cell(row=items[1], column=3, value="发现问题")
        sheet.cell(row=items[1], column=4, value="排污口未规范化设置")
        first_order = next(int(row[0].row or 0) for row in sheet.iter_rows()
                           if row[1].value == "责令改正事项") + 1
        sheet.cell(row=first_order, column=2, value="规范化设置排污口")
        sheet.cell(row=first_order, column=3, value="2026-05-29")
        sheet.cell(row=first_order + 1, column=2, value="完善废气治理设施运行台账")
        sheet.cell(row=first_order + 1, column=3, value=date(2026, 5, 15))
    book.save(path)


def test_an_officer_fills_the_prefilled_form_and_files_it_and_orders_count_from_one(
    q2: tuple[Path, str, list[str], str],  # noqa: F811
) -> None:
    cwd, unit, team, _ = q2
    ok = partial(_ok, cwd)
    written = ok("record", "template", DRAW, "--unit", unit, "--by", team[0], "--out", "form.xlsx")
    assert "wrote form.xlsx: the record form of" in written and "3 item(s) of the rulebook" in written
    cells = _form_cells(cwd / "form.xlsx")
    assert (cells["抽查批次"], cells["统一社会信用代码"], cells["生产状态"]) == (DRAW, unit, "正常生产")
    assert cells["检查人员（执法证号）"] == "、".join(team)
    sheet = openpyxl.load_workbook(cwd / "form.xlsx")["检查记录"]
    listed = [row[1].value for row in sheet.iter_rows() if isinstance(row[0].value, int)][:3]
    assert listed == ITEMS  # the rulebook's items, exactly as it names them, numbered from 1
    lists = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert '"符合,发现问题,不适用"' in lists.values() and '"是,否,未监测"' in lists.values()
    assert any(v.startswith('"正常生产,停产') for v in lists.values())

    _fill(cwd / "form.xlsx", team, problem=True)
    filed = ok("record", "file", DRAW, "--unit", unit, "--file", "form.xlsx", "--by", team[0],
               "--on", "2026-04-08")
    assert f"recorded: the record of {unit} in {DRAW}" in filed
    shown = json.loads(ok("record", "show", DRAW, "--unit", unit, "--as-agency", COUNTY, "--json"))
    record = shown["record"]
    assert (record["visited_on"], record["status"], record["officers"]) == ("2026-04-07", "operating", team)
    assert [i["finding"] for i in record["items"]] == ["compliant", "problem", "compliant"]
    assert record["annex4"] == {"facilities_built": True, "facilities_running": "normal",
                                "outfall_standardised": False, "emissions_within_limits": None}
    assert record["orders"] == [{"order": "规范化设置排污口", "due": "2026-05-29"},
                                {"order": "完善废气治理设施运行台账", "due": "2026-05-15"}]
    assert record["remarks"] == "现场笔录编号 XC-2026-057（存档）"
    text = ok("record", "show", DRAW, "--unit", unit, "--as-agency", COUNTY)
    assert "order 1\t规范化设置排污口 (due 2026-05-29)" in text and "order 2\t完善" in text
    refused = _fails(cwd, "rectify", DRAW, "--unit", unit, "--order", "3", "--on", "2026-05-10",
                     "--verified-by", "执法大队")
    assert "order: 3 is not an open order of this record (open, numbered from 1: 1, 2)" in refused
    done = ok("rectify", DRAW, "--unit", unit, "--order", "2", "--on", "2026-05-10",
              "--verified-by", "执法大队")
    assert "recorded: order 2 of" in done and "1 order(s) still open" in done
    again = _fails(cwd, "rectify", DRAW, "--unit", unit, "--order", "2", "--on", "2026-05-11",
                   "--verified-by", "执法大队")
    assert "open, numbered from 1: 1)" in again


def test_the_json_form_is_the_record_with_the_blanks_to_fill_and_files_once_filled(
    q2: tuple[Path, str, list[str], str],  # noqa: F811
) -> None:
    cwd, unit, team, _ = q2
    ok = partial(_ok, cwd)
    ok("record", "template", DRAW, "--unit", unit, "--by", team[1], "--out", "form.json")
    record = json.loads((cwd / "form.json").read_text(encoding="utf-8"))
    assert [i["item"] for i in record["items"]] == ITEMS and record["officers"] == team
    blank = _fails(cwd, "record", "file", DRAW, "--unit", unit, "--file", "form.json", "--by",
                   team[1], "--on", "2026-04-08")
    assert "visited_on (the visit date): '' is not a date YYYY-MM-DD" in blank
    record.update(visited_on="2026-04-07", annex4={
        "facilities_built": True, "facilities_running": "normal", "outfall_standardised": True,
        "emissions_within_limits": True})
    for item in record["items"]:
        item.update(finding="compliant", description="正常")
    (cwd / "form.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert "recorded" in ok("record", "file", DRAW, "--unit", unit, "--file", "form.json", "--by",
                            team[1], "--on", "2026-04-08")


def test_a_form_is_given_to_the_team_and_filed_only_for_its_own_visit(
    q2: tuple[Path, str, list[str], str],  # noqa: F811
) -> None:
    cwd, unit, team, _ = q2
    ok = partial(_ok, cwd)
    stranger = _fails(cwd, "record", "template", DRAW, "--unit", unit, "--by", "65230199999",
                      "--out", "x.xlsx")
    assert "by: 65230199999 is not on the team of" in stranger
    ok("record", "template", DRAW, "--unit", unit, "--by", team[0], "--out", "form.xlsx")
    shown = json.loads(ok("draw", "show", DRAW, "--json"))
    assert any(o["what"] == f"record form of {unit}" and o["who"] == team[0]
               for o in shown["openings"])  # the draw is sealed: the reading is an opening
    other = "91652301000000000X"
    wrong = _fails(cwd, "record", "file", DRAW, "--unit", other, "--file", "form.xlsx", "--by",
                   team[0], "--on", "2026-04-08")
    assert f"says the form is for '{unit}', not {other} (each visit has its own form)" in wrong
    assert "write .xlsx or .json" in _fails(cwd, "record", "template", DRAW, "--unit", unit,
                                            "--by", team[0], "--out", "form.docx")
    _fill(cwd / "form.xlsx", team, problem=False)
    book = openpyxl.load_workbook(cwd / "form.xlsx")
    sheet = book["检查记录"]
    first_item = next(int(row[0].row or 0) for row in sheet.iter_rows() if row[1].value == ITEMS[0])
    sheet.cell(row=first_item, column=3, value="合格")
    book.save(cwd / "form.xlsx")
    wrong = _fails(cwd, "record", "file", DRAW, "--unit", unit, "--file", "form.xlsx", "--by",
                   team[0], "--on", "2026-04-08")
    assert (f"row {first_item}, 检查结果 of '防治污染设施运行': '合格' is not one of "
            "符合、发现问题、不适用") in wrong


@pytest.mark.parametrize("typed", ["环评和“三同时”执行", '环评和"三同时"执行', "环评和「三同时」执行",
                                   "环评和『三同时』执行", "环评和 ‘三同时’ 执行", "环评和三同时执行"])
def test_an_item_is_matched_whatever_quotation_marks_it_was_typed_with(typed: str) -> None:
    items = [i.item for i in preset("shandong-county-2015").inspection_items]
    assert "环评和“三同时”执行" in items
    context = RecordContext(team=["A1", "A2"], team_size=2, items=items,
                            period_first=date(2026, 1, 1), period_last=date(2026, 3, 31))
    record = {"officers": ["A1", "A2"], "visited_on": "2026-02-03", "place": "厂区",
              "status": "operating", "annex4": {
                  "facilities_built": True, "facilities_running": "normal",
                  "outfall_standardised": True, "emissions_within_limits": True},
              "items": [{"item": typed if "三同时" in item else item, "finding": "compliant",
                         "description": ""} for item in items]}
    checked = check_record(record, context)
    assert [i["item"] for i in checked["items"]] == items  # stored as the rulebook names it


def test_an_item_not_on_the_list_is_named_with_the_list_and_counted_from_one() -> None:
    context = RecordContext(team=["A1", "A2"], team_size=2, items=ITEMS,
                            period_first=date(2026, 1, 1), period_last=date(2026, 3, 31))
    record = {"officers": ["A1", "A2"], "visited_on": "2026-02-03", "place": "厂区",
              "status": "stopped", "items": [
                  {"item": "污染物排放", "finding": "compliant", "description": ""},
                  {"item": "噪声", "finding": "compliant", "description": ""}]}
    with pytest.raises(RecordError, match=r"items #2.item: '噪声' is not on the rulebook's "
                       r"inspection-item list \(防治污染设施运行、污染物排放、环境管理制度落实\)"):
        check_record(record, context)


def test_through_the_service_an_officer_downloads_the_form_and_uploads_it_filled(
    q2: tuple[Path, str, list[str], str],  # noqa: F811
) -> None:
    from http_client import Api

    from ledger.adapters.settings import Settings

    cwd, unit, team, _ = q2
    api = Api(Settings(str(cwd / "spotcheck.db"), cwd / "spotcheck-keys"), inline=False)
    try:
        api.add("li", "officer", "--certificate", team[0])
        base = f"/api/draws/{DRAW}/units/{unit}/record-form"
        response = api.call("GET", base, "li")
        assert response.status_code == 200, response.text
        assert "spreadsheetml" in response.headers["content-type"]
        assert "filename*=UTF-8''" in response.headers["content-disposition"]
        (cwd / "form.xlsx").write_bytes(response.content)
        assert _form_cells(cwd / "form.xlsx")["统一社会信用代码"] == unit
        _fill(cwd / "form.xlsx", team, problem=False)
        filed = api.ok("POST", f"{base}?on=2026-04-08", "li",
                       files={"file": ("现场检查记录.xlsx", (cwd / "form.xlsx").read_bytes())})
        assert filed["filed"] is True and filed["open_orders"] == []
        refused = api.call("POST", base, "li", files={"file": ("记录.docx", b"x")})
        assert refused.status_code == 422 and "is not an .xlsx form" in refused.text
        as_json = api.call("GET", f"{base}?format=json", "li").json()
        assert [i["item"] for i in as_json["items"]] == ITEMS
    finally:
        api.close()
