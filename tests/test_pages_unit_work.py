"""The staff's pages for one unit after the draw: publishing a result through the confidentiality
review (发布前审核), the recusal asked at the visit (现场回避), and verifying an order to correct
(整改核查). Each goes through the same service as the JSON routes; each refused form names its
field and writes nothing."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

import pytest
from browser import DESKTOP, PHONE, no_horizontal_scroll, shot
from pages_world import COUNTY, Q1, World
from test_pages_staff import Q2, browser, csrf_of, sign_in, signed_in, site, world

from ledger.demo.county import demo_record
from verify.canonical import canonical_json

pytestmark = pytest.mark.sqlite_only
__all__ = ["browser", "site", "world"]  # the fixtures, one world for this module
SECRET = "企业提供了原料配比：环氧树脂62%、固化剂38%"


@pytest.fixture(scope="module")
def tasks(world: World) -> list[dict[str, Any]]:
    """Q2's tasks as the operator opened them (recorded)."""
    found: list[dict[str, Any]] = world.api.ok("POST", f"/api/draws/{Q2}/tasks", "op",
                                               json={"why": "安排检查"})["tasks"]
    return found


def file_record(world: World, task: dict[str, Any], visited: date, role: str = "clean",
                **extra: Any) -> str:
    unit, team = task["credit_code"], tuple(task["team"])
    record = {**demo_record(team, visited, world.items, unit, role, ""), **extra}
    world.api.ok("POST", f"/api/draws/{Q2}/units/{unit}/record", world.officers[team[0]],
                 json={"record": record, "on": visited.isoformat()})
    return str(unit)


def inspection(world: World, draw_id: str, unit: str) -> Any:
    return world.api.service.records.inspections.inspection(draw_id, unit)


def test_withheld_text_never_reaches_the_public_pages_and_shows_as_separated(
        world: World, tasks: list[dict[str, Any]], site: str, browser: Any) -> None:
    unit = file_record(world, tasks[0], date(2026, 4, 14), "open_order", public_remarks=SECRET,
                       orders=[{"order": "按规范设置废水排放口及标志牌", "due": "2026-05-14"}])
    op = sign_in(browser, site, world.api.tokens["op"], DESKTOP)
    op.goto(f"{site}/ceremony/{Q2}")
    with op.expect_navigation():
        op.click(f'#results-due tr[data-unit="{unit}"] a')
    preview = op.inner_text("#preview")
    assert SECRET in preview and "须经审核" in preview  # the operator reads what would go out
    shot(op, "publish-review-desktop")
    # published as it stands without a reviewer: refused, the reviewer named, nothing written
    with op.expect_navigation():
        op.click("#publish-button")
    assert op.get_attribute("#form-error", "data-field") == "reviewer"
    assert "审查人" in op.inner_text("#form-error") and "公开说明须经审核" in op.inner_text(
        "#form-error")
    assert inspection(world, Q2, unit).disclosed is None
    # withhold the text (commercial secret): the preview shows what the public will read
    row = '#withhold tr[data-field="remarks"]'
    op.select_option(f"{row} select", "commercial_secret")
    with op.expect_navigation():
        op.click("#preview-button")
    shown = op.inner_text('#preview dd[data-field="remarks"]')
    assert shown.startswith("已作区分处理（商业秘密）") and SECRET not in shown
    assert "按规范设置废水排放口及标志牌" in op.inner_text('#preview dd[data-field="orders"]')
    shot(op, "publish-preview-withheld-desktop")
    op.set_viewport_size(PHONE)
    shot(op, "publish-preview-withheld-phone")
    assert no_horizontal_scroll(op)
    op.set_viewport_size(DESKTOP)
    # the conclusion of the review is asked for, named as the form names it
    op.fill("#reviewer", "办公室主任王敏")
    op.fill("#reviewed_on", "2026-04-27")
    op.fill("#publish-on", "2026-04-28")
    with op.expect_navigation():
        op.click("#publish-button")
    assert op.get_attribute("#form-error", "data-field").endswith("].conclusion")
    assert "公开说明 · 审查结论" in op.inner_text("#form-error")
    assert op.get_attribute(f"{row} input[type=text]", "aria-invalid") == "true"
    assert SECRET not in op.inner_text("#preview")  # still previewed as chosen
    assert inspection(world, Q2, unit).disclosed is None
    shot(op, "publish-review-error-desktop")
    op.fill(f"{row} input[type=text]", "涉及企业原料配比，属商业秘密，不予公开")
    with op.expect_navigation():
        op.click("#publish-button")
    assert op.url.endswith(f"/ceremony/{Q2}?published={unit}")
    assert unit in op.inner_text("#published")
    disclosed = inspection(world, Q2, unit).disclosed
    assert disclosed["review"] == [{
        "field": "remarks", "ground": "commercial_secret",
        "basis": "《中华人民共和国政府信息公开条例》第十五条",
        "conclusion": "涉及企业原料配比，属商业秘密，不予公开", "reviewer": "办公室主任王敏",
        "reviewed_on": "2026-04-27"}]
    assert disclosed["withheld"] == {"remarks": hashlib.sha256(canonical_json(SECRET)).hexdigest()}
    # the public: the result page, the search, the agency's year; never the withheld text
    public = op.context.browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    for path in (f"/r/{Q2}/{unit}", f"/search?q={unit}", f"/a/{COUNTY}/2026"):
        public.goto(site + path)
        assert SECRET not in public.content(), path
    public.goto(f"{site}/r/{Q2}/{unit}")
    assert "已作区分处理（商业秘密）" in public.inner_text("main")
    shot(public, "result-withheld-phone")
    assert no_horizontal_scroll(public)
    for answer in (world.api.ok("GET", f"/api/public/search?q={unit}"),
                   world.api.ok("GET", f"/api/public/agencies/{COUNTY}/2026")):
        assert SECRET not in str(answer)
    public.context.close()
    op.context.close()


def test_a_public_text_is_published_once_a_reviewer_approves_it(
        world: World, tasks: list[dict[str, Any]]) -> None:
    text = "企业已按要求提交自行监测报告"
    unit = file_record(world, tasks[1], date(2026, 4, 15), public_remarks=text)
    console = signed_in(world, "op")
    page = console.get(f"/ceremony/{Q2}/units/{unit}")
    assert page.status_code == 200 and 'id="publish-form"' in page.text
    forged = console.post(f"/ceremony/{Q2}/units/{unit}/publish", data={
        "csrf": "0" * 64, "reviewer": "办公室主任", "reviewed_on": "2026-04-27"})
    assert forged.status_code == 403 and inspection(world, Q2, unit).disclosed is None
    bad_date = console.post(f"/ceremony/{Q2}/units/{unit}/publish", data={
        "csrf": csrf_of(page.text), "reviewer": "办公室主任", "reviewed_on": "2026-04-31"})
    assert bad_date.status_code == 422 and 'data-field="reviewed_on"' in bad_date.text
    assert 'id="reviewed_on" name="reviewed_on" value="2026-04-31" aria-invalid="true"' \
        in bad_date.text and inspection(world, Q2, unit).disclosed is None
    done = console.post(f"/ceremony/{Q2}/units/{unit}/publish", data={
        "csrf": csrf_of(page.text), "reviewer": "办公室主任", "reviewed_on": "2026-04-27",
        "on": "2026-04-28"}, follow_redirects=False)
    assert done.status_code == 303, done.text[-1500:]
    disclosed = inspection(world, Q2, unit).disclosed
    assert disclosed["public"]["remarks"] == text and disclosed["withheld"] == {}
    assert disclosed["review"][0]["ground"] == "approved"
    assert disclosed["review"][0]["reviewer"] == "办公室主任"
    assert text in console.get(f"/r/{Q2}/{unit}").text
    again = console.get(f"/ceremony/{Q2}/units/{unit}")
    assert 'id="publish-form"' not in again.text and 'id="published"' in again.text


def test_a_recusal_at_the_visit_is_recorded_from_the_officers_form(
        world: World, tasks: list[dict[str, Any]]) -> None:
    task = tasks[2]
    unit, team = task["credit_code"], list(task["team"])
    officer = signed_in(world, world.officers[team[0]])
    form = officer.get(f"/officer/record/{Q2}/{unit}")
    assert form.status_code == 200 and 'id="recusal-form"' in form.text
    post = {"csrf": csrf_of(form.text), "officer": team[1], "requested_by": "企业负责人"}
    no_reason = officer.post(f"/officer/record/{Q2}/{unit}/recusal", data={**post, "granted": "no"})
    assert no_reason.status_code == 422 and 'data-field="recusal.reason"' in no_reason.text
    assert "回避理由" in no_reason.text and 'id="rcl-reason" name="reason" value="" ' \
        'aria-invalid="true"' in no_reason.text
    assert inspection(world, Q2, unit) is None  # nothing written
    no_decision = officer.post(f"/officer/record/{Q2}/{unit}/recusal",
                               data={**post, "reason": "曾在该企业任职"})
    assert no_decision.status_code == 422 and 'data-field="recusal.granted"' in no_decision.text
    refused = officer.post(f"/officer/record/{Q2}/{unit}/recusal", data={
        **post, "reason": "与企业法定代表人系同学", "granted": "no"})
    assert refused.status_code == 200 and 'id="recusal-saved"' in refused.text
    assert "不予准许" in refused.text
    granted = officer.post(f"/officer/record/{Q2}/{unit}/recusal", data={
        **post, "reason": "曾在该企业任职，三年内", "granted": "yes"})
    assert granted.status_code == 200, granted.text[-1500:]
    recusals = inspection(world, Q2, unit).recusals
    assert [r["granted"] for r in recusals] == ["no", "yes"]
    replacement = recusals[1]["replacement"]
    assert replacement and replacement not in team
    assert f"抽取 {replacement} 替补" in granted.text
    now = world.api.service.records.inspections.team(Q2, unit)
    assert team[1] not in now and replacement in now


def test_the_operator_records_a_recusal_and_an_unknown_officer_is_named(
        world: World, tasks: list[dict[str, Any]]) -> None:
    task = tasks[3]
    unit, team = task["credit_code"], list(task["team"])
    console = signed_in(world, "op")
    page = console.get(f"/ceremony/{Q2}/units/{unit}")
    assert page.status_code == 200 and 'id="recusal-form"' in page.text
    assert not any(c in page.text for c in team)  # the sealed team is not shown here
    data = {"csrf": csrf_of(page.text), "requested_by": "企业环保负责人", "reason": "亲属关系",
            "granted": "no"}
    stranger = console.post(f"/ceremony/{Q2}/units/{unit}/recusal",
                            data={**data, "officer": "ZZ0000000"})
    assert stranger.status_code == 422 and 'data-field="officer"' in stranger.text
    assert inspection(world, Q2, unit) is None
    done = console.post(f"/ceremony/{Q2}/units/{unit}/recusal", data={**data, "officer": team[0]},
                        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?done=recusal")
    shown = console.get(done.headers["location"])
    assert 'id="done"' in shown.text and "不予回避" in shown.text
    assert inspection(world, Q2, unit).recusals[0]["officer"] == team[0]


def test_the_operator_verifies_an_order_to_correct_as_done(world: World) -> None:
    unit = sorted(world.team_of)[0]  # Q1's first unit was left with an open order
    assert inspection(world, Q1, unit).open_orders == [0]
    console = signed_in(world, "op")
    page = console.get(f"/ceremony/{Q1}")
    assert f'<tr data-unit="{unit}">' in page.text and "未完成 1 项" in page.text
    unit_page = console.get(f"/ceremony/{Q1}/units/{unit}")
    assert 'class="rectify-form"' in unit_page.text
    data = {"csrf": csrf_of(unit_page.text), "rectified_on": "2026-03-02",
            "evidence": "复查照片 sha256 " + "ab" * 32}
    wrong = console.post(f"/ceremony/{Q1}/units/{unit}/rectify", data={**data, "order": "2"})
    assert wrong.status_code == 422 and 'data-field="order"' in wrong.text
    assert "第 2 项不是本记录未完成的责令改正事项" in wrong.text
    bad_day = console.post(f"/ceremony/{Q1}/units/{unit}/rectify",
                           data={**data, "order": "1", "rectified_on": "2026-02-30"})
    assert bad_day.status_code == 422 and 'data-field="rectified_on"' in bad_day.text
    assert inspection(world, Q1, unit).open_orders == [0]  # nothing written
    done = console.post(f"/ceremony/{Q1}/units/{unit}/rectify", data={**data, "order": "1"},
                        follow_redirects=False)
    assert done.status_code == 303, done.text[-1500:]
    found = inspection(world, Q1, unit)
    assert found.open_orders == [] and found.rectified[0]["verified_by"] == "张三 (op)"
    shown = console.get(done.headers["location"]).text
    assert "2026-03-02 整改完成，核查人 张三 (op)" in shown
    assert "已全部整改" in console.get(f"/ceremony/{Q1}").text


def test_the_console_opens_a_unit_by_its_code_and_names_a_bad_one(world: World) -> None:
    console = signed_in(world, "op")
    bad = console.get(f"/ceremony/{Q2}/unit?unit=12345")
    assert bad.status_code == 200 and 'data-field="unit"' in bad.text
    good = console.get(f"/ceremony/{Q2}/unit?unit={sorted(world.team_of)[1].lower()}",
                       follow_redirects=False)
    assert good.headers["location"] == f"/ceremony/{Q2}/units/{sorted(world.team_of)[1]}"


def test_the_unit_pages_are_for_the_operator_only(world: World, tasks: list[dict[str, Any]]
                                                  ) -> None:
    unit = tasks[4]["credit_code"]
    assert signed_in(world, "audit").get(f"/ceremony/{Q2}/units/{unit}").status_code == 403
    officer = signed_in(world, world.officers[tasks[4]["team"][0]])
    assert officer.post(f"/ceremony/{Q2}/units/{unit}/recusal", data={}).status_code == 403



# -- the fixed list and the directories ---------------------------------------------------------------
def test_a_fixed_list_is_amended_with_reason_and_approver_from_the_console(
        world: World, tasks: list[dict[str, Any]]) -> None:
    closed, recusal = tasks[5], tasks[6]
    world.api.ok("POST", f"/api/agencies/{COUNTY}/entities/{closed['credit_code']}/changes", "op",
                 json={"change": "close", "reason": "企业已注销（市场监管部门公告）"})
    before = world.api.ok("GET", f"/api/draws/{Q2}")["amendments"]
    console = signed_in(world, "op")
    page = console.get(f"/ceremony/{Q2}")
    assert 'id="amend-form"' in page.text
    data = {"csrf": csrf_of(page.text), "kind": "replace", "unit": closed["credit_code"],
            "reason": "企业已注销，无法检查"}
    unapproved = console.post(f"/ceremony/{Q2}/amend", data=data)
    assert unapproved.status_code == 422 and 'data-field="approved_by"' in unapproved.text
    assert "名单确定后的变更须写明批准人" in unapproved.text
    assert 'id="amend-reason" name="reason" value="企业已注销，无法检查"' in unapproved.text
    assert world.api.ok("GET", f"/api/draws/{Q2}")["amendments"] == before  # nothing written
    no_kind = console.post(f"/ceremony/{Q2}/amend", data={**data, "kind": "", "approved_by": "局长"})
    assert no_kind.status_code == 422 and 'data-field="kind"' in no_kind.text
    replaced = console.post(f"/ceremony/{Q2}/amend", data={**data, "approved_by": "局长"})
    assert replaced.status_code == 200 and 'id="amended"' in replaced.text, replaced.text[-1500:]
    assert f"已变更：{closed['credit_code']} 由" in replaced.text
    assert world.api.ok("GET", f"/api/draws/{Q2}")["amendments"] == {
        "count": before["count"] + 1, "approved_by": [*before["approved_by"], "局长"]}
    unit, team = recusal["credit_code"], list(recusal["team"])
    stranger = console.post(f"/ceremony/{Q2}/amend", data={
        **data, "kind": "recuse", "unit": unit, "officer": "ZZ0000000", "approved_by": "局长",
        "reason": "与企业负责人系近亲属"})
    assert stranger.status_code == 422 and 'data-field="officer"' in stranger.text
    recused = console.post(f"/ceremony/{Q2}/amend", data={
        **data, "kind": "recuse", "unit": unit, "officer": team[0], "approved_by": "局长",
        "reason": "与企业负责人系近亲属"})
    assert recused.status_code == 200 and f"{team[0]} 在 {unit} 回避" in recused.text
    assert team[0] not in world.api.service.records.inspections.team(Q2, unit)


def test_a_directory_file_with_bad_rows_is_refused_whole_and_every_bad_row_is_listed(
        world: World) -> None:
    before = world.api.ok("GET", f"/api/agencies/{COUNTY}/entities", "op")
    exported = world.api.call("GET", f"/api/agencies/{COUNTY}/entities/export?format=csv", "op")
    assert exported.status_code == 200
    lines = exported.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    code_at, category_at = header.index("统一社会信用代码"), header.index("类别")
    bad = [lines[0]]
    for n, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        if n == 3:
            cells[code_at] = cells[code_at][:-1] + ("0" if cells[code_at][-1] != "0" else "1")
        if n == 5:
            cells[category_at] = "不知道"
        bad.append(",".join(cells))
    session = signed_in(world, "op")
    page = session.get("/directories")
    assert page.status_code == 200 and 'id="import-form"' in page.text
    refused = session.post("/directories/import", data={"csrf": csrf_of(page.text),
                                                        "which": "entities"},
                           files={"file": ("名录.csv", "\n".join(bad).encode("utf-8"), "text/csv")})
    assert refused.status_code == 422 and 'id="bad-rows"' in refused.text
    rows = re.findall(r'<tr><td data-label="行号">(\d+)</td>', refused.text)
    assert rows == ["3", "5"], refused.text[-2000:]
    assert "一行也没有导入" in refused.text
    assert world.api.ok("GET", f"/api/agencies/{COUNTY}/entities", "op") == before
    no_file = session.post("/directories/import", data={"csrf": csrf_of(page.text),
                                                        "which": "entities"})
    assert no_file.status_code == 422 and 'data-field="file"' in no_file.text
    again = session.post("/directories/import", data={"csrf": csrf_of(page.text),
                                                      "which": "entities"},
                         files={"file": ("名录.csv", exported.content)})
    assert again.status_code == 200 and 'id="imported"' in again.text, again.text[-1500:]
    assert f"未变 {len(lines) - 1} 条" in again.text


def test_the_unit_and_directory_pages_fit_a_phone_and_read_in_english(
        world: World, tasks: list[dict[str, Any]], site: str, browser: Any) -> None:
    unit = sorted(world.team_of)[0]
    op = sign_in(browser, site, world.api.tokens["op"], PHONE)
    for path, name in ((f"/ceremony/{Q1}/units/{unit}", "unit-follow-up-phone"),
                       (f"/ceremony/{Q2}/units/{tasks[7]['credit_code']}", "unit-recusal-phone"),
                       (f"/ceremony/{Q2}", "ceremony-amend-phone"), ("/directories",
                                                                     "directories-phone")):
        op.goto(site + path)
        if path == f"/ceremony/{Q2}":
            op.click("#amend summary")
        shot(op, name)
        assert no_horizontal_scroll(op), path
    op.set_input_files("#dir-file", files=[{"name": "名录.csv", "mimeType": "text/csv",
                                            "buffer": "名称,统一社会信用代码\n某厂,123\n".encode()}])
    op.check('input[name="which"][value="entities"]')
    with op.expect_navigation():
        op.click("#import-form button")
    assert op.get_attribute("#form-error", "data-field") == "file"
    shot(op, "directories-refused-phone")
    assert no_horizontal_scroll(op)
    op.context.close()
    at_gate = sign_in(browser, site, world.api.tokens[world.officers[tasks[7]["team"][0]]], PHONE)
    at_gate.goto(f"{site}/officer/record/{Q2}/{tasks[7]['credit_code']}")
    at_gate.click("#recusal summary")
    at_gate.fill("#rcl-requested-by", "企业负责人")
    with at_gate.expect_navigation():
        at_gate.click("#recusal-form button")
    assert at_gate.get_attribute("#form-error", "data-field") == "recusal.officer"
    assert at_gate.get_attribute("#rcl-officer", "aria-invalid") == "true"
    shot(at_gate, "officer-recusal-error-phone")
    assert no_horizontal_scroll(at_gate)
    at_gate.context.close()
    officer = signed_in(world, world.officers[tasks[7]["team"][0]])
    console = signed_in(world, "op")
    for session, path, text in (
            (console, f"/ceremony/{Q1}/units/{unit}", "Verifying the orders to correct"),
            (console, f"/ceremony/{Q2}", "Amending the fixed list"),
            (console, "/directories", "Importing a directory"),
            (officer, f"/officer/record/{Q2}/{tasks[7]['credit_code']}", "Recusal asked at the visit")):
        page = session.get(f"{path}?lang=en")
        assert page.status_code == 200 and '<html lang="en">' in page.text, path
        assert text in page.text, path


def test_the_json_route_publishes_a_public_text_once_a_reviewer_is_named(
        world: World, tasks: list[dict[str, Any]]) -> None:
    """The same review as the pages' and the command line's (the service's ``review_of``)."""
    text = "企业已完成排污许可证延续"
    unit = file_record(world, tasks[8], date(2026, 4, 16), public_remarks=text)
    path = f"/api/draws/{Q2}/units/{unit}/publication"
    unreviewed = world.api.call("POST", path, "op", json={"on": "2026-04-28"})
    assert unreviewed.status_code == 422 and unreviewed.json()["error"]["field"] == "public_remarks"
    no_date = world.api.call("POST", path, "op", json={"on": "2026-04-28", "reviewer": "办公室主任"})
    assert no_date.status_code == 422 and no_date.json()["error"]["field"] == "reviewed_on"
    done = world.api.ok("POST", path, "op", json={"on": "2026-04-28", "reviewer": "办公室主任",
                                                  "reviewed_on": "2026-04-27"})
    assert done["public"]["remarks"] == text


def test_an_xlsx_officers_directory_is_imported_from_the_page(world: World) -> None:
    exported = world.api.call("GET", f"/api/agencies/{COUNTY}/inspectors/export?format=xlsx", "op")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    session = signed_in(world, "op")
    page = session.get("/directories")
    done = session.post("/directories/import", data={"csrf": csrf_of(page.text),
                                                     "which": "inspectors"},
                        files={"file": ("执法人员.xlsx", exported.content)})
    assert done.status_code == 200 and 'id="imported"' in done.text, done.text[-1500:]
    officers = len(world.api.ok("GET", f"/api/agencies/{COUNTY}/inspectors", "op"))
    assert f"未变 {officers} 条" in done.text
    wrong_kind = session.post("/directories/import", data={"csrf": csrf_of(page.text),
                                                           "which": "inspectors"},
                              files={"file": ("名录.pdf", b"%PDF-1.4")})
    assert wrong_kind.status_code == 422 and 'data-field="file"' in wrong_kind.text
