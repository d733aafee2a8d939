"""An agency's current directories for the write side (目录视图): the latest state of every unit
and inspector, kept in a table beside the events and caught up before every read.

A plan counts an agency's units and a freeze lists them. Loading every aggregate from its events
costs a query and a replay per unit; scanning the whole notification log costs every event ever
written. Instead the table ``directory_view`` holds, per unit and inspector, its agency, its
version and its state (the aggregate's attributes as JSON), and ``directory_view_position`` the
last notification applied. :func:`directories` first applies every directory event committed since
that position (:func:`catch_up`: read in pages by topic, applied to the stored states, written
back with the new position in one transaction, each event applied once ever), then reads the
agency's rows with one query. So a read sees every event committed before it — a freeze must — and
costs what the agency holds, not what the store holds. The projections (``projections/``) are read
models for people with their own position; the write side does not read them.

Each page of events is claimed by moving the position from the value it was read at (an update
that a concurrent reader that got there first makes fail: it then reads on from the new position),
and a state is only replaced by a later version of it, so concurrent readers cannot undo each
other. States keep the order in which the aggregates were registered (``seq``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from ledger.domain.agency import Agency
from ledger.domain.chained import event_topics
from ledger.domain.directory import InspectionObject
from ledger.domain.inspector import Inspector
from ledger.services import write_views
from ledger.services.write_views import ViewSql
from verify.collector import gc_paused

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - a dependency; the standard library reads the same
    _orjson = None  # type: ignore[assignment]

_REGISTERED = ("ledger.directory:InspectionObject.Registered", "ledger.inspector:Inspector.Registered")
_ESTABLISHED = "ledger.agency:Agency.Established"
_KINDS: dict[str, type[InspectionObject] | type[Inspector]] = {
    "object": InspectionObject, "inspector": Inspector}
_TIMES = ("_created_on", "_modified_on")


#: Every event type of the two directories (their topics), by kind.
TOPICS = {kind: event_topics(cls) for kind, cls in _KINDS.items()}
_KIND_OF_TOPIC = {topic: kind for kind, topics in TOPICS.items() for topic in topics}


@dataclass(frozen=True)
class Directories:
    """One agency's two directories (两库) as they stand now."""

    agency: Agency
    objects: list[InspectionObject]
    inspectors: list[Inspector]

    def population(self) -> dict[str, int]:
        """Units in the directory per category (closed and relocated ones excluded)."""
        counts = {"key": 0, "general": 0, "special": 0}
        for unit in self.objects:
            if unit.in_directory:
                counts[unit.category] += 1
        return counts

    def officers(self) -> int:
        """Active certified officers (outside experts assist but do not count toward ratios)."""
        return sum(1 for i in self.inspectors if i.active and not i.outside_expert)


def events_by_topic(app: Application[UUID], topics: tuple[str, ...]) -> Iterator[Any]:
    """Every stored event of the given topics, in store order, decoded (1,000 a page)."""
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, 1000, topics=topics)
        if not batch:
            return
        for notification in batch:
            yield app.mapper.to_domain_event(notification)
        start = batch[-1].id + 1


# -- the stored states ------------------------------------------------------------------------------
def _encode(aggregate: InspectionObject | Inspector) -> str:
    state = {k: v for k, v in aggregate.__dict__.items() if k not in ("_pending_events", "_id")}
    return json.dumps(state, ensure_ascii=False, default=_plain, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored in the directory view")


def _parsed(text: str) -> Any:
    """A stored state parsed: by orjson (a dependency; about three times the standard library's
    speed on an agency's hundred thousand states), or by the standard library where orjson is
    missing or refuses the text (a state the standard library wrote with a NaN). One state at a
    time: orjson keeps a UTF-8 copy of the text it reads, which for all the states joined in one
    text cost ~240 MiB more at 100,000 units."""
    if _orjson is not None:
        try:
            return _orjson.loads(text)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(text)


def _decode(kind: str, originator_id: str, values: dict[str, Any]) -> InspectionObject | Inspector:
    cls = _KINDS[kind]
    aggregate = object.__new__(cls)
    for name in _TIMES:
        if isinstance(values.get(name), str):
            values[name] = datetime.fromisoformat(values[name])
    if kind == "inspector":
        values["leaves"] = [tuple(leave) for leave in values.get("leaves", [])]
    aggregate.__dict__.update(values)
    aggregate.__dict__["_id"] = UUID(originator_id)
    aggregate.__dict__["_pending_events"] = []
    return aggregate


def ensure_schema(app: Application[UUID]) -> None:
    """Create the view's two tables if missing (at start-up, under the schema lock)."""
    write_views.ensure_view(app, [
        "CREATE TABLE IF NOT EXISTS directory_view (originator_id TEXT PRIMARY KEY, kind TEXT "
        "NOT NULL, seq BIGINT NOT NULL, agency_id TEXT NOT NULL, version INTEGER NOT NULL, "
        "state TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS directory_view_agency ON directory_view (agency_id, seq)",
    ], "directory_view_position")


def catch_up(app: Application[UUID]) -> int:
    """Apply every directory event committed since the view's position; the events applied."""
    sql = ViewSql(app)
    topics = (*TOPICS["object"], *TOPICS["inspector"])
    return write_views.catch_up(app, sql, "directory_view_position", topics,
                                lambda cur, page: _apply(app, sql, cur, page))


def _apply(app: Application[UUID], sql: ViewSql, cur: Any, page: Any) -> int:
    ids = sorted({str(n.originator_id) for n in page})
    current: dict[str, tuple[str, int, InspectionObject | Inspector]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        cur.execute(sql.q("SELECT originator_id, kind, seq, state FROM directory_view WHERE "
                          f"originator_id IN ({','.join('?' * len(chunk))})"), chunk)
        for originator_id, kind, seq, state in sql.rows(cur):
            current[originator_id] = (kind, int(seq), _decode(kind, originator_id, _parsed(state)))
    changed: set[str] = set()
    applied = 0
    for notification in page:
        key = str(notification.originator_id)
        aggregate = current[key][2] if key in current else None
        if aggregate is not None and notification.originator_version <= aggregate.version:
            continue  # applied already
        kind, seq = current[key][:2] if key in current else (_KIND_OF_TOPIC[notification.topic],
                                                                notification.id)
        event: Any = app.mapper.to_domain_event(notification)
        current[key] = (kind, seq, event.mutate(aggregate))
        changed.add(key)
        applied += 1
    rows = [(key, kind, seq, aggregate.agency_id, aggregate.version, _encode(aggregate))
            for key in sorted(changed) for kind, seq, aggregate in [current[key]]]
    cur.executemany(sql.q(
        "INSERT INTO directory_view (originator_id, kind, seq, agency_id, version, state) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (originator_id) DO UPDATE SET "
        "version = excluded.version, state = excluded.state "
        "WHERE directory_view.version < excluded.version"), rows)
    return applied


def directories(app: Application[UUID], agency_id: UUID) -> Directories:
    """The agency's units and inspectors as they stand after every event committed so far."""
    agency: Agency = app.repository.get(agency_id)
    catch_up(app)
    sql = ViewSql(app)
    objects: list[InspectionObject] = []
    inspectors: list[Inspector] = []
    with sql.datastore.transaction(commit=False) as cur:
        cur.execute(sql.q("SELECT originator_id, kind, state FROM directory_view "
                          "WHERE agency_id = ? ORDER BY seq"), (str(agency_id),))
        rows = sql.rows(cur)
    rows.reverse()  # consumed from the end: each row's text is freed once its state is built
    with gc_paused():
        while rows:
            originator_id, kind, text = rows.pop()
            aggregate = _decode(kind, originator_id, _parsed(text))
            if isinstance(aggregate, InspectionObject):
                objects.append(aggregate)
            else:
                inspectors.append(aggregate)
    return Directories(agency, objects, inspectors)


def replayed_directories(app: Application[UUID], agency_id: UUID) -> Directories:
    """The same, by loading every registered aggregate of the agency from its events (the
    reference :func:`directories` is tested against; O(the whole store))."""
    agency: Agency = app.repository.get(agency_id)
    objects: list[InspectionObject] = []
    inspectors: list[Inspector] = []
    for registered in events_by_topic(app, _REGISTERED):
        if registered.agency_id != str(agency_id):
            continue
        aggregate: InspectionObject | Inspector = app.repository.get(registered.originator_id)
        if isinstance(aggregate, InspectionObject):
            objects.append(aggregate)
        else:
            inspectors.append(aggregate)
    return Directories(agency, objects, inspectors)


def agencies(app: Application[UUID]) -> list[Agency]:
    return [app.repository.get(e.originator_id) for e in events_by_topic(app, (_ESTABLISHED,))]


# -- rows, as the command line prints them and the service answers them ---------------------------
def agency_row(agency: Agency) -> dict[str, Any]:
    return {"division_code": agency.division_code, "name": agency.name, "level": agency.level,
            "kind": agency.kind, "parent_id": agency.parent_id, "log_origin": agency.log_origin}


def object_row(unit: InspectionObject) -> dict[str, Any]:
    """An inspection object's entry, every field (the export's columns among them); the fixed
    source code as it stands now (with the ``(1)`` suffix of a special-supervision object)."""
    fixed = {"fixed_source_code": unit.fixed_source_code} if unit.fixed_source_code else {}
    return {"name": unit.name, "credit_code": unit.credit_code, "county": unit.county,
            "category": unit.category, **unit.details, **fixed, "status": unit.status,
            "special_reasons": unit.special_reasons, "warnings": unit.warnings}


def inspector_row(inspector: Inspector) -> dict[str, Any]:
    """An inspector's entry: the export's columns, whether active, the declared conflicts."""
    return {"name": inspector.name, "certificate_no": inspector.certificate_no,
            "post": inspector.post, "enforcement_category": inspector.enforcement_category,
            "expertise": inspector.expertise, "may_inspect": inspector.may_inspect,
            "outside_expert": inspector.outside_expert, "active": inspector.active,
            "conflicts": sorted(inspector.conflicts)}
