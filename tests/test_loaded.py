"""Aggregates kept loaded between use cases (ledger/services/loaded.py): always as stored now."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from ceremony_steps import fixed

from ledger.services.ceremony import Ceremony
from ledger.services.ledger import Ledger

pytestmark = pytest.mark.sqlite_only


def test_a_kept_draw_shows_what_another_writer_stored_since(county: Ledger, ceremony: Ceremony) -> None:
    draw_id = fixed(ceremony)
    before = ceremony.draw(draw_id)
    other = Ceremony(county.app, ceremony.keys.keys_dir)  # another process, in effect
    other.tasks_of(draw_id, "某执法人员", "核对")  # records an opening
    after = ceremony.draw(draw_id)
    assert after.version == before.version + 1
    assert after == county.app.repository.get(after.id)  # the same as a fresh load


def test_a_change_that_was_not_saved_leaves_the_kept_draw_as_stored(ceremony: Ceremony) -> None:
    draw_id = fixed(ceremony)
    draw = ceremony.draw(draw_id)
    draw.record_opening("某人", "未保存", "list")  # changed, never saved
    again = ceremony.draw(draw_id)
    assert again.version == draw.version - 1 and len(again.openings) == len(draw.openings) - 1


def test_whether_an_aggregate_exists_is_answered_without_rebuilding_it(
    county: Ledger, ceremony: Ceremony, monkeypatch: pytest.MonkeyPatch,
) -> None:
    draw_id = fixed(ceremony)
    draw = ceremony.draw(draw_id)
    decoded: list[object] = []
    to_domain_event = county.app.mapper.to_domain_event

    def counted(stored: Any) -> Any:
        decoded.append(stored)
        return to_domain_event(stored)

    monkeypatch.setattr(county.app.mapper, "to_domain_event", counted)
    assert draw.id in county.app.repository
    assert uuid4() not in county.app.repository
    assert decoded == []  # (eventsourcing's own test rebuilt the draw: every event decoded)
    assert county.app.repository.get(draw.id) == draw and decoded  # (the patch sees decoding)
