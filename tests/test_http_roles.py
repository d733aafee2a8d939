"""Every route × every role: each role gets what it may, and a 403 for what it may not (the public:
a 401, asked to authenticate); never a 5xx.

On the demo county after its quarter (``spotcheck demo --units 60``: the county's draw fixed,
recorded, published and disclosed), with one account of each role: the county's operator, the
prefecture's operator (another agency), the prefecture's auditor (the level above), an officer of
the county's draw, a witness of its first source. An allowed write may still be refused by the
rules (the draw is done: a second commitment is a 409) — what matters here is that the role was let
through to the rules, and that a refused role never reached them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import private_copy
from http_client import Api

from ledger.adapters.settings import Settings

pytestmark = pytest.mark.sqlite_only

COUNTY, PREFECTURE, DRAW = "652301", "652300", "652301-2026Q1-units"
ROLES = ("public", "witness", "officer", "prefecture_operator", "auditor", "operator")


@pytest.fixture(scope="module")
def demo_api(small_demo_original: Path, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[Api, dict[str, str]]]:
    directory = private_copy(small_demo_original, tmp_path_factory.mktemp("roles"))
    api = Api(Settings(str(directory / "spotcheck.db"), directory / "spotcheck-keys"), inline=False)
    teams = api.service.spotcheck.ceremony.open(DRAW).teams
    unit, team = sorted(teams.items())[0]
    api.add("operator", "operator", "--agency", COUNTY)
    api.add("prefecture_operator", "operator", "--agency", PREFECTURE)
    api.add("auditor", "auditor", "--agency", PREFECTURE)
    api.add("officer", "officer", "--certificate", team[0])
    api.add("witness", "witness", "--draw", DRAW, "--source", "1")
    other = sorted(u["credit_code"] for u in api.service.directories.entities(_admin(), COUNTY)
                   if u["credit_code"] not in teams)[0]
    try:
        yield api, {"unit": unit, "officer": team[0], "other_unit": other}
    finally:
        api.close()


def _admin() -> Any:
    from api.access import ADMIN_CALLER

    return ADMIN_CALLER


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bundle/manifest.json", "{}")
    return buffer.getvalue()


EVERYONE = ROLES
READERS = ("operator", "auditor")
OPERATOR = ("operator",)
D, U = f"/api/draws/{DRAW}", f"/api/draws/{DRAW}/units/{{unit}}"
A = f"/api/agencies/{COUNTY}"
RECORD = {"officers": [], "visited_on": "2026-01-05", "place": "x", "status": "operating",
          "items": [], "orders": [], "case": {"filed": False, "penalty": ""}, "attachments": []}
CASES: list[tuple[str, str, str, dict[str, Any], tuple[str, ...]]] = [
    # name, method, path, request, allowed roles
    ("me", "GET", "/api/me", {}, EVERYONE),
    ("agencies", "GET", "/api/agencies", {}, EVERYONE),
    ("presets", "GET", "/api/rulebooks/presets", {}, EVERYONE),
    ("rulebook", "GET", f"{A}/rulebook", {}, EVERYONE),
    ("public pages", "GET", f"/api/public/agencies/{COUNTY}/2026", {}, EVERYONE),
    ("search", "GET", "/api/public/search?q=&year=2026", {}, EVERYONE),
    ("draws", "GET", f"/api/draws?agency={COUNTY}", {}, EVERYONE),
    ("draw", "GET", D, {}, EVERYONE),
    ("entities", "GET", f"{A}/entities", {}, READERS),
    ("entity", "GET", f"{A}/entities/{{unit}}", {}, READERS),
    ("inspectors", "GET", f"{A}/inspectors", {}, READERS),
    ("export entities", "GET", f"{A}/entities/export?format=csv", {}, READERS),
    ("export inspectors", "GET", f"{A}/inspectors/export?format=xlsx", {}, READERS),
    ("import entities", "POST", f"{A}/entities/import",
     {"files": {"file": ("x.csv", "名称\n".encode())}}, OPERATOR),
    ("import inspectors", "POST", f"{A}/inspectors/import",
     {"files": {"file": ("x.csv", "姓名\n".encode())}}, OPERATOR),
    ("change entity", "POST", f"{A}/entities/{{other_unit}}/changes",
     {"json": {"change": "update", "reason": "电话变更", "fields": {"phone": "0994-1234567"}}},
     OPERATOR),
    ("change inspector", "POST", f"{A}/inspectors/{{officer}}/changes",
     {"json": {"change": "leave", "reason": "年休假", "first_day": "2026-07-01",
               "last_day": "2026-07-03"}}, OPERATOR),
    ("adopt rulebook", "POST", f"{A}/rulebooks",
     {"json": {"preset": "changji-county-2015", "adopted_from": "2026-06-01", "approved_by": "局务会",
               "reason": "年中修订"}}, OPERATOR),
    ("plan", "POST", f"{A}/plans", {"json": {"year": 2026, "approved_by": "局务会"}}, OPERATOR),
    ("calendar", "POST", f"{A}/calendars", {"json": {"year": 2026}}, OPERATOR),
    ("freeze", "POST", f"{A}/draws", {"json": {"period": "2026Q2", "on": "2026-03-25"}}, OPERATOR),
    ("commit", "POST", f"{D}/commitments",
     {"json": {"k": 1, "role": "纪检监察干部", "commitment": "0" * 64}}, ("witness",)),
    ("reveal", "POST", f"{D}/reveals", {"json": {"k": 1, "value": "7391-纪检"}}, ("witness",)),
    ("dice", "POST", f"{D}/dice", {"json": {"k": 3, "digits": "1", "witnessed_by": ["甲"]}},
     OPERATOR),
    ("external", "POST", f"{D}/external", {"json": {"k": 3, "value": "1"}}, OPERATOR),
    ("seed", "POST", f"{D}/seed", {}, OPERATOR),
    ("block", "POST", f"{D}/block", {"json": {"reason": "见证人未到场"}}, OPERATOR),
    ("run", "POST", f"{D}/run", {}, OPERATOR),
    ("fix", "POST", f"{D}/fix", {"json": {"on": "2025-12-29"}}, OPERATOR),
    ("amend", "POST", f"{D}/amendments",
     {"json": {"reason": "停产", "approved_by": "局长", "replace_unit": "{unit}"}}, OPERATOR),
    ("tasks", "POST", f"{D}/tasks", {"json": {"why": "核对任务"}}, ("officer", *READERS)),
    ("files", "POST", f"{D}/files", {"json": {"why": "上级抽查"}}, READERS),
    ("disclose", "POST", f"{D}/disclose", {"json": {"on": "2026-04-01"}}, OPERATOR),
    ("file record", "POST", f"{U}/record", {"json": {"record": RECORD}}, ("officer",)),
    ("show record", "GET", f"{U}/record", {}, ("officer", *READERS)),
    ("record form", "GET", f"{U}/record-form?format=json", {}, ("officer",)),
    ("file record form", "POST", f"{U}/record-form",
     {"files": {"file": ("现场检查记录.json", b'{"officers": []}')}}, ("officer",)),
    ("correct record", "POST", f"{U}/corrections", {"json": {"record": RECORD, "reason": "笔误"}},
     ("officer",)),
    ("recusal", "POST", f"{U}/recusals",
     {"json": {"officer": "{officer}", "requested_by": "企业负责人", "reason": "亲属", "granted": False}},
     ("officer", "operator")),
    ("rectify", "POST", f"{U}/rectifications", {"json": {"order": 1}}, OPERATOR),
    ("publish", "POST", f"{U}/publication", {"json": {"on": "2026-02-02"}}, OPERATOR),
    ("quotas", "GET", f"{A}/quotas?year=2026", {}, READERS),
    ("work", "GET", f"{A}/work?quarter=2026Q1&today=2026-03-01", {}, READERS),
    ("officer work", "GET", "/api/officers/{officer}/work?year=2026", {}, ("officer", *READERS)),
    ("annex3", "GET", f"{A}/annexes/annex3?quarter=2026Q1&format=csv", {}, READERS),
    ("annex4", "GET", f"{A}/annexes/annex4?quarter=2026Q1&format=html", {}, READERS),
    ("bundle", "GET", f"{A}/bundle", {}, READERS),
    ("verify", "POST", "/api/verify", {"files": {"file": ("b.zip", _zip())}}, ("auditor",)),
    ("verify html", "POST", "/api/verify/report.html", {"files": {"file": ("b.zip", _zip())}},
     ("auditor",)),
]


def _filled(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _filled(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, names) for v in value]
    return value


@pytest.mark.parametrize(("name", "method", "path", "request_", "allowed"), CASES,
                         ids=[c[0] for c in CASES])
def test_each_role_gets_what_it_may_and_a_refusal_for_the_rest(
        demo_api: tuple[Api, dict[str, str]], name: str, method: str, path: str,
        request_: dict[str, Any], allowed: tuple[str, ...]) -> None:
    api, names = demo_api
    kwargs = {k: (v if k == "files" else _filled(v, names)) for k, v in request_.items()}
    # the refused roles first: a refused request must change nothing the allowed one then sees
    for role in sorted(ROLES, key=lambda r: r in allowed):
        response = api.call(method, path.format(**names), None if role == "public" else role,
                            **kwargs)
        assert response.status_code < 500, (role, response.text)
        if role in allowed:
            assert response.status_code not in (401, 403), (role, response.text)
        elif role == "public":
            assert response.status_code == 401, (role, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
        else:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["error"]["kind"] == "forbidden"


def test_every_route_of_the_api_is_in_the_table(demo_api: tuple[Api, dict[str, str]]) -> None:
    api, _ = demo_api
    routes = {(m, r.path) for r in api.client.app.routes  # type: ignore[attr-defined]
              for m in getattr(r, "methods", ()) if r.path.startswith("/api/")}
    covered = {(m, p.split("?")[0].replace(DRAW, "{draw_id}").replace(COUNTY, "{code}"))
               for _, m, p, _, _ in CASES}
    normalised = {(m, p.replace("{unit}", "{credit_code}") if "/entities/" in p else p)
                  for m, p in covered}
    missing = {(m, p) for m, p in routes
               if (m, p) not in normalised and (m, p.replace("{which}", "entities")) not in normalised
               and (m, p.replace("{which}", "annex3")) not in normalised}
    assert not missing
