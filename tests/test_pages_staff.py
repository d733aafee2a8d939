"""The staff's pages: signing in (token → secure session cookie), the anti-forgery field of every
form, the officer's tasks and record form on a phone, the ceremony console with two witnesses
committing from their own browsers, and the auditor's desk."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from browser import DESKTOP, PHONE, chromium, no_horizontal_scroll, require_browser, served, shot
from fastapi.testclient import TestClient
from pages_world import COUNTY, World, build_world

from api.http.app import create_app
from ledger.domain.clock import simulated_time

pytestmark = pytest.mark.sqlite_only
Q2, Q3 = "652301-2026Q2-units", "652301-2026Q3-units"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Q1 done and public; Q2 fixed (through the service) and waiting for its visits."""
    from conftest import TEST_TIME

    with simulated_time(TEST_TIME):
        built = build_world(tmp_path_factory.mktemp("staff-pages"))
        api = built.api
        api.ok("POST", f"/api/agencies/{COUNTY}/draws", "op", json={
            "period": "2026Q2", "on": "2026-03-30", "witnesses": ["公证员"], "dice": "现场掷骰"})
        built.add("q2witness1", "witness", "公证员甲", draw_id=Q2, source=1)
        api.ok("POST", f"/api/draws/{Q2}/commitments", "q2witness1", json={
            "k": 1, "role": "公证员", "commitment": hashlib.sha256(b"q2-0457").hexdigest()})
        api.ok("POST", f"/api/draws/{Q2}/reveals", "q2witness1", json={"k": 1, "value": "q2-0457"})
        api.ok("POST", f"/api/draws/{Q2}/dice", "op", json={
            "k": 2, "digits": "3141592", "witnessed_by": ["王芳", "李强"]})
        for step in ("seed", "run"):
            api.ok("POST", f"/api/draws/{Q2}/{step}", "op")
        api.ok("POST", f"/api/draws/{Q2}/fix", "op", json={"on": "2026-03-30"})
    try:
        yield built
    finally:
        built.close()


def https_client(world: World) -> TestClient:
    """A client over https (the session cookie is Secure: a browser sends it only there, or to
    the loopback address)."""
    return TestClient(create_app(service=world.api.service, access_log=False),
                      base_url="https://testserver", raise_server_exceptions=False)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]*)"', html)
    assert found, html[:500]
    return found.group(1)


def signed_in(world: World, who: str) -> TestClient:
    client = https_client(world)
    form = client.get("/login")
    answer = client.post("/login", data={"token": world.api.tokens[who], "csrf": csrf_of(form.text),
                                         "next": "/me"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def test_signing_in_sets_a_secure_http_only_strict_session_cookie(world: World) -> None:
    client = https_client(world)
    form = client.get("/login")
    assert form.status_code == 200 and "访问令牌" in form.text
    assert "spotcheck_csrf=" in form.headers["set-cookie"]
    answer = client.post("/login", data={"token": world.api.tokens["op"],
                                         "csrf": csrf_of(form.text)}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/me"
    cookie = answer.headers["set-cookie"]
    assert "spotcheck_session=" in cookie
    for attribute in ("Secure", "HttpOnly", "SameSite=strict", "Path=/"):
        assert attribute.lower() in cookie.lower(), cookie
    assert world.api.tokens["op"] not in cookie
    assert client.get("/me", follow_redirects=False).headers["location"] == "/ceremony"


def test_a_bad_token_is_refused_naming_the_field_and_no_session_is_opened(world: World) -> None:
    client = https_client(world)
    form = client.get("/login")
    answer = client.post("/login", data={"token": "spk_00000000_" + "x" * 43,
                                         "csrf": csrf_of(form.text)})
    assert answer.status_code == 422
    assert 'data-field="token"' in answer.text and 'aria-invalid="true"' in answer.text
    assert "spotcheck_session" not in answer.headers.get("set-cookie", "")


def test_a_form_without_its_anti_forgery_field_is_refused_and_writes_nothing(world: World
                                                                             ) -> None:
    client = https_client(world)
    client.get("/login")
    forged = client.post("/login", data={"token": world.api.tokens["op"]}, follow_redirects=False)
    assert forged.status_code == 403 and "spotcheck_session" not in forged.headers.get(
        "set-cookie", "")
    officer = next(iter(world.officers.values()))
    session = signed_in(world, officer)
    before = world.api.ok("GET", f"/api/draws/{Q2}")["openings"]
    refused = session.post("/officer/tasks", data={"draw_id": Q2, "why": "出发检查",
                                                   "csrf": "0" * 64})
    assert refused.status_code == 403 and "csrf" in refused.text
    assert world.api.ok("GET", f"/api/draws/{Q2}")["openings"] == before  # nothing recorded
    # the JSON service still refuses a write made with the page cookie
    assert session.post(f"/api/draws/{Q2}/tasks", json={"why": "x"}).status_code == 401


def test_each_role_sees_only_its_pages(world: World) -> None:
    officer = next(iter(world.officers.values()))
    session = signed_in(world, officer)
    assert session.get("/ceremony").status_code == 403
    assert session.get("/audit").status_code == 403
    assert https_client(world).get("/officer", follow_redirects=False).status_code == 303


def test_the_auditor_verifies_a_bundle_and_reads_who_is_exempt(world: World) -> None:
    desk = signed_in(world, "audit")
    page = desk.get("/audit")
    assert page.status_code == 200
    sizes = re.findall(r'data-code="(\d+)".*?class="log-size">(\d+)<', page.text, re.S)
    assert (COUNTY, str(world.api.service.context.spotcheck.ledger.store.state(COUNTY).size)
            ) in sizes
    witness = re.search(r'data-code="652301".*?class="small witness-status" data-behind="(\d+)"',
                        page.text, re.S)
    assert witness is not None and "652300.spotcheck.test/witness" in page.text
    bundle = desk.get(f"/api/agencies/{COUNTY}/bundle")  # the page's link: the session reads
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(bundle.content)).testzip()
    verified = desk.post("/audit/verify", data={"csrf": csrf_of(page.text)},
                         files={"file": ("652301.zip", bundle.content, "application/zip")})
    assert verified.status_code == 200, verified.text[-2000:]
    assert 'id="verify-verdict" data-ok="true"' in verified.text
    statuses = dict(re.findall(r'data-certificate="([^"]+)" data-status="([^"]+)"', verified.text))
    visited = {c for team in world.team_of.values() for c in team}
    assert visited <= set(statuses) and {statuses[c] for c in visited} == {"by_the_book"}
    html = desk.post("/audit/verify", data={"csrf": csrf_of(page.text), "format": "html"},
                     files={"file": ("652301.zip", bundle.content, "application/zip")})
    assert html.status_code == 200 and "<html" in html.text
    empty = desk.post("/audit/verify", data={"csrf": csrf_of(page.text)})
    assert empty.status_code == 422 and 'data-field="file"' in empty.text


# -- in the browser ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(world: World) -> Iterator[str]:
    require_browser()
    with served(world.api.service) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Any]:
    with chromium() as opened:
        yield opened


def sign_in(browser: Any, site: str, token: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    tab = context.new_page()
    tab.goto(site + "/login")
    tab.fill("#token", token)
    with tab.expect_navigation():
        tab.click("#login-form button")
    return tab


def test_an_officer_files_a_record_on_a_phone(world: World, site: str, browser: Any) -> None:
    whole = world.api.ok("POST", f"/api/draws/{Q2}/tasks", "op", json={"why": "安排检查"})["tasks"]
    task = whole[0]
    unit, team = task["credit_code"], task["team"]
    tab = sign_in(browser, site, world.api.tokens[world.officers[team[0]]], PHONE)
    assert tab.url.endswith("/officer")
    shot(tab, "officer-home-phone")
    assert no_horizontal_scroll(tab)
    tab.fill("form.open-tasks input[name=why]", "出发检查")
    with tab.expect_navigation():
        tab.click("form.open-tasks button")
    assert unit in tab.inner_text("#my-tasks")
    shot(tab, "officer-tasks-opened-phone")
    with tab.expect_navigation():
        tab.click(f'a[href="/officer/record/{Q2}/{unit}"]')
    tab.fill("#visited_on", "2026-04-08")
    tab.fill("#place", "企业厂区")
    items = tab.query_selector_all("div.item")
    assert items
    for n in range(len(items)):
        tab.check(f'input[name="items[{n}].finding"][value="{"problem" if n == 0 else "compliant"}"]')
    # a problem without a description: refused, the field named, nothing stored
    for key in ("facilities_built", "outfall_standardised"):
        tab.check(f'input[name="annex4.{key}"][value="yes"]')
    tab.select_option("#facilities_running", "normal")
    tab.check('input[name="annex4.emissions_within_limits"][value="yes"]')
    tab.set_input_files("#file", files=[{"name": "现场照片.jpg", "mimeType": "image/jpeg",
                                         "buffer": b"\xff\xd8 photo of the outfall"}])
    with tab.expect_navigation():
        tab.click("#file-record")
    assert tab.get_attribute("#form-error", "data-field") == "items[0].description"
    assert tab.get_attribute("#items-0-description", "aria-invalid") == "true"
    assert f"{world.items[0]} · 情况说明" in tab.inner_text("#form-error")  # named as on the form
    assert "发现问题的，须写明情况" in tab.inner_text("#form-error")  # the rule, in Chinese
    shot(tab, "officer-record-error-phone")
    assert no_horizontal_scroll(tab)
    assert world.api.service.records.inspections.inspection(Q2, unit) is None or \
        world.api.service.records.inspections.inspection(Q2, unit).record is None
    tab.fill("#items-0-description", "废水排放口未设置标志牌")
    tab.fill("#orders-0-order", "设置废水排放口标志牌")
    tab.fill("#orders-0-due", "2026-05-08")
    tab.set_input_files("#file", files=[{"name": "现场照片.jpg", "mimeType": "image/jpeg",
                                         "buffer": b"\xff\xd8 photo of the outfall"}])
    tab.fill("#filed_on", "2026-04-08")
    with tab.expect_navigation():
        tab.click("#file-record")
    saved = tab.inner_text("#record-saved")
    shot(tab, "officer-record-saved-phone")
    assert no_horizontal_scroll(tab)
    digest = hashlib.sha256(b"\xff\xd8 photo of the outfall").hexdigest()
    assert digest in saved and "记录期限" in saved
    record = world.api.ok("GET", f"/api/draws/{Q2}/units/{unit}/record", "op")["record"]
    assert record["attachments"] == [{"name": "现场照片.jpg", "sha256": digest}]
    assert record["orders"] == [{"order": "设置废水排放口标志牌", "due": "2026-05-08"}]
    assert record["items"][0]["finding"] == "problem"
    with tab.expect_navigation():
        tab.click("text=返回我的任务")
    assert "2026-04-08" in tab.inner_text("#work")
    assert tab.query_selector_all("#steps-receipts a[download]")  # receipts of my steps
    shot(tab, "officer-home-after-phone")
    tab.context.close()


def test_an_operator_and_two_witnesses_run_a_ceremony_through_the_pages(
        world: World, site: str, browser: Any) -> None:
    op = sign_in(browser, site, world.api.tokens["op"], DESKTOP)
    assert op.url.endswith("/ceremony")
    op.fill("#period", "2026Q3")
    op.fill("#on", "2026-06-29")
    op.fill("#witnesses", "纪检监察干部\n公证员")
    op.fill("#dice", "现场掷骰（见证下）")
    with op.expect_navigation():
        op.click("#freeze-form button")
    assert op.url.endswith(f"/ceremony/{Q3}"), op.url
    shot(op, "ceremony-frozen-desktop")
    for k in (1, 2):
        world.add(f"q3witness{k}", "witness", f"见证人{k}", draw_id=Q3, source=k)
    values = {1: "8812-纪检-q3", 2: "公证-5521"}
    witnesses = {}
    for k in (1, 2):
        tab = sign_in(browser, site, world.api.tokens[f"q3witness{k}"], PHONE)
        assert tab.url.endswith(f"/witness/{Q3}")
        requests: list[str] = []
        tab.on("request", lambda r, seen=requests: seen.append(r.post_data or ""))
        tab.fill("#secret-value", values[k])
        tab.wait_for_function("!document.getElementById('commit-button').disabled")
        shot(tab, f"witness{k}-commit-phone")
        assert no_horizontal_scroll(tab)
        with tab.expect_navigation():
            tab.click("#commit-button")
        assert not any(values[k] in body or values[k].encode().hex() in body for body in requests)
        witnesses[k] = tab
    commitments = {c["k"]: c["commitment"] for c in world.api.ok("GET", f"/api/draws/{Q3}")[
        "commitments"]}
    assert commitments == {k: hashlib.sha256(v.encode()).hexdigest() for k, v in values.items()}
    for k, tab in witnesses.items():
        tab.reload()
        tab.fill("#reveal-value", values[k] + ("x" if k == 2 else ""))
        tab.wait_for_function("document.getElementById('reveal-match').textContent !== ''")
        if k == 2:  # a wrong value: the page says so, and the service refuses it (recorded)
            assert tab.get_attribute("#reveal-match", "class") == "bad"
            with tab.expect_navigation():
                tab.click("#reveal-form button")
            assert tab.get_attribute("#form-error", "data-field") == "value"
            tab.fill("#reveal-value", values[k])
        with tab.expect_navigation():
            tab.click("#reveal-form button")
        assert tab.query_selector("#revealed") is not None
        shot(tab, f"witness{k}-revealed-phone")
        tab.context.close()
    op.reload()
    shot(op, "ceremony-revealed-desktop")
    op.fill("#digits", "6254131")
    op.fill("#witnessed_by", "见证人1，见证人2")
    with op.expect_navigation():
        op.click("#dice-form button")
    for form in ("#seed-form", "#run-form"):
        with op.expect_navigation():
            op.click(f"{form} button")
    op.fill("#fix-on", "2026-06-29")
    with op.expect_navigation():
        op.click("#fix-form button")
    shot(op, "ceremony-fixed-desktop")
    draw = world.api.ok("GET", f"/api/draws/{Q3}")
    assert draw["status"] == "fixed" and draw["fixed"]["fixed_by"] == "张三 (op)"
    steps = {li.get_attribute("data-step"): li.get_attribute("class") or ""
             for li in op.query_selector_all("#steps > li")}
    assert all("done" in steps[s] for s in ("freeze", "commitments", "reveals", "entropy",
                                           "seed", "run", "fix")) and "now" in steps["disclose"]
    console = op.content()
    assert draw["fixed"]["list_hash"] in console
    drawn = world.api.ok("POST", f"/api/draws/{Q3}/tasks", "audit", json={"why": "审计核对"})
    for task in drawn["tasks"]:  # the sealed list is never on the console
        assert task["credit_code"] not in console and task["name"] not in console
    op.context.close()


def test_the_auditors_desk_in_the_browser(world: World, site: str, browser: Any) -> None:
    tab = sign_in(browser, site, world.api.tokens["audit"], DESKTOP)
    assert tab.url.endswith("/audit")
    bundle = tab.request.get(f"{site}/api/agencies/{COUNTY}/bundle")
    assert bundle.status == 200
    tab.set_input_files("#bundle-file", files=[{"name": "652301.zip", "mimeType": "application/zip",
                                                "buffer": bundle.body()}])
    with tab.expect_navigation():
        tab.click("#verify-form button")
    assert tab.get_attribute("#verify-verdict", "data-ok") in ("true", "false")
    shot(tab, "audit-desk-desktop")
    tab.set_viewport_size(PHONE)
    shot(tab, "audit-desk-phone")
    assert no_horizontal_scroll(tab)
    tab.context.close()


def test_the_console_refuses_a_bad_freeze_naming_the_field_and_can_stop_a_draw(world: World
                                                                               ) -> None:
    console = signed_in(world, "op")
    page = console.get("/ceremony")
    csrf = csrf_of(page.text)
    bad = console.post("/ceremony", data={"csrf": csrf, "period": "2026Q5", "on": "2026-09-29",
                                          "witnesses": "公证员"})
    assert bad.status_code == 422 and 'data-field="period"' in bad.text
    assert 'id="period" name="period" placeholder="2026Q2" value="2026Q5" aria-invalid="true"' \
        in bad.text  # shown again as typed, the field marked
    no_dice = console.post("/ceremony", data={"csrf": csrf, "period": "2026Q4",
                                              "on": "2026-09-29", "witnesses": "公证员"})
    assert no_dice.status_code == 422 and 'data-field="entropy_plan"' in no_dice.text
    assert 'name="dice" value="" placeholder="现场掷骰（见证下）" aria-invalid="true"' in no_dice.text
    frozen = console.post("/ceremony", data={"csrf": csrf, "period": "2026Q4", "on": "2026-09-29",
                                             "witnesses": "公证员", "dice": "现场掷骰"},
                          follow_redirects=False)
    assert frozen.status_code == 303, frozen.text[-1500:]
    draw = frozen.headers["location"].rsplit("/", 1)[1]
    no_reason = console.post(f"/ceremony/{draw}/block", data={"csrf": csrf, "reason": ""})
    assert no_reason.status_code == 422 and 'data-field="reason"' in no_reason.text
    assert world.api.ok("GET", f"/api/draws/{draw}")["blocked"] is None  # nothing written
    stopped = console.post(f"/ceremony/{draw}/block", data={"csrf": csrf,
                                                            "reason": "见证人未能到场揭示"})
    assert stopped.status_code == 200 and 'id="blocked"' in stopped.text
    assert world.api.ok("GET", f"/api/draws/{draw}")["blocked"]["reason"] == "见证人未能到场揭示"


def test_signing_out_needs_the_form_field_and_ends_the_session(world: World) -> None:
    session = signed_in(world, "audit")
    page = session.get("/audit")
    assert page.status_code == 200
    assert session.post("/logout", data={"csrf": "0" * 64}).status_code == 403
    assert session.get("/audit", follow_redirects=False).status_code == 200  # still signed in
    kept = session.cookies.get("spotcheck_session")
    assert kept
    out = session.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert session.get("/audit", follow_redirects=False).headers["location"] == "/login?next=/audit"
    replayed = https_client(world)  # the old cookie, kept by someone: revoked on the server
    replayed.cookies.set("spotcheck_session", str(kept), domain="testserver")
    assert replayed.get("/audit", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_staff_page_reads_in_both_languages(world: World, lang: str) -> None:
    officer = world.officers[world.team_of[sorted(world.team_of)[0]][0]]
    pages = {"op": ["/ceremony", f"/ceremony/{Q2}"], "audit": ["/audit"],
             officer: ["/officer"], "q2witness1": [f"/witness/{Q2}"]}
    for who, paths in pages.items():
        session = signed_in(world, who)
        for path in paths:
            page = session.get(f"{path}?lang={lang}")
            assert page.status_code == 200, (who, path, page.text[-800:])
            assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page.text
            assert ("退出" if lang == "zh" else "Sign out") in page.text


def test_the_operator_publishes_a_recorded_result_from_the_console(world: World) -> None:
    from datetime import date

    from ledger.demo.county import demo_record

    tasks = world.api.ok("POST", f"/api/draws/{Q2}/tasks", "op", json={"why": "核对"})["tasks"]
    task = tasks[-1]
    unit, team = task["credit_code"], tuple(task["team"])
    world.api.ok("POST", f"/api/draws/{Q2}/units/{unit}/record", world.officers[team[0]], json={
        "record": demo_record(team, date(2026, 4, 20), world.items, unit, "clean", ""),
        "on": "2026-04-20"})
    console = signed_in(world, "op")
    page = console.get(f"/ceremony/{Q2}")
    assert page.status_code == 200 and f'data-unit="{unit}"' in page.text
    others = {t["credit_code"] for t in tasks} - {unit}
    filed = {u for u in others if (i := world.api.service.records.inspections.inspection(Q2, u))
             is not None and i.record is not None}
    assert not any(u in page.text for u in others - filed)  # units not yet visited stay sealed
    published = console.post(f"/ceremony/{Q2}/publish", data={
        "csrf": csrf_of(page.text), "unit": unit, "on": "2026-04-28"}, follow_redirects=False)
    assert published.status_code == 303, published.text[-1500:]
    assert world.api.service.records.inspections.inspection(Q2, unit).disclosed is not None
    assert f'data-unit="{unit}"' not in console.get(f"/ceremony/{Q2}").text


def test_an_officer_corrects_a_filed_record_with_a_reason(world: World) -> None:
    from datetime import date

    from ledger.demo.county import demo_record

    tasks = world.api.ok("POST", f"/api/draws/{Q2}/tasks", "op", json={"why": "核对"})["tasks"]
    task = tasks[-2]
    unit, team = task["credit_code"], tuple(task["team"])
    officer = world.officers[team[0]]
    world.api.ok("POST", f"/api/draws/{Q2}/units/{unit}/record", officer, json={
        "record": demo_record(team, date(2026, 4, 21), world.items, unit, "clean", ""),
        "on": "2026-04-21"})
    session = signed_in(world, officer)
    session.post("/officer/tasks", data={"draw_id": Q2, "why": "更正记录",
                                         "csrf": csrf_of(session.get("/officer").text)})
    form = session.get(f"/officer/record/{Q2}/{unit}")
    assert form.status_code == 200 and 'id="reason"' in form.text  # a correction asks why
    data: dict[str, Any] = {
        "csrf": csrf_of(form.text), "visited_on": "2026-04-21", "place": "企业厂区（更正）",
        "status": "operating", "officers": list(team), "filed_on": "2026-04-22",
        "annex4.facilities_built": "yes", "annex4.outfall_standardised": "yes",
        "annex4.facilities_running": "normal", "annex4.emissions_within_limits": "yes",
        **{f"items[{n}].finding": "compliant" for n in range(len(world.items))}}
    refused = session.post(f"/officer/record/{Q2}/{unit}", data=data)
    assert refused.status_code == 422 and 'data-field="reason"' in refused.text
    inspection = world.api.service.records.inspections.inspection(Q2, unit)
    assert inspection.corrections == 0 and inspection.record["place"] == "企业厂区"
    corrected = session.post(f"/officer/record/{Q2}/{unit}", data={**data, "reason": "地点笔误"})
    assert corrected.status_code == 200 and 'id="record-saved"' in corrected.text, \
        corrected.text[-1500:]
    inspection = world.api.service.records.inspections.inspection(Q2, unit)
    assert inspection.corrections == 1 and inspection.record["place"] == "企业厂区（更正）"
