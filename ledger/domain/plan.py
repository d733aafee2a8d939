"""Annual plan and quarterly quotas (年度计划、季度任务) from the directory count and the rulebook.

Seed 000 三(四) asks every county "每年12月10日前，按照本单位确定的抽查比例，确定下一年度被抽查单位数量
（家次）" and then draws each quarter. This module turns a count of units per category and the number
of officers into the number of unit-visits (家次) each quarter needs, per category:

* **share per quarter** (e.g. key ≥ 25 %): each quarter needs ``ceil(population × share)``, always
  **rounded up** — 25 % of 121 key units is 31, not 30.25;
* **key coverage** (e.g. "原则上应保证每年对辖区所有重点排污单位进行一遍巡查", seed 000): a key quarter
  needs at least ``ceil(population / coverage_quarters)`` as well, and is drawn from the key units not
  yet inspected in the coverage period (``from_uninspected``);
* **officers : units per year** (e.g. general ≥ 1:10): the year needs
  ``ceil(officers × units / officers_per)`` — 14 officers at 1:10 is 140 — **spread with the
  remainder to the first quarters** (141 is 36, 35, 35, 35), so the quarters add up to exactly the
  yearly figure;
* **stratum minimum**: a quarter needs at least ``min(stratum_minimum, population)``.

Two limits follow from the draw, and lower a figure only visibly (``capped`` on the category):
a quarter's draw is of distinct units, so a quarter never needs more visits than there are units;
and with a per-unit yearly cap (seed 004 第八条: "不超过 2 次") the year never needs more than
``cap × population`` visits (trimmed from the last quarters). A population of 0 needs 0.
Categories are taken as the caller counts them (a special object that is also a key unit is
counted where the caller puts it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ledger.domain.rulebook import CATEGORIES, FULL_BP, CategoryRule, OfficerRatio, Rulebook
from ledger.errors import InvalidInput

QUARTERS = (1, 2, 3, 4)


class PlanError(InvalidInput):
    """A plan input that breaks a rule; the message names the field and the rule."""


@dataclass(frozen=True)
class QuarterQuota:
    """The unit-visits (家次) one category needs in one quarter (季度任务)."""

    quarter: int
    category: str
    population: int
    required: int
    from_uninspected: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "quarter": self.quarter,
            "category": self.category,
            "population": self.population,
            "required": self.required,
            "from_uninspected": self.from_uninspected,
        }


@dataclass(frozen=True)
class CategoryPlan:
    """One category's year: what the ratio asks (``rule_figure``) and what the quarters add up to.

    ``basis`` is ``share_per_quarter``, ``officer_ratio`` or ``none`` (no numeric minimum).
    ``capped`` is true when a limit of the draw made ``required`` smaller than ``rule_figure``.
    """

    category: str
    population: int
    basis: str
    rule_figure: int
    required: int
    capped: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "population": self.population,
            "basis": self.basis,
            "rule_figure": self.rule_figure,
            "required": self.required,
            "capped": self.capped,
        }


@dataclass(frozen=True)
class AnnualPlan:
    """The annual plan (年度计划): per category the year's figure, per quarter and category a quota."""

    rulebook: str
    year: int | None
    officers: int
    categories: tuple[CategoryPlan, ...]
    quotas: tuple[QuarterQuota, ...]

    def quota(self, quarter: int, category: str) -> QuarterQuota:
        for q in self.quotas:
            if q.quarter == quarter and q.category == category:
                return q
        raise PlanError(f"quota: no quota for quarter {quarter!r} and category {category!r}")

    def category(self, category: str) -> CategoryPlan:
        for c in self.categories:
            if c.category == category:
                return c
        raise PlanError(f"category: {category!r} is not one of {', '.join(CATEGORIES)}")

    def quarter_total(self, quarter: int) -> int:
        """All categories' unit-visits in ``quarter``."""
        return sum(q.required for q in self.quotas if q.quarter == quarter)

    def to_dict(self) -> dict[str, object]:
        return {
            "rulebook": self.rulebook,
            "year": self.year,
            "officers": self.officers,
            "categories": [c.to_dict() for c in self.categories],
            "quotas": [q.to_dict() for q in self.quotas],
        }


def ceil_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded up, in integers (no floats)."""
    return -(-numerator // denominator)


def share_per_quarter(population: int, share_bp: int) -> int:
    """Units a share in basis points asks of a quarter, rounded up: 25 % (2500) of 120 is 30."""
    return ceil_div(population * share_bp, FULL_BP)


def visits_per_year(officers: int, ratio: OfficerRatio) -> int:
    """Unit-visits a year an officer ratio asks, rounded up: 14 officers at 1:10 is 140."""
    return ceil_div(officers * ratio.units, ratio.officers)


def spread_over_quarters(total: int) -> tuple[int, ...]:
    """A yearly figure over four quarters, the remainder to the first ones: 141 → 36, 35, 35, 35."""
    base, remainder = divmod(total, len(QUARTERS))
    return tuple(base + (1 if i < remainder else 0) for i in range(len(QUARTERS)))


def plan_year(
    population: Mapping[str, int], officers: int, rulebook: Rulebook, year: int | None = None
) -> AnnualPlan:
    """The annual plan for ``population`` (units per category) and ``officers`` under ``rulebook``.

    A category missing from ``population`` counts 0 units. ``year`` defaults to the rulebook's.
    """
    rulebook.validate()
    _check_inputs(population, officers)
    categories: list[CategoryPlan] = []
    quotas: list[QuarterQuota] = []
    for category in CATEGORIES:
        count = population.get(category, 0)
        plan, quarters = _plan_category(category, count, officers, rulebook)
        categories.append(plan)
        uninspected = category == "key" and rulebook.key_coverage_quarters is not None
        quotas.extend(
            QuarterQuota(q, category, count, n, from_uninspected=uninspected and n > 0)
            for q, n in zip(QUARTERS, quarters, strict=True)
        )
    return AnnualPlan(
        rulebook=rulebook.name,
        year=rulebook.year if year is None else year,
        officers=officers,
        categories=tuple(categories),
        quotas=tuple(quotas),
    )


def _check_inputs(population: Mapping[str, int], officers: int) -> None:
    for category, count in population.items():
        if category not in CATEGORIES:
            raise PlanError(f"population: {category!r} is not one of {', '.join(CATEGORIES)}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise PlanError(f"population[{category}]: a count of units must be an integer ≥ 0, got {count!r}")
    if isinstance(officers, bool) or not isinstance(officers, int) or officers < 0:
        raise PlanError(f"officers: the number of officers must be an integer ≥ 0, got {officers!r}")


def _plan_category(
    category: str, count: int, officers: int, rulebook: Rulebook
) -> tuple[CategoryPlan, tuple[int, ...]]:
    rule = rulebook.rule(category)
    basis, asked = _asked(category, count, officers, rule, rulebook)
    floor = 0 if rule is None else min(rule.stratum_minimum, count)
    quarters = tuple(min(max(n, floor), count) for n in asked)  # a quarter draws distinct units
    cap = rulebook.unit_cap
    if cap is not None:
        quarters = _trim(quarters, cap.max_per_year * count)
    rule_figure = max(sum(asked), floor * len(QUARTERS))
    plan = CategoryPlan(
        category=category,
        population=count,
        basis=basis,
        rule_figure=rule_figure,
        required=sum(quarters),
        capped=sum(quarters) < rule_figure,
    )
    return plan, quarters


def _asked(
    category: str, count: int, officers: int, rule: CategoryRule | None, rulebook: Rulebook
) -> tuple[str, tuple[int, ...]]:
    """What the ratio alone asks of each quarter, before the limits of the draw."""
    if rule is not None and rule.share_bp is not None:
        per_quarter = share_per_quarter(count, rule.share_bp)
        coverage = rulebook.key_coverage_quarters
        if category == "key" and coverage is not None:
            per_quarter = max(per_quarter, ceil_div(count, coverage))
        return "share_per_quarter", (per_quarter,) * len(QUARTERS)
    if rule is not None and rule.officer_ratio is not None:
        yearly = visits_per_year(officers, rule.officer_ratio) if count else 0
        return "officer_ratio", spread_over_quarters(yearly)
    if count:
        raise PlanError(
            f"rulebook.minimums.{category}: the rulebook in force ({rulebook.name}) gives no number "
            f"for the {count} {category} unit(s), and a quota of 0 is never assumed: adopt it again "
            f"stating one (`spotcheck rulebook adopt … --{category}-share PERCENT`)")
    return "none", (0,) * len(QUARTERS)


def _trim(quarters: tuple[int, ...], limit: int) -> tuple[int, ...]:
    """Lower the last quarters first until the year is within ``limit``."""
    excess = max(0, sum(quarters) - limit)
    trimmed = list(quarters)
    for i in reversed(range(len(trimmed))):
        cut = min(excess, trimmed[i])
        trimmed[i] -= cut
        excess -= cut
    return tuple(trimmed)
