"""SPOTCHECK-DRAW-1 §3–§6: the seed, the tickets, the unit draw (抽取) and the team assignment (检查组).

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

Ranks and slots are 1-based. Tickets are compared as ASCII strings, ties broken by id, bytewise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from verify.draw_files import (
    Conflict,
    DrawInputs,
    Inspector,
    Unit,
    is_valid_id,
)

DRAW_TAG = "SPOTCHECK-DRAW-1"
ASSIGN_INFIX = "|assign|"
SELECTION_HEADER = "stratum,rank,id,key,selected"
ASSIGNMENT_HEADER = "unit_id,slot,inspector_id,ticket"
INSUFFICIENT_ELIGIBLE = "INSUFFICIENT_ELIGIBLE"

_sha256 = hashlib.sha256
_HEX = frozenset("0123456789abcdef")
# Every character str.splitlines() treats as a line boundary.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


class DrawError(ValueError):
    """A value given to the draw breaks a rule of SPOTCHECK-DRAW-1 (the message names it)."""


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
) -> str:
    """``PRE``: ``SPOTCHECK-DRAW-1``, draw_id, PH, IH, CH, PAH, E1, …, Ek joined by ``|``.

    Refuses a malformed draw id or hash, no entropy at all, and an entropy value that is empty or
    holds ``|`` or a line break (see :func:`check_entropy_value`).
    """
    if not is_valid_id(draw_id):
        raise DrawError(f"draw_id {draw_id!r} must match ^[0-9A-Za-z._-]{{1,64}}$")
    for name, value in (("PH", population_hash), ("IH", inspectors_hash),
                        ("CH", conflicts_hash), ("PAH", params_hash)):
        _check_hash(name, value)
    if isinstance(entropy_values, str) or not entropy_values:
        raise DrawError("at least one entropy value is needed (a sequence of strings)")
    for k, value in enumerate(entropy_values, start=1):
        check_entropy_value(k, value)
    parts = [DRAW_TAG, draw_id, population_hash, inspectors_hash, conflicts_hash, params_hash]
    return "|".join([*parts, *entropy_values])


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


@dataclass(frozen=True)
class Selection:
    """The outcome of §5: every stratum ranked; the first ``size`` units selected, the rest
    alternates in order. ``strata`` maps each stratum code, in bytewise order, to its ranking."""

    seed: str
    strata: Mapping[str, tuple[RankedUnit, ...]]

    def selected(self) -> tuple[RankedUnit, ...]:
        """The selected units of all strata in the global ``(key, id)`` order of §6."""
        chosen = [unit for ranking in self.strata.values() for unit in ranking if unit.selected]
        return tuple(sorted(chosen, key=lambda unit: (unit.key, unit.id)))

    def alternates(self, stratum: str) -> tuple[RankedUnit, ...]:
        """The stratum's alternates (备选), in rank order."""
        return tuple(unit for unit in self.strata[stratum] if not unit.selected)

    def unit(self, unit_id: str) -> RankedUnit:
        """The ranked row of ``unit_id``; :class:`KeyError` if it is not in the population."""
        for ranking in self.strata.values():
            for unit in ranking:
                if unit.id == unit_id:
                    return unit
        raise KeyError(unit_id)

    def csv_bytes(self) -> bytes:
        """The exact bytes of ``selection.csv``: sorted by stratum (bytewise), then rank."""
        lines = [SELECTION_HEADER]
        for stratum in sorted(self.strata):
            lines.extend(unit.line() for unit in self.strata[stratum])
        return "".join(line + "\n" for line in lines).encode("utf-8")


def draw_stratum(seed: str, stratum: str, units: Iterable[Unit], size: int) -> tuple[RankedUnit, ...]:
    """Rank one stratum's units by ``(KEY, id)`` and mark the first ``size`` selected."""
    prefix = ticket_prefix(seed)
    keyed = sorted((_unit_key(prefix, unit.id, unit.weight), unit.id) for unit in units)
    if not 0 <= size <= len(keyed):
        raise DrawError(f"size {size} of stratum {stratum} is not within 0..{len(keyed)}")
    return tuple(
        RankedUnit(stratum, rank, unit_id, key, rank <= size)
        for rank, (key, unit_id) in enumerate(keyed, start=1)
    )


def draw_units(seed: str, population: Iterable[Unit], sizes: Mapping[str, int]) -> Selection:
    """§5 for every stratum. ``sizes`` must name exactly the strata of ``population``."""
    by_stratum: dict[str, list[Unit]] = {}
    for unit in population:
        by_stratum.setdefault(unit.stratum, []).append(unit)
    if set(by_stratum) != set(sizes):
        raise DrawError(
            f"the sizes name strata {sorted(sizes)}, the population has strata {sorted(by_stratum)}"
        )
    strata = {
        stratum: draw_stratum(seed, stratum, by_stratum[stratum], sizes[stratum])
        for stratum in sorted(by_stratum)
    }
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
    for alternate in selection.alternates(unit.stratum):
        if alternate.id not in used:
            return alternate
    return None


# --- §6 inspector assignment ---------------------------------------------------------------------


class Roster:
    """Who may inspect what: inspectors by stratum, and the conflicts by unit."""

    def __init__(self, inspectors: Iterable[Inspector], conflicts: Iterable[Conflict]) -> None:
        ids: list[str] = []
        self._by_stratum: dict[str, list[str]] = {}
        for inspector in inspectors:
            ids.append(inspector.inspector_id)
            for stratum in inspector.strata:
                self._by_stratum.setdefault(stratum, []).append(inspector.inspector_id)
        self.inspector_ids: tuple[str, ...] = tuple(ids)
        self._conflicts: dict[str, set[str]] = {}
        for conflict in conflicts:
            self._conflicts.setdefault(conflict.unit_id, set()).add(conflict.inspector_id)

    def eligible(self, unit_id: str, stratum: str) -> list[str]:
        """``E_c`` as a set (unordered): the stratum's inspectors minus those in conflict with c."""
        barred = self._conflicts.get(unit_id, set())
        return [i for i in self._by_stratum.get(stratum, []) if i not in barred]


def team_order(seed: str, unit_id: str, eligible: Iterable[str]) -> list[tuple[str, str]]:
    """``E_c`` ordered by ``(TICKET(SEED + "|assign|" + c, inspector_id), inspector_id)``.

    Returns ``(ticket, inspector_id)`` pairs, in order.
    """
    prefix = ticket_prefix(seed + ASSIGN_INFIX + unit_id)
    return sorted((ticket_with_prefix(prefix, inspector_id), inspector_id) for inspector_id in eligible)


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


@dataclass(frozen=True)
class TeamSlot:
    """One row of ``assignment.csv``: a team member of a unit, their 1-based slot and ticket."""

    unit_id: str
    slot: int
    inspector_id: str
    ticket: str

    def line(self) -> str:
        """The row as it appears in ``assignment.csv`` (without the LF)."""
        return f"{self.unit_id},{self.slot},{self.inspector_id},{self.ticket}"


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

    def teams(self) -> dict[str, tuple[str, ...]]:
        """Unit id → the team's inspector ids in slot order (units in processing order)."""
        teams: dict[str, list[str]] = {}
        for slot in self.slots:
            teams.setdefault(slot.unit_id, []).append(slot.inspector_id)
        return {unit_id: tuple(team) for unit_id, team in teams.items()}

    def csv_bytes(self) -> bytes:
        """The exact bytes of ``assignment.csv``: rows in processing order, slots ascending."""
        lines = [ASSIGNMENT_HEADER, *(slot.line() for slot in self.slots)]
        return "".join(line + "\n" for line in lines).encode("utf-8")


def assign_inspectors(
    seed: str,
    selection: Selection,
    inspectors: Iterable[Inspector],
    conflicts: Iterable[Conflict],
    team_size: int,
    load_cap: int,
) -> Assignment | InsufficientEligible:
    """§6: a team for each selected unit, in the global ``(KEY, id)`` order; loads start at 0.

    Returns :class:`InsufficientEligible` for the first unit (in that order) whose ``E_c`` is
    smaller than ``team_size``; no partial assignment is returned.
    """
    if team_size < 2 or load_cap < 0:
        raise DrawError(f"team_size must be >= 2 and load_cap >= 0, got {team_size} and {load_cap}")
    roster = Roster(inspectors, conflicts)
    loads = dict.fromkeys(roster.inspector_ids, 0)
    slots: list[TeamSlot] = []
    for unit in selection.selected():
        ordered = team_order(seed, unit.id, roster.eligible(unit.id, unit.stratum))
        tickets = {inspector_id: ticket for ticket, inspector_id in ordered}
        team = fill_team([inspector_id for _, inspector_id in ordered], team_size, load_cap, loads)
        if team is None:
            return InsufficientEligible(unit.id, len(ordered), team_size)
        for slot, inspector_id in enumerate(team, start=1):
            slots.append(TeamSlot(unit.id, slot, inspector_id, tickets[inspector_id]))
            loads[inspector_id] += 1
    return Assignment(tuple(slots), loads)


def assignment_csv(assignment: Assignment) -> bytes:
    """The exact bytes of ``assignment.csv`` (see :meth:`Assignment.csv_bytes`)."""
    return assignment.csv_bytes()


@dataclass(frozen=True)
class InspectorReplacement:
    """A recusal (回避) filled: ``replacement`` takes ``recused``'s slot on the unit's team.

    ``loads`` are the loads after the change: the recused inspector's lowered by 1, the
    replacement's raised by 1, so a load always counts the teams an inspector is currently on.
    """

    unit_id: str
    slot: int
    recused: str
    replacement: str
    ticket: str
    team: tuple[str, ...]
    loads: Mapping[str, int]


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
) -> InspectorReplacement | InsufficientEligible:
    """Replace ``recused`` on ``unit``'s ``team`` with the next inspector of ``E_c`` order.

    The candidate is the first one, walking ``E_c`` in its §6 order with the §6 pass rule against
    ``loads`` (the loads at this moment), who is not on the team and has not recused from this
    unit (``recused`` and ``earlier_recusals``). If there is none, the unit has fewer than
    ``len(team)`` eligible inspectors left and :class:`InsufficientEligible` is returned.
    """
    if recused not in team:
        raise DrawError(f"{recused} is not on the team of {unit.id}")
    if any(loads.get(member, 0) < 1 for member in team):
        raise DrawError(f"the loads given do not count the team of {unit.id}: {dict(loads)}")
    roster = Roster(inspectors, conflicts)
    ordered = team_order(seed, unit.id, roster.eligible(unit.id, unit.stratum))
    order = [inspector_id for _, inspector_id in ordered]
    barred = {recused, *earlier_recusals}
    staying = [member for member in team if member != recused]
    filled = fill_team(order, len(team), load_cap, loads, staying, barred)
    if filled is None:
        return InsufficientEligible(unit.id, len(set(order) - barred), len(team))
    replacement = filled[-1]
    new_loads = dict(loads)
    new_loads[recused] -= 1
    new_loads[replacement] += 1
    slot = team.index(recused)
    new_team = (*team[:slot], replacement, *team[slot + 1:])
    return InspectorReplacement(
        unit_id=unit.id,
        slot=slot + 1,
        recused=recused,
        replacement=replacement,
        ticket={i: t for t, i in ordered}[replacement],
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
    """§3–§6 in order for parsed, cross-checked inputs and the revealed entropy values."""
    preimage, seed = seed_of(inputs, entropy_values)
    selection = draw_units(seed, inputs.population, inputs.params.sizes)
    assignment = assign_inspectors(
        seed,
        selection,
        inputs.inspectors,
        inputs.conflicts,
        inputs.params.team_size,
        inputs.params.load_cap,
    )
    return DrawResult(preimage, seed, selection, assignment)
