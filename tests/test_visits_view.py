"""The visits view (ledger/services/visits_view.py): when the inspection task of a fixed list is
complete (任务完成) and its last visit, read from one table instead of loading every inspection of
the draw — the same answer as the load, after records, corrections and a replaced unit, on both
databases."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ceremony_steps import fixed
from conftest import COUNTY

from ledger.domain.agency import agency_id
from ledger.domain.directory import object_id
from ledger.services.ceremony import Ceremony
from ledger.services.inspections import Inspections
from ledger.services.visits_view import recorded_visits

ITEMS = ["防治污染设施运行", "污染物排放", "环境管理制度落实"]  # changji-county-2015's list


def _record(team: tuple[str, ...], visited: str) -> dict[str, Any]:
    return {
        "officers": list(team), "visited_on": visited, "place": "企业厂区", "status": "operating",
        "items": [{"item": item, "finding": "compliant", "description": "正常"} for item in ITEMS],
        "annex4": {"facilities_built": True, "facilities_running": "normal",
                   "outfall_standardised": True, "emissions_within_limits": True},
        "orders": [], "case": {"filed": False, "penalty": ""}, "attachments": [], "remarks": "",
    }


def _teams(ceremony: Ceremony, draw_id: str) -> list[tuple[str, tuple[str, ...]]]:
    teams = ceremony.fixed_teams(draw_id)
    return [(unit, teams[unit]) for unit in teams.units()]


def _filed(inspections: Inspections, draw_id: str,
           teams: list[tuple[str, tuple[str, ...]]], day: date) -> None:
    for unit, team in teams:
        inspections.file_record(draw_id, unit, _record(team, day.isoformat()), team[0], day)


def _loaded(inspections: Inspections, draw_id: str) -> date | None:
    """The reference: every inspection of the list loaded from its events."""
    visits = []
    for unit in inspections.ceremony.fixed_teams(draw_id).units():
        inspection = inspections.inspection(draw_id, unit)
        if inspection is None or inspection.record is None:
            return None
        visits.append(date.fromisoformat(inspection.record["visited_on"]))
    return max(visits) if visits else None


Quarter = tuple[Inspections, str, list[tuple[str, tuple[str, ...]]]]


@pytest.fixture
def quarter(ceremony: Ceremony) -> Quarter:
    """A fixed list of the county's quarter, its units with their teams, and no record yet."""
    draw_id = fixed(ceremony)
    return Inspections(ceremony.app, ceremony), draw_id, _teams(ceremony, draw_id)


def test_the_task_completes_with_the_last_record_and_a_correction_moves_its_day(
    ceremony: Ceremony, quarter: Quarter,
) -> None:
    inspections, draw_id, teams = quarter
    (last, last_team), others = teams[0], teams[1:]
    _filed(inspections, draw_id, others[::2], date(2026, 1, 5))
    _filed(inspections, draw_id, others[1::2], date(2026, 1, 7))
    assert inspections._task_completed(draw_id) is None is _loaded(inspections, draw_id)
    assert not inspections.all_visited(draw_id)
    assert len(recorded_visits(ceremony.app, draw_id)) == len(others)

    inspections.file_record(draw_id, last, _record(last_team, "2026-01-20"), last_team[0],
                            date(2026, 1, 20))
    assert inspections._task_completed(draw_id) == date(2026, 1, 20) == _loaded(inspections, draw_id)
    inspections.correct_record(draw_id, last, _record(last_team, "2026-01-08"), "日期笔误",
                               last_team[0], date(2026, 1, 21))
    assert inspections._task_completed(draw_id) == date(2026, 1, 8) == _loaded(inspections, draw_id)
    assert recorded_visits(ceremony.app, draw_id)[last] == date(2026, 1, 8)


def test_a_replaced_unit_leaves_the_task_open_until_its_replacement_has_a_record(
    ceremony: Ceremony, quarter: Quarter,
) -> None:
    inspections, draw_id, teams = quarter
    gone = teams[-1][0]
    _filed(inspections, draw_id, teams[:-1], date(2026, 1, 7))
    ceremony.app.close_object(object_id(str(agency_id(COUNTY)), gone), "企业已关停")
    replacement = ceremony.replace_unit(draw_id, gone, "企业已关停，依规剔除", "局长")
    assert replacement is not None
    assert inspections._task_completed(draw_id) is None is _loaded(inspections, draw_id)
    _filed(inspections, draw_id, [(replacement, ceremony.fixed_teams(draw_id)[replacement])],
           date(2026, 1, 9))
    assert inspections._task_completed(draw_id) == date(2026, 1, 9) == _loaded(inspections, draw_id)


def test_another_process_sees_every_record_committed_before_its_read(ceremony: Ceremony) -> None:
    draw_id = fixed(ceremony)
    unit, team = _teams(ceremony, draw_id)[0]
    assert recorded_visits(ceremony.app, draw_id) == {}  # caught up once: position moved
    other = Inspections(ceremony.app, Ceremony(ceremony.app, ceremony.keys.keys_dir))
    other.file_record(draw_id, unit, _record(team, "2026-01-06"), team[0], date(2026, 1, 6))
    assert recorded_visits(ceremony.app, draw_id) == {unit: date(2026, 1, 6)}
