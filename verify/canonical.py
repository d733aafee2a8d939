"""RFC 8785 JSON Canonicalization Scheme (JCS), restricted to Spotcheck's JSON profile.

The profile admits objects (string keys), arrays, strings, integers in the I-JSON safe range
±(2**53 - 1), ``true``, ``false`` and ``null``. It has no non-integer numbers, so JCS's ECMAScript
number serialisation reduces to plain decimal integers. Canonical form (RFC 8785 §3.2):

* no whitespace; members of an object sorted by their keys' UTF-16 code units (§3.2.3);
* strings as UTF-8, escaping only ``"``, ``\\`` and controls below U+0020 — ``\\b \\t \\n \\f \\r``
  in short form, the others as ``\\u00xx`` in lower-case hex (§3.2.2.2); all else literal.

For this profile :func:`json.dumps` with ``ensure_ascii=False, separators=(",", ":"),
sort_keys=True`` produces exactly these bytes, except that Python sorts keys by code point; the
two orders differ only when a key holds a character outside the Basic Multilingual Plane, in which
case a small pure-Python encoder with explicit UTF-16 ordering is used instead.

:func:`loads_strict` parses JSON text while refusing anything outside the profile (and duplicate
object keys), so that what a verifier reads can be re-canonicalised without loss.

**The optional fast path** (issue 17). Where the ``orjson`` package is installed, the two hot
operations — :func:`loads_strict` on bytes and :func:`canonical_json_parsed` — run through it, and
fall back to the standard library, which stays the reference, whenever the fast path cannot show
that it gives exactly the reference's answer:

* parsing: ``orjson.loads`` refuses everything the standard library's strict parse refuses except
  floats, integers beyond ±(2**53-1), nesting deeper than :data:`MAX_DEPTH` (one walk over the
  parsed value finds those) and repeated keys, which it keeps silently (the last wins). A repeated
  key is found by length: the compact encoding is the shortest JSON text of a value (no
  whitespace, only the escapes JSON requires, integers without sign or leading zeros), so a text
  whose length equals the compact encoding of what it parsed to has dropped nothing. Any doubt
  (an error, a float, a repeat, whitespace, ``-0``) re-parses with the standard library, which
  gives the value or the error message;
* encoding (here and in :func:`canonical_json`, after its validating walk):
  ``orjson.dumps(..., OPT_SORT_KEYS)`` writes the same bytes as ``json.dumps`` with
  ``ensure_ascii=False, separators=(",", ":"), sort_keys=True`` for every value of the profile whose
  strings are valid Unicode, and the same order as UTF-16 while no key holds a character outside
  the Basic Multilingual Plane; a source with such a character or a ``\\u`` escape (a lone
  surrogate) takes the reference encoder.

``tests/verify/test_canonical_fast.py`` holds the two paths byte-identical (generated values,
hostile texts, every BMP character). :data:`FAST_JSON` says which path is in use; setting the
environment variable ``SPOTCHECK_PURE_JSON=1`` before import turns the fast path off.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any

try:  # optional: the standard library below is the reference and works alone
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised where orjson is not installed
    _orjson = None  # type: ignore[assignment]

if os.environ.get("SPOTCHECK_PURE_JSON"):
    _orjson = None  # type: ignore[assignment]

#: True when the orjson fast path is in use (see the module docstring).
FAST_JSON = _orjson is not None
_SORT_KEYS = 0 if _orjson is None else _orjson.OPT_SORT_KEYS

MAX_SAFE_INTEGER = 2**53 - 1
#: The deepest nesting of arrays and objects :func:`loads_strict` reads (an event is a few levels
#: deep; a hostile file nested thousands deep would exhaust the parser's recursion).
MAX_DEPTH = 64

_dumps = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
).encode
_dumps_string = json.JSONEncoder(ensure_ascii=False).encode


def _no_default(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON")


# The C encoder behind ``_dumps``, built once (``JSONEncoder.encode`` builds it on every call):
# the verifier re-encodes every event of a bundle, the writer hashes every event it creates.
# Values reaching it were parsed from JSON or passed :func:`_check` (which refuses floats and
# recurses into every container first, so a cycle never reaches it): there are no cycles to guard
# (markers=None) and no floats (allow_nan is then moot).
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_c_iterencode = None if _C_ENCODER is None else _C_ENCODER(
    None, _no_default, json.encoder.encode_basestring, None, ":", ",", True, False, False)


def _dumps_parsed(value: object) -> str:
    if _c_iterencode is None:
        return _dumps(value)
    return "".join(_c_iterencode(value, 0))


class CanonicalError(ValueError):
    """A value is outside the canonical JSON profile; the message names its JSON path."""


class _Refused(Exception):
    """Internal: carries the rule broken and the (reversed) path up to the value's root."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule
        self.path: list[str | int] = []


def _format_path(root: str, reversed_path: list[str | int]) -> str:
    out = [root]
    for step in reversed(reversed_path):
        if isinstance(step, int):
            out.append(f"[{step}]")
        elif step.isidentifier():
            out.append(f".{step}")
        else:
            out.append(f"[{json.dumps(step, ensure_ascii=False)}]")
    return "".join(out)


def _check_str(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Refused("string contains a lone surrogate (not valid Unicode)") from None


def _check(value: object) -> bool:
    """Validate ``value``; return True if some object key needs UTF-16 ordering.

    Strings are not checked here (``str.encode`` of the whole output catches lone surrogates).
    """
    t = type(value)
    if t is str or value is None or t is bool:
        return False
    if t is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:  # type: ignore[operator]
            return False
        raise _Refused(f"integer {value} is outside ±(2**53-1)")
    if t is dict:
        return _check_dict(value)  # type: ignore[arg-type]
    if t is list or t is tuple:
        return _check_list(value)  # type: ignore[arg-type]
    return _check_other(value)


def _check_dict(value: dict[Any, Any]) -> bool:
    non_bmp = False
    for key, item in value.items():
        if not isinstance(key, str):
            refused = _Refused(f"object key {key!r} is a {type(key).__name__}, not a string")
            refused.path.append(repr(key))
            raise refused
        if not key.isascii() and max(key) > "\uffff":
            non_bmp = True
        kind = type(item)
        if kind is str or item is None or kind is bool:  # the common leaves, inline for speed
            continue
        try:
            non_bmp = _check(item) or non_bmp
        except _Refused as refused:
            refused.path.append(key)
            raise
    return non_bmp


def _check_list(value: list[Any] | tuple[Any, ...]) -> bool:
    non_bmp = False
    for i, item in enumerate(value):
        try:
            non_bmp = _check(item) or non_bmp
        except _Refused as refused:
            refused.path.append(i)
            raise
    return non_bmp


def _check_other(value: object) -> bool:
    """Subclasses of the admitted types (e.g. StrEnum, IntEnum, OrderedDict) and refusals."""
    if isinstance(value, float):
        raise _Refused(f"number {value!r} is not an integer (the profile has no floats)")
    if isinstance(value, str):
        return False
    if isinstance(value, int):
        return _check(int(value))
    if isinstance(value, dict):
        return _check_dict(value)
    if isinstance(value, list | tuple):
        return _check_list(value)
    raise _Refused(f"type {type(value).__name__} is not representable in canonical JSON")


def _find_lone_surrogate(value: object) -> None:
    """Slow path after an encoding failure: raise _Refused at the offending string."""
    if isinstance(value, str):
        _check_str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            try:
                _check_str(key)
                _find_lone_surrogate(item)
            except _Refused as refused:
                refused.path.append(key)
                raise
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            try:
                _find_lone_surrogate(item)
            except _Refused as refused:
                refused.path.append(i)
                raise


def _encode_utf16_sorted(value: object) -> str:
    """Pure-Python JCS encoder sorting object keys by UTF-16 code units."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        members = (f"{_dumps_string(k)}:{_encode_utf16_sorted(value[k])}" for k in keys)
        return "{" + ",".join(members) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode_utf16_sorted(item) for item in value) + "]"
    if isinstance(value, str):
        return _dumps_string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(int(value))  # type: ignore[call-overload]


def canonical_json(value: object, *, path: str = "$") -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of ``value``; raise :class:`CanonicalError`.

    ``path`` names the root in error messages (e.g. ``"data"`` gives ``data.units[3].name``).
    """
    try:
        needs_utf16_order = _check(value)
        if _orjson is not None and not needs_utf16_order:
            try:  # the same bytes for what _check admits (tests/verify/test_canonical_fast.py)
                return _orjson.dumps(value, option=_SORT_KEYS)
            except _orjson.JSONEncodeError:  # a lone surrogate: the reference words the error
                pass
        text = _encode_utf16_sorted(value) if needs_utf16_order else _dumps_parsed(value)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            _find_lone_surrogate(value)
            raise  # pragma: no cover - _find_lone_surrogate always raises here
    except _Refused as refused:
        raise CanonicalError(f"{_format_path(path, refused.path)}: {refused.rule}") from None


def _parse_int(text: str) -> int:
    number = int(text)
    if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
        raise CanonicalError(f"integer {text} is outside ±(2**53-1)")
    return number


def _parse_float(text: str) -> object:
    raise CanonicalError(f"number {text} is not an integer (the profile has no floats)")


def _parse_constant(text: str) -> object:
    raise CanonicalError(f"{text} is not JSON")


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise CanonicalError(f"duplicate object key {key!r}")
            seen.add(key)
    return result


_STRICT_DECODER = json.JSONDecoder(
    parse_int=_parse_int,
    parse_float=_parse_float,
    parse_constant=_parse_constant,
    object_pairs_hook=_object_pairs,
)


class TooDeep(CanonicalError):
    """JSON nested deeper than :data:`MAX_DEPTH`."""


_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def check_depth(text: str) -> None:
    """:class:`TooDeep` when arrays and objects in ``text`` nest deeper than :data:`MAX_DEPTH`.

    Counting the brackets is one C-level pass; only a text with more than MAX_DEPTH of them is
    scanned, outside its strings, for the actual depth."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise TooDeep(f"nested deeper than {MAX_DEPTH} levels (the JSON depth limit)")
        else:
            depth -= 1


def loads_strict(text: str | bytes) -> object:
    """Parse JSON, refusing floats, NaN/Infinity, unsafe integers, duplicate keys and nesting
    deeper than :data:`MAX_DEPTH`.

    Bytes must be UTF-8. Raises :class:`CanonicalError` (:class:`TooDeep` for the depth).
    """
    if _orjson is not None and type(text) is bytes:
        value = _fast_loads(text)
        if value is not _MISS:
            return value
    return loads_strict_reference(text)


def loads_strict_reference(text: str | bytes) -> object:
    """:func:`loads_strict` through the standard library only: the reference the fast path is
    held to (and the path that words every error)."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        check_depth(text)
        try:  # the common case, a line with nothing around the value, without decode()'s regexes
            value, end = _STRICT_DECODER.raw_decode(text)
            rest = len(text) - end
            if rest == 0 or (rest == 1 and text[-1] == "\n"):
                return value
        except ValueError:
            pass  # decode() below gives the error (or accepts surrounding whitespace)
        return _STRICT_DECODER.decode(text)
    except CanonicalError:
        raise
    except RecursionError:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels (the JSON depth limit)") from None
    except (ValueError, TypeError) as error:
        raise CanonicalError(f"invalid JSON: {error}") from None


_MISS = object()
_SAFE = MAX_SAFE_INTEGER
#: What :func:`parse_proved` answers when only the standard library can decide.
UNDECIDED = _MISS


def _fast_loads(raw: bytes) -> object:
    """``raw`` parsed by orjson when that is provably the reference's value, else ``_MISS``."""
    try:
        value = _orjson.loads(raw)
    except _orjson.JSONDecodeError:
        return _MISS
    kind = type(value)
    if kind is dict:
        plain = _plain_dict(value, 1)
    elif kind is list:
        plain = _plain_list(value, 1)
    elif kind is int:
        plain = -_SAFE <= value <= _SAFE
    else:
        plain = kind is not float
    if not plain:
        return _MISS
    size = len(raw) - 1 if raw.endswith(b"\n") else len(raw)
    if len(_orjson.dumps(value)) != size:  # a repeated key, whitespace or a longer spelling
        return _MISS
    return value


def _plain_dict(value: dict[str, Any], depth: int) -> bool:
    """No float, no unsafe integer, nested at most MAX_DEPTH (``value`` is at ``depth``)."""
    for item in value.values():
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if -_SAFE <= item <= _SAFE:
                continue
            return False
        if kind is dict:
            if depth >= MAX_DEPTH or not _plain_dict(item, depth + 1):
                return False
        elif kind is list:
            if depth >= MAX_DEPTH or not _plain_list(item, depth + 1):
                return False
        else:
            return False
    return True


def _plain_list(value: list[Any], depth: int) -> bool:
    for item in value:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if -_SAFE <= item <= _SAFE:
                continue
            return False
        if kind is dict:
            if depth >= MAX_DEPTH or not _plain_dict(item, depth + 1):
                return False
        elif kind is list:
            if depth >= MAX_DEPTH or not _plain_list(item, depth + 1):
                return False
        else:
            return False
    return True


def _undecided(raw: bytes) -> object:
    return _MISS


#: ``parse_proved(raw)``: ``loads_strict(raw)``'s value where the fast path alone proves it is that
#: value, else :data:`UNDECIDED` (always, without orjson). For a text it gave a value for,
#: :data:`loads_proved` gives the same value again without the proof. (Bound to the function
#: that does it, not wrapped: both are called for every line of a bundle.)
parse_proved: Callable[[bytes], object] = _undecided if _orjson is None else _fast_loads

#: ``loads_proved(raw)``: the value of ``raw``, a text :data:`parse_proved` gave a value for in a
#: process using the same parser (:data:`FAST_JSON`): the fast parse alone, as its proof has
#: been made (``verify.line_work`` makes it in another process). Without orjson,
#: :func:`loads_strict` (the reference).
loads_proved: Callable[[bytes], object] = (
    loads_strict_reference if _orjson is None else _orjson.loads)


# Only a non-BMP character (UTF-8 lead byte 0xF0..0xF4) or a \\u escape (a surrogate, or a control
# character) in the source can make Python's key order differ from UTF-16 order, or hide a lone
# surrogate; each test is one C-level (memchr) scan of the bytes. The needles are ints: ``b"\\xf0"
# in source`` first tries the needle as an int, raises and clears a TypeError, then scans, which
# costs ~4× the scan itself (1.4 µs a line for the six tests, against 0.16 µs; bench/README.md).
_BACKSLASH = 0x5C


def canonical_json_parsed(value: object, source: bytes) -> bytes:
    """JCS bytes of ``value`` that :func:`loads_strict` parsed from ``source``.

    ``loads_strict`` has already refused floats, unsafe integers and duplicate keys, so unless the
    source holds a non-BMP character or an escaped surrogate (then the full :func:`canonical_json`
    runs), the fast encoder is exact and the validating walk can be skipped: the verifier's hot
    path.
    """
    if (
        (_BACKSLASH in source and b"\\u" in source)
        or 0xF0 in source
        or 0xF1 in source
        or 0xF2 in source
        or 0xF3 in source
        or 0xF4 in source
    ):
        return canonical_json(value)
    if _orjson is not None:
        return _orjson.dumps(value, option=_SORT_KEYS)
    return _dumps_parsed(value).encode("utf-8")

