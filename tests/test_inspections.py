"""After the draw, as a specification: the record of a visit, its corrections, the recusal asked at
the visit, the follow-up of violations, deadlines in working days, and the masked publication."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ceremony_steps import fixed
from conftest import COUNTY

from ledger.domain.agency import agency_id
from ledger.domain.chained import content_of
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.inspection import Inspection
from ledger.domain.masking import ApprovedText, ConfidentialityReview, WithheldField, withheld_digest
from ledger.services.ceremony import Ceremony
from ledger.services.inspections import FOLLOW_UP_REASON, InspectionError, Inspections
from ledger.services.ledger import Ledger
from verify.event import event_hash

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only

ITEMS = ["防治污染设施运行", "污染物排放", "环境管理制度落实"]  # changji-county-2015's list


@pytest.fixture
def quarter(ceremony: Ceremony) -> tuple[Inspections, str]:
    return Inspections(ceremony.app, ceremony), fixed(ceremony)


def _record(team: tuple[str, ...], visited: str = "2026-01-05", problem: bool = False,
            **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "officers": list(team), "visited_on": visited, "place": "企业厂区", "status": "operating",
        "items": [{"item": item, "finding": "compliant", "description": "正常"} for item in ITEMS],
        "annex4": {"facilities_built": True, "facilities_running": "normal",
                   "outfall_standardised": True, "emissions_within_limits": True},
        "orders": [], "case": {"filed": False, "penalty": ""}, "attachments": [
            {"name": "现场照片1.jpg", "sha256": "ab" * 32}], "remarks": "",
    }
    if problem:
        record["items"][1] = {"item": "污染物排放", "finding": "problem",
                              "description": "废水排放口未规范化设置"}
        record["annex4"]["outfall_standardised"] = False
        record["orders"] = [{"order": "规范化设置排污口", "due": "2026-02-28"}]
    record.update(changes)
    return record


def _first(inspections: Inspections, draw_id: str) -> tuple[str, tuple[str, ...]]:
    unit, team = next(iter(inspections.ceremony.open(draw_id).teams.items()))
    return unit, team


def test_an_officer_of_the_team_files_the_record_on_time(quarter: tuple[Inspections, str]) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    filed = inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
    assert filed.working_days_late == 0 and filed.due == "2026-01-14"  # 7 working days after 5 Jan
    assert filed.inspection.record is not None and filed.inspection.record["items"][0]["item"] == ITEMS[0]


def test_a_record_filed_after_its_deadline_is_accepted_and_flagged_with_working_days_late(
    quarter: tuple[Inspections, str],
) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    filed = inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 19))
    assert filed.due == "2026-01-14" and filed.working_days_late == 3  # 15, 16 and 19 January


def test_only_an_officer_of_the_assigned_team_files(quarter: tuple[Inspections, str]) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    with pytest.raises(InspectionError, match="not on the assigned team"):
        inspections.file_record(draw_id, unit, _record((team[0], "652301999999")), team[0],
                                date(2026, 1, 9))
    with pytest.raises(InspectionError, match="filed_by: .* was not one of the officers present"):
        inspections.file_record(draw_id, unit, _record(team), "652301999999", date(2026, 1, 9))


def test_a_record_needs_the_whole_team_and_every_item(quarter: tuple[Inspections, str]) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    with pytest.raises(InspectionError, match="1 present; the rulebook's team is at least 2"):
        inspections.file_record(draw_id, unit, _record(team[:1]), team[0], date(2026, 1, 9))
    partial = _record(team)
    partial["items"] = partial["items"][:2]
    with pytest.raises(InspectionError, match="missing 环境管理制度落实"):
        inspections.file_record(draw_id, unit, partial, team[0], date(2026, 1, 9))
    with pytest.raises(InspectionError, match="record.colour: not a field"):
        inspections.file_record(draw_id, unit, _record(team, colour="red"), team[0], date(2026, 1, 9))
    with pytest.raises(InspectionError, match="visited_on: 2026-04-02 is outside the period"):
        inspections.file_record(draw_id, unit, _record(team, "2026-04-02"), team[0], date(2026, 4, 3))


def test_a_record_is_never_edited_only_corrected_with_a_reason(
    quarter: tuple[Inspections, str],
) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
    with pytest.raises(InspectionError, match="already filed; a change is a correction"):
        inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
    with pytest.raises(InspectionError, match="reason: a correction states its reason"):
        inspections.correct_record(draw_id, unit, _record(team, place="车间"), " ", team[0],
                                   date(2026, 1, 10))
    corrected = inspections.correct_record(draw_id, unit, _record(team, place="车间"), "地点笔误",
                                           team[0], date(2026, 1, 10))
    assert corrected.record is not None and corrected.record["place"] == "车间"
    names = [type(e).__name__ for e in inspections.app.events.get(corrected.id)]
    assert names == ["Opened", "RecordFiled", "RecordCorrected"]


def test_an_unresolved_violation_makes_the_unit_special_until_rectified(
    quarter: tuple[Inspections, str],
) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    uuid = object_id(str(agency_id(COUNTY)), unit)
    before: InspectionObject = inspections.app.repository.get(uuid)
    inspections.file_record(draw_id, unit, _record(team, problem=True), team[0], date(2026, 1, 9))
    marked: InspectionObject = inspections.app.repository.get(uuid)
    assert marked.category == "special" and FOLLOW_UP_REASON in marked.special_reasons
    with pytest.raises(InspectionError, match=r"order: 2 is not an open order of this record "
                       r"\(open, numbered from 1: 1\)"):  # the service counts from 0, people from 1
        inspections.rectify(draw_id, unit, 1, date(2026, 2, 20), "执法队员")
    inspections.rectify(draw_id, unit, 0, date(2026, 2, 20), "执法队员", "整改照片 sha256:" + "cd" * 32)
    lifted: InspectionObject = inspections.app.repository.get(uuid)
    assert lifted.category == before.category


def test_a_violation_found_lifts_the_yearly_maximum(quarter: tuple[Inspections, str]) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    inspections.file_record(draw_id, unit, _record(team, problem=True), team[0], date(2026, 1, 9))
    year = inspections.ceremony._year_so_far(COUNTY, 2026, 2)
    assert unit in year.violations and year.drawn[unit] == 1


def test_the_unit_may_ask_for_a_recusal_at_the_visit_and_the_outcome_is_recorded(
    quarter: tuple[Inspections, str],
) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    refused = inspections.request_recusal(draw_id, unit, team[0], "企业负责人", "怀疑不公正", False,
                                          "大队长")
    assert refused == "" and inspections.team(draw_id, unit) == team
    replacement = inspections.request_recusal(draw_id, unit, team[1], "企业负责人", "系其亲属",
                                              True, "大队长")
    assert inspections.team(draw_id, unit) == (team[0], replacement)
    inspection = inspections.inspection(draw_id, unit)
    assert inspection is not None and [r["granted"] for r in inspection.recusals] == ["no", "yes"]
    with pytest.raises(InspectionError, match="not on the assigned team"):
        inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
    inspections.file_record(draw_id, unit, _record((team[0], replacement)), team[0], date(2026, 1, 9))


def test_a_published_result_is_masked_and_withheld_fields_are_committed_by_hash(
    quarter: tuple[Inspections, str],
) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    record = _record(team, problem=True)
    unit_obj: InspectionObject = inspections.app.repository.get(
        object_id(str(agency_id(COUNTY)), unit))
    person = str(unit_obj.details["legal_representative"])
    record["public_remarks"] = f"法定代表人{person}（身份证110101199003074578）在场"
    inspections.file_record(draw_id, unit, record, team[0], date(2026, 1, 9))
    review = ConfidentialityReview((WithheldField("penalty", "commercial_secret", "涉及商业秘密，不予公开",
                                                  "保密审查员", "2026-01-20"),),
                                   (ApprovedText("remarks", "保密审查员", "2026-01-20"),))
    published = inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20), review)
    assert published.disclosed is not None
    public = published.disclosed["public"]
    text = str(public)
    assert person not in text and "110101199003074578" not in text
    assert "1101011990****4578" in public["remarks"]
    assert public["category"] == "发现问题已责令改正"
    assert public["penalty"].startswith("已作区分处理")
    assert published.disclosed["withheld"] == {"penalty": withheld_digest("")}
    assert not re.search(r"\d{17}[\dXx]", text.replace(unit_obj.credit_code, ""))


def test_the_remarks_for_the_file_are_never_published_and_the_public_text_only_once_reviewed(
    quarter: tuple[Inspections, str],
) -> None:
    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    record = _record(team)
    record["remarks"] = "执法记录仪ZF-0317；企业负责人情绪激动，另行约谈"  # for the file
    record["public_remarks"] = "企业已按要求提交自行监测报告"  # written for the result notice
    inspections.file_record(draw_id, unit, record, team[0], date(2026, 1, 9))
    with pytest.raises(InspectionError, match="public_remarks: .* published once reviewed"):
        inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20))
    reviewed = ConfidentialityReview((), (ApprovedText("remarks", "办公室主任", "2026-01-19"),))
    published = inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20), reviewed)
    assert published.disclosed is not None
    assert published.disclosed["public"]["remarks"] == "企业已按要求提交自行监测报告"
    assert "执法记录仪" not in str(published.disclosed["public"])
    assert published.disclosed["review"][-1] == {
        "field": "remarks", "ground": "approved", "basis": "", "conclusion": "审核同意公开",
        "reviewer": "办公室主任", "reviewed_on": "2026-01-19"}


def test_a_stopped_plant_is_never_published_as_no_problem_found(
    quarter: tuple[Inspections, str],
) -> None:
    inspections, draw_id = quarter
    units = list(inspections.ceremony.open(draw_id).teams.items())
    (stopped, team), (operating, other_team) = units[0], units[1]
    record = _record(team)
    record.update(status="stopped", items=[])
    del record["annex4"]
    inspections.file_record(draw_id, stopped, record, team[0], date(2026, 1, 9))
    inspections.file_record(draw_id, operating, _record(other_team), other_team[0], date(2026, 1, 9))
    for unit in (stopped, operating):
        inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20))
    shown = {}
    for unit in (stopped, operating):
        found = inspections.inspection(draw_id, unit)
        assert found is not None and found.disclosed is not None
        shown[unit] = found.disclosed["public"]["category"]
    assert shown == {stopped: "企业停产，未检查生产状况", operating: "未发现问题"}


def test_the_list_is_unsealed_early_only_once_every_visit_is_recorded(
    quarter: tuple[Inspections, str],
) -> None:
    inspections, draw_id = quarter
    teams = inspections.ceremony.open(draw_id).teams
    with pytest.raises(InspectionError, match="stays secret until every visit is recorded"):
        inspections.disclose_list(draw_id, "局长", date(2026, 2, 1))
    for unit, team in teams.items():
        inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
    draw = inspections.disclose_list(draw_id, "局长", date(2026, 2, 1))
    assert draw.disclosed_key is not None


def test_a_result_before_its_record_is_refused(quarter: tuple[Inspections, str], county: Ledger) -> None:
    inspections, draw_id = quarter
    unit, _ = _first(inspections, draw_id)
    with pytest.raises(InspectionError, match="a result is published after its record"):
        inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20))


def test_a_result_published_before_the_publisher_was_recorded_still_reads_and_verifies(
    quarter: tuple[Inspections, str], county: Ledger, tmp_path: Path
) -> None:
    """``ResultDisclosed`` gained ``disclosed_by``; an event written before (without it, hashed
    without it) still decodes, replays and verifies: it hashes as it was written."""
    from tampering import Insider, export_and_verify

    inspections, draw_id = quarter
    unit, team = _first(inspections, draw_id)
    inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
    published = inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20))
    assert published.disclosed is not None and published.disclosed["disclosed_by"] == "办公室"
    insider = Insider(county)
    aggregate, version = str(published.id), published.version
    old = insider.decode(aggregate, version)
    del vars(old)["disclosed_by"]  # as the earlier code wrote it
    object.__setattr__(old, "event_hash", event_hash(content_of(old)))
    insider.set_state(aggregate, version, county.app.mapper.to_stored_event(old).state)
    reread: Inspection = county.app.repository.get(published.id)
    assert reread.disclosed is not None and reread.disclosed["disclosed_by"] == ""
    county.sync()
    assert export_and_verify(county, tmp_path / "bundle").findings == []
