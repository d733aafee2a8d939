"""Tests for verify.canonical: RFC 8785 examples, refusals and a round-trip property."""

from __future__ import annotations

import enum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.canonical import CanonicalError, canonical_json, loads_strict


def test_simple_values() -> None:
    assert canonical_json(None) == b"null"
    assert canonical_json(True) == b"true"
    assert canonical_json(False) == b"false"
    assert canonical_json(0) == b"0"
    assert canonical_json(-(2**53 - 1)) == b"-9007199254740991"
    assert canonical_json("") == b'""'
    assert canonical_json([]) == b"[]"
    assert canonical_json({}) == b"{}"
    assert canonical_json((1, "a")) == b'[1,"a"]'


def test_nested_and_sorted() -> None:
    value = {"b": [1, {"z": None, "a": True}], "a": {"y": "x"}, "": 0}
    assert canonical_json(value) == b'{"":0,"a":{"y":"x"},"b":[1,{"a":true,"z":null}]}'


def test_rfc8785_sorting_example() -> None:
    # RFC 8785 §3.2.3: keys sorted by UTF-16 code units.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert canonical_json(value) == expected.encode("utf-8")


def test_non_bmp_key_sorts_before_private_use() -> None:
    # Code point order would put U+E000 first; UTF-16 (surrogate 0xD83D) puts the emoji first.
    value = {"\ue000": 1, "\U0001f600": 2, "\uffff": 3, "a": {"\ue000": 4, "\U00010000": 5}}
    expected = '{"a":{"\U00010000":5,"\ue000":4},"\U0001f600":2,"\ue000":1,"\uffff":3}'
    assert canonical_json(value) == expected.encode("utf-8")


def test_escapes() -> None:
    text = '"\\/\b\t\n\f\r\x00\x1f\x7f\u2028é'
    expected = '"\\"\\\\/\\b\\t\\n\\f\\r\\u0000\\u001f\x7f\u2028é"'
    assert canonical_json(text) == expected.encode("utf-8")
    assert canonical_json({"\x01": "\U0001f600"}) == '{"\\u0001":"\U0001f600"}'.encode()


def test_rfc8785_structure_example() -> None:
    value = {
        "numbers": [333333333, 4, 2000, 0],
        "string": '\u20ac$\u000f\nA\'B"\\\\"/',
        "literals": [None, True, False],
    }
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333,4,2000,0],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_json(value) == expected.encode("utf-8")


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


def test_subclasses_of_admitted_types() -> None:
    assert canonical_json({"c": Colour.RED, "l": Level.HIGH}) == b'{"c":"red","l":3}'


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (1.5, "$: number 1.5"),
        (1.0, "not an integer"),
        (float("nan"), "not an integer"),
        (2**53, "outside"),
        (-(2**53), "outside"),
        ({1: "a"}, "not a string"),
        ("\ud800", "lone surrogate"),
        (b"bytes", "type bytes"),
        ({1, 2}, "type set"),
        (object(), "type object"),
    ],
)
def test_refusals(value: Any, fragment: str) -> None:
    with pytest.raises(CanonicalError, match=fragment.replace("$", r"\$")):
        canonical_json(value)


def test_error_names_path() -> None:
    value = {"units": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": 0.5}]}
    with pytest.raises(CanonicalError, match=r"^data\.units\[3\]\.name: number 0\.5"):
        canonical_json(value, path="data")
    with pytest.raises(CanonicalError, match=r"^\$\.units\[1\]\.name: string contains a lone"):
        canonical_json({"units": [{}, {"name": "x\udc00"}]})
    with pytest.raises(CanonicalError, match=r'^\$\["a b"\]\[0\]: integer'):
        canonical_json({"a b": [2**60]})
    with pytest.raises(CanonicalError, match="lone surrogate"):
        canonical_json({"\udfff": 1})


@pytest.mark.parametrize(
    "text",
    [
        "1.0",
        "1e3",
        "-0.5",
        "NaN",
        "Infinity",
        "-Infinity",
        "9007199254740992",
        "-9007199254740992",
        '{"a":1,"a":2}',
        "[1,",
        "",
        b"\xff",
        '{"a":[1.5]}',
    ],
)
def test_loads_strict_refusals(text: str | bytes) -> None:
    with pytest.raises(CanonicalError):
        loads_strict(text)


def test_loads_strict_accepts_profile() -> None:
    assert loads_strict(b'{"a":[1,-9007199254740991,null,true,"\\u00e9"]}') == {
        "a": [1, -9007199254740991, None, True, "é"]
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53 - 1), 2**53 - 1) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@given(json_values)
def test_round_trip(value: object) -> None:
    encoded = canonical_json(value)
    assert canonical_json(loads_strict(encoded)) == encoded
    assert loads_strict(encoded) == value


@given(st.dictionaries(st.text(max_size=4), st.integers(0, 9), max_size=8))
def test_key_order_is_utf16(value: dict[str, int]) -> None:
    decoded = loads_strict(canonical_json(value))
    assert isinstance(decoded, dict)
    keys = list(decoded)
    assert keys == sorted(value, key=lambda k: k.encode("utf-16-be"))
