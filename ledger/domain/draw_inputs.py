"""What a draw freezes (冻结): the eligible population, the roster, the conflicts and the parameters.

Pure functions from an agency's directories, its rulebook and plan, and what earlier draws of the
year already covered, to the four canonical files of SPOTCHECK-DRAW-1 §2 and the list of
exclusions with their reasons. Excluded here (and listed):

* units closed or relocated (剔除: "搬迁、关停企业需及时剔除");
* units already drawn the rulebook's yearly maximum this year without a violation found
  (seed 004 art. 8: at most twice a year unless a violation is found);
* key units already covered this year where the rulebook requires full coverage (seed 000: later
  quarters draw from the key units not yet inspected this year);
* officers inactive, on leave on the period's first day, or outside experts (who assist but are
  not drawn);
* conflicts naming an excluded unit or officer (they cannot matter in this draw).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ledger.domain.directory import InspectionObject
from ledger.domain.inspector import Inspector
from ledger.domain.rulebook import Rulebook
from ledger.errors import InvalidInput
from verify.draw_files import (
    Conflict,
    DrawParams,
    Unit,
    conflicts_bytes,
    file_hash,
    inspectors_bytes,
    params_bytes,
    population_bytes,
)
from verify.draw_files import Inspector as RosterEntry

#: Category (类别) → stratum code of the draw files.
STRATA = {"key": "KEY", "general": "GEN", "special": "SPC"}
AUDIT_STRATUM = "AGY"


class FreezeError(InvalidInput):
    """The inputs cannot be frozen; the message names the field and the rule."""


@dataclass(frozen=True)
class FrozenFiles:
    population: bytes
    inspectors: bytes
    conflicts: bytes
    params: bytes
    exclusions: list[dict[str, str]] = field(default_factory=list)
    strata: dict[str, dict[str, int]] = field(default_factory=dict)

    def named(self) -> dict[str, bytes]:
        return {"population": self.population, "inspectors": self.inspectors,
                "conflicts": self.conflicts, "params": self.params}

    def hashes(self) -> dict[str, str]:
        return {name: file_hash(data) for name, data in self.named().items()}


@dataclass(frozen=True)
class YearSoFar:
    """What earlier draws of the same year did: times each unit was drawn, and units with a
    violation found (which lifts the yearly maximum)."""

    drawn: Mapping[str, int] = field(default_factory=dict)
    violations: frozenset[str] = frozenset()


def unit_weight(unit: InspectionObject, rulebook: Rulebook,
                weights: Mapping[str, int] | None = None) -> int:
    """The unit's draw weight (风险权重) from its risk grade; 1 without risk weighting.
    ``weights``: the rulebook's grade → weight, if the caller has it already."""
    grade = str(unit.details.get("risk_grade", "")).strip()
    if weights is None:
        weights = {w.grade: w.weight for w in rulebook.risk_weights}
    return max(1, min(10, weights.get(grade, 1)))


def eligible_units(
    units: Iterable[InspectionObject], rulebook: Rulebook, year_so_far: YearSoFar
) -> tuple[list[Unit], list[dict[str, str]]]:
    """The population rows and the excluded units with their reasons."""
    rows: list[Unit] = []
    excluded: list[dict[str, str]] = []
    cap = rulebook.unit_cap
    weights = {w.grade: w.weight for w in rulebook.risk_weights}
    # the rows are checked once, as population.csv, by population_bytes (a million regex calls less)
    row = Unit.checked_already
    for unit in units:
        code = unit.credit_code
        times = year_so_far.drawn.get(code, 0)
        if unit.status in ("closed", "relocated"):
            excluded.append({"id": code, "reason": f"{unit.status} (剔除)"})
        elif cap is not None and times >= cap.max_per_year and not (
            cap.lifted_by_violation and code in year_so_far.violations
        ):
            excluded.append({"id": code, "reason": (
                f"already drawn {times} time(s) this year, the rulebook's maximum, with no "
                "violation found")})
        elif (unit.category == "key" and rulebook.key_coverage_quarters is not None
              and times > 0):
            excluded.append({"id": code, "reason": (
                "key unit already covered this year (all key units once a year: later quarters "
                "draw from those not yet inspected)")})
        else:
            rows.append(row(code, STRATA[unit.category], unit_weight(unit, rulebook, weights)))
    return rows, excluded


def eligible_officers(
    inspectors: Iterable[Inspector], first_day: str
) -> tuple[list[RosterEntry], list[dict[str, str]]]:
    """The roster rows and the excluded officers with their reasons."""
    rows: list[RosterEntry] = []
    excluded: list[dict[str, str]] = []
    for person in inspectors:
        cert = person.certificate_no
        on_leave = [leave for leave in person.leaves if leave[0] <= first_day <= leave[1]]
        strata = tuple(sorted(STRATA[c] for c in person.may_inspect if c in STRATA))
        if not person.active:
            excluded.append({"id": cert, "reason": "inactive"})
        elif person.outside_expert:
            excluded.append({"id": cert, "reason": "outside expert (assists; not drawn)"})
        elif on_leave:
            excluded.append({"id": cert, "reason": f"on leave {on_leave[0][0]}..{on_leave[0][1]}"})
        elif not strata:
            excluded.append({"id": cert, "reason": "qualified for no category"})
        else:
            rows.append(RosterEntry(cert, strata))
    return rows, excluded


def freeze_unit_draw(
    *, draw_id: str, units: Iterable[InspectionObject], inspectors: Iterable[Inspector],
    rulebook: Rulebook, quotas: Mapping[str, int], first_day: str, year_so_far: YearSoFar,
    entropy_plan: list[str], load_cap: int = 0,
) -> FrozenFiles:
    """The four files of a quarter's unit draw. ``quotas``: required visits per category."""
    units = list(units)
    inspectors = list(inspectors)
    population, excluded_units = eligible_units(units, rulebook, year_so_far)
    roster, excluded_officers = eligible_officers(inspectors, first_day)
    in_population = {u.id for u in population}
    on_roster = {r.inspector_id for r in roster}
    by_unit_uuid = {str(u.id): u.credit_code for u in units}
    conflicts = sorted({
        Conflict(person.certificate_no, by_unit_uuid[unit_uuid])
        for person in inspectors for unit_uuid in person.conflicts
        if by_unit_uuid.get(unit_uuid) in in_population and person.certificate_no in on_roster
    }, key=lambda c: c.line())
    strata = _strata(population, quotas)
    params = DrawParams(
        draw_id=draw_id, sizes={s: v["size"] for s, v in strata.items()},
        team_size=max(2, rulebook.team_size), load_cap=load_cap, entropy_plan=tuple(entropy_plan),
    )
    exclusions = ([{"kind": "unit", **e} for e in excluded_units]
                  + [{"kind": "inspector", **e} for e in excluded_officers])
    return FrozenFiles(population_bytes(population), inspectors_bytes(roster),
                       conflicts_bytes(conflicts), params_bytes(params), exclusions, strata)


def freeze_audit_draw(
    *, draw_id: str, agencies: Iterable[str], inspectors: Iterable[Inspector], size: int,
    team_size: int, first_day: str, entropy_plan: list[str],
) -> FrozenFiles:
    """The four files of a prefecture's audit draw: the agencies below it (by division code) in
    one stratum, audited by its officers (seed 000: at least 25 % of counties each quarter)."""
    population = [Unit(code, AUDIT_STRATUM, 1) for code in agencies]
    roster, excluded = eligible_officers(inspectors, first_day)
    roster = [RosterEntry(r.inspector_id, (AUDIT_STRATUM,)) for r in roster]
    if not population:
        raise FreezeError("agencies: there is no agency below to audit")
    size = min(size, len(population))
    params = DrawParams(draw_id=draw_id, sizes={AUDIT_STRATUM: size}, team_size=max(2, team_size),
                        load_cap=0, entropy_plan=tuple(entropy_plan))
    strata = {AUDIT_STRATUM: {"population": len(population), "required": size, "size": size}}
    return FrozenFiles(population_bytes(population), inspectors_bytes(roster), conflicts_bytes([]),
                       params_bytes(params), [{"kind": "inspector", **e} for e in excluded], strata)


def _strata(population: list[Unit], quotas: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """Per stratum present: its population, what the plan requires, and the size drawn (the
    requirement, capped at the population: a quarter never asks for more than exist)."""
    counts: dict[str, int] = {}
    for unit in population:
        counts[unit.stratum] = counts.get(unit.stratum, 0) + 1
    strata: dict[str, dict[str, int]] = {}
    for category, stratum in STRATA.items():
        if stratum in counts:
            required = int(quotas.get(category, 0))
            strata[stratum] = {"population": counts[stratum], "required": required,
                               "size": min(required, counts[stratum])}
    return strata
