"""After the draw on the command line: an operator files, corrects, rectifies and publishes, and a
citizen reads the public pages (masked, withheld fields replaced), on a 2026Q2 draw run by hand."""

from __future__ import annotations

import csv
import io
import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import private_copy
from test_cli_directories import _ok
from test_cli_draw import DRAW, FREEZE, VALUES, _commit, _fails

COUNTY = "652301"
ID_NUMBER = "110101199003074578"
ITEMS = ["防治污染设施运行", "污染物排放", "环境管理制度落实"]  # changji-county-2015's list


@pytest.fixture(scope="session")
def q2_original(small_demo_original: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, str, list[str], str]:
    """The demo (60 units), then 2026Q2's draw fixed by hand; a non-special unit and its team
    (written once per session)."""
    tmp_path = private_copy(small_demo_original, tmp_path_factory.mktemp("q2"))
    ok = partial(_ok, tmp_path)
    ok(*FREEZE)
    _commit(ok, DRAW)
    for k, value in VALUES.items():
        ok("draw", "reveal", DRAW, "--k", str(k), "--value", value)
    ok("draw", "dice", DRAW, "--k", "3", "--digits", "3615242", "--witnessed-by", "王芳")
    ok("draw", "seed", DRAW, "--by", "局长")
    ok("draw", "run", DRAW)
    ok("draw", "fix", DRAW, "--by", "局务会", "--on", "2026-03-27")
    ok("draw", "export", DRAW, "--out", "q2", "--who", "局长", "--why", "执法检查")
    selection = csv.DictReader(io.StringIO((tmp_path / "q2" / "selection.csv").read_text("utf-8")))
    unit = next(r["id"] for r in selection if r["selected"] == "1" and r["stratum"] != "SPC")
    assignment = csv.DictReader(io.StringIO((tmp_path / "q2" / "assignment.csv").read_text("utf-8")))
    team = [r["inspector_id"] for r in assignment if r["unit_id"] == unit]
    person = json.loads(ok("entities", "show", unit, "--agency", COUNTY, "--json"))[
        "legal_representative"]
    return tmp_path, unit, team, person


@pytest.fixture
def q2(q2_original: tuple[Path, str, list[str], str], tmp_path: Path
       ) -> tuple[Path, str, list[str], str]:
    """A private copy of :func:`q2_original`."""
    original, unit, team, person = q2_original
    return private_copy(original, tmp_path), unit, team, person


def _record(team: list[str], public_remarks: str = "", **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "officers": team, "visited_on": "2026-04-07", "place": "企业厂区", "status": "operating",
        "items": [{"item": item, "finding": "compliant", "description": "正常"} for item in ITEMS],
        "annex4": {"facilities_built": True, "facilities_running": "normal",
                   "outfall_standardised": False, "emissions_within_limits": True},
        "orders": [{"order": "规范化设置排污口", "due": "2026-05-29"}],
        "case": {"filed": False, "penalty": ""},
        "attachments": [{"name": "现场照片1.jpg", "sha256": "ab" * 32}],
        "remarks": "现场笔录编号 XC-2026-041（存档）", "public_remarks": public_remarks,
    }
    record["items"][1] = {"item": "污染物排放", "finding": "problem", "description": "排污口未规范化设置"}
    record.update(changes)
    return record


def _write(cwd: Path, name: str, record: dict[str, Any]) -> str:
    (cwd / name).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return name


def test_an_operator_files_corrects_rectifies_and_publishes_and_a_citizen_reads_it(
    q2: tuple[Path, str, list[str], str],
) -> None:
    cwd, unit, team, person = q2
    ok = partial(_ok, cwd)
    remarks = f"法定代表人{person}（身份证{ID_NUMBER}）在场"
    filed = ok("record", "file", DRAW, "--unit", unit, "--file", _write(cwd, "r.json", _record(team)),
               "--by", team[0], "--on", "2026-04-20")
    assert f"recorded: the record of {unit} in {DRAW}" in filed
    assert "due 2026-04-16, 2 working day(s) late" in filed and "event(s) logged" in filed
    assert "now a special-supervision object (特殊监管对象)" in filed
    corrected = ok("record", "correct", DRAW, "--unit", unit, "--file",
                   _write(cwd, "c.json", _record(team, remarks)), "--reason", "补记在场人员",
                   "--by", team[1], "--on", "2026-04-21")
    assert "correction 1 of the record" in corrected and "(补记在场人员)" in corrected

    own = json.loads(ok("record", "show", DRAW, "--unit", unit, "--as-officer", team[0], "--json"))
    assert own["record"]["public_remarks"] == remarks  # the full record, for the officer of the visit
    assert own["record"]["remarks"] == "现场笔录编号 XC-2026-041（存档）"
    assert "规范化设置排污口 (due 2026-05-29)" in ok("record", "show", DRAW, "--unit", unit,
                                                  "--as-agency", COUNTY)
    rectified = ok("rectify", DRAW, "--unit", unit, "--order", "1", "--on", "2026-05-20",
                   "--verified-by", "执法大队", "--evidence", "整改照片")
    assert "0 order(s) still open" in rectified and "no longer under special supervision" in rectified

    published = ok("disclose", "result", DRAW, "--unit", unit, "--by", "办公室", "--on", "2026-05-25",
                   "--withhold", "penalty:commercial_secret:涉及商业秘密，不予公开",
                   "--reviewer", "保密审查员", "--reviewed-on", "2026-05-22")
    assert "penalty shown as 已作区分处理（商业秘密）" in published
    refused = _fails(cwd, "disclose", "list", DRAW, "--by", "局长", "--on", "2026-05-25")
    assert "stays secret until every visit is recorded" in refused
    assert re.search(r"; \d+ visit\(s\) not recorded yet: .+（[0-9A-Z]{18}）", refused), refused
    assert unit not in refused.split("not recorded yet")[1]  # the one visited is not named
    assert f"the list of {DRAW} disclosed" in ok("disclose", "list", DRAW, "--by", "局长",
                                                 "--on", "2026-07-01")

    shown = ok("public", "show", "--agency", COUNTY, "--year", "2026", "--json", "--lang", "zh")
    pages = json.loads(shown)
    assert ID_NUMBER not in shown and person not in shown and remarks not in shown
    assert "XC-2026-041" not in shown  # the remarks for the file are never published
    result = next(r for r in pages["results"] if r["credit_code"] == unit and r["draw_id"] == DRAW)
    assert result["penalty"] == "已作区分处理（商业秘密）" and "1101011990****4578" in result["remarks"]
    assert pages["headings"]["results"] == "抽查结果公告"
    assert {t["draw_id"] for t in pages["tasks"]} == {"652301-2026Q1-units", DRAW}
    assert [f["period"] for f in pages["fixed_lists"]] == ["2026Q1", "2026Q2"]
    text = ok("public", "show", "--agency", COUNTY, "--year", "2026", "--lang", "zh")
    for heading in ("抽查事项清单", "抽查计划公告", "抽查任务公告", "抽查结果公告", "已确定的抽查名单"):
        assert f"== {heading}" in text
    assert ID_NUMBER not in text and person not in text
    assert "== Inspection results" in ok("public", "show", "--agency", COUNTY, "--year", "2026",
                                         "--lang", "en")
    found = json.loads(ok("public", "search", unit, "--year", "2026", "--json"))
    assert [r["credit_code"] for r in found if r["draw_id"] == DRAW] == [unit]
    in_q2 = json.loads(ok("public", "search", "", "--agency", COUNTY, "--year", "2026",
                          "--quarter", "2", "--json"))
    assert {r["draw_id"] for r in in_q2} == {DRAW}
    assert unit in {r["credit_code"] for r in in_q2}
    assert "--quarter: 7 is not a quarter" in _fails(cwd, "public", "search", "", "--year", "2026",
                                                     "--quarter", "7")


def test_a_stranger_a_correction_without_reason_a_reader_without_a_role(
    q2: tuple[Path, str, list[str], str],
) -> None:
    cwd, unit, team, _ = q2
    stranger = _fails(cwd, "record", "file", DRAW, "--unit", unit, "--file",
                      _write(cwd, "s.json", _record([team[0], "652301999999"])), "--by", team[0],
                      "--on", "2026-04-08")
    assert "652301999999 is not on the assigned team" in stranger and ", ".join(team) in stranger
    assert "was not one of the officers present" in _fails(
        cwd, "record", "file", DRAW, "--unit", unit, "--file", _write(cwd, "r.json", _record(team)),
        "--by", "652301999999", "--on", "2026-04-08")
    _ok(cwd, "record", "file", DRAW, "--unit", unit, "--file", "r.json", "--by", team[0],
        "--on", "2026-04-08")
    assert "reason: a correction states its reason" in _fails(
        cwd, "record", "correct", DRAW, "--unit", unit, "--file", "r.json", "--reason", " ",
        "--by", team[0], "--on", "2026-04-09")
    assert "give --as-officer CERT or --as-agency CODE" in _fails(
        cwd, "record", "show", DRAW, "--unit", unit)
    assert "no record of" in _fails(cwd, "record", "show", DRAW, "--unit", unit,
                                    "--as-officer", "652301999999")
    assert "reads its own records, not 652301's" in _fails(
        cwd, "record", "show", DRAW, "--unit", unit, "--as-agency", "652300")
    assert "a withheld field needs its review" in _fails(
        cwd, "disclose", "result", DRAW, "--unit", unit, "--by", "办公室", "--on", "2026-04-10",
        "--withhold", "penalty:commercial_secret:x")
    assert "give --granted or --refused" in _fails(
        cwd, "record", "recusal", DRAW, "--unit", unit, "--officer", team[0], "--requested-by", "企业",
        "--reason", "亲属", "--decided-by", "大队长")
    assert "--lang: 'fr' is not one of zh, en" in _fails(cwd, "public", "show", "--agency", COUNTY,
                                                   "--year", "2026", "--lang", "fr")
