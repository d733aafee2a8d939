"""The public site (一公开) as citizens and journalists use it: no sign-in, Chinese by default,
English on request, nothing loaded from elsewhere, and a receipt checked by the reader's own
browser (good receipts pass, tampered ones are refused)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import DESKTOP, PHONE, chromium, no_horizontal_scroll, require_browser, served, shot
from pages_world import COUNTY, PREFECTURE, Q1, WITNESS, World, build_world
from receipts import receipt

from api.service.evidence import Evidence
from ledger.domain.clock import simulated_time
from verify.cosignature import generate_cosigner

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from conftest import TEST_TIME

    with simulated_time(TEST_TIME):
        built = build_world(tmp_path_factory.mktemp("public-site"))
    try:
        yield built
    finally:
        built.close()


def page(world: World, path: str, **headers: str) -> Any:
    response = world.api.client.get(path, headers=headers, follow_redirects=True)
    return response


def first_unit(world: World) -> str:
    return sorted(world.team_of)[0]


def test_the_home_page_lists_the_agencies_county_below_prefecture_in_chinese(world: World) -> None:
    response = page(world, "/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="zh-CN">' in html and "各级生态环境部门" in html
    prefecture, county = html.index(f"/a/{PREFECTURE}"), html.index(f"/a/{COUNTY}")
    assert prefecture < county
    nested = html[prefecture:]
    assert nested.index("<ul") < nested.index(f"/a/{COUNTY}")  # the county in the prefecture's list


def test_agencies_are_grouped_province_then_prefecture_then_county() -> None:
    from api.http.pages.public import agency_tree, by_province
    from ledger.domain.agency import agency_id

    def row(code: str, level: str, parent: str | None) -> dict[str, Any]:
        return {"division_code": code, "name": code, "level": level,
                "parent_id": str(agency_id(parent)) if parent else ""}

    rows = [row("652301", "county", "652300"), row("650000", "province", None),
            row("652300", "prefecture", "650000"), row("652302", "county", "652300"),
            row("540100", "prefecture", None)]  # a prefecture whose province has no agency here
    groups = by_province(agency_tree(rows))
    assert [(g["code"], g["own"] is not None) for g in groups] == [("540000", False),
                                                                   ("650000", True)]
    assert groups[0]["name"] == "西藏自治区"
    (prefecture,) = groups[1]["nodes"]
    assert prefecture["agency"]["division_code"] == "652300"
    assert [n["agency"]["division_code"] for n in prefecture["below"]] == ["652301", "652302"]


def test_english_on_request_by_header_and_by_the_switch(world: World) -> None:
    assert "Agencies" in page(world, "/", **{"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}).text
    assert "各级生态环境部门" in page(world, "/", **{"Accept-Language": "zh-CN,en;q=0.8"}).text
    switched = world.api.client.get("/lang?to=en&next=/search", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/search"
    assert "spotcheck_lang=en" in switched.headers["set-cookie"]
    away = world.api.client.get("/lang?to=en&next=//evil.example/", follow_redirects=False)
    assert away.headers["location"] == "/"


def test_every_published_category_and_every_text_has_both_languages() -> None:
    from api.http.pages.i18n import CATEGORY_EN, TEXTS
    from ledger.domain.inspection_record import CASE_FILED, CATEGORIES

    assert {*CATEGORIES.values(), CASE_FILED} <= set(CATEGORY_EN)
    assert all(zh.strip() and en.strip() for zh, en in TEXTS.values())
    templates = Path(__file__).resolve().parent.parent / "api" / "http" / "pages" / "templates"
    used = {key for f in templates.glob("*.html")
            for key in re.findall(r"t\('([a-z0-9_.]+)'", f.read_text(encoding="utf-8"))}
    assert {k for k in used if not k.endswith(".") and not k.endswith("_")} <= set(TEXTS)


def test_known_rules_read_in_chinese_and_unknown_ones_stay_as_stated() -> None:
    from api.http.pages.i18n import rule_in

    assert rule_in("zh", "2026-04-01 is not after the visit (2026-04-08)") == \
        "限期 2026-04-01 须晚于检查日期 2026-04-08"
    assert rule_in("en", "a problem is described") is None
    assert rule_in("zh", "a rule nobody translated") is None


def test_an_agency_year_shows_the_four_sections_and_the_fixed_list(world: World) -> None:
    html = page(world, f"/a/{COUNTY}").text  # the latest year with a draw
    for section in ("抽查事项清单", "抽查计划公告", "抽查任务公告", "抽查结果公告", "已确定的抽查名单"):
        assert section in html
    draw = world.api.ok("GET", f"/api/draws/{Q1}")
    assert draw["fixed"]["list_hash"] in html and "2025-12-29" in html
    assert "防治污染设施运行" in html  # an item of the rulebook
    year_list = world.api.ok("GET", f"/api/public/agencies/{COUNTY}/2026")["plan"][
        "units_under_supervision"]
    assert len(year_list) == 30 and all(u["credit_code"] in html for u in year_list)
    assert html.count('href="/r/') == len(world.team_of)  # every published result, linked


def test_anyone_downloads_the_public_bundle_and_it_verifies_without_personal_data(
        world: World, tmp_path: Path) -> None:
    import zipfile

    from commands import run

    html = page(world, f"/a/{COUNTY}").text
    assert f'href="/logs/{COUNTY}/public-bundle.zip"' in html and "公开核验包" in html
    response = world.api.client.get(f"/logs/{COUNTY}/public-bundle.zip")  # no sign-in
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert f"{COUNTY}-public-bundle-" in response.headers["content-disposition"]
    archive = tmp_path / "public.zip"
    archive.write_bytes(response.content)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path)
        text = "\n".join(opened.read(name).decode("utf-8", "replace") for name in opened.namelist())
    (bundle,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    checked = run(tmp_path, "spotcheck-verify", str(bundle))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    import csv

    with (world.root / "officers.csv").open(encoding="utf-8-sig") as officers:
        public_names = {row["姓名"] for row in csv.DictReader(officers)}  # named in task notices
    with (world.root / "units.csv").open(encoding="utf-8-sig") as units:
        personal = [value for row in csv.DictReader(units)
                    for value in (row["法定代表人"], row["联系电话"])
                    if len(value) > 1 and value not in public_names]
    assert personal and not [value for value in personal if value in text]  # no personal data
    assert page(world, "/logs/999999/public-bundle.zip").status_code == 404


def test_a_company_is_found_by_name_and_by_credit_code(world: World) -> None:
    unit = first_unit(world)
    name = world.api.ok("GET", f"/api/public/search?q={unit}")[0]["unit"]
    by_name = page(world, f"/search?q={name}").text
    assert name in by_name and f"/r/{Q1}/{unit}" in by_name
    by_code = page(world, f"/search?q={unit[-8:]}").text
    assert f"/r/{Q1}/{unit}" in by_code
    nothing = page(world, "/search?q=不存在的企业名称")
    assert nothing.status_code == 200 and "没有找到已公开的抽查结果" in nothing.text
    short = page(world, "/search?q=x")
    assert short.status_code == 422 and "字段 q" in short.text


def test_a_result_shows_its_draw_and_where_it_is_in_the_log(world: World) -> None:
    unit = first_unit(world)
    html = page(world, f"/r/{Q1}/{unit}").text
    draw = world.api.ok("GET", f"/api/draws/{Q1}")
    assert draw["fixed"]["list_hash"] in html and "名单确定日期" in html and "2025-12-29" in html
    assert "任务公告日期" in html and "2026-02-02" in html
    facts = Evidence(world.api.service.context).of_result(Q1, unit)
    assert {f.what for f in facts} == {"list_fixed", "disclosed", "result_disclosed"}
    for fact in facts:
        assert fact.log == COUNTY and fact.index is not None
        assert f"/logs/{COUNTY}/receipts/{fact.index}" in html and fact.event_hash in html


def test_an_unpublished_or_unknown_result_is_a_page_naming_the_field(world: World) -> None:
    response = page(world, f"/r/{Q1}/916523017897311099")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "字段" in response.text and "unit" in response.text


def test_pages_load_nothing_from_elsewhere(world: World) -> None:
    unit = first_unit(world)
    for path in ("/", f"/a/{COUNTY}/2026", f"/search?q={unit}", f"/r/{Q1}/{unit}", "/verify",
                 "/check"):
        response = page(world, path)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        external = re.findall(r'(?:src|href|action)="(?:https?:)?//[^"]*"', response.text)
        assert external == [], (path, external)
        assert "<script>" not in response.text  # no inline script (the policy would block it)
    assert page(world, "/static/tlog.js").status_code == 200


# -- in the browser ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(world: World) -> Iterator[str]:
    require_browser()
    with served(world.api.service) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Any]:
    with chromium() as opened:
        yield opened


def _check_receipt(browser: Any, site: str, text: str, entry: str, name: str,
                   witness_keys: str = "", quorum: int = 0, viewport: dict[str, int] = PHONE
                   ) -> tuple[bool, dict[str, str]]:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    tab = context.new_page()
    tab.goto(f"{site}/check?log={COUNTY}")
    tab.fill("#receipt-text", text)
    tab.fill("#entry", entry)
    tab.fill("#witness-keys", witness_keys)
    tab.fill("#quorum", str(quorum))
    tab.click("#check-button")
    tab.wait_for_selector("#verdict")
    ok = tab.get_attribute("#verdict", "data-ok") == "true"
    steps = {li.get_attribute("data-step") or "": li.get_attribute("class") or ""
             for li in tab.query_selector_all("#steps li")}
    shot(tab, name)
    assert no_horizontal_scroll(tab), name
    context.close()
    return ok, steps


def test_a_citizen_finds_a_company_and_its_result_on_a_phone(world: World, site: str,
                                                              browser: Any) -> None:
    unit = first_unit(world)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    tab = context.new_page()
    tab.goto(site + "/")
    shot(tab, "public-home-phone")
    assert no_horizontal_scroll(tab)
    tab.fill("#q", unit[-10:])
    tab.click("form[role=search] button")
    tab.wait_for_url(re.compile(r"/search\?q="))
    shot(tab, "public-search-phone")
    assert no_horizontal_scroll(tab)
    tab.click(f'a[href="/r/{Q1}/{unit}"]')
    tab.wait_for_selector("#receipts")
    shot(tab, "public-result-phone")
    assert no_horizontal_scroll(tab)
    assert tab.locator("#draw").inner_text().count("2025-12-29") == 1
    with tab.expect_navigation():
        tab.click('li[data-what="result_disclosed"] a.receipt-check')
    tab.wait_for_selector("#verdict")  # the page fetched /logs/<code>/receipts/<index> and checked it
    shot(tab, "public-result-receipt-checked-phone")
    assert tab.get_attribute("#verdict", "data-ok") == "true", tab.inner_text("#outcome")
    # against the keys it shows: the county's log key and its witness's, one cosignature required
    assert tab.input_value("#quorum") == "1" and WITNESS in tab.input_value("#witness-keys")
    assert tab.get_attribute('#steps li[data-step="cosignature"]', "class") == "pass"
    assert no_horizontal_scroll(tab)
    tab.goto(f"{site}/a/{COUNTY}/2026")
    shot(tab, "public-agency-phone")
    assert no_horizontal_scroll(tab)
    tab.click("#lang-switch")
    tab.wait_for_load_state()
    assert "Inspection results" in tab.content()
    shot(tab, "public-agency-phone-en")
    assert no_horizontal_scroll(tab)
    tab.goto(f"{site}/r/{Q1}/{unit}")
    assert "The draw this visit came from" in tab.content()  # the choice is remembered
    shot(tab, "public-result-phone-en")
    context.close()
    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    wide = desktop.new_page()
    wide.goto(f"{site}/a/{COUNTY}/2026")
    shot(wide, "public-agency-desktop")
    wide.goto(f"{site}/verify")
    shot(wide, "public-verify-desktop")
    desktop.close()


def test_a_good_receipt_verifies_in_the_browser(world: World, site: str, browser: Any) -> None:
    fact = next(f for f in Evidence(world.api.service.context).of_result(Q1, first_unit(world))
                if f.what == "result_disclosed")
    assert fact.index is not None
    text = receipt(world.api.service, COUNTY, fact.index)
    ok, steps = _check_receipt(browser, site, text, fact.event_hash, "check-good-phone")
    assert ok, steps
    assert all(steps[s] == "pass" for s in ("entry", "log_signature", "inclusion")), steps


def test_cosignatures_are_checked_against_the_witness_keys_shown(world: World, site: str,
                                                                 browser: Any) -> None:
    fact = Evidence(world.api.service.context).of_result(Q1, first_unit(world))[0]
    assert fact.index is not None
    witness, other = generate_cosigner("652300.spotcheck.test/witness"), generate_cosigner("w2.test")
    text = receipt(world.api.service, COUNTY, fact.index, cosigners=(witness,))
    keys = witness.verifier_key_text() + "\n" + other.verifier_key_text()
    ok, steps = _check_receipt(browser, site, text, fact.event_hash, "check-cosigned-desktop",
                               keys, quorum=1, viewport=DESKTOP)
    assert ok, steps
    ok, steps = _check_receipt(browser, site, text, fact.event_hash, "check-quorum-missed",
                               keys, quorum=2)
    assert not ok and steps["quorum"] == "fail"
    forged = text.replace(text.split("\n— 652300.spotcheck.test/witness ")[1][:20],
                          "A" * 20) if "— 652300.spotcheck.test/witness " in text else text
    ok, steps = _check_receipt(browser, site, forged, fact.event_hash, "check-forged-cosignature",
                               keys, quorum=1)
    assert not ok


def test_the_services_receipt_names_its_event_and_another_expected_event_is_refused(
        world: World, site: str, browser: Any) -> None:
    facts = Evidence(world.api.service.context).of_result(Q1, first_unit(world))
    fact, other = facts[-1], facts[0]
    assert fact.index is not None
    served_receipt = world.api.client.get(f"/logs/{COUNTY}/receipts/{fact.index}")
    assert served_receipt.status_code == 200, served_receipt.text
    text = served_receipt.text
    assert text.splitlines()[1].startswith("extra ")  # spotcheck-receipt/1: the event hash
    ok, steps = _check_receipt(browser, site, text, "", "check-served-receipt")
    assert ok, steps
    ok, steps = _check_receipt(browser, site, text, other.event_hash, "check-other-entry")
    assert not ok and steps["entry"] == "fail"


@pytest.mark.parametrize("tamper", ["proof_hash", "index", "entry", "signature", "root"])
def test_a_tampered_receipt_is_refused_in_the_browser(world: World, site: str, browser: Any,
                                                      tamper: str) -> None:
    fact = next(f for f in Evidence(world.api.service.context).of_result(Q1, first_unit(world))
                if f.what == "result_disclosed")
    assert fact.index is not None
    text, entry = receipt(world.api.service, COUNTY, fact.index), fact.event_hash
    head, note = text.split("\n\n", 1)
    lines = head.split("\n")
    if tamper == "proof_hash":
        lines[2] = ("B" if lines[2][0] != "B" else "C") + lines[2][1:]
    elif tamper == "index":
        lines[1] = f"index {fact.index + 1}"
    elif tamper == "entry":
        entry = ("0" if entry[0] != "0" else "1") + entry[1:]
    elif tamper == "signature":
        body, sig = note.rsplit(" ", 1)
        note = body + " " + sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    else:
        origin, size, root, rest = note.split("\n", 3)
        note = "\n".join([origin, size, ("A" if root[0] != "A" else "B") + root[1:], rest])
    ok, steps = _check_receipt(browser, site, "\n".join(lines) + "\n\n" + note, entry,
                               f"check-tampered-{tamper}")
    assert not ok, steps
    expected = {"proof_hash": "inclusion", "index": "inclusion", "entry": "inclusion",
                "signature": "log_signature", "root": "log_signature"}[tamper]
    assert steps[expected] == "fail", steps


def test_no_request_leaves_the_site(world: World, site: str, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    requested: list[str] = []
    tab.on("request", lambda r: requested.append(r.url))
    for path in ("/", f"/a/{COUNTY}/2026", f"/r/{Q1}/{first_unit(world)}", "/check", "/verify"):
        tab.goto(site + path)
    assert requested and all(u.startswith(site) for u in requested), requested
    context.close()


def test_screenshots_are_written(world: World, site: str) -> None:
    assert Path(__file__).resolve().parent.parent.joinpath("screenshots").is_dir()
