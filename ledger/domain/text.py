"""Text the ledger accepts (文本规则): one rule for every character of every input.

Whatever enters the ledger — a directory file's cell, a command-line option, a record, a rulebook,
a holiday schedule, a request to the HTTP service — ends up as a string in an event, and an event
is forever: it is hashed, signed, published, projected into read models and exported to
spreadsheets. A NUL byte in one company name used to stop every PostgreSQL projection for good
(``text`` columns cannot hold it) and broke the ``.xlsx`` export. So no string in any event may
carry:

* a control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F), except a line feed
  or a tab in the few free-text fields that are written as several lines (:data:`MULTILINE`);
* a lone surrogate (category Cs: not text, and not encodable as UTF-8);
* a line or paragraph separator (U+2028, U+2029), or a bidirectional embedding, override or
  isolate (U+202A–U+202E, U+2066–U+2069), which make a name display as something it is not.

:func:`check_event_text` applies the rule to every event as it is created
(:class:`ledger.domain.chained.ChainedAggregate`), so no path can store such a string; readers of
input files call :func:`text_problem` on each cell first, to name the row and the column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ledger.errors import InvalidInput

#: Fields written as several lines: a line feed or a tab is allowed there, nowhere else.
MULTILINE = frozenset({"content", "remarks", "description", "notes", "note", "evidence",
                       "handover"})

_C1 = "\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_SEPARATORS = "\u2028\u2029"
_SURROGATES = "\ud800-\udfff"
#: Anything refused in a one-line field.
_ONE_LINE = re.compile(f"[\x00-\x1f{_C1}{_BIDI}{_SEPARATORS}{_SURROGATES}]")
#: Anything refused in a multi-line field (as above, but a line feed and a tab may appear).
_MULTI_LINE = re.compile(f"[\x00-\x08\x0b-\x1f{_C1}{_BIDI}{_SEPARATORS}{_SURROGATES}]")


def _expanded(ranges: str) -> list[str]:
    """The characters of a character class's ranges and single characters (``"a-cx"``)."""
    chars: list[str] = []
    at = 0
    while at < len(ranges):
        if at + 2 < len(ranges) and ranges[at + 1] == "-":
            chars += map(chr, range(ord(ranges[at]), ord(ranges[at + 2]) + 1))
            at += 3
        else:
            chars.append(ranges[at])
            at += 1
    return chars


#: The UTF-8 of each refused character that JSON writes as itself (the class's ranges at and above
#: U+007F but the surrogates, which UTF-8 cannot hold: tests/test_hostile_input.py holds this to a
#: scan of every code point);
#: JSON writes every other one (below U+0020) as an escape, which begins with a backslash
#: (:func:`check_event_text_encoded`). ``_RAW_LEADS``: their first bytes (0x7F, 0xC2, 0xE2), as
#: ints, each looked for with one ``in`` (a memchr, ~0.04 µs; a one-byte ``bytes`` needle is first
#: tried as an int, which raises and clears a TypeError: ~0.17 µs) before the search (~1.3 µs over
#: an event's JSON).
_RAW = [char.encode("utf-8") for char in _expanded(_C1 + _BIDI + _SEPARATORS)]
_RAW_REFUSED = re.compile(b"|".join(map(re.escape, _RAW)))
_RAW_LEADS = tuple(sorted({raw[0] for raw in _RAW}))
_BACKSLASH = 0x5C

_NAMES = {"\t": "a tab", "\n": "a line feed", "\r": "a carriage return", "\x00": "a NUL byte"}


class TextRuleError(InvalidInput):
    """A string with a character no input may carry; the message names the field."""


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` may not be stored (``"contains a NUL byte (U+0000)…"``), or None."""
    found = (_MULTI_LINE if multiline else _ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    what = _NAMES.get(char, "a control character" if char <= "\x9f" else
                      "a surrogate" if "\ud800" <= char <= "\udfff" else "an invisible formatting "
                      "character")
    return (f"contains {what} (U+{ord(char):04X}) at character {found.start() + 1}; "
            "control characters are not accepted in any input")


def check_text(value: str, field: str, *, multiline: bool | None = None) -> str:
    """``value``, or :class:`TextRuleError` ``"<field>: contains …"``."""
    if multiline is None:
        multiline = _last_key(field) in MULTILINE
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise TextRuleError(f"{field}: {problem}")
    return value


def check_event_text(data: Mapping[str, Any]) -> None:
    """Every string in an event's data (keys included, at any depth) follows the rule.

    Every event is checked as it is created, so the usual case (nothing refused) is one search over
    the strings joined (joining creates no character: a refused one is found in the join if and
    only if it is in one of the strings); only then is each string searched on its own, to name
    the field."""
    one: list[str] = []
    multi: list[str] = []
    for key, value in data.items():
        if isinstance(value, str):
            (multi if key in MULTILINE else one).append(value)
        elif isinstance(value, Mapping | list | tuple):
            _collect(value, str(key), one, multi)
    if _ONE_LINE.search("".join(one)) is None and (
            not multi or _MULTI_LINE.search("".join(multi)) is None):
        return
    for key, value in data.items():
        _check_value(value, str(key), str(key))


def check_event_text_encoded(data: Mapping[str, Any], encoded: bytes) -> None:
    """:func:`check_event_text`, given ``encoded``: the JSON (UTF-8) of a value that holds every
    string of ``data`` (the event's hashed content, :mod:`ledger.domain.chained`).

    A refused character below U+0020 is written in JSON as an escape, which begins with a
    backslash; every other one as itself (:data:`_RAW_REFUSED`). So JSON with neither holds no
    refused character in any string, and the usual event is cleared by two C-level scans of bytes
    the hash needs anyway; anything else (a quote or a backslash in a name, a multi-line field's
    line feed) is checked string by string, with the same messages."""
    if _BACKSLASH in encoded or (_has_a_lead(encoded) and _RAW_REFUSED.search(encoded) is not None):
        check_event_text(data)


def _has_a_lead(encoded: bytes) -> bool:
    for lead in _RAW_LEADS:  # noqa: SIM110 (a generator in any() costs more than the scans)
        if lead in encoded:
            return True
    return False


def _collect(value: Any, key: str, one: list[str], multi: list[str]) -> None:
    """The strings inside ``value`` (a nested key is a one-line string), by the rule they follow."""
    if isinstance(value, str):
        (multi if key in MULTILINE else one).append(value)
    elif isinstance(value, Mapping):
        for inner_key, inner in value.items():
            name = str(inner_key)
            one.append(name)
            _collect(inner, name, one, multi)
    elif isinstance(value, list | tuple):
        for inner in value:
            _collect(inner, key, one, multi)


def _check_value(value: Any, path: str, key: str) -> None:
    if isinstance(value, str):
        problem = text_problem(value, multiline=key in MULTILINE)
        if problem is not None:
            raise TextRuleError(f"{path}: {problem}")
    elif isinstance(value, Mapping):
        for inner_key, inner in value.items():
            name = str(inner_key)
            if text_problem(name) is not None:
                raise TextRuleError(f"{path}: a key {text_problem(name)}")
            _check_value(inner, f"{path}.{name}", name)
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            _check_value(inner, f"{path}[{index}]", key)


def _last_key(field: str) -> str:
    return re.split(r"[.\[]", field)[-1].rstrip("]")
