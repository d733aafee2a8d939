"""Two writers on one aggregate: the second stores nothing and is told it was a conflict (409)."""

from __future__ import annotations

import pytest

from api.errors import http_status
from ledger.demo.county import write_demo
from ledger.domain.agency import agency_id
from ledger.domain.directory import InspectionObject
from ledger.services.application import ConcurrentChange
from ledger.services.directory_view import directories
from ledger.services.ledger import Ledger


def test_the_second_of_two_writers_on_one_aggregate_stores_nothing(ledger: Ledger) -> None:
    write_demo(ledger.app, 4)
    unit_id = directories(ledger.app, agency_id("652301")).objects[0].id
    first: InspectionObject = ledger.app.repository.get(unit_id)
    second: InspectionObject = ledger.app.repository.get(unit_id)
    first.update({"phone": "0994-1111111"}, "甲的更正")
    second.update({"phone": "0994-2222222"}, "乙的更正")
    ledger.app.save(first)
    with pytest.raises(ConcurrentChange, match="another writer changed this InspectionObject") as no:
        ledger.app.save(second)
    assert no.value.kind == "conflict" and http_status(no.value) == 409
    stored: InspectionObject = ledger.app.repository.get(unit_id)
    assert stored.version == first.version and stored.details["phone"] == "0994-1111111"
