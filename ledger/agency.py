"""Enforcing agencies (执法机构): the bodies that keep directories, draw, inspect and publish.

Grown by the directories issue (hierarchy, rulebooks, one log per agency); for now an agency is
established with its administrative division code (行政区划代码, GB/T 2260) and level.
"""

from __future__ import annotations

from eventsourcing.domain import event

from ledger.chained import ChainedAggregate

LEVELS = ("province", "prefecture", "county")


class AgencyRuleError(ValueError):
    """A field that breaks a rule, named with the rule."""


class Agency(ChainedAggregate):
    """An ecology and environment bureau (生态环境局) at one level of the hierarchy."""

    @event("Established")
    def __init__(self, name: str, division_code: str, level: str) -> None:
        self.name = name
        self.division_code = division_code
        self.level = level

    @classmethod
    def establish(cls, name: str, division_code: str, level: str) -> Agency:
        if not name.strip():
            raise AgencyRuleError("name: an agency needs a name")
        if len(division_code) != 6 or not division_code.isdigit():
            raise AgencyRuleError(
                f"division_code: {division_code!r} is not a 6-digit GB/T 2260 division code"
            )
        if level not in LEVELS:
            raise AgencyRuleError(f"level: {level!r} is not one of {', '.join(LEVELS)}")
        return cls(name=name, division_code=division_code, level=level)
