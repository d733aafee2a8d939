"""The rulebook in force at each step (照单核验): what the agency's own rules required, checked
against what its ledger shows, from the bundle alone.

The replay follows the agency's log in order, keeping what the rules depend on as it stood at each
moment: the rulebooks adopted (``Agency.RulebookAdopted``, in force from their date), the annual
plans (``AnnualPlanFiled``), the State Council holiday schedules (``WorkingCalendarRecorded``), the
inspection-object directory (``InspectionObject.*``) and the inspector directory (``Inspector.*``).
At each freeze and each record it checks:

``rule-window``      the freeze (and the fixing) on a working day inside the rulebook's draw
                     window, counted in working days from the recorded calendar; late only where
                     the rulebook allows, with the working days late recorded truly.
``rule-population``  every unit of the directory is in ``population.csv`` in its category's
                     stratum with its risk weight, or excluded with a reason that holds (closed or
                     relocated), never silently left out; no closed unit drawn.
``rule-roster``      every active officer (not an outside expert, not on leave on the period's first
                     day) is on ``inspectors.csv`` with exactly the categories they may inspect.
``rule-conflicts``   ``conflicts.csv`` holds exactly the declared conflicts between the roster and
                     the population.
``rule-plan``        the annual plan counts the directory and the officers as they stood when it
                     was filed, and asks at least what the rulebook's minimum ratios ask.
``rule-sizes``       each stratum's size is what the filed plan requires that quarter (capped at
                     the stratum); the team size is at least the rulebook's and at least two.
``rule-record``      a record covers every item of the inspection-item list (when the unit was in
                     operation) with at least the team size present, filed by one of them; once
                     the draw is disclosed, only officers of the unit's team as amended.
``rule-deadline``    the recorded lateness of a record or a publication is the true one (working
                     days after the rulebook's deadline).
``record-late`` / ``disclosure-late``  (severity ``late``) a step after its deadline: accepted by
                     the rules, flagged for the reviewer.
``backdated``        a step recorded later than the date it claims (``frozen_on``, ``fixed_on``,
                     ``filed_on``, ``rectified_on``, ``disclosed_on``) by more than a day: its
                     event's time — or, where a witness cosigned a checkpoint the event is not yet
                     in, that cosignature's time, a clock the agency does not control — is on a later
                     day (China time, UTC+8) than the day after the claimed one. Back-dating
                     (倒签) would let a late step pass as timely, or a freeze outside its window pass
                     as inside it.
``plan-late``        (severity ``late``) an annual plan recorded after the rulebook's
                     ``annual_plan_due`` (e.g. 12-10 of the year before).
``order-overdue``    (severity ``late``) an order to correct still open after its due date, as of
                     the latest event of the log: open work the agency must follow up (the unit's
                     rectification verified, or the case pursued).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from verify.draw_files import DrawFileError, read_draw_inputs
from verify.findings import Finding
from verify.period import Period, draw_window
from verify.working_days import CalendarNotAnnounced, WorkingCalendar, YearSchedule

STRATA = {"key": "KEY", "general": "GEN", "special": "SPC"}
#: A step may be recorded on the day it claims or the day after (work finished late in the evening,
#: entered next morning); later than that it is back-dated.
BACKDATING_GRACE = timedelta(days=1)
#: China Standard Time: the day a step was recorded is counted on the agencies' own calendar.
CHINA = timedelta(hours=8)
_PREFIX = "ledger."
_INSPECTION = "inspection:Inspection."


@dataclass(slots=True)  # (one per unit of the bundle: hundreds of thousands)
class _Unit:
    code: str
    category: str
    status: str = "active"
    before_special: str | None = None
    risk_grade: str = ""


@dataclass
class _Officer:
    cert: str
    may_inspect: list[str]
    outside_expert: bool
    name: str = ""
    active: bool = True
    leaves: list[tuple[str, str]] = field(default_factory=list)
    conflicts: set[str] = field(default_factory=set)


@dataclass
class _Agency:
    rulebooks: list[dict[str, Any]] = field(default_factory=list)
    plans: dict[int, dict[str, Any]] = field(default_factory=dict)
    calendar: dict[int, dict[str, Any]] = field(default_factory=dict)
    _calendar: WorkingCalendar | None = None

    def rulebook(self, on: str) -> dict[str, Any] | None:
        books = [b for b in self.rulebooks if str(b.get("adopted_from")) <= on]
        return max(books, key=lambda b: str(b["adopted_from"])) if books else None

    def working_calendar(self) -> WorkingCalendar:
        """The calendar as recorded so far (built once per change of the recorded years)."""
        if self._calendar is None:
            self._calendar = WorkingCalendar(YearSchedule.from_data(s) for s in self.calendar.values())
        return self._calendar


class _Where(NamedTuple):
    """Where an event is: its log index and its line in events.jsonl."""

    log_index: int
    line: int


@dataclass(frozen=True)
class TrailStep:
    """One event of an inspection (``Opened``, ``RecordFiled``, …), kept for the report."""

    name: str
    data: dict[str, Any]
    index: int
    line: int
    recorded: str = ""  # the event's time (UTC, ISO text)


@dataclass
class RuleReplay:
    """Follows one agency's log; :meth:`findings` gives what broke its rulebook."""

    agencies: dict[str, _Agency] = field(default_factory=dict)
    units: dict[str, _Unit] = field(default_factory=dict)
    unit_agency: dict[str, str] = field(default_factory=dict)
    officers: dict[str, _Officer] = field(default_factory=dict)
    officer_agency: dict[str, str] = field(default_factory=dict)
    draws: dict[str, dict[str, Any]] = field(default_factory=dict)
    inspections: dict[str, dict[str, Any]] = field(default_factory=dict)
    found: list[Finding] = field(default_factory=list)
    #: with ``keep_trail`` (for the report, :mod:`verify.report`): every inspection's events by
    #: aggregate, and each agency's ``Established`` data
    keep_trail: bool = False
    trail: dict[str, list[TrailStep]] = field(default_factory=dict)
    established: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the latest event time seen (ISO text, UTC): "as of" for open work
    latest: str = ""
    #: the time of the event being observed (ISO text, UTC)
    _recorded: str = ""
    #: log index → the time after which the entry was recorded by a clock the agency does not
    #: control (a witness's cosignature of a checkpoint that does not yet contain it), if any
    witnessed_after: Callable[[int], datetime | None] | None = None

    def find(self, rule: str, message: str, where: _Where, severity: str = "failed") -> None:
        self.found.append(Finding(rule, message, where.log_index, "events.jsonl", where.line, severity))

    # -- the pass ----------------------------------------------------------------------------------
    def observe(self, event: dict[str, Any], index: int, line: int) -> None:
        kind = event.get("type")
        handler = _BY_TYPE.get(kind) if type(kind) is str else None
        if handler is None and not (self.keep_trail and type(kind) is str
                                    and kind.startswith(_PREFIX)):
            return  # the common case (a directory registration): one dict lookup
        data = event.get("data")
        if type(data) is not dict:
            return
        if handler is _DETAILS_UPDATED and not self.keep_trail and "risk_grade" not in (
                data.get("changes") or ()):
            return  # a change of phone or address: nothing the rules depend on
        assert isinstance(kind, str)
        recorded = event.get("timestamp")
        if type(recorded) is str:
            self._recorded = recorded
            if recorded > self.latest:
                self.latest = recorded
        if self.keep_trail:
            self._keep(kind[len(_PREFIX):], str(event["aggregate_id"]), data, index, line)
        if handler is not None:
            try:
                where = _NOWHERE if handler in _NO_WHERE else _Where(index, line)
                handler(self, str(event["aggregate_id"]), data, where)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                self.find("rule-data", f"{kind}: data not as the ledger writes it ({exc!r})",
                          _Where(index, line))

    def keep(self, event: dict[str, Any], index: int, line: int) -> None:
        """Only what the report shows of ``event`` (a public bundle's: its rules are not
        replayed, but the agency's name and the tasks' public steps are still reported)."""
        kind, data = event.get("type"), event.get("data")
        if not (self.keep_trail and type(kind) is str and kind.startswith(_PREFIX)
                and type(data) is dict):
            return
        recorded = event.get("timestamp")
        self._recorded = recorded if type(recorded) is str else ""
        self._keep(kind[len(_PREFIX):], str(event["aggregate_id"]), data, index, line)

    def _keep(self, name: str, agg: str, data: dict[str, Any], index: int, line: int) -> None:
        if name.startswith(_INSPECTION):
            self.trail.setdefault(agg, []).append(
                TrailStep(name[len(_INSPECTION):], data, index, line, self._recorded))
        elif name == "agency:Agency.Established":
            self.established[agg] = data

    def findings(self, teams: dict[str, dict[str, tuple[str, ...]]]) -> list[Finding]:
        """The findings, with the checks that need the disclosed teams (``teams`` by draw id):
        records by the team, the yearly maximum per unit, full coverage of key units, and
        publication deadlines counted from the task's completion."""
        for inspection in self.inspections.values():
            self._check_record_team(inspection, teams.get(inspection["draw_id"]))
        self._check_year(teams)
        self._check_task_deadlines()
        self._check_open_orders()
        return self.found

    # -- when steps were recorded ------------------------------------------------------------------
    def _recorded_day(self, index: int) -> tuple[date, str] | None:
        """The day (China time) the observed event was recorded, and by which clock."""
        if not self._recorded:
            return None
        try:
            moment = datetime.fromisoformat(self._recorded.replace("Z", "+00:00"))
        except ValueError:
            return None
        clock = "recorded"
        witnessed = self.witnessed_after(index) if self.witnessed_after is not None else None
        if witnessed is not None and witnessed > moment:
            moment, clock = witnessed, "after a witness cosigned the log without it, at"
        return (moment + CHINA).date(), clock

    def _check_recorded(self, label: str, step: str, claimed: str, where: _Where) -> None:
        """A step is recorded on the day it claims, or the next: else it is back-dated."""
        recorded = self._recorded_day(where.log_index)
        try:
            day = date.fromisoformat(claimed)
        except ValueError:
            return  # the record's own checks report a bad date
        if recorded is not None and recorded[0] > day + BACKDATING_GRACE:
            self.find("backdated", f"{label}: {step} claims {day} but was {recorded[1]} "
                      f"{recorded[0]} ({(recorded[0] - day).days} days later; back-dated steps "
                      "escape their windows and deadlines)", where)

    def _check_open_orders(self) -> None:
        """Orders to correct past their due date and not rectified, as of the latest event."""
        if not self.latest:
            return
        try:
            as_of = (datetime.fromisoformat(self.latest.replace("Z", "+00:00")) + CHINA).date()
        except ValueError:
            return
        for inspection in self.inspections.values():
            record = inspection["record"]
            if record is None:
                continue
            rectified = inspection.get("rectified", set())
            for n, order in enumerate(record.get("orders") or []):
                due = date.fromisoformat(str(order["due"]))
                if n in rectified or due >= as_of:
                    continue
                try:
                    late = self._agency(inspection["agency"]).working_calendar().working_days_late(
                        due, as_of)
                    overdue = f"{late} working day(s)"
                except CalendarNotAnnounced:
                    overdue = f"{(as_of - due).days} day(s)"
                self.find("order-overdue", f"{inspection['draw_id']} {inspection['unit']}: order "
                          f"{n + 1} ({order['order']}) was due {due}, not recorded as rectified: "
                          f"{overdue} overdue as of {as_of}", inspection["where"], severity="late")

    def _unit_draws(self) -> dict[tuple[str, int], list[dict[str, Any]]]:
        """The agencies' quarterly unit draws by (agency, year), in period order."""
        by_year: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for draw in self.draws.values():
            if draw["draw_id"].endswith("-units"):
                by_year.setdefault((draw["agency"], int(draw["period"][:4])), []).append(draw)
        return {k: sorted(v, key=lambda d: str(d["period"])) for k, v in by_year.items()}

    def _violations(self, draw_id: str) -> set[str]:
        return {i["unit"] for i in self.inspections.values()
                if i["draw_id"] == draw_id and i["record"] is not None and _violation(i["record"])}

    def _check_year(self, teams: dict[str, dict[str, tuple[str, ...]]]) -> None:
        for (agency_uuid, year), draws in self._unit_draws().items():
            agency = self._agency(agency_uuid)
            drawn: dict[str, int] = {}
            violated: set[str] = set()
            for draw in draws:
                team = teams.get(draw["draw_id"])
                book = agency.rulebook(_quarter(draw["period"])[0].isoformat())
                if team is None or book is None:
                    break  # a sealed draw: the year can only be checked up to it
                cap = book.get("unit_cap")
                for unit in team:
                    drawn[unit] = drawn.get(unit, 0) + 1
                    lifted = bool(cap and cap.get("lifted_by_violation")) and unit in violated
                    if cap and drawn[unit] > int(cap["max_per_year"]) and not lifted:
                        self.find("rule-unit-cap", f"draw {draw['draw_id']}: unit {unit} drawn "
                                  f"{drawn[unit]} times in {year}, the rulebook's maximum is "
                                  f"{cap['max_per_year']} with no violation found (seed 004 art. 8)",
                                  draw["where"])
                violated |= self._violations(draw["draw_id"])
            else:
                self._check_key_coverage(agency, agency_uuid, year, draws, drawn)

    def _check_key_coverage(self, agency: _Agency, agency_uuid: str, year: int,
                            draws: list[dict[str, Any]], drawn: dict[str, int]) -> None:
        """With all four quarters disclosed: every key unit drawn once in the year where the
        rulebook requires full coverage (seed 000: 「每年全覆盖」)."""
        if [d["period"] for d in draws] != [f"{year}Q{q}" for q in range(1, 5)]:
            return
        book = agency.rulebook(f"{year}-10-01")
        if book is None or book.get("key_coverage_quarters") is None:
            return
        missed = sorted(u.code for u in self._agency_units(agency_uuid)
                        if u.category == "key" and u.status not in ("closed", "relocated")
                        and u.code not in drawn)
        if missed:
            self.find("rule-key-coverage", f"{year}: key unit(s) {', '.join(missed[:5])}"
                      f"{' …' if len(missed) > 5 else ''} not drawn in any quarter, though the "
                      "rulebook requires every key unit once a year", draws[-1]["where"])

    def _check_task_deadlines(self) -> None:
        """Publication deadlines anchored on the task's completion: the draw's last visit."""
        by_draw: dict[str, list[dict[str, Any]]] = {}
        for inspection in self.inspections.values():
            by_draw.setdefault(inspection["draw_id"], []).append(inspection)
        for draw_id, inspections in by_draw.items():
            if any(i["record"] is None for i in inspections):
                continue
            last = max(date.fromisoformat(i["record"]["visited_on"]) for i in inspections)
            for inspection in inspections:
                disclosed = inspection.get("disclosed")
                agency = self._agency(inspection["agency"])
                book = agency.rulebook(_quarter(draw_id.split("-")[1])[0].isoformat())
                deadline = None if book is None else book.get("disclosure_deadline")
                if disclosed is None or deadline is None or deadline["anchor"] != "task_completed":
                    continue
                self._check_late(f"{draw_id} {inspection['unit']}", agency, deadline,
                                 last.isoformat(), disclosed[0], disclosed[1], "disclosure",
                                 disclosed[2])

    # -- agencies ----------------------------------------------------------------------------------
    def _agency(self, agg: str) -> _Agency:
        return self.agencies.setdefault(agg, _Agency())

    def rulebook_adopted(self, agg: str, data: dict[str, Any], _: _Where) -> None:
        self._agency(agg).rulebooks.append(data["rulebook"])

    def plan_filed(self, agg: str, data: dict[str, Any], where: _Where) -> None:
        agency = self._agency(agg)
        year = int(data["year"])
        agency.plans[year] = data["plan"]
        book = agency.rulebook(f"{year}-01-01")
        if book is not None:
            self._check_plan(agg, year, data["plan"], book, where)
            due = book.get("annual_plan_due")
            recorded = self._recorded_day(where.log_index)
            if due and recorded is not None and recorded[0] > date.fromisoformat(f"{year - 1}-{due}"):
                self.find("plan-late", f"{year} plan: recorded on {recorded[0]}, after the rulebook's "
                          f"due date {year - 1}-{due}", where, severity="late")

    def _check_plan(self, agency_uuid: str, year: int, plan: dict[str, Any], book: dict[str, Any],
                    where: _Where) -> None:
        """The annual plan counts the directory as it stood, and asks at least what the
        rulebook's minimum ratios ask (rounded up; each quarter at most the category's units)."""
        counts = {c: 0 for c in STRATA}
        for unit in self._agency_units(agency_uuid):
            if unit.status not in ("closed", "relocated"):
                counts[unit.category] += 1
        officers = sum(1 for agg, o in self.officers.items() if self.officer_agency[agg] == agency_uuid
                       and o.active and not o.outside_expert)
        if int(plan["officers"]) != officers:
            self.find("rule-plan", f"{year} plan: counts {plan['officers']} officers, the directory "
                      f"has {officers} active", where)
        rules = {str(r["category"]): r for r in book.get("minimums", [])}
        for entry in plan["categories"]:
            category = str(entry["category"])
            count = counts.get(category, 0)
            if int(entry["population"]) != count:
                self.find("rule-plan", f"{year} plan: counts {entry['population']} {category} units, "
                          f"the directory has {count}", where)
                continue
            quarters = [int(q["required"]) for q in plan["quotas"] if q["category"] == category]
            asked = _asked_per_quarter(rules.get(category), count, officers, book, category)
            if book.get("unit_cap") is None and asked is not None and sum(quarters) < asked:
                self.find("rule-plan", f"{year} plan: {category} asks {sum(quarters)} visits, the "
                          f"rulebook's minimum ratio asks {asked} (最低抽查比例)", where)

    def calendar_recorded(self, agg: str, data: dict[str, Any], _: _Where) -> None:
        agency = self._agency(agg)
        agency.calendar[int(data["schedule"]["year"])] = data["schedule"]
        agency._calendar = None  # a year recorded again replaces the earlier schedule

    # -- the directories ---------------------------------------------------------------------------
    def unit_registered(self, agg: str, data: dict[str, Any], _: _Where) -> None:
        details = data.get("details") or {}
        self.units[agg] = _Unit(str(data["credit_code"]), str(data["category"]),
                                risk_grade=str(details.get("risk_grade", "")))
        self.unit_agency[agg] = str(data["agency_id"])

    def unit_changed(self, kind: str, agg: str, data: dict[str, Any]) -> None:
        unit = self.units[agg]
        if kind == "Reclassified":
            unit.category = str(data["category"])
        elif kind == "SpecialSupervisionMarked":
            if unit.category != "special":
                unit.before_special = unit.category
            unit.category = "special"
        elif kind == "SpecialSupervisionLifted":
            unit.category, unit.before_special = unit.before_special or "general", None
        elif kind == "DetailsUpdated" and "risk_grade" in data["changes"]:
            unit.risk_grade = str(data["changes"]["risk_grade"])
        else:
            unit.status = {"Suspended": "suspended", "Resumed": "active", "Closed": "closed",
                           "Relocated": "relocated"}.get(kind, unit.status)

    def officer_registered(self, agg: str, data: dict[str, Any], _: _Where) -> None:
        self.officers[agg] = _Officer(str(data["certificate_no"]), list(data["may_inspect"]),
                                      bool(data["outside_expert"]), str(data.get("name", "")))
        self.officer_agency[agg] = str(data["agency_id"])

    def officer_changed(self, kind: str, agg: str, data: dict[str, Any]) -> None:
        officer = self.officers[agg]
        if kind in ("Deactivated", "Reactivated"):
            officer.active = kind == "Reactivated"
        elif kind == "LeaveRecorded":
            officer.leaves.append((str(data["first_day"]), str(data["last_day"])))
        elif kind == "ConflictDeclared":
            officer.conflicts.add(str(data["unit_id"]))
        elif kind == "ConflictWithdrawn":
            officer.conflicts.discard(str(data["unit_id"]))

    # -- draws -------------------------------------------------------------------------------------
    def frozen(self, agg: str, data: dict[str, Any], where: _Where) -> None:
        draw_id, agency_uuid = str(data["draw_id"]), str(data["agency_id"])
        self.draws[agg] = {"draw_id": draw_id, "agency": agency_uuid, "period": data["period"],
                           "window": data["window"], "where": where}
        agency = self._agency(agency_uuid)
        first, _ = _quarter(str(data["period"]))
        book = agency.rulebook(first.isoformat())
        if book is None:
            self.find("rule-window", f"draw {draw_id}: no rulebook in force on {first}", where)
            return
        self._check_window(draw_id, agency, book, data["period"], str(data["frozen_on"]),
                           int(data["window"].get("working_days_late", 0)), "frozen", where)
        self._check_recorded(f"draw {draw_id}", "the freeze", str(data["frozen_on"]), where)
        try:
            inputs = read_draw_inputs(*(str(data["files"][n]["content"]).encode("utf-8")
                                        for n in ("population", "inspectors", "conflicts", "params")))
        except DrawFileError:
            return  # the draw replay reports the files (draw-files)
        if inputs.params.team_size < max(2, int(book["team_size"])):
            self.find("rule-sizes", f"draw {draw_id}: team size {inputs.params.team_size} is below "
                      f"the rulebook's {book['team_size']}", where)
        if data["kind"] != "units":
            self._check_audit_size(draw_id, book, inputs, where)
            return
        excluded = {e["id"]: str(e["reason"]) for e in data["exclusions"] if e["kind"] == "unit"}
        self._check_population(draw_id, agency_uuid, book, inputs, excluded, where)
        self._check_roster(draw_id, agency_uuid, first, inputs, where)
        self._check_conflicts(draw_id, inputs, where)
        self._check_sizes(draw_id, agency, first.year, int(str(data["period"])[5]), inputs, where)

    def list_fixed(self, agg: str, data: dict[str, Any], where: _Where) -> None:
        draw = self.draws.get(agg)
        if draw is None:
            return
        self._check_recorded(f"draw {draw['draw_id']}", "the fixing", str(data["fixed_on"]), where)
        agency = self._agency(draw["agency"])
        book = agency.rulebook(_quarter(draw["period"])[0].isoformat())
        if book is not None:
            self._check_window(draw["draw_id"], agency, book, draw["period"], str(data["fixed_on"]),
                               int(data.get("working_days_late", 0)), "fixed", where)

    def _check_window(self, draw_id: str, agency: _Agency, book: dict[str, Any], period: str,
                      on_text: str, recorded_late: int, step: str, where: _Where) -> None:
        on = date.fromisoformat(on_text)
        window = book["draw_window"]
        try:
            calendar = agency.working_calendar()
            start, end = _window(period, window, calendar)
            late = 0 if start <= on <= end else (
                calendar.working_days_late(end, on) if end < on <= _quarter(period)[1] else -1)
            working = calendar.is_working_day(on)
        except CalendarNotAnnounced as exc:
            self.find("rule-window", f"draw {draw_id}: {exc}", where)
            return
        if not working:
            self.find("rule-window", f"draw {draw_id}: {step} on {on}, not a working day (the "
                      "window counts working days only)", where)
        if late < 0 or (late > 0 and not window.get("late_allowed", False)):
            self.find("rule-window", f"draw {draw_id}: {step} on {on}, outside the draw window "
                      f"{start}..{end} ({window['length']} {window['unit']})", where)
        elif late != recorded_late:
            self.find("rule-deadline", f"draw {draw_id}: {step} {late} working day(s) late, the "
                      f"ledger says {recorded_late}", where)

    def _agency_units(self, agency: str) -> list[_Unit]:
        return [u for agg, u in self.units.items() if self.unit_agency[agg] == agency]

    def _check_population(self, draw_id: str, agency: str, book: dict[str, Any], inputs: Any,
                          excluded: dict[str, str], where: _Where) -> None:
        drawn = {u.id: u for u in inputs.population}
        weights = {str(w["grade"]): int(w["weight"]) for w in book.get("risk_weights", [])}
        for unit in self._agency_units(agency):
            row = drawn.get(unit.code)
            gone = unit.status in ("closed", "relocated")
            if row is None and unit.code not in excluded:
                self.find("rule-population", f"draw {draw_id}: unit {unit.code} of the directory "
                          "is neither in the frozen population nor excluded with a reason", where)
            elif row is None and unit.status not in excluded[unit.code] and (
                    excluded[unit.code].startswith(("closed", "relocated")) or
                    not _cap_rules(book)):
                self.find("rule-population", f"draw {draw_id}: unit {unit.code} excluded as "
                          f"“{excluded[unit.code]}” but it is {unit.status}", where)
            elif row is not None and gone:
                self.find("rule-population", f"draw {draw_id}: unit {unit.code} is {unit.status} "
                          "but in the population", where)
            elif row is not None and (row.stratum, row.weight) != (
                    STRATA[unit.category], max(1, min(10, weights.get(unit.risk_grade, 1)))):
                self.find("rule-population", f"draw {draw_id}: unit {unit.code} frozen as "
                          f"{row.stratum} weight {row.weight}, the directory says {unit.category} "
                          f"risk {unit.risk_grade or '-'}", where)
        known = {u.code for u in self._agency_units(agency)}
        for code in drawn.keys() - known:
            self.find("rule-population", f"draw {draw_id}: unit {code} is not in the agency's "
                      "directory", where)

    def _check_roster(self, draw_id: str, agency: str, first: date, inputs: Any,
                      where: _Where) -> None:
        roster = {i.inspector_id: i.strata for i in inputs.inspectors}
        day = first.isoformat()
        for agg, officer in self.officers.items():
            if self.officer_agency[agg] != agency:
                continue
            strata = tuple(sorted(STRATA[c] for c in officer.may_inspect if c in STRATA))
            eligible = (officer.active and not officer.outside_expert and strata
                        and not any(a <= day <= b for a, b in officer.leaves))
            if eligible and roster.get(officer.cert) != strata:
                self.find("rule-roster", f"draw {draw_id}: officer {officer.cert} may inspect "
                          f"{'/'.join(strata)} and is available, but the roster says "
                          f"{'/'.join(roster.get(officer.cert, ())) or 'nothing'}", where)
            elif not eligible and officer.cert in roster:
                self.find("rule-roster", f"draw {draw_id}: officer {officer.cert} is on the roster "
                          "but inactive, an outside expert, on leave or unqualified", where)

    def _check_conflicts(self, draw_id: str, inputs: Any, where: _Where) -> None:
        roster = {i.inspector_id for i in inputs.inspectors}
        population = {u.id for u in inputs.population}
        declared = {(o.cert, self.units[u].code) for o in self.officers.values()
                    for u in o.conflicts if u in self.units}
        expected = {(c, u) for c, u in declared if c in roster and u in population}
        frozen = {(c.inspector_id, c.unit_id) for c in inputs.conflicts}
        for cert, unit in sorted(expected - frozen):
            self.find("rule-conflicts", f"draw {draw_id}: the declared conflict of {cert} with "
                      f"{unit} is missing from conflicts.csv (回避 not honoured)", where)
        for cert, unit in sorted(frozen - expected):
            self.find("rule-conflicts", f"draw {draw_id}: conflicts.csv lists {cert} with {unit}, "
                      "which nobody declared", where)

    def _check_sizes(self, draw_id: str, agency: _Agency, year: int, quarter: int, inputs: Any,
                     where: _Where) -> None:
        plan = agency.plans.get(year)
        if plan is None:
            self.find("rule-sizes", f"draw {draw_id}: no {year} annual plan filed", where)
            return
        counts: dict[str, int] = {}
        for unit in inputs.population:
            counts[unit.stratum] = counts.get(unit.stratum, 0) + 1
        for quota in plan["quotas"]:
            if int(quota["quarter"]) != quarter:
                continue
            stratum = STRATA[str(quota["category"])]
            wanted = min(int(quota["required"]), counts.get(stratum, 0))
            got = inputs.params.sizes.get(stratum, 0)
            if got < wanted:
                self.find("rule-sizes", f"draw {draw_id}: {stratum} draws {got}, the plan requires "
                          f"{wanted} this quarter (minimum ratio not met)", where)

    def _check_audit_size(self, draw_id: str, book: dict[str, Any], inputs: Any,
                          where: _Where) -> None:
        share = book.get("oversight_share_bp") or 2500
        for stratum, size in inputs.params.sizes.items():
            population = sum(1 for u in inputs.population if u.stratum == stratum)
            wanted = min(population, math.ceil(population * int(share) / 10000))
            if size < wanted:
                self.find("rule-sizes", f"draw {draw_id}: audits {size} of {population} agencies, "
                          f"the rulebook requires {wanted} ({int(share) / 100:g} %)", where)

    # -- inspections -------------------------------------------------------------------------------
    def inspection_opened(self, agg: str, data: dict[str, Any], where: _Where) -> None:
        self.inspections[agg] = {"draw_id": str(data["draw_id"]), "unit": str(data["unit"]),
                                 "agency": str(data["agency_id"]), "record": None, "where": where}

    def record_filed(self, agg: str, data: dict[str, Any], where: _Where) -> None:
        inspection = self.inspections[agg]
        record = data["record"]
        inspection.update(record=record, where=where)
        agency = self._agency(inspection["agency"])
        period = inspection["draw_id"].split("-")[1]
        book = agency.rulebook(_quarter(period)[0].isoformat())
        label = f"{inspection['draw_id']} {inspection['unit']}"
        self._check_recorded(label, "the record", str(data.get("filed_on", "")), where)
        if book is None:
            return
        self._check_record(label, book, record, str(data.get("filed_by", "")), where)
        if "working_days_late" in data:
            self._check_late(label, agency, book.get("record_deadline"), record["visited_on"],
                             str(data["filed_on"]), int(data["working_days_late"]), "record", where)

    def record_corrected(self, agg: str, data: dict[str, Any], where: _Where) -> None:
        inspection = self.inspections[agg]
        inspection.update(record=data["record"], where=where)
        self._check_recorded(f"{inspection['draw_id']} {inspection['unit']}", "the correction",
                             str(data.get("filed_on", "")), where)
        book = self._agency(inspection["agency"]).rulebook(
            _quarter(inspection["draw_id"].split("-")[1])[0].isoformat())
        if book is not None:
            self._check_record(f"{inspection['draw_id']} {inspection['unit']}", book, data["record"],
                               str(data["filed_by"]), where)

    def order_rectified(self, agg: str, data: dict[str, Any], where: _Where) -> None:
        inspection = self.inspections[agg]
        inspection.setdefault("rectified", set()).add(int(data["order"]))
        self._check_recorded(f"{inspection['draw_id']} {inspection['unit']}",
                             f"the rectification of order {int(data['order']) + 1}",
                             str(data["rectified_on"]), where)

    def draw_disclosed(self, agg: str, data: dict[str, Any], where: _Where) -> None:
        draw = self.draws.get(agg)
        if draw is not None:
            self._check_recorded(f"draw {draw['draw_id']}", "the disclosure of the list",
                                 str(data["disclosed_on"]), where)

    def result_disclosed(self, agg: str, data: dict[str, Any], where: _Where) -> None:
        inspection = self.inspections[agg]
        self._check_recorded(f"{inspection['draw_id']} {inspection['unit']}", "the publication",
                             str(data["disclosed_on"]), where)
        record = inspection["record"]
        agency = self._agency(inspection["agency"])
        book = agency.rulebook(_quarter(inspection["draw_id"].split("-")[1])[0].isoformat())
        if book is None or record is None or book.get("disclosure_deadline") is None:
            return
        if book["disclosure_deadline"]["anchor"] == "task_completed":
            inspection["disclosed"] = (str(data["disclosed_on"]), int(data["working_days_late"]),
                                       where)
            return  # needs every visit of the draw: checked at the end (_check_task_deadlines)
        self._check_late(f"{inspection['draw_id']} {inspection['unit']}", agency,
                         book["disclosure_deadline"], record["visited_on"],
                         str(data["disclosed_on"]), int(data["working_days_late"]), "disclosure",
                         where)

    def _check_record(self, label: str, book: dict[str, Any], record: dict[str, Any],
                      filed_by: str, where: _Where) -> None:
        team_size = max(2, int(book["team_size"]))
        if len(set(record["officers"])) < team_size:
            self.find("rule-record", f"{label}: {len(set(record['officers']))} officer(s) present, "
                      f"the rulebook's team is {team_size}", where)
        if filed_by and filed_by not in record["officers"]:
            self.find("rule-record", f"{label}: filed by {filed_by}, who was not present", where)
        covered = {i["item"] for i in record["items"]}
        missing = [i["item"] for i in book.get("inspection_items", []) if i["item"] not in covered]
        if record["status"] == "operating" and missing:
            self.find("rule-record", f"{label}: items not covered: {', '.join(missing)}", where)

    def _check_late(self, label: str, agency: _Agency, deadline: dict[str, Any] | None,
                    completed: str, actual: str, recorded: int, step: str, where: _Where) -> None:
        if deadline is None:
            return
        try:
            calendar = agency.working_calendar()
            due = _due(deadline, date.fromisoformat(completed), calendar)
            late = calendar.working_days_late(due, date.fromisoformat(actual))
        except CalendarNotAnnounced as exc:
            self.find("rule-deadline", f"{label}: {exc}", where)
            return
        if late != recorded:
            self.find("rule-deadline", f"{label}: the {step} is {late} working day(s) late, the "
                      f"ledger says {recorded}", where)
        if late > 0:
            self.find(f"{step}-late", f"{label}: {step} {late} working day(s) after the deadline "
                      f"{due} ({deadline['count']} {deadline['unit']})", where, severity="late")

    def _check_record_team(self, inspection: dict[str, Any],
                           teams: dict[str, tuple[str, ...]] | None) -> None:
        record = inspection["record"]
        if teams is None or record is None:
            return
        team = teams.get(inspection["unit"])
        label = f"{inspection['draw_id']} {inspection['unit']}"
        if team is None:
            self.find("rule-record", f"{label}: a record for a unit not on the fixed list",
                      inspection["where"])
            return
        strangers = [o for o in record["officers"] if o not in team]
        if strangers:
            self.find("rule-record", f"{label}: {', '.join(strangers)} not on the unit's team "
                      f"({', '.join(team)})", inspection["where"])


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _asked_per_quarter(rule: dict[str, Any] | None, count: int, officers: int,
                       book: dict[str, Any], category: str) -> int | None:
    """The year's visits a category's minimum ratio asks (each quarter at most ``count``)."""
    if rule is None:
        return None
    if rule.get("share_bp") is not None:
        per_quarter = _ceil_div(count * int(rule["share_bp"]), 10000)
        coverage = book.get("key_coverage_quarters")
        if category == "key" and coverage:
            per_quarter = max(per_quarter, _ceil_div(count, int(coverage)))
        floor = min(int(rule.get("stratum_minimum", 0)), count)
        return 4 * min(max(per_quarter, floor), count)
    ratio = rule.get("officer_ratio")
    if ratio is not None and count:
        yearly = _ceil_div(officers * int(ratio["units"]), int(ratio["officers"]))
        return min(yearly, 4 * count)
    return None


def _violation(record: dict[str, Any]) -> bool:
    """A problem found (as ``ledger.domain.inspection_record.has_violation`` defines it)."""
    annex4 = record.get("annex4") or {}
    return (any(i.get("finding") == "problem" for i in record.get("items", []))
            or bool((record.get("case") or {}).get("filed"))
            or annex4.get("emissions_within_limits") is False
            or annex4.get("facilities_running") == "abnormal")


def _cap_rules(book: dict[str, Any]) -> bool:
    """Whether the rulebook allows exclusions for units already drawn this year."""
    return book.get("unit_cap") is not None or book.get("key_coverage_quarters") is not None


def _quarter(period: str) -> tuple[date, date]:
    return Period.parse(period).bounds


def _window(period: str, window: dict[str, Any], calendar: WorkingCalendar) -> tuple[date, date]:
    return draw_window(Period.parse(period), int(window["length"]), str(window["unit"]), calendar)


def _due(deadline: dict[str, Any], completed: date, calendar: WorkingCalendar) -> date:
    anchor = completed
    if deadline["anchor"] == "month_completed":
        following = completed.replace(day=28) + timedelta(days=4)
        anchor = following - timedelta(days=following.day)
    if deadline["unit"] == "working_days":
        return calendar.add_working_days(anchor, int(deadline["count"]))
    return anchor + timedelta(days=int(deadline["count"]))


_HANDLERS: dict[str, Any] = {
    "agency:Agency.RulebookAdopted": RuleReplay.rulebook_adopted,
    "agency:Agency.AnnualPlanFiled": RuleReplay.plan_filed,
    "agency:Agency.WorkingCalendarRecorded": RuleReplay.calendar_recorded,
    "directory:InspectionObject.Registered": RuleReplay.unit_registered,
    "inspector:Inspector.Registered": RuleReplay.officer_registered,
    "draw:Draw.PopulationFrozen": RuleReplay.frozen,
    "draw:Draw.ListFixed": RuleReplay.list_fixed,
    "inspection:Inspection.Opened": RuleReplay.inspection_opened,
    "inspection:Inspection.RecordFiled": RuleReplay.record_filed,
    "inspection:Inspection.RecordCorrected": RuleReplay.record_corrected,
    "inspection:Inspection.ResultDisclosed": RuleReplay.result_disclosed,
    "inspection:Inspection.OrderRectified": RuleReplay.order_rectified,
    "draw:Draw.Disclosed": RuleReplay.draw_disclosed,
}


def _change(method: Any, kind: str) -> Any:
    def apply(replay: RuleReplay, agg: str, data: dict[str, Any], _: _Where) -> None:
        method(replay, kind, agg, data)
    return apply


for _kind in ("DetailsUpdated", "Reclassified", "SpecialSupervisionMarked",
              "SpecialSupervisionLifted", "Suspended", "Resumed", "Closed", "Relocated"):
    _HANDLERS[f"directory:InspectionObject.{_kind}"] = _change(RuleReplay.unit_changed, _kind)
for _kind in ("Deactivated", "Reactivated", "LeaveRecorded", "ConflictDeclared", "ConflictWithdrawn"):
    _HANDLERS[f"inspector:Inspector.{_kind}"] = _change(RuleReplay.officer_changed, _kind)

_DETAILS_UPDATED = _HANDLERS["directory:InspectionObject.DetailsUpdated"]
#: Handlers that never report a finding themselves (they only keep the directories' state): the
#: hot path of a province's registrations builds no position for them.
_NO_WHERE = frozenset({RuleReplay.unit_registered, RuleReplay.officer_registered, _DETAILS_UPDATED})
_NOWHERE = _Where(-1, -1)
#: Handlers by the full stored type (``ledger.<module>:<Class>.<Event>``).
_BY_TYPE: dict[str, Any] = {_PREFIX + name: handler for name, handler in _HANDLERS.items()}
