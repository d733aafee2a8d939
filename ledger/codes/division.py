"""Administrative division codes (行政区划代码, GB/T 2260).

A division code is six digits: two for the province-level division (省级), two for the prefecture
(地级) and two for the county (县级). By shape, ``XX0000`` is a province, ``XXYY00`` a prefecture and
anything else a county. The names and the years each code was in use come from python-stdnum's
maintained dataset ``stdnum/cn/loc.dat`` (read through ``stdnum.numdb``, never copied here), where an
entry such as ``[-2010]崇文区`` or ``[1992-2016]章丘市`` records when a code was created or retired.

Codes outlive their divisions in other identifiers: a unified social credit code keeps the division of
its registration (GB 32100-2015, 3-8 位) and a Shandong fixed source code the division it was given
(seed 002, annex 2, e.g. 370181 章丘市, retired in 2016 when 章丘 became 章丘区 370114). So a retired
code is *found*, marked ``retired``; only malformed or never-listed codes are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb

from ledger.errors import InvalidInput

NATIONAL_CODE = "100000"
"""GB/T 2260's code for the whole country (中华人民共和国); not a province and not in ``loc.dat``."""

_SHAPE = re.compile(r"^[0-9]{6}$")
_RANGE = re.compile(r"^\[(?P<start>[0-9]*)-(?P<end>[0-9]*)\](?P<name>.*)$")


class DivisionError(InvalidInput):
    """A division code that is malformed or not in GB/T 2260; the message names the code and the rule."""


@dataclass(frozen=True)
class Division:
    """One GB/T 2260 division code as the dataset lists it.

    ``name`` is the latest name under the code; ``former_names`` any earlier ones (a code may be
    renamed, e.g. 120110 东郊区 → 东丽区). ``prefecture`` is the prefecture-level division the code
    belongs to (itself for a prefecture code, ``None`` for a province code). ``valid_from`` and
    ``valid_until`` are years, ``None`` when the dataset gives no bound.
    """

    code: str
    name: str
    province: str
    prefecture: str | None
    valid_from: int | None
    valid_until: int | None
    former_names: tuple[str, ...] = ()

    @property
    def retired(self) -> bool:
        """True when the dataset records the year the code went out of use (撤销)."""
        return self.valid_until is not None

    @property
    def level(self) -> str:
        """'province', 'prefecture' or 'county', from the code's shape."""
        return level_of(self.code)


def level_of(code: str) -> str:
    """The level a division code denotes by its shape (GB/T 2260): province, prefecture or county.

    ``XX0000`` is a province (省级), ``XXYY00`` a prefecture (地级), anything else a county (县级).
    """
    _check_shape(code)
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def is_within(inner: str, outer: str) -> bool:
    """True when division ``inner`` is ``outer`` or lies inside it, judged by the codes' shapes.

    A province contains every code sharing its first two digits, a prefecture every code sharing its
    first four; a county contains only itself. The national code 100000 contains everything.
    """
    _check_shape(inner)
    _check_shape(outer)
    if outer == NATIONAL_CODE:
        return True
    level = level_of(outer)
    if level == "province":
        return inner[:2] == outer[:2]
    if level == "prefecture":
        return inner[:4] == outer[:4]
    return inner == outer


@cache  # the dataset is fixed for the process; an import looks the same codes up many times
def lookup_division(code: str) -> Division:
    """Look a six-digit GB/T 2260 code up in python-stdnum's ``cn/loc`` dataset.

    Raises DivisionError, naming the code and the rule, when the code is not six digits or the dataset
    does not list it. A retired code is returned with ``retired`` set, not refused.
    """
    _check_shape(code)
    province_name, entry = _entry(code)
    if province_name is None:
        raise DivisionError(
            f"division {code!r}: province code {code[:2]} is not in GB/T 2260 (python-stdnum cn/loc)"
        )
    if entry is None:
        raise DivisionError(f"division {code!r}: code is not in GB/T 2260 (python-stdnum cn/loc)")
    names = _parse_names(entry)
    name = names[-1][2]
    valid_from = None if any(start is None for start, _, _ in names) else min(
        start for start, _, _ in names if start is not None
    )
    return Division(
        code=code,
        name=name,
        province=province_name,
        prefecture=_prefecture_name(code, name),
        valid_from=valid_from,
        valid_until=names[-1][1],
        former_names=tuple(n for _, _, n in names[:-1]),
    )


def _check_shape(code: str) -> None:
    if not _SHAPE.match(code):
        raise DivisionError(f"division {code!r}: a GB/T 2260 division code is exactly six digits")


@cache
def _entry(code: str) -> tuple[str | None, str | None]:
    """(province name, raw ``county`` entry) for a code; None where the dataset has nothing."""
    props: dict[str, str] = {}
    for _part, part_props in numdb.get("cn/loc").info(code):
        props.update(part_props)
    return props.get("province"), props.get("county")


def _parse_names(entry: str) -> list[tuple[int | None, int | None, str]]:
    """Split ``[-1991]东郊区,[1992-]东丽区`` into (from, until, name) triples, oldest first."""
    names: list[tuple[int | None, int | None, str]] = []
    for part in entry.split(","):
        match = _RANGE.match(part)
        if match is None:
            names.append((None, None, part))
            continue
        start, end = match["start"], match["end"]
        names.append((int(start) if start else None, int(end) if end else None, match["name"]))
    return names


def _prefecture_name(code: str, name: str) -> str | None:
    level = level_of(code)
    if level == "province":
        return None
    if level == "prefecture":
        return name
    _province, entry = _entry(code[:4] + "00")
    return None if entry is None else _parse_names(entry)[-1][2]
