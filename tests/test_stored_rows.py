"""Stored rows read straight from their JSON (ledger/log/stored.py), by the export and the sequencer:
exactly the content, hashes, routes and log roots the event objects give, for every kind of
event; a row that is not as the ledger writes it still goes through eventsourcing's mapper."""

from __future__ import annotations

import json

import pytest
from ceremony_steps import fixed

from ledger.log.stored import PlainRows
from ledger.services.ceremony import Ceremony
from ledger.services.export import EventDecoder
from ledger.services.ledger import Ledger

pytestmark = pytest.mark.sqlite_only


def _rows(ledger: Ledger) -> list[tuple[str, int, str, bytes]]:
    ledger.sync()
    rows = []
    for name in ledger.store.logs():
        rows += [(r.aggregate_id, r.version, r.topic, r.state)
                 for r in ledger.log(name).logged_events() if r.topic and r.state]
    return rows


def test_reading_rows_straight_from_json_gives_what_the_event_objects_give(
    county: Ledger, ceremony: Ceremony,
) -> None:
    fixed(ceremony)
    rows = _rows(county)
    fast, slow = EventDecoder(county), EventDecoder(county)
    slow.rows.enabled = False
    topics = set()
    for aggregate_id, version, topic, state in rows:
        assert fast.rows.read(aggregate_id, version, topic, state) is not None, topic
        straight = fast.describe(aggregate_id, version, topic, state)  # read straight from JSON
        through_mapper = slow.describe(aggregate_id, version, topic, state)
        assert json.dumps(straight, ensure_ascii=False) == json.dumps(through_mapper, ensure_ascii=False)
        topics.add(topic)
    assert {"ledger.draw:Draw.ListFixed", "ledger.directory:InspectionObject.Registered",
            "ledger.agency:Agency.Established"} <= topics


def test_a_row_with_a_field_its_class_does_not_have_goes_through_the_mapper(county: Ledger) -> None:
    aggregate_id, version, topic, state = _rows(county)[0]
    forged = state[:-1] + b',"smuggled":1}'
    decoder, slow = EventDecoder(county), EventDecoder(county)
    slow.rows.enabled = False
    assert decoder.rows.read(aggregate_id, version, topic, forged) is None
    assert decoder.describe(aggregate_id, version, topic, forged) == slow.describe(
        aggregate_id, version, topic, forged)
    assert decoder.rows.read(aggregate_id, version, "no.such:Topic", state) is None
    assert "cannot be read" in decoder.describe(aggregate_id, version, "no.such:Topic", state)["error"]


def test_the_sequencer_reading_rows_straight_builds_the_same_logs(county: Ledger, ceremony: Ceremony) -> None:
    fixed(ceremony)
    states = []
    for plain in (None, PlainRows(county.app.mapper)):  # the mapper for every row, then straight
        with county.store.write() as cur:
            for table in ("log_leaves", "log_nodes", "log_state"):
                cur.execute(f"DELETE FROM {table}")
            cur.execute("UPDATE log_position SET notification_id = 0, aggregate_id = NULL,"
                        " version = NULL WHERE id = 1")
        county.sequencer.plain = plain
        assert county.sequencer.integrate() > 80
        states.append({name: county.log(name).state() for name in county.store.logs()})
    assert states[0] == states[1]
