"""The directories on the command line, as an agency's operator would use them."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from commands import run

from ledger.demo.county import unit_rows

CATEGORY_WORDS = {"key": "重点", "general": "一般", "special": "特殊监管"}


def _units_csv(path: Path, count: int, bad: bool = False) -> Path:
    lines = ["名称,统一社会信用代码,所属区县,类别"]
    lines += [f"{r['name']},{r['credit_code']},{r['county']},{CATEGORY_WORDS[r['category']]}"
              for r in unit_rows(count)]
    if bad:
        lines.append("坏公司,91652301310000057X,昌吉市,重点")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ok(cwd: Path, *args: str) -> str:
    """Run ``spotcheck ARGS`` in ``cwd``; it must succeed; its standard output."""
    result = run(cwd, "spotcheck", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_operator_sets_up_a_county_and_files_its_plan(tmp_path: Path) -> None:
    ok = partial(_ok, tmp_path)

    added = ok("agency", "add", "--name", "昌吉回族自治州生态环境局", "--code", "652300",
               "--kind", "prefecture")
    assert "1 event(s) logged (not signed here, no key: log 652300;" in added
    ok("agency", "add", "--name", "昌吉州生态环境局昌吉市分局", "--code", "652301", "--kind", "county",
       "--parent", "652300")
    for code in ("652300", "652301"):  # each agency's log gets its own key, named by its origin
        assert f"{code}.spotcheck.gov.cn/spotcheck+" in ok("keys", "init", "--log", code)
    assert "12 added, 0 unchanged" in ok("entities", "import", str(_units_csv(tmp_path / "u.csv", 12)),
                                         "--agency", "652301")
    assert "0 added, 12 unchanged" in ok("entities", "import", str(tmp_path / "u.csv"),
                                         "--agency", "652301")
    inspectors = "姓名,执法证号,职务\n李娜,65230100012,执法队员\n张伟,65230100013,执法队员\n"
    (tmp_path / "i.csv").write_text(inspectors, encoding="utf-8")
    ok("inspectors", "import", str(tmp_path / "i.csv"), "--agency", "652301")
    unstated = run(tmp_path, "spotcheck", "rulebook", "adopt", "shandong-county-2015", "--agency",
                   "652301", "--from", "2025-11-01", "--approved-by", "局务会", "--reason", "试行")
    assert unstated.returncode == 2 and "--special-share PERCENT" in unstated.stderr
    assert "at least the key units' 25.00%" in unstated.stderr
    for share, said in (("half", "--special-share: 'half' is not a percentage"),
                        ("5 %", "5.00% is below the key units' 25.00%")):
        assert said in run(tmp_path, "spotcheck", "rulebook", "adopt", "shandong-county-2015",
                           "--agency", "652301", "--from", "2025-11-01", "--approved-by", "局务会",
                           "--reason", "试行", "--special-share", share).stderr
    ok("rulebook", "adopt", "shandong-county-2015", "--agency", "652301", "--from", "2025-11-01",
       "--approved-by", "局务会", "--reason", "试行", "--special-share", "50%")
    ok("rulebook", "adopt", "changji-county-2015", "--agency", "652301", "--from", "2025-12-01",
       "--approved-by", "局务会", "--reason", "执行州局实施方案")
    stated = json.loads(ok("rulebook", "show", "--agency", "652301", "--on", "2025-11-15"))
    special = next(r for r in stated["minimums"] if r["category"] == "special")
    assert (special["share_bp"], special["stated"]) == (5000, "采用机构确定（规则未给出比例）：局务会")
    plan = json.loads(ok("plan", "--year", "2026", "--agency", "652301", "--approved-by", "局务会",
                         "--json"))
    assert plan["rulebook"] == "changji-county-2015" and plan["officers"] == 2
    units = json.loads(ok("entities", "list", "--agency", "652301", "--json"))
    assert len(units) == 12
    ok("entities", "export", "--agency", "652301", "--out", str(tmp_path / "out.xlsx"))
    assert (tmp_path / "out.xlsx").stat().st_size > 0
    preview = run(tmp_path, "spotcheck", "rulebook", "show", "shandong-county-2015")
    assert json.loads(preview.stdout)["name"] == "shandong-county-2015"
    assert "gives no number for special units" in preview.stderr and "--special-share" in preview.stderr
    assert "give a PRESET to preview, or --agency" in run(
        tmp_path, "spotcheck", "rulebook", "show").stderr
    published = ok("disclose", "year-list", "--agency", "652301", "--year", "2026", "--by", "办公室")
    assert "the 2026 list of units under random supervision of 652301, 12 unit(s)" in published
    plan_page = json.loads(ok("public", "show", "--agency", "652301", "--year", "2026", "--json"))
    assert len(plan_page["plan"]["units_under_supervision"]) == 12
    agencies = json.loads(ok("agency", "list", "--json"))
    assert [a["division_code"] for a in agencies] == ["652300", "652301"]
    assert run(tmp_path, "spotcheck-verify", "--quiet", *[]).returncode == 2  # no bundle given
    ok("export", "--log", "652301", "--out", str(tmp_path / "bundle"))
    assert run(tmp_path, "spotcheck-verify", str(tmp_path / "bundle"), "--quiet").returncode == 0
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["log"], manifest["origin"]) == ("652301", "652301.spotcheck.gov.cn/spotcheck")


def test_a_bad_file_is_refused_whole_with_every_bad_row_named(tmp_path: Path) -> None:
    run(tmp_path, "spotcheck", "keys", "init")
    run(tmp_path, "spotcheck", "agency", "add", "--name", "某局", "--code", "652301", "--kind", "county")
    result = run(tmp_path, "spotcheck", "entities", "import",
                 str(_units_csv(tmp_path / "u.csv", 3, bad=True)), "--agency", "652301")
    assert result.returncode == 2
    assert "row 5, column 统一社会信用代码: GB 32100 check character" in result.stderr
    assert "nothing imported" in result.stderr
    listed = run(tmp_path, "spotcheck", "entities", "list", "--agency", "652301", "--json")
    assert json.loads(listed.stdout) == []


def test_an_unknown_agency_or_unit_is_named(tmp_path: Path) -> None:
    run(tmp_path, "spotcheck", "keys", "init")
    result = run(tmp_path, "spotcheck", "entities", "list", "--agency", "999999")
    assert result.returncode == 2 and "--agency: no agency with division code 999999" in result.stderr
    run(tmp_path, "spotcheck", "agency", "add", "--name", "某局", "--code", "652301", "--kind", "county")
    shown = run(tmp_path, "spotcheck", "entities", "show", "91652301310000014Q", "--agency", "652301")
    assert shown.returncode == 2 and "Traceback" not in shown.stderr
    assert "credit_code: no inspection object with credit code 91652301310000014Q" in shown.stderr
    assert "Aggregate" not in shown.stderr and "UUID" not in shown.stderr
    closed = run(tmp_path, "spotcheck", "entities", "close", "91652301310000014Q", "--agency", "652301",
                 "--reason", "注销")
    assert closed.returncode == 2 and "no inspection object" in closed.stderr


def test_directory_changes_from_the_command_line_are_events(tmp_path: Path) -> None:
    ok = partial(_ok, tmp_path)

    ok("keys", "init")
    ok("agency", "add", "--name", "某局", "--code", "652301", "--kind", "county")
    ok("entities", "import", str(_units_csv(tmp_path / "u.csv", 6)), "--agency", "652301")
    code = unit_rows(6)[5]["credit_code"]  # a general unit
    ok("entities", "update", code, "--agency", "652301", "--set", "phone=0994-2345678",
       "--set", "address=昌吉市北京南路", "--reason", "企业变更联系方式")
    ok("entities", "special", code, "--agency", "652301", "--approved-by", "局务会",
       "--reason", "信访投诉较多")
    ok("entities", "suspend", code, "--agency", "652301", "--reason", "季节性停产")
    shown = json.loads(ok("entities", "show", code, "--agency", "652301", "--json"))
    assert (shown["phone"], shown["category"], shown["status"]) == (
        "0994-2345678", "special", "suspended")
    ok("entities", "special", code, "--agency", "652301", "--approved-by", "局务会", "--lift",
       "--reason", "已整改")
    ok("entities", "relocate", code, "--agency", "652301", "--reason", "整体搬迁",
       "--destination", "呼图壁县")
    shown = json.loads(ok("entities", "show", code, "--agency", "652301", "--json"))
    assert (shown["category"], shown["status"]) == ("general", "relocated")
    bad = run(tmp_path, "spotcheck", "entities", "update", code, "--agency", "652301",
              "--set", "credit_code=X", "--reason", "typo")
    assert bad.returncode == 2 and "credit_code: not a field that can be updated" in bad.stderr
    (tmp_path / "i.csv").write_text("姓名,执法证号,职务\n李娜,65230100012,执法队员\n", encoding="utf-8")
    ok("inspectors", "import", str(tmp_path / "i.csv"), "--agency", "652301")
    ok("inspectors", "leave", "--certificate", "65230100012", "--from", "2026-01-05",
       "--to", "2026-01-09", "--reason", "培训")
    ok("inspectors", "deactivate", "--certificate", "65230100012", "--reason", "调离执法岗位")
    listed = json.loads(ok("inspectors", "list", "--agency", "652301", "--json"))
    assert listed[0]["active"] is False


def test_an_agency_keeps_the_kind_it_was_given(tmp_path: Path) -> None:
    """A district (区) is a county-level agency, and stays a district where it is shown."""
    ok = partial(_ok, tmp_path)
    ok("agency", "add", "--name", "济南市生态环境局", "--code", "370100", "--kind", "city")
    ok("agency", "add", "--name", "济南市生态环境局历城分局", "--code", "370112", "--kind", "district",
       "--parent", "370100")
    listed = json.loads(ok("agency", "list", "--json"))
    assert [(a["kind"], a["level"]) for a in listed] == [("city", "prefecture"), ("district", "county")]
    text = ok("agency", "list")
    assert "370112\tdistrict (county level)\t济南市生态环境局历城分局" in text
