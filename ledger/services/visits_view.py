"""The visits of each draw for the write side (走访视图): which units on a list have a record, and
the day of each visit, kept in a table beside the events (:mod:`ledger.services.write_views`).

A disclosure deadline anchored on "task completed" (任务完成) runs from the last visit of the list
once every unit on it has a record. Answering that by loading every inspection of the draw made
each publication cost as much as the draw is long, and a quarter's publications the square of it.
The table ``visits_view`` holds, per inspection, its draw, its unit, its version and the visit day
of its current record (none before the record is filed; a correction replaces it); a read catches
it up, then reads the draw's rows with one indexed query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from ledger.domain.inspection import Inspection
from ledger.services import write_views
from ledger.services.write_views import ViewSql

OPENED: str = Inspection.Opened.TOPIC  # type: ignore[attr-defined]
#: The events that give an inspection its record (and so its visit day).
RECORDED: tuple[str, ...] = (Inspection.RecordFiled.TOPIC,  # type: ignore[attr-defined]
                             Inspection.RecordCorrected.TOPIC)  # type: ignore[attr-defined]
POSITION = "visits_view_position"


def ensure_schema(app: Application[UUID]) -> None:
    """Create the view's two tables if missing (at start-up, under the schema lock)."""
    write_views.ensure_view(app, [
        "CREATE TABLE IF NOT EXISTS visits_view (inspection_id TEXT PRIMARY KEY, draw_id TEXT "
        "NOT NULL, unit TEXT NOT NULL, version INTEGER NOT NULL, visited_on TEXT)",
        "CREATE INDEX IF NOT EXISTS visits_view_draw ON visits_view (draw_id)",
    ], POSITION)


def catch_up(app: Application[UUID]) -> int:
    """Apply every inspection opening and record committed since the view's position; the
    events applied."""
    sql = ViewSql(app)
    return write_views.catch_up(app, sql, POSITION, (OPENED, *RECORDED),
                                lambda cur, page: _apply(app, sql, cur, page))


def _apply(app: Application[UUID], sql: ViewSql, cur: Any, page: Sequence[Notification]) -> int:
    """The page's openings first (an inspection is opened before its record, maybe in the same
    page), then its records in order, each only over an earlier version."""
    opened: list[tuple[str, str, str, int]] = []
    recorded: list[tuple[str, int, str, int]] = []
    for notification in page:
        event: Any = app.mapper.to_domain_event(notification)
        key, version = str(notification.originator_id), notification.originator_version
        if notification.topic == OPENED:
            opened.append((key, str(event.draw_id), str(event.unit), version))
        else:
            recorded.append((str(event.record["visited_on"]), version, key, version))
    if opened:
        cur.executemany(sql.q("INSERT INTO visits_view (inspection_id, draw_id, unit, version) "
                              "VALUES (?, ?, ?, ?) ON CONFLICT (inspection_id) DO NOTHING"), opened)
    if recorded:
        cur.executemany(sql.q("UPDATE visits_view SET visited_on = ?, version = ? "
                              "WHERE inspection_id = ? AND version < ?"), recorded)
    return len(page)


def recorded_visits(app: Application[UUID], draw_id: str) -> dict[str, date]:
    """Unit → the day of its visit, for every unit of the draw whose inspection has a record,
    after every event committed so far."""
    catch_up(app)
    sql = ViewSql(app)
    with sql.datastore.transaction(commit=False) as cur:
        cur.execute(sql.q("SELECT unit, visited_on FROM visits_view "
                          "WHERE draw_id = ? AND visited_on IS NOT NULL"), (draw_id,))
        rows = sql.rows(cur)
    return {str(unit): date.fromisoformat(str(visited)) for unit, visited in rows}
