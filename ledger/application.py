"""The ledger's use cases: each method is one command, saving its events in one transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from ledger.agency import Agency, AgencyRuleError
from ledger.directory import DirectoryRuleError, InspectionObject
from ledger.event_store import APP_NAME
from ledger.inspector import Inspector, InspectorRuleError, inspector_id


class LedgerApp(Application[UUID]):
    """Spotcheck's event-sourced application (one per database)."""

    name = APP_NAME

    def establish_agency(
        self, name: str, division_code: str, kind: str, parent_id: UUID | None = None,
        log_origin: str = "",
    ) -> UUID:
        """Establish an agency (one per division code) under an existing parent, or at the top."""
        parent: Agency | None = None if parent_id is None else self.repository.get(parent_id)
        agency = Agency.establish(name, division_code, kind, parent, log_origin)
        if agency.id in self.repository:
            existing: Agency = self.repository.get(agency.id)
            raise AgencyRuleError(
                f"division_code: {agency.division_code} already has an agency ({existing.name})"
            )
        self.save(agency)
        return agency.id

    def register_objects(self, agency_id: UUID, rows: list[dict[str, str]]) -> list[UUID]:
        """Register many inspection objects at once (an import: one transaction, all or none);
        a credit code is registered once per agency."""
        self.repository.get(agency_id)  # the agency must exist
        objects = [
            InspectionObject.register(agency_id=str(agency_id), **row) for row in rows
        ]
        seen: set[UUID] = set()
        for unit in objects:
            if unit.id in seen or unit.id in self.repository:
                raise DirectoryRuleError(
                    f"credit_code: {unit.credit_code} is already in this agency's directory"
                )
            seen.add(unit.id)
        self.save(*objects)
        return [o.id for o in objects]

    def register_inspectors(self, agency_id: UUID, rows: list[dict[str, Any]]) -> list[UUID]:
        """Register inspectors (one transaction); a certificate number may be registered once."""
        self.repository.get(agency_id)
        inspectors = [Inspector.register(agency_id=str(agency_id), **row) for row in rows]
        seen: set[UUID] = set()
        for inspector in inspectors:
            if inspector.id in seen or inspector.id in self.repository:
                raise InspectorRuleError(
                    f"certificate_no: {inspector.certificate_no} is already registered "
                    "(执法证号 must be unique)"
                )
            seen.add(inspector.id)
        self.save(*inspectors)
        return [i.id for i in inspectors]

    def declare_conflict(self, certificate_no: str, unit_id: UUID, reason: str) -> None:
        """利害关系: the inspector must never be sent to that unit."""
        self.repository.get(unit_id)  # the unit must exist
        inspector: Inspector = self.repository.get(inspector_id(certificate_no))
        inspector.declare_conflict(str(unit_id), reason)
        self.save(inspector)

    def record_leave(self, certificate_no: str, first_day: str, last_day: str, reason: str) -> None:
        inspector: Inspector = self.repository.get(inspector_id(certificate_no))
        inspector.record_leave(first_day, last_day, reason)
        self.save(inspector)

    def reclassify_object(self, object_id: UUID, category: str, reason: str) -> None:
        unit: InspectionObject = self.repository.get(object_id)
        unit.reclassify(category, reason)
        self.save(unit)

    def close_object(self, object_id: UUID, reason: str) -> None:
        unit: InspectionObject = self.repository.get(object_id)
        unit.close(reason)
        self.save(unit)

    # -- what the log needs -------------------------------------------------------------------
    def notifications(self, start: int, limit: int) -> list[Notification]:
        return list(self.recorder.select_notifications(start, limit))

    def decode(self, notification: Notification) -> Any:
        return self.mapper.to_domain_event(notification)
