"""The ceremony (摇号): freeze, commitments, reveals, dice, external value, seed, run, fix, amend,
block, tasks, the sealed files, disclosure."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.http.auth import TheService, Who
from api.http.bodies import (
    Amendment,
    Block,
    Commitment,
    Dice,
    External,
    Freeze,
    OnDay,
    Opening,
    Reveal,
)
from api.http.routes.params import FILE_RESPONSES, Code, DrawId, file_response

router = APIRouter(prefix="/api", tags=["draws"])


@router.post("/agencies/{code}/draws", summary="Freeze a draw's inputs inside the draw window")
def freeze(code: Code, body: Freeze, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.freeze(caller, code, body.period, body.on, kind=body.kind,
                                witnesses=body.witnesses, dice=body.dice, external=body.external,
                                load_cap=body.load_cap)


@router.post("/draws/{draw_id}/commitments", summary="A witness's own commitment")
def commit(draw_id: DrawId, body: Commitment, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.commit(caller, draw_id, body.k, body.role, body.commitment)


@router.post("/draws/{draw_id}/reveals", summary="A witness's own reveal (a mismatch is recorded)")
def reveal(draw_id: DrawId, body: Reveal, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.reveal(caller, draw_id, body.k, body.value)


@router.post("/draws/{draw_id}/dice", summary="The witnessed dice roll")
def dice(draw_id: DrawId, body: Dice, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.dice(caller, draw_id, body.k, body.digits, body.witnessed_by)


@router.post("/draws/{draw_id}/external", summary="The pre-announced public value")
def external(draw_id: DrawId, body: External, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.external(caller, draw_id, body.k, body.value)


@router.post("/draws/{draw_id}/seed", summary="Derive the one seed (a second attempt: 409)")
def seed(draw_id: DrawId, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.seed(caller, draw_id)


@router.post("/draws/{draw_id}/block", summary="Stop a draw for good (a witness never revealed)")
def block(draw_id: DrawId, body: Block, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.block(caller, draw_id, body.reason, body.detail)


@router.post("/draws/{draw_id}/run", summary="Draw the units and assign the teams (sealed)")
def run(draw_id: DrawId, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.run(caller, draw_id)


@router.post("/draws/{draw_id}/fix", summary="Fix the list (确定)")
def fix(draw_id: DrawId, body: OnDay, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.fix(caller, draw_id, body.on)


@router.post("/draws/{draw_id}/amendments",
             summary="Amend a fixed list: replace a closed unit, or fill a recusal")
def amend(draw_id: DrawId, body: Amendment, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.amend(caller, draw_id, body.reason, body.approved_by,
                               replace_unit=body.replace_unit, recuse=body.recuse, unit=body.unit)


@router.post("/draws/{draw_id}/tasks",
             summary="Open the teams before disclosure: an officer their own, the operator or an "
             "auditor all; the opening is recorded")
def tasks(draw_id: DrawId, body: Opening, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.tasks(caller, draw_id, body.why)


@router.post("/draws/{draw_id}/files", summary="The draw's spec files as a zip; the opening is "
             "recorded", responses=FILE_RESPONSES, response_class=Response)
def files(draw_id: DrawId, body: Opening, caller: Who, service: TheService) -> Response:
    return file_response(service.draws.files(caller, draw_id, body.why))


@router.post("/draws/{draw_id}/disclose",
             summary="The task notice: publish the draw key once every visit is recorded")
def disclose(draw_id: DrawId, body: OnDay, caller: Who, service: TheService) -> dict[str, Any]:
    return service.draws.disclose(caller, draw_id, body.on)
