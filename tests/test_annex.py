"""The seeds' quarterly forms (seed 002 annexes 3 and 4) equal the quota table and the records they
are read from, and are written as .xlsx, CSV (with a BOM) and a printable HTML page."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from ceremony_steps import fixed
from commands import Ran, ledger_env, run
from conftest import COUNTY, PREFECTURE
from test_inspections import _record

from api.bootstrap import open_runner
from ledger.domain.agency import Agency, agency_id
from ledger.domain.directory import InspectionObject, object_id
from ledger.services.ceremony import Ceremony
from ledger.services.inspections import Inspections
from ledger.services.ledger import Ledger
from projections.annex import ANNEX3_TITLE, ANNEX4_TITLE, Form, annex3, annex4, write_form
from projections.quotas import Ratio, quota_report
from projections.runner import Runner
from verify.draw_files import parse_population

FILED_ON = date(2026, 4, 10)


@pytest.fixture
def runner(county: Ledger) -> Iterator[Runner]:
    opened = open_runner(county)
    try:
        yield opened
    finally:
        opened.close()


def _quarter(ceremony: Ceremony) -> tuple[str, list[str], list[str]]:
    """The county's 2026Q1 list fixed; the records of every drawn key unit filed (the first with a
    problem and an order, the second corrected) and of one general unit."""
    draw_id = fixed(ceremony)
    draw = ceremony.draw(draw_id)
    stratum = {u.id: u.stratum for u in parse_population(
        str(draw.files["population"]["content"]).encode())}
    teams = ceremony.open(draw_id).teams
    key = sorted(u for u in teams if stratum[u] == "KEY")
    general = sorted(u for u in teams if stratum[u] == "GEN")[:1]
    assert len(key) >= 2 and general
    inspections = Inspections(ceremony.app, ceremony)
    for n, unit in enumerate([*key, *general]):
        inspections.file_record(draw_id, unit, _record(teams[unit], problem=n == 0),
                                teams[unit][0], date(2026, 1, 9))
    inspections.correct_record(draw_id, key[1], _record(teams[key[1]], place="车间"), "地点笔误",
                               teams[key[1]][0], date(2026, 1, 10))
    return draw_id, key, general


def test_a_ratio_is_a_number_shown_rounded_half_up() -> None:
    assert str(Ratio(17, 32)) == "53.13%" and Ratio(17, 32).value == 0.53125  # 53.125 %
    assert str(Ratio(1, 3)) == "33.33%" and str(Ratio(2, 3)) == "66.67%"
    assert str(Ratio(3, 3)) == "100.00%" and str(Ratio(0, 7)) == "0.00%"
    assert str(Ratio(0, 0)) == "—" and Ratio(0, 0).value is None  # nothing to inspect


def test_annex3_has_the_quota_tables_figures_per_agency_and_rolled_up(
    ceremony: Ceremony, runner: Runner
) -> None:
    _, key, general = _quarter(ceremony)
    runner.run()
    quota = {r.category: r for r in quota_report(runner.store, COUNTY, 2026, 1).rows}
    form = annex3(runner.store, COUNTY, 2026, 1, filed_on=FILED_ON,
                  signatures={"负责人(签字)": "张三"})
    agency: Agency = ceremony.app.repository.get(agency_id(COUNTY))
    assert form.title == ANNEX3_TITLE and form.agency == agency.name
    assert form.columns[:4] == ["环保机构名称", "辖区内重点污染源数量-数量",
                                "辖区内重点污染源数量-抽查数量(家次)", "辖区内重点污染源数量-抽查比例"]
    assert form.columns[-1] == "备注" and len(form.columns) == 11
    assert len(form.rows) == 2 and form.rows[1][0] == "合计"  # the county alone: its own 合计
    assert form.rows[1][1:10] == form.rows[0][1:10]
    row = form.rows[0]
    assert row[0] == agency.name
    for n, category in enumerate(("key", "general", "special")):
        r = quota[category]
        assert row[1 + 3 * n:4 + 3 * n] == [r.population, r.inspected, Ratio(r.inspected, r.population)]
    # by hand: every key unit drawn was visited once (a correction is not a visit), one general one
    assert row[2] == len(key) and row[5] == len(general) and row[8] == 0
    assert str(row[10]).startswith("计划要求重点")

    prefecture = annex3(runner.store, PREFECTURE, 2026, 1, filed_on=FILED_ON)
    assert [r[0] for r in prefecture.rows] == [agency.name, "合计"]  # its own draw is an audit
    assert prefecture.rows[1][1:10] == row[1:10]


def test_annex4_has_one_row_per_key_unit_record_in_chinese(ceremony: Ceremony, runner: Runner) -> None:
    _, key, _ = _quarter(ceremony)
    runner.run()
    form = annex4(runner.store, ceremony.app.repository, COUNTY, 2026, 1, filed_on=FILED_ON)
    assert form.title == ANNEX4_TITLE
    assert form.columns == ["序号", "企业固定编码", "企业名称", "所在县(市、区)", "生产状态",
                            "污染治理设施建设情况", "污染治理设施运行情况", "排污口规范化整治情况",
                            "污染物排放达标情况", "检查时间", "抽查发现的问题", "处理处罚情况", "备注"]
    assert len(form.rows) == len(key)
    county_id = str(agency_id(COUNTY))
    names = {}
    for unit in key:
        entry: InspectionObject = ceremony.app.repository.get(object_id(county_id, unit))
        names[entry.name] = entry
    assert {r[2] for r in form.rows} == set(names)
    assert [r[0] for r in form.rows] == list(range(1, len(key) + 1))
    for r in form.rows:
        entry = names[str(r[2])]
        assert r[1] == entry.details.get("fixed_source_code", "") and r[3] == entry.county
        assert r[4] == "正常生产" and r[5] == "已建" and r[6] == "正常" and r[8] == "达标"
        assert r[9] == "2026-01-05"
    first: InspectionObject = ceremony.app.repository.get(object_id(county_id, key[0]))
    problem = next(r for r in form.rows if r[2] == first.name)
    assert problem[7] == "未规范" and problem[10] == "污染物排放：废水排放口未规范化设置"
    assert problem[11] == "责令改正：规范化设置排污口（限期2026-02-28）"
    corrected: InspectionObject = ceremony.app.repository.get(object_id(county_id, key[1]))
    assert next(r for r in form.rows if r[2] == corrected.name)[12] == "记录已更正1次"
    others = [r for r in form.rows if r[2] != first.name]
    assert all(r[7] == "已规范" and r[10] == "未发现问题" and r[11] == "无" for r in others)
    rolled = annex4(runner.store, ceremony.app.repository, PREFECTURE, 2026, 1, filed_on=FILED_ON)
    assert rolled.rows == form.rows


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self._cell: str | None = None
        self.page: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(self._cell)
        if tag == "th" and self._cell is not None:
            self.headings.append(self._cell)
        if tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.page.append(data)
        if self._cell is not None:
            self._cell += data


def _sample() -> Form:
    return Form("测试表", "某局<b>&", "2026年第1季度", FILED_ON,
                (("单位", ()), ("重点", ("数量", "比例")), ("备注", ())),
                [["甲<script>", 3, "33.33%", ""], ["合计", 3, "33.33%", "a,\"b\""]],
                {"审核人(签字)": "李四"}, "备注<x>")


def test_the_writers_xlsx_csv_with_a_bom_and_an_escaped_printable_page(tmp_path: Path) -> None:
    form = _sample()
    write_form(form, tmp_path / "f.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "测试表" and "某局<b>&" in str(values[1][0])
    assert values[2][:3] == ["单位", "重点", None] and values[3][1:3] == ["数量", "比例"]
    assert sheet.cell(3, 1).font.b and sheet.cell(4, 2).font.b
    assert values[4] == ["甲<script>", 3, "33.33%", None] and values[5][:3] == ["合计", 3, "33.33%"]
    assert any("审核人(签字)：李四" in str(v[0]) for v in values)

    write_form(form, tmp_path / "f.csv")
    raw = (tmp_path / "f.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["单位", "重点-数量", "重点-比例", "备注"]
    assert rows[1:] == [[str(v) for v in r] for r in form.rows]

    write_form(form, tmp_path / "f.html")
    page = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "@page { size: A4 landscape" in page
    parsed = _Cells()
    parsed.feed(page)
    assert parsed.headings == ["单位", "重点", "备注", "数量", "比例"]
    assert [r for r in parsed.rows if r] == [[str(v) for v in r] for r in form.rows]
    assert "备注：备注<x>" in "".join(parsed.page)
    assert '<td class="short">33.33%</td>' in page  # short cells never wrap one character a line
    assert "word-break: keep-all" in page


def _spotcheck(ledger: Ledger, *args: str) -> Ran:
    """``spotcheck ARGS`` on ``ledger``'s database and keys (in this process)."""
    return run(ledger.settings.keys_dir.parent, "spotcheck", *args,
               env=ledger_env(ledger.settings.db, ledger.settings.keys_dir))


def test_spotcheck_report_writes_the_forms_and_refuses_an_unknown_extension(
    ceremony: Ceremony, county: Ledger, tmp_path: Path
) -> None:
    _, key, _ = _quarter(ceremony)
    out = tmp_path / "annex3.xlsx"
    done = _spotcheck(county, "report", "annex3", "--agency", PREFECTURE, "--quarter", "2026Q1",
                      "--out", str(out), "--head", "张三", "--filer", "王五", "--date", "2026-04-10")
    assert done.returncode == 0, done.stderr
    assert "2 row(s)" in done.stdout  # the county and the roll-up: the projections were run first
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == ANNEX3_TITLE and values[2][1] == "辖区内重点污染源数量"
    assert "2026年04月10日" in str(values[1][0])
    assert any("负责人(签字)：张三" in str(v[0]) and "填表人(签字)：王五" in str(v[0]) for v in values)
    # the ratios are numbers a spreadsheet can add up, shown as percentages
    key_ratio = sheet.cell(5, 4)
    assert isinstance(key_ratio.value, float) and key_ratio.number_format == "0.00%"
    population, inspected = sheet.cell(5, 2).value, sheet.cell(5, 3).value
    assert isinstance(population, int) and isinstance(inspected, int)
    assert key_ratio.value == inspected / population

    four = tmp_path / "annex4.csv"
    done = _spotcheck(county, "report", "annex4", "--agency", COUNTY, "--quarter", "2026Q1",
                      "--out", str(four))
    assert done.returncode == 0, done.stderr
    lines = four.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("序号,企业固定编码,企业名称") and len(lines) == 1 + len(key)

    for args, message in [
        (("--out", str(tmp_path / "annex3.pdf")), "--out: annex3.pdf: write .xlsx, .csv or .html"),
        (("--out", str(out), "--quarter", "2026Q5"), "--quarter: '2026Q5'"),
        (("--out", str(out), "--agency", "659999"), "--agency: no agency with division code"),
    ]:
        options = {"--agency": COUNTY, "--quarter": "2026Q1"}
        options.update(dict(zip(args[::2], args[1::2], strict=True)))
        failed = _spotcheck(county, "report", "annex3", *[x for kv in options.items() for x in kv])
        assert failed.returncode == 2 and message in failed.stderr, failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1
