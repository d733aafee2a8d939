"""Every event carries its predecessor's hash and its own, computed when it is written."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from eventsourcing.domain import event

from ledger.domain.agency import AgencyRuleError
from ledger.domain.chained import ChainedAggregate, content_of
from ledger.domain.directory import DirectoryRuleError, InspectionObject
from ledger.services.ledger import Ledger
from verify.canonical import CanonicalError
from verify.event import ZERO_HASH, event_hash


def _unit() -> InspectionObject:
    return InspectionObject.register(
        agency_id="a", name="昌吉市天山热电有限公司", credit_code="916523013100000576",
        category="general", county="昌吉市",
    )


def test_each_event_carries_the_hash_of_the_one_before_it() -> None:
    unit = _unit()
    unit.reclassify("key", "列入重点排污单位名录")
    unit.close("关停")
    events: list[Any] = list(unit.collect_events())
    assert [e.originator_version for e in events] == [1, 2, 3]
    assert events[0].prev_hash == ZERO_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.event_hash
    assert unit.chain_head == events[-1].event_hash


def test_an_events_hash_is_over_its_whole_content() -> None:
    registered: Any
    (registered,) = _unit().collect_events()
    content = content_of(registered)
    assert event_hash(content) == registered.event_hash
    assert content["data"]["name"] == "昌吉市天山热电有限公司"
    assert content["data"]["originator_topic"] == "ledger.directory:InspectionObject"
    content["data"]["name"] = "昌吉市天山热电有限公司 "
    assert event_hash(content) != registered.event_hash


def test_the_chain_survives_storage_and_reloading(ledger: Ledger) -> None:
    agency = ledger.app.establish_agency("昌吉市生态环境局", "652301", "county")
    (unit_id,) = ledger.app.register_objects(agency, [{
        "name": "昌吉市天山热电有限公司", "credit_code": "916523013100000576",
        "category": "general", "county": "昌吉市"}])
    ledger.app.reclassify_object(unit_id, "key", "列入重点排污单位名录")
    reloaded: InspectionObject = ledger.app.repository.get(unit_id)
    unit_events = list(ledger.app.repository.event_store.get(unit_id))
    assert reloaded.chain_head == unit_events[-1].event_hash  # type: ignore[attr-defined]
    reloaded.close("关停")
    closed: Any
    (closed,) = reloaded.collect_events()
    assert closed.prev_hash == unit_events[-1].event_hash  # type: ignore[attr-defined]


class _Reading(ChainedAggregate):
    @event("Measured")
    def __init__(self, value: object) -> None:
        self.value = value


def test_event_data_outside_the_canonical_profile_is_refused_naming_the_field() -> None:
    with pytest.raises(CanonicalError, match=r"data\.value"):
        _Reading(value=0.5)


def test_a_bad_row_in_a_batch_stores_nothing_of_the_batch(ledger: Ledger) -> None:
    agency = ledger.app.establish_agency("昌吉市生态环境局", "652301", "county")
    good = {"name": "甲公司", "credit_code": "916523013100000576", "category": "key",
            "county": "昌吉市"}
    bad = dict(good, name="乙公司", category="重点")
    with pytest.raises(DirectoryRuleError, match="category"):
        ledger.app.register_objects(agency, [good, bad])
    assert len(ledger.app.notifications(1, 100)) == 1  # only the agency


def test_a_wrong_division_code_is_refused_naming_the_field() -> None:
    from ledger.domain.agency import Agency

    with pytest.raises(AgencyRuleError, match="division_code"):
        Agency.establish("某局", "65230", "county")


def test_every_event_type_decodes_in_a_process_that_imported_only_the_application() -> None:
    """The stored type names are frozen (``stable_topics``), and the application registers every
    aggregate: a fresh process resolves each name without having imported the domain itself."""
    import subprocess
    import sys

    from eventsourcing.domain import CanMutateAggregate
    from eventsourcing.utils import get_topic

    from ledger.domain.vocabulary import AGGREGATES

    topics = [get_topic(a) for a in AGGREGATES] + [
        get_topic(v) for a in AGGREGATES for v in vars(a).values()
        if isinstance(v, type) and issubclass(v, CanMutateAggregate)]
    assert all(t.split(":")[0] in ("ledger.agency", "ledger.directory", "ledger.inspector",
                                   "ledger.draw", "ledger.inspection") for t in topics)
    script = ("import sys\nfrom eventsourcing.utils import resolve_topic\n"
              "from ledger.services.application import LedgerApp\n"
              f"for topic in {topics!r}:\n"
              "    assert resolve_topic(topic).TOPIC == topic, topic\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
