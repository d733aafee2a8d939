"""The quarter of docs/operator-guide.md, run again (``.venv/bin/python scripts/THIS DIR``).

In a new directory DIR (a fresh SQLite ledger and key directory), writes the bureau's two
spreadsheets (历城区, 370112: 24 units kept with title rows and a 序号 column, 8 officers) and one
with mistakes, then runs every ``spotcheck`` command the guide shows, each at the date and time the
step claims (the clock simulated as ``spotcheck demo`` does, so that the verifier sees a quarter
run on time), and writes what a terminal shows to DIR/transcript.txt. The guide's outputs are
copied from that transcript; the keys, hashes and checkpoint times differ from run to run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from api.cli.main import app
from ledger.adapters.observability import configure_logging
from ledger.codes.credit_code import make_credit_code
from ledger.codes.fixed_source_code import make_fixed_source_code
from ledger.domain.clock import simulated_time

CHINA = timezone(timedelta(hours=8))
D = "370112-2026Q1-units"


def write_files() -> None:
    """The bureau's own two spreadsheets, as kept, and a copy of the first with five mistakes."""
    bodies = ["MA3C5X8K", "MA94RT2L", "72062351", "MA3D0Q7W", "MA3E1B2C", "MA7F4H6J", "MA8G2K9L",
              "MA5H7M3N", "MA2J8P4Q", "MA6K3R5T", "MA9L4U7W", "MA1M5X2Y", "MA4N6A8B", "MA7P7C1D",
              "MA3Q8E4F", "MA8R9G6H", "MA2T1J3K", "MA5U2L8M", "MA9W3N1P", "MA6X4Q5R", "MA1Y5T7U",
              "MA4A6W2X", "MA7B7Y9A", "MA3C8B4C"]
    trades = [("化工", "化学原料和化学制品制造业"), ("热电", "电力、热力生产和供应业"),
              ("建材", "非金属矿物制品业"), ("食品", "农副食品加工业"), ("制药", "医药制造业"),
              ("印染", "纺织业"), ("机械", "通用设备制造业"), ("汽修", "机动车维修")]
    prefixes = ["泉润", "华鑫", "金山", "鲁和", "新添", "章锦", "华山", "唐冶", "港沟", "彩石",
                "柳埠", "遥墙"]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名录"
    sheet.append(["历城区2026年污染源日常监管动态信息库（双随机抽查对象名录）"])
    sheet.merge_cells("A1:L1")
    sheet.append(["填报单位：济南市生态环境局历城区分局", *[""] * 9, "填报日期：2025-11-20"])
    sheet.append(["序号", "名称", "统一社会信用代码", "法定代表人", "联系电话", "所属区县", "行业", "地址",
                  "类别", "控制级别", "风险等级", "固定污染源编码"])
    surnames = "王李张刘陈杨赵黄周吴徐孙"
    for n, body in enumerate(bodies):
        code = make_credit_code("9", "1", "370112", body)
        short, industry = trades[n % len(trades)]
        name = f"济南{prefixes[n % len(prefixes)]}{short}有限公司" + ("" if n < 12 else "（二厂）")
        category = "key" if n % 4 == 0 else "special" if n in (6, 13) else "general"
        level = "county" if n % 8 == 0 else "city" if category == "key" else ""
        word = {"key": "重点", "general": "一般", "special": "特殊监管"}[category]
        if n % 5 == 1:
            fixed = f"{code}001P"  # the national permit number
        elif category == "special":
            fixed = make_fixed_source_code("county", "general", "370112", code[8:17], True)
        else:
            fixed = make_fixed_source_code(level or "county", "key" if category == "key" else "general",
                                           "370112", code[8:17], False)
        level_word = {"county": "县控", "city": "市控", "": ""}[level]
        sheet.append([n + 1, name, code, f"{surnames[n % 12]}建国", f"0531-8877{n:04d}", "历城区",
                      industry, f"济南市历城区工业北路{100 + n}号", word, level_word, "ABCD"[n % 4], fixed])
    book.save("历城区污染源名录2026.xlsx")

    people = openpyxl.Workbook()
    sheet = people.active
    assert sheet is not None
    sheet.append(["历城区分局执法检查人员名录"])
    sheet.append(["序号", "姓名", "执法证号", "职务", "执法类别", "专业特长", "可检查类别", "外聘专家"])
    officers = [("李娜", "执法队员", "大气污染防治、噪声"), ("张伟", "执法队员", "水污染防治"),
                ("王强", "执法中队长", "固体废物、危险废物"), ("刘洋", "执法队员", "排污许可"),
                ("陈静", "执法队员", "自动监控"), ("杨帆", "执法队员", "环境影响评价"),
                ("赵磊", "执法大队长", "执法稽查")]
    for n, (name, post, skills) in enumerate(officers, start=1):
        sheet.append([n, name, f"3701120{n:04d}", post, "生态环境", skills, "重点、一般、特殊监管", "否"])
    sheet.append([8, "周敏", "37011299001", "外聘专家", "技术支持（外聘）", "化工工艺", "重点、一般", "是"])
    people.save("历城区执法人员名录.xlsx")

    book = openpyxl.load_workbook("历城区污染源名录2026.xlsx")
    sheet = book.active
    assert sheet is not None
    code = str(sheet["C6"].value)
    sheet["C6"] = code[:-1] + ("0" if code[-1] != "0" else "1")  # a mistyped check character
    sheet["I6"] = "重点监管"                                      # not a category
    sheet["E9"] = "8877-"                                         # not a phone number
    sheet["J11"] = "县控"                                          # a general unit has no level
    fixed = str(sheet["L14"].value)
    sheet["L14"] = fixed[:-1] + ("3" if fixed[-1] != "3" else "4")  # organisation check character
    book.save("名录（有错）.xlsx")


class Steps:
    """Runs ``spotcheck`` in this process at a simulated time and keeps what a terminal shows."""

    def __init__(self, transcript: Path) -> None:
        self.out = transcript.open("w", encoding="utf-8")
        self.runner = CliRunner()

    def __call__(self, when: str, *args: str, show: bool = True, expect: int = 0) -> str:
        at = datetime.fromisoformat(when).replace(tzinfo=CHINA)
        with simulated_time(at):
            result = self.runner.invoke(app, list(args), prog_name="spotcheck")
        text = result.stdout + "".join(
            line + "\n" for line in result.stderr.splitlines() if not line.startswith("{"))
        if result.exit_code != expect:
            raise SystemExit(f"{when} spotcheck {shlex.join(args)}: exit {result.exit_code}\n{text}")
        if show:
            self.out.write(f"## {when}\n$ spotcheck {shlex.join(args)}\n{text}"
                           + (f"[exit {result.exit_code}]\n" if result.exit_code else "") + "\n")
            self.out.flush()
        return result.stdout


def fill_form(path: str) -> None:
    """What 李娜 writes on the form at the visit of 2026-01-13: one problem, one order."""
    book = openpyxl.load_workbook(path)
    sheet = book["检查记录"]
    rows = {str(r[0].value): int(r[0].row or 0) for r in sheet.iter_rows() if r[0].value}
    for label, value in {"检查日期": date(2026, 1, 13), "防治设施是否建成": "是",
                         "防治设施运行情况": "正常运行", "排污口是否规范化": "否", "污染物是否达标排放": "是",
                         "备注（存档，不公开）": "现场笔录编号 LC-2026-013，企业环保负责人在场",
                         "公开说明（经保密审查后公开）": "排污口标志牌缺失，已责令限期整改"}.items():
        sheet.cell(row=rows[label], column=2, value=value)
    items = [int(r[0].row or 0) for r in sheet.iter_rows()
             if isinstance(r[0].value, int) and r[2].value is None and r[4].value]
    for n in items:
        sheet.cell(row=n, column=3, value="符合")
        sheet.cell(row=n, column=4, value="正常")
    sheet.cell(row=items[1], column=3, value="发现问题")
    sheet.cell(row=items[1], column=4, value="排污口未按规范设置标志牌")
    first_order = next(int(r[0].row or 0) for r in sheet.iter_rows()
                       if r[1].value == "责令改正事项") + 1
    sheet.cell(row=first_order, column=2, value="按规范设置排污口标志牌")
    sheet.cell(row=first_order, column=3, value="2026-02-13")
    book.save(path)


def quarter(s: Steps) -> None:
    s("2025-11-24 09:00", "agency", "add", "--name", "济南市生态环境局", "--code", "370100", "--kind", "city",
      "--origin", "370100.sthjj.jinan.gov.cn/spotcheck")
    s("2025-11-24 09:01", "agency", "add", "--name", "济南市生态环境局历城区分局", "--code", "370112",
      "--kind", "district", "--parent", "370100", "--origin", "370112.sthjj.jinan.gov.cn/spotcheck")
    s("2025-11-24 09:02", "keys", "init", "--log", "370100")
    s("2025-11-24 09:03", "keys", "init", "--log", "370112")
    s("2025-11-24 09:04", "agency", "list")
    s("2025-11-24 09:10", "entities", "template", "--out", "检查对象名录模板.xlsx")
    s("2025-11-24 09:11", "inspectors", "template", "--out", "执法检查人员名录模板.xlsx")
    s("2025-11-25 10:00", "entities", "import", "名录（有错）.xlsx", "--agency", "370112", expect=2)
    s("2025-11-25 10:05", "entities", "import", "历城区污染源名录2026.xlsx", "--agency", "370112")
    s("2025-11-25 10:06", "inspectors", "import", "历城区执法人员名录.xlsx", "--agency", "370112")
    s("2025-11-25 10:07", "inspectors", "conflict", "add", "--certificate", "37011200004", "--unit",
      "91370112MA94RT2L8H", "--agency", "370112", "--reason", "配偶在该企业任职")
    s("2025-11-25 10:08", "entities", "export", "--agency", "370112", "--out", "历城区名录导出.xlsx")
    s("2025-11-25 10:09", "entities", "import", "历城区名录导出.xlsx", "--agency", "370112")
    s("2025-11-26 15:00", "entities", "special", "91370112MA3C5X8K5K", "--agency", "370112",
      "--approved-by", "局务会", "--reason", "群众投诉举报多（2025年信访6件）")
    s("2025-11-26 15:10", "entities", "import", "历城区污染源名录2026.xlsx", "--agency", "370112", expect=2)
    s("2025-11-26 15:11", "entities", "import", "历城区污染源名录2026.xlsx", "--agency", "370112",
      "--keep-ledger")
    s("2025-11-28 09:00", "rulebook", "list")
    s("2025-11-28 09:05", "rulebook", "show", "shandong-county-2015", show=False)
    s("2025-11-28 09:10", "rulebook", "adopt", "shandong-county-2015", "--agency", "370112", "--from",
      "2025-12-01", "--approved-by", "局务会", "--reason", "执行省厅落实方案", expect=2)
    s("2025-11-28 09:11", "rulebook", "adopt", "shandong-county-2015", "--agency", "370112", "--from",
      "2025-12-01", "--approved-by", "局务会", "--reason", "执行省厅落实方案", "--special-share", "50%")
    s("2025-11-28 09:20", "calendar", "record", "--agency", "370112", "--year", "2025", "--from-package",
      "--by", "办公室")
    s("2025-11-28 09:21", "calendar", "record", "--agency", "370112", "--year", "2026", "--from-package",
      "--by", "办公室")
    s("2025-12-15 10:00", "plan", "--year", "2026", "--agency", "370112", "--approved-by", "局务会")
    # -- the ceremony
    s("2025-12-29 09:00", "draw", "freeze", "--agency", "370112", "--period", "2026Q1", "--on", "2025-12-29",
      "--witness", "王芳", "--witness", "李强", "--dice", "现场掷骰")
    s("2025-12-29 09:05", "draw", "commitment", "5521-纪检")
    s("2025-12-29 09:06", "draw", "commitment", "公证-9912", show=False)
    c1 = hashlib.sha256("5521-纪检".encode()).hexdigest()
    c2 = hashlib.sha256("公证-9912".encode()).hexdigest()
    s("2025-12-29 09:10", "draw", "commit", D, "--k", "1", "--witness", "王芳", "--role", "纪检监察干部",
      "--commitment", c1)
    s("2025-12-29 09:11", "draw", "commit", D, "--k", "2", "--witness", "李强", "--role", "公证员",
      "--commitment", c2)
    s("2025-12-29 09:20", "draw", "reveal", D, "--k", "1", "--value", "5521-纪检")
    s("2025-12-29 09:21", "draw", "reveal", D, "--k", "2", "--value", "公证-9912")
    s("2025-12-29 09:25", "draw", "dice", D, "--k", "3", "--digits", "3615242", "--witnessed-by", "王芳",
      "--witnessed-by", "李强")
    s("2025-12-29 09:30", "draw", "seed", D, "--by", "局长")
    s("2025-12-29 09:31", "draw", "run", D)
    s("2025-12-29 09:40", "draw", "fix", D, "--by", "局务会", "--on", "2025-12-29")
    s("2025-12-29 09:45", "draw", "record-sheet", D, "--out", "摇号记录-2026Q1.html")
    s("2025-12-29 09:50", "draw", "show", D)
    s("2026-01-05 09:00", "disclose", "year-list", "--agency", "370112", "--year", "2026", "--by", "办公室")
    # -- tasks
    officers = [f"3701120000{n}" for n in range(1, 8)] + ["37011299001"]
    tasks = {}
    for n, cert in enumerate(officers):
        out_text = s(f"2026-01-05 10:{n:02d}", "draw", "tasks", D, "--certificate", cert,
                     "--why", "查看本人检查任务", "--json", show=(n == 0))
        for row in json.loads(out_text):
            tasks.setdefault(row["credit_code"], row["team"])
    first_officer = officers[0]
    unit = next(u for u, team in sorted(tasks.items()) if first_officer in team)
    s("2026-01-05 10:30", "draw", "tasks", D, "--certificate", first_officer, "--why", "查看本人检查任务")
    s("2026-01-12 08:30", "record", "template", D, "--unit", unit, "--by", first_officer,
      "--out", "现场检查记录.xlsx")
    fill_form("现场检查记录.xlsx")
    s("2026-01-14 16:00", "record", "file", D, "--unit", unit, "--file", "现场检查记录.xlsx", "--by",
      first_officer, "--on", "2026-01-14")
    s("2026-01-14 16:05", "record", "show", D, "--unit", unit, "--as-officer", first_officer)
    s("2026-01-14 16:10", "disclose", "list", D, "--by", "局长", "--on", "2026-01-14", expect=2)
    # -- the other visits, filed the same way (JSON forms), one a day
    others = [u for u in sorted(tasks) if u != unit]
    stopped = others[0]
    for n, other in enumerate(others):
        who, day = tasks[other][0], (date(2026, 1, 15) + timedelta(days=n)).isoformat()
        s(f"{day} 08:00", "record", "template", D, "--unit", other, "--by", who, "--out", "r.json",
          show=False)
        record = json.loads(Path("r.json").read_text(encoding="utf-8"))
        record["visited_on"] = day
        if other == stopped:
            record.update(status="stopped", items=[], remarks="企业因设备检修停产，未开展检查")
            del record["annex4"]
        else:
            record["annex4"] = {"facilities_built": True, "facilities_running": "normal",
                                "outfall_standardised": True, "emissions_within_limits": True}
            for item in record["items"]:
                item.update(finding="compliant", description="正常")
        Path("r.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        s(f"{day} 17:00", "record", "file", D, "--unit", other, "--file", "r.json", "--by", who,
          "--on", day, show=(other == stopped))
    s("2026-02-12 10:00", "rectify", D, "--unit", unit, "--order", "1", "--on", "2026-02-12",
      "--verified-by", "执法大队", "--evidence", "整改照片 sha256:" + "3f" * 32)
    s("2026-02-16 10:00", "disclose", "result", D, "--unit", unit, "--by", "办公室", "--on", "2026-02-16",
      "--reviewer", "保密审查员", "--reviewed-on", "2026-02-15")
    for n, other in enumerate(others):
        day = (date(2026, 2, 17) + timedelta(days=n // 4)).isoformat()
        s(f"{day} 10:{n:02d}", "disclose", "result", D, "--unit", other, "--by", "办公室", "--on", day,
          show=(other == stopped))
    s("2026-03-20 09:30", "disclose", "list", D, "--by", "局长", "--on", "2026-03-20")
    s("2026-03-20 09:40", "public", "show", "--agency", "370112", "--year", "2026")
    s("2026-03-31 16:59", "project", "run")
    s("2026-03-31 17:00", "quotas", "--agency", "370112", "--year", "2026", "--quarter", "1")
    s("2026-03-31 17:05", "work", "agency", "--agency", "370112", "--quarter", "2026Q1",
      "--today", "2026-03-31")
    s("2026-03-31 17:06", "report", "annex3", "--agency", "370112", "--quarter", "2026Q1",
      "--out", "附件3-2026Q1.xlsx")
    s("2026-03-31 17:07", "report", "annex4", "--agency", "370112", "--quarter", "2026Q1",
      "--out", "附件4-2026Q1.xlsx")
    s("2026-03-31 17:08", "public", "search", "金山建材", "--year", "2026")
    s("2026-03-31 17:09", "rulebook", "show", "--agency", "370112", "--on", "2026-01-01", show=False)
    s("2026-03-31 17:10", "log", "status", "--log", "370112")
    s("2026-03-31 17:11", "checkpoint", "list", "--log", "370112")
    s("2026-03-31 17:20", "export", "--log", "370112", "--out", "bundle-2026Q1")


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: python scripts/operator_guide_quarter.py NEW-DIRECTORY")
    where = Path(sys.argv[1])
    where.mkdir(parents=True)
    os.chdir(where)
    for name in [n for n in os.environ if n.startswith("SPOTCHECK_")]:
        del os.environ[name]
    configure_logging()
    write_files()
    quarter(Steps(Path("transcript.txt")))
    print(f"wrote {where / 'transcript.txt'}")


if __name__ == "__main__":
    main()
