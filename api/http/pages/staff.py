"""Pages for staff (工作人员): sign-in, the officer's tasks and record form, the ceremony console,
the witness's page and the auditor's desk.

Each page acts as the signed-in account (:class:`api.access.Caller`), through the same service
methods as the JSON routes, so the same access rules hold: a page never shows what its reader's role
may not read (the ceremony console shows the public view of a draw — counts and hashes — never the
sealed list). Every form that writes carries the anti-forgery field (:mod:`.session`), checked
before the form is read; a refused form writes nothing and is shown again with the error naming
its field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from api.access import Caller
from api.accounts import Account
from api.http.auth import TheService
from api.http.pages.i18n import TEXTS, choose, translator
from api.http.pages.render import render
from api.http.pages.session import (
    FormRefused,
    check_csrf,
    end_session,
    ensure_pre_session_cookie,
    page_account,
    prepare_pre_session,
    start_session,
)
from api.service.draws import task_row
from ledger.domain.inspection_record import FACILITY_STATES, FINDINGS, STATUSES
from ledger.errors import SpotcheckError

router = APIRouter(include_in_schema=False)
DrawId = Annotated[str, Path(pattern=r"^[0-9]{6}-[0-9]{4}Q[1-4]-[a-z]+$", max_length=40)]
Unit = Annotated[str, Path(pattern=r"^[0-9A-Z]{18}$")]
MAX_ATTACHMENT = 32 * 1024 * 1024


def _error(exc: SpotcheckError) -> dict[str, str]:
    return {"field": exc.field, "rule": exc.rule, "message": str(exc)}


def _signed_in(request: Request, *roles: str) -> Account | Response:
    """The page's account, or the answer to give instead (to sign-in, or 403)."""
    account = page_account(request)
    if account is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if roles and account.role not in roles:
        return render(request, "error.html", status=403, status_code=403, error={
            "kind": "forbidden", "field": "role",
            "rule": f"{account.role} ≠ {' / '.join(roles)}", "message": ""})
    return account


async def _form(request: Request) -> FormData:
    """The posted form, once its anti-forgery field holds (:class:`FormRefused` otherwise)."""
    form = await request.form(max_files=20, max_fields=500)
    check_csrf(request, str(form.get("csrf", "")))
    return form


async def _signed_form(request: Request, *roles: str) -> tuple[Account, FormData] | Response:
    """The signed-in account (of one of ``roles``) and its posted form, once the form's
    anti-forgery field holds; else the answer to give instead (sign-in, 403)."""
    found = _signed_in(request, *roles)
    if isinstance(found, Response):
        return found
    try:
        return found, await _form(request)
    except FormRefused:
        return _refused(request)


def _refused(request: Request) -> Response:
    return render(request, "error.html", status=403, status_code=403, error={
        "kind": "forbidden", "field": "csrf", "rule": "", "message": ""}, csrf_refused=True)


async def _act(call: Callable[[], Any]) -> tuple[Any, dict[str, str] | None]:
    """Run a service call in a worker thread; its error (naming the field) instead of raising."""
    try:
        return await run_in_threadpool(call), None
    except SpotcheckError as exc:
        if exc.kind in ("integrity", "unavailable", "internal"):
            raise
        return None, _error(exc)


# -- signing in ------------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/me") -> Response:
    prepare_pre_session(request)
    response = render(request, "login.html", next=_local(next), error=None)
    ensure_pre_session_cookie(request, response)
    return response


def _local(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/me"


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, service: TheService) -> Response:
    try:
        form = await _form(request)
    except FormRefused:
        return _refused(request)
    token = str(form.get("token", "")).strip()
    target = _local(str(form.get("next", "/me")))
    account = await run_in_threadpool(service.accounts.authenticate, token) if token else None
    if account is None:
        return render(request, "login.html", status=422, next=target,
                      error={"field": "token", "rule": "login.bad"})
    value = await run_in_threadpool(service.accounts.open_session, account.username)
    response = RedirectResponse(target, status_code=303)
    start_session(response, value)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    try:
        await _form(request)
    except FormRefused:
        return _refused(request)
    response = RedirectResponse("/", status_code=303)
    end_session(request, response)
    return response


@router.get("/me")
def me(request: Request) -> Response:
    found = _signed_in(request)
    if isinstance(found, Response):
        return found
    target = {"officer": "/officer", "operator": "/ceremony", "auditor": "/audit",
              "witness": f"/witness/{found.draw_id}"}[found.role]
    return RedirectResponse(target, status_code=303)


# -- the officer -------------------------------------------------------------------------------------
def _officer_home(request: Request, service: Any, account: Account, opened: dict[str, Any] | None,
                  error: dict[str, str] | None, status: int = 200) -> Response:
    caller = Caller(account)
    draws = [d for d in service.draws.all(account.agency) if d["status"] == "fixed"]
    work = service.reports.officer_work(caller, account.certificate, None)
    steps = service.logs.officer_steps(caller, account.certificate)
    return render(request, "officer.html", status=status, draws=draws, work=work, steps=steps,
                  opened=opened, error=error, today=date.today().isoformat())


@router.get("/officer", response_class=HTMLResponse)
def officer(request: Request, service: TheService) -> Response:
    found = _signed_in(request, "officer")
    if isinstance(found, Response):
        return found
    return _officer_home(request, service, found, None, None)


@router.post("/officer/tasks", response_class=HTMLResponse)
async def officer_tasks(request: Request, service: TheService) -> Response:
    signed = await _signed_form(request, "officer")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    draw_id, why = str(form.get("draw_id", "")), str(form.get("why", "")).strip()
    opened: Any = None
    error: dict[str, str] | None = None
    if not why:
        error = {"field": "why", "rule": "off.why_needed", "message": ""}
    else:
        opened, error = await _act(lambda: service.draws.tasks(Caller(found), draw_id, why))
    return await run_in_threadpool(_officer_home, request, service, found, opened, error,
                                   422 if error else 200)


def _record_context(service: Any, account: Account, draw_id: str, unit: str) -> dict[str, Any]:
    """What the record form is built from: the unit's team (the officer must be on it: the sealed
    list is read for them alone, their opening of it being recorded on the tasks page), the
    rulebook's item list in force at the period, the draw's period."""
    from ledger.errors import NotFound

    team = service.records.inspections.team(draw_id, unit)
    if account.certificate not in team:
        raise NotFound(f"unit: officer {account.certificate} is not on the team of {unit} in "
                       f"{draw_id}")
    draw = service.draws.show(draw_id)
    code = draw_id.split("-")[0]
    year, quarter = int(draw["period"][:4]), int(draw["period"][5])
    first = date(year, 3 * quarter - 2, 1).isoformat()
    rulebook = service.directories.rulebook(Caller(account), code, first)
    inspection = service.records.inspections.inspection(draw_id, unit)
    task = task_row(service.context.app, service.draws.ceremony.draw(draw_id).agency_id, unit,
                    tuple(team))
    return {"draw_id": draw_id, "unit": unit, "team": list(team), "period": draw["period"],
            "items": rulebook["inspection_items"], "unit_name": task["name"],
            "address": task["address"], "officers": task["officers"],
            "filed": inspection is not None and inspection.record is not None}


def field_label(field: str, ctx: dict[str, Any], t: Callable[..., str]) -> str:
    """The record form's label of an error's field (``items[1].description`` → the item's name
    and 情况说明), so the reader finds it on the form."""
    import re

    found = re.match(r"^(items|orders)\[(\d+)\](?:\.(\w+))?", field)
    if found and found.group(1) == "items" and int(found.group(2)) < len(ctx["items"]):
        part = {"description": " · " + t("rec.description"), "finding": ""}.get(
            found.group(3) or "", "")
        return str(ctx["items"][int(found.group(2))]["item"]) + part
    if found:
        part = {"due": " · " + t("result.due")}.get(found.group(3) or "", "")
        return f"{t('rec.order')} {int(found.group(2)) + 1}{part}"
    labels = {"visited_on": "result.visited", "place": "rec.place", "status": "rec.status",
              "officers": "rec.officers", "items": "rec.items", "orders": "result.orders",
              "case": "res.case", "attachments": "rec.attachments", "filed_on": "off.filed_on",
              "reason": "rec.reason", "remarks": "rec.remarks", "public_remarks": "rec.public_remarks",
              "annex4": "rec.annex4"}
    head = field.split(".")[0].split("[")[0]
    if field.startswith("annex4.") and f"annex4.{field.split('.')[1]}" in TEXTS:
        return t(f"annex4.{field.split('.')[1]}")
    return t(labels[head]) if head in labels else ""


def _form_page(request: Request, ctx: dict[str, Any], values: dict[str, Any],
               error: dict[str, str] | None, done: dict[str, Any] | None = None,
               status: int = 200, labelled: bool = False,
               recused: dict[str, Any] | None = None) -> Response:
    if error is not None and not labelled:
        name = error.get("field", "").removeprefix("record.")  # the form's names
        label = field_label(name, ctx, translator(choose(request)))
        error = {**error, "field": name, "label": label}
    return render(request, "record.html", status=status, ctx=ctx, v=values, error=error,
                  done=done, statuses=STATUSES, findings=FINDINGS, facility_states=FACILITY_STATES,
                  recused=recused, decider=page_account(request))


@router.get("/officer/record/{draw_id}/{unit}", response_class=HTMLResponse)
def record_form(request: Request, draw_id: DrawId, unit: Unit, service: TheService) -> Response:
    found = _signed_in(request, "officer")
    if isinstance(found, Response):
        return found
    ctx = _record_context(service, found, draw_id, unit)
    values = {"officers": ctx["team"], "filed_on": date.today().isoformat(), "place": "",
              "status": "operating", "visited_on": ""}
    return _form_page(request, ctx, values, None)


def _record_from(form: FormData, ctx: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record the form describes, and the values to show the form again with."""
    def text(name: str) -> str:
        return str(form.get(name, "")).strip()

    def yes_no(name: str) -> bool | None:
        return {"yes": True, "no": False}.get(text(name))

    items = []
    for n, item in enumerate(ctx["items"]):
        finding = text(f"items[{n}].finding")
        if finding:
            items.append({"item": item["item"], "finding": finding,
                          "description": text(f"items[{n}].description")})
    orders = []
    for n in range(3):
        order, due = text(f"orders[{n}].order"), text(f"orders[{n}].due")
        if order or due:
            orders.append({"order": order, "due": due})
    record: dict[str, Any] = {
        "officers": [str(o) for o in form.getlist("officers")],
        "visited_on": text("visited_on"), "place": text("place"), "status": text("status"),
        "items": items, "orders": orders,
        "case": {"filed": text("case.filed") == "yes", "penalty": text("case.penalty")},
        "remarks": text("remarks"), "public_remarks": text("public_remarks"),
        "attachments": [{"name": str(n), "sha256": str(h)} for n, h in
                        zip(form.getlist("attachment_name"), form.getlist("attachment_sha256"),
                            strict=False)],
    }
    annex = {"facilities_built": yes_no("annex4.facilities_built"),
             "facilities_running": text("annex4.facilities_running"),
             "outfall_standardised": yes_no("annex4.outfall_standardised"),
             "emissions_within_limits": {"yes": True, "no": False, "unmonitored": None}.get(
                 text("annex4.emissions_within_limits"), "")}
    if any(v not in ("", None) for v in annex.values()) or record["status"] == "operating":
        record["annex4"] = annex
    values = {k: text(k) for k in form if k not in ("csrf", "officers", "file")}
    values["officers"] = record["officers"]
    return record, values


@router.post("/officer/record/{draw_id}/{unit}", response_class=HTMLResponse)
async def record_file(request: Request, draw_id: DrawId, unit: Unit, service: TheService
                      ) -> Response:
    signed = await _signed_form(request, "officer")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    ctx = await run_in_threadpool(_record_context, service, found, draw_id, unit)
    record, values = _record_from(form, ctx)
    # attachments: hashed as they arrive (the record keeps name and SHA-256; the file itself goes
    # to the agency's archive, not into the ledger)
    for upload in form.getlist("file"):
        if isinstance(upload, UploadFile) and upload.filename:
            digest, size = hashlib.sha256(), 0
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > MAX_ATTACHMENT:
                    return _form_page(request, ctx, values, {
                        "field": "attachments", "message": "",
                        "rule": f"{upload.filename}: > {MAX_ATTACHMENT // (1024 * 1024)} MB"},
                        status=422)
                digest.update(chunk)
            record["attachments"].append({"name": upload.filename, "sha256": digest.hexdigest()})
    on = str(form.get("filed_on", "")).strip() or None
    if ctx["filed"]:
        reason = str(form.get("reason", "")).strip()
        if not reason:
            return _form_page(request, ctx, values, {
                "field": "reason", "rule": "a correction says why (更正原因)", "message": ""},
                status=422)
        done, error = await _act(lambda: service.records.correct(
            Caller(found), draw_id, unit, record, reason, on))
    else:
        done, error = await _act(lambda: service.records.file(Caller(found), draw_id, unit,
                                                              record, on))
    if error is not None:
        return _form_page(request, ctx, values, error, status=422)
    values["attachments_done"] = record["attachments"]
    return _form_page(request, ctx, values, None, done=done)


# -- the ceremony console (the operator) -------------------------------------------------------------
STEPS = ("freeze", "commitments", "reveals", "entropy", "seed", "run", "fix", "disclose")
#: What the console's forms post: the operator's steps, stopping a draw, publishing a result.
CONSOLE_STEPS = r"^(dice|external|seed|run|fix|disclose|block|publish)$"


def ceremony_steps(draw: dict[str, Any]) -> list[dict[str, Any]]:
    """The draw's steps in order, each done or not, and the first not done marked as now."""
    plan = draw.get("entropy_plan", [])
    witnesses = [p["k"] for p in plan if p["kind"] == "witness"]
    others = [p["k"] for p in plan if p["kind"] != "witness"]
    recorded = set(draw.get("entropy_recorded", []))
    done = {
        "freeze": True,
        "commitments": len(draw.get("commitments", [])) >= len(witnesses),
        "reveals": all(k in recorded for k in witnesses),
        "entropy": all(k in recorded for k in others),
        "seed": bool(draw.get("seed_commitment")),
        "run": bool(draw.get("drawn")),
        "fix": bool(draw.get("fixed")),
        "disclose": bool(draw.get("disclosed")),
    }
    steps, now_set = [], False
    for name in STEPS:
        now = not done[name] and not now_set and not draw.get("blocked")
        now_set = now_set or now
        steps.append({"name": name, "done": done[name], "now": now})
    return steps


@router.get("/ceremony", response_class=HTMLResponse)
def ceremony_list(request: Request, service: TheService) -> Response:
    found = _signed_in(request, "operator")
    if isinstance(found, Response):
        return found
    return render(request, "ceremony_list.html", draws=service.draws.all(found.agency),
                  error=None, v={}, code=found.agency)


@router.post("/ceremony", response_class=HTMLResponse)
async def ceremony_freeze(request: Request, service: TheService) -> Response:
    signed = await _signed_form(request, "operator")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    values = {k: str(form.get(k, "")).strip() for k in ("period", "on", "witnesses", "dice",
                                                          "external")}
    witnesses = [w.strip() for w in values["witnesses"].splitlines() if w.strip()]
    drawn, error = await _act(lambda: service.draws.freeze(
        Caller(found), found.agency, values["period"], values["on"] or None, witnesses=witnesses,
        dice=values["dice"] or None, external=values["external"] or None))
    if error is not None:
        draws = await run_in_threadpool(service.draws.all, found.agency)
        return render(request, "ceremony_list.html", status=422, draws=draws, error=error,
                      v=values, code=found.agency)
    return RedirectResponse(f"/ceremony/{drawn['draw_id']}", status_code=303)


def _console(request: Request, service: Any, draw_id: str, error: dict[str, str] | None,
             v: dict[str, str], status: int = 200,
             amended: dict[str, Any] | None = None) -> Response:
    draw = service.draws.show(draw_id)
    due: list[dict[str, Any]] = []
    follow_up: list[dict[str, Any]] = []
    progress: dict[str, Any] | None = None
    account = page_account(request)
    if draw.get("fixed") and account is not None:
        # after the visits: the results recorded and not yet published (the agency's work view,
        # which holds visits already made, never the sealed list)
        work = service.reports.agency_work(Caller(account), draw_id.split("-")[0],
                                           draw["period"], None)
        due = [d for d in work["disclosures_due"] if d["draw_id"] == draw_id]
        progress = next((d for d in work["draws"] if d["draw_id"] == draw_id), None)
        follow_up = service.records.follow_up(Caller(account), draw_id)
    published = request.query_params.get("published", "")
    return render(request, "ceremony.html", status=status, draw=draw, steps=ceremony_steps(draw),
                  error=error, v=v, today=date.today().isoformat(), due=due, progress=progress,
                  follow_up=follow_up, unit_error=bool(request.query_params.get("unit_error")),
                  amended=amended,
                  published=published if len(published) == 18 and published.isalnum() else "")


@router.get("/ceremony/{draw_id}", response_class=HTMLResponse)
def ceremony(request: Request, draw_id: DrawId, service: TheService) -> Response:
    found = _signed_in(request, "operator")
    if isinstance(found, Response):
        return found
    service.context.access.operate(Caller(found), draw_id.split("-")[0])
    return _console(request, service, draw_id, None, {})


@router.post("/ceremony/{draw_id}/{step}", response_class=HTMLResponse)
async def ceremony_step(request: Request, draw_id: DrawId,
                        step: Annotated[str, Path(pattern=CONSOLE_STEPS)],
                        service: TheService) -> Response:
    signed = await _signed_form(request, "operator")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    v = {k: str(form.get(k, "")).strip() for k in ("k", "digits", "witnessed_by", "value", "on",
                                                   "reason", "detail", "unit")}
    caller, draws = Caller(found), service.draws

    def k() -> int:
        from api.service.context import RequestError

        if not v["k"].isdigit():
            raise RequestError(f"k: {v['k']!r} is not the source's number in the entropy plan")
        return int(v["k"])

    calls: dict[str, Callable[[], Any]] = {
        "dice": lambda: draws.dice(caller, draw_id, k(), v["digits"],
                                   [w.strip() for w in v["witnessed_by"].replace("，", ",")
                                    .split(",") if w.strip()]),
        "external": lambda: draws.external(caller, draw_id, k(), v["value"]),
        "seed": lambda: draws.seed(caller, draw_id),
        "run": lambda: draws.run(caller, draw_id),
        "fix": lambda: draws.fix(caller, draw_id, v["on"] or None),
        "disclose": lambda: draws.disclose(caller, draw_id, v["on"] or None),
        "block": lambda: draws.block(caller, draw_id, v["reason"], v["detail"]),
        "publish": lambda: service.records.publish(caller, draw_id, v["unit"], v["on"] or None),
    }
    _, error = await _act(calls[step])
    if error is not None:
        return await run_in_threadpool(_console, request, service, draw_id, error, v, 422)
    return RedirectResponse(f"/ceremony/{draw_id}", status_code=303)


# -- the witness ---------------------------------------------------------------------------------------
def _witness_page(request: Request, service: Any, account: Account, error: dict[str, str] | None,
                  status: int = 200) -> Response:
    draw = service.draws.show(account.draw_id)
    mine = next((c for c in draw.get("commitments", []) if c["k"] == account.source), None)
    plan = next((p for p in draw.get("entropy_plan", []) if p["k"] == account.source), None)
    witnesses = [p["k"] for p in draw.get("entropy_plan", []) if p["kind"] == "witness"]
    all_committed = len(draw.get("commitments", [])) >= len(witnesses)
    revealed = account.source in draw.get("entropy_recorded", [])
    return render(request, "witness.html", status=status, draw=draw, mine=mine, plan=plan,
                  all_committed=all_committed, revealed=revealed, error=error, k=account.source)


@router.get("/witness/{draw_id}", response_class=HTMLResponse)
def witness(request: Request, draw_id: DrawId, service: TheService) -> Response:
    found = _signed_in(request, "witness")
    if isinstance(found, Response):
        return found
    if found.draw_id != draw_id:
        return RedirectResponse(f"/witness/{found.draw_id}", status_code=303)
    return _witness_page(request, service, found, None)


@router.post("/witness/{draw_id}/{step}", response_class=HTMLResponse)
async def witness_step(request: Request, draw_id: DrawId,
                       step: Annotated[str, Path(pattern=r"^(commit|reveal)$")],
                       service: TheService) -> Response:
    signed = await _signed_form(request, "witness")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    caller = Caller(found)
    if step == "commit":
        role = str(form.get("role", "")).strip()
        commitment = str(form.get("commitment", "")).strip()
        _, error = await _act(lambda: service.draws.commit(caller, draw_id, found.source, role,
                                                           commitment))
    else:
        value = str(form.get("value", ""))
        _, error = await _act(lambda: service.draws.reveal(caller, draw_id, found.source, value))
    if error is not None:
        return await run_in_threadpool(_witness_page, request, service, found, error, 422)
    return RedirectResponse(f"/witness/{draw_id}", status_code=303)


# -- the auditor's desk --------------------------------------------------------------------------------
def _log_status(service: Any, code: str) -> dict[str, Any]:
    """A log's size, its latest checkpoint and how many witnesses cosigned it."""
    from verify.checkpoint import parse_checkpoint_body

    try:
        note = service.logs.checkpoint(code)
    except SpotcheckError:
        return {"size": 0, "checkpoint": None, "cosignatures": 0}
    body, _, signatures = note.rpartition("\n\n")
    checkpoint = parse_checkpoint_body(body + "\n")
    lines = [s for s in signatures.splitlines() if s.startswith("\u2014 ")]
    cosigners = [s.split(" ")[1] for s in lines if s.split(" ")[1] != checkpoint.origin]
    return {"size": checkpoint.size, "origin": checkpoint.origin,
            "root": checkpoint.root.hex(), "cosigners": cosigners, "note": note}


def _desk(request: Request, service: Any, account: Account, report: dict[str, Any] | None,
          error: dict[str, str] | None, status: int = 200) -> Response:
    caller = Caller(account)
    rows = [a for a in service.directories.agencies()
            if service.context.access.is_at_or_below(a["division_code"], account.agency)]
    agencies = [{**a, "log": _log_status(service, a["division_code"]),
                 "witnesses": service.logs.witnesses(caller, a["division_code"])} for a in rows]
    return render(request, "audit.html", status=status, agencies=agencies, report=report,
                  error=error)


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, service: TheService) -> Response:
    found = _signed_in(request, "auditor")
    if isinstance(found, Response):
        return found
    return _desk(request, service, found, None, None)


@router.post("/audit/verify", response_class=HTMLResponse)
async def audit_verify(request: Request, service: TheService) -> Response:
    signed = await _signed_form(request, "auditor")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    upload = form.get("file")
    lang = choose(request)
    if not isinstance(upload, UploadFile) or not upload.filename:
        error: dict[str, str] | None = {"field": "file", "rule": "choose a bundle (.zip)",
                                        "message": ""}
        return await run_in_threadpool(_desk, request, service, found, None, error, 422)
    content = await upload.read()
    name = upload.filename
    if str(form.get("format", "")) == "html":
        html, error = await _act(lambda: service.reports.verify(Caller(found), name, content,
                                                                lang, html=True))
        if error is None:
            return HTMLResponse(str(html), headers={"Content-Security-Policy": "default-src 'none'; "
                                                    "style-src 'unsafe-inline'"})
        return await run_in_threadpool(_desk, request, service, found, None, error, 422)
    report, error = await _act(lambda: service.reports.verify(Caller(found), name, content, lang))
    return await run_in_threadpool(_desk, request, service, found, report, error,
                                   422 if error else 200)
