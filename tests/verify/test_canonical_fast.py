"""The optional orjson fast path of verify.canonical gives exactly the standard library's results.

``loads_strict`` and ``canonical_json_parsed`` take the fast path where orjson is installed
(``FAST_JSON``); the standard-library path (``loads_strict_reference``, ``canonical_json``) stays
the reference. Each test feeds both the same text or value and asserts the same value, the same
bytes, or the same refusal with the same message.
"""

from __future__ import annotations

import enum
import json
from collections import OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify import canonical
from verify.canonical import (
    CanonicalError,
    canonical_json,
    canonical_json_parsed,
    loads_strict,
    loads_strict_reference,
)

pytestmark = pytest.mark.skipif(not canonical.FAST_JSON, reason="orjson is not installed")


def outcome(parse: object, text: bytes) -> tuple[str, object]:
    try:
        value = parse(text)  # type: ignore[operator]
    except CanonicalError as exc:
        return ("refused", f"{type(exc).__name__}: {exc}")
    return ("value", value)


def same_as_reference(text: bytes) -> None:
    fast, reference = outcome(loads_strict, text), outcome(loads_strict_reference, text)
    assert fast == reference
    if fast[0] == "value":  # equal values of equal types (1 == True, so compare their JSON too)
        assert json.dumps(fast[1]) == json.dumps(reference[1])
        assert encoded(lambda: canonical_json_parsed(fast[1], text)) == encoded(
            lambda: canonical_json(reference[1]))


def encoded(encode: object) -> tuple[str, object]:
    try:
        return ("bytes", encode())  # type: ignore[operator]
    except CanonicalError as exc:
        return ("refused", str(exc))


HOSTILE = [
    b'{"a":1,"a":2}', b'{"a":1, "a":2}', b'{"a":{"b":1,"b":1}}', b'[{"x":"","x":""}]',
    b'[1.0]', b'[1e5]', b'[1E+2]', b'[-0.0]', b'{"a":1.5}', b"[NaN]", b"[Infinity]", b"[-Infinity]",
    b"[9007199254740991]", b"[9007199254740992]", b"[-9007199254740992]",
    b"[9223372036854775808]", b"[18446744073709551616]", b"[-18446744073709551617]",
    b"[-0]", b" [1] ", b"[1]\n", b"[1]\n\n", b"[1] \n", b"\t{}", b'{"a" : 1}',
    b'["\\ud800"]', b'["\\udc00x"]', b'["\\ud83d\\ude00"]', b'["\xed\xa0\x80"]', b'["\xff"]',
    b'["a\x01b"]', b'["\x7f"]', b'["\\/"]', b'["\\u00e9"]', b'["\\u0041"]', b"\xef\xbb\xbf[1]",
    b"[1,]", b"[01]", b"[+1]", b"[.5]", b"[1.]", b"", b"[", b"{}", b"[]", b"null", b"true", b"7",
    b'"s"', b"1.5", b"-9007199254740992", b'{"\xf0\x9f\x98\x80":1,"\xee\x80\x80":2}',
    b"[" * 64 + b"]" * 64, b"[" * 65 + b"]" * 65, b"[" * 2000 + b"]" * 2000,
    b'{"a":' * 64 + b"1" + b"}" * 64, b'{"a":' * 65 + b"1" + b"}" * 65,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_texts_parse_as_the_reference_does(text: bytes) -> None:
    same_as_reference(text)


values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**64), 2**64) | st.text() | st.floats(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=400)
@given(values, st.sampled_from([(",", ":"), (", ", ": ")]), st.booleans(), st.booleans())
def test_any_json_text_parses_as_the_reference_does(
    value: object, separators: tuple[str, str], ascii_only: bool, sort: bool
) -> None:
    text = json.dumps(value, separators=separators, ensure_ascii=ascii_only, sort_keys=sort)
    same_as_reference(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(["a", "b", "é", "\ue000", "\U0001f600"]),
                       st.integers(0, 3), min_size=1, max_size=4),
       st.sampled_from(["a", "b", "é", "\ue000", "\U0001f600"]))
def test_a_repeated_key_is_refused_as_the_reference_does(value: dict[str, int], key: str) -> None:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    repeated = text[:-1] + ("," if value else "") + json.dumps(key, ensure_ascii=False) + ":0}"
    same_as_reference(repeated.encode("utf-8"))


def test_every_bmp_character_encodes_as_the_reference_does() -> None:
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    value = {"k" + c: c for c in chars[::7]} | {"all": "".join(chars)}
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert loads_strict(text) == value
    assert canonical_json_parsed(value, text) == canonical_json(value)


def test_the_fast_path_is_taken_for_a_plain_line() -> None:
    line = b'{"index":0,"event":{"data":{"name":"\xe6\x98\x8c\xe5\x90\x89"},"version":1}}\n'
    assert canonical._fast_loads(line) == {"index": 0, "event": {"data": {"name": "昌吉"},
                                                                  "version": 1}}
    assert canonical._fast_loads(b'{"a":1,"a":2}') is canonical._MISS


class Colour(enum.StrEnum):
    RED = "红"


class Level(enum.IntEnum):
    HIGH = 3


python_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53 - 1), 2**53 - 1) | st.text()
    | st.sampled_from([Colour.RED, Level.HIGH]),
    lambda children: (
        st.lists(children, max_size=4) | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=6), children, max_size=4)
        | st.dictionaries(st.text(max_size=6), children, max_size=3).map(OrderedDict)
    ),
    max_leaves=25,
)


def reference_encoding(value: object, monkeypatch: pytest.MonkeyPatch) -> tuple[str, object]:
    with monkeypatch.context() as patched:
        patched.setattr(canonical, "_orjson", None)
        return encoded(lambda: canonical_json(value))


@settings(max_examples=300)
@given(python_values)
def test_canonical_json_of_python_values_is_the_reference(value: object) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert encoded(lambda: canonical_json(value)) == reference_encoding(value, monkeypatch)


@pytest.mark.parametrize("value", [
    {"a": "\ud800"}, ["x", "\udfff"], {"\ud800": 1}, {"\U0001f600": 1, "\ue000": 2}, 1.5,
    2**53, {"a": {1: 2}}, {"when": b"bytes"},
])
def test_canonical_json_refuses_as_the_reference_does(
    value: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert encoded(lambda: canonical_json(value)) == reference_encoding(value, monkeypatch)
