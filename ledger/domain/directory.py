"""The inspection-object directory (检查对象名录库): the pollution sources an agency may draw.

Each entry is a pollution-discharging unit (排污单位) or a construction project (建设项目) with the
fields the seeds' directories keep (seed 002 annex 4; domain.md §1): name, unified social credit
code, organisation code, legal representative, phone, county, industry, address, category (key /
general / special: 重点 / 一般 / 特殊监管), control level for key units (国控 / 省控 / 市控 / 县控),
risk grade and the Shandong fixed source code. Units are never deleted: closing or relocating one
(搬迁、关停企业需及时剔除) takes it out of every later draw and keeps it in history.

The other of the two directories (两库), the inspector directory, is :mod:`ledger.domain.inspector`.
Codes are checked in full on registration: the credit code (GB 32100, with its embedded GB 11714
organisation code and its GB/T 2260 division: a retired division is a warning kept with the
entry, not a refusal), an organisation code where given, and the Shandong fixed source code where
given, cross-checked with the credit code, category, control level and special supervision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from ledger.codes.credit_code import CreditCode, CreditCodeError, parse_credit_code
from ledger.codes.fixed_source_code import (
    FixedSourceCodeError,
    cross_check,
    cross_check_national,
    is_national,
    parse_fixed_source_code,
    parse_national_source_code,
    right_code,
    with_special_suffix,
)
from ledger.codes.organisation_code import OrganisationCodeError, validate_organisation_code
from ledger.domain.chained import ChainedAggregate, stable_topics
from ledger.errors import InvalidInput

CATEGORIES = ("key", "general", "special")
CONTROL_LEVELS = ("national", "provincial", "city", "county")
KINDS = ("unit", "construction_project")
UPDATABLE = (
    "name", "organisation_code", "legal_representative", "phone", "industry", "address",
    "risk_grade", "fixed_source_code",
)
#: The longest text each field may hold, in characters (a registered name is far shorter).
LONGEST = {"name": 200, "county": 50, "legal_representative": 50, "industry": 100, "address": 300}
#: 风险等级: a short grade label (A, B, C, D; 1-5; 一级…), as the rulebook's risk weights name them.
_RISK_GRADE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff]{1,8}$")
#: 联系电话: digits with the usual separators (0994-2345678, 13800138000, +86 994 2345678).
_PHONE = re.compile(r"^\+?\(?[0-9][0-9 ()-]*[0-9]$")
OBJECT_NAMESPACE = uuid5(NAMESPACE_URL, "https://spotcheck.invalid/inspection-object")


class DirectoryRuleError(InvalidInput):
    """A directory entry that breaks a rule; the message names the field and the rule."""


def object_id(agency_id: str, credit_code: str) -> UUID:
    """A unit's aggregate id: one entry per credit code in an agency's directory."""
    return uuid5(OBJECT_NAMESPACE, f"{agency_id}/{credit_code.strip().upper()}")


@stable_topics("ledger.directory")
class InspectionObject(ChainedAggregate):
    """A pollution source in the inspection-object directory (检查对象)."""

    @staticmethod
    def create_id(agency_id: str, credit_code: str) -> UUID:
        return object_id(agency_id, credit_code)

    @event("Registered")
    def __init__(
        self,
        agency_id: str,
        name: str,
        credit_code: str,
        category: str,
        county: str,
        details: dict[str, str],
        warnings: list[str],
    ) -> None:
        self.agency_id = agency_id
        self.name = name
        self.credit_code = credit_code
        self.category = category
        self.county = county
        self.details = dict(details)
        self.warnings = list(warnings)
        self.status = "active"
        self.special_reasons: list[str] = []
        self.category_before_special: str | None = None

    @classmethod
    def register(
        cls,
        agency_id: str,
        name: str,
        credit_code: str,
        category: str,
        county: str,
        **details: str,
    ) -> InspectionObject:
        """Register a unit; ``details`` are the optional fields (``kind``, ``control_level``,
        and those of :data:`UPDATABLE`)."""
        _require("name", name, "an inspection object needs a name")
        _require("county", county, "an inspection object needs its county (所属区县)")
        _check_field("name", name.strip())
        _check_field("county", county.strip())
        _check_category(category)
        credit = _parse_credit(credit_code)
        checked = _checked_details(details, category)
        warnings = [*credit.warnings, *_check_codes(credit, checked, category)]
        return cls(
            agency_id=agency_id, name=name.strip(), credit_code=credit.code, category=category,
            county=county.strip(), details=checked, warnings=warnings,
        )

    @property
    def kind(self) -> str:
        return self.details.get("kind", "unit")

    @property
    def control_level(self) -> str:
        return self.details.get("control_level", "")

    @property
    def fixed_source_code(self) -> str:
        """The Shandong fixed source code as it stands now: registered before the unit was put
        under special supervision, it gains the ``(1)`` suffix then (and loses it when lifted),
        so that what the directory shows and exports checks against the unit's category."""
        code = self.details.get("fixed_source_code", "")
        return with_special_suffix(code, self.category == "special") if code else ""

    @property
    def in_directory(self) -> bool:
        """Still drawable: not closed nor relocated (suspended units stay in the directory)."""
        return self.status in ("active", "suspended")

    # -- details and category ------------------------------------------------------------------
    def update(self, changes: dict[str, str], reason: str) -> None:
        unknown = sorted(set(changes) - set(UPDATABLE))
        if unknown:
            raise DirectoryRuleError(
                f"{unknown[0]}: not a field that can be updated (use one of {', '.join(UPDATABLE)})"
            )
        if "name" in changes:
            _require("name", changes["name"], "an inspection object needs a name")
        for field, value in changes.items():
            _check_field(field, value)
        _require("reason", reason, "an update needs a reason")
        effective = {k: v for k, v in changes.items() if self._current(k) != v}
        if effective:
            self._updated(changes=effective, reason=reason)

    def _current(self, field: str) -> str:
        return self.name if field == "name" else self.details.get(field, "")

    @event("DetailsUpdated")
    def _updated(self, changes: dict[str, str], reason: str) -> None:
        for field, value in changes.items():
            if field == "name":
                self.name = value
            else:
                self.details[field] = value

    def reclassify(self, category: str, reason: str, control_level: str = "") -> None:
        _check_category(category)
        _check_control_level(category, control_level)
        _require("reason", reason, "a reclassification needs a reason")
        self._reclassified(category=category, reason=reason, control_level=control_level)

    @event("Reclassified")
    def _reclassified(self, category: str, reason: str, control_level: str) -> None:
        self.category = category
        self.details["control_level"] = control_level

    def mark_special(self, reasons: list[str], approved_by: str) -> None:
        """Put the unit under special supervision (特殊监管对象), with the seeds' reasons
        (serious violation record, unresolved violation, high risk, many complaints, …)."""
        cleaned = [r.strip() for r in reasons if r.strip()]
        if not cleaned:
            raise DirectoryRuleError("reasons: special supervision needs at least one reason")
        _require("approved_by", approved_by, "special supervision needs an approver")
        self._special_marked(reasons=cleaned, approved_by=approved_by)

    @event("SpecialSupervisionMarked")
    def _special_marked(self, reasons: list[str], approved_by: str) -> None:
        if self.category != "special":
            self.category_before_special = self.category
        self.category = "special"
        self.special_reasons = list(reasons)

    def lift_special(self, reason: str, approved_by: str) -> None:
        if self.category != "special":
            raise DirectoryRuleError(f"category: {self.name} is not under special supervision")
        _require("reason", reason, "lifting special supervision needs a reason")
        _require("approved_by", approved_by, "lifting special supervision needs an approver")
        self._special_lifted(reason=reason, approved_by=approved_by)

    @event("SpecialSupervisionLifted")
    def _special_lifted(self, reason: str, approved_by: str) -> None:
        self.category = self.category_before_special or "general"
        self.category_before_special = None
        self.special_reasons = []

    # -- status ------------------------------------------------------------------------------------
    def suspend(self, reason: str) -> None:
        """停产: stays in the directory (a visit may find no production)."""
        self._require_status("active", "suspend")
        _require("reason", reason, "a suspension needs a reason")
        self._suspended(reason=reason)

    @event("Suspended")
    def _suspended(self, reason: str) -> None:
        self.status = "suspended"

    def resume(self, reason: str) -> None:
        self._require_status("suspended", "resume")
        _require("reason", reason, "resuming needs a reason")
        self._resumed(reason=reason)

    @event("Resumed")
    def _resumed(self, reason: str) -> None:
        self.status = "active"

    def close(self, reason: str) -> None:
        """关停 → 剔除: out of every later draw, kept in history, never deleted."""
        if not self.in_directory:
            raise DirectoryRuleError(f"status: {self.name} is already {self.status}")
        _require("reason", reason, "closing a unit needs a reason")
        self._closed(reason=reason)

    @event("Closed")
    def _closed(self, reason: str) -> None:
        self.status = "closed"

    def relocate(self, reason: str, destination: str) -> None:
        """搬迁 → 剔除 from this agency's directory (the destination registers it anew)."""
        if not self.in_directory:
            raise DirectoryRuleError(f"status: {self.name} is already {self.status}")
        _require("reason", reason, "a relocation needs a reason")
        _require("destination", destination, "a relocation needs its destination")
        self._relocated(reason=reason, destination=destination)

    @event("Relocated")
    def _relocated(self, reason: str, destination: str) -> None:
        self.status = "relocated"

    @property
    def closed(self) -> bool:
        return self.status == "closed"

    def _require_status(self, expected: str, action: str) -> None:
        if self.status != expected:
            raise DirectoryRuleError(f"status: cannot {action} {self.name}, it is {self.status}")


def entry_problems(
    name: str, credit_code: str, category: str, county: str, details: dict[str, Any]
) -> list[str]:
    """Every rule an entry breaks (``field: reason`` each), not only the first: what an import
    reports for a bad row. Empty exactly when :meth:`InspectionObject.register` accepts it.
    The codes are cross-checked only when the fields they are checked against are good."""
    found: list[str] = []

    def attempt(check: Callable[..., object], *args: Any) -> bool:
        try:
            check(*args)
        except InvalidInput as exc:
            found.append(str(exc))
            return False
        return True

    for field, value, rule in (("name", name, "an inspection object needs a name"),
                               ("county", county, "an inspection object needs its county (所属区县)")):
        if attempt(_require, field, value, rule):
            attempt(_check_field, field, value.strip())
    good_category = attempt(_check_category, category)
    credit: CreditCode | None = None
    try:
        credit = _parse_credit(credit_code)
    except DirectoryRuleError as exc:
        found.append(str(exc))
    allowed = {"kind", "control_level", *UPDATABLE} - {"name"}
    found += [f"{field}: not a field of an inspection object" for field in sorted(set(details) - allowed)]
    checked = {k: str(v).strip() for k, v in details.items()
               if k in allowed and v is not None and str(v).strip()}
    for field, value in checked.items():
        attempt(_check_field, field, value)
    kind = checked.get("kind", "unit")
    if kind not in KINDS:
        found.append(f"kind: {kind!r} is not one of {', '.join(KINDS)} (排污单位/建设项目)")
    level = checked.get("control_level", "")
    good_level = attempt(_check_control_level, category if good_category else "key", level)
    for code in ("organisation_code", "fixed_source_code"):
        if code not in checked:
            continue
        if credit is not None and good_category and good_level:
            one = {code: checked[code], **({"control_level": level} if level else {})}
            attempt(_check_codes, credit, one, category)
        else:  # nothing to cross-check it with: its own shape and check character
            attempt(_code_alone, code, checked[code])
    return found


def _code_alone(field: str, text: str) -> None:
    """An organisation or fixed source code checked by itself (its credit code being bad)."""
    from ledger.codes.fixed_source_code import parse_source_code

    try:
        if field == "organisation_code":
            validate_organisation_code(text)
        else:
            parse_source_code(text)
    except InvalidInput as exc:
        raise DirectoryRuleError(str(exc)) from None


def _checked_details(details: dict[str, Any], category: str) -> dict[str, str]:
    allowed = {"kind", "control_level", *UPDATABLE} - {"name"}
    unknown = sorted(set(details) - allowed)
    if unknown:
        raise DirectoryRuleError(f"{unknown[0]}: not a field of an inspection object")
    checked = {k: str(v).strip() for k, v in details.items() if v is not None and str(v).strip()}
    for field, value in checked.items():
        _check_field(field, value)
    kind = checked.setdefault("kind", "unit")
    if kind not in KINDS:
        raise DirectoryRuleError(f"kind: {kind!r} is not one of {', '.join(KINDS)} (排污单位/建设项目)")
    _check_control_level(category, checked.get("control_level", ""))
    return checked


def _parse_credit(credit_code: str) -> CreditCode:
    try:
        return parse_credit_code(credit_code)
    except CreditCodeError as exc:
        raise DirectoryRuleError(str(exc)) from None


def _check_codes(credit: CreditCode, details: dict[str, str], category: str) -> list[str]:
    """The organisation code and the Shandong fixed source code, where given, must agree with the
    credit code and the unit's category; returns warnings (e.g. a retired division)."""
    warnings: list[str] = []
    if "organisation_code" in details:
        try:
            organisation = validate_organisation_code(details["organisation_code"])
        except OrganisationCodeError as exc:
            raise DirectoryRuleError(str(exc)) from None
        if organisation != credit.organisation_code:
            raise DirectoryRuleError(
                f"organisation_code: {organisation} is not the organisation code embedded in "
                f"credit_code {credit.code} ({credit.organisation_code})"
            )
        details["organisation_code"] = organisation
    if "fixed_source_code" in details and is_national(details["fixed_source_code"]):
        try:
            national = parse_national_source_code(details["fixed_source_code"])
        except FixedSourceCodeError as exc:
            raise DirectoryRuleError(str(exc)) from None
        mismatches = cross_check_national(national, credit)
        if mismatches:
            raise DirectoryRuleError("fixed_source_code: " + "; ".join(mismatches))
        details["fixed_source_code"] = national.text()
    elif "fixed_source_code" in details:
        try:
            fixed = parse_fixed_source_code(details["fixed_source_code"])
        except FixedSourceCodeError as exc:
            raise DirectoryRuleError(str(exc)) from None
        special = category == "special"
        # A general unit has no control level of its own: its env code (23 city / 24 county
        # general) names the supervising level, so only the category is compared for it; a
        # special object is compared on the category and level its code carries.
        level = details.get("control_level", "")
        if special or category == "general":
            level = level or fixed.control_level
        fits = fixed.category if special else category
        mismatches = cross_check(fixed, credit, category=fits, control_level=level,
                                 special=special)
        right = right_code(fixed, credit, category=fits, control_level=level, special=special)
        if mismatches and right is not None and not fixed.locally_numbered:
            mismatches.append(f"the code that fits the directory would be {right}")
        if mismatches:
            raise DirectoryRuleError("fixed_source_code: " + "; ".join(mismatches))
        details["fixed_source_code"] = fixed.text()
        warnings.extend(fixed.warnings)
    return warnings


def _check_field(field: str, value: str) -> None:
    """The shape of one text field: its length, a phone number's digits, a risk grade's label."""
    longest = LONGEST.get(field)
    if longest is not None and len(value) > longest:
        raise DirectoryRuleError(
            f"{field}: {len(value)} characters, longer than the {longest} a {field} may have"
        )
    if field == "phone" and value and not (
        _PHONE.match(value) and 7 <= sum(c.isdigit() for c in value) <= 20
    ):
        raise DirectoryRuleError(
            f"phone: {value!r} is not a phone number (7-20 digits, e.g. 0994-2345678 or 13800138000)"
        )
    if field == "risk_grade" and value and not _RISK_GRADE.match(value):
        raise DirectoryRuleError(
            f"risk_grade: {value!r} is not a risk grade (a label of up to 8 letters, digits or "
            "Chinese characters, e.g. A, B, C, D)"
        )


def _require(field: str, value: Any, rule: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DirectoryRuleError(f"{field}: {rule}")


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise DirectoryRuleError(
            f"category: {category!r} is not one of {', '.join(CATEGORIES)} (重点/一般/特殊监管)"
        )


def _check_control_level(category: str, control_level: str) -> None:
    if control_level and control_level not in CONTROL_LEVELS:
        raise DirectoryRuleError(
            f"control_level: {control_level!r} is not one of {', '.join(CONTROL_LEVELS)}"
            " (国控/省控/市控/县控)"
        )
    if control_level and category == "general":
        raise DirectoryRuleError(
            f"control_level: a general unit has no control level (found {control_level!r});"
            " controlled units are key units (重点排污单位)"
        )
