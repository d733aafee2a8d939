"""The quota and compliance table (抽查任务完成情况): per agency × quarter × category, the population,
what the plan requires, what was drawn and what was inspected, with the ratio and the shortfall.

Built only from events (see :mod:`projections.runner`); every figure is an integer:

``population``  the units the quarter's draw could choose from: the freeze's stratum population
                (``PopulationFrozen.strata``; 0 for a category with no eligible unit) once the
                quarter's units draw is frozen (``population_source = 'freeze'``), before that the
                directory's current count of units in that category that are still in the
                directory, i.e. not closed nor relocated (``'directory'``).
``required``    the quarter's quota (家次) in the latest annual plan filed for the year
                (``AnnualPlanFiled``, ``required_source = 'plan'``); without a plan, the requirement
                the freeze recorded (``'freeze'``); otherwise 0 (``'none'``).
``drawn``       units selected in that stratum (``UnitsDrawn.selected``).
``inspected``   unit-visits (家次) with a record filed: one per unit and draw (``RecordFiled``;
                a correction is not a new visit, an inspection counts once), in the category of the
                stratum the unit was drawn from.
``ratio_bp``    ``inspected × 10000 // population`` (basis points, floored; 0 when population is 0).
``shortfall``   ``max(0, required − inspected)``.

``quota_years``: per agency × year × category the year as the plan sets it (``AnnualPlanFiled``):
its ``basis`` (``officer_ratio`` for general units: 执法人员 × 比例, e.g. 14 officers at 1:10 is
140 unit-visits; ``share_per_quarter``; ``none``), ``officers``, the ``rule_figure`` the basis asks,
the ``required`` sum of the quarters' quotas, the year's ``inspected`` (every record filed that year,
in its stratum's category) and ``shortfall = max(0, required − inspected)``.

Helper tables (part of the projection, dropped with it): ``agencies`` (from
``Agency.Established``: the hierarchy for the roll-ups), ``quota_units`` (each unit's agency,
category and whether it is still in the directory), ``quota_directory`` (the counts),
``quota_draws`` and ``quota_draw_units`` (each draw's agency, quarter and frozen population by
stratum), ``quota_inspections`` (each inspection's row and whether its record was counted).

Roll-ups to the prefecture and the province are a query over the table (:func:`quota_report`):
sums over the agency and every agency below it; the roll-up's shortfall is the sum of the rows'
shortfalls (one county's surplus does not make up for another's gap) and its ratio is recomputed
from the summed figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ledger.errors import InvalidInput
from ledger.log.store import Cursor
from projections.handlers import EventHandlers, agency_table, insert_agency
from projections.runner import ProjectionStore
from verify.draw_files import parse_population
from verify.period import Period

CATEGORIES = ("key", "general", "special")
STRATUM_OF = {"key": "KEY", "general": "GEN", "special": "SPC"}
CATEGORY_OF = {stratum: category for category, stratum in STRATUM_OF.items()}
QUARTERS = (1, 2, 3, 4)
FULL_BP = 10_000

T_AGENCY = "ledger.agency:Agency."
T_OBJECT = "ledger.directory:InspectionObject."
T_DRAW = "ledger.draw:Draw."
T_INSPECTION = "ledger.inspection:Inspection."

COLUMNS = ("population", "required", "drawn", "inspected", "ratio_bp", "shortfall")


class QuotaQueryError(InvalidInput):
    """A quota query that cannot be answered; the message names the option."""


@dataclass(frozen=True)
class Ratio:
    """A ratio of two counts (抽查比例): ``inspected ÷ population``. In a spreadsheet it is a number
    formatted as a percentage; as text it is the percentage rounded half up to two decimals,
    computed in integers (17/32 = 53.125 % → ``53.13%``); with nothing to inspect, ``—``."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def __str__(self) -> str:
        if not self.denominator:
            return "—"
        hundredths = (self.numerator * 20000 + self.denominator) // (2 * self.denominator)
        return f"{hundredths // 100}.{hundredths % 100:02d}%"



def ratio_bp(inspected: int, population: int) -> int:
    """``inspected / population`` in basis points, floored (0 for an empty population)."""
    return inspected * FULL_BP // population if population > 0 else 0


def shortfall(required: int, inspected: int) -> int:
    return max(0, required - inspected)


class QuotaProjection(EventHandlers):
    """The ``quota_quarters`` table and its helpers."""

    name = "quotas"
    version = 2
    tables: tuple[str, ...] = ("quota_quarters", "quota_years", "agencies", "quota_units",
                               "quota_directory", "quota_draws", "quota_draw_units",
                               "quota_inspections")
    schema: tuple[str, ...] = (
        "CREATE TABLE IF NOT EXISTS quota_quarters (agency_id TEXT NOT NULL, year INTEGER NOT NULL,"
        " quarter INTEGER NOT NULL, category TEXT NOT NULL, population BIGINT NOT NULL,"
        " population_source TEXT NOT NULL, required BIGINT NOT NULL, required_source TEXT NOT NULL,"
        " drawn BIGINT NOT NULL, inspected BIGINT NOT NULL, ratio_bp BIGINT NOT NULL,"
        " shortfall BIGINT NOT NULL, draw_id TEXT NOT NULL,"
        " PRIMARY KEY (agency_id, year, quarter, category))",
        "CREATE TABLE IF NOT EXISTS quota_years (agency_id TEXT NOT NULL, year INTEGER NOT NULL,"
        " category TEXT NOT NULL, basis TEXT NOT NULL, officers BIGINT NOT NULL,"
        " rule_figure BIGINT NOT NULL, required BIGINT NOT NULL, inspected BIGINT NOT NULL,"
        " shortfall BIGINT NOT NULL, PRIMARY KEY (agency_id, year, category))",
        agency_table("agencies"),
        "CREATE TABLE IF NOT EXISTS quota_units (unit_id TEXT PRIMARY KEY, agency_id TEXT NOT NULL,"
        " credit_code TEXT NOT NULL, category TEXT NOT NULL, category_before_special TEXT,"
        " in_directory INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS quota_directory (agency_id TEXT NOT NULL,"
        " category TEXT NOT NULL, units BIGINT NOT NULL, PRIMARY KEY (agency_id, category))",
        "CREATE TABLE IF NOT EXISTS quota_draws (draw_uuid TEXT PRIMARY KEY,"
        " draw_id TEXT NOT NULL UNIQUE, agency_id TEXT NOT NULL, kind TEXT NOT NULL,"
        " year INTEGER NOT NULL, quarter INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS quota_draw_units (draw_id TEXT NOT NULL, unit TEXT NOT NULL,"
        " stratum TEXT NOT NULL, PRIMARY KEY (draw_id, unit))",
        "CREATE TABLE IF NOT EXISTS quota_inspections (inspection_id TEXT PRIMARY KEY,"
        " agency_id TEXT NOT NULL, year INTEGER NOT NULL, quarter INTEGER NOT NULL,"
        " category TEXT NOT NULL, counted INTEGER NOT NULL)",
    )
    topics = frozenset({
        T_AGENCY + "Established", T_AGENCY + "AnnualPlanFiled",
        T_OBJECT + "Registered", T_OBJECT + "Reclassified",
        T_OBJECT + "SpecialSupervisionMarked", T_OBJECT + "SpecialSupervisionLifted",
        T_OBJECT + "Closed", T_OBJECT + "Relocated",
        T_DRAW + "PopulationFrozen", T_DRAW + "UnitsDrawn",
        T_INSPECTION + "Opened", T_INSPECTION + "RecordFiled",
    })

    def __init__(self) -> None:
        # (agency, category) pairs whose directory count changed in this batch: their rows that
        # still take the directory's count are refreshed once, in ``flush``.
        self._recount: set[tuple[str, str]] = set()
        # Directory count changes not yet written: added up in memory while only directory events
        # come, written (one upsert per agency and category) before anything reads the counts.
        self._deltas: dict[tuple[str, str], int] = {}

    def begin(self) -> None:
        """A new batch: forget whatever a batch rolled back left pending."""
        self._deltas.clear()
        self._recount.clear()

    def flush(self, cursor: Cursor) -> None:
        """Write the pending directory counts, then refresh the population and ratio of the rows
        whose count changed (idempotent: a recount reads the stored count)."""
        self._settle(cursor)
        for agency, category in sorted(self._recount):
            _refresh_directory_rows(cursor, agency, category)
        self._recount.clear()

    def _settle(self, cur: Cursor) -> None:
        if self._deltas:
            cur.executemany(
                "INSERT INTO quota_directory (agency_id, category, units) VALUES (?, ?, ?)"
                " ON CONFLICT (agency_id, category) DO UPDATE SET units = quota_directory.units + ?",
                [(agency, category, delta, delta)
                 for (agency, category), delta in sorted(self._deltas.items())],
            )
            self._deltas.clear()

    def apply(self, cursor: Cursor, event: Any) -> None:
        if type(event).__qualname__.split(".")[0] != "InspectionObject":
            self._settle(cursor)  # what follows may read the directory counts
        super().apply(cursor, event)

    # -- agencies and plans -----------------------------------------------------------------------
    def _on_Agency_Established(self, cur: Cursor, e: Any) -> None:
        insert_agency(cur, "agencies", e)

    def _on_Agency_AnnualPlanFiled(self, cur: Cursor, e: Any) -> None:
        agency = str(e.originator_id)
        year = int(e.year)
        quotas = {(int(q["quarter"]), str(q["category"])): int(q["required"])
                  for q in e.plan.get("quotas", [])}
        for quarter in QUARTERS:
            for category in CATEGORIES:
                key = (agency, year, quarter, category)
                _ensure_row(cur, key)
                cur.execute(
                    "UPDATE quota_quarters SET required = ?, required_source = 'plan'"
                    f" WHERE {_KEY}", (quotas.get((quarter, category), 0), *key),
                )
                _derive(cur, key)
        officers = int(e.plan.get("officers", 0))
        for entry in e.plan.get("categories", []):
            year_key = (agency, year, str(entry["category"]))
            _ensure_year_row(cur, year_key)
            cur.execute(
                "UPDATE quota_years SET basis = ?, officers = ?, rule_figure = ?, required = ?"
                f" WHERE {_YEAR_KEY}",
                (str(entry["basis"]), officers, int(entry["rule_figure"]), int(entry["required"]),
                 *year_key),
            )
            _derive_year(cur, year_key)

    # -- the directory ------------------------------------------------------------------------------
    def _on_InspectionObject_Registered(self, cur: Cursor, e: Any) -> None:
        cur.execute(
            "INSERT INTO quota_units (unit_id, agency_id, credit_code, category,"
            " category_before_special, in_directory) VALUES (?, ?, ?, ?, NULL, 1)",
            (str(e.originator_id), e.agency_id, e.credit_code, e.category),
        )
        self._count(cur, e.agency_id, e.category, +1)

    def _on_InspectionObject_Reclassified(self, cur: Cursor, e: Any) -> None:
        self._recategorise(cur, str(e.originator_id), lambda unit: (e.category, unit[3]))

    def _on_InspectionObject_SpecialSupervisionMarked(self, cur: Cursor, e: Any) -> None:
        self._recategorise(cur, str(e.originator_id), lambda unit: (
            "special", unit[3] if unit[2] == "special" else unit[2]))

    def _on_InspectionObject_SpecialSupervisionLifted(self, cur: Cursor, e: Any) -> None:
        self._recategorise(cur, str(e.originator_id), lambda unit: (unit[3] or "general", None))

    def _on_InspectionObject_Closed(self, cur: Cursor, e: Any) -> None:
        self._leave(cur, str(e.originator_id))

    def _on_InspectionObject_Relocated(self, cur: Cursor, e: Any) -> None:
        self._leave(cur, str(e.originator_id))

    def _count(self, cur: Cursor, agency: str, category: str, delta: int) -> None:
        """Change the directory count of (agency, category): written before the next read of the
        counts or at the end of the batch, with the rows that take it."""
        self._deltas[(agency, category)] = self._deltas.get((agency, category), 0) + delta
        self._recount.add((agency, category))

    @staticmethod
    def _unit(cur: Cursor, unit_id: str) -> tuple[str, int, str, str | None] | None:
        cur.execute("SELECT agency_id, in_directory, category, category_before_special"
                    " FROM quota_units WHERE unit_id = ?", (unit_id,))
        row = cur.fetchone()
        return None if row is None else (str(row[0]), int(row[1]), str(row[2]), row[3])

    def _recategorise(self, cur: Cursor, unit_id: str, change: Any) -> None:
        unit = self._unit(cur, unit_id)
        if unit is None:
            return
        agency, in_directory, old, _ = unit
        new, before = change(unit)
        cur.execute("UPDATE quota_units SET category = ?, category_before_special = ?"
                    " WHERE unit_id = ?", (new, before, unit_id))
        if in_directory and new != old:
            self._count(cur, agency, old, -1)
            self._count(cur, agency, new, +1)

    def _leave(self, cur: Cursor, unit_id: str) -> None:
        unit = self._unit(cur, unit_id)
        if unit is None or not unit[1]:
            return
        cur.execute("UPDATE quota_units SET in_directory = 0 WHERE unit_id = ?", (unit_id,))
        self._count(cur, unit[0], unit[2], -1)

    # -- draws --------------------------------------------------------------------------------------
    def _on_Draw_PopulationFrozen(self, cur: Cursor, e: Any) -> None:
        period = Period.parse_or_none(str(e.period))
        if period is None:
            return
        year, quarter = period
        cur.execute(
            "INSERT INTO quota_draws (draw_uuid, draw_id, agency_id, kind, year, quarter)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (str(e.originator_id), e.draw_id, e.agency_id, e.kind, year, quarter),
        )
        if e.kind != "units":
            return
        content = str(e.files.get("population", {}).get("content", ""))
        if content:
            cur.executemany(
                "INSERT INTO quota_draw_units (draw_id, unit, stratum) VALUES (?, ?, ?)",
                [(e.draw_id, u.id, u.stratum) for u in parse_population(content.encode("utf-8"))],
            )
        for category in CATEGORIES:
            stratum = e.strata.get(STRATUM_OF[category], {})
            key = (e.agency_id, year, quarter, category)
            _ensure_row(cur, key)
            cur.execute(
                "UPDATE quota_quarters SET population = ?, population_source = 'freeze',"
                f" draw_id = ? WHERE {_KEY}",
                (int(stratum.get("population", 0)), e.draw_id, *key),
            )
            cur.execute(
                "UPDATE quota_quarters SET required = ?, required_source = 'freeze'"
                f" WHERE {_KEY} AND required_source <> 'plan'",
                (int(stratum.get("required", 0)), *key),
            )
            _derive(cur, key)

    def _on_Draw_UnitsDrawn(self, cur: Cursor, e: Any) -> None:
        draw = _draw(cur, "draw_uuid", str(e.originator_id))
        if draw is None or draw[1] != "units":
            return
        agency, _, year, quarter, _ = draw
        for category in CATEGORIES:
            key = (agency, year, quarter, category)
            _ensure_row(cur, key)
            cur.execute(f"UPDATE quota_quarters SET drawn = ? WHERE {_KEY}",
                        (int(e.selected.get(STRATUM_OF[category], 0)), *key))

    # -- inspections --------------------------------------------------------------------------------
    def _on_Inspection_Opened(self, cur: Cursor, e: Any) -> None:
        draw = _draw(cur, "draw_id", str(e.draw_id))
        if draw is None or draw[1] != "units":
            return
        agency, _, year, quarter, draw_id = draw
        cur.execute("SELECT stratum FROM quota_draw_units WHERE draw_id = ? AND unit = ?",
                    (draw_id, e.unit))
        row = cur.fetchone()
        category = CATEGORY_OF.get(str(row[0])) if row is not None else None
        if category is None:  # not in the frozen population: the unit's directory category
            cur.execute("SELECT category FROM quota_units WHERE agency_id = ? AND credit_code = ?",
                        (agency, e.unit))
            found = cur.fetchone()
            category = str(found[0]) if found is not None else "general"
        cur.execute(
            "INSERT INTO quota_inspections (inspection_id, agency_id, year, quarter, category,"
            " counted) VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (inspection_id) DO NOTHING",
            (str(e.originator_id), agency, year, quarter, category),
        )

    def _on_Inspection_RecordFiled(self, cur: Cursor, e: Any) -> None:
        cur.execute("SELECT agency_id, year, quarter, category FROM quota_inspections"
                    " WHERE inspection_id = ? AND counted = 0", (str(e.originator_id),))
        row = cur.fetchone()
        if row is None:
            return
        key = (str(row[0]), int(row[1]), int(row[2]), str(row[3]))
        cur.execute("UPDATE quota_inspections SET counted = 1 WHERE inspection_id = ?",
                    (str(e.originator_id),))
        _ensure_row(cur, key)
        cur.execute(f"UPDATE quota_quarters SET inspected = inspected + 1 WHERE {_KEY}", key)
        _derive(cur, key)
        year_key = (key[0], key[1], key[3])
        _ensure_year_row(cur, year_key)
        cur.execute(f"UPDATE quota_years SET inspected = inspected + 1 WHERE {_YEAR_KEY}", year_key)
        _derive_year(cur, year_key)


_KEY = "agency_id = ? AND year = ? AND quarter = ? AND category = ?"
_YEAR_KEY = "agency_id = ? AND year = ? AND category = ?"
Key = tuple[str, int, int, str]
YearKey = tuple[str, int, str]


def _ensure_year_row(cur: Cursor, key: YearKey) -> None:
    """The year row of ``key`` (no plan yet: basis ``none``, nothing required)."""
    cur.execute(
        "INSERT INTO quota_years (agency_id, year, category, basis, officers, rule_figure, required,"
        " inspected, shortfall) VALUES (?, ?, ?, 'none', 0, 0, 0, 0, 0)"
        " ON CONFLICT (agency_id, year, category) DO NOTHING", key,
    )


def _derive_year(cur: Cursor, key: YearKey) -> None:
    cur.execute(
        "UPDATE quota_years SET shortfall = CASE WHEN required > inspected THEN required - inspected"
        f" ELSE 0 END WHERE {_YEAR_KEY}", key,
    )


def _ensure_row(cur: Cursor, key: Key) -> None:
    """The row of ``key``, created with the directory's count as its population."""
    cur.execute("SELECT units FROM quota_directory WHERE agency_id = ? AND category = ?",
                (key[0], key[3]))
    row = cur.fetchone()
    population = int(row[0]) if row is not None else 0
    cur.execute(
        "INSERT INTO quota_quarters (agency_id, year, quarter, category, population,"
        " population_source, required, required_source, drawn, inspected, ratio_bp, shortfall,"
        " draw_id) VALUES (?, ?, ?, ?, ?, 'directory', 0, 'none', 0, 0, 0, 0, '')"
        " ON CONFLICT (agency_id, year, quarter, category) DO NOTHING",
        (*key, population),
    )


def _derive(cur: Cursor, key: Key) -> None:
    """Recompute the ratio and the shortfall of one row (integer SQL on both databases)."""
    cur.execute(
        "UPDATE quota_quarters SET"
        " ratio_bp = CASE WHEN population > 0 THEN inspected * 10000 / population ELSE 0 END,"
        " shortfall = CASE WHEN required > inspected THEN required - inspected ELSE 0 END"
        f" WHERE {_KEY}", key,
    )


def _refresh_directory_rows(cur: Cursor, agency: str, category: str) -> None:
    """The rows of (agency, category) that still take the directory's count: population and ratio."""
    cur.execute(
        "UPDATE quota_quarters SET population = (SELECT units FROM quota_directory"
        " WHERE quota_directory.agency_id = quota_quarters.agency_id"
        " AND quota_directory.category = quota_quarters.category)"
        " WHERE agency_id = ? AND category = ? AND population_source = 'directory'",
        (agency, category),
    )
    cur.execute(
        "UPDATE quota_quarters SET"
        " ratio_bp = CASE WHEN population > 0 THEN inspected * 10000 / population ELSE 0 END"
        " WHERE agency_id = ? AND category = ? AND population_source = 'directory'",
        (agency, category),
    )


def _draw(cur: Cursor, column: str, value: str) -> tuple[str, str, int, int, str] | None:
    cur.execute(f"SELECT agency_id, kind, year, quarter, draw_id FROM quota_draws"
                f" WHERE {column} = ?", (value,))
    row = cur.fetchone()
    return None if row is None else (str(row[0]), str(row[1]), int(row[2]), int(row[3]),
                                     str(row[4]))


# -- reading ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Agency:
    agency_id: str
    division_code: str
    name: str
    level: str
    parent_id: str


@dataclass
class QuotaRow:
    quarter: int
    category: str
    population: int = 0
    required: int = 0
    drawn: int = 0
    inspected: int = 0
    ratio_bp: int = 0
    shortfall: int = 0
    population_source: str = ""
    required_source: str = ""
    draw_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v != "" or k in ("quarter", "category")}


@dataclass
class YearRow:
    """One category's year (全年): what the plan's basis asks — for general units the officers ×
    ratio (``basis = 'officer_ratio'``, ``rule_figure``) — what the quarters require in all, and
    the unit-visits recorded."""

    category: str
    basis: str = "none"
    officers: int = 0
    rule_figure: int = 0
    required: int = 0
    inspected: int = 0
    shortfall: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class QuotaReport:
    """One agency's rows for a year, and the roll-up over it and every agency below it."""

    agency: Agency
    year: int
    rows: list[QuotaRow]
    below: list[Agency] = field(default_factory=list)
    rollup: list[QuotaRow] = field(default_factory=list)
    year_rows: list[YearRow] = field(default_factory=list)
    year_rollup: list[YearRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "agency": self.agency.division_code, "name": self.agency.name,
            "level": self.agency.level, "year": self.year,
            "rows": [r.to_dict() for r in self.rows],
            "year_rows": [r.to_dict() for r in self.year_rows],
        }
        if self.below:
            out["rollup"] = {
                "agencies": [a.division_code for a in self.below],
                "rows": [r.to_dict() for r in self.rollup],
                "year_rows": [r.to_dict() for r in self.year_rollup],
            }
        return out


def _agencies(cur: Cursor) -> list[Agency]:
    cur.execute("SELECT agency_id, division_code, name, level, parent_id FROM agencies")
    return [Agency(*(str(v) for v in row)) for row in cur.fetchall()]


def descendants(agencies: Iterable[Agency], root: str) -> list[Agency]:
    """Every agency below ``root`` (an agency id), by division code."""
    children: dict[str, list[Agency]] = {}
    for a in agencies:
        children.setdefault(a.parent_id, []).append(a)
    found: list[Agency] = []
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child.agency_id)
    return sorted(found, key=lambda a: a.division_code)


def quota_report(store: ProjectionStore, code: str, year: int, quarter: int | None = None
                 ) -> QuotaReport:
    """The quota rows of the agency with division code ``code`` for ``year`` (one quarter or all),
    with the roll-up over it and the agencies below it when there are any."""
    if quarter is not None and quarter not in QUARTERS:
        raise QuotaQueryError(f"--quarter: {quarter} is not a quarter (1-4)")
    with store.read() as cur:
        agencies = _agencies(cur)
        agency = next((a for a in agencies if a.division_code == code), None)
        if agency is None:
            raise QuotaQueryError(
                f"--agency: no agency with division code {code} in the quota table "
                "(established here? run `spotcheck project run`)"
            )
        below = descendants(agencies, agency.agency_id)
        ids = [agency.agency_id, *(a.agency_id for a in below)]
        marks = ", ".join("?" for _ in ids)
        query = (
            "SELECT agency_id, quarter, category, population, required, drawn, inspected, ratio_bp,"
            " shortfall, population_source, required_source, draw_id FROM quota_quarters"
            f" WHERE year = ? AND agency_id IN ({marks})"
        )
        params: list[Any] = [year, *ids]
        if quarter is not None:
            query += " AND quarter = ?"
            params.append(quarter)
        cur.execute(query, params)
        fetched = cur.fetchall()
        cur.execute("SELECT agency_id, category, basis, officers, rule_figure, required, inspected,"
                    f" shortfall FROM quota_years WHERE year = ? AND agency_id IN ({marks})",
                    [year, *ids])
        year_rows, year_rollup = _year_rows(agency.agency_id, cur.fetchall())
    order = {c: n for n, c in enumerate(CATEGORIES)}
    own: list[QuotaRow] = []
    totals: dict[tuple[int, str], QuotaRow] = {}
    for (agency_id, q, category, population, required, drawn, inspected, ratio, short,
         population_source, required_source, draw_id) in fetched:
        numbers = [int(v) for v in (population, required, drawn, inspected, ratio, short)]
        if agency_id == agency.agency_id:
            own.append(QuotaRow(
                int(q), str(category), population=numbers[0], required=numbers[1],
                drawn=numbers[2], inspected=numbers[3], ratio_bp=numbers[4], shortfall=numbers[5],
                population_source=str(population_source), required_source=str(required_source),
                draw_id=str(draw_id)))
        total = totals.setdefault((int(q), str(category)), QuotaRow(int(q), str(category)))
        total.population += numbers[0]
        total.required += numbers[1]
        total.drawn += numbers[2]
        total.inspected += numbers[3]
        total.shortfall += numbers[5]
    for total in totals.values():
        total.ratio_bp = ratio_bp(total.inspected, total.population)

    def sort_key(r: QuotaRow) -> tuple[int, int]:
        return r.quarter, order.get(r.category, 9)

    return QuotaReport(agency, year, sorted(own, key=sort_key), below,
                       sorted(totals.values(), key=sort_key) if below else [],
                       year_rows, year_rollup if below else [])


def _year_rows(agency_id: str, fetched: list[Any]) -> tuple[list[YearRow], list[YearRow]]:
    """The agency's own year rows and the sums over it and the agencies below (the roll-up's
    basis is the agency's own when all agree, else ``mixed``; shortfalls are summed)."""
    own: dict[str, YearRow] = {}
    totals: dict[str, YearRow] = {}
    for row_agency, category, basis, officers, rule_figure, required, inspected, short in fetched:
        numbers = [int(v) for v in (officers, rule_figure, required, inspected, short)]
        if row_agency == agency_id:
            own[str(category)] = YearRow(str(category), str(basis), *numbers)
        total = totals.setdefault(str(category), YearRow(str(category), str(basis)))
        if total.basis != str(basis):
            total.basis = "mixed"
        total.officers += numbers[0]
        total.rule_figure += numbers[1]
        total.required += numbers[2]
        total.inspected += numbers[3]
        total.shortfall += numbers[4]
    order = [c for c in CATEGORIES if c in own], [c for c in CATEGORIES if c in totals]
    return [own[c] for c in order[0]], [totals[c] for c in order[1]]
