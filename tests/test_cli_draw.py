"""The draw ceremony on the command line, as an agency's operator and its witnesses would run it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from functools import partial
from pathlib import Path

import pytest
from commands import run
from test_cli_directories import _ok

COUNTY = "652301"
DRAW = f"{COUNTY}-2026Q2-units"  # the demo already ran 2026Q1; Q2 is drawn here, by hand
FREEZE = ("draw", "freeze", "--agency", COUNTY, "--period", "2026Q2", "--on", "2026-03-27",
          "--witness", "王芳", "--witness", "李强", "--dice", "现场掷骰")
VALUES = {1: "5521-纪检", 2: "公证-9912"}


def _fails(cwd: Path, *args: str) -> str:
    """Run ``spotcheck ARGS``; it must fail with status 2 and one line; that line."""
    result = run(cwd, "spotcheck", *args)
    assert result.returncode == 2, result.stdout
    message = [line for line in result.stderr.splitlines() if line.startswith("spotcheck: ")]
    assert len(message) == 1, result.stderr
    return message[0]


def _commit(ok: partial[str], draw_id: str) -> None:
    for k, (name, role) in enumerate((("王芳", "纪检监察干部"), ("李强", "公证员")), start=1):
        digest = hashlib.sha256(VALUES[k].encode()).hexdigest()
        out = ok("draw", "commit", draw_id, "--k", str(k), "--witness", name, "--role", role,
                 "--commitment", digest)
        assert f"recorded: witness {k} commitment" in out and "public: the commitment hash" in out


@pytest.fixture
def demo(small_demo_dir: Path) -> Path:
    """``spotcheck demo --units 60`` (a private copy of the session's)."""
    return small_demo_dir


def test_an_operator_runs_a_whole_draw_ceremony_from_the_terminal(demo: Path) -> None:
    ok = partial(_ok, demo)
    frozen = ok(*FREEZE)
    assert f"frozen: {DRAW}" in frozen and "window 2026-03-25..2026-03-31" in frozen
    _commit(ok, DRAW)
    for k, value in VALUES.items():
        assert "matching its commitment" in ok("draw", "reveal", DRAW, "--k", str(k), "--value", value)
    assert "witnessed by 王芳, 李强" in ok("draw", "dice", DRAW, "--k", "3", "--digits", "3615242",
                                         "--witnessed-by", "王芳", "--witnessed-by", "李强")
    seeded = ok("draw", "seed", DRAW, "--by", "局长")
    assert "public: the seed commitment SHA-256(SEED) = " in seeded
    assert "recorded: the draw of" in ok("draw", "run", DRAW)
    assert "public: the list hash" in ok("draw", "fix", DRAW, "--by", "局务会", "--on", "2026-03-27")

    view = ok("draw", "show", DRAW, "--json")
    shown = json.loads(view)
    assert shown["status"] == "fixed" and shown["exclusions"] >= 0
    assert [c["witness"] for c in shown["commitments"]] == ["王芳", "李强"]
    assert shown["seed_commitment"] in seeded and shown["fixed"]["list_hash"] in view
    assert "already has its seed" in _fails(demo, "draw", "seed", DRAW, "--by", "某人")
    assert json.loads(ok("draw", "show", DRAW, "--json"))["refused_seed_attempts"] == 1
    listed = json.loads(ok("draw", "list", "--agency", COUNTY, "--json"))
    assert [d["draw_id"] for d in listed] == ["652301-2026Q1-units", DRAW]

    exported = ok("draw", "export", DRAW, "--out", "files", "--who", "局长", "--why", "执法检查")
    assert "the opening by 局长 is recorded" in exported
    files = demo / "files"
    assert sorted(p.name for p in files.iterdir()) == sorted(
        ["population.csv", "inspectors.csv", "conflicts.csv", "params.txt", "seed.txt",
         "selection.csv", "assignment.csv"])
    pre, seed = (files / "seed.txt").read_text(encoding="utf-8").splitlines()
    assert seed == hashlib.sha256(pre.encode()).hexdigest()
    assert hashlib.sha256(seed.encode()).hexdigest() == shown["seed_commitment"]
    selected = [row["id"] for row in csv.DictReader(io.StringIO(
        (files / "selection.csv").read_text(encoding="utf-8"))) if row["selected"] == "1"]
    assert selected
    for text in (view, ok("draw", "show", DRAW), ok("draw", "list")):
        assert not [unit for unit in selected if unit in text]
    assert json.loads(ok("draw", "show", DRAW, "--json"))["openings"] == [
        {"who": "局长", "why": "执法检查", "what": "list"}]

    # an officer's own tasks, as people read them: the unit's name and address, the team by name
    lead = next(csv.DictReader(io.StringIO((files / "assignment.csv").read_text(encoding="utf-8"))))
    tasks = json.loads(ok("draw", "tasks", DRAW, "--certificate", lead["inspector_id"], "--why",
                          "出发检查", "--json"))
    mine = next(r for r in tasks if r["credit_code"] == lead["unit_id"])
    assert mine["name"] and mine["address"] and lead["inspector_id"] in mine["team"]
    assert all(o["name"] for o in mine["officers"])
    text = ok("draw", "tasks", DRAW, "--certificate", lead["inspector_id"], "--why", "出发检查")
    assert f"{mine['name']}（{lead['unit_id']}）" in text and mine["officers"][0]["name"] in text

    assert "exported" in ok("export", "--log", COUNTY, "--out", "bundle")
    verify = run(demo, "spotcheck-verify", "bundle")
    assert verify.returncode == 0, verify.stdout


def test_a_wrong_reveal_an_amendment_without_reason_a_freeze_outside_the_window(demo: Path) -> None:
    ok = partial(_ok, demo)
    outside = _fails(demo, *FREEZE[:7], "2026-03-20", *FREEZE[8:])
    assert outside.startswith("spotcheck: --on (the freeze date): 2026-03-20 is outside the draw "
                              "window of 2026Q2, 2026-03-25..2026-03-31")  # the option, not frozen_on
    ok(*FREEZE)
    _commit(ok, DRAW)
    wrong = _fails(demo, "draw", "reveal", DRAW, "--k", "1", "--value", "another")
    assert "the reveal of witness 1 (王芳) does not match its commitment" in wrong
    assert "event(s) logged" in wrong  # the refusal is recorded and logged
    shown = ok("draw", "show", DRAW)  # the refusal is public, and what a witness who cannot
    assert "reveal refused\tsource 1:" in shown  # reveal any more leaves to do
    assert "awaiting reveal\tsource(s) 1, 2:" in shown and f"spotcheck draw block {DRAW}" in shown
    assert "is a witness, not a dice" in _fails(demo, "draw", "dice", DRAW, "--k", "1", "--digits",
                                                "12", "--witnessed-by", "王芳")

    assert "the list is disclosed; it is no longer amended" in _fails(  # the demo's quarter is over
        demo, "draw", "amend", "652301-2026Q1-units", "--replace-unit", "x", "--reason", "x",
        "--approved-by", "局长")
    fixed = "652300-2026Q1-audit"  # the demo's, fixed (the prefecture's audit draw)
    out = demo / "q1"
    ok("draw", "export", fixed, "--out", str(out), "--who", "局长", "--why", "核对")
    unit = next(csv.DictReader(io.StringIO((out / "selection.csv").read_text(encoding="utf-8"))))["id"]
    assert "reason: an amendment after fixing needs its reason" in _fails(
        demo, "draw", "amend", fixed, "--replace-unit", unit, "--approved-by", "局长")
    assert "--replace-unit CODE, or --recuse CERT --unit CODE" in _fails(
        demo, "draw", "amend", fixed, "--reason", "x", "--approved-by", "局长")
    assert "no draw 652301-2025Q4-units" in _fails(demo, "draw", "show", "652301-2025Q4-units")


def test_a_witness_computes_the_commitment_and_is_warned_about_echo(tmp_path: Path) -> None:
    value = VALUES[1]
    done = run(tmp_path, "spotcheck", "draw", "commitment", value)
    assert done.returncode == 0 and done.stdout.strip() == hashlib.sha256(value.encode()).hexdigest()
    assert "printf %s" in done.stderr and "echo" in done.stderr and "trailing newline" in done.stderr
    assert "may not contain | or a line break" in _fails(tmp_path, "draw", "commitment", "a|b")


def test_a_years_schedule_is_recorded_from_the_package_or_a_file(tmp_path: Path) -> None:
    ok = partial(_ok, tmp_path)
    ok("agency", "add", "--name", "昌吉州生态环境局昌吉市分局", "--code", COUNTY, "--kind", "county")
    assert "recorded: the 2026 working-day schedule of 652301 (chinesecalendar" in ok(
        "calendar", "record", "--agency", COUNTY, "--year", "2026", "--from-package", "--by", "办公室")
    schedule = {"year": 2027, "days_off": ["2027-01-01"], "working_weekends": [],
                "source": "国务院办公厅关于2027年部分节假日安排的通知"}
    (tmp_path / "s.json").write_text(json.dumps(schedule, ensure_ascii=False), encoding="utf-8")
    assert "(国务院办公厅关于2027年部分节假日安排的通知)" in ok(
        "calendar", "record", "--agency", COUNTY, "--year", "2027", "--file", "s.json", "--by", "办公室")
    assert "replacing the earlier record" in ok(
        "calendar", "record", "--agency", COUNTY, "--year", "2026", "--from-package", "--by", "办公室")
    assert "is the schedule of 2027, not 2028" in _fails(
        tmp_path, "calendar", "record", "--agency", COUNTY, "--year", "2028", "--file", "s.json",
        "--by", "办公室")


def test_the_ceremony_record_is_printed_for_the_witnesses_to_sign(demo: Path) -> None:
    """摇号记录: the participants, commitments, seed commitment and list hash, lines to sign; the
    values sealed unless the list is disclosed (the demo's 2026Q1 list is) or an opening is recorded."""
    ok = partial(_ok, demo)
    draw_id = "652301-2026Q1-units"
    shown = json.loads(ok("draw", "show", draw_id, "--json"))
    assert "(values sealed)" in ok("draw", "record-sheet", draw_id, "--out", "sealed.html")
    ok("draw", "record-sheet", draw_id, "--out", "sealed.html", "--lang", "zh")  # the Chinese page
    sealed = (demo / "sealed.html").read_text(encoding="utf-8")
    for words in ("双随机抽查摇号记录", "王芳（纪检监察干部）", "见证人：李强（公证员）",
                  "封存，名单公开后可核", shown["seed_commitment"], shown["fixed"]["list_hash"],
                  "操作人", "记录人"):
        assert words in sealed, words
    assert "7391-纪检" not in sealed and "<script" not in sealed and "http" not in sealed.lower()
    ok("draw", "record-sheet", draw_id, "--out", "open.html", "--with-values", "--lang", "en")
    opened = (demo / "open.html").read_text(encoding="utf-8")
    assert "7391-纪检" in opened and "Record of the draw ceremony" in opened
    assert "--who opens them" in _fails(demo, "draw", "record-sheet", "652300-2026Q1-audit", "--out",
                                        "a.html", "--with-values")
    assert "an .html page" in _fails(demo, "draw", "record-sheet", draw_id, "--out", "x.pdf")
