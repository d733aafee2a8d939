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
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from stdnum.cn import uscc

from ledger.adapters.directory_file import Table
from ledger.adapters.holiday_calendars import schedules_from_package
from ledger.demo.generator import generate_county
from ledger.domain.agency import Agency, agency_id
from ledger.domain.clock import simulated_time, simulating
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.draw import draw_name, draw_uuid
from ledger.domain.inspector import Inspector, inspector_id
from ledger.domain.masking import ApprovedText, ConfidentialityReview, WithheldField
from ledger.domain.plan import AnnualPlan
from ledger.domain.rulebook_presets import preset
from ledger.services.application import LedgerApp
from ledger.services.ceremony import Ceremony
from ledger.services.inspections import Inspections

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
#: The demo is a simulation: its events are stamped with the times its story tells (10:00 China
#: time on the day each step claims), not with the day someone runs it, so that the verifier's
#: back-dating rule judges the story. The directories, rulebooks and plan are written on this day.
DEMO_SETUP_DAY = date(2025, 11, 20)


def at(day: date) -> datetime:
    """10:00 China time (02:00 UTC) on ``day``: when the demo's step of that day is recorded."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def on_the_day(day: date) -> AbstractContextManager[None]:
    """Record what follows as written on ``day`` (see :func:`ledger.domain.clock.simulated_time`)."""
    return simulated_time(at(day))


def write_county_demo(
    app: LedgerApp, seed: int = 2025, units: int = 300, inspectors: int = 14
) -> CountyDemoSummary:
    """Write a generated county and its prefecture under seed 000's rulebooks; idempotent. The
    events are stamped :data:`DEMO_SETUP_DAY`, unless a simulated time is already running."""
    if simulating():
        return _write_county_demo(app, seed, units, inspectors)
    with on_the_day(DEMO_SETUP_DAY):
        return _write_county_demo(app, seed, units, inspectors)


def _write_county_demo(app: LedgerApp, seed: int, units: int, inspectors: int) -> CountyDemoSummary:
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
    # Units already registered are left alone: the quarter's follow-up may have changed them since.
    rows = [(n, row) for n, row in enumerate(generated.units[county_code], start=2)
            if object_id(str(county), str(row["credit_code"])) not in app.repository]
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
    with on_the_day(DEMO_SETUP_DAY):
        record_demo_calendars(app, list(DEMO_CODES.values()))
        _ensure_prefecture_inspectors(app)
    ceremony = Ceremony(app, keys_dir)
    return [_demo_draw(ceremony, DEMO_CODES["county"], "units"),
            _demo_draw(ceremony, DEMO_CODES["prefecture"], "audit")]


def run_ceremony(ceremony: Ceremony, code: str, period: str, day: date, kind: str) -> str:
    with on_the_day(day):
        return _run_ceremony(ceremony, code, period, day, kind)


def _run_ceremony(ceremony: Ceremony, code: str, period: str, day: date, kind: str) -> str:
    """A by-the-book ceremony with the demo's witnesses and dice: freeze on ``day``, commit,
    reveal, roll, seed, run, fix (the same day); returns the draw id."""
    draw_id = draw_name(code, period, kind)
    ceremony.freeze(code, period, day, [(source, name) for source, name, _ in DEMO_ENTROPY],
                    kind=kind)
    complete_ceremony(ceremony, draw_id, day)
    return draw_id


def complete_ceremony(ceremony: Ceremony, draw_id: str, day: date) -> None:
    """The steps after the freeze, with the demo's witnesses and dice: commit, reveal, roll,
    seed, run, fix (on ``day``)."""
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
    ceremony.fix(draw_id, "局务会", day)


def _demo_draw(ceremony: Ceremony, code: str, kind: str) -> DemoDraw:
    draw_id = draw_name(code, DEMO_PERIOD, kind)
    ran = draw_uuid(draw_id) not in ceremony.app.repository
    if ran:
        run_ceremony(ceremony, code, DEMO_PERIOD, DEMO_FREEZE_DAY, kind)
    draw = ceremony.draw(draw_id)
    return DemoDraw(draw_id, draw.status, dict(draw.drawn["selected"]) if draw.drawn else {},
                    draw.fixed["list_hash"] if draw.fixed else None, ran)


def _ensure_prefecture_inspectors(app: LedgerApp) -> None:
    fresh = [{"name": name, "certificate_no": certificate, "post": post}
             for name, post, certificate in _PREFECTURE_INSPECTORS
             if inspector_id(certificate) not in app.repository]
    if fresh:
        app.register_inspectors(agency_id(DEMO_CODES["prefecture"]), fresh)


# -- the 2026Q1 quarter: records, follow-up, publication -------------------------------------------
#: January 2026's working days (元旦 1-3 January off; Sunday 4 January a working day): the visits.
_JANUARY_VISITS = tuple(date(2026, 1, d) for d in (5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 19, 20, 21,
                                                     22, 23, 26, 27, 28, 29, 30))
DEMO_LATE_VISIT, DEMO_LATE_FILING = date(2026, 1, 5), date(2026, 1, 19)  # due 14 January: 3 late
#: The "late" unit's record is filed 3 working days late: accepted by the rules, flagged by
#: spotcheck-verify as a late step (severity "late"), which still verifies.
DEMO_FILE_LATE = True
DEMO_RECTIFIED_ON = date(2026, 1, 30)
DEMO_ORDER_DUE = "2026-02-27"
DEMO_PUBLISHED_ON = date(2026, 2, 2)
DEMO_WITHHELD = ("remarks", "含企业生产工艺及原料配比，属商业秘密，不予公开",
                 "保密审查员 韩梅")
#: The roles of the first non-special units of the list, in order; the rest are clean visits.
DEMO_ROLES = ("rectified", "open_order", "refused", "recusal", "late", "withheld", "named")


@dataclass(frozen=True)
class DemoQuarter:
    """What the demo quarter wrote (``*_now``: by this call) and what a citizen then sees."""

    draw_id: str
    records: int
    filed_now: int
    recusals: int
    orders: int
    rectified: int
    under_special_supervision: list[str]  # unit names, still with an open order
    late: list[tuple[str, str, str, int]]  # unit name, filed on, due, working days late
    published_now: int
    list_disclosed: bool

    @property
    def changed(self) -> bool:
        return bool(self.filed_now or self.published_now)


def run_demo_quarter(ceremony: Ceremony, inspections: Inspections) -> DemoQuarter:
    """The county's 2026Q1 quarter after its draw: the year's list of supervised units published,
    a record for every unit on the list (visits in January 2026: most clean, two with orders to
    correct of which one is rectified, one refusal, one recusal granted at the visit, one record
    filed late), every result published (one field withheld after a confidentiality review), then
    the list unsealed. Each step only if not done yet (run again: changes nothing)."""
    app = inspections.app
    code = DEMO_CODES["county"]
    draw_id = draw_name(code, DEMO_PERIOD, "units")
    county: Agency = app.repository.get(agency_id(code))
    if DEMO_PLAN_YEAR not in county.published_lists:
        with on_the_day(DEMO_SETUP_DAY):
            app.publish_year_list(county.id, DEMO_PLAN_YEAR, "办公室")
    rulebook = county.rulebook_in_force(f"{DEMO_PLAN_YEAR}-01-01")
    assert rulebook is not None
    items = [i.item for i in rulebook.inspection_items]
    units = list(ceremony.open(draw_id).teams)
    objects = {u: _demo_unit(app, code, u) for u in units}
    plain = [u for u in units if objects[u].category != "special"]
    roles = dict(zip(plain, DEMO_ROLES, strict=False))
    filed_now = published_now = 0
    for n, unit in enumerate(units):
        role = roles.get(unit, "clean")
        inspection = inspections.inspection(draw_id, unit)
        if inspection is None or inspection.record is None:
            visited = {"rectified": date(2026, 1, 6), "open_order": date(2026, 1, 7),
                       "late": DEMO_LATE_VISIT}.get(role, _JANUARY_VISITS[n % len(_JANUARY_VISITS)])
            if role == "recusal" and (inspection is None or not inspection.recusals):
                team = inspections.team(draw_id, unit)
                with on_the_day(visited):
                    inspections.request_recusal(draw_id, unit, team[-1], "企业负责人",
                                                "该执法人员系本企业员工近亲属", True, "执法大队大队长")
            team = inspections.team(draw_id, unit)
            record = demo_record(team, visited, items, unit, role,
                                 str(objects[unit].details.get("legal_representative", "")))
            filed_on = DEMO_LATE_FILING if role == "late" and DEMO_FILE_LATE else visited
            with on_the_day(filed_on):
                inspections.file_record(draw_id, unit, record, team[0], filed_on)
            filed_now += 1
        inspection = inspections.inspection(draw_id, unit)
        assert inspection is not None
        if role == "rectified" and 0 in inspection.open_orders:
            with on_the_day(DEMO_RECTIFIED_ON):
                inspections.rectify(draw_id, unit, 0, DEMO_RECTIFIED_ON, "执法大队 复查组",
                                    "整改后排污口照片 sha256:" + hashlib.sha256(unit.encode()).hexdigest())
    for unit in units:
        inspection = inspections.inspection(draw_id, unit)
        assert inspection is not None
        if inspection.disclosed is None:
            field, conclusion, reviewer = DEMO_WITHHELD
            on = DEMO_PUBLISHED_ON.isoformat()
            review = ConfidentialityReview((WithheldField(
                field, "commercial_secret", conclusion, reviewer, on),)) \
                if roles.get(unit) == "withheld" else ConfidentialityReview((), (
                    ApprovedText("remarks", reviewer, on),))
            with on_the_day(DEMO_PUBLISHED_ON):
                inspections.disclose_result(draw_id, unit, "办公室", DEMO_PUBLISHED_ON, review)
            published_now += 1
    if ceremony.draw(draw_id).disclosed_key is None:
        with on_the_day(DEMO_PUBLISHED_ON):
            inspections.disclose_list(draw_id, "局长", DEMO_PUBLISHED_ON)
    return _quarter_summary(app, ceremony, inspections, draw_id, units, filed_now, published_now)


def _demo_unit(app: LedgerApp, code: str, unit: str) -> InspectionObject:
    found: InspectionObject = app.repository.get(object_id(str(agency_id(code)), unit))
    return found


def demo_record(team: tuple[str, ...], visited: date, items: list[str], unit: str, role: str,
                 representative: str) -> dict[str, Any]:
    photo = {"name": "现场照片.jpg", "sha256": hashlib.sha256(f"{unit}/{visited}".encode()).hexdigest()}
    record: dict[str, Any] = {
        "officers": list(team), "visited_on": visited.isoformat(), "place": "企业厂区",
        "status": "operating",
        "items": [{"item": item, "finding": "compliant", "description": "未发现问题"} for item in items],
        "annex4": {"facilities_built": True, "facilities_running": "normal",
                   "outfall_standardised": True, "emissions_within_limits": True},
        "orders": [], "case": {"filed": False, "penalty": ""}, "attachments": [photo], "remarks": "",
    }
    if role in ("rectified", "open_order"):
        problem = "污染物排放" if "污染物排放" in items else items[0]
        record["items"] = [{"item": i["item"], "finding": "problem",
                            "description": "废水排放口未规范化设置，无标志牌"}
                           if i["item"] == problem else i for i in record["items"]]
        record["annex4"]["outfall_standardised"] = False
        record["orders"] = [{"order": "按规范设置废水排放口及标志牌", "due": DEMO_ORDER_DUE}]
    elif role == "refused":
        record.update(place="企业厂区大门", status="refused", items=[],
                      remarks="企业拒绝执法人员进入厂区，已制作现场笔录，另行依法处理")
        del record["annex4"]
    elif role == "withheld":
        record["public_remarks"] = "企业提供了生产工艺流程及原料配比说明，经现场核对一致"
    elif role == "named" and len(representative) >= 2:
        record["remarks"] = "执法记录仪编号 ZF-0317，现场笔录一式两份"  # for the file only
        record["public_remarks"] = f"法定代表人{representative}在场并签字确认"
    return record


def _quarter_summary(
    app: LedgerApp, ceremony: Ceremony, inspections: Inspections, draw_id: str,
    units: list[str], filed_now: int, published_now: int,
) -> DemoQuarter:
    code = DEMO_CODES["county"]
    found = [i for i in (inspections.inspection(draw_id, u) for u in units) if i is not None]
    late = [(i.unit_name, i.filed["filed_on"], i.filed["due"], int(i.filed["working_days_late"]))
            for i in found if i.filed and i.filed["working_days_late"]]
    return DemoQuarter(
        draw_id=draw_id, records=sum(i.record is not None for i in found), filed_now=filed_now,
        recusals=sum(r["granted"] == "yes" for i in found for r in i.recusals),
        orders=sum(len(i.record["orders"]) for i in found if i.record),
        rectified=sum(len(i.rectified) for i in found),
        under_special_supervision=[i.unit_name for i in found if i.open_orders
                                   and _demo_unit(app, code, i.unit).category == "special"],
        late=late, published_now=published_now,
        list_disclosed=ceremony.draw(draw_id).disclosed_key is not None,
    )
