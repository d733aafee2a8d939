"""The frozen inputs of a draw (抽取) under SPOTCHECK-DRAW-2 §2: four small text files, byte for byte.

Before any entropy exists the operator fixes, and records the SHA-256 of, four files:

* ``population.csv`` — header ``id,stratum,weight``: the units that can be drawn, the stratum
  (分层, e.g. ``KEY``, ``GEN``, ``SPC``) each belongs to and its risk weight 1..10;
* ``inspectors.csv`` — header ``inspector_id,strata``: the roster and, per inspector, the ``;``-joined
  sorted list of strata they may inspect;
* ``conflicts.csv`` — header ``inspector_id,unit_id``: declared conflicts of interest (回避);
* ``params.txt`` — ``key=value`` lines: ``draw_id``, ``size.<stratum>``, ``team_size`` (检查组 size),
  ``load_cap``, ``spec`` (``SPOTCHECK-DRAW-2``; absent in files of version 1) and the announced
  entropy plan ``entropy.<k>`` (k = 1..n, the order of combination).

Every file is UTF-8 without a byte-order mark, every line ends in LF (the last one too), no line is
empty or ends in a space or tab, and the lines after the CSV header (all lines of ``params.txt``)
are sorted bytewise as whole lines, each line strictly after the previous one. For the CSV files
that is the same as sorting by the first column(s), because ``,`` (0x2C) sorts below every
character an id may hold. For ``params.txt`` it is *not* the same as sorting by key: ``=`` (0x3D)
sorts above ``.``, ``-`` and the digits, so ``entropy.10=…`` precedes ``entropy.1=…``; the order of
the entropy sources is the number ``k``, never the position of the line.

The ``*_bytes`` functions produce the one canonical encoding of their rows; the ``parse_*``
functions accept exactly the bytes the producers would write and refuse everything else with a
:class:`DrawFileError` that names the file, the line, the field and the rule broken. Hence
``produce(parse(b)) == b`` for every accepted ``b``. :func:`read_draw_inputs` parses all four and
checks them against each other.

``population.csv`` may hold a million rows: :func:`parse_population` checks a well-formed file with
a few whole-file operations and returns a :class:`Population`, the rows as three columns, and only
falls back to the row-by-row reading (which names the line and the rule) when something is wrong.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import lt
from typing import overload

from verify.collector import gc_paused

POPULATION_FILE = "population.csv"
INSPECTORS_FILE = "inspectors.csv"
CONFLICTS_FILE = "conflicts.csv"
PARAMS_FILE = "params.txt"

SPEC_V1 = "SPOTCHECK-DRAW-1"
SPEC_V2 = "SPOTCHECK-DRAW-2"
#: The version new draws use; a params.txt without a ``spec`` line is version 1.
CURRENT_SPEC = SPEC_V2

POPULATION_HEADER = "id,stratum,weight"
INSPECTORS_HEADER = "inspector_id,strata"
CONFLICTS_HEADER = "inspector_id,unit_id"

MIN_WEIGHT = 1
MAX_WEIGHT = 10
MIN_TEAM_SIZE = 2
MAX_NUMBER_DIGITS = 9
MAX_STRATUM_LENGTH = 32

ID_RULE = "must match ^[0-9A-Za-z._-]{1,64}$"
STRATUM_RULE = f"must match ^[0-9A-Za-z._-]{{1,{MAX_STRATUM_LENGTH}}}$"

_ID = re.compile(r"[0-9A-Za-z._-]{1,64}")
_STRATUM = re.compile(r"[0-9A-Za-z._-]{1,32}")  # MAX_STRATUM_LENGTH
_NUMBER = re.compile(r"0|[1-9][0-9]{0,8}")  # MAX_NUMBER_DIGITS
_ENTROPY_KEY = re.compile(r"entropy\.([1-9][0-9]{0,8})")
_BOM = b"\xef\xbb\xbf"
# The bytes of the id alphabet [0-9A-Za-z._-] (stratum codes and weights use it too).
_ID_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-"
_WEIGHTS = {str(n): n for n in range(MIN_WEIGHT, MAX_WEIGHT + 1)}
# C0 and C1 controls (every line break str.splitlines() knows is one, or U+2028/U+2029).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class DrawFileError(ValueError):
    """A draw input file (or a value meant for one) breaks a rule of SPOTCHECK-DRAW-1 §2.

    The message reads ``<file> line <n>, field <field>: <rule>``; the parts are also attributes.
    ``line`` is 1-based and counts the header; it is ``None`` for a value checked outside a file.
    """

    def __init__(self, file: str, line: int | None, field: str | None, rule: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.rule = rule
        where = file if line is None else f"{file} line {line}"
        if field is not None:
            where += f", field {field}"
        super().__init__(f"{where}: {rule}")

    def at_line(self, line: int) -> DrawFileError:
        """The same error, located at ``line`` of its file."""
        return DrawFileError(self.file, line, self.field, self.rule)


def file_hash(data: bytes) -> str:
    """``H(file)``: the lowercase hex SHA-256 of a file's exact bytes."""
    return hashlib.sha256(data).hexdigest()


def is_valid_id(value: str) -> bool:
    """True for a unit or inspector id (``^[0-9A-Za-z._-]{1,64}$``, §1)."""
    return _ID.fullmatch(value) is not None


def is_valid_stratum(value: str) -> bool:
    """True for a stratum code: the id alphabet, 1 to 32 characters."""
    return _STRATUM.fullmatch(value) is not None


def _check_id(file: str, name: str, value: str) -> None:
    if not is_valid_id(value):
        raise DrawFileError(file, None, name, f"{value!r} {ID_RULE}")


def _check_stratum(file: str, name: str, value: str) -> None:
    if not is_valid_stratum(value):
        raise DrawFileError(file, None, name, f"{value!r} {STRATUM_RULE}")


def _parse_number(file: str, name: str, text: str) -> int:
    if _NUMBER.fullmatch(text) is None:
        raise DrawFileError(
            file, None, name,
            f"{text!r} is not a decimal integer (digits only, no sign, no leading zero, "
            f"at most {MAX_NUMBER_DIGITS} digits)",
        )
    return int(text)


# --- the rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One row of ``population.csv``: a unit that can be drawn (检查对象)."""

    id: str
    stratum: str
    weight: int

    def __post_init__(self) -> None:
        _check_id(POPULATION_FILE, "id", self.id)
        _check_stratum(POPULATION_FILE, "stratum", self.stratum)
        if type(self.weight) is not int or not MIN_WEIGHT <= self.weight <= MAX_WEIGHT:
            raise DrawFileError(
                POPULATION_FILE, None, "weight",
                f"{self.weight!r} is outside {MIN_WEIGHT}..{MAX_WEIGHT}",
            )

    def line(self) -> str:
        """The row as it appears in the file (without the LF)."""
        return f"{self.id},{self.stratum},{self.weight}"

    @classmethod
    def checked_already(cls, id: str, stratum: str, weight: int) -> Unit:
        """A unit from values a parser has already checked (no second check: a million rows)."""
        unit = object.__new__(cls)
        object.__setattr__(unit, "id", id)
        object.__setattr__(unit, "stratum", stratum)
        object.__setattr__(unit, "weight", weight)
        return unit


class Population(Sequence[Unit]):
    """The rows of ``population.csv`` as three columns, in file order (bytewise by id).

    A sequence of :class:`Unit`; the columns ``ids``, ``strata`` and ``weights`` let the draw work
    on a million units without a million row objects.
    """

    __slots__ = ("ids", "strata", "weights")

    def __init__(self, ids: list[str], strata: list[str], weights: list[int]) -> None:
        if not len(ids) == len(strata) == len(weights):
            raise ValueError("the three columns of a population must have the same length")
        self.ids = ids
        self.strata = strata
        self.weights = weights

    @classmethod
    def of(cls, units: Iterable[Unit]) -> Population:
        rows = list(units)
        return cls([u.id for u in rows], [u.stratum for u in rows], [u.weight for u in rows])

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Unit: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Unit, ...]: ...
    def __getitem__(self, index: int | slice) -> Unit | tuple[Unit, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        return Unit.checked_already(self.ids[index], self.strata[index], self.weights[index])

    def __iter__(self) -> Iterator[Unit]:
        make = Unit.checked_already
        for unit_id, stratum, weight in zip(self.ids, self.strata, self.weights, strict=True):
            yield make(unit_id, stratum, weight)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Population):
            return (self.ids, self.strata, self.weights) == (other.ids, other.strata, other.weights)
        if isinstance(other, tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Population({len(self)} units)"


@dataclass(frozen=True)
class Inspector:
    """One row of ``inspectors.csv``: an inspector (执法检查人员) and the strata they may inspect."""

    inspector_id: str
    strata: tuple[str, ...]

    def __post_init__(self) -> None:
        _check_id(INSPECTORS_FILE, "inspector_id", self.inspector_id)
        if type(self.strata) is not tuple or not self.strata:
            raise DrawFileError(INSPECTORS_FILE, None, "strata", "must list at least one stratum")
        for code in self.strata:
            _check_stratum(INSPECTORS_FILE, "strata", code)
        if any(a >= b for a, b in zip(self.strata, self.strata[1:], strict=False)):
            raise DrawFileError(
                INSPECTORS_FILE, None, "strata",
                f"{';'.join(self.strata)!r} is not sorted bytewise without repeats",
            )

    def line(self) -> str:
        """The row as it appears in the file (without the LF)."""
        return f"{self.inspector_id},{';'.join(self.strata)}"


@dataclass(frozen=True)
class Conflict:
    """One row of ``conflicts.csv``: the inspector must never be on the unit's team (回避)."""

    inspector_id: str
    unit_id: str

    def __post_init__(self) -> None:
        _check_id(CONFLICTS_FILE, "inspector_id", self.inspector_id)
        _check_id(CONFLICTS_FILE, "unit_id", self.unit_id)

    def line(self) -> str:
        """The row as it appears in the file (without the LF)."""
        return f"{self.inspector_id},{self.unit_id}"


def _check_description(k: int, text: str) -> None:
    name = f"entropy.{k}"
    if not text:
        raise DrawFileError(PARAMS_FILE, None, name, "the source description is empty")
    if _CONTROL.search(text):
        raise DrawFileError(
            PARAMS_FILE, None, name, "holds a line break, tab or other control character"
        )
    if text != text.strip():
        raise DrawFileError(PARAMS_FILE, None, name, "begins or ends with whitespace")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise DrawFileError(PARAMS_FILE, None, name, "is not valid Unicode") from None


@dataclass(frozen=True)
class DrawParams:
    """``params.txt``: the draw's id, the sample size per stratum, the team and load rules, the
    announced entropy plan (``entropy_plan[k - 1]`` describes source ``k``) and the version of the
    specification (``spec``: ``SPOTCHECK-DRAW-2`` is written as a ``spec=`` line; a file without
    one is ``SPOTCHECK-DRAW-1``, whose §6 assigns the teams differently).

    ``sizes`` is copied into a private dict on construction (so the instance is not hashable).
    """

    draw_id: str
    sizes: Mapping[str, int]
    team_size: int
    load_cap: int
    entropy_plan: tuple[str, ...]
    spec: str = CURRENT_SPEC

    def __post_init__(self) -> None:
        _check_id(PARAMS_FILE, "draw_id", self.draw_id)
        if self.spec not in (SPEC_V1, SPEC_V2):
            raise DrawFileError(PARAMS_FILE, None, "spec", f"{self.spec!r} must be {SPEC_V2}")
        if not self.sizes:
            raise DrawFileError(PARAMS_FILE, None, "size", "at least one size.<stratum> is needed")
        for stratum, size in self.sizes.items():
            _check_stratum(PARAMS_FILE, f"size.{stratum}", stratum)
            _check_count(f"size.{stratum}", size, 0)
        _check_count("team_size", self.team_size, MIN_TEAM_SIZE)
        _check_count("load_cap", self.load_cap, 0)
        if type(self.entropy_plan) is not tuple or not self.entropy_plan:
            raise DrawFileError(PARAMS_FILE, None, "entropy", "at least one entropy.<k> is needed")
        for k, description in enumerate(self.entropy_plan, start=1):
            _check_description(k, description)
        # A private copy: later changes to the caller's mapping cannot reach the params.
        object.__setattr__(self, "sizes", dict(sorted(self.sizes.items())))

    def lines(self) -> list[str]:
        """The file's lines (without LFs), sorted bytewise."""
        lines = [
            f"draw_id={self.draw_id}",
            f"team_size={self.team_size}",
            f"load_cap={self.load_cap}",
            *(f"size.{stratum}={size}" for stratum, size in self.sizes.items()),
            *(f"entropy.{k}={text}" for k, text in enumerate(self.entropy_plan, start=1)),
            *([f"spec={self.spec}"] if self.spec != SPEC_V1 else []),
        ]
        return sorted(lines)


def _check_count(name: str, value: int, minimum: int) -> None:
    if type(value) is not int or not minimum <= value < 10**MAX_NUMBER_DIGITS:
        raise DrawFileError(
            PARAMS_FILE, None, name,
            f"{value!r} must be an integer from {minimum} to {10**MAX_NUMBER_DIGITS - 1}",
        )


# --- producing bytes -----------------------------------------------------------------------------


def _encode(header: str | None, lines: list[str]) -> bytes:
    body = [header, *lines] if header is not None else lines
    return "".join(line + "\n" for line in body).encode("utf-8")


def population_bytes(units: Iterable[Unit]) -> bytes:
    """The canonical bytes of ``population.csv`` for ``units`` (in any order)."""
    data = _encode(POPULATION_HEADER, sorted(unit.line() for unit in units))
    parse_population(data)  # refuses duplicate ids with the line they would occupy
    return data


def inspectors_bytes(inspectors: Iterable[Inspector]) -> bytes:
    """The canonical bytes of ``inspectors.csv`` for ``inspectors`` (in any order)."""
    data = _encode(INSPECTORS_HEADER, sorted(inspector.line() for inspector in inspectors))
    parse_inspectors(data)
    return data


def conflicts_bytes(conflicts: Iterable[Conflict]) -> bytes:
    """The canonical bytes of ``conflicts.csv`` for ``conflicts`` (in any order)."""
    data = _encode(CONFLICTS_HEADER, sorted(conflict.line() for conflict in conflicts))
    parse_conflicts(data)
    return data


def params_bytes(params: DrawParams) -> bytes:
    """The canonical bytes of ``params.txt``."""
    return _encode(None, params.lines())


# --- parsing bytes -------------------------------------------------------------------------------


def _split_lines(file: str, data: bytes) -> list[str]:
    """Decode a draw file and split it into lines, enforcing the layout rules common to all four."""
    if type(data) is not bytes:
        raise TypeError(f"{file}: expected bytes, got {type(data).__name__}")
    if data.startswith(_BOM):
        raise DrawFileError(file, 1, None, "starts with a byte-order mark (UTF-8 without BOM only)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        number = data.count(b"\n", 0, error.start) + 1
        raise DrawFileError(file, number, None, f"is not valid UTF-8 (byte {error.start})") from None
    if not text:
        raise DrawFileError(file, 1, None, "the file is empty")
    if "\r" in text:
        number = text.count("\n", 0, text.index("\r")) + 1
        raise DrawFileError(file, number, None, "holds a carriage return (lines end in LF only)")
    if not text.endswith("\n"):
        raise DrawFileError(file, text.count("\n") + 1, None, "the last line does not end in LF")
    lines = text[:-1].split("\n")
    for number, line in enumerate(lines, start=1):
        if not line:
            raise DrawFileError(file, number, None, "empty line")
        if line[-1] in " \t":
            raise DrawFileError(file, number, None, "ends in a space or tab")
    return lines


def _check_order(file: str, lines: list[str], first_number: int) -> None:
    """Each line strictly after the previous one, bytewise (UTF-8 order is code point order)."""
    for offset in range(1, len(lines)):
        if lines[offset] <= lines[offset - 1]:
            rule = "repeats the previous line" if lines[offset] == lines[offset - 1] else (
                "is not sorted: it sorts bytewise before the previous line"
            )
            raise DrawFileError(file, first_number + offset, None, rule)


def _rows(file: str, data: bytes, header: str) -> list[tuple[int, list[str]]]:
    lines = _split_lines(file, data)
    if lines[0] != header:
        raise DrawFileError(file, 1, None, f"the header must be exactly {header!r}")
    _check_order(file, lines[1:], 2)
    width = header.count(",") + 1
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split(",")
        if len(fields) != width:
            raise DrawFileError(
                file, number, None, f"has {len(fields)} comma-separated fields, not {width}"
            )
        rows.append((number, fields))
    return rows


def _check_unique(file: str, name: str, seen: set[str], value: str, number: int) -> None:
    if value in seen:
        raise DrawFileError(file, number, name, f"{value!r} appears on an earlier line")
    seen.add(value)


def parse_population(data: bytes) -> Population:
    """Parse ``population.csv``; the units in file order (bytewise by id)."""
    fast = _population_at_once(data)
    if fast is not None:
        return fast
    return Population.of(_population_by_row(data))


def _population_at_once(data: bytes) -> Population | None:
    """A well-formed file read with whole-file operations; ``None`` if anything is wrong (the
    row-by-row reading then names the line and the rule)."""
    header = POPULATION_HEADER.encode("ascii") + b"\n"
    if type(data) is not bytes or not data.startswith(header) or not data.isascii():
        return None
    raw = data[len(header):]
    count = raw.count(b"\n")
    # The layout: the body ends in LF, and with every character of the id alphabet taken out
    # each line is ",,\n" (three fields, none holding anything else); then each column's rule.
    if raw[-1:] not in (b"", b"\n") or raw.translate(None, _ID_ALPHABET) != b",,\n" * count:
        return None
    fields = raw.decode("ascii").replace("\n", ",").split(",")
    ids = fields[0:3 * count:3]
    if count and not (min(map(len, ids)) > 0 and max(map(len, ids)) <= 64):
        return None
    # Ids strictly increasing is the same as lines strictly increasing (no repeat, sorted): ","
    # sorts below every character of an id, so a line orders as its id does.
    if not all(map(lt, ids, islice(ids, 1, None))):
        return None
    codes = fields[1:3 * count:3]
    shared: dict[str, str] = {}
    strata = list(map(shared.setdefault, codes, codes))  # one string per stratum code
    if not all(map(is_valid_stratum, shared)):
        return None
    try:
        weights = list(map(_WEIGHTS.__getitem__, fields[2:3 * count:3]))  # "1" to "10" only
    except KeyError:
        return None
    return Population(ids, strata, weights)


def _population_by_row(data: bytes) -> list[Unit]:
    units: list[Unit] = []
    seen: set[str] = set()
    for number, (unit_id, stratum, weight) in _rows(POPULATION_FILE, data, POPULATION_HEADER):
        try:
            unit = Unit(unit_id, stratum, _parse_weight(weight))
        except DrawFileError as error:
            raise error.at_line(number) from None
        _check_unique(POPULATION_FILE, "id", seen, unit_id, number)
        units.append(unit)
    return units


def _parse_weight(text: str) -> int:
    weight = _parse_number(POPULATION_FILE, "weight", text)
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        raise DrawFileError(POPULATION_FILE, None, "weight", f"{text} is outside 1..10")
    return weight


def parse_inspectors(data: bytes) -> tuple[Inspector, ...]:
    """Parse ``inspectors.csv``; the inspectors in file order (bytewise by id)."""
    inspectors: list[Inspector] = []
    seen: set[str] = set()
    for number, (inspector_id, strata) in _rows(INSPECTORS_FILE, data, INSPECTORS_HEADER):
        try:
            inspector = Inspector(inspector_id, tuple(strata.split(";")) if strata else ())
        except DrawFileError as error:
            raise error.at_line(number) from None
        _check_unique(INSPECTORS_FILE, "inspector_id", seen, inspector_id, number)
        inspectors.append(inspector)
    return tuple(inspectors)


def parse_conflicts(data: bytes) -> tuple[Conflict, ...]:
    """Parse ``conflicts.csv``; the pairs in file order (bytewise by inspector, then unit)."""
    conflicts: list[Conflict] = []
    for number, (inspector_id, unit_id) in _rows(CONFLICTS_FILE, data, CONFLICTS_HEADER):
        try:
            conflicts.append(Conflict(inspector_id, unit_id))
        except DrawFileError as error:
            raise error.at_line(number) from None
    return tuple(conflicts)


def parse_params(data: bytes) -> DrawParams:
    """Parse ``params.txt``: every key exactly once, nothing unknown, entropy keys 1..n."""
    lines = _split_lines(PARAMS_FILE, data)
    _check_order(PARAMS_FILE, lines, 1)
    values: dict[str, str] = {}
    where: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        key, equals, value = line.partition("=")
        if not equals:
            raise DrawFileError(PARAMS_FILE, number, None, "is not a key=value line")
        if key in values:
            raise DrawFileError(PARAMS_FILE, number, key, "the key appears on an earlier line")
        values[key] = value
        where[key] = number
    try:
        return _params_from_values(values, where)
    except DrawFileError as error:
        if error.line is None and error.field in where:
            raise error.at_line(where[error.field]) from None
        raise


def _params_from_values(values: dict[str, str], where: dict[str, int]) -> DrawParams:
    sizes: dict[str, int] = {}
    plan: dict[int, str] = {}
    for key, value in values.items():
        if key.startswith("size."):
            sizes[key[len("size."):]] = _parse_number(PARAMS_FILE, key, value)
        elif key.startswith("entropy."):
            match = _ENTROPY_KEY.fullmatch(key)
            if match is None:
                raise DrawFileError(
                    PARAMS_FILE, where[key], key, "entropy keys are entropy.<k>, k = 1, 2, ..."
                )
            plan[int(match.group(1))] = value
        elif key == "spec":
            if value != SPEC_V2:
                raise DrawFileError(PARAMS_FILE, where[key], key, f"{value!r} must be {SPEC_V2} "
                                    f"(a file of {SPEC_V1} has no spec line)")
        elif key not in ("draw_id", "team_size", "load_cap"):
            raise DrawFileError(PARAMS_FILE, where[key], key, "unknown key")
    for key in ("draw_id", "team_size", "load_cap"):
        if key not in values:
            raise DrawFileError(PARAMS_FILE, None, key, "missing")
    for k in range(1, len(plan) + 1):
        if k not in plan:
            raise DrawFileError(
                PARAMS_FILE, None, f"entropy.{k}",
                f"missing: the entropy sources must be numbered 1..n without gaps "
                f"(found {', '.join(str(n) for n in sorted(plan))})",
            )
    return DrawParams(
        draw_id=values["draw_id"],
        sizes=sizes,
        team_size=_parse_number(PARAMS_FILE, "team_size", values["team_size"]),
        load_cap=_parse_number(PARAMS_FILE, "load_cap", values["load_cap"]),
        entropy_plan=tuple(plan[k] for k in range(1, len(plan) + 1)),
        spec=values.get("spec", SPEC_V1),
    )


# --- the four files together ---------------------------------------------------------------------


@dataclass(frozen=True)
class DrawInputs:
    """The four parsed input files of one draw, checked against each other, with their hashes."""

    population: Population
    inspectors: tuple[Inspector, ...]
    conflicts: tuple[Conflict, ...]
    params: DrawParams
    population_hash: str
    inspectors_hash: str
    conflicts_hash: str
    params_hash: str


def read_draw_inputs(
    population: bytes, inspectors: bytes, conflicts: bytes, params: bytes
) -> DrawInputs:
    """Parse the four files and check them against each other.

    Cross-file rules: every stratum of the population has a ``size.<stratum>`` and every size names
    a stratum of the population, no size exceeds its stratum's number of units, and every conflict
    names an inspector of ``inspectors.csv`` and a unit of ``population.csv`` (a misspelt id would
    otherwise silently leave a conflicted inspector eligible). An inspector may list strata that
    have no unit in this population.
    """
    with gc_paused():
        units = parse_population(population)
        roster = parse_inspectors(inspectors)
        pairs = parse_conflicts(conflicts)
        parsed = parse_params(params)
        _check_sizes(units, parsed, params)
        _check_conflicts(units, roster, pairs)
    return DrawInputs(
        population=units,
        inspectors=roster,
        conflicts=pairs,
        params=parsed,
        population_hash=file_hash(population),
        inspectors_hash=file_hash(inspectors),
        conflicts_hash=file_hash(conflicts),
        params_hash=file_hash(params),
    )


def _params_line(params_data: bytes, key: str) -> int | None:
    prefix = (key + "=").encode("utf-8")
    for number, line in enumerate(params_data.split(b"\n"), start=1):
        if line.startswith(prefix):
            return number
    return None


def _check_sizes(units: Population, params: DrawParams, params_data: bytes) -> None:
    counts = Counter(units.strata)
    for stratum in sorted(counts):
        if stratum not in params.sizes:
            raise DrawFileError(
                PARAMS_FILE, None, f"size.{stratum}",
                f"missing: {POPULATION_FILE} has {counts[stratum]} units in stratum {stratum}",
            )
    for stratum, size in sorted(params.sizes.items()):
        key = f"size.{stratum}"
        line = _params_line(params_data, key)
        if stratum not in counts:
            raise DrawFileError(
                PARAMS_FILE, line, key, f"unknown stratum: no unit of {POPULATION_FILE} is in it"
            )
        if size > counts[stratum]:
            raise DrawFileError(
                PARAMS_FILE, line, key,
                f"{size} exceeds the {counts[stratum]} units of stratum {stratum}",
            )


def _check_conflicts(
    units: Population, roster: tuple[Inspector, ...], pairs: tuple[Conflict, ...]
) -> None:
    if not pairs:
        return
    ids = units.ids
    inspector_ids = {inspector.inspector_id for inspector in roster}
    for number, pair in enumerate(pairs, start=2):
        if pair.inspector_id not in inspector_ids:
            raise DrawFileError(
                CONFLICTS_FILE, number, "inspector_id",
                f"{pair.inspector_id!r} is not in {INSPECTORS_FILE}",
            )
        where = bisect_left(ids, pair.unit_id)  # the ids are in bytewise order
        if where == len(ids) or ids[where] != pair.unit_id:
            raise DrawFileError(
                CONFLICTS_FILE, number, "unit_id", f"{pair.unit_id!r} is not in {POPULATION_FILE}"
            )


__all__ = [
    "CONFLICTS_FILE",
    "CONFLICTS_HEADER",
    "INSPECTORS_FILE",
    "INSPECTORS_HEADER",
    "PARAMS_FILE",
    "POPULATION_FILE",
    "POPULATION_HEADER",
    "SPEC_V1",
    "SPEC_V2",
    "Conflict",
    "DrawFileError",
    "DrawInputs",
    "DrawParams",
    "Inspector",
    "Population",
    "Unit",
    "conflicts_bytes",
    "file_hash",
    "inspectors_bytes",
    "is_valid_id",
    "is_valid_stratum",
    "params_bytes",
    "parse_conflicts",
    "parse_inspectors",
    "parse_params",
    "parse_population",
    "population_bytes",
    "read_draw_inputs",
]

