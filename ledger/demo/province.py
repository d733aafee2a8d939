"""A generated province-year written through the application (生成的省级一年数据), for the
benchmarks and for the tests that need a province's worth of agencies, draws and records.

Not production code: it writes a synthetic Xinjiang (:func:`ledger.demo.generator.province_agencies`)
with the demo's rulebooks and record shapes. Phase A is the year's supervision, one county-level
agency at a time (agencies, rulebooks, calendars, directories, the plan, the year list, four
quarterly draw ceremonies, a record and a published result for every drawn unit, the lists
disclosed; the prefectures' audit draws); phase B is directory growth and ``DetailsUpdated`` up to
the target number of events.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ledger.adapters.directory_file import Table
from ledger.adapters.holiday_calendars import schedules_from_package
from ledger.demo.county import (
    DEMO_ADOPTED_FROM,
    DEMO_PLAN_YEAR,
    DEMO_RULEBOOKS,
    DEMO_SETUP_DAY,
    demo_record,
    on_the_day,
    run_ceremony,
)
from ledger.demo.generator import GeneratedAgency, GeneratedCounty, iter_counties, province_agencies
from ledger.domain.agency import Agency, agency_id
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.rulebook_presets import preset
from ledger.log import DEFAULT_LOG
from ledger.services.ceremony import Ceremony, draw_window
from ledger.services.inspections import Inspections
from ledger.services.ledger import Ledger

SEED = 2026
PERIODS = tuple(f"{DEMO_PLAN_YEAR}Q{q}" for q in (1, 2, 3, 4))
DEPLOYMENT_ORIGIN = "bench.spotcheck.example/log"
PER_SAVE = 1_000
PHASE_A = "phase A (agencies, directories, plans, draws, records)"
PHASE_B = "phase B (directory growth and changes)"


class Province:
    """Writes the province-year through the application."""

    def __init__(self, ledger: Ledger, keys_dir: Path, agencies: list[GeneratedAgency]) -> None:
        self.ledger = ledger
        self.app = ledger.app
        self.agencies = agencies
        self.ceremony = Ceremony(self.app, keys_dir)
        self.inspections = Inspections(self.app, self.ceremony)
        self.counts: dict[str, int] = {}

    def events(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def tally(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    # phase A ---------------------------------------------------------------------------------
    def establish(self) -> None:
        with on_the_day(DEMO_SETUP_DAY):
            self._establish()

    def _establish(self) -> None:
        for agency in self.agencies:
            parent = agency_id(agency.parent_code) if agency.parent_code else None
            self.app.establish_agency(agency.name, agency.division_code, agency.kind, parent)
            self.ledger.init_key(agency.division_code)
            stored: Agency = self.app.repository.get(agency_id(agency.division_code))
            level = "prefecture" if stored.level == "province" else stored.level
            book = preset(DEMO_RULEBOOKS[level]).adopt(DEMO_ADOPTED_FROM)
            self.app.adopt_rulebook(stored.id, book, approved_by="局务会",
                                    reason="执行随机抽查实施方案（基准测试）")
            for schedule in schedules_from_package((2025, 2026)):
                self.app.record_working_calendar(stored.id, schedule.as_data(), "办公室")
            self.tally("agencies")
        for agency in self.agencies:
            if agency.kind in ("prefecture", "city", "league"):
                fresh = [{"name": f"督查员{n}", "certificate_no": f"{agency.division_code}{n:05d}",
                          "post": "执法支队执法人员"} for n in range(1, 5)]
                self.app.register_inspectors(agency_id(agency.division_code), fresh)
        self.ledger.keys(DEFAULT_LOG).init(DEPLOYMENT_ORIGIN, overwrite=True)

    def county_year(self, county: GeneratedCounty, initial: int, record_quarters: int) -> None:
        """The county's directories, plan and year list (on the demo's set-up day), then its four
        quarters (each step on the day it claims)."""
        with on_the_day(DEMO_SETUP_DAY):
            self._county_year(county, initial, record_quarters)

    def _county_year(self, county: GeneratedCounty, initial: int, record_quarters: int) -> None:
        code = county.division_code
        uuid = agency_id(code)
        rows = list(enumerate(county.units[:initial], start=2))
        self.tally("units", self.app.import_objects(uuid, Table(Path("generated"), {}, rows)).added)
        self.app.register_inspectors(uuid, county.inspectors)
        self.tally("inspectors", len(county.inspectors))
        initial_codes = {u["credit_code"] for u in county.units[:initial]}
        for certificate, credit, reason in county.conflicts:
            if credit in initial_codes:
                self.app.declare_conflict(certificate, object_id(str(uuid), credit), reason)
                self.tally("conflicts")
        self.app.file_plan(uuid, DEMO_PLAN_YEAR, approved_by="局务会")
        self.app.publish_year_list(uuid, DEMO_PLAN_YEAR, "办公室")
        for period in PERIODS:
            draw_id = self.draw(code, period, "units")
            if int(period[5]) <= record_quarters:
                self.records(draw_id, period)

    def draw(self, code: str, period: str, kind: str) -> str:
        agency: Agency = self.app.repository.get(agency_id(code))
        first = date(int(period[:4]), 3 * int(period[5]) - 2, 1)
        book = agency.rulebook_in_force(first.isoformat())
        assert book is not None
        day, _ = draw_window(period, book.draw_window, agency.calendar())
        draw_id = run_ceremony(self.ceremony, code, period, day, kind)
        self.tally(f"{kind} draws")
        return draw_id

    def records(self, draw_id: str, period: str) -> None:
        code = draw_id.split("-", 1)[0]
        agency: Agency = self.app.repository.get(agency_id(code))
        first = date(int(period[:4]), 3 * int(period[5]) - 2, 1)
        book = agency.rulebook_in_force(first.isoformat())
        assert book is not None
        items = [i.item for i in book.inspection_items]
        calendar = agency.calendar()
        visits = [first + timedelta(d) for d in range(1, 60)
                  if calendar.is_working_day(first + timedelta(d))][:20]
        units = self.ceremony.fixed_teams(draw_id).units()
        for n, unit in enumerate(units):
            team = self.inspections.team(draw_id, unit)
            visited = visits[n % len(visits)]
            record = demo_record(team, visited, items, unit, "clean", "")
            with on_the_day(visited):
                self.inspections.file_record(draw_id, unit, record, team[0], visited)
            self.tally("records")
        published = visits[-1] + timedelta(days=3)
        with on_the_day(published):
            for unit in units:
                self.inspections.disclose_result(draw_id, unit, "办公室", published)
                self.tally("results published")
            self.inspections.disclose_list(draw_id, "局长", published)

    # phase B ---------------------------------------------------------------------------------
    def directory_year(self, county: GeneratedCounty, initial: int, budget: int) -> None:
        """About ``budget`` directory events: the county's other units registered, then rounds of
        DetailsUpdated over all its units."""
        uuid = agency_id(county.division_code)
        rest = county.units[initial:]
        for start in range(0, len(rest), PER_SAVE):
            rows = list(enumerate(rest[start:start + PER_SAVE], start=2))
            added = self.app.import_objects(uuid, Table(Path("generated"), {}, rows)).added
            self.tally("units", added)
            budget -= added
        ids = [object_id(str(uuid), u["credit_code"]) for u in county.units]
        round_no = 0
        while budget > 0:
            round_no += 1
            for start in range(0, len(ids), PER_SAVE):
                chunk = ids[start:start + min(PER_SAVE, budget)]
                if not chunk:
                    break
                units: list[InspectionObject] = [self.app.repository.get(i) for i in chunk]
                for n, unit in enumerate(units):
                    unit.update(_change(round_no, start + n, unit), "企业信息变更（年度核查）")
                self.app.save(*units)
                self.tally("details updated", len(units))
                budget -= len(units)
                if budget <= 0:
                    break


def _change(round_no: int, n: int, unit: InspectionObject) -> dict[str, str]:
    which = (round_no + n) % 4
    if which == 0:
        return {"phone": f"13{(round_no * 7 + n) % 10}{(n * 7919 + round_no) % 10**8:08d}"}
    if which == 1:
        return {"address": f"{unit.details.get('address', '')}（{round_no}次变更）"}
    if which == 2:
        return {"legal_representative": f"变更人{round_no}-{n % 1000}"}
    grades = "ABCD"
    return {"risk_grade": grades[(grades.find(unit.details.get("risk_grade", "A")) + 1) % 4]}


def write_province(ledger: Ledger, keys_dir: Path, target: int, prefectures: int | None,
                   counties: int | None, initial: int, record_quarters: int, *, where: str = "",
                   after_phase_a: Callable[[int, float], object] | None = None,
                   say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Write a province-year of about ``target`` events into the open ``ledger`` through the
    application: phase A (agencies, rulebooks, calendars, directories, plans, draw ceremonies,
    records, published results, disclosures; the prefectures' audit draws), then phase B (directory
    growth and ``DetailsUpdated``) up to ``target``. ``keys_dir`` is the ledger's key directory (the
    agencies' log keys and the deployment's are created there). No sync, no export:
    ``after_phase_a(events, seconds)`` (e.g. a ``ledger.sync()``), if given, runs between the
    phases, outside their timings; ``say`` is told the progress.

    Returns the shape (``agencies``, ``county_level``, ``prefectures``, ``units_per_county``), the
    event counts (``events_after_a``, ``events``), the mix of what was written (``mix``) and the
    phases' ``timings`` in seconds."""
    agencies = province_agencies("650000", prefectures=prefectures,
                                 counties_per_prefecture=counties)
    county_codes = [a.division_code for a in agencies
                    if a.kind in ("county", "banner", "county_city", "district", "park")]
    prefecture_codes = [a.division_code for a in agencies if a.kind in ("prefecture", "city", "league")]
    n_counties = len(county_codes)
    say(f"generating a province-year of ≥ {target:,} events: {len(agencies)} agencies "
        f"({n_counties} county-level, {len(prefecture_codes)} prefectures)"
        + (f" into {where}" if where else ""))
    timings: dict[str, float] = {}
    p = Province(ledger, keys_dir, agencies)
    t0 = time.perf_counter()
    p.establish()
    # Units per county: the initial directory plus about half the budget left to each.
    per_county_budget = max(0, target - 60 * n_counties * 4 - 2_000) // n_counties
    units_per_county = min(99_999, max(initial, initial + per_county_budget // 2))
    generated = iter_counties(SEED, agencies, units_per_county=units_per_county)
    stash: list[GeneratedCounty] = []
    for k, county in enumerate(generated, 1):
        p.county_year(county, initial, record_quarters)
        stash.append(county)
        if k % 5 == 0 or k == n_counties:
            say(f"  phase A: {k}/{n_counties} counties, {p.events():,} events")
    for code in prefecture_codes:
        p.draw(code, PERIODS[0], "audit")
    timings[PHASE_A] = time.perf_counter() - t0
    events_a = p.events()
    if after_phase_a is not None:
        after_phase_a(events_a, timings[PHASE_A])
    t0 = time.perf_counter()
    remaining = max(0, target - events_a)
    for k, county in enumerate(stash, 1):
        share = remaining // n_counties + (1 if k <= remaining % n_counties else 0)
        p.directory_year(county, initial, share)
        stash[k - 1] = None  # type: ignore[call-overload]  # free the rows
        if k % 5 == 0 or k == n_counties:
            say(f"  phase B: {k}/{n_counties} counties, {p.events():,} events")
    timings[PHASE_B] = time.perf_counter() - t0
    return {"agencies": len(agencies), "county_level": n_counties,
            "prefectures": len(prefecture_codes), "units_per_county": units_per_county,
            "events_after_a": events_a, "events": p.events(), "mix": p.counts,
            "timings": timings}
