"""The ledger's use cases: each method is one command, saving its events in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent, Repository
from eventsourcing.persistence import IntegrityError, Notification, Recording

from ledger.adapters.directory_file import RowProblem, Table, split_list
from ledger.adapters.event_store import APP_NAME
from ledger.domain.agency import Agency, AgencyRuleError, check_year
from ledger.domain.directory import DirectoryRuleError, InspectionObject
from ledger.domain.directory import entry_problems as object_problems
from ledger.domain.inspector import Inspector, InspectorRuleError, inspector_id
from ledger.domain.inspector import entry_problems as inspector_problems
from ledger.domain.plan import AnnualPlan, plan_year
from ledger.domain.rulebook import Rulebook
from ledger.domain.vocabulary import AGGREGATES
from ledger.errors import Conflict, InvalidInput
from ledger.services.collecting import CollectingApplication
from ledger.services.directory_view import directories
from ledger.services.imports import (
    CATEGORY_WORDS,
    OUTSIDE_EXPERT_WORDS,
    Checked,
    ImportRejected,
    ImportResult,
    differing,
    problem_of,
    same_entry,
)
from ledger.services.repository import LedgerRepository


class ConcurrentChange(Conflict):
    """Two writers changed one aggregate at once (two requests on one draw, the same file imported
    twice at once): the second one's events were not stored; load and try again."""


class LedgerApp(CollectingApplication):
    """Spotcheck's event-sourced application (one per database)."""

    name = APP_NAME
    #: Every aggregate whose events this application stores and decodes (their topics registered).
    aggregates = AGGREGATES
    #: Called before anything is stored (the open ledger sets it to check its signing keys), so
    #: that a command never stores its events and then fails on a key it cannot use.
    before_save: Callable[[], None] | None = None

    def construct_repository(self) -> Repository[UUID]:
        """eventsourcing's repository with a cheap ``in`` (ledger/services/repository.py); the
        ledger keeps no aggregate cache and no snapshots, so nothing else is configured."""
        return LedgerRepository(event_store=self.events)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Store one save's events in one transaction; a second writer of the same aggregate
        version (two imports of one file at once, two updates of one unit) is a conflict."""
        if self.before_save is not None:
            self.before_save()
        try:
            return super()._record(processing_event)
        except IntegrityError:
            first = processing_event.events[0] if processing_event.events else None
            what = "aggregate" if first is None else (
                f"{type(first).__qualname__.split('.')[0]} ({first.originator_id}"
                f"{'' if len(processing_event.events) == 1 else ' and others'})")
            raise ConcurrentChange(
                f"version: another writer changed this {what} at the same time; nothing of this "
                "command was stored: run it again", field="version",
            ) from None

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
                f"division_code: {agency.division_code} already has an agency ({existing.name})",
                kind="conflict",
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

    def import_objects(
        self, agency_id: UUID, table: Table, *, keep_ledger: bool = False
    ) -> ImportResult:
        """Import a directory file: every row checked, every bad cell of every row reported (row,
        column, reason), nothing stored if any row fails; the rows are stored in one transaction,
        all or none, whatever the file's size; rows already registered unchanged are skipped, so
        importing the same file twice changes nothing. A row registered already with other values
        is refused naming each difference, unless ``keep_ledger``: then the ledger's values stay
        (the row is reported as kept) and the rest of the file is imported."""
        self.repository.get(agency_id)
        checked = [
            (number, self._check_object_row(agency_id, row)) for number, row in table.rows
        ]
        return self._store_import(table, checked, "credit_code", keep_ledger)

    def import_inspectors(
        self, agency_id: UUID, table: Table, *, keep_ledger: bool = False
    ) -> ImportResult:
        """Import an inspector file, all or nothing, like :meth:`import_objects`."""
        self.repository.get(agency_id)
        checked = [
            (number, self._check_inspector_row(agency_id, row)) for number, row in table.rows
        ]
        return self._store_import(table, checked, "certificate_no", keep_ledger)

    def _check_object_row(self, agency_id: UUID, row: dict[str, str]) -> Checked:
        """The entry of one row, or every rule the row breaks (each cell named)."""
        fields = {k: row.get(k, "") for k in ("name", "credit_code", "category", "county")}
        details = {k: v for k, v in row.items() if k not in fields}
        try:
            return InspectionObject.register(agency_id=str(agency_id), **fields, **details)
        except InvalidInput as exc:
            found = object_problems(fields["name"], fields["credit_code"], fields["category"],
                                    fields["county"], details) or [str(exc)]
            return [problem_of(message) for message in found]

    def _check_inspector_row(self, agency_id: UUID, row: dict[str, str]) -> Checked:
        """The entry of one row, or every rule the row breaks (each cell named)."""
        values: dict[str, Any] = {
            "name": row.get("name", ""), "certificate_no": row.get("certificate_no", ""),
            "post": row.get("post", ""),
            "enforcement_category": row.get("enforcement_category", "生态环境"),
            "expertise": split_list(row.get("expertise", "")),
            "may_inspect": [CATEGORY_WORDS.get(c, c) for c in split_list(row["may_inspect"])]
            if "may_inspect" in row else None,
        }
        outside = row.get("outside_expert", "").strip().lower()
        if outside not in OUTSIDE_EXPERT_WORDS:
            return [("outside_expert", f"{row['outside_expert']!r} is not 是 or 否 (yes or no)")
                    , *map(problem_of, inspector_problems(**values))]
        try:
            return Inspector.register(agency_id=str(agency_id), **values,
                                      outside_expert=OUTSIDE_EXPERT_WORDS[outside])
        except InvalidInput as exc:
            return [problem_of(message) for message in inspector_problems(**values) or [str(exc)]]

    def _store_import(
        self, table: Table, checked: list[tuple[int, Checked]], key_field: str,
        keep_ledger: bool = False,
    ) -> ImportResult:
        problems: list[RowProblem] = list(table.problems)
        warnings: list[RowProblem] = []
        kept: list[RowProblem] = []
        english = all(table.column_of(f) == f for f in table.headers)
        unreadable = {(p.row, p.column) for p in table.problems}
        fresh: list[Any] = []
        unchanged = 0
        first_row: dict[UUID, int] = {}
        for number, result in checked:
            if isinstance(result, list):
                problems += [RowProblem(number, table.column_of(field), reason)
                             for field, reason in result
                             if (number, table.column_of(field)) not in unreadable]
                continue
            if any(row == number for row, _ in unreadable):
                continue  # the row is refused for its unreadable cells
            if result.id in first_row:
                problems.append(RowProblem(number, table.column_of(key_field),
                                           f"duplicate of row {first_row[result.id]}"))
                continue
            first_row[result.id] = number
            if result.id not in self.repository:
                fresh.append(result)
                warnings += [RowProblem(number, table.column_of(field), reason)
                             for field, reason in map(problem_of, getattr(result, "warnings", []))]
                continue
            stored: Any = self.repository.get(result.id)
            if same_entry(stored, result):
                unchanged += 1
            else:
                what = differing(table.column_of, stored, result, english)
                if keep_ledger:
                    kept.append(RowProblem(number, table.column_of(key_field),
                                           f"the ledger's values kept ({what})"))
                    continue
                problems.append(RowProblem(
                    number, table.column_of(key_field),
                    f"already registered with other values: {what}. Keep the ledger's values "
                    "with --keep-ledger, or change the entry with an update, not an import",
                ))
        if problems:
            order = {header: n for n, header in enumerate(table.headers.values())}
            raise ImportRejected(table.path, sorted(
                problems, key=lambda p: (p.row, order.get(p.column, len(order)))))
        self.save(*fresh)  # one transaction: every row or none
        return ImportResult(added=len(fresh), unchanged=unchanged, warnings=tuple(warnings),
                            kept=tuple(kept))

    def adopt_rulebook(
        self, agency_id: UUID, rulebook: Rulebook, approved_by: str, reason: str
    ) -> None:
        agency: Agency = self.repository.get(agency_id)
        agency.adopt_rulebook(rulebook, approved_by, reason)
        self.save(agency)

    def record_working_calendar(
        self, agency_id: UUID, schedule: dict[str, Any], recorded_by: str
    ) -> None:
        """Record one year's State Council holiday schedule for an agency (法定节假日安排)."""
        agency: Agency = self.repository.get(agency_id)
        agency.record_working_calendar(schedule, recorded_by)
        self.save(agency)

    def publish_year_list(self, agency_id: UUID, year: int, published_by: str) -> int:
        """Publish the year's list of units under random supervision, from the directory."""
        check_year(year)
        view = directories(self, agency_id)
        units = sorted(({"name": u.name, "credit_code": u.credit_code} for u in view.objects
                        if u.in_directory), key=lambda u: u["credit_code"])
        view.agency.publish_year_list(year, units, published_by)
        self.save(view.agency)
        return len(units)

    def file_plan(self, agency_id: UUID, year: int, approved_by: str) -> AnnualPlan:
        """Compute the year's plan from the directories and the rulebook in force on 1 January,
        and file it (the plan is itself an event)."""
        check_year(year)
        view = directories(self, agency_id)
        rulebook = view.agency.rulebook_in_force(f"{year}-01-01")
        if rulebook is None:
            raise AgencyRuleError(
                f"rulebook: {view.agency.name} has no rulebook in force on {year}-01-01 "
                "(adopt one first: spotcheck rulebook adopt)"
            )
        plan = plan_year(view.population(), view.officers(), rulebook, year)
        view.agency.file_plan(plan, approved_by)
        self.save(view.agency)
        return plan

    def declare_conflict(self, certificate_no: str, unit_id: UUID, reason: str) -> None:
        """利害关系: the inspector must never be sent to that unit."""
        self.repository.get(unit_id)  # the unit must exist
        inspector: Inspector = self.repository.get(inspector_id(certificate_no))
        inspector.declare_conflict(str(unit_id), reason)
        self.save(inspector)

    def record_leave(self, certificate_no: str, first_day: str, last_day: str, reason: str) -> None:
        self.change_inspector(certificate_no, lambda i: i.record_leave(first_day, last_day, reason))

    def change_inspector(self, certificate_no: str, change: Callable[[Inspector], None]) -> None:
        """Apply one change (a method of :class:`Inspector`) to an inspector and save it."""
        inspector: Inspector = self.repository.get(inspector_id(certificate_no))
        change(inspector)
        self.save(inspector)

    def change_object(self, object_id: UUID, change: Callable[[InspectionObject], None]) -> None:
        """Apply one directory change (a method of :class:`InspectionObject`) and save it."""
        unit: InspectionObject = self.repository.get(object_id)
        change(unit)
        self.save(unit)

    def reclassify_object(
        self, object_id: UUID, category: str, reason: str, control_level: str = ""
    ) -> None:
        self.change_object(object_id, lambda u: u.reclassify(category, reason, control_level))

    def close_object(self, object_id: UUID, reason: str) -> None:
        self.change_object(object_id, lambda u: u.close(reason))

    # -- what the log needs -------------------------------------------------------------------
    def notifications(self, start: int, limit: int) -> list[Notification]:
        return list(self.recorder.select_notifications(start, limit))

    def decode(self, notification: Notification) -> Any:
        return self.mapper.to_domain_event(notification)
