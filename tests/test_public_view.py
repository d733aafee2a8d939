"""What the public may see, and who may read what: nothing sealed or withheld on any public path."""

from __future__ import annotations

import json
from datetime import date

import pytest
from ceremony_steps import fixed
from conftest import COUNTY, PREFECTURE
from test_inspections import _record

from api.bootstrap import Spotcheck
from ledger.domain.agency import agency_id
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.masking import ConfidentialityReview, WithheldField
from ledger.services.ceremony import Ceremony
from ledger.services.inspections import Inspections
from ledger.services.ledger import Ledger
from projections.public_view import AccessError, PublicView, Viewer

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only

YEAR = 2026
SECRET_PENALTY = "罚款人民币叁万元整（内部核定）"


@pytest.fixture
def quarter(county: Ledger, ceremony: Ceremony) -> tuple[Inspections, PublicView, str]:
    return Inspections(ceremony.app, ceremony), Spotcheck(county).public, fixed(ceremony)


def _public_text(view: PublicView) -> str:
    return json.dumps(view.agency_pages(COUNTY, YEAR), ensure_ascii=False)


def test_before_disclosure_the_public_sees_that_a_list_was_fixed_not_which_units(
    quarter: tuple[Inspections, PublicView, str],
) -> None:
    inspections, view, draw_id = quarter
    pages = view.agency_pages(COUNTY, YEAR)
    draw = inspections.ceremony.draw(draw_id)
    assert draw.fixed is not None
    assert pages["fixed_lists"] == [{"draw_id": draw_id, "period": "2026Q1",
                                     "fixed_on": draw.fixed["fixed_on"],
                                     "list_hash": draw.fixed["list_hash"]}]
    assert pages["tasks"] == [] and pages["results"] == []
    assert [i["item"] for i in pages["items"]] == ["防治污染设施运行", "污染物排放", "环境管理制度落实"]
    assert pages["plan"]["filed"] is True
    text = _public_text(view)
    for unit in inspections.ceremony.open(draw_id).teams:
        assert unit not in text


def test_a_published_result_shows_masked_and_withheld_nothing_else(
    quarter: tuple[Inspections, PublicView, str],
) -> None:
    inspections, view, draw_id = quarter
    teams = inspections.ceremony.open(draw_id).teams
    (unit, team), (other, other_team) = list(teams.items())[:2]
    holder: InspectionObject = inspections.app.repository.get(object_id(str(agency_id(COUNTY)), unit))
    person = str(holder.details["legal_representative"])
    record = _record(team, problem=True, case={"filed": True, "penalty": SECRET_PENALTY},
                     remarks=f"{person}，身份证号11010119900307457X，拒绝签字")
    inspections.file_record(draw_id, unit, record, team[0], date(2026, 1, 9))
    inspections.file_record(draw_id, other, _record(other_team), other_team[0], date(2026, 1, 9))
    review = ConfidentialityReview((WithheldField("penalty", "commercial_secret", "涉及商业秘密",
                                                  "保密审查员", "2026-01-20"),))
    inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20), review)
    pages = view.agency_pages(COUNTY, YEAR)
    assert [r["credit_code"] for r in pages["results"]] == [unit]  # not the unpublished one
    result = pages["results"][0]
    assert (result["category"], result["case"]) == ("发现问题待后续处理", "立案查处")
    text = _public_text(view)
    assert SECRET_PENALTY not in text and "已作区分处理" in text
    assert person not in text and "11010119900307457X" not in text
    assert other not in text


def test_after_every_visit_the_task_notice_lists_units_and_teams(
    quarter: tuple[Inspections, PublicView, str],
) -> None:
    inspections, view, draw_id = quarter
    teams = inspections.ceremony.open(draw_id).teams
    for unit, team in teams.items():
        inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
    inspections.disclose_list(draw_id, "局长", date(2026, 2, 2))
    tasks = view.agency_pages(COUNTY, YEAR)["tasks"]
    assert [t["credit_code"] for t in tasks[0]["tasks"]] == list(teams)
    assert tasks[0]["tasks"][0]["officers"] == list(next(iter(teams.values())))


def test_the_years_list_of_units_under_supervision_can_be_published(
    quarter: tuple[Inspections, PublicView, str],
) -> None:
    inspections, view, _ = quarter
    count = inspections.app.publish_year_list(agency_id(COUNTY), YEAR, "办公室")
    listed = view.agency_pages(COUNTY, YEAR)["plan"]["units_under_supervision"]
    assert len(listed) == count > 0 and set(listed[0]) == {"name", "credit_code"}


def test_each_role_reads_only_what_it_may(quarter: tuple[Inspections, PublicView, str]) -> None:
    inspections, view, draw_id = quarter
    teams = inspections.ceremony.open(draw_id).teams
    unit, team = next(iter(teams.items()))
    inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
    with pytest.raises(AccessError, match="once it is disclosed"):
        view.tasks_for(Viewer(), draw_id, "好奇")
    with pytest.raises(AccessError, match="not records"):
        view.records_for(Viewer(), COUNTY)
    mine = view.tasks_for(Viewer("officer", certificate=team[0]), draw_id, "查看本人任务")
    assert mine and all(team[0] in t for t in mine.values()) and len(mine) < len(teams)
    assert [r["unit"] for r in view.records_for(Viewer("officer", certificate=team[0]), COUNTY)] \
        == [unit]
    assert view.records_for(Viewer("officer", certificate="nobody"), COUNTY) == []
    with pytest.raises(AccessError, match="reads its own records"):
        view.records_for(Viewer("agency", agency="652323"), COUNTY)
    assert len(view.records_for(Viewer("superior", agency=PREFECTURE), COUNTY)) == 1
    with pytest.raises(AccessError, match="is not below"):
        view.records_for(Viewer("superior", agency=COUNTY), PREFECTURE)
    openings = inspections.ceremony.draw(draw_id).openings
    assert [o["who"] for o in openings] == [team[0]]  # the officer's look is on record
