"""The operator's pages for one unit of a fixed draw (检查对象办理), and the officer's recusal form.

* **Publication with the confidentiality review** (发布前审核、保密审查): the masked preview of
  what will be public, each field that may be withheld with its ground (商业秘密、个人隐私、国家秘密)
  and the review's conclusion, the reviewer and the date of review; the record's text written for
  the public is published only once this review approves it.
* **Recusal at the visit** (现场回避): who asked, why, granted or refused; the decider is the
  signed-in account (the operator, or the officer of the visit), as the service records it.
* **Follow-up** (整改核查): an order to correct verified as done, by its number from 1, the date and
  the evidence; the verifier is the signed-in account.

Everything goes through :class:`api.service.records.Records`, the same use cases as the JSON routes
and the command line; the pages only turn forms into calls and errors into the form's fields. A
unit not yet recorded is shown with nothing of the sealed list (its team is not read here).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.access import Caller
from api.accounts import Account
from api.http.auth import TheService
from api.http.pages.i18n import choose, translator
from api.http.pages.render import render
from api.http.pages.staff import DrawId, Unit, _act, _signed_form, _signed_in
from ledger.domain.masking import GROUNDS
from ledger.errors import SpotcheckError

router = APIRouter(include_in_schema=False)
ACTIONS = r"^(preview|publish|rectify|recusal)$"


def _text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def withheld_from_values(v: dict[str, Any]) -> list[dict[str, str]]:
    """The withheld rows of a form shown again (its values as typed)."""
    rows = []
    for n in range(50):
        field = str(v.get(f"withheld[{n}].field", ""))
        if not field:
            break
        rows.append({"field": field, "ground": str(v.get(f"withheld[{n}].ground", "")),
                     "conclusion": str(v.get(f"withheld[{n}].conclusion", ""))})
    return rows


def withheld_from(form: FormData) -> tuple[list[dict[str, str]], list[int]]:
    """The fields the form withholds (a ground chosen), and each one's row on the form."""
    chosen, rows = [], []
    for n in range(50):
        field = _text(form, f"withheld[{n}].field")
        if not field:
            break
        ground, conclusion = _text(form, f"withheld[{n}].ground"), _text(form,
                                                                         f"withheld[{n}].conclusion")
        if ground or conclusion:
            chosen.append({"field": field, "ground": ground, "conclusion": conclusion})
            rows.append(n)
    return chosen, rows


def on_form(error: dict[str, str], rows: list[int]) -> dict[str, str]:
    """The service's error with its field as the form names it (``withheld[0]`` of the service
    is the first withheld field, which may be the form's third row; the text for the public
    asks for the reviewer)."""
    field = error.get("field", "")
    found = re.match(r"^withheld\[(\d+)\](.*)$", field)
    if found and int(found.group(1)) < len(rows):
        field = f"withheld[{rows[int(found.group(1))]}]{found.group(2)}"
    elif field == "public_remarks":
        field = "reviewer"
    return {**error, "field": field}


def field_label(field: str, t: Any) -> str:
    """A public result's field as the page names it (``orders.0.order`` → 责令改正事项 1)."""
    found = re.match(r"^orders\.(\d+)\.order$", field)
    if found:
        return f"{t('rec.order')} {int(found.group(1)) + 1}"
    return str(t({"remarks": "pub.public_text", "penalty": "res.penalty",
                  "officers": "task.officers"}.get(field, "form.field")))


def value_at(public: dict[str, Any], field: str) -> str:
    """The public copy's value at a dot path, as text."""
    node: Any = public
    for step in field.split("."):
        node = node[int(step)] if isinstance(node, list) else node[step]
    return "、".join(map(str, node)) if isinstance(node, list) else str(node)


def error_label(field: str, fields: list[str], t: Any) -> str:
    found = re.match(r"^withheld\[(\d+)\](?:\.(\w+))?$", field)
    if found and int(found.group(1)) < len(fields):
        part: dict[str, str] = {"ground": " · " + t("pub.ground"),
                                "conclusion": " · " + t("pub.conclusion")}
        return field_label(fields[int(found.group(1))], t) + part.get(found.group(2) or "", "")
    labels = {"reviewer": "pub.reviewer", "reviewed_on": "pub.reviewed_on",
              "disclosed_on": "res.result_disclosed_on", "rectified_on": "fu.rectified_on",
              "order": "fu.order", "evidence": "fu.evidence", "officer": "rcl.officer",
              "requested_by": "rcl.requested_by", "reason": "rcl.reason", "granted": "rcl.decision"}
    return str(t(labels[field])) if field in labels else ""


def _unit_page(request: Request, service: Any, account: Account, draw_id: str, unit: str,
               error: dict[str, str] | None, v: dict[str, Any], status: int = 200,
               preview: dict[str, Any] | None = None, done: str = "") -> Response:
    caller = Caller(account)
    state = service.records.state(caller, draw_id, unit)
    publication = None
    plain: dict[str, Any] | None = None
    if state["filed"] and not state["disclosed"]:
        try:
            plain = service.records.preview(caller, draw_id, unit)
        except SpotcheckError as exc:  # a record that cannot be published as it stands
            if exc.kind in ("integrity", "unavailable", "internal"):
                raise
            plain, error = None, error or {"field": exc.field, "rule": exc.rule,
                                           "message": str(exc)}
    if plain is not None:
        chosen = [w for w in withheld_from_values(v) if w["ground"]]
        if preview is None and chosen:  # shown again after an error: as chosen, if it holds
            try:
                preview = service.records.preview(caller, draw_id, unit, chosen)
            except SpotcheckError:
                preview = None
        t = translator(choose(request))
        publication = {**plain, "public": (preview or plain)["public"],
                       "rows": [{"field": f, "label": field_label(f, t),
                                 "value": value_at(plain["public"], f)}
                                for f in plain["withholdable"]]}
    if error is not None:
        fields = publication["withholdable"] if publication else []
        error = {**error, "label": error_label(error["field"], fields,
                                               translator(choose(request)))}
    return render(request, "unit_work.html", status=status, state=state, pub=publication,
                  error=error, v=v, grounds=list(GROUNDS), draw_id=draw_id, unit=unit, done=done)


@router.get("/ceremony/{draw_id}/units/{unit}", response_class=HTMLResponse)
def unit_work(request: Request, draw_id: DrawId, unit: Unit, service: TheService,
              done: str = "") -> Response:
    found = _signed_in(request, "operator")
    if isinstance(found, Response):
        return found
    return _unit_page(request, service, found, draw_id, unit, None, {},
                      done=done if done in ("rectify", "recusal") else "")


@router.get("/ceremony/{draw_id}/unit", response_class=HTMLResponse)
def unit_by_code(request: Request, draw_id: DrawId, unit: str = "") -> Response:
    """The console's "open a unit" form: to the unit's page (its code checked there)."""
    code = unit.strip().upper()
    if not re.fullmatch(r"[0-9A-Z]{18}", code):
        return RedirectResponse(f"/ceremony/{draw_id}?unit_error=1", status_code=303)
    return RedirectResponse(f"/ceremony/{draw_id}/units/{code}", status_code=303)


@router.post("/ceremony/{draw_id}/units/{unit}/{action}", response_class=HTMLResponse)
async def unit_action(request: Request, draw_id: DrawId, unit: Unit,
                      action: Annotated[str, Path(pattern=ACTIONS)], service: TheService
                      ) -> Response:
    signed = await _signed_form(request, "operator")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    caller, records = Caller(found), service.records
    v: dict[str, Any] = {k: _text(form, k) for k in form if k != "csrf"}
    rows: list[int] = []
    if action in ("preview", "publish"):
        chosen, rows = withheld_from(form)
        if action == "preview":
            shown, error = await _act(lambda: records.preview(caller, draw_id, unit, chosen))
            if error is None:
                return await run_in_threadpool(_unit_page, request, service, found, draw_id,
                                               unit, None, v, 200, shown)
        else:
            _, error = await _act(lambda: records.publish(
                caller, draw_id, unit, v.get("on") or None, chosen, v.get("reviewer", ""),
                v.get("reviewed_on", "")))
            if error is None:
                return RedirectResponse(f"/ceremony/{draw_id}?published={unit}", status_code=303)
    elif action == "rectify":
        _, error = await _act(lambda: records.rectify(
            caller, draw_id, unit, _order(v.get("order", "")), v.get("rectified_on") or None,
            v.get("evidence", "")))
    else:
        _, error = await _recusal(records, caller, draw_id, unit, v)
    if error is not None:
        return await run_in_threadpool(_unit_page, request, service, found, draw_id, unit,
                                       on_form(error, rows), v, 422)
    return RedirectResponse(f"/ceremony/{draw_id}/units/{unit}?done={action}", status_code=303)


def _order(value: str) -> int:
    from api.service.context import RequestError

    if not value.isdigit() or int(value) < 1:
        raise RequestError(f"order: {value!r} is not an order's number (from 1)")
    return int(value)


async def _recusal(records: Any, caller: Caller, draw_id: str, unit: str, v: dict[str, Any]
                   ) -> tuple[Any, dict[str, str] | None]:
    """A recusal from the form: the officer, who asked, why, granted or refused."""
    from api.service.context import RequestError

    def call() -> Any:
        if not v.get("officer"):
            raise RequestError("officer: the certificate of the officer asked to recuse")
        if v.get("granted") not in ("yes", "no"):
            raise RequestError("granted: granted or refused")
        return records.recusal(caller, draw_id, unit, v["officer"].upper(),
                               v.get("requested_by", ""), v.get("reason", ""),
                               v["granted"] == "yes")
    return await _act(call)


# -- the officer at the gate ------------------------------------------------------------------------
@router.post("/officer/record/{draw_id}/{unit}/recusal", response_class=HTMLResponse)
async def officer_recusal(request: Request, draw_id: DrawId, unit: Unit, service: TheService
                          ) -> Response:
    """The recusal asked at the visit, recorded by an officer of the team (from the record form)."""
    from api.http.pages.staff import _form_page, _record_context

    signed = await _signed_form(request, "officer")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    v = {f"recusal.{k}": _text(form, k) for k in ("officer", "requested_by", "reason", "granted")}
    plain = {k.removeprefix("recusal."): value for k, value in v.items()}
    result, error = await _recusal(service.records, Caller(found), draw_id, unit, plain)
    if error is None and result["granted"] and result["officer"] == found.certificate:
        return RedirectResponse("/officer", status_code=303)  # off the team now
    ctx = await run_in_threadpool(_record_context, service, found, draw_id, unit)
    values = {"officers": ctx["team"], "place": "", "status": "operating", "visited_on": "",
              "filed_on": date.today().isoformat(), **v}  # the record form as first shown
    if error is not None:
        error = {**error, "field": "recusal." + error["field"] if error["field"] else "recusal",
                 "label": error_label(error["field"], [], translator(choose(request)))}
        return _form_page(request, ctx, values, error, status=422, labelled=True)
    return _form_page(request, ctx, values, None, recused=result)
