"""What anyone may read, without an account (一公开): agencies, rulebook presets, an agency's public
pages, the search of published results, the public view of draws."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.http.auth import TheService
from api.http.routes.params import Code, DrawId
from api.service.public_cache import Cached

JSON_OBJECT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}}}}
JSON_ARRAY: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}}

router = APIRouter(prefix="/api", tags=["public"])


@router.get("/agencies", summary="Every agency: code, name, level, parent, log origin")
def agencies(service: TheService) -> list[dict[str, Any]]:
    return service.directories.agencies()


@router.get("/rulebooks/presets", summary="The rulebooks reproducing the seed documents")
def presets(service: TheService) -> list[dict[str, Any]]:
    return service.directories.presets()


@router.get("/agencies/{code}/rulebook", summary="The rulebook in force on a day")
def rulebook(code: Code, service: TheService,
             on: Annotated[str, Query(max_length=10, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
             = "9999-12-31") -> dict[str, Any]:
    from api.access import PUBLIC_CALLER

    return service.directories.rulebook(PUBLIC_CALLER, code, on)


@router.get("/public/agencies/{code}/{year}", response_class=Response, responses=JSON_OBJECT,
            summary="An agency's public pages (抽查事项清单, 计划, 任务, 结果): masked, nothing sealed")
async def agency_pages(code: Code, year: Annotated[int, Path(ge=2000, le=2100)], request: Request,
                       service: TheService) -> Response:
    reports = service.reports
    found = reports.cache.fresh(reports.pages_key(code, year))
    if found is None:
        found = await run_in_threadpool(reports.cached_pages, code, year)
    return _answer(found, request)


@router.get("/public/search", response_class=Response, responses=JSON_ARRAY,
            summary="Published results whose unit name or credit code contains q")
async def search(request: Request, service: TheService,
                 q: Annotated[str, Query(max_length=200)] = "",
                 year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                 quarter: Annotated[int | None, Query(ge=1, le=4)] = None,
                 agency: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None) -> Response:
    reports = service.reports
    found = reports.cache.fresh(reports.search_key(q, year, agency, quarter))
    if found is None:
        found = await run_in_threadpool(reports.cached_search, q, year, agency, quarter)
    return _answer(found, request)


def _answer(found: Cached, request: Request) -> Response:
    """The kept JSON, or 304 when the client holds this version already (its ETag)."""
    headers = {"ETag": found.etag, "Cache-Control": "public, max-age=1"}
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type="application/json", headers=headers)


@router.get("/draws", summary="Every draw (or an agency's): kind, period, status, counts, list hash")
def draws(service: TheService, agency: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None
          ) -> list[dict[str, Any]]:
    return service.draws.all(agency)


@router.get("/draws/{draw_id}", summary="The public view of a draw (no list before disclosure)")
def draw(draw_id: DrawId, service: TheService) -> dict[str, Any]:
    return service.draws.show(draw_id)
