"""Two writers of one record at once: the one that comes second gets a one-line conflict (kind
``conflict``), never a database traceback, and nothing of its command is stored (both databases)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from killing import directory_file

from api.bootstrap import open_ledger
from ledger.adapters.directory_file import OBJECT_COLUMNS, OBJECT_REQUIRED, read_table
from ledger.demo.county import unit_rows
from ledger.domain.directory import InspectionObject
from ledger.services.application import ConcurrentChange
from ledger.services.directory_view import directories
from ledger.services.ledger import Ledger


def test_the_second_of_two_writers_of_one_unit_gets_a_conflict(ledger: Ledger) -> None:
    county = ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", "652301", "county")
    (unit_id,) = ledger.app.register_objects(county, unit_rows(1))
    other = open_ledger(ledger.settings)  # a second process, in effect
    try:
        mine: InspectionObject = ledger.app.repository.get(unit_id)
        theirs: InspectionObject = other.app.repository.get(unit_id)
        theirs.update({"phone": "0994-1111111"}, "更正电话")
        other.app.save(theirs)
        mine.update({"phone": "0994-2222222"}, "更正电话")
        before = ledger.app.recorder.max_notification_id()
        with pytest.raises(ConcurrentChange) as conflict:
            ledger.app.save(mine)
    finally:
        other.close()
    assert conflict.value.kind == "conflict" and conflict.value.field == "version"
    assert str(conflict.value).startswith("version: another writer changed this")
    assert "\n" not in str(conflict.value)
    assert ledger.app.recorder.max_notification_id() == before
    assert ledger.app.repository.get(unit_id).details["phone"] == "0994-1111111"


def test_the_same_file_imported_twice_at_once_is_stored_once_and_the_loser_told(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    county = ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", "652301", "county")
    table = read_table(directory_file(tmp_path / "units.csv", 50), OBJECT_COLUMNS, OBJECT_REQUIRED)
    other = open_ledger(ledger.settings)
    try:
        save = other.app.save

        def after_the_first_import(*items: Any, **kwargs: Any) -> Any:
            # the other writer has checked every row; the first import commits just before it saves
            ledger.app.import_objects(county, table)
            return save(*items, **kwargs)

        monkeypatch.setattr(other.app, "save", after_the_first_import)
        with pytest.raises(ConcurrentChange, match="nothing of this command was stored"):
            other.app.import_objects(county, table)
    finally:
        other.close()
    assert len(directories(ledger.app, county).objects) == 50
