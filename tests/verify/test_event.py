"""Event times and event hashes (verify/event.py): the canonical time text of any aware moment."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.event import format_timestamp, is_hash_hex

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


_HASH_FORM = re.compile(r"[0-9a-f]{64}")


@pytest.mark.parametrize("value", [
    "0" * 64, "0123456789abcdef" * 4,
])
def test_a_hash_is_64_lower_case_hex_digits(value: str) -> None:
    assert is_hash_hex(value)


@pytest.mark.parametrize("value", [
    "0" * 63, "0" * 65, "A" * 64, "g" * 64, "0" * 63 + "\n", " " + "0" * 63, "0" * 62 + " 0",
    "٠" * 64,  # ARABIC-INDIC DIGIT ZERO: a digit, not an ASCII one
    "０" * 64,  # FULLWIDTH DIGIT ZERO
    b"0" * 64, None, 0, ["0" * 64],
])
def test_anything_else_is_not_a_hash(value: object) -> None:
    assert not is_hash_hex(value)


@given(st.text(alphabet=st.sampled_from("0123456789abcdefABCDEFgx \n٠０é"), min_size=62,
               max_size=66))
def test_the_hash_form_is_exactly_the_regular_expression(value: str) -> None:
    assert is_hash_hex(value) == (_HASH_FORM.fullmatch(value) is not None)
