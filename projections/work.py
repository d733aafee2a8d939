"""Work views (工作视图): each officer's inspections and load, records filed late, disclosures due,
overdue steps with the working days late, open orders past their due date, each draw's progress.

Built only from events (see :mod:`projections.runner`), and only from what is already public inside
the agency when it happens. The secrecy rule (抽查保密) holds: a draw's list and teams are sealed
until the draw is disclosed, so this projection decrypts nothing and holds no assignment. A draw is
known by its counts (units drawn, inspections opened, records filed, results disclosed); a unit and
its officers appear when the visit has happened — from ``Inspection.Opened`` (at the visit) and the
officers present in the filed record. An officer's pending tasks before a visit are therefore not
here: they are opened, and the opening recorded, with ``spotcheck draw tasks``.

Tables (all dropped and rebuilt together):

``work_draws``          per draw (units and audit): agency, period, status, fixed_on, units drawn
                        (``UnitsDrawn.selected`` summed), inspections opened, records filed, results
                        disclosed, list disclosed on, and ``task_completed`` (the last visit, once
                        every drawn unit's record is filed).
``work_inspections``    per inspection: agency, draw, period, unit, unit name, officers present (from
                        the current record), visited_on, filed_on, the record's due date and working
                        days late (carried by ``RecordFiled``), corrections, orders and open orders,
                        the result's disclosed_on / due / working days late (``ResultDisclosed``), and
                        ``disclosure_due``: the publication deadline of the rulebook in force on the
                        first day of the draw's quarter (as the application and the verifier take it),
                        counted on the agency's recorded calendar — NULL with ``disclosure_note`` when
                        it cannot be known yet (``awaiting_last_visit``, ``calendar:YYYY``) or there is
                        none (``no_deadline``, ``no_rulebook``).
``work_orders``         each order to correct of the current record: description, due, rectified_on.
``work_officer_visits`` certificate × inspection, from the current record's officers.
``work_officer_load``   certificate × agency × year × quarter: inspections where the officer was
                        present (a correction that changes the officers moves the count).

Helper tables: ``work_agencies`` (``Agency.Established``), ``work_rulebooks`` (each adopted
rulebook's date and its record and disclosure deadlines), ``work_calendars`` (each agency's recorded
State Council schedule per year, canonical JSON; the parsed calendar is cached in memory by content
only).

Overdue is a question of the day it is asked: the queries (:func:`agency_work`,
:func:`officer_work`) take ``today`` and count working days late on the calendar in these tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from ledger.domain.deadlines import DeadlineError, anchor_date, due_date
from ledger.domain.rulebook import Deadline
from ledger.errors import InvalidInput
from ledger.log.store import Cursor
from projections.handlers import EventHandlers, agency_table, insert_agency
from projections.quotas import T_AGENCY, T_DRAW, T_INSPECTION
from projections.runner import ProjectionStore
from verify.period import Period
from verify.working_days import CalendarNotAnnounced, WorkingCalendar, WorkingCalendarError, YearSchedule

#: Why ``disclosure_due`` is NULL (``''``: it is computed).
NOTE_NO_RULEBOOK = "no_rulebook"
NOTE_NO_DEADLINE = "no_deadline"
NOTE_AWAITING_LAST_VISIT = "awaiting_last_visit"
NOTE_CALENDAR = "calendar:"  # + the year whose schedule is not recorded


class WorkQueryError(InvalidInput):
    """A work-view query that cannot be answered; the message names the option."""


@lru_cache(maxsize=256)
def calendar_from(schedules: tuple[str, ...]) -> WorkingCalendar:
    """The working calendar of these recorded schedules (canonical JSON): a pure cache by content."""
    return WorkingCalendar(YearSchedule.from_data(json.loads(s)) for s in schedules)


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _missing_year(calendar: WorkingCalendar, start: date) -> int:
    """The first year from ``start``'s on whose schedule is not recorded (what a count stopped at)."""
    year = start.year
    while year in calendar.years:
        year += 1
    return year


class WorkProjection(EventHandlers):
    """The work views' tables."""

    name = "work"
    version = 1
    tables: tuple[str, ...] = ("work_draws", "work_inspections", "work_orders", "work_officer_visits",
                               "work_officer_load", "work_agencies", "work_rulebooks", "work_calendars")
    schema: tuple[str, ...] = (
        "CREATE TABLE IF NOT EXISTS work_draws (draw_uuid TEXT PRIMARY KEY,"
        " draw_id TEXT NOT NULL UNIQUE, agency_id TEXT NOT NULL, kind TEXT NOT NULL,"
        " period TEXT NOT NULL, year INTEGER NOT NULL, quarter INTEGER NOT NULL,"
        " frozen_on TEXT NOT NULL, status TEXT NOT NULL, fixed_on TEXT, drawn BIGINT NOT NULL,"
        " opened BIGINT NOT NULL, recorded BIGINT NOT NULL, results_disclosed BIGINT NOT NULL,"
        " list_disclosed_on TEXT, task_completed TEXT)",
        "CREATE TABLE IF NOT EXISTS work_inspections (inspection_id TEXT PRIMARY KEY,"
        " agency_id TEXT NOT NULL, draw_id TEXT NOT NULL, year INTEGER NOT NULL,"
        " quarter INTEGER NOT NULL, unit TEXT NOT NULL, unit_name TEXT NOT NULL,"
        " officers TEXT NOT NULL, visited_on TEXT, filed_on TEXT, record_due TEXT,"
        " record_late INTEGER, corrections INTEGER NOT NULL, orders INTEGER NOT NULL,"
        " orders_open INTEGER NOT NULL, disclosed_on TEXT, result_due TEXT, result_late INTEGER,"
        " disclosure_due TEXT, disclosure_note TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS work_inspections_by_draw ON work_inspections (draw_id)",
        "CREATE INDEX IF NOT EXISTS work_inspections_by_agency ON work_inspections"
        " (agency_id, year, quarter)",
        "CREATE TABLE IF NOT EXISTS work_orders (inspection_id TEXT NOT NULL, n INTEGER NOT NULL,"
        " description TEXT NOT NULL, due TEXT NOT NULL, rectified_on TEXT,"
        " PRIMARY KEY (inspection_id, n))",
        "CREATE TABLE IF NOT EXISTS work_officer_visits (certificate TEXT NOT NULL,"
        " inspection_id TEXT NOT NULL, PRIMARY KEY (certificate, inspection_id))",
        "CREATE TABLE IF NOT EXISTS work_officer_load (certificate TEXT NOT NULL,"
        " agency_id TEXT NOT NULL, year INTEGER NOT NULL, quarter INTEGER NOT NULL,"
        " inspections BIGINT NOT NULL, PRIMARY KEY (certificate, agency_id, year, quarter))",
        agency_table("work_agencies"),
        "CREATE TABLE IF NOT EXISTS work_rulebooks (agency_id TEXT NOT NULL, seq INTEGER NOT NULL,"
        " name TEXT NOT NULL, adopted_from TEXT NOT NULL, record_count INTEGER, record_unit TEXT,"
        " record_anchor TEXT, disclosure_count INTEGER, disclosure_unit TEXT,"
        " disclosure_anchor TEXT, PRIMARY KEY (agency_id, seq))",
        "CREATE TABLE IF NOT EXISTS work_calendars (agency_id TEXT NOT NULL, year INTEGER NOT NULL,"
        " schedule TEXT NOT NULL, PRIMARY KEY (agency_id, year))",
    )
    topics = frozenset({
        T_AGENCY + "Established", T_AGENCY + "RulebookAdopted", T_AGENCY + "WorkingCalendarRecorded",
        T_DRAW + "PopulationFrozen", T_DRAW + "UnitsDrawn", T_DRAW + "ListFixed",
        T_DRAW + "DrawBlocked", T_DRAW + "Disclosed",
        T_INSPECTION + "Opened", T_INSPECTION + "RecordFiled", T_INSPECTION + "RecordCorrected",
        T_INSPECTION + "OrderRectified", T_INSPECTION + "ResultDisclosed",
    })

    # -- agencies: the hierarchy, rulebooks, calendars ---------------------------------------------
    def _on_Agency_Established(self, cur: Cursor, e: Any) -> None:
        insert_agency(cur, "work_agencies", e)

    def _on_Agency_RulebookAdopted(self, cur: Cursor, e: Any) -> None:
        agency = str(e.originator_id)
        book = e.rulebook
        cur.execute("SELECT COUNT(*) FROM work_rulebooks WHERE agency_id = ?", (agency,))
        seq = int(cur.fetchone()[0]) + 1
        cur.execute(
            "INSERT INTO work_rulebooks (agency_id, seq, name, adopted_from, record_count,"
            " record_unit, record_anchor, disclosure_count, disclosure_unit, disclosure_anchor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (agency, seq, str(book.get("name", "")), str(book.get("adopted_from") or ""),
             *_deadline_columns(book.get("record_deadline")),
             *_deadline_columns(book.get("disclosure_deadline"))),
        )
        _refresh_agency(cur, agency)  # the rulebook in force on a quarter may have changed

    def _on_Agency_WorkingCalendarRecorded(self, cur: Cursor, e: Any) -> None:
        try:
            schedule = YearSchedule.from_data(e.schedule)
        except (WorkingCalendarError, TypeError):
            return  # the aggregate refuses such a schedule; a forged one counts for nothing here
        agency = str(e.originator_id)
        cur.execute(
            "INSERT INTO work_calendars (agency_id, year, schedule) VALUES (?, ?, ?)"
            " ON CONFLICT (agency_id, year) DO UPDATE SET schedule = excluded.schedule",
            (agency, schedule.year, _canonical(schedule.as_data())),
        )
        _refresh_agency(cur, agency)  # a year recorded (or moved) changes due dates

    # -- draws: counts only (the list and the teams are sealed) -------------------------------------
    def _on_Draw_PopulationFrozen(self, cur: Cursor, e: Any) -> None:
        period = Period.parse_or_none(str(e.period))
        year, quarter = period if period is not None else (0, 0)
        cur.execute(
            "INSERT INTO work_draws (draw_uuid, draw_id, agency_id, kind, period, year, quarter,"
            " frozen_on, status, fixed_on, drawn, opened, recorded, results_disclosed,"
            " list_disclosed_on, task_completed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'frozen', NULL, 0, 0, 0, 0, NULL, NULL)"
            " ON CONFLICT (draw_uuid) DO NOTHING",
            (str(e.originator_id), e.draw_id, e.agency_id, e.kind, e.period, year, quarter,
             e.frozen_on),
        )

    def _on_Draw_UnitsDrawn(self, cur: Cursor, e: Any) -> None:
        drawn = sum(int(n) for n in dict(e.selected).values())
        cur.execute("UPDATE work_draws SET drawn = ?, status = 'drawn' WHERE draw_uuid = ?",
                    (drawn, str(e.originator_id)))

    def _on_Draw_ListFixed(self, cur: Cursor, e: Any) -> None:
        cur.execute("UPDATE work_draws SET fixed_on = ?, status = 'fixed' WHERE draw_uuid = ?",
                    (e.fixed_on, str(e.originator_id)))

    def _on_Draw_DrawBlocked(self, cur: Cursor, e: Any) -> None:
        cur.execute("UPDATE work_draws SET status = 'blocked' WHERE draw_uuid = ?",
                    (str(e.originator_id),))

    def _on_Draw_Disclosed(self, cur: Cursor, e: Any) -> None:
        cur.execute("UPDATE work_draws SET list_disclosed_on = ?, status = 'disclosed'"
                    " WHERE draw_uuid = ?", (e.disclosed_on, str(e.originator_id)))

    # -- inspections --------------------------------------------------------------------------------
    def _on_Inspection_Opened(self, cur: Cursor, e: Any) -> None:
        cur.execute("SELECT year, quarter FROM work_draws WHERE draw_id = ?", (e.draw_id,))
        row = cur.fetchone()
        if row is not None:
            year, quarter = int(row[0]), int(row[1])
        else:
            parts = str(e.draw_id).split("-")
            year, quarter = (Period.parse_or_none(parts[1]) if len(parts) == 3 else None) or (0, 0)
        cur.execute(
            "INSERT INTO work_inspections (inspection_id, agency_id, draw_id, year, quarter, unit,"
            " unit_name, officers, visited_on, filed_on, record_due, record_late, corrections,"
            " orders, orders_open, disclosed_on, result_due, result_late, disclosure_due,"
            " disclosure_note) VALUES (?, ?, ?, ?, ?, ?, ?, '[]', NULL, NULL, NULL, NULL, 0, 0, 0,"
            " NULL, NULL, NULL, NULL, '') ON CONFLICT (inspection_id) DO NOTHING",
            (str(e.originator_id), e.agency_id, e.draw_id, year, quarter, e.unit, e.unit_name),
        )
        cur.execute("UPDATE work_draws SET opened = opened + 1 WHERE draw_id = ?", (e.draw_id,))

    def _on_Inspection_RecordFiled(self, cur: Cursor, e: Any) -> None:
        found = _inspection(cur, str(e.originator_id))
        if found is None or found.visited_on is not None:
            return
        cur.execute(
            "UPDATE work_inspections SET filed_on = ?, record_due = ?, record_late = ?"
            " WHERE inspection_id = ?",
            (e.filed_on, e.due or None, int(e.working_days_late), found.inspection_id),
        )
        cur.execute("UPDATE work_draws SET recorded = recorded + 1 WHERE draw_id = ?",
                    (found.draw_id,))
        self._record(cur, found, e.record, corrected=False)

    def _on_Inspection_RecordCorrected(self, cur: Cursor, e: Any) -> None:
        found = _inspection(cur, str(e.originator_id))
        if found is None or found.visited_on is None:
            return
        cur.execute("UPDATE work_inspections SET corrections = corrections + 1"
                    " WHERE inspection_id = ?", (found.inspection_id,))
        self._record(cur, found, e.record, corrected=True)

    def _record(self, cur: Cursor, found: _Found, record: dict[str, Any], *, corrected: bool) -> None:
        """The current record: officers (and their load), visit date, orders; then the due dates."""
        officers = list(dict.fromkeys(str(o) for o in record.get("officers", [])))
        before = set(found.officers)
        for certificate in sorted(before - set(officers)):
            cur.execute("DELETE FROM work_officer_visits WHERE certificate = ? AND inspection_id = ?",
                        (certificate, found.inspection_id))
            _load(cur, certificate, found, -1)
        for certificate in officers:
            if certificate not in before:
                cur.execute("INSERT INTO work_officer_visits (certificate, inspection_id)"
                            " VALUES (?, ?)", (certificate, found.inspection_id))
                _load(cur, certificate, found, +1)
        orders = list(record.get("orders", []))
        kept: dict[int, str | None] = {}
        if corrected:  # as the aggregate does: rectifications of orders still numbered stay
            cur.execute("SELECT n, rectified_on FROM work_orders WHERE inspection_id = ?",
                        (found.inspection_id,))
            kept = {int(n): on for n, on in cur.fetchall() if int(n) < len(orders)}
            cur.execute("DELETE FROM work_orders WHERE inspection_id = ?", (found.inspection_id,))
        cur.executemany(
            "INSERT INTO work_orders (inspection_id, n, description, due, rectified_on)"
            " VALUES (?, ?, ?, ?, ?)",
            [(found.inspection_id, n, str(o.get("order", "")), str(o.get("due", "")), kept.get(n))
             for n, o in enumerate(orders)],
        )
        open_orders = sum(1 for n in range(len(orders)) if kept.get(n) is None)
        cur.execute(
            "UPDATE work_inspections SET officers = ?, visited_on = ?, orders = ?, orders_open = ?"
            " WHERE inspection_id = ?",
            (json.dumps(officers), str(record.get("visited_on", "")), len(orders), open_orders,
             found.inspection_id),
        )
        if not _refresh_task(cur, found.draw_id):
            _refresh_inspection(cur, found.inspection_id)

    def _on_Inspection_OrderRectified(self, cur: Cursor, e: Any) -> None:
        cur.execute("UPDATE work_orders SET rectified_on = ? WHERE inspection_id = ? AND n = ?"
                    " AND rectified_on IS NULL", (e.rectified_on, str(e.originator_id), int(e.order)))
        cur.execute(
            "UPDATE work_inspections SET orders_open = (SELECT COUNT(*) FROM work_orders"
            " WHERE work_orders.inspection_id = work_inspections.inspection_id"
            " AND rectified_on IS NULL) WHERE inspection_id = ?", (str(e.originator_id),))

    def _on_Inspection_ResultDisclosed(self, cur: Cursor, e: Any) -> None:
        found = _inspection(cur, str(e.originator_id))
        if found is None:
            return
        cur.execute(
            "UPDATE work_inspections SET disclosed_on = ?, result_due = ?, result_late = ?"
            " WHERE inspection_id = ? AND disclosed_on IS NULL",
            (e.disclosed_on, e.due or None, int(e.working_days_late), found.inspection_id),
        )
        cur.execute("UPDATE work_draws SET results_disclosed = results_disclosed + 1"
                    " WHERE draw_id = ?", (found.draw_id,))


# -- the projection's helpers --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Found:
    inspection_id: str
    agency_id: str
    draw_id: str
    year: int
    quarter: int
    officers: tuple[str, ...]
    visited_on: str | None


def _inspection(cur: Cursor, inspection_id: str) -> _Found | None:
    cur.execute("SELECT agency_id, draw_id, year, quarter, officers, visited_on FROM work_inspections"
                " WHERE inspection_id = ?", (inspection_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return _Found(inspection_id, str(row[0]), str(row[1]), int(row[2]), int(row[3]),
                  tuple(json.loads(str(row[4]))), None if row[5] is None else str(row[5]))


def _load(cur: Cursor, certificate: str, found: _Found, delta: int) -> None:
    key = (certificate, found.agency_id, found.year, found.quarter)
    cur.execute(
        "INSERT INTO work_officer_load (certificate, agency_id, year, quarter, inspections)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (certificate, agency_id, year, quarter)"
        " DO UPDATE SET inspections = work_officer_load.inspections + ?",
        (*key, delta, delta),
    )
    cur.execute("DELETE FROM work_officer_load WHERE certificate = ? AND agency_id = ? AND year = ?"
                " AND quarter = ? AND inspections <= 0", key)


def _deadline_columns(data: Any) -> tuple[int | None, str | None, str | None]:
    if not isinstance(data, dict):
        return None, None, None
    return int(data["count"]), str(data["unit"]), str(data["anchor"])


def _deadline(count: Any, unit: Any, anchor: Any) -> Deadline | None:
    return None if count is None else Deadline(int(count), str(unit), str(anchor))


def _rulebook(cur: Cursor, agency_id: str, on: date) -> tuple[str, Deadline | None, Deadline | None] | None:
    """The rulebook adopted latest from a date on or before ``on`` (the first adopted of equals, as
    ``Agency.rulebook_in_force``): its name, record deadline and disclosure deadline."""
    cur.execute(
        "SELECT name, record_count, record_unit, record_anchor, disclosure_count, disclosure_unit,"
        " disclosure_anchor FROM work_rulebooks WHERE agency_id = ? AND adopted_from <> ''"
        " AND adopted_from <= ? ORDER BY adopted_from DESC, seq ASC LIMIT 1",
        (agency_id, on.isoformat()),
    )
    row = cur.fetchone()
    if row is None:
        return None
    return str(row[0]), _deadline(row[1], row[2], row[3]), _deadline(row[4], row[5], row[6])


def _calendar(cur: Cursor, agency_id: str) -> WorkingCalendar:
    cur.execute("SELECT schedule FROM work_calendars WHERE agency_id = ? ORDER BY year", (agency_id,))
    return calendar_from(tuple(str(row[0]) for row in cur.fetchall()))


def _due(deadline: Deadline, completed: date, calendar: WorkingCalendar,
         task_completed: date | None = None) -> tuple[date | None, str]:
    """The due date of a step (``ledger.domain.deadlines``), or None and the year the calendar lacks."""
    anchor = anchor_date(deadline, completed, task_completed)
    try:
        return due_date(deadline, anchor, calendar), ""
    except DeadlineError:
        return None, f"{NOTE_CALENDAR}{_missing_year(calendar, anchor)}"


def _refresh_task(cur: Cursor, draw_id: str) -> bool:
    """Set the draw's task completion (its last visit, once every drawn unit's record is filed);
    when it changed, recompute every due date of the draw and return True."""
    cur.execute("SELECT drawn, recorded, task_completed FROM work_draws WHERE draw_id = ?", (draw_id,))
    row = cur.fetchone()
    if row is None:
        return False
    drawn, recorded, before = int(row[0]), int(row[1]), row[2]
    last: str | None = None
    if drawn > 0 and recorded >= drawn:
        cur.execute("SELECT MAX(visited_on) FROM work_inspections WHERE draw_id = ?"
                    " AND visited_on IS NOT NULL", (draw_id,))
        found = cur.fetchone()
        last = None if found is None or found[0] is None else str(found[0])
    if last == before:
        return False
    cur.execute("UPDATE work_draws SET task_completed = ? WHERE draw_id = ?", (last, draw_id))
    _refresh(cur, "draw_id = ?", (draw_id,))
    return True


def _refresh_inspection(cur: Cursor, inspection_id: str) -> None:
    _refresh(cur, "inspection_id = ?", (inspection_id,))


def _refresh_agency(cur: Cursor, agency_id: str) -> None:
    _refresh(cur, "agency_id = ?", (agency_id,))


def _refresh(cur: Cursor, where: str, params: tuple[Any, ...]) -> None:
    """Recompute ``disclosure_due`` of the inspections with a record that match ``where``."""
    cur.execute(
        "SELECT i.inspection_id, i.agency_id, i.year, i.quarter, i.visited_on, d.task_completed"
        " FROM work_inspections i LEFT JOIN work_draws d ON d.draw_id = i.draw_id"
        f" WHERE i.{where} AND i.visited_on IS NOT NULL ORDER BY i.inspection_id", params)
    rows = cur.fetchall()
    books: dict[tuple[str, int, int], tuple[str, Deadline | None, Deadline | None] | None] = {}
    calendars: dict[str, WorkingCalendar] = {}
    updates: list[tuple[str | None, str, str]] = []
    for inspection_id, agency_id, year, quarter, visited_on, task_completed in rows:
        key = (str(agency_id), int(year), int(quarter))
        if key not in books:
            books[key] = (_rulebook(cur, key[0], Period(key[1], key[2]).first)
                          if key[1] > 0 else None)
        book = books[key]
        due: date | None = None
        if book is None:
            note = NOTE_NO_RULEBOOK
        elif book[2] is None:
            note = NOTE_NO_DEADLINE
        elif book[2].anchor == "task_completed" and task_completed is None:
            note = NOTE_AWAITING_LAST_VISIT
        else:
            if key[0] not in calendars:
                calendars[key[0]] = _calendar(cur, key[0])
            try:
                visited = date.fromisoformat(str(visited_on))
                task = None if task_completed is None else date.fromisoformat(str(task_completed))
            except ValueError:
                continue
            due, note = _due(book[2], visited, calendars[key[0]], task)
        updates.append((None if due is None else due.isoformat(), note, str(inspection_id)))
    cur.executemany("UPDATE work_inspections SET disclosure_due = ?, disclosure_note = ?"
                    " WHERE inspection_id = ?", updates)


# -- reading --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkAgency:
    agency_id: str
    division_code: str
    name: str
    level: str


@dataclass(frozen=True)
class Order:
    n: int
    description: str
    due: str
    rectified_on: str | None


@dataclass(frozen=True)
class InspectionStatus:
    """One inspection as the work view holds it: the visit, the record, the result."""

    draw_id: str
    year: int
    quarter: int
    agency: str  # division code
    unit: str
    unit_name: str
    officers: tuple[str, ...]
    visited_on: str | None
    filed_on: str | None
    record_due: str | None
    record_late: int | None
    corrections: int
    orders: tuple[Order, ...]
    disclosed_on: str | None
    result_due: str | None
    result_late: int | None
    disclosure_due: str | None
    disclosure_note: str

    @property
    def record_status(self) -> str:
        """``not_filed``, ``filed`` or ``filed_late``."""
        if self.filed_on is None:
            return "not_filed"
        return "filed_late" if self.record_late else "filed"

    @property
    def disclosure_status(self) -> str:
        """``no_record`` (nothing to publish yet), ``due``, ``disclosed`` or ``disclosed_late``."""
        if self.disclosed_on is not None:
            return "disclosed_late" if self.result_late else "disclosed"
        return "no_record" if self.filed_on is None else "due"

    @property
    def open_orders(self) -> tuple[Order, ...]:
        return tuple(o for o in self.orders if o.rectified_on is None)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["officers"] = list(self.officers)
        out["orders"] = [asdict(o) for o in self.orders]
        out["record_status"] = self.record_status
        out["disclosure_status"] = self.disclosure_status
        return out


@dataclass(frozen=True)
class DrawProgress:
    draw_id: str
    kind: str
    period: str
    status: str
    fixed_on: str | None
    drawn: int
    opened: int
    recorded: int
    results_disclosed: int
    list_disclosed_on: str | None
    task_completed: str | None
    records_due_by: str | None  # a visit on the quarter's last day: its record's due date
    note: str = ""

    @property
    def records_missing(self) -> int:
        return max(0, self.drawn - self.recorded) if self.kind == "units" else 0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "records_missing": self.records_missing}


@dataclass(frozen=True)
class LateStep:
    """A step done after its due date (a record filed late, a result disclosed late)."""

    step: str  # record | result
    draw_id: str
    unit: str
    unit_name: str
    due: str
    done_on: str
    working_days_late: int


@dataclass(frozen=True)
class DueStep:
    """A step not done yet, with its due date (None: unknown, ``note`` says why) and, when the due
    date is before today, the working days late as of today (None: the calendar lacks a year)."""

    step: str  # disclosure | order | records
    draw_id: str
    unit: str
    unit_name: str
    due: str | None
    note: str = ""
    detail: str = ""  # the order, or the number of records missing
    working_days_late: int | None = None


@dataclass
class AgencyWork:
    """An agency's work as of ``today``: progress, late steps, what is due, what is overdue."""

    agency: WorkAgency
    today: str
    year: int | None
    quarter: int | None
    draws: list[DrawProgress]
    late: list[LateStep]
    disclosures_due: list[DueStep]
    overdue: list[DueStep]
    orders_overdue: list[DueStep]
    inspections_without_record: list[InspectionStatus] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency.division_code, "name": self.agency.name, "level": self.agency.level,
            "today": self.today, "period": _period_text(self.year, self.quarter),
            "draws": [d.to_dict() for d in self.draws],
            "late": [asdict(s) for s in self.late],
            "disclosures_due": [asdict(s) for s in self.disclosures_due],
            "overdue": [asdict(s) for s in self.overdue],
            "orders_overdue": [asdict(s) for s in self.orders_overdue],
            "opened_without_record": [i.to_dict() for i in self.inspections_without_record],
            "not_in_this_view": PENDING_TASKS_NOTE,
        }


@dataclass(frozen=True)
class OfficerQuarter:
    agency: WorkAgency
    year: int
    quarter: int
    load: int
    inspections: list[InspectionStatus]

    def to_dict(self) -> dict[str, Any]:
        return {"agency": self.agency.division_code, "name": self.agency.name, "year": self.year,
                "quarter": self.quarter, "load": self.load,
                "inspections": [i.to_dict() for i in self.inspections]}


@dataclass
class OfficerWork:
    certificate: str
    year: int | None
    quarters: list[OfficerQuarter]

    @property
    def load(self) -> int:
        return sum(q.load for q in self.quarters)

    def to_dict(self) -> dict[str, Any]:
        return {"certificate": self.certificate, "year": self.year, "load": self.load,
                "quarters": [q.to_dict() for q in self.quarters],
                "not_in_this_view": PENDING_TASKS_NOTE}


PENDING_TASKS_NOTE = ("tasks before the visit are sealed (抽查保密) and not in the work view: "
                      "`spotcheck draw tasks DRAW_ID --certificate CERT --why …` opens an officer's "
                      "own tasks, and the opening is recorded")


def _period_text(year: int | None, quarter: int | None) -> str:
    if year is None:
        return ""
    return f"{year}Q{quarter}" if quarter else str(year)


def _agencies(cur: Cursor) -> dict[str, WorkAgency]:
    cur.execute("SELECT agency_id, division_code, name, level FROM work_agencies")
    return {str(r[0]): WorkAgency(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in cur.fetchall()}


_INSPECTION_COLUMNS = (
    "i.inspection_id, i.draw_id, i.year, i.quarter, i.agency_id, i.unit, i.unit_name, i.officers,"
    " i.visited_on, i.filed_on, i.record_due, i.record_late, i.corrections, i.disclosed_on,"
    " i.result_due, i.result_late, i.disclosure_due, i.disclosure_note")


def _inspections(cur: Cursor, where: str, params: Iterable[Any],
                 agencies: dict[str, WorkAgency]) -> list[InspectionStatus]:
    cur.execute(f"SELECT {_INSPECTION_COLUMNS} FROM work_inspections i WHERE {where}", tuple(params))
    rows = cur.fetchall()
    ids = [str(r[0]) for r in rows]
    orders: dict[str, list[Order]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        cur.execute("SELECT inspection_id, n, description, due, rectified_on FROM work_orders"
                    f" WHERE inspection_id IN ({', '.join('?' for _ in chunk)})", chunk)
        for inspection_id, n, description, due, rectified_on in cur.fetchall():
            orders.setdefault(str(inspection_id), []).append(
                Order(int(n), str(description), str(due), _text(rectified_on)))
    found = []
    for r in rows:
        agency = agencies.get(str(r[4]))
        found.append(InspectionStatus(
            draw_id=str(r[1]), year=int(r[2]), quarter=int(r[3]),
            agency=agency.division_code if agency else str(r[4]), unit=str(r[5]),
            unit_name=str(r[6]), officers=tuple(json.loads(str(r[7]))), visited_on=_text(r[8]),
            filed_on=_text(r[9]), record_due=_text(r[10]), record_late=_int(r[11]),
            corrections=int(r[12]),
            orders=tuple(sorted(orders.get(str(r[0]), []), key=lambda o: o.n)),
            disclosed_on=_text(r[13]), result_due=_text(r[14]), result_late=_int(r[15]),
            disclosure_due=_text(r[16]), disclosure_note=str(r[17])))
    return sorted(found, key=lambda i: (i.year, i.quarter, i.draw_id, i.visited_on or "9999", i.unit))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _late_as_of(calendar: WorkingCalendar, due: str, today: date) -> tuple[int | None, str]:
    """Working days late as of ``today`` (0: not yet due), or None and the year the calendar lacks."""
    try:
        return calendar.working_days_late(date.fromisoformat(due), today), ""
    except CalendarNotAnnounced as exc:
        return None, f"{NOTE_CALENDAR}{exc.year}"


def agency_work(store: ProjectionStore, code: str, today: date, year: int | None = None,
                quarter: int | None = None) -> AgencyWork:
    """The work view of the agency with division code ``code`` as of ``today`` (one quarter, one
    year or everything)."""
    if quarter is not None and (year is None or quarter not in (1, 2, 3, 4)):
        raise WorkQueryError(f"--quarter: {quarter} is not a quarter (1-4) of a year")
    with store.read() as cur:
        agencies = _agencies(cur)
        agency = next((a for a in agencies.values() if a.division_code == code), None)
        if agency is None:
            raise WorkQueryError(f"--agency: no agency with division code {code} in the work view "
                                 "(established here? run `spotcheck project run`)")
        period_sql, period_params = "", []
        if year is not None:
            period_sql += " AND {t}year = ?"
            period_params.append(year)
        if quarter is not None:
            period_sql += " AND {t}quarter = ?"
            period_params.append(quarter)
        calendar = _calendar(cur, agency.agency_id)
        cur.execute(
            "SELECT draw_id, kind, period, status, fixed_on, drawn, opened, recorded,"
            " results_disclosed, list_disclosed_on, task_completed, year, quarter FROM work_draws"
            f" WHERE agency_id = ?{period_sql.format(t='')} ORDER BY year, quarter, draw_id",
            (agency.agency_id, *period_params))
        draw_rows = cur.fetchall()
        books: dict[tuple[int, int], tuple[str, Deadline | None, Deadline | None] | None] = {}
        for row in draw_rows:
            key = (int(row[11]), int(row[12]))
            if key not in books and key[0] > 0:
                books[key] = _rulebook(cur, agency.agency_id, Period(*key).first)
        inspections = _inspections(cur, f"i.agency_id = ?{period_sql.format(t='i.')}",
                                   (agency.agency_id, *period_params), agencies)
    draws = [_progress(row, books.get((int(row[11]), int(row[12]))), calendar) for row in draw_rows]
    work = AgencyWork(agency, today.isoformat(), year, quarter, draws, [], [], [], [])
    for i in inspections:
        if i.record_late:
            work.late.append(LateStep("record", i.draw_id, i.unit, i.unit_name, i.record_due or "",
                                      i.filed_on or "", i.record_late))
        if i.result_late:
            work.late.append(LateStep("result", i.draw_id, i.unit, i.unit_name, i.result_due or "",
                                      i.disclosed_on or "", i.result_late))
        if i.filed_on is None:
            work.inspections_without_record.append(i)
        elif i.disclosed_on is None:
            step = DueStep("disclosure", i.draw_id, i.unit, i.unit_name, i.disclosure_due,
                           i.disclosure_note)
            if i.disclosure_due is not None:
                late, note = _late_as_of(calendar, i.disclosure_due, today)
                step = DueStep("disclosure", i.draw_id, i.unit, i.unit_name, i.disclosure_due, note,
                               working_days_late=late)
            work.disclosures_due.append(step)
            if i.disclosure_due is not None and i.disclosure_due < today.isoformat():
                work.overdue.append(step)
        for order in i.open_orders:
            if order.due < today.isoformat():
                late, note = _late_as_of(calendar, order.due, today)
                work.orders_overdue.append(DueStep("order", i.draw_id, i.unit, i.unit_name, order.due,
                                                   note, order.description, late))
    for d in draws:
        if d.records_missing and d.status in ("fixed", "disclosed") and d.records_due_by is not None \
                and d.records_due_by < today.isoformat():
            late, note = _late_as_of(calendar, d.records_due_by, today)
            work.overdue.append(DueStep("records", d.draw_id, "", "", d.records_due_by, note,
                                        str(d.records_missing), late))
    work.late.sort(key=lambda s: (s.done_on, s.draw_id, s.unit, s.step))
    work.disclosures_due.sort(key=lambda s: (s.due or "9999", s.draw_id, s.unit))
    work.overdue.sort(key=lambda s: (s.due or "9999", s.step, s.draw_id, s.unit))
    work.orders_overdue.sort(key=lambda s: (s.due or "9999", s.draw_id, s.unit, s.detail))
    return work


def _progress(row: Any, book: tuple[str, Deadline | None, Deadline | None] | None,
              calendar: WorkingCalendar) -> DrawProgress:
    year, quarter = int(row[11]), int(row[12])
    due_by: date | None = None
    note = ""
    if str(row[1]) == "units" and year > 0:
        if book is None:
            note = NOTE_NO_RULEBOOK
        elif book[1] is None:
            note = NOTE_NO_DEADLINE
        else:
            due_by, note = _due(book[1], Period(year, quarter).last, calendar)
    return DrawProgress(
        draw_id=str(row[0]), kind=str(row[1]), period=str(row[2]), status=str(row[3]),
        fixed_on=_text(row[4]), drawn=int(row[5]), opened=int(row[6]), recorded=int(row[7]),
        results_disclosed=int(row[8]), list_disclosed_on=_text(row[9]), task_completed=_text(row[10]),
        records_due_by=None if due_by is None else due_by.isoformat(), note=note)


def officer_work(store: ProjectionStore, certificate: str, year: int | None = None) -> OfficerWork:
    """The inspections where the officer with ``certificate`` was present (from the filed records),
    per agency and quarter, with each one's record and disclosure status and the quarter's load."""
    certificate = certificate.strip()
    if not certificate:
        raise WorkQueryError("--certificate: the officer's certificate number")
    with store.read() as cur:
        agencies = _agencies(cur)
        query = ("SELECT agency_id, year, quarter, inspections FROM work_officer_load"
                 " WHERE certificate = ?")
        params: list[Any] = [certificate]
        if year is not None:
            query += " AND year = ?"
            params.append(year)
        cur.execute(query, params)
        loads = cur.fetchall()
        where = ("i.inspection_id IN (SELECT inspection_id FROM work_officer_visits"
                 " WHERE certificate = ?)")
        inspections = _inspections(cur, where + (" AND i.year = ?" if year is not None else ""),
                                   params, agencies)
    quarters = []
    for agency_id, y, q, load in sorted(loads, key=lambda r: (int(r[1]), int(r[2]), str(r[0]))):
        agency = agencies.get(str(agency_id), WorkAgency(str(agency_id), str(agency_id), "", ""))
        quarters.append(OfficerQuarter(agency, int(y), int(q), int(load), [
            i for i in inspections
            if (i.agency, i.year, i.quarter) == (agency.division_code, int(y), int(q))]))
    return OfficerWork(certificate, year, quarters)
