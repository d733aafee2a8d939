"""Tables beside the events that the write side reads (写侧视图), kept by catching up.

A view holds what a command needs to read of many aggregates at once (an agency's directories for
a plan or a freeze, the visits of a draw for a disclosure deadline), in a table of its own, and
the notification id it has applied up to in a one-row position table. Before every read it
applies the events of its topics committed since that position: read in pages, each page claimed
by moving the position from the value it was read at (a concurrent reader that got there first
makes the update fail; the loser reads on from the new position) and applied in that same
transaction, so each event is applied once ever and a read sees every event committed before it.
The projections (``projections/``) are read models for people; the write side does not read them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

#: Notifications read per page.
PAGE = 2_000


class ViewSql:
    """The few statements of a view, in the dialect of the application's recorder."""

    def __init__(self, app: Application[UUID]) -> None:
        self.datastore: Any = app.recorder.datastore  # type: ignore[attr-defined]
        # by module name, so that SQLite runs never import psycopg; the recorder may be a subclass
        self.postgres = any(
            c.__module__ == "eventsourcing.postgres" for c in type(app.recorder).__mro__
        )
        self.mark = "%s" if self.postgres else "?"

    def q(self, statement: str) -> str:
        return statement.replace("?", self.mark)

    def rows(self, cur: Any) -> list[tuple[Any, ...]]:
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in cur.fetchall()]

    @staticmethod
    def rowcount(cur: Any) -> int:
        return int(getattr(cur, "sqlite_cursor", cur).rowcount)


def ensure_view(app: Application[UUID], statements: Sequence[str], position_table: str) -> None:
    """Create a view's tables (``statements``: ``CREATE … IF NOT EXISTS``) and its position
    table, at 0, if missing (at start-up, under the schema lock)."""
    sql = ViewSql(app)
    with sql.datastore.transaction(commit=True) as cur:
        for statement in statements:
            cur.execute(statement)
        cur.execute(f"CREATE TABLE IF NOT EXISTS {position_table} (id INTEGER PRIMARY KEY, "
                    "position BIGINT NOT NULL)")
        # Written only when missing: on SQLite this transaction began as a read, and a write
        # after another connection's commit (a sequencer running) fails at once as "locked".
        cur.execute(f"SELECT 1 FROM {position_table} WHERE id = 1")
        if not sql.rows(cur):
            cur.execute(sql.q(f"INSERT INTO {position_table} (id, position) VALUES (1, 0) "
                              "ON CONFLICT (id) DO NOTHING"))


Apply = Callable[[Any, Sequence[Notification]], int]


def catch_up(app: Application[UUID], sql: ViewSql, position_table: str, topics: Sequence[str],
             apply: Apply) -> int:
    """Apply every event of ``topics`` committed since the view's position (``apply(cursor,
    page)``, inside the page's transaction, returns how many it applied); the events applied."""
    applied = 0
    while True:
        with sql.datastore.transaction(commit=False) as cur:
            cur.execute(f"SELECT position FROM {position_table} WHERE id = 1")
            (position,) = sql.rows(cur)[0]
        page = app.recorder.select_notifications(int(position) + 1, PAGE, topics=topics)
        if not page:
            return applied
        with sql.datastore.transaction(commit=True) as cur:
            # Claim the page: another reader that got here first has applied it (then retry).
            cur.execute(sql.q(f"UPDATE {position_table} SET position = ? "
                              "WHERE id = 1 AND position = ?"), (page[-1].id, position))
            if sql.rowcount(cur) == 1:
                applied += apply(cur, page)
