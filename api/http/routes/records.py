"""Records (检查记录), corrections, recusal at the visit, rectification, publication of a result."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response

from api.http.auth import TheService, Who
from api.http.bodies import Publication, RecordCorrection, RecordFiling, Rectification, Recusal
from api.http.routes.params import FILE_RESPONSES, CreditCode, DrawId, file_response
from api.service.records import MAX_FORM

router = APIRouter(prefix="/api/draws/{draw_id}/units/{unit}", tags=["records"])


@router.post("/record", summary="File the record of a visit (the officer of the account)")
def file_record(draw_id: DrawId, unit: CreditCode, body: RecordFiling, caller: Who,
                service: TheService) -> dict[str, Any]:
    return service.records.file(caller, draw_id, unit, body.record, body.on)


@router.get("/record-form", summary="The prefilled record form of the visit (an officer of its "
            "team; .xlsx or JSON)", responses=FILE_RESPONSES, response_class=Response)
def record_form(draw_id: DrawId, unit: CreditCode, caller: Who, service: TheService,
                format: Annotated[Literal["xlsx", "json"], Query()] = "xlsx") -> Response:
    return file_response(service.records.form(caller, draw_id, unit, format))


@router.post("/record-form", summary="File the record of a visit from its filled form (.xlsx) or a "
             "JSON record file (the officer of the account)")
def file_record_form(draw_id: DrawId, unit: CreditCode, file: Annotated[UploadFile, File()],
                     caller: Who, service: TheService,
                     on: Annotated[str | None, Query(max_length=10)] = None) -> dict[str, Any]:
    content = file.file.read(MAX_FORM + 1)
    return service.records.file_form(caller, draw_id, unit, file.filename or "", content, on)


@router.get("/record", summary="The full record: an officer of the visit, the operator, an auditor")
def show_record(draw_id: DrawId, unit: CreditCode, caller: Who,
                service: TheService) -> dict[str, Any]:
    return service.records.show(caller, draw_id, unit)


@router.post("/corrections", summary="Correct a filed record (the earlier one stays)")
def correct_record(draw_id: DrawId, unit: CreditCode, body: RecordCorrection, caller: Who,
                   service: TheService) -> dict[str, Any]:
    return service.records.correct(caller, draw_id, unit, body.record, body.reason, body.on)


@router.post("/recusals", summary="A recusal asked at the visit, and the decision")
def recusal(draw_id: DrawId, unit: CreditCode, body: Recusal, caller: Who,
            service: TheService) -> dict[str, Any]:
    return service.records.recusal(caller, draw_id, unit, body.officer, body.requested_by,
                                   body.reason, body.granted)


@router.post("/rectifications", summary="An order to correct verified as done")
def rectify(draw_id: DrawId, unit: CreditCode, body: Rectification, caller: Who,
            service: TheService) -> dict[str, Any]:
    return service.records.rectify(caller, draw_id, unit, body.order, body.on, body.evidence)


@router.post("/publication", summary="Publish the result (masked; withheld fields reviewed)")
def publish(draw_id: DrawId, unit: CreditCode, body: Publication, caller: Who,
            service: TheService) -> dict[str, Any]:
    return service.records.publish(caller, draw_id, unit, body.on,
                                   [w.model_dump() for w in body.withheld], body.reviewer,
                                   body.reviewed_on)
