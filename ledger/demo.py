"""``spotcheck demo``: a realistic ledger, written from nothing.

:func:`write_county_demo` (the ``spotcheck demo`` command): a generated county and its prefecture
(Changji, Xinjiang: the setting of seed 000) — agencies, the county's two directories with valid
codes, declared conflicts of interest — under the seed 000 rulebooks, and the county's annual
plan. Running it again changes nothing it already wrote. :func:`run_demo_draws` then records the
2025 and 2026 holiday schedules and runs the 2026Q1 draws: the county's unit draw and the
prefecture's audit draw, each a full ceremony (freeze, two witnesses commit then reveal, a dice roll,
seed, run, fix), each only once.

:func:`write_demo`: the small fixture the tests build on (2 agencies, units, 8 inspectors, a
reclassification and a closure); each call adds a new series.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

from stdnum.cn import uscc

from ledger.agency import Agency, agency_id
from ledger.application import LedgerApp
from ledger.directory import object_id
from ledger.directory_file import Table
from ledger.draw import draw_name, draw_uuid
from ledger.draw_ceremony import Ceremony
from ledger.generator import generate_county
from ledger.inspector import Inspector, inspector_id
from ledger.plan import AnnualPlan
from ledger.rulebook_presets import preset
from ledger.working_days import schedules_from_package

# Deterministic names: the demo is a fixture, not a random generator.
_PREFIXES = ("天山", "准噶尔", "博格达", "玛纳斯", "呼图壁", "阜康", "吉木萨尔", "奇台", "木垒", "北庭")
_TRADES = (
    ("热电有限公司", "key"), ("化工有限责任公司", "key"), ("水泥有限公司", "key"),
    ("污水处理有限公司", "key"), ("煤业有限公司", "special"), ("食品有限公司", "general"),
    ("建材厂", "general"), ("汽车修理厂", "general"), ("印刷有限公司", "general"),
    ("农牧科技有限公司", "general"),
)
_INSPECTORS = (
    ("王建国", "执法大队队长"), ("李娜", "执法队员"), ("张伟", "执法队员"), ("刘洋", "执法队员"),
    ("陈静", "执法队员"), ("杨帆", "监测站工程师"), ("赵磊", "执法队员"), ("阿依古丽", "执法队员"),
)


@dataclass(frozen=True)
class DemoSummary:
    agencies: int
    objects: int
    inspectors: int
    changes: int


def credit_code(serial: int, division: str = "652301") -> str:
    """A well-formed unified social credit code (GB 32100) for demo unit number ``serial``.

    Registration authority 9 and type 1 (an enterprise registered with market regulation), the
    division code, a numeric organisation code with its GB 11714 check digit, then the GB 32100
    check character computed by python-stdnum.
    """
    organisation = f"{31_000_000 + serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    remainder = 11 - sum(int(c) * w for c, w in zip(organisation, weights, strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    body = f"91{division}{organisation}{check}"
    return body + uscc.calc_check_digit(body)


def unit_rows(
    count: int, county: str = "昌吉市", division: str = "652301", first: int = 1
) -> list[dict[str, str]]:
    """``count`` deterministic inspection-object rows of one county, serials from ``first``:
    names, credit codes and categories as the demo registers them (the benchmarks use them too)."""
    rows = []
    for n in range(first - 1, first - 1 + count):
        trade, category = _TRADES[n % len(_TRADES)]
        prefix = _PREFIXES[n // len(_TRADES) % len(_PREFIXES)]
        rows.append({
            "name": f"{county}{prefix}{trade}" + (f"（{n // 100 + 1}号）" if n >= 100 else ""),
            "credit_code": credit_code(n + 1, division),
            "category": category,
            "county": county,
        })
    return rows


def write_demo(app: LedgerApp, size: int = 40) -> DemoSummary:
    """Write the demo agencies (once), a new series of units and inspectors, and two changes.

    Run again on the same ledger, it adds another series (new credit codes and certificate
    numbers) under the same two agencies, so a repeated demo never collides with itself.
    """
    rng = random.Random(20251231)
    prefecture, new_prefecture = _ensure_agency(app, "昌吉回族自治州生态环境局", "652300", "prefecture")
    county, new_county = _ensure_agency(app, "昌吉州生态环境局昌吉市分局", "652301", "county", prefecture)
    series = _next_series(app)
    objects = app.register_objects(county, unit_rows(size, first=(series - 1) * 100_000 + 1))
    inspectors = app.register_inspectors(county, [
        {"name": name, "certificate_no": _certificate(series, n), "post": post}
        for n, (name, post) in enumerate(_INSPECTORS, start=1)
    ])
    app.reclassify_object(objects[rng.randrange(size)], "special", "群众投诉较多（多次信访）")
    app.close_object(objects[rng.randrange(size)], "企业已搬迁出本辖区，依规剔除")
    return DemoSummary(agencies=int(new_prefecture) + int(new_county), objects=len(objects),
                       inspectors=len(inspectors), changes=2)


def _ensure_agency(
    app: LedgerApp, name: str, code: str, kind: str, parent: UUID | None = None
) -> tuple[UUID, bool]:
    existing = agency_id(code)
    if existing in app.repository:
        return existing, False
    return app.establish_agency(name, code, kind, parent), True


def _certificate(series: int, n: int) -> str:
    return f"652301{series:03d}{n:03d}"


def _next_series(app: LedgerApp) -> int:
    series = 1
    while inspector_id(_certificate(series, 1)) in app.repository:
        series += 1
    return series


@dataclass(frozen=True)
class CountyDemoSummary:
    agency_codes: list[str]
    agencies: int
    units_added: int
    inspectors_added: int
    conflicts: int
    rulebooks: int
    plan: AnnualPlan | None


#: The rulebook each demo agency adopts: the seed 000 presets (Changji prefecture, 2015).
DEMO_RULEBOOKS = {"prefecture": "changji-prefecture-2015", "county": "changji-county-2015"}
DEMO_ADOPTED_FROM = "2025-12-01"
DEMO_PLAN_YEAR = 2026


def write_county_demo(
    app: LedgerApp, seed: int = 2025, units: int = 300, inspectors: int = 14
) -> CountyDemoSummary:
    """Write a generated county and its prefecture under seed 000's rulebooks; idempotent."""
    generated = generate_county(seed, units=units, inspectors=inspectors)
    ids: dict[str, UUID] = {}
    new_agencies = 0
    for agency in generated.agencies:
        parent = ids.get(agency.parent_code) if agency.parent_code else None
        ids[agency.division_code], created = _ensure_agency(
            app, agency.name, agency.division_code, agency.kind, parent)
        new_agencies += created
    county_code = next(iter(generated.units))
    county = ids[county_code]
    rows = [(n, row) for n, row in enumerate(generated.units[county_code], start=2)]
    added = app.import_objects(county, Table(Path("generated"), {}, rows)).added
    fresh = [r for r in generated.inspectors[county_code]
             if inspector_id(str(r["certificate_no"])) not in app.repository]
    if fresh:
        app.register_inspectors(county, fresh)
    conflicts = _declare_conflicts(app, county, generated.conflicts)
    rulebooks = sum(_ensure_rulebook(app, ids[a.division_code]) for a in generated.agencies)
    plan = _ensure_plan(app, county)
    return CountyDemoSummary(list(ids), new_agencies, added, len(fresh), conflicts, rulebooks, plan)


def _declare_conflicts(
    app: LedgerApp, county: UUID, conflicts: list[tuple[str, str, str]]
) -> int:
    declared = 0
    for certificate, credit, reason in conflicts:
        unit = object_id(str(county), credit)
        inspector: Inspector = app.repository.get(inspector_id(certificate))
        if not inspector.has_conflict_with(str(unit)):
            app.declare_conflict(certificate, unit, reason)
            declared += 1
    return declared


def _ensure_rulebook(app: LedgerApp, agency: UUID) -> bool:
    stored: Agency = app.repository.get(agency)
    if stored.rulebook_in_force(DEMO_ADOPTED_FROM) is not None:
        return False
    book = preset(DEMO_RULEBOOKS[stored.level]).adopt(DEMO_ADOPTED_FROM)
    app.adopt_rulebook(agency, book, approved_by="局务会",
                       reason="执行昌吉州随机抽查实施方案（种子文件000）")
    return True


def _ensure_plan(app: LedgerApp, county: UUID) -> AnnualPlan | None:
    stored: Agency = app.repository.get(county)
    if DEMO_PLAN_YEAR in stored.plans:
        return None
    return app.file_plan(county, DEMO_PLAN_YEAR, approved_by="局务会")


# -- the 2026Q1 draws -------------------------------------------------------------------------------
DEMO_CODES = {"prefecture": "652300", "county": "652301"}
DEMO_CALENDAR_YEARS = (2025, 2026)
DEMO_PERIOD = "2026Q1"
DEMO_FREEZE_DAY = date(2025, 12, 29)  # inside the last 5 working days of 2025
#: The announced entropy plan, and what each source gives (the demo is a fixture: fixed values).
DEMO_ENTROPY = (
    ("witness", "纪检监察干部 王芳", "7391-纪检"),
    ("witness", "公证员 李强", "公证-0457"),
    ("dice", "现场掷骰（见证下）", "4251663"),
)
#: The prefecture's own officers, who audit the counties it draws.
_PREFECTURE_INSPECTORS = (
    ("马晓东", "执法支队支队长", "65230000001"), ("周丽", "执法支队副支队长", "65230000002"),
    ("艾尔肯·买买提", "执法人员", "65230000003"), ("孙志强", "执法人员", "65230000004"),
)


@dataclass(frozen=True)
class DemoDraw:
    draw_id: str
    status: str
    selected: dict[str, int]
    list_hash: str | None
    ran: bool  # run by this call (False: it existed already)


def record_demo_calendars(app: LedgerApp, codes: list[str]) -> int:
    """Record the 2025 and 2026 State Council schedules for each agency, skipping recorded years."""
    recorded = 0
    for code in codes:
        for schedule in schedules_from_package(DEMO_CALENDAR_YEARS):
            agency: Agency = app.repository.get(agency_id(code))
            if schedule.year not in agency.working_calendar:
                app.record_working_calendar(agency.id, schedule.as_data(), "办公室")
                recorded += 1
    return recorded


def run_demo_draws(app: LedgerApp, keys_dir: Path) -> list[DemoDraw]:
    """The calendars, then the county's 2026Q1 unit draw and the prefecture's 2026Q1 audit draw,
    each a full ceremony, each only if it does not exist yet (run again: changes nothing)."""
    record_demo_calendars(app, list(DEMO_CODES.values()))
    _ensure_prefecture_inspectors(app)
    ceremony = Ceremony(app, keys_dir)
    return [_demo_draw(ceremony, DEMO_CODES["county"], "units"),
            _demo_draw(ceremony, DEMO_CODES["prefecture"], "audit")]


def _demo_draw(ceremony: Ceremony, code: str, kind: str) -> DemoDraw:
    draw_id = draw_name(code, DEMO_PERIOD, kind)
    ran = draw_uuid(draw_id) not in ceremony.app.repository
    if ran:
        plan = [(source, name) for source, name, _ in DEMO_ENTROPY]
        ceremony.freeze(code, DEMO_PERIOD, DEMO_FREEZE_DAY, plan, kind=kind)
        witnesses = [(k, name, value) for k, (source, name, value) in enumerate(DEMO_ENTROPY, 1)
                     if source == "witness"]
        for k, name, value in witnesses:
            role, _, person = name.partition(" ")
            ceremony.commit(draw_id, k, person, role, hashlib.sha256(value.encode()).hexdigest())
        for k, _, value in witnesses:
            ceremony.record_entropy(draw_id, k, value, [])
        for k, (source, _, value) in enumerate(DEMO_ENTROPY, 1):
            if source != "witness":
                ceremony.record_entropy(draw_id, k, value, [n.split(" ")[-1] for _, n, _ in witnesses])
        ceremony.derive_seed(draw_id, "局长")
        ceremony.run(draw_id)
        ceremony.fix(draw_id, "局务会", DEMO_FREEZE_DAY)
    draw = ceremony.draw(draw_id)
    return DemoDraw(draw_id, draw.status, dict(draw.drawn["selected"]) if draw.drawn else {},
                    draw.fixed["list_hash"] if draw.fixed else None, ran)


def _ensure_prefecture_inspectors(app: LedgerApp) -> None:
    fresh = [{"name": name, "certificate_no": certificate, "post": post}
             for name, post, certificate in _PREFECTURE_INSPECTORS
             if inspector_id(certificate) not in app.repository]
    if fresh:
        app.register_inspectors(agency_id(DEMO_CODES["prefecture"]), fresh)
