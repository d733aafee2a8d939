"""The public view (一公开): everything disclosed and nothing else, kept as tables and searchable.

What an agency has made public, by section (as :mod:`projections.public_view` presents it):

``items``        抽查事项清单 — the inspection items of each rulebook adopted (``RulebookAdopted``);
``plan``         抽查计划 — the latest annual plan of each year (``AnnualPlanFiled``) and the year's
                 published list of units under random supervision (``YearListPublished``);
``fixed_lists``  that a draw's list was fixed, when, and its hash (``ListFixed``) — nothing else of a
                 sealed draw;
``tasks``        抽查任务公告 — a draw's units and teams once its key is disclosed (``Draw.Disclosed``):
                 the projection opens the sealed parts with the *published* key and re-runs the
                 draw (:func:`ledger.services.ceremony.open_draw`), exactly as any citizen could;
``results``      抽查结果公告 — each result as published (``Inspection.ResultDisclosed``: already
                 masked, withheld fields replaced, when it was disclosed).

Secrecy: the only sealed content the projection ever opens is that of a disclosed draw, with the
key the ``Disclosed`` event itself carries; before that a draw contributes only its fixing. Helper
tables (``public_units``: unit names for the task notices, ``public_visits``: each inspection's
draw and unit) are never read on their own by the queries, only joined to what is disclosed.

Determinism: ``apply`` reads only the projection's own rows, the event, and — for a disclosed draw —
the draw aggregate *at the version of the* ``Disclosed`` *event* (an immutable prefix of its
history), so a rebuild gives the same rows as the incremental run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.domain.masking import Masker
from ledger.errors import InvalidInput
from ledger.log.store import Cursor
from projections.handlers import EventHandlers, agency_table, insert_agency
from projections.quotas import T_AGENCY, T_DRAW, T_INSPECTION, T_OBJECT
from projections.runner import ProjectionStore
from verify.period import Period

#: Opens a disclosed draw: (draw aggregate id, version of its Disclosed event, key hex) → the teams
#: as amended, in list order.
DrawOpener = Callable[[UUID, int, str], dict[str, tuple[str, ...]]]


#: The natural persons a unit's directory entry names (masked wherever the unit's name is shown).
PEOPLE_FIELDS = ("legal_representative", "contact")


class PublicQueryError(InvalidInput):
    """A public query that cannot be answered; the message names the option."""


class PublicProjection(EventHandlers):
    """The ``public_*`` tables."""

    name = "public"
    version = 3  # 3: the rulebook's name and title beside its items (the plan notice shows the title)
    tables: tuple[str, ...] = (
        "public_agencies", "public_rulebooks", "public_plans", "public_year_lists", "public_units",
        "public_draws", "public_tasks", "public_visits", "public_results",
    )
    schema: tuple[str, ...] = (
        agency_table("public_agencies"),
        "CREATE TABLE IF NOT EXISTS public_rulebooks (agency_id TEXT NOT NULL, seq INTEGER NOT NULL,"
        " adopted_from TEXT NOT NULL, items TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',"
        " title TEXT NOT NULL DEFAULT '', PRIMARY KEY (agency_id, seq))",
        "CREATE TABLE IF NOT EXISTS public_plans (agency_id TEXT NOT NULL, year INTEGER NOT NULL,"
        " plan TEXT NOT NULL, PRIMARY KEY (agency_id, year))",
        "CREATE TABLE IF NOT EXISTS public_year_lists (agency_id TEXT NOT NULL,"
        " year INTEGER NOT NULL, units TEXT NOT NULL, PRIMARY KEY (agency_id, year))",
        "CREATE TABLE IF NOT EXISTS public_units (unit_id TEXT PRIMARY KEY, agency_id TEXT NOT NULL,"
        " credit_code TEXT NOT NULL, name TEXT NOT NULL, legal_representative TEXT NOT NULL,"
        " contact TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS public_units_code ON public_units (agency_id, credit_code)",
        "CREATE TABLE IF NOT EXISTS public_draws (draw_uuid TEXT PRIMARY KEY,"
        " draw_id TEXT NOT NULL UNIQUE, agency_id TEXT NOT NULL, kind TEXT NOT NULL,"
        " period TEXT NOT NULL, year INTEGER NOT NULL, quarter INTEGER NOT NULL,"
        " fixed_on TEXT NOT NULL, list_hash TEXT NOT NULL, disclosed_on TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS public_tasks (draw_id TEXT NOT NULL, position INTEGER NOT NULL,"
        " credit_code TEXT NOT NULL, unit_name TEXT NOT NULL, officers TEXT NOT NULL,"
        " PRIMARY KEY (draw_id, position))",
        "CREATE INDEX IF NOT EXISTS public_tasks_code ON public_tasks (credit_code)",
        "CREATE TABLE IF NOT EXISTS public_visits (inspection_id TEXT PRIMARY KEY,"
        " agency_id TEXT NOT NULL, draw_id TEXT NOT NULL, unit TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS public_results (inspection_id TEXT PRIMARY KEY,"
        " agency_id TEXT NOT NULL, draw_id TEXT NOT NULL, year INTEGER NOT NULL,"
        " quarter INTEGER NOT NULL, credit_code TEXT NOT NULL, unit_name TEXT NOT NULL,"
        " disclosed_on TEXT NOT NULL, result TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS public_results_code ON public_results (credit_code)",
    )
    topics = frozenset({
        T_AGENCY + "Established", T_AGENCY + "RulebookAdopted", T_AGENCY + "AnnualPlanFiled",
        T_AGENCY + "YearListPublished",
        T_OBJECT + "Registered", T_OBJECT + "DetailsUpdated",
        T_DRAW + "PopulationFrozen", T_DRAW + "ListFixed", T_DRAW + "Disclosed",
        T_INSPECTION + "Opened", T_INSPECTION + "ResultDisclosed",
    })

    def __init__(self, open_disclosed: DrawOpener) -> None:
        self._open_disclosed = open_disclosed

    # -- agencies -----------------------------------------------------------------------------------
    def _on_Agency_Established(self, cur: Cursor, e: Any) -> None:
        insert_agency(cur, "public_agencies", e)

    def _on_Agency_RulebookAdopted(self, cur: Cursor, e: Any) -> None:
        agency = str(e.originator_id)
        items = [{"item": str(i["item"]), "legal_basis": str(i["legal_basis"]),
                  "content": str(i["content"])} for i in e.rulebook.get("inspection_items", [])]
        cur.execute("SELECT COUNT(*) FROM public_rulebooks WHERE agency_id = ?", (agency,))
        seq = int(cur.fetchone()[0])
        source = e.rulebook.get("source") or {}
        cur.execute("INSERT INTO public_rulebooks (agency_id, seq, adopted_from, items, name, title)"
                    " VALUES (?, ?, ?, ?, ?, ?)", (agency, seq, str(e.rulebook["adopted_from"]),
                                                   _json(items), str(e.rulebook.get("name", "")),
                                                   str(source.get("title", ""))))

    def _on_Agency_AnnualPlanFiled(self, cur: Cursor, e: Any) -> None:
        plan = {"rulebook": e.plan.get("rulebook", ""),
                "quotas": [{"quarter": q["quarter"], "category": q["category"],
                            "required": q["required"]} for q in e.plan.get("quotas", [])]}
        _upsert(cur, "public_plans", "plan", str(e.originator_id), int(e.year), plan)

    def _on_Agency_YearListPublished(self, cur: Cursor, e: Any) -> None:
        _upsert(cur, "public_year_lists", "units", str(e.originator_id), int(e.year), list(e.units))

    # -- unit names ---------------------------------------------------------------------------------
    def _on_InspectionObject_Registered(self, cur: Cursor, e: Any) -> None:
        cur.execute("INSERT INTO public_units (unit_id, agency_id, credit_code, name,"
                    " legal_representative, contact) VALUES (?, ?, ?, ?, ?, ?)",
                    (str(e.originator_id), e.agency_id, e.credit_code, e.name,
                     *(str(e.details.get(k, "")) for k in PEOPLE_FIELDS)))

    def _on_InspectionObject_DetailsUpdated(self, cur: Cursor, e: Any) -> None:
        """Only the name and the persons matter here; written without reading (one statement)."""
        changed = [k for k in ("name", *PEOPLE_FIELDS) if k in e.changes]
        if changed:
            cur.execute(f"UPDATE public_units SET {', '.join(f'{k} = ?' for k in changed)}"
                        " WHERE unit_id = ?",
                        (*(str(e.changes[k]) for k in changed), str(e.originator_id)))

    # -- draws ----------------------------------------------------------------------------------------
    def _on_Draw_PopulationFrozen(self, cur: Cursor, e: Any) -> None:
        year, quarter = Period.parse_or_none(str(e.period)) or (0, 0)
        cur.execute(
            "INSERT INTO public_draws (draw_uuid, draw_id, agency_id, kind, period, year, quarter,"
            " fixed_on, list_hash, disclosed_on) VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '')",
            (str(e.originator_id), e.draw_id, e.agency_id, e.kind, e.period, year, quarter),
        )

    def _on_Draw_ListFixed(self, cur: Cursor, e: Any) -> None:
        cur.execute("UPDATE public_draws SET fixed_on = ?, list_hash = ? WHERE draw_uuid = ?",
                    (e.fixed_on, e.list_hash, str(e.originator_id)))

    def _on_Draw_Disclosed(self, cur: Cursor, e: Any) -> None:
        cur.execute("SELECT draw_id, agency_id FROM public_draws WHERE draw_uuid = ?",
                    (str(e.originator_id),))
        row = cur.fetchone()
        if row is None:
            return
        draw_id, agency = str(row[0]), str(row[1])
        cur.execute("UPDATE public_draws SET disclosed_on = ? WHERE draw_uuid = ?",
                    (e.disclosed_on, str(e.originator_id)))
        teams = self._open_disclosed(e.originator_id, int(e.originator_version), str(e.key))
        names = _unit_names(cur, agency, list(teams))
        cur.executemany(
            "INSERT INTO public_tasks (draw_id, position, credit_code, unit_name, officers)"
            " VALUES (?, ?, ?, ?, ?)",
            [(draw_id, n, code, names.get(code, code), _json(list(team)))
             for n, (code, team) in enumerate(teams.items())],
        )

    # -- inspections ---------------------------------------------------------------------------------
    def _on_Inspection_Opened(self, cur: Cursor, e: Any) -> None:
        cur.execute("INSERT INTO public_visits (inspection_id, agency_id, draw_id, unit)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (inspection_id) DO NOTHING",
                    (str(e.originator_id), e.agency_id, e.draw_id, e.unit))

    def _on_Inspection_ResultDisclosed(self, cur: Cursor, e: Any) -> None:
        cur.execute("SELECT agency_id, draw_id, unit FROM public_visits WHERE inspection_id = ?",
                    (str(e.originator_id),))
        row = cur.fetchone()
        if row is None:
            return
        public = dict(e.public)
        year, quarter = Period.parse_or_none(str(public.get("period", ""))) or (0, 0)
        cur.execute(
            "INSERT INTO public_results (inspection_id, agency_id, draw_id, year, quarter,"
            " credit_code, unit_name, disclosed_on, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (str(e.originator_id), str(row[0]), str(row[1]), year, quarter,
             str(public.get("credit_code", row[2])), str(public.get("unit", "")),
             e.disclosed_on, _json(public)),
        )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _upsert(cur: Cursor, table: str, column: str, agency: str, year: int, value: Any) -> None:
    cur.execute(f"INSERT INTO {table} (agency_id, year, {column}) VALUES (?, ?, ?)"
                f" ON CONFLICT (agency_id, year) DO UPDATE SET {column} = excluded.{column}",
                (agency, year, _json(value)))


def _unit_names(cur: Cursor, agency: str, codes: list[str]) -> dict[str, str]:
    """The units' names as published: a name that contains the unit's own legal representative or
    contact (a sole trader's shop) is masked as results are (:class:`ledger.domain.masking.Masker`)."""
    if not codes:
        return {}
    marks = ", ".join("?" for _ in codes)
    cur.execute(f"SELECT credit_code, name, {', '.join(PEOPLE_FIELDS)} FROM public_units"
                f" WHERE agency_id = ? AND credit_code IN ({marks})", (agency, *codes))
    return {str(code): Masker(str(n) for n in people if len(str(n).strip()) >= 2).mask(str(name))
            for code, name, *people in cur.fetchall()}


# -- reading ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicAgency:
    agency_id: str
    division_code: str
    name: str


def agency_of(cur: Cursor, code: str) -> PublicAgency:
    cur.execute("SELECT agency_id, division_code, name FROM public_agencies WHERE division_code = ?",
                (code,))
    row = cur.fetchone()
    if row is None:
        raise PublicQueryError(f"agency: no agency with division code {code}", kind="not_found")
    return PublicAgency(str(row[0]), str(row[1]), str(row[2]))


def public_pages(store: ProjectionStore, code: str, year: int) -> dict[str, Any]:
    """An agency's public pages for ``year``, read from the projection (one snapshot)."""
    with store.read() as cur:
        agency = agency_of(cur, code)
        return {
            "agency": {"name": agency.name, "division_code": code},
            "items": _items(cur, agency.agency_id, year),
            "plan": _plan(cur, agency.agency_id, year),
            "tasks": _tasks(cur, agency.agency_id, year),
            "fixed_lists": _fixed_lists(cur, agency.agency_id, year),
            "results": [json.loads(r) for (r,) in _results(cur, agency.agency_id, year)],
        }


def _items(cur: Cursor, agency: str, year: int) -> list[dict[str, str]]:
    """The items of the rulebook in force at the end of ``year`` (the latest ``adopted_from`` on or
    before 31 December; of two with the same date, the one adopted first)."""
    cur.execute("SELECT items FROM public_rulebooks WHERE agency_id = ? AND adopted_from <= ?"
                " ORDER BY adopted_from DESC, seq ASC LIMIT 1", (agency, f"{year}-12-31"))
    row = cur.fetchone()
    return [] if row is None else list(json.loads(row[0]))


def _plan(cur: Cursor, agency: str, year: int) -> dict[str, Any]:
    cur.execute("SELECT units FROM public_year_lists WHERE agency_id = ? AND year = ?", (agency, year))
    listed = cur.fetchone()
    published = [] if listed is None else json.loads(listed[0])
    cur.execute("SELECT plan FROM public_plans WHERE agency_id = ? AND year = ?", (agency, year))
    row = cur.fetchone()
    if row is None:
        return {"year": year, "filed": False, "units_under_supervision": published}
    plan = json.loads(row[0])
    cur.execute("SELECT title FROM public_rulebooks WHERE agency_id = ? AND name = ?"
                " ORDER BY seq DESC LIMIT 1", (agency, plan["rulebook"]))
    titled = cur.fetchone()
    return {"year": year, "filed": True, "rulebook": plan["rulebook"],
            "rulebook_title": "" if titled is None else str(titled[0]), "quotas": plan["quotas"],
            "units_under_supervision": published}


def _tasks(cur: Cursor, agency: str, year: int) -> list[dict[str, Any]]:
    cur.execute("SELECT draw_id, period, kind, list_hash FROM public_draws WHERE agency_id = ?"
                " AND year = ? AND disclosed_on <> '' ORDER BY period, draw_id", (agency, year))
    notices: list[dict[str, Any]] = [
        {"draw_id": str(d), "period": str(p), "kind": str(k), "list_hash": str(h), "tasks": []}
        for d, p, k, h in cur.fetchall()]
    for notice in notices:
        cur.execute("SELECT credit_code, unit_name, officers FROM public_tasks WHERE draw_id = ?"
                    " ORDER BY position", (notice["draw_id"],))
        notice["tasks"] = [{"unit": str(n), "credit_code": str(c), "officers": json.loads(o)}
                           for c, n, o in cur.fetchall()]
    return notices


def _fixed_lists(cur: Cursor, agency: str, year: int) -> list[dict[str, str]]:
    cur.execute("SELECT draw_id, period, fixed_on, list_hash FROM public_draws WHERE agency_id = ?"
                " AND year = ? AND fixed_on <> '' ORDER BY period, draw_id", (agency, year))
    return [{"draw_id": str(d), "period": str(p), "fixed_on": str(f), "list_hash": str(h)}
            for d, p, f, h in cur.fetchall()]


def _results(cur: Cursor, agency: str, year: int) -> list[tuple[str]]:
    cur.execute("SELECT result FROM public_results WHERE agency_id = ? AND year = ?"
                " ORDER BY draw_id, credit_code", (agency, year))
    return [(str(r[0]),) for r in cur.fetchall()]


def search_results(store: ProjectionStore, text: str, *, year: int | None = None,
                   agency: str | None = None, quarter: int | None = None) -> list[dict[str, Any]]:
    """Published results whose unit name or credit code contains ``text`` (may be empty: all),
    optionally of one agency (division code; its own results only), year and quarter."""
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise PublicQueryError(f"--quarter: {quarter} is not a quarter (1-4)")
    if quarter is not None and year is None:
        raise PublicQueryError("--quarter: give --year too")
    query = ("SELECT r.result FROM public_results r JOIN public_agencies a"
             " ON a.agency_id = r.agency_id"
             " WHERE (r.unit_name LIKE ? ESCAPE '\\' OR r.credit_code LIKE ? ESCAPE '\\')")
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    params: list[Any] = [pattern, pattern]
    with store.read() as cur:
        if agency is not None:
            query += " AND r.agency_id = ?"
            params.append(agency_of(cur, agency).agency_id)
        if year is not None:
            query += " AND r.year = ?"
            params.append(year)
        if quarter is not None:
            query += " AND r.quarter = ?"
            params.append(quarter)
        cur.execute(query + " ORDER BY a.division_code, r.draw_id, r.credit_code", params)
        return [json.loads(str(row[0])) for row in cur.fetchall()]
