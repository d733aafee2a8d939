"""What anyone may read, without an account (一公开): agencies, rulebook presets, an agency's public
pages, the search of published results, the public view of draws."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.http.auth import TheService
from api.http.routes.params import Code, DrawId

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


@router.get("/public/agencies/{code}/{year}",
            summary="An agency's public pages (抽查事项清单, 计划, 任务, 结果): masked, nothing sealed")
def agency_pages(code: Code, year: Annotated[int, Path(ge=2000, le=2100)],
                 service: TheService) -> dict[str, Any]:
    return service.reports.agency_pages(code, year)


@router.get("/public/search", summary="Published results whose unit name or credit code contains q")
def search(service: TheService, q: Annotated[str, Query(max_length=200)] = "",
           year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
           quarter: Annotated[int | None, Query(ge=1, le=4)] = None,
           agency: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None
           ) -> list[dict[str, Any]]:
    return service.reports.search(q, year=year, agency=agency, quarter=quarter)


@router.get("/draws", summary="Every draw (or an agency's): kind, period, status, counts, list hash")
def draws(service: TheService, agency: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None
          ) -> list[dict[str, Any]]:
    return service.draws.all(agency)


@router.get("/draws/{draw_id}", summary="The public view of a draw (no list before disclosure)")
def draw(draw_id: DrawId, service: TheService) -> dict[str, Any]:
    return service.draws.show(draw_id)
