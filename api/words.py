"""The enumerated values people read, in their language (枚举值的中文): ``key`` is 重点排污单位,
``operating`` 正常生产, ``compliant`` 合规, ``units`` 检查对象抽查, ``Q1`` 第一季度.

The ledger stores the English values (they are part of the format); what a person reads shows
the word of the current language (:func:`word`). Where a person types a value, the Chinese word is
accepted as well (:func:`value_of`: 正常生产 → ``operating``).
"""

from __future__ import annotations

from api.language import current

#: field → stored value → Chinese word.
WORDS: dict[str, dict[str, str]] = {
    "category": {"key": "重点排污单位", "general": "一般排污单位", "special": "特殊监管对象"},
    "control_level": {"national": "国控", "provincial": "省控", "city": "市控", "county": "县控"},
    "status": {
        "operating": "正常生产", "stopped": "停产",
        "no_activity": "未发现本次抽查涉及的生产经营活动", "unreachable": "通过登记的住所无法联系",
        "refused": "不配合检查", "closed": "已关闭或迁出",
        # an inspection object's status in the directory
        "active": "在册", "suspended": "停产", "relocated": "已搬迁", "inactive": "不参加抽取",
    },
    "finding": {"compliant": "合规", "problem": "发现问题", "not_applicable": "不适用"},
    "facilities_running": {"normal": "正常", "abnormal": "不正常", "none": "无设施"},
    "draw_kind": {"units": "检查对象抽查", "audit": "上级对下级的抽查", "agencies": "下级机构"},
    "object_kind": {"unit": "排污单位", "construction_project": "建设项目"},
    "draw_status": {
        "frozen": "已冻结", "seeded": "已生成种子", "drawn": "已抽取", "fixed": "已确定",
        "disclosed": "已公开", "blocked": "已终止", "stopped": "已停止",
    },
    "agency_kind": {
        "province": "省", "autonomous_region": "自治区", "prefecture": "地级市", "league": "盟",
        "city": "市", "county": "县", "county_city": "县级市", "banner": "旗", "district": "区",
        "park": "园区",
    },
    "entropy": {"witness": "见证人", "dice": "掷骰", "external": "外部公开值"},
    "population_source": {"freeze": "冻结时", "directory": "名录"},
}
#: Words a person may type for a value, beside the stored value and the word above.
SYNONYMS: dict[str, dict[str, str]] = {
    "category": {"重点": "key", "一般": "general", "特殊监管": "special", "特殊": "special"},
    "status": {"生产": "operating", "正常": "operating", "停产": "stopped", "拒绝检查": "refused"},
    "finding": {"未发现问题": "compliant", "符合": "compliant", "问题": "problem"},
    "agency_kind": {"省级": "province", "市级": "city", "县级": "county", "区县": "county",
                    "市辖区": "district", "地区": "prefecture", "自治州": "prefecture"},
}


def word(field: str, value: object) -> str:
    """The value as the current language writes it (the stored value in English)."""
    text = str(value)
    if current() != "zh":
        return text
    return WORDS.get(field, {}).get(text, text)


#: The draw's strata codes (SPOTCHECK-DRAW: ``KEY``, ``GEN``, ``SPC``) by category.
STRATA = {"KEY": "key", "GEN": "general", "SPC": "special"}


def stratum(value: str) -> str:
    """A draw's stratum (``KEY`` or ``key``; a prefecture's audit stratum as it is), as it reads."""
    if current() != "zh":
        return value
    if value == "AGY":  # a prefecture's draw of the agencies it audits
        return word("draw_kind", "agencies")
    return word("category", STRATA.get(value, value))


def quarter(number: int | str) -> str:
    """``Q1`` or 第1季度."""
    return f"第{number}季度" if current() == "zh" else f"Q{number}"


def value_of(field: str, text: str) -> str:
    """The stored value for what a person typed: the value itself, its Chinese word or a synonym
    (正常生产 → ``operating``); anything else unchanged, for the rule to refuse."""
    typed = text.strip()
    for value, zh in WORDS.get(field, {}).items():
        if typed in (value, zh):
            return value
    return SYNONYMS.get(field, {}).get(typed, typed)


def values_listed(field: str) -> str:
    """``operating（正常生产）、stopped（停产）…``: the allowed values with their words."""
    return "、".join(f"{value}（{zh}）" for value, zh in WORDS.get(field, {}).items())
