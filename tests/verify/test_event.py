"""Event times and event hashes (verify/event.py): the canonical time text of any aware moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.event import format_timestamp

zones = st.sampled_from([UTC, timezone(timedelta(0)), timezone(timedelta(hours=8)),
                         timezone(timedelta(hours=-5, minutes=-30)), timezone(timedelta(seconds=1))])


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 30)), zones)
def test_an_event_time_is_its_utc_moment_with_microseconds_and_z(naive: datetime, zone: timezone) -> None:
    moment = naive.replace(tzinfo=zone)
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    assert format_timestamp(moment) == utc.isoformat(timespec="microseconds") + "Z"


def test_a_utc_time_keeps_its_digits_and_another_zone_is_converted() -> None:
    assert format_timestamp(datetime(2026, 1, 5, 8, 0, tzinfo=UTC)) == "2026-01-05T08:00:00.000000Z"
    assert format_timestamp(datetime(12, 3, 4, 5, 6, 7, 8, tzinfo=UTC)) == "0012-03-04T05:06:07.000008Z"
    beijing = timezone(timedelta(hours=8))
    assert format_timestamp(datetime(2026, 1, 5, 8, 0, tzinfo=beijing)) == "2026-01-05T00:00:00.000000Z"


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_timestamp(datetime(2026, 1, 5))
