"""The directories, the rulebook, the plan and the calendar, for an account (名录、规则、计划、日历).

Each method checks the caller's access (:mod:`api.access`), calls the one use case of
:class:`ledger.services.application.LedgerApp` the command line calls too, and answers plain data.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from api.access import Caller
from api.service.context import Context, Download, RequestError
from ledger.adapters.directory_file import (
    INSPECTOR_COLUMNS,
    INSPECTOR_REQUIRED,
    OBJECT_COLUMNS,
    OBJECT_REQUIRED,
    DirectoryFileError,
    read_table,
    write_table,
)
from ledger.domain.agency import agency_id
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.inspector import Inspector, inspector_id
from ledger.domain.rulebook import Rulebook, RulebookError
from ledger.domain.rulebook_presets import PRESETS, preset
from ledger.errors import NotFound
from ledger.services.directory_view import (
    agencies,
    agency_row,
    directories,
    inspector_row,
    object_row,
)
from ledger.services.imports import ImportRejected

Directory = Literal["entities", "inspectors"]
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}
#: The largest directory file accepted (a province's directory is a few megabytes).
MAX_UPLOAD = 64 * 1024 * 1024
#: What each directory change of an inspection object needs, and the entity method it calls.
ENTITY_CHANGES = ("close", "update", "reclassify", "special", "lift_special", "suspend", "resume",
                  "relocate")


class ImportFailed(ImportRejected):
    """An upload with bad rows: nothing stored; ``rows`` lists each (row, column, reason)."""


class Directories:
    def __init__(self, context: Context) -> None:
        self.c = context

    # -- agencies --------------------------------------------------------------------------------
    def agencies(self) -> list[dict[str, Any]]:
        """Every agency: code, name, level, parent, log origin (public)."""
        return [agency_row(a) for a in agencies(self.c.app)]

    # -- imports and exports ---------------------------------------------------------------------
    def import_file(self, caller: Caller, code: str, which: Directory, filename: str,
                    content: bytes, *, keep_ledger: bool = False) -> dict[str, Any]:
        """Import an uploaded directory file (CSV or .xlsx): every row checked, all stored or none;
        the bad rows are listed (``ImportFailed``)."""
        self.c.access.operate(caller, code)
        if len(content) > MAX_UPLOAD:
            raise RequestError(f"file: {len(content):,} bytes; at most {MAX_UPLOAD:,}")
        name = Path(filename or "").name
        if Path(name).suffix.lower() not in (".csv", ".xlsx"):
            raise RequestError(f"file: {name or '(no name)'!r} is not a .csv or .xlsx file")
        columns, required = ((OBJECT_COLUMNS, OBJECT_REQUIRED) if which == "entities"
                             else (INSPECTOR_COLUMNS, INSPECTOR_REQUIRED))
        with tempfile.TemporaryDirectory(prefix="spotcheck-upload-") as tmp:
            path = Path(tmp) / f"upload{Path(name).suffix.lower()}"
            path.write_bytes(content)
            try:
                table = read_table(path, columns, required)
                with self.c.writing(caller):
                    importer = (self.c.app.import_objects if which == "entities"
                                else self.c.app.import_inspectors)
                    result = importer(agency_id(code), table, keep_ledger=keep_ledger)
            except ImportRejected as exc:
                raise ImportFailed(Path(name), exc.problems) from None
            except DirectoryFileError as exc:
                raise DirectoryFileError(str(exc).replace(str(path), name)) from None
        return {"file": name, "added": result.added, "unchanged": result.unchanged,
                "kept": [{"row": k.row, "column": k.column, "reason": k.reason}
                         for k in result.kept]}

    def export_file(self, caller: Caller, code: str, which: Directory, fmt: str,
                    english: bool = False) -> Download:
        """The directory as .xlsx or CSV, the agencies' headers (or English ones)."""
        self.c.access.read(caller, code)
        if fmt not in FORMATS:
            raise RequestError(f"format: {fmt!r} is not xlsx or csv")
        view = directories(self.c.app, agency_id(code))
        with tempfile.TemporaryDirectory(prefix="spotcheck-export-") as tmp:
            path = Path(tmp) / f"{code}-{which}.{fmt}"
            if which == "entities":
                write_table(path, OBJECT_COLUMNS, [object_row(u) for u in view.objects],
                            english=english)
            else:
                write_table(path, INSPECTOR_COLUMNS, [inspector_row(i) for i in view.inspectors],
                            english=english)
            return Download(path.name, FORMATS[fmt], path.read_bytes())

    # -- inspection objects ----------------------------------------------------------------------
    def entities(self, caller: Caller, code: str) -> list[dict[str, Any]]:
        self.c.access.read(caller, code)
        return [object_row(u) for u in directories(self.c.app, agency_id(code)).objects]

    def _entity(self, code: str, credit_code: str) -> InspectionObject:
        uuid = object_id(str(agency_id(code)), credit_code)
        if uuid not in self.c.app.repository:
            raise NotFound(f"credit_code: {credit_code} is not in the directory of agency {code}")
        found: InspectionObject = self.c.app.repository.get(uuid)
        return found

    def entity(self, caller: Caller, code: str, credit_code: str) -> dict[str, Any]:
        self.c.access.read(caller, code)
        return object_row(self._entity(code, credit_code))

    def change_entity(self, caller: Caller, code: str, credit_code: str, change: str,
                      reason: str, *, fields: dict[str, str] | None = None, category: str = "",
                      control_level: str = "", reasons: list[str] | None = None,
                      approved_by: str = "", destination: str = "") -> dict[str, Any]:
        """One change of an entry, with its reason: close (剔除), update fields, reclassify,
        special supervision (or lift it), production stopped (or resumed), relocation."""
        self.c.access.operate(caller, code)
        unit = self._entity(code, credit_code)
        actions = {
            "close": lambda u: u.close(reason),
            "update": lambda u: u.update(dict(fields or {}), reason),
            "reclassify": lambda u: u.reclassify(category, reason, control_level),
            "special": lambda u: u.mark_special(list(reasons or ([reason] if reason else [])),
                                                approved_by or caller.label()),
            "lift_special": lambda u: u.lift_special(reason, approved_by or caller.label()),
            "suspend": lambda u: u.suspend(reason),
            "resume": lambda u: u.resume(reason),
            "relocate": lambda u: u.relocate(reason, destination),
        }
        if change not in actions:
            raise RequestError(f"change: {change!r} is not one of {', '.join(ENTITY_CHANGES)}")
        with self.c.writing(caller):
            self.c.app.change_object(unit.id, actions[change])
        return object_row(self._entity(code, credit_code))

    # -- inspectors ------------------------------------------------------------------------------
    def inspectors(self, caller: Caller, code: str) -> list[dict[str, Any]]:
        self.c.access.read(caller, code)
        return [inspector_row(i) for i in directories(self.c.app, agency_id(code)).inspectors]

    def _inspector(self, code: str, certificate: str) -> Inspector:
        uuid = inspector_id(certificate)
        found: Inspector | None = (self.c.app.repository.get(uuid)
                                   if uuid in self.c.app.repository else None)
        if found is None or found.agency_id != str(agency_id(code)):
            raise NotFound(f"certificate: no inspector {certificate} in the directory of agency {code}")
        return found

    def change_inspector(self, caller: Caller, code: str, certificate: str, change: str,
                         reason: str, *, first_day: str = "", last_day: str = "",
                         unit: str = "") -> dict[str, Any]:
        """Leave (not drawn on those days), deactivation or reactivation, a declared conflict of
        interest (利害关系) with a unit of the directory."""
        self.c.access.operate(caller, code)
        self._inspector(code, certificate)
        with self.c.writing(caller):
            if change == "leave":
                self.c.app.record_leave(certificate, first_day, last_day, reason)
            elif change == "deactivate":
                self.c.app.change_inspector(certificate, lambda i: i.deactivate(reason))
            elif change == "reactivate":
                self.c.app.change_inspector(certificate, lambda i: i.reactivate(reason))
            elif change == "conflict":
                self.c.app.declare_conflict(certificate, self._entity(code, unit).id, reason)
            else:
                raise RequestError(f"change: {change!r} is not leave, deactivate, reactivate or "
                                   "conflict")
        return inspector_row(self._inspector(code, certificate))

    # -- rulebooks, the plan, the calendar -------------------------------------------------------
    @staticmethod
    def presets() -> list[dict[str, Any]]:
        """The rulebooks reproducing the seed documents (public)."""
        return [{"name": name, "place": book.place, "level": book.level, "year": book.year,
                 "source": book.source.title} for name, book in PRESETS.items()]

    def adopt_rulebook(self, caller: Caller, code: str, adopted_from: str, approved_by: str,
                       reason: str, *, preset_name: str | None = None,
                       rulebook: dict[str, Any] | None = None) -> dict[str, Any]:
        """Adopt a preset or a rulebook given in full, from a date, with who approved it and why."""
        self.c.access.operate(caller, code)
        if (preset_name is None) == (rulebook is None):
            raise RequestError("rulebook: give a preset name or a rulebook object, one of them")
        if preset_name is not None:
            if preset_name not in PRESETS:
                raise RulebookError(f"preset: {preset_name!r} is not one of {', '.join(PRESETS)}")
            book = preset(preset_name)
        else:
            try:
                book = Rulebook.from_dict(dict(rulebook or {}))
            except RulebookError:
                raise
            except (ValueError, TypeError, KeyError) as exc:  # a malformed object: one line
                raise RulebookError(f"rulebook: {exc}") from None
        adopted = book.adopt(adopted_from)
        with self.c.writing(caller):
            self.c.app.adopt_rulebook(agency_id(code), adopted, approved_by, reason)
        return {"adopted": adopted.name, "from": adopted_from, "approved_by": approved_by}

    def rulebook(self, caller: Caller, code: str, on: str) -> dict[str, Any]:
        """The rulebook in force on a day (public: the inspection items are published anyway)."""
        agency = self.c.access.agency(code)
        found = agency.rulebook_in_force(on)
        if found is None:
            raise NotFound(f"on: {agency.name} has no rulebook in force on {on}")
        return dict(found.to_dict())

    def file_plan(self, caller: Caller, code: str, year: int, approved_by: str) -> dict[str, Any]:
        """Compute and file the annual plan and the quarterly quotas (年度计划、季度任务)."""
        self.c.access.operate(caller, code)
        with self.c.writing(caller):
            plan = self.c.app.file_plan(agency_id(code), year, approved_by)
        return dict(plan.to_dict())

    def record_calendar(self, caller: Caller, code: str, year: int,
                        schedule: dict[str, Any] | None = None) -> dict[str, Any]:
        """Record one year's State Council holiday schedule: from the installed chinesecalendar
        package, or given in full (year, days_off, working_weekends, source)."""
        from ledger.adapters.holiday_calendars import schedules_from_package
        from verify.working_days import YearSchedule

        self.c.access.operate(caller, code)
        if schedule is None:
            data = schedules_from_package([year])[0].as_data()
        else:
            try:
                given = YearSchedule.from_data(schedule)
            except (ValueError, TypeError, KeyError) as exc:
                raise RequestError(f"schedule: {exc}") from None
            if given.year != year:
                raise RequestError(f"schedule: it is the schedule of {given.year}, not {year}")
            data = given.as_data()
        replaced = year in self.c.access.agency(code).working_calendar
        with self.c.writing(caller):
            self.c.app.record_working_calendar(agency_id(code), data, caller.label("办公室"))
        return {"year": year, "source": data["source"], "replaced": replaced}
