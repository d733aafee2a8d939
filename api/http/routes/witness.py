"""The witness (见证方, C2SP tlog-witness): ``POST /witness/add-checkpoint`` and what it keeps.

``add-checkpoint`` answers as the specification says, in plain text (not the service's JSON error
object): 200 with the cosignature line(s); 404, 403, 400, 422 with the reason; 409 with the size
last cosigned and ``Content-Type: text/x.tlog.size``. ``GET /witness/<origin hash>/checkpoint``
serves the latest checkpoint cosigned for a log (the monitoring prefix is ``/witness``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.http.auth import TheService, Who
from ledger.errors import NotFound
from ledger.log.witness import SIZE_MEDIA_TYPE, WitnessRefusal

router = APIRouter(prefix="/witness", tags=["witness"])
MAX_BODY = 64 * 1024
TEXT: dict[int | str, dict[str, Any]] = {200: {"content": {"text/plain": {}}}}


@router.post("/add-checkpoint", response_class=Response, responses=TEXT,
             summary="Cosign a checkpoint consistent with the last one cosigned (tlog-witness)")
async def add_checkpoint(request: Request, service: TheService) -> Response:
    body = await request.body()
    if len(body) > MAX_BODY:
        return Response(f"body: larger than {MAX_BODY} bytes\n", status_code=400,
                        media_type="text/plain; charset=utf-8")
    try:
        lines = await run_in_threadpool(service.witness.add_checkpoint, body)
    except WitnessRefusal as refusal:
        if refusal.status == 409:
            # exactly this type (Starlette would add "; charset=utf-8" to a media_type)
            return Response(f"{refusal.size}\n".encode("ascii"), status_code=409,
                            headers={"Content-Type": SIZE_MEDIA_TYPE})
        return Response(str(refusal) + "\n", status_code=refusal.status,
                        media_type="text/plain; charset=utf-8")
    return Response(lines, media_type="text/plain; charset=utf-8")


@router.get("/logs", summary="The logs this deployment witnesses, and how far it cosigned each")
def logs(service: TheService) -> list[dict[str, Any]]:
    return service.witness.logs()


@router.get("/refusals", summary="The checkpoints refused, kept as evidence (auditors)")
def refusals(caller: Who, service: TheService,
             origin: Annotated[str | None, Query(max_length=200)] = None
             ) -> list[dict[str, Any]]:
    return service.witness.refusals(caller, origin)


@router.get("/{origin_hash}/checkpoint", response_class=Response, responses=TEXT,
            summary="The latest checkpoint cosigned for the log whose origin hashes to this")
def latest(origin_hash: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")], service: TheService
           ) -> Response:
    note = service.witness.latest(origin_hash)
    if note is None:
        raise NotFound("origin_hash: this witness has cosigned no checkpoint of that log")
    return Response(note, media_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=5"})
