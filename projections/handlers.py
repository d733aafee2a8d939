"""What every projection does alike: dispatch an event to its ``_on_<Aggregate>_<Event>`` handler,
and keep the agency hierarchy (``Agency.Established``) in a table of its own."""

from __future__ import annotations

from typing import Any

from ledger.log.store import Cursor

AGENCY_COLUMNS = ("agency_id TEXT PRIMARY KEY, division_code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
                  " level TEXT NOT NULL, parent_id TEXT NOT NULL")


class EventHandlers:
    """``apply(cursor, event)`` calls ``self._on_Agency_Established`` for an ``Agency.Established``
    event, and so on; events without a handler are passed over."""

    def apply(self, cursor: Cursor, event: Any) -> None:
        handler = getattr(self, "_on_" + type(event).__qualname__.replace(".", "_"), None)
        if handler is not None:
            handler(cursor, event)


def agency_table(table: str) -> str:
    """The DDL of a projection's own agencies table (id, division code, name, level, parent)."""
    return f"CREATE TABLE IF NOT EXISTS {table} ({AGENCY_COLUMNS})"


def insert_agency(cur: Cursor, table: str, e: Any) -> None:
    """An ``Agency.Established`` event's row in ``table`` (made by :func:`agency_table`)."""
    cur.execute(
        f"INSERT INTO {table} (agency_id, division_code, name, level, parent_id)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (agency_id) DO NOTHING",
        (str(e.originator_id), e.division_code, e.name, e.level, e.parent_id),
    )
