"""The inspection-object directory (检查对象名录库): pollution sources an agency may draw.

The other of the two directories (两库), the inspector directory, is :mod:`ledger.inspector`.
The directories issue grows this one (code checks, the full field list, special supervision,
construction projects); what is here registers, reclassifies and closes units.
"""

from __future__ import annotations

from eventsourcing.domain import event

from ledger.chained import ChainedAggregate

CATEGORIES = ("key", "general", "special")


class DirectoryRuleError(ValueError):
    """A directory entry that breaks a rule; the message names the field and the rule."""


class InspectionObject(ChainedAggregate):
    """A pollution source in the inspection-object directory (检查对象)."""

    @event("Registered")
    def __init__(
        self, agency_id: str, name: str, credit_code: str, category: str, county: str
    ) -> None:
        self.agency_id = agency_id
        self.name = name
        self.credit_code = credit_code
        self.category = category
        self.county = county
        self.closed = False

    @classmethod
    def register(
        cls, agency_id: str, name: str, credit_code: str, category: str, county: str
    ) -> InspectionObject:
        if not name.strip():
            raise DirectoryRuleError("name: an inspection object needs a name")
        if len(credit_code) != 18:
            raise DirectoryRuleError(
                f"credit_code: {credit_code!r} is not an 18-character unified social credit code"
            )
        _check_category(category)
        return cls(
            agency_id=agency_id, name=name, credit_code=credit_code, category=category,
            county=county,
        )

    def reclassify(self, category: str, reason: str) -> None:
        _check_category(category)
        if not reason.strip():
            raise DirectoryRuleError("reason: a reclassification needs a reason")
        self._reclassified(category=category, reason=reason)

    @event("Reclassified")
    def _reclassified(self, category: str, reason: str) -> None:
        self.category = category

    def close(self, reason: str) -> None:
        """剔除: kept in history, never deleted."""
        if self.closed:
            raise DirectoryRuleError(f"{self.name} is already closed")
        self._closed(reason=reason)

    @event("Closed")
    def _closed(self, reason: str) -> None:
        self.closed = True


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise DirectoryRuleError(
            f"category: {category!r} is not one of {', '.join(CATEGORIES)} (重点/一般/特殊监管)"
        )
