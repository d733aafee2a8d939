"""The public view is a projection: everything disclosed and nothing else, searchable, and the same
whether built step by step or rebuilt from event 0."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from ceremony_steps import fixed
from conftest import COUNTY, PREFECTURE
from test_inspections import _record

from api.bootstrap import Spotcheck, open_runner
from ledger.domain.agency import agency_id
from ledger.domain.directory import InspectionObject, object_id
from ledger.services.ceremony import Ceremony
from ledger.services.inspections import Inspections
from ledger.services.ledger import Ledger
from projections.public import PublicProjection, PublicQueryError, public_pages, search_results
from projections.runner import Runner, table_contents

YEAR = 2026


@pytest.fixture
def runner(county: Ledger) -> Iterator[Runner]:
    opened = open_runner(county, batch_size=40)
    try:
        yield opened
    finally:
        opened.close()


def _public(runner: Runner) -> dict[str, list[tuple[Any, ...]]]:
    return table_contents(runner.store, PublicProjection(lambda *_: {}))


def _file_all(ceremony: Ceremony, draw_id: str) -> dict[str, tuple[str, ...]]:
    inspections = Inspections(ceremony.app, ceremony)
    teams = ceremony.open(draw_id).teams
    for n, (unit, team) in enumerate(teams.items()):
        inspections.file_record(draw_id, unit, _record(team, problem=n == 0), team[0],
                                date(2026, 1, 9))
    return teams


def test_a_sealed_list_leaves_nothing_but_its_fixing_in_the_public_tables(
    ceremony: Ceremony, runner: Runner
) -> None:
    draw_id = fixed(ceremony)
    teams = _file_all(ceremony, draw_id)  # every visit recorded, nothing published yet
    runner.run("public")
    tables = _public(runner)
    assert tables["public_tasks"] == [] and tables["public_results"] == []
    draw = ceremony.draw(draw_id)
    assert draw.fixed is not None
    assert [(r[1], r[7], r[8], r[9]) for r in tables["public_draws"] if r[1] == draw_id] == [
        (draw_id, draw.fixed["fixed_on"], draw.fixed["list_hash"], "")]
    text = json.dumps(tables, ensure_ascii=False)
    officers = {o for team in teams.values() for o in team}
    assert officers and not any(o in text for o in officers)  # who visits whom stays sealed
    pages = public_pages(runner.store, COUNTY, YEAR)
    assert pages["tasks"] == [] and pages["results"] == []
    assert pages["fixed_lists"] == [{"draw_id": draw_id, "period": "2026Q1",
                                     "fixed_on": draw.fixed["fixed_on"],
                                     "list_hash": draw.fixed["list_hash"]}]


def test_a_disclosed_list_is_opened_with_the_key_it_published(
    ceremony: Ceremony, runner: Runner
) -> None:
    draw_id = fixed(ceremony)
    teams = _file_all(ceremony, draw_id)
    Inspections(ceremony.app, ceremony).disclose_list(draw_id, "局长", date(2026, 2, 2))
    runner.run("public")
    (notice,) = public_pages(runner.store, COUNTY, YEAR)["tasks"]
    assert notice["draw_id"] == draw_id
    assert [(t["credit_code"], tuple(t["officers"])) for t in notice["tasks"]] == list(teams.items())
    county = str(agency_id(COUNTY))
    for task in notice["tasks"]:
        unit: InspectionObject = ceremony.app.repository.get(object_id(county, task["credit_code"]))
        assert task["unit"] == unit.name


def test_published_results_are_searchable_by_name_code_agency_and_quarter(
    ceremony: Ceremony, county: Ledger
) -> None:
    draw_id = fixed(ceremony)
    teams = _file_all(ceremony, draw_id)
    inspections = Inspections(ceremony.app, ceremony)
    (first, _), (second, _), *rest = teams.items()
    for unit in (first, second):
        inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20))
    view = Spotcheck(county).public
    published = view.search("")
    assert sorted(r["credit_code"] for r in published) == sorted([first, second])
    assert [r["credit_code"] for r in view.search(first[-6:])] == [first]
    name = published[[r["credit_code"] for r in published].index(second)]["unit"]
    assert [r["credit_code"] for r in view.search(name)] == [second]
    assert len(view.search("", year=2026, agency=COUNTY, quarter=1)) == 2
    assert view.search("", year=2026, quarter=2) == []
    assert view.search("", agency=PREFECTURE) == []  # the prefecture's own results only
    assert view.search("", year=2025) == []
    assert view.search("%") == [] and view.search("_") == []  # no SQL wildcards
    unpublished = [unit for unit, _ in rest]
    assert not any(view.search(unit) for unit in unpublished)
    with pytest.raises(PublicQueryError, match="--quarter: 5") as bad:
        view.search("", year=2026, quarter=5)
    assert bad.value.kind == "invalid"  # HTTP 422
    with pytest.raises(PublicQueryError, match="agency: no agency with division code 659999") as no:
        view.search("", agency="659999")
    assert no.value.kind == "not_found"  # HTTP 404, not a refusal


def test_the_public_projection_rebuilt_from_event_0_equals_the_one_built_step_by_step(
    ceremony: Ceremony, county: Ledger, runner: Runner
) -> None:
    app = ceremony.app
    runner.run()
    draw_id = fixed(ceremony)
    runner.run()
    inspections = Inspections(app, ceremony)
    teams = list(ceremony.open(draw_id).teams.items())
    for n, (unit, team) in enumerate(teams):
        inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
        if n % 3 == 0:
            inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20))
            runner.run()
    app.publish_year_list(agency_id(COUNTY), YEAR, "办公室")
    unit, _ = teams[1]
    holder: InspectionObject = app.repository.get(object_id(str(agency_id(COUNTY)), unit))
    holder.update({"name": holder.name + "（更名）"}, "工商变更")
    app.save(holder)
    inspections.disclose_list(draw_id, "局长", date(2026, 2, 2))
    runner.run()
    incremental = _public(runner)
    assert incremental["public_tasks"] and incremental["public_results"]
    assert any(name.endswith("（更名）") for (_, _, _, name, _) in incremental["public_tasks"])

    runner.rebuild("public")
    assert _public(runner) == incremental
    with open_runner(county) as fresh:  # other batch boundaries
        fresh.rebuild("public")
        assert _public(fresh) == incremental
    assert search_results(runner.store, "", year=YEAR) == Spotcheck(county).public.search("", year=YEAR)
