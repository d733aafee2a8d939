"""The request bodies of the routes (JSON), as pydantic models: their schemas are the OpenAPI's.

Dates are ``YYYY-MM-DD`` text, checked by the service (a missing date is today). No body field
names who acts: that is the account of the request's credentials.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Text = Field(default="", max_length=2000)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EntityChange(Body):
    """One change of an inspection object's entry, with its reason."""

    change: Literal["close", "update", "reclassify", "special", "lift_special", "suspend", "resume",
                    "relocate"]
    reason: str = Field(max_length=2000)
    fields: dict[str, str] = Field(default_factory=dict, description="update: FIELD → VALUE")
    category: str = Field(default="", max_length=40, description="reclassify: key, general, special")
    control_level: str = Field(default="", max_length=40)
    reasons: list[str] = Field(default_factory=list, description="special: the reasons")
    approved_by: str = Field(default="", max_length=200, description="special: who approved it")
    destination: str = Field(default="", max_length=500, description="relocate: where it moved")


class InspectorChange(Body):
    change: Literal["leave", "deactivate", "reactivate", "conflict"]
    reason: str = Field(max_length=2000)
    first_day: str = Field(default="", max_length=10, description="leave: YYYY-MM-DD")
    last_day: str = Field(default="", max_length=10, description="leave: YYYY-MM-DD (included)")
    unit: str = Field(default="", max_length=40, description="conflict: the unit's credit code")


class RulebookAdoption(Body):
    """A preset by name, or a rulebook in full; from a date; who approved it (局务会) and why."""

    preset: str | None = Field(default=None, max_length=100)
    rulebook: dict[str, Any] | None = None
    adopted_from: str = Field(max_length=10, description="YYYY-MM-DD")
    approved_by: str = Field(max_length=200)
    reason: str = Field(max_length=2000)


class PlanFiling(Body):
    year: int = Field(ge=2000, le=2100)
    approved_by: str = Field(max_length=200, description="who approved the plan")


class CalendarRecord(Body):
    """One year's State Council holiday schedule: from the chinesecalendar package (no
    ``schedule``), or given in full."""

    year: int = Field(ge=2000, le=2100)
    schedule: dict[str, Any] | None = None


class Freeze(Body):
    period: str = Field(max_length=10, description="the quarter, e.g. 2026Q1")
    on: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD (default today)")
    kind: Literal["units", "audit"] = "units"
    witnesses: list[str] = Field(default_factory=list, max_length=10,
                                 description="who commit then reveal, in order")
    dice: str | None = Field(default=None, max_length=200)
    external: str | None = Field(default=None, max_length=200)
    load_cap: int = Field(default=0, ge=0, le=1000)


class Commitment(Body):
    k: int = Field(ge=1, le=100)
    role: str = Field(max_length=200, description="the witness's function, e.g. 公证员")
    commitment: str = Field(max_length=64, description="SHA-256 of the value, 64 hex digits")


class Reveal(Body):
    k: int = Field(ge=1, le=100)
    value: str = Field(max_length=1000)


class Dice(Body):
    k: int = Field(ge=1, le=100)
    digits: str = Field(max_length=1000)
    witnessed_by: list[str] = Field(min_length=1, max_length=20)


class External(Body):
    k: int = Field(ge=1, le=100)
    value: str = Field(max_length=1000)


class Block(Body):
    reason: str = Field(max_length=500)
    detail: str = Text


class OnDay(Body):
    on: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD (default today)")


class Amendment(Body):
    reason: str = Field(max_length=2000)
    approved_by: str = Field(max_length=200)
    replace_unit: str | None = Field(default=None, max_length=40)
    recuse: str | None = Field(default=None, max_length=40, description="an officer's certificate")
    unit: str | None = Field(default=None, max_length=40)


class Opening(Body):
    why: str = Field(max_length=500, description="why the sealed content is opened (recorded)")


class RecordFiling(Body):
    record: dict[str, Any]
    on: str | None = Field(default=None, max_length=10)


class RecordCorrection(Body):
    record: dict[str, Any]
    reason: str = Field(max_length=2000)
    on: str | None = Field(default=None, max_length=10)


class Recusal(Body):
    officer: str = Field(max_length=40, description="the certificate of the officer asked to recuse")
    requested_by: str = Field(max_length=200, description="who asked, e.g. 企业负责人")
    reason: str = Field(max_length=2000)
    granted: bool


class Rectification(Body):
    order: int = Field(ge=1, le=1000, description="the order's number in the record, from 1")
    on: str | None = Field(default=None, max_length=10)
    evidence: str = Text


class Withheld(Body):
    field: str = Field(max_length=200)
    ground: Literal["state_secret", "commercial_secret", "personal_privacy"]
    conclusion: str = Field(max_length=2000)
    basis: str = Text


class Publication(Body):
    on: str | None = Field(default=None, max_length=10)
    withheld: list[Withheld] = Field(default_factory=list, max_length=50)
    reviewer: str = Field(default="", max_length=200)
    reviewed_on: str = Field(default="", max_length=10)
