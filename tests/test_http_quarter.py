"""A whole quarter through the HTTP service only, then the offline verifier on its bundle.

The administrator establishes the two agencies, their keys and the accounts at the command line;
everything else is a request by an account: the operator imports both directories (CSV), adopts
the rulebook, records the calendars, files the plan and freezes the draw; two witness accounts
commit and reveal; the operator rolls the dice, derives the seed, runs and fixes the draw; each
officer opens their own tasks and files the records of their visits; the operator publishes every
result and discloses the list; the auditor above downloads the county's bundle, which
``spotcheck-verify`` passes, and has the service verify it too.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from commands import run
from http_client import Api

from ledger.adapters.directory_file import INSPECTOR_COLUMNS, OBJECT_COLUMNS, write_table
from ledger.adapters.settings import Settings
from ledger.demo.county import demo_record
from ledger.demo.generator import generate_county

pytestmark = pytest.mark.sqlite_only

COUNTY, PREFECTURE, DRAW = "652301", "652300", "652301-2026Q1-units"
WITNESS_VALUES = {1: "7391-纪检", 2: "公证-0457"}


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = Settings(str(tmp_path / "spotcheck.db"), tmp_path / "keys")
    env = {"SPOTCHECK_DB": settings.db, "SPOTCHECK_KEYS": str(settings.keys_dir)}
    agencies = [("agency", "add", "--name", a.name, "--code", a.division_code, "--kind", a.kind,
                 *(("--parent", a.parent_code) if a.parent_code else ()))
                for a in generate_county(7, units=1, inspectors=1).agencies]
    for args in (*agencies, ("keys", "init", "--log", PREFECTURE), ("keys", "init", "--log", COUNTY)):
        done = run(tmp_path, "spotcheck", *args, env=env)
        assert done.returncode == 0, done.stderr
    opened = Api(settings)
    try:
        yield opened
    finally:
        opened.close()


def _csv(path: Path, columns: dict[str, tuple[str, ...]], rows: Sequence[dict[str, Any]]
         ) -> bytes:
    write_table(path, columns, rows)
    return path.read_bytes()


def test_a_whole_quarter_through_http_verifies_offline(api: Api, tmp_path: Path) -> None:
    api.add("op", "operator", "--agency", COUNTY, name="张三")
    api.add("audit", "auditor", "--agency", PREFECTURE, name="周审")
    generated = generate_county(7, units=40, inspectors=10)
    units = _csv(tmp_path / "units.csv", OBJECT_COLUMNS, generated.units[COUNTY])
    officers = _csv(tmp_path / "officers.csv", INSPECTOR_COLUMNS, generated.inspectors[COUNTY])
    base = f"/api/agencies/{COUNTY}"
    imported = api.ok("POST", f"{base}/entities/import", "op",
                      files={"file": ("名录.csv", units, "text/csv")})
    assert imported == {"file": "名录.csv", "added": 40, "unchanged": 0, "kept": []}
    api.ok("POST", f"{base}/inspectors/import", "op", files={"file": ("人员.csv", officers)})
    api.ok("POST", f"{base}/rulebooks", "op", json={
        "preset": "changji-county-2015", "adopted_from": "2025-12-01", "approved_by": "局务会",
        "reason": "按州局实施方案"})
    for year in (2025, 2026):
        api.ok("POST", f"{base}/calendars", "op", json={"year": year})
    plan = api.ok("POST", f"{base}/plans", "op", json={"year": 2026, "approved_by": "局务会"})
    assert plan["year"] == 2026

    frozen = api.ok("POST", f"{base}/draws", "op", json={
        "period": "2026Q1", "on": "2025-12-29", "witnesses": ["纪检监察干部", "公证员"],
        "dice": "现场掷骰（见证下）"})
    assert frozen["draw_id"] == DRAW and frozen["status"] == "frozen"
    for k in (1, 2):
        api.add(f"witness{k}", "witness", "--draw", DRAW, "--source", str(k), name=f"见证人{k}")
    for k, value in WITNESS_VALUES.items():
        api.ok("POST", f"/api/draws/{DRAW}/commitments", f"witness{k}", json={
            "k": k, "role": "公证员" if k == 2 else "纪检监察干部",
            "commitment": hashlib.sha256(value.encode()).hexdigest()})
    for k, value in WITNESS_VALUES.items():
        api.ok("POST", f"/api/draws/{DRAW}/reveals", f"witness{k}", json={"k": k, "value": value})
    api.ok("POST", f"/api/draws/{DRAW}/dice", "op", json={
        "k": 3, "digits": "4251663", "witnessed_by": ["见证人1", "见证人2"]})
    api.ok("POST", f"/api/draws/{DRAW}/seed", "op")
    second = api.call("POST", f"/api/draws/{DRAW}/seed", "op")
    assert second.status_code == 409, second.text  # one draw, one seed; the attempt is recorded
    api.ok("POST", f"/api/draws/{DRAW}/run", "op")
    fixed = api.ok("POST", f"/api/draws/{DRAW}/fix", "op", json={"on": "2025-12-29"})
    assert fixed["status"] == "fixed" and fixed["fixed"]["fixed_by"] == "张三 (op)"

    whole = api.ok("POST", f"/api/draws/{DRAW}/tasks", "op", json={"why": "安排检查"})["tasks"]
    assert whole and all(task["team"] for task in whole)
    team_of = {task["credit_code"]: task["team"] for task in whole}
    for certificate in sorted({c for team in team_of.values() for c in team}):
        api.add(f"officer{certificate}", "officer", "--certificate", certificate)
    items = [i["item"] for i in api.ok("GET", f"{base}/rulebook?on=2026-01-01")["inspection_items"]]
    for n, (unit, team) in enumerate(sorted(team_of.items())):
        lead = f"officer{team[0]}"
        mine = api.ok("POST", f"/api/draws/{DRAW}/tasks", lead, json={"why": "出发检查"})["tasks"]
        assert unit in {t["credit_code"] for t in mine}
        assert all(team[0] in t["team"] for t in mine)  # only their own
        visited = date(2026, 1, 5 + n % 20)
        filed = api.ok("POST", f"/api/draws/{DRAW}/units/{unit}/record", lead, json={
            "record": demo_record(tuple(team), visited, items, unit, "clean", ""),
            "on": visited.isoformat()})
        assert filed["filed"] and filed["working_days_late"] == 0
    for unit in team_of:
        api.ok("POST", f"/api/draws/{DRAW}/units/{unit}/publication", "op", json={"on": "2026-02-02"})
    disclosed = api.ok("POST", f"/api/draws/{DRAW}/disclose", "op", json={"on": "2026-02-02"})
    assert disclosed["disclosed"] is True

    pages = api.ok("GET", f"/api/public/agencies/{COUNTY}/2026")
    assert len(pages["results"]) == len(team_of)
    assert {t["credit_code"] for t in pages["tasks"][0]["tasks"]} == set(team_of)

    bundle = api.call("GET", f"{base}/bundle", "audit")
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        archive.extractall(tmp_path / "bundle")
    directory = tmp_path / "bundle" / f"{COUNTY}-bundle"
    verified = run(tmp_path, "spotcheck-verify", str(directory))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "OK" in verified.stdout and "draws: 1 disclosed and replayed in full" in verified.stdout

    events = [json.loads(line)["event"] for line in
              (directory / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    by_type = {e["type"].rsplit(".", 1)[-1]: e["data"] for e in events}
    assert by_type["ListFixed"]["actor"] == {"account": "op", "name": "张三", "role": "operator",
                                             "agency": COUNTY}
    assert by_type["WitnessCommitted"]["actor"]["role"] == "witness"
    assert by_type["RecordFiled"]["actor"]["role"] == "officer"
    assert by_type["SeedAttemptRefused"]["by"] == "张三 (op)"
    openings = [e["data"] for e in events if e["type"].endswith("SealedContentOpened")]
    assert {o["why"] for o in openings} == {"安排检查", "出发检查"}
    assert {o["actor"]["account"] for o in openings} >= {"op"}
    assert all("actor" in e["data"] for e in events
               if e["type"].split(":")[0] in ("ledger.draw", "ledger.inspection"))

    report = api.ok("POST", "/api/verify?lang=en", "audit",
                    files={"file": ("bundle.zip", bundle.content, "application/zip")})
    assert report["ok"] is True and report["report"]["summary"]["failed"] == 0
    html = api.call("POST", "/api/verify/report.html", "audit",
                    files={"file": ("bundle.zip", bundle.content, "application/zip")})
    assert html.status_code == 200 and "<html" in html.text
