"""Rulebooks (规则手册): one agency's rules for random inspection, as data, adopted from a date.

The five seed documents (``/work/shared/seeds``) set different numbers for different places, levels
and years, so the numbers are data, not code: a :class:`Rulebook` holds them, ``validate()`` checks
each field against its rule, and ``to_dict()`` / ``from_dict()`` turn it into plain JSON values
(dict, list, str, int, bool, None) so that adopting a rulebook can be an event payload.

There are **no floats** anywhere:

* a share of a category per quarter is an integer in **basis points** (万分比): 25 % is ``2500``,
  5 % is ``500``, 100 % is ``10000``;
* a "1:10" ratio of officers to inspected units per year is the integer pair
  ``OfficerRatio(officers=1, units=10)``.

Rules the seeds state without a number (e.g. "对高风险的企业加强监管和抽查频次", seed 001 二(六)) are
kept as text in ``notes`` rather than turned into invented numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from ledger.errors import InvalidInput

CATEGORIES = ("key", "general", "special")
"""重点排污单位 / 一般排污单位 / 特殊监管对象 (seed 001 一(一), seed 003 一(一))."""

LEVELS = ("province", "prefecture", "county")
"""Agency levels, as in :mod:`ledger.domain.agency`: a league/city (盟市、地市) is a prefecture; a
district, banner, county, park or zone (区、旗县、县市、园区) is a county."""

WINDOW_UNITS = ("working_days", "days", "months")
DEADLINE_UNITS = ("working_days", "days")
#: How published results name the officers: certificate numbers, or names (masked by pattern).
OFFICER_DISPLAYS = ("certificate_no", "name")
DEADLINE_ANCHORS = ("inspection_completed", "month_completed", "task_completed")
POSITIVE_LIST_MODES = ("none", "exempt", "weighted")

FULL_BP = 10_000
"""100 % in basis points."""

_MAX_WINDOW = {"working_days": 65, "days": 92, "months": 3}  # no window is longer than a quarter
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MONTH_DAY = re.compile(r"^\d{2}-\d{2}$")


class RulebookError(InvalidInput):
    """A rulebook field that breaks a rule; the message names the field and the rule."""


@dataclass(frozen=True)
class Source:
    """Where a rulebook's numbers come from: the seed file and the document's title."""

    seed: str
    title: str


@dataclass(frozen=True)
class OfficerRatio:
    """Officers : inspected unit-visits per year (在编在岗的环境监察人员数量：被抽查单位数量).

    ``OfficerRatio(1, 10)`` is "1：10": every officer counted stands for at least 10 unit-visits
    (家次) a year, so the year needs ``ceil(officers × units / officers_per)`` visits.
    ``officers_counted`` keeps the seed's wording of who counts as an officer.
    """

    officers: int
    units: int
    officers_counted: str = ""


@dataclass(frozen=True)
class CategoryRule:
    """The minimum inspection ratio for one category (最低抽查比例).

    Exactly one of ``share_bp`` (a share of the category's units **per quarter**, in basis points)
    and ``officer_ratio`` (unit-visits **per year** per officer) is set, or neither when the seed
    asks for more inspections without a number (e.g. "应加大抽查比例", seed 002 二(五)3).
    ``stratum_minimum`` is a floor of unit-visits per quarter for the category (0: none; no seed
    sets one). ``until_corrected`` marks a special-object ratio that lasts "直至整改完成" (seed 000).
    ``scope`` keeps the seed's wording of which units count (e.g. "市控及以上"). ``stated`` says who
    gave the number when the seed gave none (采用机构确定): a rulebook is adopted only with a number
    for every category (:meth:`Rulebook.adopt`), never with a quota of 0 by silence.
    """

    category: str
    share_bp: int | None = None
    officer_ratio: OfficerRatio | None = None
    stratum_minimum: int = 0
    until_corrected: bool = False
    scope: str = ""
    stated: str = ""

    @property
    def has_number(self) -> bool:
        return self.share_bp is not None or self.officer_ratio is not None


@dataclass(frozen=True)
class UnitCap:
    """At most ``max_per_year`` inspections of one unit a year (同一年度内对同一排污单位的执法检查次数).

    ``lifted_by_violation``: a violation found lifts the cap ("发现存在环境违法行为的，不受该条款限制",
    seed 004 第八条).
    """

    max_per_year: int
    lifted_by_violation: bool = True


@dataclass(frozen=True)
class DrawWindow:
    """When next quarter's list is drawn (摇号/抽签): within ``length`` ``unit`` ending as it begins.

    Every seed anchors the window at the quarter boundary: "每季度结束前5个工作日内" (000, 001, 003)
    is ``DrawWindow(5, "working_days")``; "每季度开始前5日内" (002) is ``DrawWindow(5, "days")``;
    "每季度的上一个月" (004) is ``DrawWindow(1, "months")``.

    ``late_allowed``: a list drawn after the window (but before the quarter's end) is accepted and
    recorded as late, in working days, instead of refused. No seed allows it; the default is
    refusal. A draw before the window is always refused.
    """

    length: int
    unit: str
    late_allowed: bool = False


@dataclass(frozen=True)
class Deadline:
    """``count`` ``unit`` after ``anchor`` (e.g. 7 working days after the inspection is completed)."""

    count: int
    unit: str
    anchor: str


@dataclass(frozen=True)
class RiskWeight:
    """The draw weight (an integer ≥ 1) of units of one risk grade (风险等级)."""

    grade: str
    weight: int


@dataclass(frozen=True)
class InspectionItem:
    """One entry of the inspection-item list (随机抽查事项清单): item, legal basis, content."""

    item: str
    legal_basis: str
    content: str


@dataclass(frozen=True)
class PositiveListPolicy:
    """How units on the positive list (正面清单) are drawn.

    ``none``: the list plays no part; ``exempt``: listed units are not drawn; ``weighted``: listed
    units are drawn with ``weight`` (≥ 1) instead of their risk weight.
    """

    mode: str = "none"
    weight: int = 0


@dataclass(frozen=True)
class Rulebook:
    """One agency's rules for "双随机、一公开" inspections, adopted from ``adopted_from``.

    ``year`` and ``adopted_from`` are ``None`` when the seed gives neither (seed 004: "本细则自印发之日
    起试行", with no date of issue in the text); :meth:`adopt` sets the date an agency adopts it.
    ``notice_before_visit`` is ``False`` by default: the list is secret from the units until the
    inspection (抽查保密, seed 000 四(四)).
    """

    name: str
    place: str
    level: str
    year: int | None
    source: Source
    adopted_from: str | None
    minimums: tuple[CategoryRule, ...]
    draw_window: DrawWindow
    team_size: int = 2
    unit_cap: UnitCap | None = None
    record_deadline: Deadline | None = None
    disclosure_deadline: Deadline | None = None
    key_coverage_quarters: int | None = None
    annual_plan_due: str | None = None
    oversight_share_bp: int | None = None
    risk_weights: tuple[RiskWeight, ...] = ()
    inspection_items: tuple[InspectionItem, ...] = ()
    item_list_reference: str = ""
    positive_list: PositiveListPolicy = field(default_factory=PositiveListPolicy)
    notice_before_visit: bool = False
    notes: tuple[str, ...] = ()
    officer_display: str = "certificate_no"

    def rule(self, category: str) -> CategoryRule | None:
        """The minimum for ``category``, or ``None`` when the rulebook sets none."""
        _check_category("category", category)
        return next((r for r in self.minimums if r.category == category), None)

    def weight_of(self, grade: str | None) -> int:
        """The draw weight of a unit of risk ``grade``; 1 for an ungraded unit or an unweighted book."""
        if grade is None:
            return 1
        for weight in self.risk_weights:
            if weight.grade == grade:
                return weight.weight
        raise RulebookError(f"risk_weights: no weight for risk grade {grade!r}")

    def unstated(self) -> list[str]:
        """The categories for which the rulebook gives no number (a seed that says "raise the ratio"
        without one, e.g. 002 二(五)3, or none at all for the category, e.g. 004 for special
        objects)."""
        rules = {r.category: r for r in self.minimums}
        return [c for c in CATEGORIES if c not in rules or not rules[c].has_number]

    def adopt(self, on: str, stated: Mapping[str, int] | None = None, stated_by: str = "") -> Rulebook:
        """The same rules adopted from ISO date ``on`` (通过/印发之日), validated.

        ``stated`` gives, per category the rulebook leaves without a number, the share of its units
        per quarter (basis points) the adopting agency sets (``stated_by`` names who decided): a
        special-object share is at least the key units' (the seeds ask to raise it). Adoption is
        refused while a category has no number."""
        minimums = list(self.minimums)
        for category, share_bp in (stated or {}).items():
            where = f"minimums.{category}"
            if category not in CATEGORIES:
                raise RulebookError(f"{where}: {category!r} is not one of {', '.join(CATEGORIES)}")
            if category not in self.unstated():
                raise RulebookError(f"{where}: the rulebook already gives its number; adopt it as it "
                                    "is, or adopt a rulebook file with another")
            _check_bp(f"{where}.share_bp", share_bp)
            old = next((r for r in minimums if r.category == category), None)
            rule = CategoryRule(category, share_bp=share_bp, scope=old.scope if old else "",
                                until_corrected=old.until_corrected if old else False,
                                stated=f"采用机构确定（规则未给出比例）：{stated_by}".rstrip("：")
                                if stated_by.strip() else "采用机构确定（规则未给出比例）")
            minimums = [rule if r is old else r for r in minimums] if old else [*minimums, rule]
        adopted = replace(self, adopted_from=on, minimums=tuple(minimums))
        adopted.validate()
        missing = adopted.unstated()
        if missing:
            raise RulebookError(
                f"minimums.{missing[0]}: the rulebook gives no number for {missing[0]} units"
                + (f" ({_silent_note(self, missing[0])})" if _silent_note(self, missing[0]) else "")
                + f"; state one when adopting (--{missing[0]}-share PERCENT"
                + (f", at least the key units' {_percent(adopted.key_share_bp)}"
                   if missing[0] == "special" and adopted.key_share_bp else "")
                + "); a quota of 0 is never assumed")
        special = next((r for r in adopted.minimums if r.category == "special"), None)
        if (special is not None and special.stated and special.share_bp is not None
                and adopted.key_share_bp and special.share_bp < adopted.key_share_bp):
            raise RulebookError(
                f"minimums.special.share_bp: {_percent(special.share_bp)} is below the key units' "
                f"{_percent(adopted.key_share_bp)}; the seeds ask to raise the ratio for special objects")
        return adopted

    @property
    def key_share_bp(self) -> int | None:
        return next((r.share_bp for r in self.minimums if r.category == "key"), None)

    def validate(self) -> None:
        """Raise :class:`RulebookError` naming the first field that breaks its rule."""
        _check_identity(self)
        _check_minimums(self.minimums)
        _check_draw_window(self.draw_window)
        if isinstance(self.team_size, bool) or self.team_size < 2:
            raise RulebookError(f"team_size: at least 2 officers per inspection, got {self.team_size}")
        if self.unit_cap is not None and self.unit_cap.max_per_year < 1:
            raise RulebookError(
                f"unit_cap.max_per_year: must be at least 1, got {self.unit_cap.max_per_year}"
            )
        _check_deadline("record_deadline", self.record_deadline)
        _check_deadline("disclosure_deadline", self.disclosure_deadline)
        if self.officer_display not in OFFICER_DISPLAYS:
            raise RulebookError(f"officer_display: {self.officer_display!r} is not one of "
                                f"{', '.join(OFFICER_DISPLAYS)} (how results name the officers)")
        if self.key_coverage_quarters is not None and not 1 <= self.key_coverage_quarters <= 4:
            raise RulebookError(
                f"key_coverage_quarters: must be 1 to 4 quarters, got {self.key_coverage_quarters}"
            )
        _check_month_day("annual_plan_due", self.annual_plan_due)
        if self.oversight_share_bp is not None:
            _check_bp("oversight_share_bp", self.oversight_share_bp)
        _check_risk_weights(self.risk_weights)
        _check_items(self.inspection_items)
        _check_positive_list(self.positive_list)
        for i, note in enumerate(self.notes):
            if not note.strip():
                raise RulebookError(f"notes[{i}]: a note must not be empty")

    def to_dict(self) -> dict[str, object]:
        """Plain JSON values only (no floats): the payload of a rulebook-adopted event."""
        return {
            "name": self.name,
            "place": self.place,
            "level": self.level,
            "year": self.year,
            "source": {"seed": self.source.seed, "title": self.source.title},
            "adopted_from": self.adopted_from,
            "minimums": [_rule_to_dict(r) for r in self.minimums],
            "draw_window": {"length": self.draw_window.length, "unit": self.draw_window.unit,
                            "late_allowed": self.draw_window.late_allowed},
            "team_size": self.team_size,
            "unit_cap": None if self.unit_cap is None else {
                "max_per_year": self.unit_cap.max_per_year,
                "lifted_by_violation": self.unit_cap.lifted_by_violation,
            },
            "record_deadline": _deadline_to_dict(self.record_deadline),
            "disclosure_deadline": _deadline_to_dict(self.disclosure_deadline),
            "key_coverage_quarters": self.key_coverage_quarters,
            "annual_plan_due": self.annual_plan_due,
            "oversight_share_bp": self.oversight_share_bp,
            "risk_weights": [{"grade": w.grade, "weight": w.weight} for w in self.risk_weights],
            "inspection_items": [
                {"item": i.item, "legal_basis": i.legal_basis, "content": i.content}
                for i in self.inspection_items
            ],
            "item_list_reference": self.item_list_reference,
            "positive_list": {"mode": self.positive_list.mode, "weight": self.positive_list.weight},
            "notice_before_visit": self.notice_before_visit,
            "officer_display": self.officer_display,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Rulebook:
        """The rulebook ``to_dict()`` wrote; every key and type checked, then :meth:`validate`."""
        d = _Reader(data, "")
        cap = d.opt_mapping("unit_cap")
        positive = d.mapping("positive_list")
        book = cls(
            name=d.text("name"),
            place=d.text("place"),
            level=d.text("level"),
            year=d.opt_integer("year"),
            source=_source_from(d.mapping("source")),
            adopted_from=d.opt_text("adopted_from"),
            minimums=tuple(_rule_from(r) for r in d.mappings("minimums")),
            draw_window=_window_from(d.mapping("draw_window")),
            team_size=d.integer("team_size"),
            unit_cap=None if cap is None else UnitCap(
                max_per_year=cap.integer("max_per_year"), lifted_by_violation=cap.flag("lifted_by_violation")
            ),
            record_deadline=_deadline_from(d.opt_mapping("record_deadline")),
            disclosure_deadline=_deadline_from(d.opt_mapping("disclosure_deadline")),
            key_coverage_quarters=d.opt_integer("key_coverage_quarters"),
            annual_plan_due=d.opt_text("annual_plan_due"),
            oversight_share_bp=d.opt_integer("oversight_share_bp"),
            risk_weights=tuple(_weight_from(w) for w in d.mappings("risk_weights")),
            inspection_items=tuple(_item_from(i) for i in d.mappings("inspection_items")),
            item_list_reference=d.text("item_list_reference"),
            positive_list=PositiveListPolicy(mode=positive.text("mode"), weight=positive.integer("weight")),
            notice_before_visit=d.flag("notice_before_visit"),
            notes=tuple(d.texts("notes")),
            officer_display=d.text("officer_display") if "officer_display" in data else "certificate_no",
        )
        for reader in (d, positive, *([] if cap is None else [cap])):
            reader.no_extra_keys()
        book.validate()
        return book


# --- validation ------------------------------------------------------------------------------


def _check_identity(book: Rulebook) -> None:
    if not _SLUG.match(book.name):
        raise RulebookError(f"name: {book.name!r} must be a lowercase slug like 'changji-county-2015'")
    if not book.place.strip():
        raise RulebookError("place: a rulebook needs the place it governs")
    if book.level not in LEVELS:
        raise RulebookError(f"level: {book.level!r} is not one of {', '.join(LEVELS)}")
    if book.year is not None and not 2000 <= book.year <= 2100:
        raise RulebookError(f"year: {book.year} is not a year between 2000 and 2100")
    if not book.source.seed.strip() or not book.source.title.strip():
        raise RulebookError("source: both the seed file and the document's title are required")
    if book.adopted_from is not None:
        try:
            date.fromisoformat(book.adopted_from)
        except ValueError:
            raise RulebookError(
                f"adopted_from: {book.adopted_from!r} is not an ISO date (YYYY-MM-DD)"
            ) from None


def _check_category(field_name: str, category: str) -> None:
    if category not in CATEGORIES:
        raise RulebookError(f"{field_name}: {category!r} is not one of {', '.join(CATEGORIES)}")


def _check_bp(field_name: str, bp: int) -> None:
    if isinstance(bp, bool) or not 1 <= bp <= FULL_BP:
        raise RulebookError(
            f"{field_name}: a share must be 1 to 10000 basis points (0.01 % to 100 %), got {bp}"
        )


def _check_minimums(minimums: tuple[CategoryRule, ...]) -> None:
    seen: set[str] = set()
    for rule in minimums:
        where = f"minimums[{rule.category}]"
        _check_category(f"{where}.category", rule.category)
        if rule.category in seen:
            raise RulebookError(f"{where}: a category may have only one minimum")
        seen.add(rule.category)
        if rule.share_bp is not None and rule.officer_ratio is not None:
            raise RulebookError(f"{where}: either a share per quarter or an officer ratio, not both")
        if rule.share_bp is not None:
            _check_bp(f"{where}.share_bp", rule.share_bp)
        ratio = rule.officer_ratio
        if ratio is not None and (ratio.officers < 1 or ratio.units < 1):
            raise RulebookError(
                f"{where}.officer_ratio: both sides of officers:units must be at least 1, got "
                f"{ratio.officers}:{ratio.units}"
            )
        if rule.stratum_minimum < 0:
            raise RulebookError(f"{where}.stratum_minimum: must not be negative, got {rule.stratum_minimum}")


def _check_draw_window(window: DrawWindow) -> None:
    if window.unit not in WINDOW_UNITS:
        raise RulebookError(f"draw_window.unit: {window.unit!r} is not one of {', '.join(WINDOW_UNITS)}")
    if not 1 <= window.length <= _MAX_WINDOW[window.unit]:
        raise RulebookError(
            f"draw_window.length: must be positive and at most one quarter "
            f"({_MAX_WINDOW[window.unit]} {window.unit}), got {window.length}"
        )


def _check_deadline(field_name: str, deadline: Deadline | None) -> None:
    if deadline is None:
        return
    if deadline.count < 1:
        raise RulebookError(f"{field_name}.count: a deadline must be positive, got {deadline.count}")
    if deadline.unit not in DEADLINE_UNITS:
        raise RulebookError(f"{field_name}.unit: {deadline.unit!r} is not one of {', '.join(DEADLINE_UNITS)}")
    if deadline.anchor not in DEADLINE_ANCHORS:
        raise RulebookError(
            f"{field_name}.anchor: {deadline.anchor!r} is not one of {', '.join(DEADLINE_ANCHORS)}"
        )


def _check_month_day(field_name: str, value: str | None) -> None:
    if value is None:
        return
    try:
        if not _MONTH_DAY.match(value):
            raise ValueError(value)
        date.fromisoformat(f"2000-{value}")  # a leap year, so 02-29 is a day
    except ValueError:
        raise RulebookError(f"{field_name}: {value!r} is not a day of the year as MM-DD") from None


def _check_risk_weights(weights: tuple[RiskWeight, ...]) -> None:
    grades: set[str] = set()
    for w in weights:
        if not w.grade.strip():
            raise RulebookError("risk_weights: a risk grade needs a name")
        if w.grade in grades:
            raise RulebookError(f"risk_weights[{w.grade}]: a risk grade may have only one weight")
        grades.add(w.grade)
        if isinstance(w.weight, bool) or w.weight < 1:
            raise RulebookError(
                f"risk_weights[{w.grade}].weight: must be an integer of at least 1, got {w.weight}"
            )


def _check_items(items: tuple[InspectionItem, ...]) -> None:
    names: set[str] = set()
    for i, it in enumerate(items):
        for name, value in (("item", it.item), ("legal_basis", it.legal_basis), ("content", it.content)):
            if not value.strip():
                raise RulebookError(f"inspection_items[{i}].{name}: must not be empty")
        if it.item in names:
            raise RulebookError(f"inspection_items[{i}].item: {it.item!r} is listed twice")
        names.add(it.item)


def _check_positive_list(policy: PositiveListPolicy) -> None:
    if policy.mode not in POSITIVE_LIST_MODES:
        raise RulebookError(
            f"positive_list.mode: {policy.mode!r} is not one of {', '.join(POSITIVE_LIST_MODES)}"
        )
    if policy.mode == "weighted" and policy.weight < 1:
        raise RulebookError(
            f"positive_list.weight: a weighted list needs a weight of at least 1, got {policy.weight}"
        )
    if policy.mode != "weighted" and policy.weight != 0:
        raise RulebookError(
            f"positive_list.weight: only a weighted positive list has a weight, got {policy.weight}"
        )


# --- plain values ----------------------------------------------------------------------------


def _percent(bp: int | None) -> str:
    return "" if bp is None else f"{bp // 100}.{bp % 100:02d}%"


def _silent_note(book: Rulebook, category: str) -> str:
    """The rulebook's note on a category it gives no number for, if any (its seed's words)."""
    word = {"special": "special", "key": "key", "general": "general"}[category]
    return next((n for n in book.notes if n.startswith(word)), "")


def _rule_to_dict(rule: CategoryRule) -> dict[str, object]:
    ratio = rule.officer_ratio
    data: dict[str, object] = {
        "category": rule.category,
        "share_bp": rule.share_bp,
        "officer_ratio": None if ratio is None else {
            "officers": ratio.officers, "units": ratio.units, "officers_counted": ratio.officers_counted,
        },
        "stratum_minimum": rule.stratum_minimum,
        "until_corrected": rule.until_corrected,
        "scope": rule.scope,
    }
    if rule.stated:  # only where the adopting agency gave the number (older rulebooks lack the key)
        data["stated"] = rule.stated
    return data


def _deadline_to_dict(deadline: Deadline | None) -> dict[str, object] | None:
    if deadline is None:
        return None
    return {"count": deadline.count, "unit": deadline.unit, "anchor": deadline.anchor}


def _source_from(d: _Reader) -> Source:
    source = Source(seed=d.text("seed"), title=d.text("title"))
    d.no_extra_keys()
    return source


def _rule_from(d: _Reader) -> CategoryRule:
    r = d.opt_mapping("officer_ratio")
    rule = CategoryRule(
        category=d.text("category"),
        share_bp=d.opt_integer("share_bp"),
        officer_ratio=None if r is None else OfficerRatio(
            officers=r.integer("officers"),
            units=r.integer("units"),
            officers_counted=r.text("officers_counted"),
        ),
        stratum_minimum=d.integer("stratum_minimum"),
        until_corrected=d.flag("until_corrected"),
        scope=d.text("scope"),
        stated=d.absent_text("stated"),
    )
    for reader in (d, *([] if r is None else [r])):
        reader.no_extra_keys()
    return rule


def _weight_from(d: _Reader) -> RiskWeight:
    weight = RiskWeight(grade=d.text("grade"), weight=d.integer("weight"))
    d.no_extra_keys()
    return weight


def _item_from(d: _Reader) -> InspectionItem:
    item = InspectionItem(item=d.text("item"), legal_basis=d.text("legal_basis"), content=d.text("content"))
    d.no_extra_keys()
    return item


def _window_from(d: _Reader) -> DrawWindow:
    window = DrawWindow(length=d.integer("length"), unit=d.text("unit"),
                        late_allowed=d.opt_flag("late_allowed"))
    d.no_extra_keys()
    return window


def _deadline_from(d: _Reader | None) -> Deadline | None:
    if d is None:
        return None
    deadline = Deadline(count=d.integer("count"), unit=d.text("unit"), anchor=d.text("anchor"))
    d.no_extra_keys()
    return deadline


class _Reader:
    """Typed reads from a plain mapping; a wrong or missing value names its field path."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            where = path.rstrip(".") or "rulebook"
            raise RulebookError(f"{where}: expected an object, got {type(data).__name__}")
        self._data = data
        self._path = path
        self._read: set[str] = set()

    def _get(self, key: str) -> object:
        if key not in self._data:
            raise RulebookError(f"{self._path}{key}: missing")
        self._read.add(key)
        return self._data[key]

    def _fail(self, key: str, wanted: str, value: object) -> RulebookError:
        return RulebookError(f"{self._path}{key}: expected {wanted}, got {type(value).__name__}")

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._fail(key, "a string", value)
        return value

    def opt_text(self, key: str) -> str | None:
        return None if self._get(key) is None else self.text(key)

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "an integer", value)
        return value

    def opt_integer(self, key: str) -> int | None:
        return None if self._get(key) is None else self.integer(key)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false", value)
        return value

    def absent_text(self, key: str) -> str:
        """A text that rulebooks recorded before it existed leave out (read as empty)."""
        return self.text(key) if key in self._data else ""

    def opt_flag(self, key: str) -> bool:
        """A flag that rulebooks recorded before it existed leave out (read as false)."""
        return key in self._data and self.flag(key)

    def mapping(self, key: str) -> _Reader:
        return _Reader(self._get(key), f"{self._path}{key}.")

    def opt_mapping(self, key: str) -> _Reader | None:
        return None if self._get(key) is None else self.mapping(key)

    def _list(self, key: str) -> list[object]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._fail(key, "a list", value)
        return value

    def mappings(self, key: str) -> list[_Reader]:
        return [_Reader(v, f"{self._path}{key}[{i}].") for i, v in enumerate(self._list(key))]

    def texts(self, key: str) -> list[str]:
        values = self._list(key)
        for i, v in enumerate(values):
            if not isinstance(v, str):
                raise self._fail(f"{key}[{i}]", "a string", v)
        return [v for v in values if isinstance(v, str)]

    def no_extra_keys(self) -> None:
        extra = sorted(str(k) for k in self._data if k not in self._read)
        if extra:
            raise RulebookError(f"{self._path}{extra[0]}: unknown field")
