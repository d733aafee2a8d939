"""The operator's pages for the directories and the fixed list (名录导入、名单变更).

* **Directory imports** (名录导入): an .xlsx or CSV file of the inspection objects (检查对象名录) or
  the officers (执法人员名录), checked row by row and stored all or nothing; a refused file lists
  every bad row with its column and the rule, in the reader's language.
* **Amendments of a fixed list** (名单变更): a drawn unit that is closed or relocated replaced by
  its stratum's next alternate, or an officer recused from a unit and replaced by the draw's rules;
  each with its reason and approver (批准人), as the ledger requires.

Both go through the service (:class:`api.service.directories.Directories`,
:class:`api.service.draws.Draws`) as the JSON routes and the command line do.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from api.access import Caller
from api.accounts import Account
from api.error_text import rule_zh
from api.http.auth import TheService
from api.http.pages.i18n import choose
from api.http.pages.render import render
from api.http.pages.staff import DrawId, _act, _console, _signed_form, _signed_in
from api.service.context import RequestError
from api.service.directories import ImportFailed
from ledger.errors import SpotcheckError

router = APIRouter(include_in_schema=False)
WHICH = ("entities", "inspectors")


def _directories_page(request: Request, account: Account, error: dict[str, Any] | None,
                      done: dict[str, Any] | None, v: dict[str, str], status: int = 200
                      ) -> Response:
    return render(request, "directories.html", status=status, error=error, done=done, v=v,
                  code=account.agency)


@router.get("/directories", response_class=HTMLResponse)
def directories(request: Request) -> Response:
    found = _signed_in(request, "operator")
    if isinstance(found, Response):
        return found
    return _directories_page(request, found, None, None, {})


@router.post("/directories/import", response_class=HTMLResponse)
async def directory_import(request: Request, service: TheService) -> Response:
    signed = await _signed_form(request, "operator")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    which: Any = str(form.get("which", ""))
    upload = form.get("file")
    v = {"which": which}
    if which not in WHICH:
        error: dict[str, Any] = {"field": "which", "rule": "dir.which_needed", "message": ""}
        return _directories_page(request, found, error, None, v, 422)
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = {"field": "file", "rule": "dir.file_needed", "message": ""}
        return _directories_page(request, found, error, None, v, 422)
    content, name = await upload.read(), upload.filename
    try:
        done = await run_in_threadpool(service.directories.import_file, Caller(found),
                                       found.agency, which, name, content)
    except ImportFailed as exc:
        zh = choose(request) == "zh"
        rows = [{"row": p.row, "column": p.column,
                 "reason": (rule_zh(p.reason) or p.reason) if zh else p.reason}
                for p in exc.problems]
        error = {"field": "file", "rule": "dir.rejected", "message": "", "rows": rows,
                 "bad_rows": len({p.row for p in exc.problems})}
        return _directories_page(request, found, error, None, v, 422)
    except SpotcheckError as exc:
        if exc.kind in ("integrity", "unavailable", "internal"):
            raise
        # the file's own name is the field of an unreadable file: the form names it "file"
        field = exc.field if exc.field in ("which", "file") else "file"
        rule = (rule_zh(exc.rule, exc.field) or exc.rule) if choose(request) == "zh" else exc.rule
        error = {"field": field, "rule": rule, "message": str(exc)}
        return _directories_page(request, found, error, None, v, 422)
    return _directories_page(request, found, None, {**done, "which": which}, v)


# -- amendments of a fixed list -----------------------------------------------------------------------
@router.post("/ceremony/{draw_id}/amend", response_class=HTMLResponse)
async def amend(request: Request, draw_id: DrawId, service: TheService) -> Response:
    signed = await _signed_form(request, "operator")
    if isinstance(signed, Response):
        return signed
    found, form = signed
    v = {k: str(form.get(k, "")).strip() for k in ("kind", "unit", "officer", "reason",
                                                   "approved_by")}
    v["unit"], v["officer"] = v["unit"].upper(), v["officer"].upper()

    def call() -> Any:
        if v["kind"] not in ("replace", "recuse"):
            raise RequestError("kind: replace a unit or recuse an officer")
        if not v["unit"]:
            raise RequestError("unit: the unit's unified social credit code")
        if v["kind"] == "recuse" and not v["officer"]:
            raise RequestError("officer: the certificate of the officer who recuses")
        if v["kind"] == "replace":
            return service.draws.amend(Caller(found), draw_id, v["reason"], v["approved_by"],
                                       replace_unit=v["unit"])
        return service.draws.amend(Caller(found), draw_id, v["reason"], v["approved_by"],
                                   recuse=v["officer"], unit=v["unit"])
    done, error = await _act(call)
    if error is not None:
        if error["field"] == "certificate":
            error = {**error, "field": "officer"}
        v = {f"amend.{k}": value for k, value in v.items()}
        return await run_in_threadpool(_console, request, service, draw_id, error, v, 422)
    # answered as the console itself (not a redirect): the replacement is sealed content, kept
    # out of addresses and logs
    return await run_in_threadpool(_console, request, service, draw_id, None, {}, 200,
                                   done["amendment"])
