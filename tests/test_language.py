"""Chinese by default, English on request: what a bureau member or a citizen reads — help, output,
errors, enumerations, the public pages, a record — is Simplified Chinese unless ``--lang en``
(anywhere on the line), ``SPOTCHECK_LANG=en`` or, on the service, ``Accept-Language: en`` asks
for English; errors name the field as the user wrote it; Chinese values are accepted where users
type them; help is wrapped, never cut mid-word, in a narrow terminal."""

from __future__ import annotations

import importlib
import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from commands import run
from conftest import private_copy
from http_client import Api
from test_cli_draw import DRAW, FREEZE
from test_cli_records import _record, _write, q2, q2_original  # noqa: F401 (fixtures)

from api.cli.localise import normalised, width, wrap
from api.error_text import message, text
from api.language import from_accept_language, parse, using
from ledger.adapters.settings import Settings
from ledger.demo.county import unit_rows
from ledger.domain.directory import DirectoryRuleError

COUNTY = "652301"


def _zh(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    """``spotcheck ARGS`` as a user who set no language."""
    return run(cwd, "spotcheck", *args, env=env, lang=None)


# -- choosing the language ---------------------------------------------------------------------
def test_accept_language_prefers_the_highest_quality_of_ours_and_chinese_otherwise() -> None:
    assert from_accept_language(None) == "zh" and from_accept_language("") == "zh"
    assert from_accept_language("en-US,en;q=0.9") == "en"
    assert from_accept_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert from_accept_language("fr-FR, en;q=0.5, zh;q=0.4") == "en"
    assert from_accept_language("en;q=0, zh-TW") == "zh"
    assert from_accept_language("de, fr") == "zh"
    assert [parse(x) for x in ("zh_CN.UTF-8", "中文", "EN", "en-GB", "fr")] == [
        "zh", "zh", "en", "en", None]


def test_the_command_line_speaks_chinese_unless_asked_for_english(tmp_path: Path) -> None:
    shown = _zh(tmp_path, "--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("用法：spotcheck") and "命令：" in shown.stdout
    assert "双随机摇号：冻结、种子仪式、抽取、确定名单、变更、公开。" in shown.stdout
    english = _zh(tmp_path, "--lang", "en", "--help").stdout
    assert english.startswith("Usage: spotcheck") and "Commands:" in english
    assert "The draw (双随机摇号): freeze, seed ceremony" in english
    assert _zh(tmp_path, "--help", env={"SPOTCHECK_LANG": "en"}).stdout.startswith("Usage:")
    # --lang anywhere on the line, and it wins over the environment
    assert _zh(tmp_path, "draw", "freeze", "--help", "--lang", "zh",
               env={"SPOTCHECK_LANG": "en"}).stdout.startswith("用法：spotcheck draw freeze")
    assert "冻结日期 YYYY-MM-DD（须在抽查窗口内）" in _zh(tmp_path, "draw", "freeze", "--help").stdout
    refused = _zh(tmp_path, "--lang", "fr", "agency", "list")
    assert refused.returncode == 2 and "--lang: 'fr' is not one of zh, en" in refused.stderr
    wrong = _zh(tmp_path, "--help", env={"SPOTCHECK_LANG": "klingon"})
    assert wrong.returncode == 2 and "SPOTCHECK_LANG" in wrong.stderr


def test_usage_errors_are_in_chinese_and_say_where_the_help_is(tmp_path: Path) -> None:
    missing = _zh(tmp_path, "draw", "freeze", "--agency", COUNTY)
    assert missing.returncode == 2
    assert "帮助：spotcheck draw freeze --help" in missing.stderr
    assert "缺少选项 '--period'" in missing.stderr and "Error" not in missing.stderr
    bad = _zh(tmp_path, "draw", "freeze", "--agency", COUNTY, "--period", "2026Q2", "--on",
              "2026-03-27", "--load-cap", "many")
    assert "'--load-cap' 的值无效：“many”不是整数。" in bad.stderr
    alone = _zh(tmp_path, "draw")  # a group named alone shows its help
    assert alone.stdout.startswith("用法：spotcheck draw") or alone.stderr.startswith("用法：")
    assert "spotcheck: 用法" not in alone.stdout + alone.stderr
    unknown = _zh(tmp_path, "draw", "freeze", "--nope")
    assert "没有选项 --nope（可能是：--on；见 --help）" in unknown.stderr
    assert "Error: No such option: --nope" in run(tmp_path, "spotcheck", "draw", "freeze", "--nope").stderr


def _commands(root: Any) -> list[tuple[str, Any]]:
    """Every command and group under ``root``, the lazy ones loaded, with its path."""
    from api.cli.catalog import COMMANDS
    found: list[tuple[str, Any]] = []

    def walk(path: str, command: Any) -> None:
        found.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(f"{path} {name}", sub)

    walk("spotcheck", root)
    for name, entry in COMMANDS.items():
        loaded = getattr(importlib.import_module(entry.module), entry.attribute)
        if isinstance(loaded, typer.Typer):
            walk(f"spotcheck {name}", typer.main.get_group(loaded))
        else:
            single = typer.Typer(rich_markup_mode=None, add_completion=False)
            single.command(name)(loaded)
            walk(f"spotcheck {name}", typer.main.get_command(single))
    return found


def test_every_help_text_has_its_chinese() -> None:
    from api.cli.catalog import COMMANDS
    from api.cli.help_zh import HELP_ZH
    from api.cli.main import app

    with using("en"):
        commands = _commands(typer.main.get_command(app))
    texts = [normalised(e.help) for e in COMMANDS.values()]
    for _, command in commands:
        texts += [normalised(command.help)] if command.help else []
        texts += [normalised(p.help) for p in command.params if getattr(p, "help", None)]
    missing = sorted({t for t in texts if t not in HELP_ZH})
    assert not missing, f"help texts without their Chinese in api/cli/help_zh.py: {missing}"
    assert all(re.search(r"[\u4e00-\u9fff]|^[\w .,:()/-]+$", zh) for zh in HELP_ZH.values())


def _help_at(width_: int, lang: str, *path: str) -> str:
    """``spotcheck PATH --help`` in a terminal ``width_`` columns wide (in this process)."""
    from typer.testing import CliRunner

    from api.cli.main import app
    result = CliRunner().invoke(app, [*path, "--help", "--lang", lang], prog_name="spotcheck",
                                terminal_width=width_)
    assert result.exit_code == 0, (path, result.output)
    return result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_in_a_narrow_terminal_is_wrapped_never_cut(lang: str) -> None:
    from api.cli.main import app

    with using("en"):
        paths = [path.split(" ")[1:] for path, _ in _commands(typer.main.get_command(app))]
    for path in paths:
        shown = _help_at(60, lang, *path)
        body = shown.split("\n\n", 1)[1]  # the usage lines end in [ARGS]...
        assert "..." not in body, (path, shown)
        for line in body.splitlines():
            longest = max((width(word) for word in line.split()), default=0)
            assert width(line) <= 60 or longest > 40, (path, line)
    listing = " ".join(_help_at(60, "en", "draw").split())
    assert "announcing the entropy plan." in listing and "announcin…" not in listing


def test_a_real_terminal_of_60_columns_gets_the_same(tmp_path: Path) -> None:
    from commands import run_process
    shown = run_process(tmp_path, "spotcheck", "draw", "--help", env={"COLUMNS": "60"})
    assert shown.returncode == 0, shown.stderr
    assert "announcing the entropy plan." in " ".join(shown.stdout.split())
    assert all(width(line) <= 60 for line in shown.stdout.splitlines()[1:])


def test_wrapping_counts_a_chinese_character_as_two_columns_and_keeps_english_words_whole() -> None:
    lines = wrap("冻结本次抽查的输入（冻结），并公布熵源计划 announcing the entropy plan.", 20)
    assert all(width(line) <= 20 for line in lines)
    assert "announcing" in " ".join(lines).split()
    assert not any(line.startswith(("，", "）")) for line in lines)


# -- errors --------------------------------------------------------------------------------------
def test_an_error_names_the_field_as_the_user_wrote_it_and_the_rule_in_chinese() -> None:
    from ledger.services.ceremony import CeremonyError
    outside = CeremonyError("frozen_on: 2026-03-20 is outside the draw window of 2026Q2, "
                            "2026-03-25..2026-03-31 (5 working days before the quarter, rulebook "
                            "changji-county-2015)")
    assert message(outside, "zh") == ("冻结日期（--on）：2026-03-20 不在 2026Q2 的抽查窗口（2026-03-25 至 "
                                      "2026-03-31）内：请在窗口内的工作日办理。")
    assert message(outside, "en").startswith("--on (the freeze date): 2026-03-20 is outside")
    item = text("record.items[2].item: '污染物排放 ' is not on the rulebook's inspection-item list",
                lang="zh")
    assert item.startswith("检查事项（items）第 3 项的事项名称：“污染物排放 ”不在规则手册的"
                           "随机抽查事项清单上")
    assert "record.items" not in item and "[2]" not in item


def test_a_value_typed_in_chinese_is_echoed_in_chinese() -> None:
    from ledger.domain.directory import _check_control_level
    with pytest.raises(DirectoryRuleError) as raised:
        _check_control_level("general", "county")  # 县控, as the importer read it
    said = message(raised.value, "zh")
    assert "控制级别：一般排污单位没有控制级别（填写的是“县控”）" in said and "'county'" not in said
    status = text("record.status: 'running' is not one of operating, stopped, closed", lang="zh")
    assert status == ("生产状态（status）：“running”不是允许的值；可填：正常生产（operating）、"
                      "停产（stopped）、已关闭或迁出（closed）。")


def test_a_missing_value_says_which_in_chinese() -> None:
    assert text("approved_by: special supervision needs an approver", lang="zh") == \
        "批准人（--approved-by）：此项必填，不能为空。"
    assert text("name: an inspection object needs a name", lang="zh") == "名称：此项必填，不能为空。"


def test_an_error_without_a_translation_is_framed_in_chinese_with_what_to_do_next() -> None:
    from ledger.errors import Conflict
    said = message(Conflict("seed: the moon is not in the right phase"), "zh")
    assert said == ("当前状态不允许此操作——种子：the moon is not in the right phase。"
                    "请先查看当前状态（show/list 命令）再决定下一步。")


def test_a_field_is_changed_by_the_column_header_agencies_write(small_demo_original: Path,
                                                                tmp_path: Path) -> None:
    cwd = private_copy(small_demo_original, tmp_path)
    unit = json.loads(run(cwd, "spotcheck", "entities", "list", "--agency", COUNTY,
                          "--json").stdout)[0]["credit_code"]
    changed = _zh(cwd, "entities", "update", unit, "--agency", COUNTY, "--set",
                  "联系电话=0994-1234567", "--reason", "电话变更")
    assert changed.returncode == 0 and f"已修改 {unit}" in changed.stdout
    assert "；已记入日志 1 个事件" in changed.stdout  # the write counted once, not synced twice
    shown = _zh(cwd, "entities", "show", unit, "--agency", COUNTY).stdout
    assert "联系电话\t0994-1234567" in shown and "类别\t" in shown
    refused = _zh(cwd, "entities", "update", unit, "--agency", COUNTY, "--set", "颜色=红",
                  "--reason", "x")
    assert "颜色：不是可以修改的字段：可修改的有 名称（name）" in refused.stderr
    reclassified = _zh(cwd, "entities", "reclassify", unit, "--agency", COUNTY, "--category", "重点",
                       "--control-level", "县控", "--reason", "列入重点排污单位名录")
    assert reclassified.returncode == 0, reclassified.stderr
    row = json.loads(run(cwd, "spotcheck", "entities", "show", unit, "--agency", COUNTY,
                         "--json").stdout)
    assert (row["category"], row["control_level"]) == ("key", "county")


def test_a_rejected_import_lists_every_row_in_chinese_with_the_users_words(tmp_path: Path) -> None:
    row = unit_rows(1)[0]
    csv = tmp_path / "units.csv"
    csv.write_text("名称,统一社会信用代码,所属区县,类别,控制级别\n"
                   f"{row['name']},{row['credit_code']},{row['county']},一般,县控\n"
                   "坏公司,91652301310000057X,昌吉市,重点,\n", encoding="utf-8")
    _zh(tmp_path, "agency", "add", "--name", "昌吉州生态环境局昌吉市分局", "--code", COUNTY,
        "--kind", "county")
    refused = _zh(tmp_path, "entities", "import", str(csv), "--agency", COUNTY)
    assert refused.returncode == 2
    assert "有 2 行共 2 处错误，未导入任何内容" in refused.stderr
    assert "第 2 行，“控制级别”列：一般排污单位没有控制级别（填写的是“县控”）" in refused.stderr
    assert "第 3 行，“统一社会信用代码”列：" in refused.stderr
    assert "control_level" not in refused.stderr and "'county'" not in refused.stderr


# -- output --------------------------------------------------------------------------------------
def test_a_quarter_reads_in_chinese(q2: tuple[Path, str, list[str], str]) -> None:  # noqa: F811
    cwd, unit, team, _ = q2
    zh = partial(_zh, cwd)
    record = _record(team, status="正常生产")  # the Chinese word for operating is accepted
    record["items"][0]["finding"] = "合规"
    filed = zh("record", "file", DRAW, "--unit", unit, "--file", _write(cwd, "r.json", record),
               "--by", team[0], "--on", "2026-04-20")
    assert filed.returncode == 0, filed.stderr
    assert f"已记录：{DRAW} 中 {unit} 的检查记录" in filed.stdout and "逾期 2 个工作日" in filed.stdout
    assert "后续处理：" in filed.stdout and "已记入日志" in filed.stdout
    shown = zh("record", "show", DRAW, "--unit", unit, "--as-agency", COUNTY).stdout
    assert "生产状态：正常生产" in shown and "检查事项\t防治污染设施运行：合规" in shown
    assert "责令改正 1\t规范化设置排污口（期限 2026-05-29）" in shown
    assert "备注（存档，不公开）" in shown and "operating" not in shown and "compliant" not in shown
    english = run(cwd, "spotcheck", "record", "show", DRAW, "--unit", unit, "--as-agency", COUNTY)
    assert "status operating" in english.stdout

    late = zh(*FREEZE)  # 2026Q2 is frozen already
    assert late.returncode == 2 and f"{DRAW} 已经冻结：每个季度只有一次抽查" in late.stderr

    pages = zh("public", "show", "--agency", COUNTY, "--year", "2026").stdout
    assert "依据：《随机抽查制度的实施方案》" in pages or "依据：《" in pages
    assert "rulebook changji" not in pages
    assert re.search(r"第1季度\t重点排污单位\t抽查 \d+ 家", pages), pages
    assert "(by " not in pages


def test_the_plan_is_printed_in_chinese(small_demo_original: Path, tmp_path: Path) -> None:
    cwd = private_copy(small_demo_original, tmp_path)
    shown = _zh(cwd, "draw", "show", "652301-2026Q1-units")
    assert shown.returncode == 0
    draws = _zh(cwd, "draw", "list", "--agency", COUNTY).stdout
    assert "重点排污单位" in draws or "一般排污单位" in draws
    wrong = _zh(cwd, "draw", "reveal", "652301-2026Q9-units", "--k", "1", "--value", "x")
    assert wrong.returncode == 2 and "没有编号为 652301-2026Q9-units 的抽查" in wrong.stderr


def test_the_demo_says_where_it_stored_the_ledger_in_chinese(small_demo_original: Path,
                                                             tmp_path: Path) -> None:
    cwd = private_copy(small_demo_original, tmp_path)
    again = _zh(cwd, "demo")  # run again on a written ledger: it says where the ledger is
    assert again.returncode == 0
    assert f"存入 SQLite 数据库文件 {(cwd / 'spotcheck.db').resolve()}" in again.stdout
    assert "SQLite file" not in again.stdout


# -- the service ---------------------------------------------------------------------------------
def test_the_service_answers_errors_in_the_language_the_caller_accepts(
    small_demo_original: Path, tmp_path: Path,
) -> None:
    directory = private_copy(small_demo_original, tmp_path)
    api = Api(Settings(str(directory / "spotcheck.db"), directory / "spotcheck-keys"))
    try:
        api.add("op", "operator", "--agency", COUNTY, name="张三")
        body = {"period": "2026Q2", "on": "2026-03-20"}
        path = f"/api/agencies/{COUNTY}/draws"
        answers = {}
        for header in (None, "zh-CN,zh;q=0.9", "en-US,en;q=0.8"):
            answers[header] = api.call("POST", path, "op", json=body,
                                       headers={"Accept-Language": header or ""})
        for header, lang in ((None, "zh"), ("zh-CN,zh;q=0.9", "zh"), ("en-US,en;q=0.8", "en")):
            answer = answers[header]
            assert answer.status_code == 422
            error = answer.json()["error"]
            assert error["lang"] == lang and error["field"] == "frozen_on"
            assert answer.headers["content-language"] == ("zh-CN" if lang == "zh" else "en")
        assert answers[None].json()["error"]["message"].startswith(
            "冻结日期：2026-03-20 不在 2026Q2 的抽查窗口")
        assert answers["en-US,en;q=0.8"].json()["error"]["message"].startswith(
            "frozen_on: 2026-03-20 is outside the draw window")
        schema = api.call("POST", path, "op", json={"period": 5},
                          headers={"Accept-Language": "zh"}).json()
        assert schema["error"]["lang"] == "zh" and schema["error"]["field"] == "period"
        assert schema["error"]["message"] == "抽查季度：须为文字。"
        problem = schema["error"]["problems"][0]  # pydantic's rule for programs, the message for people
        assert problem["rule"] == "Input should be a valid string"
        assert problem["message"] == "抽查季度：须为文字。"
        empty = api.call("POST", path, "op", json={}, headers={"Accept-Language": "zh"}).json()
        assert {p["message"] for p in empty["error"]["problems"]} >= {"抽查季度：此项必填。"}
        english = api.call("POST", path, "op", json={"period": 5},
                           headers={"Accept-Language": "en"}).json()["error"]["problems"][0]
        assert english["message"] == "period: Input should be a valid string"
    finally:
        api.close()


def test_record_errors_accept_a_file_with_chinese_values() -> None:
    from datetime import date

    from ledger.domain.inspection_record import RecordContext, check_record
    context = RecordContext(team=("A1", "A2"), team_size=2, items=("事项一",),
                            period_first=date(2026, 4, 1), period_last=date(2026, 6, 30))
    record = {"officers": ["A1", "A2"], "visited_on": "2026-04-07", "place": "厂区",
              "status": "停产", "items": [{"item": "事项一", "finding": "不适用", "description": ""}],
              "annex4": None, "orders": [], "case": {"filed": False, "penalty": ""},
              "attachments": [], "remarks": ""}
    checked = check_record(record, context)
    assert checked["status"] == "stopped" and checked["items"][0]["finding"] == "not_applicable"
    json.dumps(checked)
    operating = {**record, "status": "正常生产", "items": [
        {"item": "事项一", "finding": "合规", "description": ""}], "annex4": {
        "facilities_built": True, "facilities_running": "正常", "outfall_standardised": True,
        "emissions_within_limits": None}}
    checked = check_record(operating, context)
    assert checked["status"] == "operating" and checked["items"][0]["finding"] == "compliant"
    assert checked["annex4"]["facilities_running"] == "normal"
    said = text("record.annex4.facilities_running: one of normal, abnormal, none", lang="zh")
    assert said == ("附件4情况（annex4）：污染防治设施运行情况：须为以下之一：正常（normal）、"
                    "不正常（abnormal）、无设施（none）。")


# -- the audit report ----------------------------------------------------------------------------
def test_the_audit_reports_findings_read_in_chinese() -> None:
    from verify.finding_text import RULE_NAMES, message_zh
    from verify.findings import Finding
    overdue = Finding("order-overdue", "652301-2026Q1-units 91652301MAQCPNK95K: order 1 (按规范设置废水"
                      "排放口) was due 2026-02-27, not recorded as rectified: 8 working day(s) overdue "
                      "as of 2026-03-11", severity="late")
    assert message_zh(overdue) == ("652301-2026Q1-units 91652301MAQCPNK95K：第 1 项责令改正（按规范设置"
                                   "废水排放口）期限为 2026-02-27，未记录整改完成：截至 2026-03-11 已逾期 8 "
                                   "个工作日")
    late = Finding("record-late", "652301-2026Q1-units X: record 3 working day(s) after the deadline "
                   "2026-01-14 (7 working_days)", severity="late")
    assert message_zh(late) == ("652301-2026Q1-units X：检查记录在期限 2026-01-14（7 个工作日）之后 "
                                "3 个工作日才完成")
    odd = Finding("draw-seed", "the seed does not match")
    assert message_zh(odd) == "种子不符（原文：the seed does not match）"
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in RULE_NAMES.values())


def test_the_html_report_of_a_quarter_is_chinese_and_english_on_request(
    small_demo_original: Path, tmp_path: Path,
) -> None:
    cwd = private_copy(small_demo_original, tmp_path)
    assert run(cwd, "spotcheck", "export", "--out", "bundle", "--log", COUNTY).returncode == 0
    verified = run(cwd, "spotcheck-verify", "bundle", "--quiet", "--report", "zh.html", lang=None)
    assert verified.returncode == 0
    assert "核验通过：每个事件哈希、链接、检查点和规则都成立" in verified.stdout
    assert "逾期 [检查记录逾期] 日志序号" in verified.stdout
    assert run(cwd, "spotcheck-verify", "bundle", "--quiet", "--report", "en.html",
               "--lang", "en").returncode == 0
    zh = (cwd / "zh.html").read_text(encoding="utf-8")
    assert "检查记录逾期（record-late）" in zh and "个工作日才完成" in zh
    assert "working day(s) after the deadline" not in zh
    assert "working day(s) after the deadline" in (cwd / "en.html").read_text(encoding="utf-8")


def test_the_verifiers_help_and_usage_errors_read_in_chinese(tmp_path: Path) -> None:
    from verify import cli
    from verify.help_text import HELP_ZH

    for build in (cli.build_parser, cli.build_audit_parser, cli.build_cosign_parser,
                  cli.build_cosigner_key_parser, cli.build_receipt_parser,
                  cli.build_conflict_proof_parser):
        parser = build()
        texts = [parser.description, parser.epilog, *(a.help for a in parser._actions)]
        missing = [t for t in texts if t and " ".join(t.split()) not in HELP_ZH]
        assert not missing, f"verify/help_text.py lacks: {missing}"
    shown = run(tmp_path, "spotcheck-verify", "--help", lang=None)
    assert shown.stdout.startswith("用法：spotcheck-verify") and "显示本帮助并退出" in shown.stdout
    assert "离线核验 Spotcheck 审计包" in shown.stdout
    assert run(tmp_path, "spotcheck-verify", "--help", "--lang", "en").stdout.startswith("usage:")
    missing_dir = run(tmp_path, "spotcheck-verify", "nowhere", lang=None)
    assert missing_dir.returncode == 2
    assert missing_dir.stderr == "spotcheck-verify: nowhere：没有这个审计包目录，请检查路径\n"
    no_bundle = run(tmp_path, "spotcheck-verify", lang=None)
    assert no_bundle.returncode == 2 and "缺少必需的参数：bundle" in no_bundle.stderr


@pytest.mark.parametrize(("raised", "shown"), [
    ("plan: agency 370112 has filed no 2026 annual plan (`spotcheck plan --year 2026 --agency 370112 "
     "--approved-by <who approved it>`)",
     "年度计划：机构 370112 尚未报送 2026 年度抽查计划：请先运行 `spotcheck plan"),
    ("frozen_on: 2026-03-28 is not a working day (a Saturday); the draw of 2026Q2 is frozen and fixed on "
     "working days only", "冻结日期（--on）：2026-03-28 不是工作日（星期六）"),
    ("draw_id: 370112-2026Q2-units is already frozen; a period has one draw",
     "抽查编号：370112-2026Q2-units 已经冻结：每个季度只有一次抽查"),
    ("commitment: 64 lowercase hex digits (SHA-256 of the value)",
     "承诺值（--commitment）：须为 64 位小写十六进制数字"),
    ("value: the reveal of witness 1 (王芳) does not match its commitment",
     "揭示值（--value）：第 1 位见证人（王芳）揭示的值与其承诺不符"),
    ("seed: derive the seed first (`spotcheck draw seed X --by <who derives it>`)",
     "种子：请先生成种子：`spotcheck draw seed X"),
    ("fixed_on: 2026-04-02 is outside the draw window of 2026Q2, 2026-03-27..2026-03-31; the list is "
     "fixed within it",
     "名单确定日期（--on）：2026-04-02 不在 2026Q2 的抽查窗口（2026-03-27 至 2026-03-31）内"),
    ("record.officers: 1 present; the rulebook's team is at least 2 (双随机: at least two officers)",
     "到场执法人员：到场 1 人；规则手册要求每组至少 2 名执法人员"),
    ("record.items: every item of the inspection-item list is covered; missing 污染物排放",
     "检查事项（items）：须逐项填写随机抽查事项清单上的全部事项；缺少：污染物排放"),
    ("record.orders[0].due: 2026-04-01 is not after the visit (2026-04-07)",
     "责令改正事项（orders）第 1 项的改正期限：改正期限 2026-04-01 须晚于检查日期 2026-04-07"),
    ("disclosed_on: the list of 2026Q2 stays secret until every visit is recorded or the quarter is over "
     "(after 2026-06-30); 抽查保密; 2 visit(s) not recorded yet: 甲（1）、乙（2） (`spotcheck record file`)",
     "公开日期（--on）：2026Q2 的抽查名单须保密，直到全部检查记录填报完毕或季度结束（2026-06-30 之后）；"
     "尚有 2 处检查未填报记录：甲（1）、乙（2）"),
    ("result: already published", "检查结果：结果已经公开。"),
    ("credit_code: GB 32100 check character (position 18) of 91370112MA3C0000X8 is wrong: expected '6', "
     "found '8'", "统一社会信用代码：91370112MA3C0000X8 的第 18 位校验码不对（GB 32100）：按前 17 位应为“6”"),
    ("minimums.special.share_bp: 10.00% is below the key units' 25.00%; the seeds ask to raise the ratio "
     "for special objects", "特殊监管对象抽查比例（--special-share）：10.00% 低于重点排污单位的 25.00%"),
])
def test_the_errors_of_a_quarter_read_in_chinese(raised: str, shown: str) -> None:
    said = text(raised, lang="zh")
    assert said.startswith(shown), said
    assert "输入有误——" not in said  # translated whole, not framed


# -- every message the ledger raises, translated whole ------------------------------------------
def _untranslated_script() -> Any:
    import importlib.util
    path = Path(__file__).resolve().parent.parent / "scripts" / "untranslated_errors.py"
    spec = importlib.util.spec_from_file_location("untranslated_errors", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    import sys
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


#: Messages whose values are words of the sentence ("an operator account"), which the script's
#: sample values cannot fill; each is checked whole below with its real values.
_FILLED_BY_WORDS = {
    "\x00: a\x00 \x00 account names its \x00", "\x00: a\x00 \x00 account has no \x00",
    "minimums.\x00: the rulebook gives no number for \x00 units\x00; state one when adopting "
    "(--\x00-share PERCENT\x00); a quota of 0 is never assumed",
}


def test_every_message_the_ledger_and_the_service_raise_reads_in_chinese_whole() -> None:
    script = _untranslated_script()
    found = script.messages()
    assert len(found) > 350  # the scan reads the code, not an empty list
    left = {m.template for m in script.untranslated()}
    assert left <= _FILLED_BY_WORDS, sorted(left - _FILLED_BY_WORDS)


@pytest.mark.parametrize(("raised", "shown"), [
    ("credit_code: already registered with other values: 类别: 特殊监管 in the ledger, 重点 in the "
     "file; 地址: (empty) in the ledger, 济南市 in the file. Keep the ledger's values with "
     "--keep-ledger, or change the entry with an update, not an import",
     "统一社会信用代码：已登记且内容不同：类别：账本中为“特殊监管”，文件中为“重点”；地址：账本中为空，"
     "文件中为“济南市”。要保留账本中的值，请加 --keep-ledger 重新导入"),
    ("fixed_source_code: its first 18 characters are the unit's credit code, and GB 32100 check "
     "character (position 18) of 91370112MABPPB8W9X is wrong: expected 'G', found 'X'; the code "
     "would be 91370112MABPPB8W9G (the fixed source code would then be 91370112MABPPB8W9G001P)",
     "固定污染源编码：前 18 位是单位的统一社会信用代码，而 91370112MABPPB8W9X 的第 18 位校验码不对"),
    ("fixed_source_code: fixed_source_code env code 11 means national key, but the directory's "
     "control_level/category is county key; the code that fits the directory would be "
     "14370112-MABPPB8W-9",
     "固定污染源编码：固定污染源编码的环保代码 11 表示“国控 重点排污单位”，而名录中的控制级别/类别是"
     "“县控 重点排污单位”；与名录相符的编码应是 14370112-MABPPB8W-9"),
    ("fixed_source_code: organisation_code: check character of '12345678-9' is wrong (GB 11714-1997 "
     "weights 3,7,9,10,5,8,4,2 mod 11): expected '8', found '9'; the code would be "
     "11370112-12345678-8",
     "固定污染源编码：组织机构代码：“12345678-9”的校验码不对（GB 11714-1997）：应为“8”，填写的是“9”；"
     "请核对组织机构代码证；正确的代码应是 11370112-12345678-8"),
    ("fixed_source_code: 'X1' is neither Shandong's <env code 2 digits><division 6 digits>-"
     "<organisation code>[(1)] (seed 002 annex 2, e.g. 11370181-12345678-9) nor the national "
     "<credit code 18><sequence 3 digits><letter> (HJ 608-2017, e.g. 91370112MABPPB8W9G001P)",
     "固定污染源编码：“X1”既不是山东省格式"),
    ("--file: /tmp/r.xlsx: not a record form of Spotcheck (no line 抽查编号; write one with "
     "`spotcheck record template`)",
     "文件（--file）：/tmp/r.xlsx 不是 Spotcheck 的检查记录表（缺少“抽查编号”行）"),
    ("--file: /tmp/r.xlsx: row 4, 检查结果 of '污染物排放': '好' is not one of 合规, 不合规",
     "文件（--file）：/tmp/r.xlsx：第 4 行“污染物排放”的检查结果“好”不是允许的值"),
    ("--file: /tmp/r.xlsx: row 2 says the form is for '370112-2026Q2-units', not 370112-2026Q3-units "
     "(each visit has its own form)",
     "文件（--file）：/tmp/r.xlsx：第 2 行写明本表用于“370112-2026Q2-units”"),
    ("--name: log 370112 has no witness 'w9'", "--name：日志 370112 没有名为“w9”的见证方"),
    ("--url: 'ftp://x' is neither an http(s) URL nor 'local'",
     "--url：“ftp://x”既不是 http(s) 网址，也不是 local。"),
    ("draw 370112-2026Q2-units: the fixed list hash does not match",
     "抽查 370112-2026Q2-units：已确定名单的摘要不符。"),
    ("role: an operator account names its agency", "role：operator 账户须写明 agency。"),
    ("old: 5 is not the size this witness last cosigned (7)",
     "old：5 不是本见证方最近联署的大小（7）"),
    ("refusing to sign: the log is not an extension of checkpoint 25 signed earlier (2026-01-05 "
     "09:00): its history was rewritten (root mismatch)",
     "拒绝签名：日志不是此前（2026-01-05 09:00）签名的检查点 25 的延伸，其历史已被改写"),
    ("minimums.special: the rulebook gives no number for special units (seed 002: 加大抽查比例); state "
     "one when adopting (--special-share PERCENT, at least the key units' 25.00%); a quota of 0 is "
     "never assumed",
     "特殊监管对象抽查比例（--special-share）：规则手册没有规定特殊监管对象的抽查比例"),
])
def test_the_errors_of_imports_codes_forms_and_logs_read_in_chinese(raised: str, shown: str) -> None:
    said = text(raised, lang="zh")
    assert said.startswith(shown), said
    assert "——" not in said  # translated whole, not framed
    assert text(raised, lang="en").endswith(raised.split(": ", 1)[1])  # English: as the code wrote it


# -- the log's, the witness's and the verifier's newer commands ----------------------------------
def test_tiles_receipts_and_witnesses_read_in_chinese_and_english_on_request(
    small_demo_original: Path, tmp_path: Path,
) -> None:
    cwd = private_copy(small_demo_original, tmp_path)
    tiles = _zh(cwd, "log", "tiles", "--out", "tiles", "--log", COUNTY)
    assert tiles.returncode == 0, tiles.stderr
    assert f"已将日志 {COUNTY}" in tiles.stdout and "个瓦片及其检查点" in tiles.stdout
    assert "wrote log" in run(cwd, "spotcheck", "log", "tiles", "--out", "tiles-en", "--log",
                              COUNTY).stdout
    receipt = _zh(cwd, "receipt", "--index", "1", "--out", "r.tlog-proof", "--log", COUNTY)
    assert receipt.returncode == 0, receipt.stderr
    assert f"已将日志 {COUNTY} 第 1 个事件的收据写入 r.tlog-proof" in receipt.stdout
    key = next(p for p in cwd.rglob("log.vkey") if COUNTY in str(p))
    verify = partial(run, cwd, "spotcheck-verify", lang=None)
    checked = verify("receipt", "r.tlog-proof", "--key", str(key))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("回执有效：事件 ") and "事件内容与哈希一致：" in checked.stdout
    assert "receipt valid" not in checked.stdout
    english = verify("receipt", "r.tlog-proof", "--key", str(key), "--lang", "en")
    assert english.stdout.startswith("receipt valid: event ")
    (cwd / "bad.tlog-proof").write_text("not a receipt\n", encoding="utf-8")
    refused = verify("receipt", "bad.tlog-proof", "--key", str(key))
    assert refused.returncode == 1 and refused.stdout.startswith("回执无效：bad.tlog-proof：")
    missing = verify("receipt", "nowhere.tlog-proof", "--key", str(key))  # a usage error
    assert missing.returncode == 2 and "nowhere.tlog-proof：没有这个文件" in missing.stderr

    status = _zh(cwd, "witness", "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("见证方：") and "(cosigned size)" not in status.stdout
    assert run(cwd, "spotcheck", "witness", "status").stdout.startswith("witness: ")
    exported = _zh(cwd, "witness", "export", "--out", "cosigned")
    assert exported.returncode == 0 and "个联署的检查点和" in exported.stdout
    submitted = _zh(cwd, "log", "witness-submit")
    assert submitted.returncode == 0, submitted.stderr
    assert all(line.startswith("日志 ") and "见证方" in line
               for line in submitted.stdout.splitlines()), submitted.stdout


def test_the_verifiers_usage_errors_of_several_bundles_read_in_chinese() -> None:
    from verify.help_text import error_zh
    assert error_zh("--key a.vkey: a second key for log 370112") == "--key a.vkey：日志 370112 的第二把公钥"
    assert error_zh("b2: a second bundle of log 370112 (the first is b1)") == \
        "b2：是日志 370112 的第二个审计包（第一个是 b1），每个日志只给一个"
    assert error_zh("--time -1: not in 0..2**63-1") == "--time -1：不在 0 至 2**63-1 之间"
