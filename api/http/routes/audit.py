"""Reports and audit: quotas, work views, annexes 3 and 4, the bundle, verification of a bundle."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import HTMLResponse, Response

from api.http.auth import TheService, Who
from api.http.routes.params import FILE_RESPONSES, Certificate, Code, file_response
from api.language import current

router = APIRouter(prefix="/api", tags=["reports and audit"])
Quarter = Annotated[str, Query(pattern=r"^[0-9]{4}Q[1-4]$", examples=["2026Q1"])]
Day = Annotated[str | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


@router.get("/agencies/{code}/quotas", summary="The quota and compliance table, with the roll-up")
def quotas(code: Code, caller: Who, service: TheService,
           year: Annotated[int, Query(ge=2000, le=2100)],
           quarter: Annotated[int | None, Query(ge=1, le=4)] = None) -> dict[str, Any]:
    return service.reports.quotas(caller, code, year, quarter)


@router.get("/agencies/{code}/work", summary="The agency's work: progress, late, due, overdue")
def agency_work(code: Code, caller: Who, service: TheService,
                quarter: Annotated[str | None, Query(pattern=r"^[0-9]{4}Q[1-4]$")] = None,
                today: Day = None) -> dict[str, Any]:
    return service.reports.agency_work(caller, code, quarter, today)


@router.get("/officers/{certificate}/work", summary="An officer's inspections and load")
def officer_work(certificate: Certificate, caller: Who, service: TheService,
                 year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict[str, Any]:
    return service.reports.officer_work(caller, certificate, year)


@router.get("/agencies/{code}/annexes/{which}", summary="附件3 or 附件4 of seed 002",
            responses=FILE_RESPONSES, response_class=Response)
def annex(code: Code, which: Literal["annex3", "annex4"], caller: Who, service: TheService,
          quarter: Quarter, format: Literal["xlsx", "csv", "html"] = "xlsx", filed: Day = None,
          head: Annotated[str, Query(max_length=100)] = "",
          reviewer: Annotated[str, Query(max_length=100)] = "",
          filer: Annotated[str, Query(max_length=100)] = "",
          remarks: Annotated[str, Query(max_length=1000)] = "") -> Response:
    return file_response(service.reports.annex(caller, which, code, quarter, format, filed=filed,
                                                head=head, reviewer=reviewer, filer=filer,
                                                remarks=remarks))


@router.get("/agencies/{code}/bundle", summary="The agency log's audit bundle (zip)",
            responses=FILE_RESPONSES, response_class=Response)
def bundle(code: Code, caller: Who, service: TheService) -> Response:
    return file_response(service.reports.bundle(caller, code))


@router.post("/verify", summary="Verify an uploaded bundle (a zip): the JSON report")
def verify(file: Annotated[UploadFile, File()], caller: Who, service: TheService,
           lang: Literal["zh", "en"] | None = None) -> dict[str, Any]:
    """``lang`` (default: the request's ``Accept-Language``, else Chinese)."""
    result = service.reports.verify(caller, file.filename or "bundle.zip", file.file.read(),
                                    lang or current())
    assert isinstance(result, dict)
    return result


@router.post("/verify/report.html", summary="Verify an uploaded bundle: the HTML report",
             response_class=HTMLResponse)
def verify_html(file: Annotated[UploadFile, File()], caller: Who, service: TheService,
                lang: Literal["zh", "en"] | None = None) -> HTMLResponse:
    """``lang`` (default: the request's ``Accept-Language``, else Chinese)."""
    result = service.reports.verify(caller, file.filename or "bundle.zip", file.file.read(),
                                    lang or current(), html=True)
    assert isinstance(result, str)
    return HTMLResponse(result)
