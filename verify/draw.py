"""SPOTCHECK-DRAW-2 §3–§6: the seed, the tickets, the unit draw (抽取) and the team assignment (检查组).

Everything here is a pure function of published bytes, so anyone can replay a draw:

* :func:`seed_preimage` / :func:`derive_seed` — ``PRE`` and ``SEED`` from the four input hashes and
  the entropy values (熵值) revealed in the announced order;
* :func:`ticket` — Rivest's consistent-sampler ticket, the same number as
  ``consistent_sampler.first_fraction(x, s)``;
* :func:`draw_units` — per stratum, each unit's key (the smallest of its ``weight`` tickets), the
  ranking by ``(key, id)``, the selected units and the alternates (备选), and ``selection.csv``;
* :func:`assign_inspectors` — a team per selected unit under the conflict (回避) and load rules, and
  ``assignment.csv``; or the stop :class:`InsufficientEligible`, returned as a value;
* :func:`replace_unit` and :func:`replace_inspector` — the two amendments after the draw: an
  uninspectable unit replaced by the first unused alternate, an inspector's recusal (回避) filled by
  the next eligible inspector under the same load rule.

Two versions of §6 exist. Version 2 (``SPOTCHECK-DRAW-2``, every new draw) walks each selected
unit's own lazily generated Fisher–Yates shuffle of the stratum's inspectors (:class:`Walk`), so a
unit costs about team size + skipped inspectors hashes. Version 1 (``SPOTCHECK-DRAW-1``, draws
fixed before it) ordered every eligible inspector by a ticket of their own (:func:`team_order`);
it is kept so that those draws still verify. The version is the ``spec`` of ``params.txt``, and
it is the first field of ``PRE``.

Ranks and slots are 1-based; a walk position is 0-based. Tickets are compared as ASCII strings,
ties broken by id, bytewise. The unit tickets of a large population are computed in two processes
(:data:`PARALLEL_TICKETS`): the result is the same, only sooner.
"""

from __future__ import annotations

import hashlib
import mmap
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress, repeat
from multiprocessing.context import ForkContext, SpawnContext
from operator import itemgetter
from typing import Any, NamedTuple, overload

from verify.collector import gc_paused
from verify.draw_files import (
    CURRENT_SPEC,
    SPEC_V1,
    SPEC_V2,
    Conflict,
    DrawInputs,
    Inspector,
    Population,
    Unit,
    is_valid_id,
)

DRAW_TAG = CURRENT_SPEC
SPECS = (SPEC_V1, SPEC_V2)
ASSIGN_INFIX = "|assign|"
SELECTION_HEADER = "stratum,rank,id,key,selected"
ASSIGNMENT_HEADERS = {
    SPEC_V1: "unit_id,slot,inspector_id,ticket",
    SPEC_V2: "unit_id,slot,inspector_id,position",
}
ASSIGNMENT_HEADER = ASSIGNMENT_HEADERS[CURRENT_SPEC]
INSUFFICIENT_ELIGIBLE = "INSUFFICIENT_ELIGIBLE"
#: From this many unit tickets on, half of them are computed in a second process.
PARALLEL_TICKETS = 100_000
#: From this many units on, a draw writes ``selection.csv`` in a second process during §6.
PARALLEL_CSV_ROWS = 100_000
#: The share of ``selection.csv``'s rows that the second process writes (the rest, after §6, here).
CSV_SHARE = 0.75

_sha256 = hashlib.sha256
_HEX = frozenset("0123456789abcdef")
# Every character str.splitlines() treats as a line boundary.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


class DrawError(ValueError):
    """A value given to the draw breaks a rule of SPOTCHECK-DRAW-2 (the message names it)."""


def _check_spec(spec: str) -> None:
    if spec not in SPECS:
        raise DrawError(f"spec {spec!r} is not one of {', '.join(SPECS)}")


# --- §3 entropy and seed -------------------------------------------------------------------------


def commitment_of(value: str) -> str:
    """A witness's commitment to ``value``: lowercase hex SHA-256 of its UTF-8 bytes, nothing
    added (no trailing newline)."""
    return _sha256(value.encode("utf-8")).hexdigest()


def reveal_matches(commitment: str, value: str) -> bool:
    """True if a witness's revealed ``value`` matches the ``SHA256(value)`` they committed earlier.

    ``commitment`` is lowercase hex; the value is hashed as its UTF-8 bytes.
    """
    return commitment_of(value) == commitment


def _check_hash(name: str, value: str) -> None:
    if len(value) != 64 or not set(value) <= _HEX:
        raise DrawError(f"{name} must be 64 lowercase hex digits, got {value!r}")


def check_entropy_value(k: int, value: str) -> None:
    """Refuse entropy value ``E<k>`` if it is empty, holds ``|`` or a line break, or is not Unicode."""
    if not value:
        raise DrawError(f"entropy value E{k} is empty")
    if "|" in value:
        raise DrawError(f"entropy value E{k} contains '|', the separator of PRE")
    if not _LINE_BREAKS.isdisjoint(value):
        raise DrawError(f"entropy value E{k} contains a line break")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise DrawError(f"entropy value E{k} is not valid Unicode") from None


def seed_preimage(
    draw_id: str,
    population_hash: str,
    inspectors_hash: str,
    conflicts_hash: str,
    params_hash: str,
    entropy_values: Sequence[str],
    spec: str = CURRENT_SPEC,
) -> str:
    """``PRE``: the version (``SPOTCHECK-DRAW-2``), draw_id, PH, IH, CH, PAH, E1, …, Ek joined by ``|``.

    Refuses a malformed draw id or hash, no entropy at all, and an entropy value that is empty or
    holds ``|`` or a line break (see :func:`check_entropy_value`).
    """
    _check_spec(spec)
    if not is_valid_id(draw_id):
        raise DrawError(f"draw_id {draw_id!r} must match ^[0-9A-Za-z._-]{{1,64}}$")
    for name, value in (("PH", population_hash), ("IH", inspectors_hash),
                        ("CH", conflicts_hash), ("PAH", params_hash)):
        _check_hash(name, value)
    if isinstance(entropy_values, str) or not entropy_values:
        raise DrawError("at least one entropy value is needed (a sequence of strings)")
    for k, value in enumerate(entropy_values, start=1):
        check_entropy_value(k, value)
    parts = [spec, draw_id, population_hash, inspectors_hash, conflicts_hash, params_hash]
    return "|".join([*parts, *entropy_values])


def spec_of_preimage(preimage: str) -> str:
    """The version a ``PRE`` names (its first field); :class:`DrawError` for an unknown one."""
    spec = preimage.split("|", 1)[0]
    _check_spec(spec)
    return spec


def derive_seed(preimage: str) -> str:
    """``SEED``: the lowercase hex SHA-256 of the UTF-8 bytes of ``PRE`` (64 characters)."""
    return _sha256(preimage.encode("utf-8")).hexdigest()


def seed_of(inputs: DrawInputs, entropy_values: Sequence[str]) -> tuple[str, str]:
    """``(PRE, SEED)`` for parsed inputs; one value per source of the announced entropy plan."""
    planned = len(inputs.params.entropy_plan)
    if len(entropy_values) != planned:
        raise DrawError(f"the entropy plan announces {planned} sources, got {len(entropy_values)} values")
    preimage = seed_preimage(
        inputs.params.draw_id,
        inputs.population_hash,
        inputs.inspectors_hash,
        inputs.conflicts_hash,
        inputs.params_hash,
        entropy_values,
        inputs.params.spec,
    )
    return preimage, derive_seed(preimage)


# --- §4 ticket -----------------------------------------------------------------------------------


def ticket_prefix(s: str) -> bytes:
    """``hex(SHA256(UTF-8(s)))`` as ASCII bytes: compute it once per seed string, then call
    :func:`ticket_with_prefix` for each id."""
    return _sha256(s.encode("utf-8")).hexdigest().encode("ascii")


def ticket_with_prefix(prefix: bytes, x: str) -> str:
    """``TICKET(s, x)`` given ``prefix = ticket_prefix(s)``."""
    number = int.from_bytes(_sha256(prefix + x.encode("utf-8")).digest(), "big")
    return "0." + str(number).zfill(64)[::-1]


def ticket(s: str, x: str) -> str:
    """``TICKET(s, x) = "0." + reverse(decimal(SHA256_int(hex(SHA256(s)) + x)) zero-padded to 64)``.

    Equal to ``consistent_sampler.first_fraction(x, s)``.
    """
    return ticket_with_prefix(ticket_prefix(s), x)


# --- §5 unit draw --------------------------------------------------------------------------------


def ticket_id(unit_id: str, j: int) -> str:
    """``tid(i, j)``: the unit id for j = 1, else ``id + "#" + decimal(j)``."""
    if j < 1:
        raise DrawError(f"ticket numbers start at 1, got {j}")
    return unit_id if j == 1 else f"{unit_id}#{j}"


def _unit_key(prefix: bytes, unit_id: str, weight: int) -> str:
    best = ticket_with_prefix(prefix, unit_id)
    for j in range(2, weight + 1):
        candidate = ticket_with_prefix(prefix, f"{unit_id}#{j}")
        if candidate < best:
            best = candidate
    return best


def unit_key(seed: str, unit_id: str, weight: int) -> str:
    """``KEY_i``: the smallest of ``TICKET(SEED, tid(i, j))`` for j = 1..weight."""
    if weight < 1:
        raise DrawError(f"weight must be at least 1, got {weight}")
    return _unit_key(ticket_prefix(seed), unit_id, weight)


_SUFFIXES = [b"", b""] + [f"#{j}".encode("ascii") for j in range(2, 11)]
_LOW = 1000  # a ticket's first 3 digits are those of its number modulo 1000, reversed
#: ``_FIRST_DIGITS[n % 1000]``: a ticket's first three digits as a number (they compare as the text)
_FIRST_DIGITS = [int(f"{n:03d}"[::-1]) for n in range(1000)]
#: Between a key and the unit's id in an entry (:func:`unit_entries`). It sorts below every digit
#: and every character of an id, so entries sort exactly as ``(KEY, id)``: where the keys differ
#: within both, they decide; where one key is a prefix of the other, the shorter key meets the
#: separator against a digit and comes first; where they are equal, the ids decide, bytewise.
ENTRY_SEPARATOR = ","
#: The longest entry: a key of 80 characters (``0.`` and the 78 digits of 2²⁵⁶ − 1), the separator,
#: an id of 64.
MAX_ENTRY_LENGTH = 80 + 1 + 64


def unit_entries(prefix: bytes, ids: Sequence[str], weights: Sequence[int]) -> list[str]:
    """``KEY_i + "," + id`` for each unit (ids and weights side by side), given
    ``prefix = ticket_prefix(SEED)``: one text per unit that sorts as ``(KEY, id)`` (see
    :data:`ENTRY_SEPARATOR`), so a stratum is ranked by a plain sort of its entries.

    The hot loop of a draw. A weighted unit's tickets are first compared by their first three
    digits (the number modulo 1000, reversed: a table lookup, no text), and only the winner is
    written out in full; when two of a unit's tickets share those digits (about 1 unit in 300)
    the full tickets decide, as :func:`unit_key`. The prefix (64 hex digits, one SHA-256 block)
    is hashed once: each ticket continues a copy of that state.
    """
    start = _sha256(prefix).copy
    from_bytes = int.from_bytes
    suffixes = _SUFFIXES
    low = _LOW
    first_digits = _FIRST_DIGITS
    entries: list[str] = []
    append = entries.append
    for unit_id, weight in zip(ids, weights, strict=True):
        state = start()
        state.update(unit_id.encode("ascii"))
        number = from_bytes(state.digest(), "big")
        if weight > 1:
            if weight > 10:
                raise DrawError(f"weight of {unit_id} must be 1..10, got {weight}")
            best = first_digits[number % low]
            tied = False
            after_id = state.copy
            for j in range(2, weight + 1):
                ticket_state = after_id()
                ticket_state.update(suffixes[j])
                other = from_bytes(ticket_state.digest(), "big")
                digits = first_digits[other % low]
                if digits < best:
                    best, number, tied = digits, other, False
                elif digits == best:
                    tied = True
            if tied:  # about 1 unit in 300: let the full tickets decide
                append(f"{_unit_key(prefix, unit_id, weight)},{unit_id}")
                continue
        text = str(number)
        append(f"0.{(text if len(text) >= 64 else text.zfill(64))[::-1]},{unit_id}")
    return entries


def unit_keys(prefix: bytes, ids: Sequence[str], weights: Sequence[int]) -> list[str]:
    """``KEY_i`` for each unit, given ``prefix = ticket_prefix(SEED)`` (:func:`unit_entries`)."""
    return [entry.partition(ENTRY_SEPARATOR)[0] for entry in unit_entries(prefix, ids, weights)]


def entry_parts(entry: str) -> tuple[str, str]:
    """``(KEY, id)`` of an entry of :func:`unit_entries`."""
    key, _, unit_id = entry.partition(ENTRY_SEPARATOR)
    return key, unit_id


def _half_by_tickets(weights: Sequence[int]) -> int:
    """Where to split the units so that each part holds about half of the tickets."""
    total = sum(weights)
    running = 0
    for index, weight in enumerate(weights):
        running += weight
        if 2 * running >= total:
            return index + 1
    return len(weights)


def _can_fork() -> bool:
    """Fork is quick, and safe in a process with one thread."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


class _Room:
    """Where a forked second process puts the bytes of its answer: anonymous shared memory,
    written there and read here with one copy each, where a pickle through a pipe costs ~0.2 s
    for 50 MB. Only the pages written are used. Without memory (a spawned process, or no room
    asked for) or when the bytes do not fit, :meth:`put` hands the bytes back, to be pickled."""

    def __init__(self, size: int) -> None:
        self._memory = mmap.mmap(-1, size) if size else None
        self._end = 0

    def put(self, data: bytes) -> tuple[int, int] | bytes:
        """In the second process: where ``data`` now is, or ``data`` itself."""
        if self._memory is None or self._end + len(data) > len(self._memory):
            return data
        start, self._end = self._end, self._end + len(data)
        self._memory[start:self._end] = data
        return start, len(data)

    def text(self, placed: tuple[int, int] | bytes) -> str:
        """The ASCII text that :meth:`put` placed, decoded straight from the shared memory (no
        copy of its bytes first: every page a draw touches is a page fault, and in a virtual
        machine a costly one)."""
        if isinstance(placed, bytes):
            return placed.decode("ascii")
        assert self._memory is not None
        start, length = placed
        with memoryview(self._memory)[start:start + length] as view:
            return str(view, "ascii")

    def joined(self, placed: tuple[int, int] | bytes, rest: bytes) -> bytes:
        """The bytes that :meth:`put` placed, then ``rest``: one copy."""
        if isinstance(placed, bytes):
            return placed + rest
        assert self._memory is not None
        start, length = placed
        with memoryview(self._memory)[start:start + length] as view:
            return b"".join((view, rest))

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"_memory": None, "_end": 0}  # a spawned process gets no memory


class _SecondProcess:
    """``function(room, *args)`` in another process, started at once: forked where
    :func:`_can_fork` (it inherits the arguments, nothing is pickled), otherwise a fresh
    interpreter. ``room`` is a :class:`_Room` of ``room`` bytes for the bytes of its answer.
    The answer, or the exception raised, comes back pickled through a pipe (:meth:`answer`);
    should the process end without one (it could not start, it was killed), the work is done
    here instead. Use it in a ``with`` block: on leaving, a process that has not answered is
    stopped; one that has is not waited for while it exits (multiprocessing reaps it later)."""

    def __init__(self, function: Callable[..., Any], *args: Any, room: int = 0) -> None:
        forked = _can_fork()
        context: ForkContext | SpawnContext = (
            multiprocessing.get_context("fork") if forked else multiprocessing.get_context("spawn"))
        self.room = _Room(room if forked else 0)
        self._work = (function, args)
        self._answers, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_answer, args=(sender, function, (self.room, *args)),
                                        daemon=True)
        try:
            self._process.start()
        except OSError:  # (no memory or no process left for it): answered here
            pass
        finally:
            sender.close()
        self._answered = False

    def answer(self) -> Any:
        try:
            succeeded, value = self._answers.recv()
        except EOFError:  # no answer will come: the same work, here
            if self._process.pid is not None:
                self._process.join()
            self._answered = True
            function, args = self._work
            return function(_Room(0), *args)
        self._answered = True
        if not succeeded:
            raise value
        return value

    def __enter__(self) -> _SecondProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._answers.close()
        self.room.close()
        if self._process.pid is None:
            return
        if self._answered:
            self._process.join(0)
        else:
            self._process.kill()
            self._process.join()


def _answer(sender: multiprocessing.connection.Connection, function: Callable[..., Any],
            args: tuple[Any, ...]) -> None:
    with gc_paused():
        try:
            answer: tuple[bool, Any] = (True, function(*args))
        except Exception as error:  # sent back, raised there
            answer = (False, error)
    sender.send(answer)
    sender.close()


def _unit_keys_share(room: _Room, prefix: bytes, ids: list[str], weights: list[int]) -> list[str]:
    return unit_keys(prefix, ids, weights)


def _keys_in_two_processes(prefix: bytes, ids: list[str], weights: list[int]) -> list[str]:
    """:func:`unit_keys` with the second half of the units in another process (both cores)."""
    half = _half_by_tickets(weights)
    with _SecondProcess(_unit_keys_share, prefix, ids[half:], weights[half:]) as second:
        first = unit_keys(prefix, ids[:half], weights[:half])
        rest: list[str] = second.answer()
        return first + rest


def _sorted_by_stratum(strata: Sequence[str], entries: list[str]) -> dict[str, list[str]]:
    """Each stratum's entries, sorted: whole-column operations, no object per unit."""
    codes = sorted(set(strata))
    if len(codes) == 1:
        entries.sort()
        return {codes[0]: entries}
    columns: dict[str, list[str]] = {}
    for code in codes:
        own = list(compress(entries, map(code.__eq__, strata)))
        own.sort()
        columns[code] = own
    return columns


def _ranked_entries(
    prefix: bytes, ids: Sequence[str], strata: Sequence[str], weights: Sequence[int],
) -> dict[str, list[str]]:
    """:func:`unit_entries`, then :func:`_sorted_by_stratum`: one process's share of §5."""
    return _sorted_by_stratum(strata, unit_entries(prefix, ids, weights))


def _ranked_second_half(room: _Room, prefix: bytes, ids: list[str], strata: list[str],
                        weights: list[int], half: int) -> dict[str, tuple[int, int] | bytes]:
    """The second process's share of :func:`_ranked_in_two_processes`: each stratum's sorted
    entries as one text, one per line (neither keys nor ids hold a line feed), in ``room``."""
    ranked = _ranked_entries(prefix, ids[half:], strata[half:], weights[half:])
    return {code: room.put("\n".join(entries).encode("ascii")) for code, entries in ranked.items()}


def _ranked_in_two_processes(
    prefix: bytes, ids: list[str], strata: list[str], weights: list[int],
) -> dict[str, list[str]]:
    """:func:`_ranked_entries` with the second half of the units (by tickets) in another process;
    each stratum's two sorted halves are then merged (a sort of two runs: timsort merges them
    in one pass)."""
    half = _half_by_tickets(weights)
    # The second process is handed the whole columns (a forked one inherits them: no copy is
    # pickled) and takes the second half itself; its entries come back in shared memory.
    room = (len(ids) - half) * (MAX_ENTRY_LENGTH + 1)
    with _SecondProcess(_ranked_second_half, prefix, ids, strata, weights, half, room=room) as second:
        merged = _ranked_entries(prefix, ids[:half], strata[:half], weights[:half])
        for code, placed in second.answer().items():
            text = second.room.text(placed)
            if text:
                entries = merged.setdefault(code, [])
                entries += text.split("\n")
                entries.sort()
    return merged


def population_keys(seed: str, ids: list[str], weights: list[int]) -> list[str]:
    """``KEY_i`` for every unit; in two processes from :data:`PARALLEL_TICKETS` tickets on."""
    prefix = ticket_prefix(seed)
    if len(ids) > 1 and sum(weights) >= PARALLEL_TICKETS and (os.cpu_count() or 1) > 1:
        return _keys_in_two_processes(prefix, ids, weights)
    return unit_keys(prefix, ids, weights)


@dataclass(frozen=True)
class RankedUnit:
    """One row of ``selection.csv``: a unit's 1-based rank within its stratum and its key."""

    stratum: str
    rank: int
    id: str
    key: str
    selected: bool

    def line(self) -> str:
        """The row as it appears in ``selection.csv`` (without the LF)."""
        return f"{self.stratum},{self.rank},{self.id},{self.key},{1 if self.selected else 0}"


class Ranking(Sequence[RankedUnit]):
    """One stratum ranked by ``(KEY, id)``: the first ``size`` selected, the rest alternates.

    A sequence of :class:`RankedUnit` (rank ``n`` at index ``n - 1``), held as the sorted
    entries of :func:`unit_entries` (``KEY,id``), one text per unit.
    """

    __slots__ = ("_ids", "entries", "size", "stratum")

    def __init__(self, stratum: str, entries: list[str], size: int) -> None:
        self.stratum = stratum
        self.entries = entries
        self.size = size
        self._ids: list[str] | None = None

    @property
    def ids(self) -> list[str]:
        """The ids in rank order."""
        if self._ids is None:
            self._ids = [entry.partition(ENTRY_SEPARATOR)[2] for entry in self.entries]
        return self._ids

    def __len__(self) -> int:
        return len(self.entries)

    def _row(self, index: int) -> RankedUnit:
        key, unit_id = entry_parts(self.entries[index])
        return RankedUnit(self.stratum, index + 1, unit_id, key, index < self.size)

    @overload
    def __getitem__(self, index: int) -> RankedUnit: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[RankedUnit, ...]: ...
    def __getitem__(self, index: int | slice) -> RankedUnit | tuple[RankedUnit, ...]:
        if isinstance(index, slice):
            return tuple(self._row(i) for i in range(len(self.entries))[index])
        if index < 0:
            index += len(self.entries)
        if not 0 <= index < len(self.entries):
            raise IndexError(index)
        return self._row(index)

    def __iter__(self) -> Iterator[RankedUnit]:
        return (self._row(i) for i in range(len(self.entries)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ranking):
            return ((self.stratum, self.entries, self.size)
                    == (other.stratum, other.entries, other.size))
        if isinstance(other, tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ranking({self.stratum}: {self.size} of {len(self.entries)} selected)"

    def lines(self, start: int = 0, stop: int | None = None) -> str:
        """The stratum's rows of ``selection.csv``, each with its LF (rows ``start`` to ``stop``,
        0-based, of the ranking: all of them by default)."""
        start, stop, _ = slice(start, stop).indices(len(self.entries))
        if start >= stop:
            return ""
        selected = max(0, min(self.size, stop) - start)
        flags = ["1\n"] * selected + ["0\n"] * (stop - start - selected)
        # An entry "KEY,id" becomes "id,KEY": its partition's three parts, the other way round.
        id_then_key = map("".join, map(_ID_THEN_KEY, map(str.partition, self.entries[start:stop],
                                                          repeat(ENTRY_SEPARATOR))))
        rows = zip(repeat(self.stratum + ","), map(str, range(start + 1, stop + 1)), repeat(","),
                   id_then_key, repeat(","), flags)
        return "".join(map("".join, rows))


_ID_THEN_KEY = itemgetter(2, 1, 0)


@dataclass(frozen=True)
class Selection:
    """The outcome of §5: every stratum ranked; the first ``size`` units selected, the rest
    alternates in order. ``strata`` maps each stratum code, in bytewise order, to its ranking."""

    seed: str
    strata: Mapping[str, Ranking]

    @cached_property
    def _selected(self) -> tuple[RankedUnit, ...]:
        with gc_paused():
            chosen = [(entry, stratum, rank)
                      for stratum, ranking in self.strata.items()
                      for rank, entry in zip(range(1, ranking.size + 1),
                                             ranking.entries[:ranking.size], strict=True)]
            chosen.sort()  # by (key, id): the entries are unique, so the tuples never compare further
            return tuple(RankedUnit(stratum, rank, unit_id, key, True)
                         for entry, stratum, rank in chosen
                         for key, unit_id in [entry_parts(entry)])

    def selected(self) -> tuple[RankedUnit, ...]:
        """The selected units of all strata in the global ``(key, id)`` order of §6."""
        return self._selected

    def alternates(self, stratum: str) -> tuple[RankedUnit, ...]:
        """The stratum's alternates (备选), in rank order."""
        ranking = self.strata[stratum]
        return ranking[ranking.size:]

    @cached_property
    def _where(self) -> dict[str, tuple[str, int]]:
        return {unit_id: (stratum, index) for stratum, ranking in self.strata.items()
                for index, unit_id in enumerate(ranking.ids)}

    def unit(self, unit_id: str) -> RankedUnit:
        """The ranked row of ``unit_id``; :class:`KeyError` if it is not in the population."""
        stratum, index = self._where[unit_id]
        return self.strata[stratum][index]

    @cached_property
    def _csv(self) -> bytes:
        return self._csv_rows(0, None, header=True)

    def _csv_rows(self, start: int, stop: int | None, header: bool = False) -> bytes:
        """Rows ``start`` to ``stop`` (0-based, header not counted) of ``selection.csv``, after
        the header if ``header``."""
        parts = [SELECTION_HEADER + "\n"] if header else []
        offset = 0
        with gc_paused():
            for stratum in sorted(self.strata):
                ranking = self.strata[stratum]
                end = offset + len(ranking)
                if (stop is None or offset < stop) and start < end:
                    parts.append(ranking.lines(max(0, start - offset),
                                               None if stop is None else stop - offset))
                offset = end
            return "".join(parts).encode("ascii")

    def csv_bytes(self) -> bytes:
        """The exact bytes of ``selection.csv``: sorted by stratum (bytewise), then rank."""
        return self._csv

    @contextmanager
    def _csv_meanwhile(self) -> Iterator[None]:
        """Write ``selection.csv``'s bytes in a forked process while the caller goes on (§6: the
        assignment needs only the selected units); they are kept for :meth:`csv_bytes`. Inline
        where fork is not available, or for a small draw."""
        rows = sum(map(len, self.strata.values()))
        if "_csv" in self.__dict__ or rows < PARALLEL_CSV_ROWS or not _can_fork() \
                or (os.cpu_count() or 1) < 2:
            yield
            return
        # The other process writes the first rows; this one, after the caller's work, the rest.
        split = round(rows * CSV_SHARE)
        # Room for the longest rows: an entry, a stratum code of 32, a rank, the flag.
        room = len(SELECTION_HEADER) + 1 + split * (MAX_ENTRY_LENGTH + 32 + 16)
        with _SecondProcess(_first_rows, self, split, room=room) as first:
            yield
            rest = self._csv_rows(split, None)
            self.__dict__["_csv"] = first.room.joined(first.answer(), rest)


def _first_rows(room: _Room, selection: Selection, stop: int) -> tuple[int, int] | bytes:
    """The header and rows 0 to ``stop`` of ``selection.csv``, put in ``room``."""
    return room.put(selection._csv_rows(0, stop, header=True))


def _ranking(stratum: str, entries: list[str], size: int) -> Ranking:
    """The ranking of a stratum's sorted entries (:func:`unit_entries`: sorted, they are in
    ``(KEY, id)`` order), its first ``size`` selected."""
    if not 0 <= size <= len(entries):
        raise DrawError(f"size {size} of stratum {stratum} is not within 0..{len(entries)}")
    return Ranking(stratum, entries, size)


def draw_stratum(seed: str, stratum: str, units: Iterable[Unit], size: int) -> Ranking:
    """Rank one stratum's units by ``(KEY, id)`` and mark the first ``size`` selected."""
    rows = list(units)
    ids = [unit.id for unit in rows]
    keys = population_keys(seed, ids, [unit.weight for unit in rows])
    entries = sorted(f"{key}{ENTRY_SEPARATOR}{unit_id}" for key, unit_id in zip(keys, ids, strict=True))
    return _ranking(stratum, entries, size)


def draw_units(seed: str, population: Iterable[Unit], sizes: Mapping[str, int]) -> Selection:
    """§5 for every stratum. ``sizes`` must name exactly the strata of ``population``."""
    units = population if isinstance(population, Population) else Population.of(
        sorted(population, key=lambda unit: unit.id))
    if set(units.strata) != set(sizes):
        raise DrawError(
            f"the sizes name strata {sorted(sizes)}, the population has strata {sorted(set(units.strata))}"
        )
    prefix = ticket_prefix(seed)
    with gc_paused():
        if (len(units.ids) > 1 and sum(units.weights) >= PARALLEL_TICKETS
                and (os.cpu_count() or 1) > 1):
            by_stratum = _ranked_in_two_processes(prefix, units.ids, units.strata, units.weights)
        else:
            by_stratum = _ranked_entries(prefix, units.ids, units.strata, units.weights)
    strata = {stratum: _ranking(stratum, by_stratum[stratum], sizes[stratum])
              for stratum in sorted(by_stratum)}
    return Selection(seed, strata)


def selection_csv(selection: Selection) -> bytes:
    """The exact bytes of ``selection.csv`` (see :meth:`Selection.csv_bytes`)."""
    return selection.csv_bytes()


def replace_unit(selection: Selection, unit_id: str, used: Collection[str]) -> RankedUnit | None:
    """The first alternate of the unit's stratum not in ``used``, or ``None`` when none is left.

    ``unit_id`` is a selected unit, or an alternate that was itself taken (and is in ``used``),
    found not to be inspectable. ``used`` holds every alternate already taken as a replacement or
    already found uninspectable itself; the caller records the reason with the replacement.
    """
    unit = selection.unit(unit_id)
    if not unit.selected and unit_id not in used:
        raise DrawError(f"{unit_id} is an alternate that was never taken: there is nothing to replace")
    ranking = selection.strata[unit.stratum]
    for index in range(ranking.size, len(ranking)):
        if ranking.ids[index] not in used:
            return ranking[index]
    return None


# --- §6 inspector assignment: what both versions share -------------------------------------------


class Roster:
    """Who may inspect what: inspectors by stratum (each pool in bytewise order), and the
    conflicts by unit."""

    def __init__(self, inspectors: Iterable[Inspector], conflicts: Iterable[Conflict]) -> None:
        ids: list[str] = []
        by_stratum: dict[str, list[str]] = {}
        for inspector in inspectors:
            ids.append(inspector.inspector_id)
            for stratum in inspector.strata:
                by_stratum.setdefault(stratum, []).append(inspector.inspector_id)
        self.inspector_ids: tuple[str, ...] = tuple(ids)
        self._pools = {stratum: tuple(sorted(pool)) for stratum, pool in by_stratum.items()}
        self._conflicts: dict[str, set[str]] = {}
        for conflict in conflicts:
            self._conflicts.setdefault(conflict.unit_id, set()).add(conflict.inspector_id)

    def pool(self, stratum: str) -> tuple[str, ...]:
        """``P_s``: the inspectors whose strata include ``stratum``, sorted bytewise."""
        return self._pools.get(stratum, ())

    def conflicted(self, unit_id: str) -> Collection[str]:
        """The inspectors ``conflicts.csv`` pairs with the unit."""
        return self._conflicts.get(unit_id, ())

    def eligible(self, unit_id: str, stratum: str) -> list[str]:
        """``E_c`` as a set (unordered): the stratum's inspectors minus those in conflict with c."""
        barred = self.conflicted(unit_id)
        return [i for i in self.pool(stratum) if i not in barred]


def fill_team(
    order: Sequence[str],
    team_size: int,
    load_cap: int,
    loads: Mapping[str, int],
    team: Sequence[str] = (),
    barred: Collection[str] = (),
) -> list[str] | None:
    """Complete ``team`` to ``team_size`` members from ``order`` by the pass rule of §6.

    For pass p = 0, 1, 2, … walk ``order`` and take each inspector not on the team (and not in
    ``barred``) whose load is below ``load_cap + p`` — any load when ``load_cap`` is 0 — until the
    team is full. Returns the full team in the order taken (slot order), or ``None`` when too few
    candidates exist. ``loads`` must hold every candidate; it is not changed.

    A pass that takes nobody changes nothing, so passes are skipped straight to the first one in
    which the least-loaded remaining candidate qualifies: the result is that of the literal loop.
    """
    members = list(team)
    excluded = set(members) | set(barred)
    remaining = [inspector for inspector in order if inspector not in excluded]
    if len(members) + len(remaining) < team_size:
        return None
    if load_cap == 0:
        return members + remaining[: team_size - len(members)]
    threshold = load_cap  # pass p = 0
    while len(members) < team_size:
        skipped: list[str] = []
        for inspector in remaining:
            if len(members) < team_size and loads[inspector] < threshold:
                members.append(inspector)
            else:
                skipped.append(inspector)
        remaining = skipped
        if len(members) < team_size:
            # Every remaining candidate has load >= threshold; passes below min load + 1 take nobody.
            threshold = max(threshold + 1, min(loads[i] for i in remaining) + 1)
    return members


class TeamSlot(NamedTuple):
    """One row of ``assignment.csv``: a team member of a unit, their 1-based slot, and their place
    in the unit's order — the 0-based walk position (version 2) or the ticket (version 1)."""

    unit_id: str
    slot: int
    inspector_id: str
    place: str

    def line(self) -> str:
        """The row as it appears in ``assignment.csv`` (without the LF)."""
        return f"{self.unit_id},{self.slot},{self.inspector_id},{self.place}"


@dataclass(frozen=True)
class InsufficientEligible:
    """The draw stops: unit ``unit_id`` has fewer eligible inspectors than the team size.

    Recorded and published as the line ``INSUFFICIENT_ELIGIBLE <unit_id>``; never handled silently.
    """

    unit_id: str
    eligible: int
    team_size: int

    @property
    def line(self) -> str:
        """``INSUFFICIENT_ELIGIBLE <unit_id>``."""
        return f"{INSUFFICIENT_ELIGIBLE} {self.unit_id}"


@dataclass(frozen=True)
class Assignment:
    """The outcome of §6: the team slots in processing order and each inspector's final load."""

    slots: tuple[TeamSlot, ...]
    loads: Mapping[str, int]
    spec: str = field(default=CURRENT_SPEC)

    def teams(self) -> dict[str, tuple[str, ...]]:
        """Unit id → the team's inspector ids in slot order (units in processing order)."""
        teams: dict[str, list[str]] = {}
        for slot in self.slots:
            teams.setdefault(slot.unit_id, []).append(slot.inspector_id)
        return {unit_id: tuple(team) for unit_id, team in teams.items()}

    def csv_bytes(self) -> bytes:
        """The exact bytes of ``assignment.csv``: rows in processing order, slots ascending."""
        body = "".join(map("{0[0]},{0[1]},{0[2]},{0[3]}\n".format, self.slots))
        return (ASSIGNMENT_HEADERS[self.spec] + "\n" + body).encode("utf-8")


def assignment_csv(assignment: Assignment) -> bytes:
    """The exact bytes of ``assignment.csv`` (see :meth:`Assignment.csv_bytes`)."""
    return assignment.csv_bytes()


@dataclass(frozen=True)
class InspectorReplacement:
    """A recusal (回避) filled: ``replacement`` takes ``recused``'s slot on the unit's team.

    ``place`` is the replacement's place in the unit's order (walk position, or ticket in version
    1). ``loads`` are the loads after the change: the recused inspector's lowered by 1, the
    replacement's raised by 1, so a load always counts the teams an inspector is currently on.
    """

    unit_id: str
    slot: int
    recused: str
    replacement: str
    place: str
    team: tuple[str, ...]
    loads: Mapping[str, int]


# --- §6 version 2: each unit walks its own lazily generated shuffle -------------------------------


class Walk:
    """``W_c``: unit ``c``'s Fisher–Yates shuffle of its stratum's pool ``P_s``, generated lazily.

    Step ``i`` draws ``r_i = SHA256_int(UTF-8(SEED + "|assign|" + c + "|" + decimal(i)))``, swaps
    ``A[i]`` with ``A[i + r_i mod (n_s − i)]`` in a working copy ``A`` of the pool and yields
    ``A[i]``. Only the steps asked for are computed, and the copy is a dictionary of the swapped
    places, so a walk costs what it is used for, not the size of the pool.
    """

    __slots__ = ("_moved", "_pool", "_prefix", "positions", "steps")

    def __init__(self, seed: str, unit_id: str, pool: Sequence[str]) -> None:
        self._prefix = f"{seed}{ASSIGN_INFIX}{unit_id}|".encode()
        self._pool = pool
        self._moved: dict[int, int] = {}  # place in A → index into the pool, where not the identity
        self.steps: list[str] = []
        self.positions: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._pool)

    def at(self, i: int) -> str:
        """``W_c[i]``, computing the steps up to ``i`` first."""
        while len(self.steps) <= i:
            self._step()
        return self.steps[i]

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self._pool)):
            yield self.at(i)

    def whole(self) -> list[str]:
        """Every step of the walk."""
        return [*self]

    def _step(self) -> None:
        i = len(self.steps)
        r = int.from_bytes(_sha256(self._prefix + str(i).encode("ascii")).digest(), "big")
        j = i + r % (len(self._pool) - i)
        moved = self._moved
        at_i = moved.pop(i, i)
        if j == i:
            taken = at_i
        else:
            taken = moved.get(j, j)
            moved[j] = at_i
        inspector = self._pool[taken]
        self.positions[inspector] = i
        self.steps.append(inspector)


def walk_order(seed: str, unit_id: str, pool: Sequence[str], steps: int | None = None) -> list[str]:
    """The first ``steps`` of ``W_c`` (all of them by default), for a pool in bytewise order."""
    walk = Walk(seed, unit_id, pool)
    if steps is None:
        return walk.whole()
    if steps:
        walk.at(min(steps, len(walk)) - 1)
    return walk.steps[:steps]


def _walk_team(
    walk: Walk, team_size: int, load_cap: int, loads: Mapping[str, int],
    team: Sequence[str], barred: Collection[str],
) -> list[str]:
    """Fill the team from ``walk`` (enough candidates are known to exist): pass 0 walks only as
    far as it must; if it cannot fill the team, the whole walk goes through :func:`fill_team`,
    which repeats pass 0 and goes on with passes 1, 2, …"""
    members = list(team)
    skip = {*members, *barred}
    for i in range(len(walk)):
        inspector = walk.at(i)
        if inspector not in skip and (load_cap == 0 or loads[inspector] < load_cap):
            members.append(inspector)
            skip.add(inspector)
            if len(members) == team_size:
                return members
    filled = fill_team(walk.whole(), team_size, load_cap, loads, team, barred)
    assert filled is not None  # the caller counted the candidates
    return filled


def _assign_v2(
    seed: str, selected: Sequence[RankedUnit], roster: Roster, team_size: int, load_cap: int,
) -> Assignment | InsufficientEligible:
    loads = dict.fromkeys(roster.inspector_ids, 0)
    pools = {stratum: (pool, frozenset(pool)) for stratum in {u.stratum for u in selected}
             for pool in [roster.pool(stratum)]}
    slots: list[TeamSlot] = []
    append = slots.append
    head = f"{seed}{ASSIGN_INFIX}".encode()
    sha256, from_bytes = _sha256, int.from_bytes
    for unit in selected:
        pool, members_of_pool = pools[unit.stratum]
        barred = roster.conflicted(unit.id)
        size = len(pool)
        eligible = size - len(members_of_pool.intersection(barred)) if barred else size
        if eligible < team_size:
            return InsufficientEligible(unit.id, eligible, team_size)
        # Pass 0 of the team rule along the walk, inline (Walk._step's arithmetic; a walk is a
        # permutation, so nobody comes twice); if it cannot fill the team, Walk and fill_team.
        prefix = head + unit.id.encode() + b"|"
        moved: dict[int, int] = {}
        team: list[str] = []
        places: list[int] = []
        i = 0
        while i < size:
            r = from_bytes(sha256(prefix + str(i).encode()).digest(), "big")
            j = i + r % (size - i)
            at_i = moved.pop(i, i)
            if j == i:
                taken = at_i
            else:
                taken = moved.get(j, j)
                moved[j] = at_i
            inspector = pool[taken]
            if inspector not in barred and (load_cap == 0 or loads[inspector] < load_cap):
                team.append(inspector)
                places.append(i)
                if len(team) == team_size:
                    break
            i += 1
        else:
            walk = Walk(seed, unit.id, pool)
            team = _walk_team(walk, team_size, load_cap, loads, (), barred)
            places = [walk.positions[inspector] for inspector in team]
        for slot, (inspector_id, place) in enumerate(zip(team, places, strict=True), start=1):
            append(TeamSlot(unit.id, slot, inspector_id, str(place)))
            loads[inspector_id] += 1
    return Assignment(tuple(slots), loads, SPEC_V2)


# --- §6.1 version 1: each unit orders its eligible inspectors by ticket ---------------------------


def team_order(seed: str, unit_id: str, eligible: Iterable[str]) -> list[tuple[str, str]]:
    """Version 1: ``E_c`` ordered by ``(TICKET(SEED + "|assign|" + c, inspector_id), inspector_id)``.

    Returns ``(ticket, inspector_id)`` pairs, in order.
    """
    prefix = ticket_prefix(seed + ASSIGN_INFIX + unit_id)
    return sorted((ticket_with_prefix(prefix, inspector_id), inspector_id) for inspector_id in eligible)


def _assign_v1(
    seed: str, selected: Sequence[RankedUnit], roster: Roster, team_size: int, load_cap: int,
) -> Assignment | InsufficientEligible:
    loads = dict.fromkeys(roster.inspector_ids, 0)
    slots: list[TeamSlot] = []
    for unit in selected:
        ordered = team_order(seed, unit.id, roster.eligible(unit.id, unit.stratum))
        tickets = {inspector_id: ticket for ticket, inspector_id in ordered}
        team = fill_team([inspector_id for _, inspector_id in ordered], team_size, load_cap, loads)
        if team is None:
            return InsufficientEligible(unit.id, len(ordered), team_size)
        for slot, inspector_id in enumerate(team, start=1):
            slots.append(TeamSlot(unit.id, slot, inspector_id, tickets[inspector_id]))
            loads[inspector_id] += 1
    return Assignment(tuple(slots), loads, SPEC_V1)


# --- §6 both versions ----------------------------------------------------------------------------


def assign_inspectors(
    seed: str,
    selection: Selection,
    inspectors: Iterable[Inspector],
    conflicts: Iterable[Conflict],
    team_size: int,
    load_cap: int,
    spec: str = CURRENT_SPEC,
) -> Assignment | InsufficientEligible:
    """§6 of ``spec``: a team for each selected unit, in the global ``(KEY, id)`` order; loads
    start at 0.

    Returns :class:`InsufficientEligible` for the first unit (in that order) with fewer eligible
    inspectors than ``team_size``; no partial assignment is returned.
    """
    _check_spec(spec)
    if team_size < 2 or load_cap < 0:
        raise DrawError(f"team_size must be >= 2 and load_cap >= 0, got {team_size} and {load_cap}")
    roster = Roster(inspectors, conflicts)
    assign = _assign_v2 if spec == SPEC_V2 else _assign_v1
    with gc_paused():
        return assign(seed, selection.selected(), roster, team_size, load_cap)


def replace_inspector(
    seed: str,
    unit: RankedUnit,
    team: Sequence[str],
    recused: str,
    inspectors: Iterable[Inspector],
    conflicts: Iterable[Conflict],
    load_cap: int,
    loads: Mapping[str, int],
    earlier_recusals: Collection[str] = (),
    spec: str = CURRENT_SPEC,
) -> InspectorReplacement | InsufficientEligible:
    """Replace ``recused`` on ``unit``'s ``team`` with the next inspector of the unit's order.

    Version 2: the first inspector of ``W_c``, from its start, who is not on the team, has not
    recused from this unit (``recused`` and ``earlier_recusals``) and is not in conflict with it,
    and who passes the §6 pass rule against ``loads`` (the loads at this moment). Version 1: the
    same walk over ``E_c`` in ticket order. If there is none, :class:`InsufficientEligible`.
    """
    _check_spec(spec)
    if recused not in team:
        raise DrawError(f"{recused} is not on the team of {unit.id}")
    if any(loads.get(member, 0) < 1 for member in team):
        raise DrawError(f"the loads given do not count the team of {unit.id}: {dict(loads)}")
    roster = Roster(inspectors, conflicts)
    barred = {recused, *earlier_recusals}
    staying = [member for member in team if member != recused]
    if spec == SPEC_V2:
        pool = roster.pool(unit.stratum)
        barred |= set(roster.conflicted(unit.id))
        candidates = len(set(pool) - barred)
        if candidates < len(team):
            return InsufficientEligible(unit.id, candidates, len(team))
        walk = Walk(seed, unit.id, pool)
        replacement = _walk_team(walk, len(team), load_cap, loads, staying, barred)[-1]
        place = str(walk.positions[replacement])
    else:
        ordered = team_order(seed, unit.id, roster.eligible(unit.id, unit.stratum))
        order = [inspector_id for _, inspector_id in ordered]
        filled = fill_team(order, len(team), load_cap, loads, staying, barred)
        if filled is None:
            return InsufficientEligible(unit.id, len(set(order) - barred), len(team))
        replacement = filled[-1]
        place = {i: t for t, i in ordered}[replacement]
    new_loads = dict(loads)
    new_loads[recused] -= 1
    new_loads[replacement] = new_loads.get(replacement, 0) + 1
    slot = team.index(recused)
    new_team = (*team[:slot], replacement, *team[slot + 1:])
    return InspectorReplacement(
        unit_id=unit.id,
        slot=slot + 1,
        recused=recused,
        replacement=replacement,
        place=place,
        team=new_team,
        loads=new_loads,
    )


# --- the whole draw ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    """A complete draw: PRE, SEED, the selection and the assignment (or the stop)."""

    preimage: str
    seed: str
    selection: Selection
    assignment: Assignment | InsufficientEligible


def run_draw(inputs: DrawInputs, entropy_values: Sequence[str]) -> DrawResult:
    """§3–§6 in order for parsed, cross-checked inputs and the revealed entropy values; the
    version is the ``spec`` of ``params.txt``."""
    preimage, seed = seed_of(inputs, entropy_values)
    selection = draw_units(seed, inputs.population, inputs.params.sizes)
    with selection._csv_meanwhile():
        assignment = assign_inspectors(
            seed,
            selection,
            inputs.inspectors,
            inputs.conflicts,
            inputs.params.team_size,
            inputs.params.load_cap,
            inputs.params.spec,
        )
    return DrawResult(preimage, seed, selection, assignment)
