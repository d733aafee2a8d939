"""Enforcing agencies (执法机构) in their hierarchy: the bodies that keep directories, draw,
inspect, publish, and audit the level below.

Levels (层级): province (省, 自治区) → prefecture (地级: 州 / 盟 / 地级市) → county (县级: 县 / 旗 /
县级市 / 区 / 园区). Each agency is identified by its administrative division code (行政区划代码,
GB/T 2260): one agency per code. Each names its own transparency log (``log_origin``), the origin
line of its checkpoints.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from ledger.codes.division import DivisionError, lookup_division
from ledger.domain.chained import ChainedAggregate, stable_topics
from ledger.domain.plan import AnnualPlan
from ledger.domain.rulebook import Rulebook, RulebookError
from ledger.errors import InvalidInput
from verify.working_days import WorkingCalendar, WorkingCalendarError, YearSchedule

LEVELS = ("province", "prefecture", "county")
#: The names agencies use for each level (seed 004: 盟市 / 旗县; seed 000: 县市、园区).
KINDS = {
    "province": "province", "autonomous_region": "province",
    "prefecture": "prefecture", "league": "prefecture", "city": "prefecture",
    "county": "county", "banner": "county", "county_city": "county", "district": "county",
    "park": "county",
}
AGENCY_NAMESPACE = uuid5(NAMESPACE_URL, "https://spotcheck.invalid/agency")
DEFAULT_LOG_DOMAIN = "spotcheck.gov.cn"


#: The longest name an agency may have, in characters.
NAME_LONGEST = 100
#: The years a plan or a year's list may be for (a four-digit year of this century).
YEARS = range(2000, 2100)


class AgencyRuleError(InvalidInput):
    """A field that breaks a rule, named with the rule."""


def check_year(year: int, field: str = "year") -> int:
    """``year``, or :class:`AgencyRuleError` when no plan can be for it."""
    if isinstance(year, bool) or not isinstance(year, int) or year not in YEARS:
        raise AgencyRuleError(f"{field}: {year!r} is not a year a plan can be for "
                              f"({YEARS.start}-{YEARS.stop - 1})")
    return year


def _check_division_in_use(code: str, kind: str) -> None:
    """An agency is established for a division GB/T 2260 lists and that is still in use; only a
    development zone (``park``), which may carry a code of its own that GB/T 2260 does not list,
    is exempt from the first."""
    try:
        division = lookup_division(code)
    except DivisionError:
        if kind == "park":
            return
        raise AgencyRuleError(
            f"division_code: {code} is not in GB/T 2260 (python-stdnum cn/loc); an agency is "
            "established for a division that exists (a development zone: --kind park)"
        ) from None
    if division.retired:
        raise AgencyRuleError(
            f"division_code: {code} {division.name} was retired in {division.valid_until}; an agency "
            "is established for a division in use"
        )


def agency_id(division_code: str) -> UUID:
    """An agency's aggregate id: one agency per division code."""
    return uuid5(AGENCY_NAMESPACE, division_code.strip())


@stable_topics("ledger.agency")
class Agency(ChainedAggregate):
    """An ecology and environment bureau (生态环境局 / 分局) at one level of the hierarchy."""

    @staticmethod
    def create_id(division_code: str) -> UUID:
        return agency_id(division_code)

    @event("Established")
    def __init__(
        self, name: str, division_code: str, level: str, kind: str, parent_id: str,
        log_origin: str,
    ) -> None:
        self.name = name
        self.division_code = division_code
        self.level = level
        self.kind = kind
        self.parent_id = parent_id
        self.log_origin = log_origin
        self.rulebooks: list[dict[str, Any]] = []
        self.plans: dict[int, dict[str, Any]] = {}
        self.working_calendar: dict[int, dict[str, Any]] = {}
        self.published_lists: dict[int, list[dict[str, str]]] = {}
        #: The log's verifier keys after each rotation (日志密钥轮换), oldest first; the last is the
        #: key in force. Empty: the key the log was started with is still in force.
        self.log_keys: list[str] = []

    @classmethod
    def establish(
        cls, name: str, division_code: str, kind: str, parent: Agency | None = None,
        log_origin: str = "",
    ) -> Agency:
        """Establish an agency under ``parent`` (None: the top of this deployment)."""
        if not name.strip():
            raise AgencyRuleError("name: an agency needs a name")
        if len(name.strip()) > NAME_LONGEST:
            raise AgencyRuleError(f"name: {len(name.strip())} characters, longer than the "
                                  f"{NAME_LONGEST} an agency's name may have")
        code = division_code.strip()
        if len(code) != 6 or not code.isdigit():
            raise AgencyRuleError(
                f"division_code: {division_code!r} is not a 6-digit GB/T 2260 division code"
            )
        if kind not in KINDS:
            raise AgencyRuleError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
        _check_division_in_use(code, kind)
        level = KINDS[kind]
        if parent is not None:
            _check_parent(level, code, parent)
        origin = log_origin.strip() or f"{code}.{DEFAULT_LOG_DOMAIN}/spotcheck"
        if " " in origin or "+" in origin:
            raise AgencyRuleError(f"log_origin: {origin!r} may not contain spaces or '+'")
        return cls(
            name=name.strip(), division_code=code, level=level, kind=kind,
            parent_id="" if parent is None else str(parent.id), log_origin=origin,
        )


    # -- rulebooks and plans ---------------------------------------------------------------------
    def adopt_rulebook(self, rulebook: Rulebook, approved_by: str, reason: str) -> None:
        """Adopt a rulebook from its ``adopted_from`` date, recording who approved it and why
        (seed 004: changing a ratio needs a written report upward)."""
        if not rulebook.adopted_from:
            raise AgencyRuleError("adopted_from: a rulebook is adopted from a date (YYYY-MM-DD)")
        try:
            rulebook.validate()
        except RulebookError as exc:
            raise AgencyRuleError(f"rulebook.{exc}") from None
        if rulebook.unstated():
            raise AgencyRuleError(f"rulebook.minimums.{rulebook.unstated()[0]}: no number for these "
                                  "units; adopt it with one stated (a quota of 0 is never assumed)")
        _require("approved_by", approved_by, "adopting a rulebook needs its approver")
        _require("reason", reason, "adopting a rulebook needs a reason")
        self._rulebook_adopted(rulebook=rulebook.to_dict(), approved_by=approved_by, reason=reason)

    @event("RulebookAdopted")
    def _rulebook_adopted(self, rulebook: dict[str, Any], approved_by: str, reason: str) -> None:
        self.rulebooks.append(rulebook)

    def rulebook_in_force(self, on: str) -> Rulebook | None:
        """The rulebook adopted latest from a date on or before ``on`` (ISO date)."""
        in_force = [b for b in self.rulebooks if str(b["adopted_from"]) <= on]
        if not in_force:
            return None
        return Rulebook.from_dict(max(in_force, key=lambda b: str(b["adopted_from"])))

    def file_plan(self, plan: AnnualPlan, approved_by: str) -> None:
        """File the annual plan (年度计划): one per year; a revision is filed with its reason."""
        if plan.year is None:
            raise AgencyRuleError("year: an annual plan is for a year")
        check_year(plan.year)
        _require("approved_by", approved_by, "filing a plan needs its approver")
        self._plan_filed(year=plan.year, plan=plan.to_dict(), approved_by=approved_by)

    @event("AnnualPlanFiled")
    def _plan_filed(self, year: int, plan: dict[str, Any], approved_by: str) -> None:
        self.plans[year] = plan


    # -- the year's list of units under random supervision ----------------------------------------
    def publish_year_list(self, year: int, units: list[dict[str, str]], published_by: str) -> None:
        """Publish the year's list of units under random supervision (seed 001: 「年度双随机
        抽查对象名录」 public by the end of January); units by name and credit code only."""
        check_year(year)
        _require("published_by", published_by, "publishing the year's list names who published it")
        for n, unit in enumerate(units):
            if set(unit) != {"name", "credit_code"}:
                raise AgencyRuleError(f"units[{n}]: a published entry is its name and credit code")
        self._year_list_published(year=year, units=units, published_by=published_by)

    @event("YearListPublished")
    def _year_list_published(self, year: int, units: list[dict[str, str]], published_by: str) -> None:
        self.published_lists[year] = list(units)

    # -- the log's key ---------------------------------------------------------------------------
    def rotate_log_key(self, verifier_key: str, previous_key: str, handover: str, reason: str,
                       rotated_by: str) -> None:
        """Record that this agency's log is signed, from its next checkpoint on, by a new key
        (``verifier_key``, C2SP signed-note verifier key text, named by the log's origin). The
        ``handover`` is a signed note by the previous key endorsing the new one (empty when the
        previous key is lost or compromised: then the new key must reach auditors another way).
        Checkpoints up to this event's index stay verifiable with the previous key."""
        for field, value in (("verifier_key", verifier_key), ("previous_key", previous_key)):
            if not value.startswith(self.log_origin + "+") or value.count("+") < 2:
                raise AgencyRuleError(f"{field}: not a verifier key of log {self.log_origin}")
        if verifier_key == previous_key:
            raise AgencyRuleError("verifier_key: a rotation needs a new key")
        if self.log_keys and previous_key != self.log_keys[-1]:
            raise AgencyRuleError("previous_key: not the key in force (the last rotation's key)")
        _require("reason", reason, "a key rotation needs a reason")
        _require("rotated_by", rotated_by, "a key rotation names who rotated it")
        self._log_key_rotated(verifier_key=verifier_key, previous_key=previous_key,
                              handover=handover, reason=reason, rotated_by=rotated_by)

    @event("LogKeyRotated")
    def _log_key_rotated(self, verifier_key: str, previous_key: str, handover: str, reason: str,
                         rotated_by: str) -> None:
        self.log_keys.append(verifier_key)

    # -- the working-day calendar ---------------------------------------------------------------
    def record_working_calendar(self, schedule: dict[str, Any], recorded_by: str) -> None:
        """Record the State Council's holiday schedule of one year (法定节假日安排), which then
        governs this agency's deadlines and draw windows (and the verifier's). A later record of the
        same year replaces the earlier one: a next year's notice sometimes moves late-December
        days."""
        try:
            parsed = YearSchedule.from_data(schedule)
        except (WorkingCalendarError, TypeError) as exc:
            raise AgencyRuleError(f"schedule.{exc}") from None
        _require("recorded_by", recorded_by, "recording a year's schedule names who recorded it")
        self._calendar_recorded(schedule=parsed.as_data(), recorded_by=recorded_by)

    @event("WorkingCalendarRecorded")
    def _calendar_recorded(self, schedule: dict[str, Any], recorded_by: str) -> None:
        self.working_calendar[int(schedule["year"])] = schedule

    def calendar(self) -> WorkingCalendar:
        """Working days as recorded for this agency (an unrecorded year is an error when used)."""
        return WorkingCalendar(YearSchedule.from_data(d) for d in self.working_calendar.values())


def _require(field: str, value: str, rule: str) -> None:
    if not value.strip():
        raise AgencyRuleError(f"{field}: {rule}")


def _check_parent(level: str, code: str, parent: Agency) -> None:
    expected = LEVELS[LEVELS.index(level) - 1] if level != "province" else None
    if expected is None:
        raise AgencyRuleError("parent_id: a province-level agency has no parent")
    if parent.level != expected:
        raise AgencyRuleError(
            f"parent_id: a {level}-level agency sits under a {expected}-level one, "
            f"not under {parent.name} ({parent.level})"
        )
    if code[:2] != parent.division_code[:2]:
        raise AgencyRuleError(
            f"division_code: {code} is not in the province of its parent {parent.name} "
            f"({parent.division_code})"
        )
