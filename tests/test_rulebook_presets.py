"""The presets against the seeds: each number, tested against the clause it comes from.

Every test quotes its clause and checks that the quote really is in the seed file (whitespace
aside), so that a misquoted clause fails; and every 「quote」 commented in ledger/domain/rulebook_presets.py
is checked the same way.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest

import ledger.domain.rulebook_presets as presets_module
from ledger.domain.rulebook import (
    CategoryRule,
    Deadline,
    DrawWindow,
    OfficerRatio,
    Rulebook,
    RulebookError,
    UnitCap,
)
from ledger.domain.rulebook_presets import PRESETS, preset

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
PRESETS_SOURCE = Path(presets_module.__file__).read_text(encoding="utf-8")

# The seeds sit beside the checkout (../shared); with CI=true their absence fails, never skips.
IN_CI = os.environ.get("CI", "").lower() == "true"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir() and not IN_CI,
                                 reason=f"seed documents not found at {SEEDS}")


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@cache
def seed_text(number: str) -> str:
    """Seed ``number`` ("000" … "004") with all whitespace removed."""
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return _squash(path.read_text(encoding="utf-8"))


def assert_quoted(number: str, quote: str) -> None:
    if not SEEDS.is_dir() and not IN_CI:
        pytest.skip(f"seed documents not found at {SEEDS}")
    assert _squash(quote) in seed_text(number), f"not in seed {number}: {quote}"


def _rule(name: str, category: str) -> CategoryRule:
    rule = preset(name).rule(category)
    assert rule is not None
    return rule


def _commented_quotes() -> list[tuple[str, str]]:
    quotes: list[tuple[str, str]] = []
    for line in PRESETS_SOURCE.splitlines():
        cited = re.search(r"#\s*(\d{3})\s", line)
        if cited:
            quotes.extend((cited.group(1), q) for q in re.findall(r"「([^」]+)」", line))
    return quotes


# --- every preset -----------------------------------------------------------------------------


def test_there_are_eight_presets_named_by_their_keys() -> None:
    assert sorted(PRESETS) == [
        "changji-county-2015",
        "changji-hitech-2021",
        "changji-prefecture-2015",
        "inner-mongolia-banner",
        "inner-mongolia-league",
        "shandong-city-2015",
        "shandong-county-2015",
        "xushui-2020",
    ]
    assert all(book.name == name for name, book in PRESETS.items())


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_is_valid_and_round_trips(name: str) -> None:
    book = preset(name)
    book.validate()
    data = book.to_dict()
    assert Rulebook.from_dict(data) == book
    assert Rulebook.from_dict(json.loads(json.dumps(data, ensure_ascii=False))) == book
    assert "." not in json.dumps(data["minimums"])  # no floats among the ratios


@needs_seeds
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_source_is_a_seed_and_its_title(name: str) -> None:
    source = preset(name).source
    assert (SEEDS / source.seed).is_file()
    assert_quoted(source.seed[:3], source.title)


def test_every_commented_quote_is_counted() -> None:
    assert len(_commented_quotes()) >= 100


@needs_seeds
@pytest.mark.parametrize(("seed", "quote"), _commented_quotes())
def test_every_commented_quote_is_in_its_seed(seed: str, quote: str) -> None:
    assert_quoted(seed, quote)


def test_unknown_preset_lists_the_known_names() -> None:
    known = r"^preset: 'beijing-2020' is not a preset; known: changji-county-2015, changji-hitech-2021"
    with pytest.raises(RulebookError, match=known):
        preset("beijing-2020")


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_keeps_the_list_secret_and_sends_two_officers(name: str) -> None:
    # 000 四(四): "在现场检查工作实施前，随机抽查名单应对被抽查单位保密" — the default everywhere
    # 004 第十一条: "执法人员不少于 2 人" — the default where a seed is silent
    assert_quoted("000", "在现场检查工作实施前，随机抽查名单应对被抽查单位保密")
    assert_quoted("004", "执法人员不少于 2 人")
    assert preset(name).notice_before_visit is False
    assert preset(name).team_size == 2


# --- seed 000: 昌吉州 2015 --------------------------------------------------------------------


def test_changji_prefecture_key_is_5_percent_per_quarter() -> None:
    # 000 三(四)1: "州环保局每季度至少对本行政区5%的重点排污单位进行抽查"
    assert_quoted("000", "州环保局每季度至少对本行政区5%的重点排污单位进行抽查")
    assert _rule("changji-prefecture-2015", "key").share_bp == 500
    assert preset("changji-prefecture-2015").key_coverage_quarters is None


def test_changji_prefecture_general_is_1_to_5_officers_in_post() -> None:
    # 000 三(四)2: "州环保局至少按照1：5的比例（在编在岗的环境监察人员数量：被抽查单位数量）"
    assert_quoted("000", "州环保局至少按照1：5的比例（在编在岗的环境监察人员数量：被抽查单位数量）")
    ratio = OfficerRatio(1, 5, "在编在岗的环境监察人员")
    assert _rule("changji-prefecture-2015", "general").officer_ratio == ratio


def test_changji_special_is_50_percent_per_quarter_until_corrected() -> None:
    # 000 三(四)3: "对存在环境违法问题和环境管理问题的污染源，每季度抽查比例不低于50%，直至整改完成"
    assert_quoted("000", "对存在环境违法问题和环境管理问题的污染源，每季度抽查比例不低于50%，直至整改完成")
    for name in ("changji-prefecture-2015", "changji-county-2015"):
        special = _rule(name, "special")
        assert (special.share_bp, special.until_corrected) == (5000, True)


def test_changji_prefecture_audits_25_percent_of_counties_per_quarter() -> None:
    # 000 三(四): "对县市、园区抽查比例每季度不少于25%"
    assert_quoted("000", "对县市、园区抽查比例每季度不少于25%")
    assert preset("changji-prefecture-2015").oversight_share_bp == 2500
    assert preset("changji-county-2015").oversight_share_bp is None


def test_changji_results_entered_within_7_working_days() -> None:
    # 000 四(二): "现场抽查工作结束后，实施抽查的环保部门要在7个工作日内将抽查结果填报移动执法信息库"
    assert_quoted("000", "现场抽查工作结束后，实施抽查的环保部门要在7个工作日内将抽查结果填报移动执法信息库")
    for name in ("changji-prefecture-2015", "changji-county-2015"):
        assert preset(name).record_deadline == Deadline(7, "working_days", "inspection_completed")
        assert preset(name).disclosure_deadline is None  # "及时向社会公开": no number


def test_changji_county_key_is_25_percent_per_quarter_all_in_a_year() -> None:
    # 000 三(四)1: "县市、园区环保局每季度至少对本行政区25%的重点排污单位进行抽查
    #              （原则上应保证每年对辖区所有重点排污单位进行一遍巡查）"
    assert_quoted("000", "县市、园区环保局每季度至少对本行政区25%的重点排污单位进行抽查")
    assert_quoted("000", "原则上应保证每年对辖区所有重点排污单位进行一遍巡查")
    assert _rule("changji-county-2015", "key").share_bp == 2500
    assert preset("changji-county-2015").key_coverage_quarters == 4


def test_changji_key_units_are_national_region_and_prefecture_controlled() -> None:
    # 000 三(四)1: "重点排污单位是指划定为国控、区控、州控的企业单位"
    assert_quoted("000", "重点排污单位是指划定为国控、区控、州控的企业单位")
    assert _rule("changji-county-2015", "key").scope == "国控、区控、州控"


def test_changji_county_general_is_1_to_10() -> None:
    # 000 三(四)2: "县市、园区环保局至少按照1：10的比例确定年度被抽查单位数量"
    assert_quoted("000", "县市、园区环保局至少按照1：10的比例确定年度被抽查单位数量")
    ratio = OfficerRatio(1, 10, "在编在岗的环境监察人员")
    assert _rule("changji-county-2015", "general").officer_ratio == ratio


def test_changji_county_draws_in_the_last_5_working_days_of_the_quarter() -> None:
    # 000 三(四): "并于每季度结束前5个工作日内，确定下一季度被抽查单位名单"
    assert_quoted("000", "并于每季度结束前5个工作日内，确定下一季度被抽查单位名单")
    assert preset("changji-county-2015").draw_window == DrawWindow(5, "working_days")
    # silent for the prefecture: the same default
    assert preset("changji-prefecture-2015").draw_window == DrawWindow(5, "working_days")


def test_changji_county_plans_the_next_year_by_10_december() -> None:
    # 000 三(四): "县市、园区环保局每年12月10日前，按照本单位确定的抽查比例，
    #            确定下一年度被抽查单位数量（家次）"
    assert_quoted(
        "000",
        "县市、园区环保局每年12月10日前，按照本单位确定的抽查比例，确定下一年度被抽查单位数量（家次）",
    )
    assert preset("changji-county-2015").annual_plan_due == "12-10"


def test_changji_inspection_items_are_the_three_the_seed_lists() -> None:
    # 000 三(三): "重点对被抽查单位防治污染设施运行情况，污染物排放情况，
    #              以及环评、“三同时”、排污许可证等环境管理制度落实情况进行抽查"
    book = preset("changji-county-2015")
    assert [i.item for i in book.inspection_items] == ["防治污染设施运行", "污染物排放", "环境管理制度落实"]
    for item in book.inspection_items:
        assert_quoted("000", item.content)
    assert_quoted("000", "依据新修订的《环境保护法》")


# --- seed 001: 保定市徐水区 2020 --------------------------------------------------------------


def test_xushui_adopted_on_the_date_of_the_notice() -> None:
    # 001: "保定市生态环境局徐水区分局 2020年1月25日"
    assert_quoted("001", "保定市生态环境局徐水区分局2020年1月25日")
    assert (preset("xushui-2020").adopted_from, preset("xushui-2020").year) == ("2020-01-25", 2020)


def test_xushui_key_is_50_percent_per_quarter_all_every_half_year() -> None:
    # 001 二(一): "每季度至少对本行政区50%的重点排污单位进行抽查（
    #            原则上应保证每半年对辖区所有重点排污单位进行一遍巡查）"
    assert_quoted(
        "001",
        "每季度至少对本行政区50%的重点排污单位进行抽查（"
        "原则上应保证每半年对辖区所有重点排污单位进行一遍巡查）",
    )
    assert _rule("xushui-2020", "key").share_bp == 5000
    assert preset("xushui-2020").key_coverage_quarters == 2


def test_xushui_general_is_1_to_10() -> None:
    # 001 二(一): "一般排污单位最低抽查比例：至少按照1：10的比例确定年度被抽查单位数量"
    assert_quoted("001", "一般排污单位最低抽查比例：至少按照1：10的比例确定年度被抽查单位数量")
    ratio = _rule("xushui-2020", "general").officer_ratio
    assert ratio is not None and (ratio.officers, ratio.units) == (1, 10)


def test_xushui_special_is_50_percent_per_quarter() -> None:
    # 001 二(一): "对存在环境违法问题和环境管理问题的污染源，应适度提高抽查比例，每季度抽查比例应不低于50%"
    assert_quoted(
        "001",
        "对存在环境违法问题和环境管理问题的污染源，应适度提高抽查比例，每季度抽查比例应不低于50%",
    )
    special = _rule("xushui-2020", "special")
    assert (special.share_bp, special.until_corrected) == (5000, False)


def test_xushui_draws_in_the_last_5_working_days_of_the_quarter() -> None:
    # 001 二(三): "随机抽查计划应于每季度结束前5个工作日内采用摇号方式确定下一季度随机抽查对象及数量"
    assert_quoted("001", "随机抽查计划应于每季度结束前5个工作日内采用摇号方式确定下一季度随机抽查对象及数量")
    assert preset("xushui-2020").draw_window == DrawWindow(5, "working_days")


def test_xushui_discloses_10_working_days_after_each_month() -> None:
    # 001 二(五): "每月抽查结束之日起10个工作日内，由市生态环境局官方网站向社会公开随机抽查结果"
    assert_quoted("001", "每月抽查结束之日起10个工作日内，由市生态环境局官方网站向社会公开随机抽查结果")
    assert preset("xushui-2020").disclosure_deadline == Deadline(10, "working_days", "month_completed")


def test_xushui_records_in_real_time_without_a_day_count() -> None:
    # 001 二(三): "确保随机抽查数据的实时上传"
    assert_quoted("001", "确保随机抽查数据的实时上传")
    assert preset("xushui-2020").record_deadline is None


def test_xushui_items_are_the_provincial_list() -> None:
    # 001 二(二): "根据省生态环境厅公布的随机抽查事项清单"
    assert_quoted("001", "根据省生态环境厅公布的随机抽查事项清单")
    assert preset("xushui-2020").inspection_items == ()
    assert "随机抽查事项清单" in preset("xushui-2020").item_list_reference


# --- seed 002: 山东省 2015 --------------------------------------------------------------------


def test_shandong_city_key_is_5_percent_of_city_controlled_and_above() -> None:
    # 002 二(五)1: "市级环保部门每季度对本辖区不低于5%的市控及以上重点排污单位进行抽查"
    assert_quoted("002", "市级环保部门每季度对本辖区不低于5%的市控及以上重点排污单位进行抽查")
    key = _rule("shandong-city-2015", "key")
    assert (key.share_bp, key.scope) == (500, "市控及以上")


def test_shandong_county_key_is_25_percent_of_county_controlled_and_above() -> None:
    # 002 二(五)1: "县(市、区)环保部门每季度对本辖区不低于25%的县控及以上重点排污单位进行抽查"
    assert_quoted("002", "县(市、区)环保部门每季度对本辖区不低于25%的县控及以上重点排污单位进行抽查")
    key = _rule("shandong-county-2015", "key")
    assert (key.share_bp, key.scope) == (2500, "县控及以上")


def test_shandong_general_is_1_to_5_city_and_1_to_10_county() -> None:
    # 002 二(五)2: "市级环保部门在编在岗的环境监察人员数量与被抽查单位数量的比例，每年不低于1：5；
    #              县(市、区)环保部门每年不低于1：10"
    assert_quoted(
        "002",
        "在编在岗的环境监察人员数量与被抽查单位数量的比例，每年不低于1：5；县(市、"
        "区)环保部门每年不低于1：10",
    )
    city = _rule("shandong-city-2015", "general").officer_ratio
    county = _rule("shandong-county-2015", "general").officer_ratio
    assert city is not None and (city.officers, city.units) == (1, 5)
    assert county is not None and (county.officers, county.units) == (1, 10)


def test_shandong_special_is_raised_without_a_number() -> None:
    # 002 二(五)3: "对存在环境违法和环境管理问题的污染源，应加大抽查比例"
    assert_quoted("002", "对存在环境违法和环境管理问题的污染源，应加大抽查比例")
    for name in ("shandong-city-2015", "shandong-county-2015"):
        special = _rule(name, "special")
        assert (special.share_bp, special.officer_ratio) == (None, None)


def test_shandong_draws_within_5_days_before_the_quarter_begins() -> None:
    # 002 二(四): "于每季度开始前5日内，采用摇号、抽签等方式确定下季度被抽查排污单位名单"
    assert_quoted("002", "于每季度开始前5日内，采用摇号、抽签等方式确定下季度被抽查排污单位名单")
    for name in ("shandong-city-2015", "shandong-county-2015"):
        assert preset(name).draw_window == DrawWindow(5, "days")


def test_shandong_plans_the_next_year_by_the_end_of_december() -> None:
    # 002 二(四): "市、县两级环保部门每年12月底前，按照本辖区确定的抽查比例，确定下一年度被抽查单位数量(家次)"
    assert_quoted(
        "002",
        "市、县两级环保部门每年12月底前，按照本辖区确定的抽查比例，确定下一年度被抽查单位数量(家次)",
    )
    for name in ("shandong-city-2015", "shandong-county-2015"):
        assert preset(name).annual_plan_due == "12-31"


def test_shandong_sets_no_day_counts_for_record_or_disclosure() -> None:
    # 002 三(六): "将随机抽查情况和查处结果及时向社会公开"
    assert_quoted("002", "将随机抽查情况和查处结果及时向社会公开")
    for name in ("shandong-city-2015", "shandong-county-2015"):
        assert (preset(name).record_deadline, preset(name).disclosure_deadline) == (None, None)


def test_shandong_inspection_items_are_the_four_the_seed_lists() -> None:
    # 002 二(三): "重点对被抽查单位污染防治设施运行、污染物排放、环评和“三同时”执行情况、
    #              排污许可等环境管理制度落实情况进行抽查"
    items = preset("shandong-county-2015").inspection_items
    assert len(items) == 4
    for item in items:
        assert_quoted("002", item.content)


# --- seed 003: 昌吉高新区 2021 ----------------------------------------------------------------


def test_changji_hitech_key_is_25_percent_per_quarter_all_in_a_year() -> None:
    # 003 二(一): "每季度至少对本行政区25%的重点排污单位进行抽查（
    #            原则上应保证每年对辖区所有重点排污单位检查一遍）"
    assert_quoted(
        "003",
        "每季度至少对本行政区25%的重点排污单位进行抽查（原则上应保证每年对辖区所有重点排污单位检查一遍）",
    )
    assert _rule("changji-hitech-2021", "key").share_bp == 2500
    assert preset("changji-hitech-2021").key_coverage_quarters == 4


def test_changji_hitech_general_is_1_to_10() -> None:
    # 003 二(一): "至少按照1：10的比例确定年度被抽查单位数量"
    assert_quoted("003", "至少按照1：10的比例确定年度被抽查单位数量")
    ratio = _rule("changji-hitech-2021", "general").officer_ratio
    assert ratio is not None and (ratio.officers, ratio.units) == (1, 10)


def test_changji_hitech_special_is_50_percent_per_quarter() -> None:
    # 003 二(一): "每季度至少对本行政区50%的特殊监管对象进行抽查"
    assert_quoted("003", "每季度至少对本行政区50%的特殊监管对象进行抽查")
    assert _rule("changji-hitech-2021", "special").share_bp == 5000


def test_changji_hitech_draws_in_the_last_5_working_days_of_the_quarter() -> None:
    # 003 二(四): "随机抽查计划应于每季度结束前5个工作日内确定下一季度随机抽查对象及数量"
    assert_quoted("003", "随机抽查计划应于每季度结束前5个工作日内确定下一季度随机抽查对象及数量")
    assert preset("changji-hitech-2021").draw_window == DrawWindow(5, "working_days")


def test_changji_hitech_discloses_within_20_working_days_of_the_task() -> None:
    # 003 二(五): "随机抽查信息公开工作应在随机抽查任务完成后的20个工作日内完成"
    assert_quoted("003", "随机抽查信息公开工作应在随机抽查任务完成后的20个工作日内完成")
    assert preset("changji-hitech-2021").disclosure_deadline == Deadline(20, "working_days", "task_completed")
    assert preset("changji-hitech-2021").record_deadline is None  # "确保随机抽查数据的实时上传"


def test_changji_hitech_year_is_that_of_the_rules_it_implements() -> None:
    # 003: "《新疆维吾尔自治区生态环境“双随机 一公开”监管工作实施细则》（新环执法发〔2021〕274号）"
    assert_quoted("003", "新环执法发〔2021〕274号")
    assert (preset("changji-hitech-2021").year, preset("changji-hitech-2021").adopted_from) == (2021, None)


# --- seed 004: 内蒙古自治区 -------------------------------------------------------------------


def test_inner_mongolia_key_is_5_percent_league_25_percent_banner() -> None:
    # 004 第八条(一): "盟市生态环境局每季度至少对本行政区域 5%的重点排污单位进行抽查，
    #                 旗县级生态环境分局每季度至少对本行政区域 25%的重点排污单位进行抽查"
    assert_quoted("004", "盟市生态环境局每季度至少对本行政区域 5%的重点排污单位进行抽查")
    assert_quoted("004", "旗县级生态环境分局每季度至少对本行政区域 25%的重点排污单位进行抽查")
    assert _rule("inner-mongolia-league", "key").share_bp == 500
    assert _rule("inner-mongolia-banner", "key").share_bp == 2500


def test_inner_mongolia_general_is_1_to_5_league_1_to_10_banner_of_the_directory() -> None:
    # 004 第八条(二): "盟市生态环境局至少按照 1:5 的比例（执法检查人员名录库执法人员数量:被抽查单位数量）
    #                 确定年度被抽查单位数量，旗县级生态环境分局至少按照 1:10 的比例确定年度被抽查单位数量"
    assert_quoted("004", "盟市生态环境局至少按照 1:5 的比例（执法检查人员名录库执法人员数量:被抽查单位数量）")
    assert_quoted("004", "旗县级生态环境分局至少按照 1:10 的比例确定年度被抽查单位数量")
    counted = "执法检查人员名录库执法人员"
    assert _rule("inner-mongolia-league", "general").officer_ratio == OfficerRatio(1, 5, counted)
    assert _rule("inner-mongolia-banner", "general").officer_ratio == OfficerRatio(1, 10, counted)


def test_inner_mongolia_sets_no_special_ratio() -> None:
    # 004 第八条: "污染源日常监管动态信息库由重点排污单位、一般排污单位等组成"
    assert_quoted("004", "污染源日常监管动态信息库由重点排污单位、一般排污单位等组成")
    for name in ("inner-mongolia-league", "inner-mongolia-banner"):
        assert preset(name).rule("special") is None


def test_inner_mongolia_at_most_2_inspections_a_year_unless_a_violation() -> None:
    # 004 第八条: "同一年度内对同一排污单位的执法检查次数不超过 2 次。但在检查中发现存在环境违法行为的，
    #           不受该条款限制"
    assert_quoted(
        "004",
        "同一年度内对同一排污单位的执法检查次数不超过 2 次。但在检查中发现存在环境违法行为的，"
        "不受该条款限制",
    )
    for name in ("inner-mongolia-league", "inner-mongolia-banner"):
        assert preset(name).unit_cap == UnitCap(max_per_year=2, lifted_by_violation=True)
    assert all(preset(n).unit_cap is None for n in PRESETS if not n.startswith("inner-mongolia"))


def test_inner_mongolia_draws_during_the_month_before_the_quarter() -> None:
    # 004 第十条: "每季度的上一个月完成对本季度的抽取工作"
    assert_quoted("004", "每季度的上一个月完成对本季度的抽取工作")
    for name in ("inner-mongolia-league", "inner-mongolia-banner"):
        assert preset(name).draw_window == DrawWindow(1, "months")


def test_inner_mongolia_enters_and_publishes_within_20_working_days() -> None:
    # 004 第十三条: "检查部门原则上在完成检查之日起 20 个工作日内，通过监管平台录入并公示抽查检查结果"
    assert_quoted("004", "检查部门原则上在完成检查之日起 20 个工作日内，通过监管平台录入并公示抽查检查结果")
    for name in ("inner-mongolia-league", "inner-mongolia-banner"):
        expected = Deadline(20, "working_days", "inspection_completed")
        assert preset(name).record_deadline == preset(name).disclosure_deadline == expected


def test_inner_mongolia_plans_by_the_end_of_december() -> None:
    # 004 第九条: "应当于每年 12 月底前，按照本细则确定抽查比例，制定下一年度抽查工作计划"
    assert_quoted("004", "应当于每年 12 月底前，按照本细则确定抽查比例，制定下一年度抽查工作计划")
    for name in ("inner-mongolia-league", "inner-mongolia-banner"):
        assert preset(name).annual_plan_due == "12-31"


def test_inner_mongolia_has_no_year_and_no_date_of_issue() -> None:
    # 004 第十六条: "本细则自印发之日起试行" — the date of issue is not in the text
    assert_quoted("004", "本细则自印发之日起试行")
    for name in ("inner-mongolia-league", "inner-mongolia-banner"):
        assert (preset(name).year, preset(name).adopted_from) == (None, None)
        assert preset(name).adopt("2019-06-01", {"special": 5000}).adopted_from == "2019-06-01"


def test_a_rulebook_that_gives_no_number_is_adopted_only_with_one_stated() -> None:
    # 002 二(五)3 「对存在环境违法和环境管理问题的污染源，应加大抽查比例」: raise it, but by how much?
    assert_quoted("002", "对存在环境违法和环境管理问题的污染源，应加大抽查比例")
    shandong = preset("shandong-county-2015")
    assert shandong.unstated() == ["special"]
    with pytest.raises(RulebookError, match=r"minimums.special: .*--special-share.*at least the key "
                                            r"units' 25.00%.*never assumed"):
        shandong.adopt("2026-01-01")
    with pytest.raises(RulebookError, match=r"10.00% is below the key units' 25.00%"):
        shandong.adopt("2026-01-01", {"special": 1000}, "局务会")
    with pytest.raises(RulebookError, match=r"minimums.key: the rulebook already gives its number"):
        shandong.adopt("2026-01-01", {"key": 5000, "special": 5000}, "局务会")
    adopted = shandong.adopt("2026-01-01", {"special": 5000}, "局务会")
    special = next(r for r in adopted.minimums if r.category == "special")
    assert (special.share_bp, special.scope) == (5000, "存在环境违法和环境管理问题的污染源")
    assert special.stated == "采用机构确定（规则未给出比例）：局务会" and adopted.unstated() == []
    assert Rulebook.from_dict(adopted.to_dict()) == adopted  # kept in the RulebookAdopted event
    # 004 names no ratio for special objects at all: the rule is added
    banner = preset("inner-mongolia-banner").adopt("2019-06-01", {"special": 2500}, "旗局")
    assert [r.share_bp for r in banner.minimums if r.category == "special"] == [2500]
