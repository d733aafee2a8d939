"""Annual plan and quarterly quotas (年度计划、季度任务): rounding up, spreading, limits."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.domain.plan import (
    QUARTERS,
    PlanError,
    ceil_div,
    plan_year,
    share_per_quarter,
    spread_over_quarters,
    visits_per_year,
)
from ledger.domain.rulebook import CategoryRule, OfficerRatio, RulebookError
from ledger.domain.rulebook_presets import preset

COUNTY = preset("changji-county-2015")  # key 25 %/quarter, general 1:10, special 50 %/quarter


def test_ceil_div_rounds_up_in_integers() -> None:
    assert [ceil_div(n, 4) for n in (0, 1, 4, 5, 8)] == [0, 1, 1, 2, 2]


def test_120_key_units_at_25_percent_need_30_a_quarter() -> None:
    plan = plan_year({"key": 120}, 0, COUNTY)
    assert [plan.quota(q, "key").required for q in QUARTERS] == [30, 30, 30, 30]
    assert plan.category("key").required == 120


def test_a_share_is_rounded_up() -> None:
    assert share_per_quarter(121, 2500) == 31  # 30.25 → 31
    assert share_per_quarter(1, 500) == 1  # 5 % of one unit is still one
    assert share_per_quarter(3, 5000) == 2  # 1.5 → 2
    assert share_per_quarter(0, 5000) == 0


def test_14_officers_at_1_to_10_need_140_general_visits_a_year() -> None:
    assert visits_per_year(14, OfficerRatio(1, 10)) == 140
    plan = plan_year({"general": 500}, 14, COUNTY)
    assert [plan.quota(q, "general").required for q in QUARTERS] == [35, 35, 35, 35]
    assert plan.category("general").required == 140


def test_an_uneven_year_gives_the_remainder_to_the_first_quarters() -> None:
    assert spread_over_quarters(141) == (36, 35, 35, 35)
    assert spread_over_quarters(143) == (36, 36, 36, 35)
    assert spread_over_quarters(3) == (1, 1, 1, 0)
    plan = plan_year({"general": 500}, 3, preset("changji-prefecture-2015"))  # 1:5 → 15
    assert [plan.quota(q, "general").required for q in QUARTERS] == [4, 4, 4, 3]


def test_an_officer_ratio_not_one_to_n_is_rounded_up() -> None:
    assert visits_per_year(7, OfficerRatio(2, 15)) == 53  # 52.5 → 53


@given(officers=st.integers(0, 500), units=st.integers(1, 30))
def test_quarters_add_up_to_at_least_the_yearly_figure(officers: int, units: int) -> None:
    ratio = OfficerRatio(1, units)
    book = replace(COUNTY, minimums=(CategoryRule("general", officer_ratio=ratio),))
    plan = plan_year({"general": 10**6}, officers, book)
    assert plan.category("general").required >= officers * units
    assert sum(plan.quota(q, "general").required for q in QUARTERS) == plan.category("general").required


def test_special_objects_need_half_their_count_each_quarter() -> None:
    plan = plan_year({"special": 7}, 0, COUNTY)
    assert [plan.quota(q, "special").required for q in QUARTERS] == [4, 4, 4, 4]  # 3.5 → 4


def test_a_population_of_zero_needs_zero() -> None:
    plan = plan_year({"key": 0, "general": 0, "special": 0}, 14, COUNTY)
    assert all(q.required == 0 for q in plan.quotas)
    assert all(not c.capped for c in plan.categories)


def test_a_missing_category_counts_zero() -> None:
    plan = plan_year({}, 14, COUNTY)
    assert plan.category("general").population == 0
    assert plan.category("general").required == 0


def test_no_officers_no_general_visits() -> None:
    assert plan_year({"general": 100}, 0, COUNTY).category("general").required == 0


def test_a_stratum_minimum_is_a_floor_each_quarter() -> None:
    rule = CategoryRule("key", share_bp=500, stratum_minimum=3)
    book = replace(COUNTY, minimums=(rule,), key_coverage_quarters=None)
    plan = plan_year({"key": 20}, 0, book)  # 5 % of 20 is 1, the floor is 3
    assert [plan.quota(q, "key").required for q in QUARTERS] == [3, 3, 3, 3]
    small = plan_year({"key": 2}, 0, book)  # a floor never asks for more units than there are
    assert [small.quota(q, "key").required for q in QUARTERS] == [2, 2, 2, 2]
    assert plan_year({"key": 0}, 0, book).category("key").required == 0


def test_key_coverage_raises_a_low_share_and_draws_from_the_uninspected() -> None:
    # 001: 50 % a quarter and every key unit each half year; a 10 % share with half-year coverage
    # still needs half the key units a quarter.
    book = replace(preset("xushui-2020"), minimums=(CategoryRule("key", share_bp=1000),))
    plan = plan_year({"key": 9}, 0, book)
    assert [plan.quota(q, "key").required for q in QUARTERS] == [5, 5, 5, 5]
    assert all(plan.quota(q, "key").from_uninspected for q in QUARTERS)
    assert not plan_year({"key": 9}, 0, preset("changji-prefecture-2015")).quota(1, "key").from_uninspected


def test_xushui_key_units_half_a_quarter() -> None:
    plan = plan_year({"key": 41}, 0, preset("xushui-2020"))
    assert plan.quota(1, "key").required == 21


def test_a_quarter_never_asks_more_visits_than_units_and_says_so() -> None:
    plan = plan_year({"general": 20}, 14, COUNTY)  # 140 asked, 4 × 20 = 80 possible
    general = plan.category("general")
    assert (general.rule_figure, general.required, general.capped) == (140, 80, True)


def test_the_inner_mongolia_cap_of_two_a_year_limits_the_plan() -> None:
    # 004 第八条: "同一年度内对同一排污单位的执法检查次数不超过 2 次"
    plan = plan_year({"general": 30}, 14, preset("inner-mongolia-banner"))  # 140 asked, 2 × 30 = 60
    general = plan.category("general")
    assert (general.rule_figure, general.required, general.capped) == (140, 60, True)
    assert [plan.quota(q, "general").required for q in QUARTERS] == [30, 30, 0, 0]


def test_a_category_without_a_number_is_never_planned_at_zero() -> None:
    # 002 二(五)3 「应加大抽查比例」 gives no number: the plan refuses rather than ask for nothing
    with pytest.raises(PlanError, match=r"minimums.special: .* no number for the 10 special unit"):
        plan_year({"special": 10}, 5, preset("shandong-county-2015"))
    assert plan_year({"key": 4}, 5, preset("shandong-county-2015")).category("special").required == 0
    stated = preset("shandong-county-2015").adopt("2026-01-01", {"special": 5000}, "局务会")
    special = plan_year({"special": 10}, 5, stated).category("special")
    assert (special.basis, special.required) == ("share_per_quarter", 20)  # 50 % of 10, 4 quarters


def test_inner_mongolia_league_example() -> None:
    # 004 sets no special ratio: the league states one when adopting (here the key units' 5 %)
    league = preset("inner-mongolia-league").adopt("2019-06-01", {"special": 500}, "盟局务会")
    plan = plan_year({"key": 60, "general": 400, "special": 5}, 12, league)
    assert plan.quota(1, "key").required == 3  # 5 % of 60
    assert plan.category("general").required == 60  # 12 officers at 1:5
    assert plan.quota(1, "special").required == 1  # 5 % of 5, rounded up
    assert plan.quarter_total(1) == 3 + 15 + 1


def test_the_plan_is_plain_json() -> None:
    plan = plan_year({"key": 120, "general": 300, "special": 3}, 14, COUNTY)
    data = plan.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["rulebook"] == "changji-county-2015" and data["year"] == 2015
    assert len(plan.quotas) == 12


def test_the_plan_year_can_be_given() -> None:
    assert plan_year({}, 0, preset("inner-mongolia-banner"), year=2024).year == 2024


@pytest.mark.parametrize(
    ("population", "officers", "field_name"),
    [
        ({"vip": 3}, 1, "population"),
        ({"key": -1}, 1, r"population\[key\]"),
        ({"key": True}, 1, r"population\[key\]"),
        ({"key": 1}, -1, "officers"),
    ],
)
def test_bad_inputs_name_the_field(population: dict[str, int], officers: int, field_name: str) -> None:
    with pytest.raises(PlanError, match=rf"^{field_name}"):
        plan_year(population, officers, COUNTY)


def test_an_invalid_rulebook_is_refused() -> None:
    with pytest.raises(RulebookError, match=r"^team_size"):
        plan_year({"key": 1}, 1, replace(COUNTY, team_size=1))


def test_lookups_of_unknown_quotas_name_the_field() -> None:
    plan = plan_year({}, 0, COUNTY)
    with pytest.raises(PlanError, match=r"^quota"):
        plan.quota(5, "key")
    with pytest.raises(PlanError, match=r"^category"):
        plan.category("vip")
