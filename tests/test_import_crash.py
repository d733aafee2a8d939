"""An import is one transaction whatever its size: killed at any moment, it leaves every row or
none, and the ledger still verifies (on both databases)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from conftest import COUNTY
from eventsourcing.domain import Aggregate, event
from killing import kill_imports, verify_every_log

from ledger.adapters.directory_file import Table
from ledger.demo.county import unit_rows
from ledger.services.ledger import Ledger


def test_an_import_killed_at_random_moments_stores_every_row_or_none(
    ledger: Ledger, tmp_path: Path
) -> None:
    rounds = kill_imports(ledger, tmp_path, rounds=2, rows=1000, rng=random.Random())
    assert rounds[0].stored == 1000, "the calibration import stores the whole file"
    assert all(r.whole for r in rounds), [(r.agency, r.killed_after, r.stored) for r in rounds]
    assert verify_every_log(ledger, tmp_path) == {name: [] for name in ledger.store.logs()}


def test_a_large_import_is_one_save_of_every_row(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # imports used to be split into saves of 5,000 events (a kill between two left a prefix)
    county = ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", COUNTY, "county")
    saves: list[int] = []
    save = ledger.app.save

    def counted(*items: Any, **kwargs: Any) -> Any:
        saves.append(len(items))
        return save(*items, **kwargs)

    monkeypatch.setattr(ledger.app, "save", counted)
    rows = unit_rows(6000)
    table = Table(Path("big.csv"), {}, [(n, r) for n, r in enumerate(rows, start=2)])
    assert ledger.app.import_objects(UUID(str(county)), table).added == 6000
    assert saves == [6000]
    assert ledger.app.recorder.max_notification_id() == 6001


class Bulky(Aggregate):
    @event("Made")
    def __init__(self, text: str) -> None:
        self.text = text


@pytest.mark.timeout(150)
def test_one_save_of_12_mb_is_stored(ledger: Ledger) -> None:
    # it hung for good on PostgreSQL (from about 8 MB: 12,000 directory events, or 1,000 of 8 KB):
    # psycopg's pipeline left the end of the big INSERT unsent
    items = [Bulky("检查" * 1365) for _ in range(1500)]
    ledger.app.save(*items)
    assert ledger.app.recorder.max_notification_id() == 1500
    assert ledger.app.repository.get(items[-1].id).text == "检查" * 1365


def test_a_save_stores_its_events_row_for_row_in_the_order_given(ledger: Ledger) -> None:
    # on PostgreSQL the rows go as four binary arrays, one per column (ledger/adapters/
    # postgres_events.py): the order, the ids returned and every byte must survive it
    texts = ['引号"与反斜杠\\', "{逗号,括号}", "NULL", "", "\\x00ff", *(f"第{n}条" for n in range(45))]
    items = [Bulky(text) for text in texts]
    recordings = ledger.app.save(*items)
    ids = [r.notification.id for r in recordings]
    assert ids == sorted(ids) and len(set(ids)) == len(items)
    stored = ledger.app.recorder.select_notifications(ids[0], len(items))
    assert [n.id for n in stored] == ids
    assert [n.originator_id for n in stored] == [item.id for item in items]
    assert [ledger.app.repository.get(item.id).text for item in items] == texts
    assert [n.state for n in stored] == [r.notification.state for r in recordings]
