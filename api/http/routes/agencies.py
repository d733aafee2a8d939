"""An agency's directories, rulebook, plan and calendar (the operator's; read by auditors above)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response

from api.http.auth import TheService, Who
from api.http.bodies import CalendarRecord, EntityChange, InspectorChange, PlanFiling, RulebookAdoption
from api.http.routes.params import FILE_RESPONSES, Certificate, Code, CreditCode, file_response

router = APIRouter(prefix="/api/agencies/{code}", tags=["directories"])
Which = Literal["entities", "inspectors"]
Format = Annotated[Literal["xlsx", "csv"], Query()]


@router.post("/{which}/import", summary="Import a directory file (.xlsx or CSV): all rows or none")
def import_directory(code: Code, which: Which, file: Annotated[UploadFile, File()], caller: Who,
                     service: TheService, keep_ledger: bool = False) -> dict[str, Any]:
    """``keep_ledger``: rows registered already with other values keep the ledger's values
    (listed under ``kept``) instead of refusing the file."""
    content = file.file.read()
    return service.directories.import_file(caller, code, which, file.filename or "", content,
                                           keep_ledger=keep_ledger)


@router.get("/{which}/export", summary="The directory as .xlsx or CSV", responses=FILE_RESPONSES,
            response_class=Response)
def export_directory(code: Code, which: Which, caller: Who, service: TheService,
                     format: Format = "xlsx", english: bool = False) -> Response:
    return file_response(service.directories.export_file(caller, code, which, format, english))


@router.get("/entities", summary="The inspection objects (检查对象名录库)")
def entities(code: Code, caller: Who, service: TheService) -> list[dict[str, Any]]:
    return service.directories.entities(caller, code)


@router.get("/entities/{credit_code}", summary="One inspection object, every field")
def entity(code: Code, credit_code: CreditCode, caller: Who, service: TheService) -> dict[str, Any]:
    return service.directories.entity(caller, code, credit_code)


@router.post("/entities/{credit_code}/changes",
             summary="Change an entry with a reason: close, update, reclassify, special, …")
def change_entity(code: Code, credit_code: CreditCode, body: EntityChange, caller: Who,
                  service: TheService) -> dict[str, Any]:
    return service.directories.change_entity(
        caller, code, credit_code, body.change, body.reason, fields=body.fields,
        category=body.category, control_level=body.control_level, reasons=body.reasons,
        approved_by=body.approved_by, destination=body.destination)


@router.get("/inspectors", summary="The inspectors (执法检查人员名录库)")
def inspectors(code: Code, caller: Who, service: TheService) -> list[dict[str, Any]]:
    return service.directories.inspectors(caller, code)


@router.post("/inspectors/{certificate}/changes",
             summary="Leave, deactivation, reactivation, a declared conflict of interest")
def change_inspector(code: Code, certificate: Certificate, body: InspectorChange, caller: Who,
                     service: TheService) -> dict[str, Any]:
    return service.directories.change_inspector(
        caller, code, certificate, body.change, body.reason, first_day=body.first_day,
        last_day=body.last_day, unit=body.unit)


@router.post("/rulebooks", summary="Adopt a rulebook (a preset, or one in full) from a date")
def adopt_rulebook(code: Code, body: RulebookAdoption, caller: Who,
                   service: TheService) -> dict[str, Any]:
    return service.directories.adopt_rulebook(
        caller, code, body.adopted_from, body.approved_by, body.reason, preset_name=body.preset,
        rulebook=body.rulebook)


@router.post("/plans", summary="Compute and file the annual plan and quarterly quotas")
def file_plan(code: Code, body: PlanFiling, caller: Who, service: TheService) -> dict[str, Any]:
    return service.directories.file_plan(caller, code, body.year, body.approved_by)


@router.post("/calendars", summary="Record a year's State Council holiday schedule")
def record_calendar(code: Code, body: CalendarRecord, caller: Who,
                    service: TheService) -> dict[str, Any]:
    return service.directories.record_calendar(caller, code, body.year, body.schedule)
