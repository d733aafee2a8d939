"""The public site (一公开, no sign-in): agencies by level, an agency's four sections and its fixed
lists per year, the search of published results, one result with its draw and log receipts, the
page explaining how anyone checks a draw and a result offline (自己核验), and the page that checks
a receipt in the reader's browser (核验回执)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.http.auth import TheService
from api.http.pages import i18n
from api.http.pages.render import render
from api.http.pages.session import set_cookie
from api.service.evidence import Evidence
from ledger.domain.agency import agency_id

router = APIRouter(include_in_schema=False)
Code = Annotated[str, Path(pattern=r"^[0-9]{6}$")]
LEVELS = ("province", "prefecture", "county", "zone")


def agency_tree(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The agencies as a tree: each node ``{agency, below}``, the top ones those whose parent is
    not an agency here (a province, or a prefecture without its province)."""
    by_uuid: dict[str, dict[str, Any]] = {
        str(agency_id(r["division_code"])): {"agency": r, "below": []} for r in rows}
    roots: list[dict[str, Any]] = []
    for node in sorted(by_uuid.values(), key=lambda n: n["agency"]["division_code"]):
        parent = by_uuid.get(str(node["agency"]["parent_id"] or ""))
        (parent["below"] if parent else roots).append(node)
    return roots


def by_province(roots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The top agencies under their province (``{province, nodes}``): a province's own agency
    heads its group; a prefecture whose province has no agency here is listed under the
    province's name (GB/T 2260), so a reader always starts from the province."""
    from ledger.codes.division import lookup_division

    groups: dict[str, dict[str, Any]] = {}
    for node in roots:
        code = str(node["agency"]["division_code"])
        key = code[:2] + "0000"
        if key not in groups:
            try:
                name = lookup_division(key).name
            except (KeyError, ValueError, LookupError):
                name = key
            groups[key] = {"code": key, "name": name, "own": None, "nodes": []}
        if code == key:  # the province's own agency: its name heads the group, its tree below
            groups[key].update(own=node["agency"], name=node["agency"]["name"])
            groups[key]["nodes"][:0] = node["below"]
        else:
            groups[key]["nodes"].append(node)
    return [groups[k] for k in sorted(groups)]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, service: TheService) -> Response:
    return render(request, "home.html",
                  provinces=by_province(agency_tree(service.directories.agencies())))


@router.get("/lang")
def switch_language(to: str = "zh", next: str = "/") -> Response:
    """Remember the reader's language and go back to the page (only to a path on this site)."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if to in i18n.LANGS:
        set_cookie(response, i18n.LANG_COOKIE, to, max_age=365 * 24 * 3600)
    return response


def _years(service: Any, code: str) -> list[int]:
    years = {int(d["period"][:4]) for d in service.draws.all(code) if d["period"][:4].isdigit()}
    return sorted(years | {date.today().year}, reverse=True)


@router.get("/a/{code}", response_class=HTMLResponse)
def agency_latest(code: Code, service: TheService) -> Response:
    return RedirectResponse(f"/a/{code}/{_latest(service, code)}", status_code=303)


def _latest(service: Any, code: str) -> int:
    """The latest year with a draw, else this year."""
    periods = [d["period"] for d in service.draws.all(code)]
    return max((int(p[:4]) for p in periods if p[:4].isdigit()), default=date.today().year)


@router.get("/a/{code}/{year}", response_class=HTMLResponse)
def agency_year(request: Request, code: Code, year: Annotated[int, Path(ge=2000, le=2100)],
                service: TheService) -> Response:
    pages = service.reports.agency_pages(code, year)
    rows = service.directories.agencies()
    me = next(r for r in rows if r["division_code"] == code)
    parent = next((r for r in rows if str(agency_id(r["division_code"])) == str(me["parent_id"])),
                  None)
    below = [r for r in rows if str(r["parent_id"]) == str(agency_id(code))]
    return render(request, "agency.html", pages=pages, year=year, years=_years(service, code),
                  agency=me, parent=parent, below=below, code=code)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, service: TheService,
           q: Annotated[str, Query(max_length=200)] = "") -> Response:
    text = q.strip()
    problem = None
    found: list[dict[str, Any]] | None = None
    if text and len(text) < 2:
        problem = "search.too_short"
    elif text:
        found = service.reports.search(text)
    return render(request, "search.html", q=text, found=found, problem=problem,
                  status=422 if problem else 200)


@router.get("/r/{draw_id}/{unit}", response_class=HTMLResponse)
def result(request: Request, draw_id: Annotated[str, Path(max_length=64)],
           unit: Annotated[str, Path(pattern=r"^[0-9A-Z]{18}$")], service: TheService) -> Response:
    facts = Evidence(service.context).of_result(draw_id, unit)
    published = [r for r in service.reports.search(unit) if r["draw_id"] == draw_id
                 and r["credit_code"] == unit]
    draw = service.draws.show(draw_id)
    return render(request, "result.html", result=published[0] if published else None, draw=draw,
                  facts=[f.as_dict() for f in facts], code=draw_id.split("-")[0])


@router.get("/verify", response_class=HTMLResponse)
def verify_yourself(request: Request) -> Response:
    return render(request, "verify.html")


@router.get("/check", response_class=HTMLResponse)
def check(request: Request, service: TheService,
          log: Annotated[str, Query(pattern=r"^[0-9]{6}$|^$")] = "",
          index: Annotated[int | None, Query(ge=0)] = None,
          entry: Annotated[str, Query(pattern=r"^[0-9a-f]{64}$|^$")] = "") -> Response:
    evidence = Evidence(service.context)
    keys, witnesses = evidence.log_keys(), evidence.witness_keys()
    shown = keys.get(log, []) if log else [k for ks in keys.values() for k in ks]
    cosigners = witnesses.get(log, []) if log else sorted({k for ks in witnesses.values()
                                                           for k in ks})
    receipt_url = f"/logs/{log}/receipts/{index}" if log and index is not None else ""
    return render(request, "check.html", log_keys="\n".join(shown), receipt_url=receipt_url,
                  witness_keys="\n".join(cosigners), quorum=1 if log and cosigners else 0,
                  entry=entry, log=log, index=index)
