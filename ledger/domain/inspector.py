"""The inspector directory (执法检查人员名录库): who may be sent, when, and to whom not.

An inspector is a certified enforcement officer (执法人员) of an agency, or an outside expert
(外聘专家) who may assist; the directory records their post, enforcement category, certificate
number (执法证号, unique: the aggregate's id is derived from it), expertise, the source categories
they may inspect, whether they are active, their leave periods, and their declared conflicts of
interest (利害关系, 回避): an inspector with an interest in a unit is never sent there.

Every change is an event; nothing is edited in place. Dates are ISO ``YYYY-MM-DD`` strings so that
event payloads stay inside the canonical JSON profile.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from ledger.domain.chained import ChainedAggregate, stable_topics
from ledger.errors import InvalidInput

CATEGORIES = ("key", "general", "special")
INSPECTOR_NAMESPACE = uuid5(NAMESPACE_URL, "https://spotcheck.invalid/inspector")


class InspectorRuleError(InvalidInput):
    """An inspector entry or change that breaks a rule; the message names the field and the rule."""


def inspector_id(certificate_no: str) -> UUID:
    """The inspector's aggregate id, derived from the certificate number (so it is unique)."""
    return uuid5(INSPECTOR_NAMESPACE, certificate_no.strip().upper())


@stable_topics("ledger.inspector")
class Inspector(ChainedAggregate):
    """A certified enforcement officer, or an outside expert, in the inspector directory."""

    @staticmethod
    def create_id(certificate_no: str) -> UUID:
        return inspector_id(certificate_no)

    @event("Registered")
    def __init__(
        self,
        agency_id: str,
        name: str,
        certificate_no: str,
        post: str,
        enforcement_category: str,
        expertise: list[str],
        may_inspect: list[str],
        outside_expert: bool,
    ) -> None:
        self.agency_id = agency_id
        self.name = name
        self.certificate_no = certificate_no
        self.post = post
        self.enforcement_category = enforcement_category
        self.expertise = list(expertise)
        self.may_inspect = list(may_inspect)
        self.outside_expert = outside_expert
        self.active = True
        self.leaves: list[tuple[str, str, str]] = []
        self.conflicts: dict[str, str] = {}

    @classmethod
    def register(
        cls,
        agency_id: str,
        name: str,
        certificate_no: str,
        post: str,
        enforcement_category: str = "生态环境",
        expertise: list[str] | None = None,
        may_inspect: list[str] | None = None,
        outside_expert: bool = False,
    ) -> Inspector:
        _require("name", name, "an inspector needs a name")
        _require("certificate_no", certificate_no, "an inspector needs a certificate number (执法证号)")
        _require("post", post, "an inspector needs a post (职务)")
        for field, value in (("name", name), ("certificate_no", certificate_no), ("post", post),
                             ("enforcement_category", enforcement_category),
                             *(("expertise", tag) for tag in expertise or [])):
            _check_length(field, value.strip())
        categories = list(may_inspect if may_inspect is not None else CATEGORIES)
        _check_categories(categories)
        return cls(
            agency_id=agency_id, name=name.strip(), certificate_no=certificate_no.strip().upper(),
            post=post.strip(), enforcement_category=enforcement_category.strip(),
            expertise=[tag.strip() for tag in expertise or [] if tag.strip()],
            may_inspect=categories, outside_expert=outside_expert,
        )

    # -- availability ---------------------------------------------------------------------------
    def deactivate(self, reason: str) -> None:
        if not self.active:
            raise InspectorRuleError(f"active: {self.name} is already inactive")
        _require("reason", reason, "deactivating an inspector needs a reason")
        self._deactivated(reason=reason)

    @event("Deactivated")
    def _deactivated(self, reason: str) -> None:
        self.active = False

    def reactivate(self, reason: str) -> None:
        if self.active:
            raise InspectorRuleError(f"active: {self.name} is already active")
        _require("reason", reason, "reactivating an inspector needs a reason")
        self._reactivated(reason=reason)

    @event("Reactivated")
    def _reactivated(self, reason: str) -> None:
        self.active = True

    def record_leave(self, first_day: str, last_day: str, reason: str) -> None:
        """A leave period (请假/休假/外出学习), both days included."""
        start, end = _parse_day("first_day", first_day), _parse_day("last_day", last_day)
        if end < start:
            raise InspectorRuleError(f"last_day: {last_day} is before first_day {first_day}")
        _require("reason", reason, "a leave period needs a reason")
        self._leave_recorded(first_day=start.isoformat(), last_day=end.isoformat(), reason=reason)

    @event("LeaveRecorded")
    def _leave_recorded(self, first_day: str, last_day: str, reason: str) -> None:
        self.leaves.append((first_day, last_day, reason))

    def is_available(self, on: date) -> bool:
        """Active and not on leave that day."""
        day = on.isoformat()
        return self.active and not any(first <= day <= last for first, last, _ in self.leaves)

    def may_inspect_category(self, category: str) -> bool:
        return category in self.may_inspect

    # -- conflicts of interest --------------------------------------------------------------------
    def declare_conflict(self, unit_id: str, reason: str) -> None:
        """利害关系: this inspector must never be sent to ``unit_id``."""
        _require("reason", reason, "a declared conflict of interest needs its reason")
        if unit_id in self.conflicts:
            raise InspectorRuleError(
                f"unit_id: a conflict with {unit_id} is already declared ({self.conflicts[unit_id]})"
            )
        self._conflict_declared(unit_id=unit_id, reason=reason)

    @event("ConflictDeclared")
    def _conflict_declared(self, unit_id: str, reason: str) -> None:
        self.conflicts[unit_id] = reason

    def withdraw_conflict(self, unit_id: str, reason: str, approved_by: str) -> None:
        if unit_id not in self.conflicts:
            raise InspectorRuleError(f"unit_id: no conflict with {unit_id} is declared")
        _require("reason", reason, "withdrawing a conflict needs a reason")
        _require("approved_by", approved_by, "withdrawing a conflict needs an approver")
        self._conflict_withdrawn(unit_id=unit_id, reason=reason, approved_by=approved_by)

    @event("ConflictWithdrawn")
    def _conflict_withdrawn(self, unit_id: str, reason: str, approved_by: str) -> None:
        del self.conflicts[unit_id]

    def has_conflict_with(self, unit_id: str) -> bool:
        return unit_id in self.conflicts


def entry_problems(
    name: str, certificate_no: str, post: str, enforcement_category: str = "生态环境",
    expertise: list[str] | None = None, may_inspect: list[str] | None = None,
) -> list[str]:
    """Every rule an inspector entry breaks (``field: reason`` each), not only the first: what an
    import reports for a bad row. Empty exactly when :meth:`Inspector.register` accepts it."""
    found: list[str] = []
    for field, value, rule in (
        ("name", name, "an inspector needs a name"),
        ("certificate_no", certificate_no, "an inspector needs a certificate number (执法证号)"),
        ("post", post, "an inspector needs a post (职务)"),
    ):
        if not isinstance(value, str) or not value.strip():
            found.append(f"{field}: {rule}")
    for field, value in (("name", name), ("certificate_no", certificate_no), ("post", post),
                         ("enforcement_category", enforcement_category),
                         *(("expertise", tag) for tag in expertise or [])):
        try:
            _check_length(field, value.strip())
        except InspectorRuleError as exc:
            found.append(str(exc))
    try:
        _check_categories(list(may_inspect if may_inspect is not None else CATEGORIES))
    except InspectorRuleError as exc:
        found.append(str(exc))
    return found


#: The longest text each field may hold, in characters.
LONGEST = {"name": 50, "certificate_no": 32, "post": 50, "enforcement_category": 50, "expertise": 50}


def _check_length(field: str, value: str) -> None:
    if len(value) > LONGEST[field]:
        raise InspectorRuleError(
            f"{field}: {len(value)} characters, longer than the {LONGEST[field]} a {field} may have"
        )


def _require(field: str, value: Any, rule: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InspectorRuleError(f"{field}: {rule}")


def _check_categories(categories: list[str]) -> None:
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown or not categories:
        raise InspectorRuleError(
            f"may_inspect: {unknown or categories!r} — each must be one of {', '.join(CATEGORIES)}"
            " (重点/一般/特殊监管), and at least one is needed"
        )


def _parse_day(field: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise InspectorRuleError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None
