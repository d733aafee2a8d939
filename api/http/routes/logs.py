"""The agencies' logs (透明日志): C2SP tiled logs, receipts, event bodies, officers' steps.

Under ``/logs/<division code>/`` as tlog-tiles names them: ``checkpoint`` (text/plain, cached a few
seconds), ``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]`` (application/octet-stream,
immutable; entry bundles gzip-compressed when the client accepts gzip), ``receipts/<index>``
(tlog-proof@v1) and ``events?start=&end=`` (JSON Lines, for those who read the agency).
"""

from __future__ import annotations

import gzip
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.http.auth import TheService, Who
from api.http.routes.params import Certificate, Code

router = APIRouter(tags=["transparency logs"])

#: tlog-tiles: the checkpoint "is mutable, so its headers SHOULD prevent caching beyond a few
#: seconds"; tiles are "immutable, so its caching headers SHOULD be long-lived".
CHECKPOINT_CACHE = "public, max-age=5"
TILE_CACHE = "public, max-age=31536000, immutable"
OCTETS: dict[int | str, dict[str, Any]] = {200: {"content": {"application/octet-stream": {}}}}
TEXT: dict[int | str, dict[str, Any]] = {200: {"content": {"text/plain": {}}}}


@router.get("/logs/{code}/checkpoint", response_class=Response, responses=TEXT,
            summary="The log's signed checkpoint with the witnesses' cosignatures (tlog-tiles)")
def checkpoint(code: Code, service: TheService) -> Response:
    return Response(service.logs.checkpoint(code).encode("utf-8"),
                    media_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": CHECKPOINT_CACHE})


@router.get("/logs/{code}/tile/{path:path}", response_class=Response, responses=OCTETS,
            summary="A hash tile tile/<L>/<N>[.p/<W>] or entry bundle tile/entries/<N>[.p/<W>]")
def tile(code: Code, path: str, request: Request, service: TheService) -> Response:
    found = service.logs.tile(code, "tile/" + path)
    headers = {"Cache-Control": TILE_CACHE}
    content = found.content
    if found.entries:  # "Entry bundles SHOULD be compressed at the HTTP layer"
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("accept-encoding", ""):
            content = gzip.compress(content, mtime=0)
            headers["Content-Encoding"] = "gzip"
    return Response(content, media_type="application/octet-stream", headers=headers)


@router.get("/logs/{code}/public-bundle.zip", response_class=Response,
            responses={200: {"content": {"application/zip": {}}}},
            summary="The log's public bundle (公开核验包): entries, checkpoints and public bodies")
def public_bundle(code: Code, service: TheService) -> Response:
    download = service.logs.public_bundle(code)
    return Response(download.content, media_type=download.media_type, headers={
        "Content-Disposition": f'attachment; filename="{download.filename}"',
        "Cache-Control": "public, max-age=60"})


@router.get("/logs/{code}/receipts/{index}", response_class=Response, responses=TEXT,
            summary="The receipt of one event: a C2SP tlog-proof@v1 (.tlog-proof)")
def receipt(code: Code, index: Annotated[int, Path(ge=0, le=2**63 - 1)], caller: Who,
            service: TheService) -> Response:
    download = service.logs.receipt(caller, code, index)
    return Response(download.content, media_type=download.media_type, headers={
        "Content-Disposition": f'attachment; filename="{download.filename}"',
        "Cache-Control": "private, no-store"})


@router.get("/logs/{code}/events", response_class=Response,
            responses={200: {"content": {"application/jsonl": {}}}},
            summary="Events [start, end) of the log as JSON Lines (whoever reads the agency)")
def events(code: Code, caller: Who, service: TheService, request: Request,
           start: Annotated[int, Query(ge=0)] = 0,
           end: Annotated[int | None, Query(ge=0)] = None) -> Response:
    body = b"".join(service.logs.events(caller, code, start, end))
    headers = {"Cache-Control": "private, no-store", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = gzip.compress(body, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/jsonl; charset=utf-8", headers=headers)


@router.get("/api/officers/{certificate}/steps",
            summary="An officer's own steps in the log, each with its receipt's address")
def officer_steps(certificate: Certificate, caller: Who, service: TheService
                  ) -> list[dict[str, Any]]:
    return service.logs.officer_steps(caller, certificate)


@router.get("/api/agencies/{code}/witnesses",
            summary="The log's witnesses: how far behind each is, its last answer")
def witnesses(code: Code, caller: Who, service: TheService) -> list[dict[str, Any]]:
    return service.logs.witnesses(caller, code)
