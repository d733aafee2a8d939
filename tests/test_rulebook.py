"""The rulebook model (规则手册): every field's rule, and the plain-JSON round trip."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from ledger.domain.rulebook import (
    CategoryRule,
    Deadline,
    DrawWindow,
    InspectionItem,
    OfficerRatio,
    PositiveListPolicy,
    RiskWeight,
    Rulebook,
    RulebookError,
    Source,
    UnitCap,
)

BOOK = Rulebook(
    name="test-county-2024",
    place="某县生态环境分局",
    level="county",
    year=2024,
    source=Source(seed="test.txt", title="测试方案"),
    adopted_from="2024-01-01",
    minimums=(
        CategoryRule("key", share_bp=2500),
        CategoryRule("general", officer_ratio=OfficerRatio(1, 10, "执法人员")),
        CategoryRule("special", share_bp=5000, until_corrected=True, stratum_minimum=1),
    ),
    draw_window=DrawWindow(5, "working_days"),
    team_size=2,
    unit_cap=UnitCap(2, lifted_by_violation=True),
    record_deadline=Deadline(7, "working_days", "inspection_completed"),
    disclosure_deadline=Deadline(20, "working_days", "task_completed"),
    key_coverage_quarters=4,
    annual_plan_due="12-10",
    oversight_share_bp=2500,
    risk_weights=(RiskWeight("high", 3), RiskWeight("low", 1)),
    inspection_items=(InspectionItem("污染物排放", "《环境保护法》", "污染物排放情况"),),
    positive_list=PositiveListPolicy("weighted", 1),
    notes=("a note",),
)


def _rejects(book: Rulebook, field_name: str) -> None:
    with pytest.raises(RulebookError, match=rf"^{field_name}"):
        book.validate()


def _walk(value: object) -> list[object]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _walk(item)]
    if isinstance(value, list):
        return [v for item in value for v in _walk(item)]
    return [value]


def test_the_example_is_valid() -> None:
    BOOK.validate()


# --- identity ---------------------------------------------------------------------------------


def test_name_must_be_a_lowercase_slug() -> None:
    _rejects(replace(BOOK, name="Changji County"), "name")
    _rejects(replace(BOOK, name=""), "name")


def test_place_must_not_be_empty() -> None:
    _rejects(replace(BOOK, place="  "), "place")


def test_level_must_be_a_known_level() -> None:
    _rejects(replace(BOOK, level="banner"), "level")


def test_year_must_be_plausible_or_none() -> None:
    _rejects(replace(BOOK, year=15), "year")
    replace(BOOK, year=None).validate()


def test_source_needs_seed_and_title() -> None:
    _rejects(replace(BOOK, source=Source("", "t")), "source")
    _rejects(replace(BOOK, source=Source("s", "")), "source")


def test_adopted_from_must_be_an_iso_date_or_none() -> None:
    _rejects(replace(BOOK, adopted_from="2024/01/01"), "adopted_from")
    _rejects(replace(BOOK, adopted_from="2024-02-30"), "adopted_from")
    replace(BOOK, adopted_from=None).validate()


def test_adopt_sets_the_date_and_validates() -> None:
    assert replace(BOOK, adopted_from=None).adopt("2025-03-01").adopted_from == "2025-03-01"
    with pytest.raises(RulebookError, match=r"^adopted_from"):
        BOOK.adopt("next spring")


# --- minimum ratios ---------------------------------------------------------------------------


def test_minimum_category_must_be_known() -> None:
    _rejects(replace(BOOK, minimums=(CategoryRule("vip", share_bp=100),)), r"minimums\[vip\]\.category")


def test_a_category_has_at_most_one_minimum() -> None:
    twice = (CategoryRule("key", share_bp=500), CategoryRule("key", share_bp=2500))
    _rejects(replace(BOOK, minimums=twice), r"minimums\[key\]")


def test_share_must_be_between_1_and_10000_basis_points() -> None:
    _rejects(replace(BOOK, minimums=(CategoryRule("key", share_bp=0),)), r"minimums\[key\]\.share_bp")
    _rejects(replace(BOOK, minimums=(CategoryRule("key", share_bp=10001),)), r"minimums\[key\]\.share_bp")
    replace(BOOK, minimums=(CategoryRule("key", share_bp=10000),)).validate()


def test_share_and_officer_ratio_are_exclusive() -> None:
    both = CategoryRule("general", share_bp=100, officer_ratio=OfficerRatio(1, 10))
    _rejects(replace(BOOK, minimums=(both,)), r"minimums\[general\]")


def test_officer_ratio_sides_must_be_positive() -> None:
    for ratio in (OfficerRatio(0, 10), OfficerRatio(1, 0)):
        book = replace(BOOK, minimums=(CategoryRule("general", officer_ratio=ratio),))
        _rejects(book, r"minimums\[general\]\.officer_ratio")


def test_stratum_minimum_must_not_be_negative() -> None:
    rule = CategoryRule("key", share_bp=2500, stratum_minimum=-1)
    _rejects(replace(BOOK, minimums=(rule,)), r"minimums\[key\]\.stratum_minimum")


def test_a_category_may_have_no_numeric_minimum() -> None:
    book = replace(BOOK, minimums=(CategoryRule("special", scope="应加大抽查比例"),))
    book.validate()
    assert book.rule("key") is None
    special = book.rule("special")
    assert special is not None and special.share_bp is None


def test_rule_lookup_rejects_an_unknown_category() -> None:
    with pytest.raises(RulebookError, match=r"^category"):
        BOOK.rule("vip")


# --- team, caps, windows, deadlines -----------------------------------------------------------


def test_team_size_is_at_least_two() -> None:
    _rejects(replace(BOOK, team_size=1), "team_size")
    replace(BOOK, team_size=3).validate()


def test_unit_cap_is_at_least_one() -> None:
    _rejects(replace(BOOK, unit_cap=UnitCap(0)), r"unit_cap\.max_per_year")
    replace(BOOK, unit_cap=None).validate()


def test_draw_window_unit_must_be_known() -> None:
    _rejects(replace(BOOK, draw_window=DrawWindow(5, "weeks")), r"draw_window\.unit")


def test_draw_window_is_positive_and_at_most_a_quarter() -> None:
    _rejects(replace(BOOK, draw_window=DrawWindow(0, "working_days")), r"draw_window\.length")
    _rejects(replace(BOOK, draw_window=DrawWindow(4, "months")), r"draw_window\.length")
    _rejects(replace(BOOK, draw_window=DrawWindow(93, "days")), r"draw_window\.length")
    replace(BOOK, draw_window=DrawWindow(1, "months")).validate()


def test_deadlines_must_be_positive() -> None:
    _rejects(replace(BOOK, record_deadline=Deadline(0, "working_days", "inspection_completed")),
             r"record_deadline\.count")
    _rejects(replace(BOOK, disclosure_deadline=Deadline(-1, "working_days", "task_completed")),
             r"disclosure_deadline\.count")


def test_deadline_unit_and_anchor_must_be_known() -> None:
    _rejects(replace(BOOK, record_deadline=Deadline(7, "hours", "inspection_completed")),
             r"record_deadline\.unit")
    whenever = Deadline(7, "days", "whenever")
    _rejects(replace(BOOK, disclosure_deadline=whenever), r"disclosure_deadline\.anchor")


def test_key_coverage_is_one_to_four_quarters() -> None:
    _rejects(replace(BOOK, key_coverage_quarters=0), "key_coverage_quarters")
    _rejects(replace(BOOK, key_coverage_quarters=5), "key_coverage_quarters")


def test_annual_plan_due_is_a_month_and_day() -> None:
    for bad in ("12-32", "2015-12-10", "Dec 10", "02-30"):
        _rejects(replace(BOOK, annual_plan_due=bad), "annual_plan_due")
    replace(BOOK, annual_plan_due="02-29").validate()


def test_oversight_share_is_in_range() -> None:
    _rejects(replace(BOOK, oversight_share_bp=0), "oversight_share_bp")
    _rejects(replace(BOOK, oversight_share_bp=20000), "oversight_share_bp")


# --- weights, items, positive list, notes -----------------------------------------------------


def test_risk_weights_are_positive_integers_one_per_grade() -> None:
    _rejects(replace(BOOK, risk_weights=(RiskWeight("high", 0),)), r"risk_weights\[high\]\.weight")
    twice = (RiskWeight("high", 2), RiskWeight("high", 3))
    _rejects(replace(BOOK, risk_weights=twice), r"risk_weights\[high\]")
    _rejects(replace(BOOK, risk_weights=(RiskWeight(" ", 2),)), "risk_weights")


def test_weight_of_a_grade() -> None:
    assert BOOK.weight_of("high") == 3
    assert BOOK.weight_of(None) == 1
    with pytest.raises(RulebookError, match=r"^risk_weights"):
        BOOK.weight_of("medium")


def test_inspection_items_need_item_basis_and_content_once_each() -> None:
    for item, field_name in (
        (InspectionItem("x", "", "y"), "legal_basis"),
        (InspectionItem("", "b", "y"), "item"),
        (InspectionItem("x", "b", " "), "content"),
    ):
        _rejects(replace(BOOK, inspection_items=(item,)), rf"inspection_items\[0\]\.{field_name}")
    twice = (InspectionItem("x", "b", "c"), InspectionItem("x", "b", "d"))
    _rejects(replace(BOOK, inspection_items=twice), r"inspection_items\[1\]\.item")


def test_positive_list_mode_and_weight() -> None:
    _rejects(replace(BOOK, positive_list=PositiveListPolicy("skip")), r"positive_list\.mode")
    _rejects(replace(BOOK, positive_list=PositiveListPolicy("weighted", 0)), r"positive_list\.weight")
    _rejects(replace(BOOK, positive_list=PositiveListPolicy("exempt", 2)), r"positive_list\.weight")
    replace(BOOK, positive_list=PositiveListPolicy("exempt")).validate()


def test_notes_must_not_be_empty() -> None:
    _rejects(replace(BOOK, notes=("",)), r"notes\[0\]")


def test_the_list_is_secret_by_default() -> None:
    assert BOOK.notice_before_visit is False


# --- plain values -----------------------------------------------------------------------------


def test_round_trip() -> None:
    assert Rulebook.from_dict(BOOK.to_dict()) == BOOK


def test_to_dict_is_plain_json_without_floats() -> None:
    data = BOOK.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert not any(isinstance(v, float) for v in _walk(data))
    assert Rulebook.from_dict(json.loads(json.dumps(data, ensure_ascii=False))) == BOOK


def test_from_dict_rejects_an_unknown_field() -> None:
    data: dict[str, Any] = BOOK.to_dict()
    data["max_ratio"] = 1
    with pytest.raises(RulebookError, match=r"^max_ratio: unknown field"):
        Rulebook.from_dict(data)
    nested: dict[str, Any] = BOOK.to_dict()
    nested["draw_window"]["anchor"] = "end"
    with pytest.raises(RulebookError, match=r"^draw_window\.anchor: unknown field"):
        Rulebook.from_dict(nested)


def test_from_dict_rejects_a_missing_field() -> None:
    data: dict[str, Any] = BOOK.to_dict()
    del data["team_size"]
    with pytest.raises(RulebookError, match=r"^team_size: missing"):
        Rulebook.from_dict(data)


def test_from_dict_rejects_floats_and_booleans_for_integers() -> None:
    data: dict[str, Any] = BOOK.to_dict()
    data["minimums"][0]["share_bp"] = 25.0
    with pytest.raises(RulebookError, match=r"^minimums\[0\]\.share_bp: expected an integer"):
        Rulebook.from_dict(data)
    data = BOOK.to_dict()
    data["team_size"] = True
    with pytest.raises(RulebookError, match=r"^team_size: expected an integer"):
        Rulebook.from_dict(data)


def test_from_dict_validates() -> None:
    data: dict[str, Any] = BOOK.to_dict()
    data["team_size"] = 1
    with pytest.raises(RulebookError, match=r"^team_size: at least 2"):
        Rulebook.from_dict(data)


def test_from_dict_rejects_a_non_object() -> None:
    data: dict[str, Any] = BOOK.to_dict()
    data["source"] = "seed 000"
    with pytest.raises(RulebookError, match=r"^source: expected an object"):
        Rulebook.from_dict(data)
