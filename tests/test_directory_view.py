"""The write side's directory view (ledger/services/directory_view.py): what a plan and a freeze
read is exactly what replaying every aggregate from its events gives, after every kind of change,
on both databases, without replaying the store on each read."""

from __future__ import annotations

import math
from typing import Any

from ledger.demo.county import write_demo
from ledger.domain.agency import agency_id
from ledger.domain.directory import InspectionObject
from ledger.domain.inspector import Inspector
from ledger.services.directory_view import (
    Directories,
    _parsed,
    catch_up,
    directories,
    replayed_directories,
)
from ledger.services.ledger import Ledger

COUNTY = agency_id("652301")


def _states(view: Directories) -> list[dict[str, Any]]:
    rows = [*view.objects, *view.inspectors]
    return [{k: v for k, v in row.__dict__.items() if k != "_pending_events"} for row in rows]


def _same_as_replay(ledger: Ledger) -> Directories:
    view = directories(ledger.app, COUNTY)
    assert _states(view) == _states(replayed_directories(ledger.app, COUNTY))
    return view


def test_the_view_equals_the_replay_after_registrations_and_changes(ledger: Ledger) -> None:
    write_demo(ledger.app, 12)
    view = _same_as_replay(ledger)
    assert len(view.objects) == 12 and len(view.inspectors) == 8
    assert {u.status for u in view.objects} == {"active", "closed"}
    assert "special" in {u.category for u in view.objects}


def test_later_events_of_every_kind_are_applied_on_the_next_read(ledger: Ledger) -> None:
    write_demo(ledger.app, 12)
    first = directories(ledger.app, COUNTY)
    unit: InspectionObject = ledger.app.repository.get(first.objects[3].id)
    unit.update({"risk_grade": "D", "phone": "13900000000"}, "企业信息变更")
    ledger.app.save(unit)
    person: Inspector = first.inspectors[2]
    ledger.app.record_leave(person.certificate_no, "2026-01-01", "2026-01-31", "产假")
    ledger.app.declare_conflict(person.certificate_no, first.objects[5].id, "亲属在该企业任职")
    ledger.app.close_object(first.objects[7].id, "企业已注销")
    write_demo(ledger.app, 3)  # a second series registered
    view = _same_as_replay(ledger)
    assert len(view.objects) == 15
    changed = next(u for u in view.objects if u.id == unit.id)
    assert changed.details["risk_grade"] == "D"
    leaving = next(i for i in view.inspectors if i.id == person.id)
    assert leaving.leaves == [("2026-01-01", "2026-01-31", "产假")]
    assert str(first.objects[5].id) in leaving.conflicts


def test_each_event_is_applied_once_and_a_read_with_nothing_new_applies_nothing(ledger: Ledger) -> None:
    write_demo(ledger.app, 12)
    assert catch_up(ledger.app) == 12 + 8 + 2  # registrations, a reclassification, a closure
    assert catch_up(ledger.app) == 0
    directories(ledger.app, COUNTY)
    assert catch_up(ledger.app) == 0


def test_units_keep_the_order_they_were_registered_in(ledger: Ledger) -> None:
    write_demo(ledger.app, 12)
    write_demo(ledger.app, 4)
    codes = [u.credit_code for u in directories(ledger.app, COUNTY).objects]
    assert codes == [u.credit_code for u in replayed_directories(ledger.app, COUNTY).objects]


def test_another_agencys_units_are_not_in_the_view_of_this_one(ledger: Ledger) -> None:
    write_demo(ledger.app, 6)
    prefecture = directories(ledger.app, agency_id("652300"))
    assert prefecture.objects == [] and prefecture.inspectors == []


def test_stored_states_orjson_refuses_are_read_by_the_standard_library() -> None:
    # (the view parses with orjson; json.dumps can write a NaN, which only json.loads reads back)
    assert _parsed('{"name": "甲"}') == {"name": "甲"}
    assert math.isnan(_parsed('{"weight": NaN}')["weight"])
