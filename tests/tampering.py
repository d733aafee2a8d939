"""What an insider with database access can do: raw SQL past the application, on either database."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from conftest import COUNTY
from eventsourcing.persistence import StoredEvent

from ledger.adapters.event_store import events_table
from ledger.domain.chained import content_of
from ledger.services.export import export_bundle
from ledger.services.ledger import Ledger
from verify.bundle import Bundle, load_trusted
from verify.event import event_hash
from verify.findings import Report
from verify.ledger_check import verify_bundle


class Insider:
    """Direct SQL on the ledger's database, the way a tamperer would do it."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.settings = ledger.settings
        self.table = events_table(self.settings)
        self.postgres = self.settings.postgres is not None

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        pg = self.settings.postgres
        if pg is None:
            conn = sqlite3.connect(self.settings.sqlite_path)
            try:
                yield conn.cursor()
                conn.commit()
            finally:
                conn.close()
        else:
            with psycopg.connect(pg.conninfo()) as pconn, pconn.cursor() as cur:
                yield cur

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        if self.postgres:
            statement = statement.replace("?", "%s")
        with self.cursor() as cur:
            cur.execute(statement, params)
            return list(cur.fetchall()) if cur.description else []

    def db_id(self, aggregate_id: str) -> Any:
        return UUID(aggregate_id) if self.postgres else UUID(aggregate_id).hex

    def leaf(self, index: int, log: str = COUNTY) -> tuple[str, int]:
        row = self.sql("SELECT aggregate_id, version FROM log_leaves WHERE log = ? AND leaf_index = ?",
                       (log, index))
        return str(row[0][0]), int(row[0][1])

    def stored_state(self, aggregate_id: str, version: int) -> bytes:
        row = self.sql(
            f"SELECT state FROM {self.table} WHERE originator_id = ? AND originator_version = ?",
            (self.db_id(aggregate_id), version),
        )
        return bytes(row[0][0])

    def set_state(self, aggregate_id: str, version: int, state: bytes) -> None:
        self.sql(
            f"UPDATE {self.table} SET state = ? WHERE originator_id = ? AND originator_version = ?",
            (state, self.db_id(aggregate_id), version),
        )

    def delete_event(self, aggregate_id: str, version: int) -> None:
        self.sql(
            f"DELETE FROM {self.table} WHERE originator_id = ? AND originator_version = ?",
            (self.db_id(aggregate_id), version),
        )

    def insert_event(self, stored: StoredEvent, notification_id: int | None = None) -> None:
        """Insert ``stored`` as a new row: at the next notification id, or at the one given (an
        old one, below the log's tracking position)."""
        values = (self.db_id(str(stored.originator_id)), stored.originator_version, stored.topic,
                  stored.state)
        if notification_id is None:
            self.sql(f"INSERT INTO {self.table} (originator_id, originator_version, topic, state)"
                     " VALUES (?, ?, ?, ?)", values)
            return
        column = "notification_id" if self.postgres else "rowid"
        self.sql(f"INSERT INTO {self.table} ({column}, originator_id, originator_version, topic,"
                 " state) VALUES (?, ?, ?, ?, ?)", (notification_id, *values))

    def decode(self, aggregate_id: str, version: int) -> Any:
        topic = self.sql(
            f"SELECT topic FROM {self.table} WHERE originator_id = ? AND originator_version = ?",
            (self.db_id(aggregate_id), version),
        )[0][0]
        stored = StoredEvent(UUID(aggregate_id), version, topic,
                             self.stored_state(aggregate_id, version))
        return self.ledger.app.mapper.to_domain_event(stored)

    def rewrite_with_fresh_hashes(self, aggregate_id: str, change: Callable[[Any], Any]) -> None:
        """Change an aggregate's first event and recompute every hash of its chain, as a
        tamperer who knows the format would; the stored log is then stale."""
        versions = [int(v) for (v,) in self.sql(
            f"SELECT originator_version FROM {self.table} WHERE originator_id = ?"
            " ORDER BY originator_version", (self.db_id(aggregate_id),))]
        prev = "0" * 64
        for version in versions:
            event = self.decode(aggregate_id, version)
            if version == 1:
                event = change(event)
            event = dataclasses.replace(event, prev_hash=prev, event_hash="")
            event = dataclasses.replace(event, event_hash=event_hash(content_of(event)))
            prev = event.event_hash
            stored = self.ledger.app.mapper.to_stored_event(event)
            self.set_state(aggregate_id, version, stored.state)

    def swap_leaves(self, first: int, second: int, log: str = COUNTY) -> None:
        """Exchange two events' places in a log (the Merkle nodes are left as they were)."""
        where = "WHERE log = ? AND leaf_index = ?"
        self.sql(f"UPDATE log_leaves SET leaf_index = -1 {where}", (log, first))
        self.sql(f"UPDATE log_leaves SET leaf_index = ? {where}", (first, log, second))
        self.sql(f"UPDATE log_leaves SET leaf_index = ? {where}", (second, log, -1))

    def drop_log(self) -> None:
        """Throw all the logs away (the tamperer will rebuild and re-sign them)."""
        for table in ("log_leaves", "log_nodes", "log_checkpoints", "log_state"):
            self.sql(f"DELETE FROM {table}")
        self.sql("UPDATE log_position SET notification_id = 0, aggregate_id = NULL, version = NULL")


def export_and_verify(
    ledger: Ledger, out: Path, trusted_note: str | None = None, log: str = COUNTY
) -> Report:
    export_bundle(ledger, out, log)
    bundle = Bundle.open(out)
    trusted = None
    if trusted_note is not None:
        note_path = out.parent / f"{out.name}-trusted.note"
        note_path.write_text(trusted_note, encoding="utf-8")
        trusted, problem = load_trusted(note_path, bundle.verifiers)
        assert trusted is not None, problem
    return verify_bundle(bundle, trusted)


def rules_at(report: Report) -> list[tuple[str, int | None]]:
    return [(f.rule, f.index) for f in report.findings]
