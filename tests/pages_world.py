"""A small real deployment for the page tests: a prefecture and its county, a whole first quarter
done through the service (imported directories, rulebook, calendars, plan, a ceremony with two
witnesses, records of every visit, each result published, the list disclosed), and the accounts of
the people who use the pages. Built once per test module (it takes a few seconds) and then read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from commands import run
from http_client import Api

from ledger.adapters.directory_file import INSPECTOR_COLUMNS, OBJECT_COLUMNS, write_table
from ledger.adapters.settings import Settings
from ledger.demo.county import demo_record
from ledger.demo.generator import generate_county

COUNTY, PREFECTURE = "652301", "652300"
Q1 = "652301-2026Q1-units"
WITNESS_VALUES = {1: "7391-纪检", 2: "公证-0457"}
WITNESS = "652300.spotcheck.test/witness"  # the prefecture as the witness of the county's log


@dataclass
class World:
    """The deployment, its open service (``api``) and what the tests look up in it."""

    api: Api
    root: Path
    team_of: dict[str, list[str]] = field(default_factory=dict)  # Q1: unit -> certificates
    officers: dict[str, str] = field(default_factory=dict)  # certificate -> account
    items: list[str] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.api.settings

    def add(self, username: str, role: str, name: str, **scope: Any) -> str:
        """An account and its token, made as ``spotcheck users add`` / ``token`` make them, through
        the open service (a second process on the SQLite file would wait for the service's
        writer); the token is kept in ``api.tokens``."""
        from api.accounts import new_account

        service = self.api.service
        account = service.context.access.check_scope(new_account(username, name, role, **scope))
        service.accounts.add(account)
        self.api.tokens[username] = service.accounts.issue_token(username).token
        return self.api.tokens[username]

    def close(self) -> None:
        self.api.close()


def establish(root: Path) -> Api:
    """The administrator's part at the command line: the two agencies and their log keys."""
    settings = Settings(str(root / "spotcheck.db"), root / "keys")
    env = {"SPOTCHECK_DB": settings.db, "SPOTCHECK_KEYS": str(settings.keys_dir)}
    agencies = [("agency", "add", "--name", a.name, "--code", a.division_code, "--kind", a.kind,
                 *(("--parent", a.parent_code) if a.parent_code else ()))
                for a in generate_county(7, units=1, inspectors=1).agencies]
    for args in (*agencies, ("keys", "init", "--log", PREFECTURE), ("keys", "init", "--log", COUNTY)):
        done = run(root, "spotcheck", *args, env=env)
        assert done.returncode == 0, done.stderr
    # the prefecture witnesses the county's log in this same deployment (as the demo does)
    county_key = settings.keys_dir / COUNTY / "log.vkey"
    for args in (("witness", "init", "--name", WITNESS),
                 ("witness", "add-log", "--key", str(county_key)),
                 ("log", "witness-add", "--log", COUNTY, "--key",
                  str(settings.keys_dir / "witness" / "witness.vkey"), "--url", "local")):
        done = run(root, "spotcheck", *args, env=env)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    api = Api(settings)
    # a browser's requests: the pages choose their language themselves (Chinese unless asked)
    del api.client.headers["Accept-Language"]
    return api


def prepare_year(api: Api, root: Path) -> list[str]:
    """Directories, rulebook, calendars and the 2026 plan of the county; the rulebook's items."""
    generated = generate_county(7, units=30, inspectors=10)
    base = f"/api/agencies/{COUNTY}"
    write_table(root / "units.csv", OBJECT_COLUMNS, generated.units[COUNTY])
    write_table(root / "officers.csv", INSPECTOR_COLUMNS, generated.inspectors[COUNTY])
    api.ok("POST", f"{base}/entities/import", "op",
           files={"file": ("名录.csv", (root / "units.csv").read_bytes(), "text/csv")})
    api.ok("POST", f"{base}/inspectors/import", "op",
           files={"file": ("人员.csv", (root / "officers.csv").read_bytes())})
    api.ok("POST", f"{base}/rulebooks", "op", json={
        "preset": "changji-county-2015", "adopted_from": "2025-12-01", "approved_by": "局务会",
        "reason": "按州局实施方案"})
    for year in (2025, 2026):
        api.ok("POST", f"{base}/calendars", "op", json={"year": year})
    api.ok("POST", f"{base}/plans", "op", json={"year": 2026, "approved_by": "局务会"})
    return [i["item"] for i in api.ok("GET", f"{base}/rulebook?on=2026-01-01")["inspection_items"]]


def run_first_quarter(world: World) -> None:
    """Q1 through the service: the ceremony, every record, every result published, disclosed."""
    api = world.api
    api.ok("POST", f"/api/agencies/{COUNTY}/draws", "op", json={
        "period": "2026Q1", "on": "2025-12-29", "witnesses": ["纪检监察干部", "公证员"],
        "dice": "现场掷骰（见证下）"})
    for k in (1, 2):
        world.add(f"q1witness{k}", "witness", f"见证人{k}", draw_id=Q1, source=k)
    for k, value in WITNESS_VALUES.items():
        api.ok("POST", f"/api/draws/{Q1}/commitments", f"q1witness{k}", json={
            "k": k, "role": "公证员" if k == 2 else "纪检监察干部",
            "commitment": hashlib.sha256(value.encode()).hexdigest()})
    for k, value in WITNESS_VALUES.items():
        api.ok("POST", f"/api/draws/{Q1}/reveals", f"q1witness{k}", json={"k": k, "value": value})
    api.ok("POST", f"/api/draws/{Q1}/dice", "op", json={
        "k": 3, "digits": "4251663", "witnessed_by": ["见证人1", "见证人2"]})
    for step in ("seed", "run"):
        api.ok("POST", f"/api/draws/{Q1}/{step}", "op")
    api.ok("POST", f"/api/draws/{Q1}/fix", "op", json={"on": "2025-12-29"})
    whole = api.ok("POST", f"/api/draws/{Q1}/tasks", "op", json={"why": "安排检查"})["tasks"]
    world.team_of = {task["credit_code"]: list(task["team"]) for task in whole}
    for n, (unit, team) in enumerate(sorted(world.team_of.items())):
        lead = world.officers[team[0]]
        visited = date(2026, 1, 5 + n % 20)
        api.ok("POST", f"/api/draws/{Q1}/units/{unit}/record", lead, json={
            "record": demo_record(tuple(team), visited, world.items, unit,
                                  "open_order" if n == 0 else "clean", ""),
            "on": visited.isoformat()})
        api.ok("POST", f"/api/draws/{Q1}/units/{unit}/publication", "op", json={"on": "2026-02-02"})
    api.ok("POST", f"/api/draws/{Q1}/disclose", "op", json={"on": "2026-02-02"})
    # the year's list of units under random supervision (seed 001), as `disclose year-list` does
    from ledger.domain.agency import agency_id

    api.service.context.app.publish_year_list(agency_id(COUNTY), 2026, "办公室")
    api.service.context.integrate()


def build_world(root: Path, *, first_quarter: bool = True) -> World:
    """The deployment in ``root``: accounts ``op`` (operator of the county), ``audit`` (auditor of
    the prefecture) and one officer account per inspector (``f<certificate in lower case>``)."""
    api = establish(root)
    world = World(api, root)
    world.add("op", "operator", "张三", agency=COUNTY)
    world.add("audit", "auditor", "周审", agency=PREFECTURE)
    world.items = prepare_year(api, root)
    for inspector in api.ok("GET", f"/api/agencies/{COUNTY}/inspectors", "op"):
        certificate = inspector["certificate_no"]
        world.officers[certificate] = f"f{certificate.lower()}"
        world.add(f"f{certificate.lower()}", "officer", str(inspector.get("name") or "执法人员"),
                  certificate=certificate)
    if first_quarter:
        run_first_quarter(world)
    wait_cosigned(world)
    return world


def wait_cosigned(world: World, timeout: float = 20.0) -> str:
    """The county's served checkpoint once its witness has cosigned the latest size (the service
    submits to witnesses on a thread of its own, after the write has answered)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        note = str(world.api.service.logs.checkpoint(COUNTY))
        if f"\n\u2014 {WITNESS} " in note:
            return note
        assert time.monotonic() < deadline, f"the witness did not cosign: {note}"
        time.sleep(0.05)


def result_of(world: World, unit: str) -> dict[str, Any]:
    """The published result of ``unit`` in Q1, as the public search answers it."""
    found = world.api.ok("GET", f"/api/public/search?q={unit}")
    assert found, unit
    return dict(found[0])
