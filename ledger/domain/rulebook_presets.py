"""Rulebook presets (规则手册预设): the five seed documents, one rulebook per place, level and year.

Each field carries the clause it comes from as a comment ``# <seed> 「quote」``; the quote is the
seed's own text (whitespace aside), and ``tests/test_rulebook_presets.py`` checks that every such
quote really appears in that seed. Where a seed is silent the comment says so and the stated
default is used: team size 2 (domain.md step 5), the list secret before the visit (抽查保密), no
per-unit cap, uniform risk weights, no positive-list effect.

Seeds: 000 昌吉州 2015 (prefecture and county/park levels), 001 保定市徐水区 2020, 002 山东省 2015
(city and county levels), 003 昌吉高新区 2021, 004 内蒙古自治区 (league/city and banner/county
levels; the text gives no year or date of issue).
"""

from __future__ import annotations

from ledger.domain.rulebook import (
    CategoryRule,
    Deadline,
    DrawWindow,
    InspectionItem,
    OfficerRatio,
    Rulebook,
    RulebookError,
    Source,
    UnitCap,
)

# --- seed 000: 昌吉州 2015 --------------------------------------------------------------------

# 000 「随机抽查制度的实施方案」
_SOURCE_000 = Source(seed="000_62c466566598dcdc.txt", title="随机抽查制度的实施方案")

# 000 「重点对被抽查单位防治污染设施运行情况，污染物排放情况」
# 000 「以及环评、“三同时”、排污许可证等环境管理制度落实情况进行抽查」
# 000 「依据新修订的《环境保护法》」 — the seed gives this one basis for all items
_ITEMS_000 = (
    InspectionItem("防治污染设施运行", "《环境保护法》（新修订）", "防治污染设施运行情况"),
    InspectionItem("污染物排放", "《环境保护法》（新修订）", "污染物排放情况"),
    InspectionItem(
        "环境管理制度落实", "《环境保护法》（新修订）", "环评、“三同时”、排污许可证等环境管理制度落实情况"
    ),
)

# 000 「每季度抽查比例不低于50%，直至整改完成」
# 000 「对存在环境违法问题和环境管理问题的污染源」 — the clause names no level: both levels
_SPECIAL_000 = CategoryRule(
    "special", share_bp=5000, until_corrected=True, scope="存在环境违法问题和环境管理问题的污染源"
)

_NOTES_000 = (
    # 000 「污染源日常环境监管随机抽查名单一经确定，不得随意变更」
    "名单一经确定，不得随意变更 (000 四(一)): the drawn list is fixed",
    # 000 「要加大随机抽查力度，提高抽查比例」
    "投诉举报多、严重违法违规记录、环境风险等级高: draw more (000 三(四)), no number given",
    # 000 「将随机抽查情况和查处结果及时向社会公开」
    "disclosure 及时 (000 四(六)): no number of days given",
)

CHANGJI_PREFECTURE_2015 = Rulebook(
    name="changji-prefecture-2015",
    place="昌吉州环保局",
    level="prefecture",
    year=2015,  # 000 「2015年12月20日前」: the seed's year; it gives no date of issue
    source=_SOURCE_000,
    adopted_from=None,  # 000 gives no date of issue
    minimums=(
        # 000 「州环保局每季度至少对本行政区5%的重点排污单位进行抽查」
        # 000 「重点排污单位是指划定为国控、区控、州控的企业单位」
        CategoryRule("key", share_bp=500, scope="国控、区控、州控"),
        # 000 「州环保局至少按照1：5的比例」
        # 000 「（在编在岗的环境监察人员数量：被抽查单位数量）」
        CategoryRule("general", officer_ratio=OfficerRatio(1, 5, "在编在岗的环境监察人员")),
        _SPECIAL_000,
    ),
    # 000 is silent on the prefecture's own draw window (the clause is the counties'): the default
    # of domain.md step 4, the last 5 working days of the quarter, as for the counties.
    draw_window=DrawWindow(5, "working_days"),
    team_size=2,  # 000 is silent: default 2
    # 000 「实施抽查的环保部门要在7个工作日内将抽查结果填报移动执法信息库」
    # 000 「现场抽查工作结束后」
    record_deadline=Deadline(7, "working_days", "inspection_completed"),
    disclosure_deadline=None,  # 000 「及时向社会公开」: no number
    key_coverage_quarters=None,  # 000: the yearly sweep is asked of the counties only
    annual_plan_due=None,  # 000: the 12-10 plan is asked of the counties only
    # 000 「对县市、园区抽查比例每季度不少于25%」
    oversight_share_bp=2500,
    inspection_items=_ITEMS_000,
    notice_before_visit=False,  # 000 is silent for the prefecture: default secret
    notes=_NOTES_000,
)

CHANGJI_COUNTY_2015 = Rulebook(
    name="changji-county-2015",
    place="昌吉州各县市、园区环保局",
    level="county",
    year=2015,  # 000 「2015年12月20日前」
    source=_SOURCE_000,
    adopted_from=None,  # 000 gives no date of issue
    minimums=(
        # 000 「县市、园区环保局每季度至少对本行政区25%的重点排污单位进行抽查」
        CategoryRule("key", share_bp=2500, scope="国控、区控、州控"),
        # 000 「县市、园区环保局至少按照1：10的比例确定年度被抽查单位数量」
        CategoryRule("general", officer_ratio=OfficerRatio(1, 10, "在编在岗的环境监察人员")),
        _SPECIAL_000,
    ),
    # 000 「于每季度结束前5个工作日内，确定下一季度被抽查单位名单」
    draw_window=DrawWindow(5, "working_days"),
    team_size=2,  # 000 is silent: default 2
    # 000 「实施抽查的环保部门要在7个工作日内将抽查结果填报移动执法信息库」
    record_deadline=Deadline(7, "working_days", "inspection_completed"),
    disclosure_deadline=None,  # 000 「及时向社会公开」: no number
    # 000 「原则上应保证每年对辖区所有重点排污单位进行一遍巡查」
    key_coverage_quarters=4,
    # 000 「县市、园区环保局每年12月10日前」
    # 000 「确定下一年度被抽查单位数量（家次）」
    annual_plan_due="12-10",
    inspection_items=_ITEMS_000,
    # 000 「在现场检查工作实施前，随机抽查名单应对被抽查单位保密」
    notice_before_visit=False,
    notes=_NOTES_000,
)

# --- seed 001: 保定市徐水区 2020 --------------------------------------------------------------

XUSHUI_2020 = Rulebook(
    name="xushui-2020",
    place="保定市生态环境局徐水区分局",
    level="county",
    # 001 「保定市徐水区2020年污染源“双随机、一公开”监管工作实施方案」
    year=2020,
    source=Source(
        seed="001_0635464635326f15.txt", title="保定市徐水区2020年污染源“双随机、一公开”监管工作实施方案"
    ),
    # 001 「2020年1月25日」: the date of the notice of issue
    adopted_from="2020-01-25",
    minimums=(
        # 001 「每季度至少对本行政区50%的重点排污单位进行抽查」
        CategoryRule("key", share_bp=5000),
        # 001 「一般排污单位最低抽查比例：至少按照1：10的比例确定年度被抽查单位数量」
        CategoryRule("general", officer_ratio=OfficerRatio(1, 10)),  # who counts: not said
        # 001 「对存在环境违法问题和环境管理问题的污染源，应适度提高抽查比例」
        # 001 「每季度抽查比例应不低于50%」
        CategoryRule("special", share_bp=5000, scope="存在环境违法问题和环境管理问题的污染源"),
    ),
    # 001 「随机抽查计划应于每季度结束前5个工作日内采用摇号方式确定下一季度随机抽查对象及数量」
    draw_window=DrawWindow(5, "working_days"),
    # 001 「在满足执法检查人数要求的基础上」: a number is required but not given: default 2
    team_size=2,
    # 001 「确保随机抽查数据的实时上传」: real time, no number of days
    record_deadline=None,
    # 001 「每月抽查结束之日起10个工作日内」
    # 001 「向社会公开随机抽查结果及环境违法行为查处情况」
    disclosure_deadline=Deadline(10, "working_days", "month_completed"),
    # 001 「原则上应保证每半年对辖区所有重点排污单位进行一遍巡查」
    key_coverage_quarters=2,
    annual_plan_due=None,  # 001 is silent on the annual plan's date
    # 001 「根据省生态环境厅公布的随机抽查事项清单」: the items are in that list, not in 001
    item_list_reference="河北省生态环境厅公布的随机抽查事项清单",
    notice_before_visit=False,  # 001 is silent: default secret
    notes=(
        # 001 「抽查比例不设上限」
        "抽查比例不设上限 (001 一(一)): the minimums are floors, with no ceiling",
        # 001 「1月底前公开本年度确定的列入随机抽查日常监管污染源名单」
        "the year's pool of sources is published by 31 January (001 二(五))",
        # 001 「对高风险的企业加强监管和抽查频次，对低风险企业，减少监管和抽查频次」
        "risk grading: high risk drawn more, low risk less (001 二(六)); no weights given",
        # 001 「结合本地区向社会公开的环境监管正面清单」
        "正面清单 feeds the risk grading (001 二(六)); no exemption or weight given",
        # 001 「对涉及国家秘密、商业机密和个人隐私的检查事项，可以调整抽查结果公示的方式和范围」
        "state, commercial secrets and privacy may narrow disclosure (001 二(五))",
    ),
)

# --- seed 002: 山东省 2015 --------------------------------------------------------------------

# 002 「山东省污染源日常环境监管随机抽查制度落实方案」
_SOURCE_002 = Source(seed="002_bba460b883ed3e2c.txt", title="山东省污染源日常环境监管随机抽查制度落实方案")

# 002 「重点对被抽查单位污染防治设施运行、污染物排放、环评和“三同时”执行情况」
# 002 「排污许可等环境管理制度落实情况进行抽查」
# 002 「按照新《环境保护法》规定」 — the seed gives this one basis
_ITEMS_002 = (
    InspectionItem("污染防治设施运行", "新《环境保护法》", "污染防治设施运行"),
    InspectionItem("污染物排放", "新《环境保护法》", "污染物排放"),
    InspectionItem("环评和“三同时”执行", "新《环境保护法》", "环评和“三同时”执行情况"),
    InspectionItem("环境管理制度落实", "新《环境保护法》", "排污许可等环境管理制度落实情况"),
)

# 002 「对存在环境违法和环境管理问题的污染源，应加大抽查比例」: no number
_SPECIAL_002 = CategoryRule("special", scope="存在环境违法和环境管理问题的污染源")

_NOTES_002 = (
    # 002 「污染源日常环境监管随机抽查名单一经确定，不得随意变更」
    "名单一经确定，不得随意变更 (002 三(四)): the drawn list is fixed",
    # 002 「对存在环境违法和环境管理问题的污染源，应加大抽查比例」
    "special objects: 应加大抽查比例 (002 二(五)3), no number given",
    # 002 「季度工作报表和年度工作总结应于季度、年度结束后次月15日前报送上一级环保部门」
    "quarterly and yearly reports by the 15th of the next month (002 三(七), annexes 3 and 4)",
    # 002 「将随机抽查情况和查处结果及时向社会公开」
    "disclosure 及时 (002 三(六)): no number of days given",
)

SHANDONG_CITY_2015 = Rulebook(
    name="shandong-city-2015",
    place="山东省市级环保部门",
    level="prefecture",
    # 002 「(环办〔2015〕88号)」: the seed states no year of its own; 2015 as in domain.md
    year=2015,
    source=_SOURCE_002,
    adopted_from=None,  # 002 gives no date of issue
    minimums=(
        # 002 「市级环保部门每季度对本辖区不低于5%的市控及以上重点排污单位进行抽查」
        CategoryRule("key", share_bp=500, scope="市控及以上"),
        # 002 「市级环保部门在编在岗的环境监察人员数量与被抽查单位数量的比例，每年不低于1：5」
        CategoryRule("general", officer_ratio=OfficerRatio(1, 5, "在编在岗的环境监察人员")),
        _SPECIAL_002,
    ),
    # 002 「于每季度开始前5日内，采用摇号、抽签等方式确定下季度被抽查排污单位名单」
    draw_window=DrawWindow(5, "days"),
    team_size=2,  # 002 is silent: default 2
    record_deadline=None,  # 002 is silent on entering results
    disclosure_deadline=None,  # 002 「及时向社会公开」: no number
    key_coverage_quarters=None,  # 002 is silent
    # 002 「市、县两级环保部门每年12月底前」
    # 002 「确定下一年度被抽查单位数量(家次)」
    annual_plan_due="12-31",
    inspection_items=_ITEMS_002,
    # 002 「不得向被抽查企业通风报信」
    notice_before_visit=False,
    notes=_NOTES_002,
)

SHANDONG_COUNTY_2015 = Rulebook(
    name="shandong-county-2015",
    place="山东省县(市、区)环保部门",
    level="county",
    year=2015,  # 002 「(环办〔2015〕88号)」
    source=_SOURCE_002,
    adopted_from=None,  # 002 gives no date of issue
    minimums=(
        # 002 「县(市、区)环保部门每季度对本辖区不低于25%的县控及以上重点排污单位进行抽查」
        CategoryRule("key", share_bp=2500, scope="县控及以上"),
        # 002 「县(市、区)环保部门每年不低于1：10」
        CategoryRule("general", officer_ratio=OfficerRatio(1, 10, "在编在岗的环境监察人员")),
        _SPECIAL_002,
    ),
    # 002 「于每季度开始前5日内」
    draw_window=DrawWindow(5, "days"),
    team_size=2,  # 002 is silent: default 2
    record_deadline=None,  # 002 is silent
    disclosure_deadline=None,  # 002 「及时向社会公开」: no number
    key_coverage_quarters=None,  # 002 is silent
    annual_plan_due="12-31",  # 002 「市、县两级环保部门每年12月底前」
    inspection_items=_ITEMS_002,
    notice_before_visit=False,  # 002 「不得向被抽查企业通风报信」
    notes=_NOTES_002,
)

# --- seed 003: 昌吉高新区 2021 ----------------------------------------------------------------

CHANGJI_HITECH_2021 = Rulebook(
    name="changji-hitech-2021",
    place="昌吉高新区环保局",
    level="county",
    # 003 「新环执法发〔2021〕274号」: the year of the rules it implements; no date of issue
    year=2021,
    source=Source(
        seed="003_50e46133a1052c83.txt", title="昌吉高新区生态环境“双随机、一公开”监管工作实施方案"
    ),
    adopted_from=None,  # 003 gives no date of issue
    minimums=(
        # 003 「每季度至少对本行政区25%的重点排污单位进行抽查」
        CategoryRule("key", share_bp=2500),
        # 003 「至少按照1：10的比例确定年度被抽查单位数量」
        CategoryRule("general", officer_ratio=OfficerRatio(1, 10)),  # who counts: not said
        # 003 「每季度至少对本行政区50%的特殊监管对象进行抽查」
        CategoryRule("special", share_bp=5000),
    ),
    # 003 「随机抽查计划应于每季度结束前5个工作日内确定下一季度随机抽查对象及数量」
    draw_window=DrawWindow(5, "working_days"),
    # 003 「在满足执法检查人数要求的基础上」: a number is required but not given: default 2
    team_size=2,
    # 003 「确保随机抽查数据的实时上传」: real time, no number of days
    record_deadline=None,
    # 003 「随机抽查信息公开工作应在随机抽查任务完成后的20个工作日内完成」
    disclosure_deadline=Deadline(20, "working_days", "task_completed"),
    # 003 「原则上应保证每年对辖区所有重点排污单位检查一遍」
    key_coverage_quarters=4,
    annual_plan_due=None,  # 003 is silent
    # 003 「制定完善《昌吉高新区生态环境随机抽查执法事项清单》」: items not in 003
    item_list_reference="《昌吉高新区生态环境随机抽查执法事项清单》",
    notice_before_visit=False,  # 003 is silent: default secret
    notes=(
        # 003 「抽查比例不设上限」
        "抽查比例不设上限 (003 一(一)): the minimums are floors, with no ceiling",
        # 003 「每季度向社会公示随机抽查结果」
        "results published every quarter (003 一(三))",
        # 003 「按照“十必查”的工作要求」
        "the on-site record follows the “十必查” (003 二(四)); the ten are not listed",
        # 003 「对高风险的企业加强监管和抽查频次，对低风险企业，减少监管和抽查频次」
        "risk grading: high risk drawn more, low risk less (003 二(六)); no weights given",
        # 003 「结合本辖区的环境监管正面清单」
        "正面清单 feeds the risk grading (003 二(六)); no exemption or weight given",
        # 003 「检查情况和查处结果涉及保密、国家安全、公共安全的，可不予公开」
        "secrets, national and public security may be withheld (003 二(五))",
    ),
)

# --- seed 004: 内蒙古自治区, no year -----------------------------------------------------------

# 004 「内蒙古自治区污染源日常环境监管 执法“双随机、一公开”抽查工作细则」
_SOURCE_004 = Source(
    seed="004_794a66cd0c6324e0.txt", title="内蒙古自治区污染源日常环境监管执法“双随机、一公开”抽查工作细则"
)

# 004 「同一年度内对同一排污单位的执法检查次数不超过 2 次」
# 004 「但在检查中发现存在环境违法行为的，不受该条款限制」
_CAP_004 = UnitCap(max_per_year=2, lifted_by_violation=True)

# 004 「检查部门原则上在完成检查之日起 20 个工作日内」
# 004 「通过监管平台录入并公示抽查检查结果」: one deadline for entering and for publishing
_DEADLINE_004 = Deadline(20, "working_days", "inspection_completed")

_NOTES_004 = (
    # 004 「若提高或降低抽查比例，需向自治区生态环境厅书面报告」
    "changing a ratio needs a written report to 自治区生态环境厅 (004 第八条)",
    # 004 「现场执法检查工作在本季度内全部完成」
    "on-site inspections are all completed within the quarter (004 第十条)",
    # 004 「污染源日常监管动态信息库由重点排污单位、一般排污单位等组成」
    "special objects: 004 sets no ratio of their own",
    # 004 「清单包括抽查项目、检查对象、检查依据、检查内容等」
    "the item list has item, object, legal basis and content (004 第三条); none listed",
    # 004 「尽职照单免责、失职照单问责」
    "尽职照单免责、失职照单问责 (004 第十五条)",
)

INNER_MONGOLIA_LEAGUE = Rulebook(
    name="inner-mongolia-league",
    place="内蒙古自治区盟市生态环境局",
    level="prefecture",
    year=None,  # 004 gives no year
    source=_SOURCE_004,
    adopted_from=None,  # 004 「本细则自印发之日起试行」, the date of issue not in the text
    minimums=(
        # 004 「盟市生态环境局每季度至少对本行政区域 5%的重点排污单位进行抽查」
        CategoryRule("key", share_bp=500),
        # 004 「盟市生态环境局至少按照 1:5 的比例」
        # 004 「（执法检查人员名录库执法人员数量:被抽查单位数量）」
        CategoryRule("general", officer_ratio=OfficerRatio(1, 5, "执法检查人员名录库执法人员")),
    ),
    # 004 「每季度的上一个月完成对本季度的抽取工作」
    draw_window=DrawWindow(1, "months"),
    # 004 「执法人员不少于 2 人」
    team_size=2,
    unit_cap=_CAP_004,
    record_deadline=_DEADLINE_004,
    disclosure_deadline=_DEADLINE_004,
    key_coverage_quarters=None,  # 004 is silent
    # 004 「应当于每年 12 月底前，按照本细则确定抽查比例，制定下一年度抽查工作计划」
    annual_plan_due="12-31",
    item_list_reference="随机抽查事项清单 (004 第三条)",
    notice_before_visit=False,  # 004 is silent: default secret
    notes=_NOTES_004,
)

INNER_MONGOLIA_BANNER = Rulebook(
    name="inner-mongolia-banner",
    place="内蒙古自治区旗县级生态环境分局",
    level="county",
    year=None,  # 004 gives no year
    source=_SOURCE_004,
    adopted_from=None,  # 004 「本细则自印发之日起试行」
    minimums=(
        # 004 「旗县级生态环境分局每季度至少对本行政区域 25%的重点排污单位进行抽查」
        CategoryRule("key", share_bp=2500),
        # 004 「旗县级生态环境分局至少按照 1:10 的比例确定年度被抽查单位数量」
        CategoryRule("general", officer_ratio=OfficerRatio(1, 10, "执法检查人员名录库执法人员")),
    ),
    draw_window=DrawWindow(1, "months"),  # 004 「每季度的上一个月完成对本季度的抽取工作」
    team_size=2,  # 004 「执法人员不少于 2 人」
    unit_cap=_CAP_004,  # 004 第八条, as for the leagues
    record_deadline=_DEADLINE_004,  # 004 第十三条
    disclosure_deadline=_DEADLINE_004,  # 004 第十三条
    key_coverage_quarters=None,  # 004 is silent
    annual_plan_due="12-31",  # 004 「应当于每年 12 月底前」
    item_list_reference="随机抽查事项清单 (004 第三条)",
    notice_before_visit=False,  # 004 is silent: default secret
    notes=_NOTES_004,
)

PRESETS: dict[str, Rulebook] = {
    book.name: book
    for book in (
        CHANGJI_PREFECTURE_2015,
        CHANGJI_COUNTY_2015,
        XUSHUI_2020,
        SHANDONG_CITY_2015,
        SHANDONG_COUNTY_2015,
        CHANGJI_HITECH_2021,
        INNER_MONGOLIA_LEAGUE,
        INNER_MONGOLIA_BANNER,
    )
}


def preset(name: str) -> Rulebook:
    """The preset rulebook called ``name``; an unknown name lists the known ones."""
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise RulebookError(f"preset: {name!r} is not a preset; known: {known}") from None
