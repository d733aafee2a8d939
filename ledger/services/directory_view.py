"""An agency's current directories, read by replaying the event log (目录视图).

The write side reads the directories here (a plan counts the units, a freeze lists them): listing an
agency's units and inspectors replays the notification log once and loads each of that agency's
aggregates, O(events) — fine for a county, slow for a province. The projections (``projections/``)
are read models for people; the write side does not read them, because a freeze must see every
event committed before it, not the projection's position.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from ledger.domain.agency import Agency
from ledger.domain.directory import InspectionObject
from ledger.domain.inspector import Inspector

_REGISTERED = ("ledger.directory:InspectionObject.Registered", "ledger.inspector:Inspector.Registered")
_ESTABLISHED = "ledger.agency:Agency.Established"


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


def directories(app: Application[UUID], agency_id: UUID) -> Directories:
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
