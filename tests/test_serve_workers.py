"""Many workers on one PostgreSQL: ``spotcheck serve --workers 4`` beside one sequencer and one
projection worker (real processes); clients write at once across four counties (some on the same
units: 409s), and afterwards nothing is lost, nothing duplicated, no log forked — every county's
bundle verifies and the accepted writes are each in exactly one event. The bigger run, with the
figures, is ``bench/serve.py``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import serve

pytestmark = pytest.mark.postgres


def test_concurrent_writes_through_several_workers_lose_and_duplicate_nothing(
        pg_database: str) -> None:
    with serve.deployed("postgres", 4, units=12, access_log=False, demo=False,
                        db=pg_database) as deployment:
        writes = asyncio.run(serve.mixed_writes(deployment, clients=8, writes=5, hot_units=2))
        assert writes.figures.requests == 40
        assert set(writes.figures.statuses) <= {200, 409}
        assert len(writes.accepted) + len(writes.refused) == 40 and writes.accepted
        serve.caught_up(deployment)
        checked = serve.check_bundles(deployment, writes)
    assert checked["bundles_verified"] == 4  # the county, three more; none of them failing
    assert checked["markers_logged"] == len(writes.accepted)
