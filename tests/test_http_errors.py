"""Errors as users expect them: the field and the rule in JSON, the right status by kind, a request
id to quote, never a traceback; nothing half-written; credentials that stop working at once; every
write done for an account records it as the actor; request logs name the request and the account.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import private_copy
from http_client import Api

from ledger.adapters.settings import Settings
from ledger.domain.agency import agency_id

pytestmark = pytest.mark.sqlite_only

COUNTY, PREFECTURE, DRAW = "652301", "652300", "652301-2026Q1-units"


@pytest.fixture
def api(small_demo_original: Path, tmp_path: Path) -> Iterator[Api]:
    directory = private_copy(small_demo_original, tmp_path)
    opened = Api(Settings(str(directory / "spotcheck.db"), directory / "spotcheck-keys"))
    opened.add("op", "operator", "--agency", COUNTY, name="张三")
    try:
        yield opened
    finally:
        opened.close()


def test_bad_input_is_a_422_naming_the_field_and_the_rule(api: Api) -> None:
    freeze = api.call("POST", f"/api/agencies/{COUNTY}/draws", "op",
                      json={"period": "2026Q5", "on": "2026-03-25"})
    assert freeze.status_code == 422
    error = freeze.json()["error"]
    assert error["kind"] == "invalid" and error["field"] == "period"
    assert "2026Q5" in error["rule"] and error["message"] == f"period: {error['rule']}"
    assert freeze.json()["request_id"] == freeze.headers["x-request-id"]
    schema = api.call("POST", f"/api/agencies/{COUNTY}/plans", "op", json={"year": "soon"})
    assert schema.status_code == 422 and schema.json()["error"]["field"] == "year"
    assert schema.json()["error"]["problems"][0]["in"] == "body"
    bad_json = api.call("POST", f"/api/agencies/{COUNTY}/plans", "op", content=b"{not json",
                        headers={"content-type": "application/json"})
    assert bad_json.status_code == 422 and "Traceback" not in bad_json.text


def test_a_state_that_forbids_the_step_is_a_409_and_a_missing_thing_a_404(api: Api) -> None:
    again = api.call("POST", f"/api/draws/{DRAW}/fix", "op", json={"on": "2025-12-29"})
    assert again.status_code == 409 and again.json()["error"]["field"] == "status"
    missing = api.call("GET", "/api/draws/652301-2027Q1-units")
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "draw_id"
    unknown = api.call("GET", "/api/nothing-here")
    assert unknown.status_code == 404 and unknown.json()["error"]["kind"] == "not_found"


def test_an_import_with_a_bad_row_stores_nothing_and_lists_every_bad_row(api: Api) -> None:
    before = api.ok("GET", f"/api/agencies/{COUNTY}/entities", "op")
    rows = ("名称,统一社会信用代码,所属区县,类别\n"
            "新企业甲,91652301MA7X0000XQ,昌吉市,重点\n"
            "新企业乙,not-a-code,昌吉市,一般\n"
            "新企业丙,91652301MA7X0000XQ,昌吉市,不存在的类别\n")
    refused = api.call("POST", f"/api/agencies/{COUNTY}/entities/import", "op",
                       files={"file": ("名录.csv", rows.encode("utf-8"))})
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert "nothing imported" in error["message"] and "名录.csv" in error["message"]
    assert {r["row"] for r in error["rows"]} >= {3, 4}
    assert all(r["column"] and r["reason"] for r in error["rows"])
    assert api.ok("GET", f"/api/agencies/{COUNTY}/entities", "op") == before
    wrong = api.call("POST", f"/api/agencies/{COUNTY}/entities/import", "op",
                     files={"file": ("名录.txt", b"x")})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "file"


def test_a_revoked_token_and_a_disabled_account_stop_at_once(api: Api, tmp_path: Path) -> None:
    from commands import run

    assert api.call("GET", "/api/me", "op").json()["account"]["username"] == "op"
    token_id = api.tokens["op"].split("_")[1]
    stored = api.service.accounts.database
    with stored.transaction(read_only=True) as cur:
        cur.execute("SELECT token_hash FROM service_tokens")
        hashes = [row[0] for row in cur.fetchall()]
    assert api.tokens["op"] not in hashes and len(hashes[0]) == 64  # only its SHA-256
    revoked = run(tmp_path, "spotcheck", "users", "token", "op", "--revoke", token_id, env=api.env())
    assert revoked.returncode == 0, revoked.stderr
    refused = api.call("GET", "/api/me", "op")
    assert refused.status_code == 401 and refused.json()["error"]["kind"] == "unauthenticated"
    basic = api.call("GET", "/api/me", headers={"Authorization": "Basic b3A6b3A="})
    assert basic.status_code == 401  # never served as the public instead
    api.add("op2", "operator", "--agency", COUNTY)
    assert api.call("GET", f"/api/agencies/{COUNTY}/entities", "op2").status_code == 200
    disabled = run(tmp_path, "spotcheck", "users", "disable", "op2", "--reason", "调离", env=api.env())
    assert disabled.returncode == 0, disabled.stderr
    assert api.call("GET", f"/api/agencies/{COUNTY}/entities", "op2").status_code == 401
    again = run(tmp_path, "spotcheck", "users", "add", "op2", "--name", "新人", "--role", "auditor",
                "--agency", PREFECTURE, env=api.env())
    assert again.returncode == 2 and "never reused" in again.stderr


def test_the_account_is_the_actor_and_an_opening_records_who_and_why(api: Api) -> None:
    api.add("auditor", "auditor", "--agency", PREFECTURE, name="周审")
    opened = api.ok("POST", f"/api/draws/{DRAW}/tasks", "auditor", json={"why": "上级抽查复核"})
    assert opened["opened_by"] == "周审 (auditor)" and opened["tasks"]
    draw = api.ok("GET", f"/api/draws/{DRAW}")
    assert draw["openings"][-1] == {"who": "周审 (auditor)", "why": "上级抽查复核", "what": "list"}
    unit = api.ok("GET", f"/api/agencies/{COUNTY}/entities", "op")[-1]["credit_code"]
    api.ok("POST", f"/api/agencies/{COUNTY}/entities/{unit}/changes", "op",
           json={"change": "update", "reason": "电话变更", "fields": {"phone": "0994-7654321"}})
    app = api.service.spotcheck.ledger.app
    last = app.recorder.select_notifications(app.recorder.max_notification_id(), 1)[0]
    assert json.loads(last.state)["actor"] == {"account": "op", "name": "张三", "role": "operator",
                                               "agency": COUNTY}
    status = api.service.spotcheck.ledger.store.position().notification_id
    assert status == app.recorder.max_notification_id()  # inline: logged (and signed) at once
    assert agency_id(COUNTY) in app.repository


def test_every_request_is_logged_with_its_id_and_account(api: Api, capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    from api.http.app import create_app
    from ledger.adapters.observability import configure_logging

    configure_logging()
    logged = Api.__new__(Api)
    logged.__dict__.update(api.__dict__)
    from fastapi.testclient import TestClient

    logged.client = TestClient(create_app(service=api.service), raise_server_exceptions=False)
    capsys.readouterr()
    logged.call("GET", f"/api/agencies/{COUNTY}/entities", "op", headers={"X-Request-ID": "abc-1"})
    logged.call("GET", "/api/draws")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()
             if line.startswith("{") and '"request"' in line]
    assert [(line["request_id"], line["account"], line["status"]) for line in lines][:1] == [
        ("abc-1", "op", 200)]
    assert lines[1]["account"] == "public" and len(lines[1]["request_id"]) == 16


def test_an_unexpected_error_is_a_500_with_a_request_id_and_no_traceback(api: Api) -> None:
    from fastapi.testclient import TestClient

    from api.http.app import create_app

    app = create_app(service=api.service, access_log=False)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    response = TestClient(app, raise_server_exceptions=False).get("/api/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert response.json()["request_id"] in response.json()["error"]["message"]


def test_a_page_session_cookie_reads_but_does_not_write(api: Api) -> None:
    from api.accounts import SESSION_COOKIE

    session = api.service.accounts.open_session("op")
    api.client.cookies.set(SESSION_COOKIE, session)
    try:
        assert api.call("GET", "/api/me").json()["account"]["username"] == "op"
        write = api.call("POST", f"/api/agencies/{COUNTY}/plans", json={"year": 2026,
                                                                       "approved_by": "局务会"})
        assert write.status_code == 401 and write.json()["error"]["field"] == "session"
        api.service.accounts.close_session(session)
        assert api.call("GET", "/api/me").status_code == 401
    finally:
        api.client.cookies.clear()


def test_the_openapi_schema_and_the_docs_are_served_without_the_internet(api: Api) -> None:
    schema = api.ok("GET", "/openapi.json")
    assert schema["info"]["title"] == "Spotcheck" and len(schema["paths"]) > 35
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    page = api.call("GET", "/docs")
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    script = api.call("GET", "/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
