"""Records, follow-up and publication (检查记录、后续处理、结果公开): the application layer.

Each use case loads the draw (through :class:`~ledger.services.ceremony.Ceremony`, which opens the
fixed list with the agency's key), the unit and the agency, checks the rules of
:mod:`ledger.domain.inspection_record` and :mod:`ledger.domain.inspection`, counts deadlines in working days
(:mod:`ledger.domain.deadlines`) and saves the events. Follow-up is automatic: a violation with orders
still open puts the unit under special supervision (seed 000: 「存在未整改到位违法行为的」 are
special-supervision objects until rectified), and the last order rectified lifts it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from ledger.adapters.record_form import FormItem, RecordForm
from ledger.domain.agency import Agency
from ledger.domain.deadlines import DeadlineError, calendar_hint, timeliness
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.draw import Draw
from ledger.domain.inspection import Inspection, InspectionRuleError, inspection_id
from ledger.domain.inspection_record import (
    CASE_FILED,
    CATEGORIES,
    RecordContext,
    RecordError,
    check_record,
    has_violation,
    result_category,
)
from ledger.domain.inspector import Inspector, inspector_id
from ledger.domain.masking import ConfidentialityReview, Masker, NamePattern, assert_publishable, withhold
from ledger.domain.rulebook import Rulebook
from ledger.errors import InvalidInput
from ledger.services.application import LedgerApp
from ledger.services.ceremony import Ceremony, CeremonyError, period_of
from ledger.services.visits_view import recorded_visits

FOLLOW_UP_REASON = "存在未整改到位的违法行为（检查发现，整改前列为特殊监管对象）"
FOLLOW_UP_APPROVER = "规则：种子000 特殊监管对象"


class InspectionError(InvalidInput):
    """A record, follow-up or publication step that cannot be done; names the field and rule."""


@dataclass(frozen=True)
class Filed:
    inspection: Inspection
    working_days_late: int
    due: str


class Inspections:
    """The use cases after the draw."""

    def __init__(self, app: LedgerApp, ceremony: Ceremony, names: NamePattern | None = None) -> None:
        self.app = app
        self.ceremony = ceremony
        self.names = names or NamePattern()

    # -- loading ---------------------------------------------------------------------------------
    def _fixed_draw(self, draw_id: str) -> Draw:
        try:
            draw = self.ceremony.draw(draw_id)
        except CeremonyError as exc:
            raise InspectionError(str(exc), kind=exc.kind) from None
        if draw.fixed is None:
            raise InspectionError(f"draw_id: the list of {draw_id} is not fixed; nothing is "
                                  "inspected before it is", kind="conflict")
        return draw

    def _agency(self, draw: Draw) -> tuple[Agency, Rulebook]:
        agency: Agency = self.ceremony.loaded.peek(UUID(draw.agency_id))  # read only
        first = period_of(draw.period).first
        rulebook = agency.rulebook_in_force(first.isoformat())
        assert rulebook is not None  # the draw was frozen under it
        return agency, rulebook

    def _unit(self, draw: Draw, code: str) -> InspectionObject:
        uuid = object_id(draw.agency_id, code)
        if uuid not in self.app.repository:
            raise InspectionError(f"unit: {code} is not in the directory of the draw's agency")
        unit: InspectionObject = self.app.repository.get(uuid)
        return unit

    def team(self, draw_id: str, unit: str, draw: Draw | None = None) -> tuple[str, ...]:
        """The unit's team as it stands (after amendments and granted recusals at the visit);
        read from the sealed list, not by re-running the draw."""
        try:
            team = self.ceremony.fixed_teams(draw_id, draw).team(unit)
        except CeremonyError as exc:
            raise InspectionError(str(exc)) from None
        if team is None:
            raise InspectionError(f"unit: {unit} is not on the fixed list of {draw_id}")
        return team

    def inspection(self, draw_id: str, unit: str) -> Inspection | None:
        uuid = inspection_id(draw_id, unit)
        if uuid not in self.app.repository:
            return None
        found: Inspection = self.app.repository.get(uuid)
        return found

    def _opened(self, draw: Draw, code: str) -> Inspection:
        existing = self.inspection(draw.draw_id, code)
        if existing is not None:
            return existing
        return Inspection(agency_id=draw.agency_id, draw_id=draw.draw_id, unit=code,
                          unit_name=self._unit(draw, code).name)

    # -- the visit -------------------------------------------------------------------------------
    def request_recusal(
        self, draw_id: str, unit: str, officer: str, requested_by: str, reason: str,
        granted: bool, decided_by: str,
    ) -> str:
        """The unit asks at the visit that ``officer`` recuse; if granted, the spec draws the
        replacement (an amendment of the fixed list, with the reason and the decider)."""
        draw = self._fixed_draw(draw_id)
        if officer not in self.team(draw_id, unit):
            raise InspectionError(f"officer: {officer} is not on the team of {unit}")
        inspection = self._opened(draw, unit)
        replacement = ""
        if granted:
            try:
                replacement = self.ceremony.recuse(draw_id, unit, officer,
                                                   f"被检查单位申请回避：{reason}", decided_by)
            except CeremonyError as exc:
                raise InspectionError(str(exc), kind=exc.kind) from None
        self._rule(lambda: inspection.request_recusal(officer, requested_by, reason, granted,
                                                      decided_by, replacement))
        self.app.save(inspection)
        return replacement

    # -- records ---------------------------------------------------------------------------------
    def record_form(self, draw_id: str, unit: str, officer: str, why: str) -> RecordForm:
        """The form of one visit (现场检查记录表), prefilled for an officer of its team: the unit,
        the team by name, the rulebook's items as the rulebook names them. While the draw is
        sealed the form reveals part of its list: the reading is recorded as an opening."""
        draw = self._fixed_draw(draw_id)
        team = self.team(draw_id, unit, draw)
        if officer not in team:
            raise InspectionError(f"by: {officer} is not on the team of {unit} "
                                  f"({', '.join(team)}); the form is given to the team")
        _, rulebook = self._agency(draw)
        found = self._unit(draw, unit)
        names = []
        for certificate in team:
            uuid = inspector_id(certificate)
            names.append(self.app.repository.get(uuid).name if uuid in self.app.repository else "")
        try:
            self.ceremony.record_reading(draw_id, officer, why, f"record form of {unit}")
        except CeremonyError as exc:
            raise InspectionError(str(exc), kind=exc.kind) from None
        first, last = period_of(draw.period).bounds
        return RecordForm(
            draw_id=draw_id, unit=found.credit_code, unit_name=found.name,
            address=found.details.get("address", ""),
            team=tuple(zip(team, names, strict=True)),
            items=tuple(FormItem(i.item, i.content, i.legal_basis) for i in rulebook.inspection_items),
            period=(first.isoformat(), last.isoformat()),
        )

    def file_record(self, draw_id: str, unit: str, record: dict[str, Any], filed_by: str,
                    filed_on: date) -> Filed:
        """File the record of a visit; late is accepted and flagged in working days."""
        draw = self._fixed_draw(draw_id)
        agency, rulebook = self._agency(draw)
        checked = self._checked(draw, rulebook, unit, record)
        inspection = self._opened(draw, unit)
        visited = date.fromisoformat(checked["visited_on"])
        when = self._timeliness(rulebook.record_deadline, agency, visited, filed_on)
        self._rule(lambda: inspection.file(checked, filed_by, filed_on.isoformat(), when.due_text,
                                           when.working_days_late))
        self.app.save(inspection)
        self._follow_up(draw, inspection)
        return Filed(inspection, when.working_days_late, when.due_text)

    def correct_record(self, draw_id: str, unit: str, record: dict[str, Any], reason: str,
                       filed_by: str, filed_on: date) -> Inspection:
        draw = self._fixed_draw(draw_id)
        _, rulebook = self._agency(draw)
        checked = self._checked(draw, rulebook, unit, record)
        inspection = self.inspection(draw_id, unit)
        if inspection is None:
            raise InspectionError(f"record: {unit} has no record in {draw_id} to correct")
        self._rule(lambda: inspection.correct(checked, reason, filed_by, filed_on.isoformat()))
        self.app.save(inspection)
        self._follow_up(draw, inspection)
        return inspection

    def _checked(self, draw: Draw, rulebook: Rulebook, unit: str,
                 record: dict[str, Any]) -> dict[str, Any]:
        first, last = period_of(draw.period).bounds
        context = RecordContext(team=self.team(draw.draw_id, unit, draw),
                                team_size=max(2, rulebook.team_size),
                                items=[i.item for i in rulebook.inspection_items],
                                period_first=first, period_last=last)
        try:
            return check_record(record, context)
        except RecordError as exc:
            raise InspectionError(f"record.{exc}") from None

    # -- follow-up -------------------------------------------------------------------------------
    def rectify(self, draw_id: str, unit: str, order: int, rectified_on: date, verified_by: str,
                evidence: str = "") -> Inspection:
        """An order to correct verified as done; the last one lifts the special supervision that
        the open violation had put on the unit."""
        draw = self._fixed_draw(draw_id)
        inspection = self.inspection(draw_id, unit)
        if inspection is None:
            raise InspectionError(f"record: {unit} has no record in {draw_id}")
        self._rule(lambda: inspection.rectify(order, rectified_on.isoformat(), verified_by,
                                              evidence))
        self.app.save(inspection)
        self._follow_up(draw, inspection)
        return inspection

    def _follow_up(self, draw: Draw, inspection: Inspection) -> None:
        unit = self._unit(draw, inspection.unit)
        record = inspection.record
        unresolved = record is not None and has_violation(record) and bool(inspection.open_orders)
        marked_by_us = unit.category == "special" and FOLLOW_UP_REASON in getattr(
            unit, "special_reasons", [])
        if unresolved and unit.category != "special" and unit.in_directory:
            unit.mark_special([FOLLOW_UP_REASON], FOLLOW_UP_APPROVER)
            self.app.save(unit)
        elif not unresolved and marked_by_us:
            unit.lift_special("违法行为已整改到位（整改完成核查）", FOLLOW_UP_APPROVER)
            self.app.save(unit)

    # -- publication -----------------------------------------------------------------------------
    def disclose_result(
        self, draw_id: str, unit: str, by: str, on: date,
        review: ConfidentialityReview | None = None,
    ) -> Inspection:
        """Publish one result (抽查结果): masked, withheld fields replaced and committed by hash,
        with lateness against the rulebook's disclosure deadline."""
        draw = self._fixed_draw(draw_id)
        agency, rulebook = self._agency(draw)
        inspection = self.inspection(draw_id, unit)
        if inspection is None or inspection.record is None:
            raise InspectionError(f"record: {unit} has no record in {draw_id}; a result is "
                                  "published after its record")
        review = review or ConfidentialityReview(())
        public, withheld = self._published(draw, rulebook, inspection, review)
        visited = date.fromisoformat(inspection.record["visited_on"])
        deadline = rulebook.disclosure_deadline
        anchored = deadline is not None and deadline.anchor == "task_completed"
        when = self._timeliness(deadline, agency, visited, on,
                                task_completed=self._task_completed(draw_id) if anchored else None)
        self._rule(lambda: inspection.disclose(public, withheld, review.to_record(), on.isoformat(),
                                               when.due_text, when.working_days_late, by))
        self.app.save(inspection)
        return inspection

    def preview_result(self, draw_id: str, unit: str,
                       review: ConfidentialityReview | None = None) -> dict[str, Any]:
        """What publishing one result would make public (发布前预览): masked, the fields of
        ``review`` withheld; nothing is stored. The text written for the public is shown as it
        would be once reviewed."""
        draw = self._fixed_draw(draw_id)
        _, rulebook = self._agency(draw)
        inspection = self.inspection(draw_id, unit)
        if inspection is None or inspection.record is None:
            raise InspectionError(f"record: {unit} has no record in {draw_id}; a result is "
                                  "published after its record")
        public, _ = self._published(draw, rulebook, inspection,
                                    review or ConfidentialityReview(()), reviewed=False)
        return public

    def _published(self, draw: Draw, rulebook: Rulebook, inspection: Inspection,
                   review: ConfidentialityReview, reviewed: bool = True
                   ) -> tuple[dict[str, Any], dict[str, str]]:
        """The public copy of a result (masked, withheld) and the withheld fields' digests."""
        public, names = self._public_result(draw, rulebook, inspection, review, reviewed)
        try:
            public, withheld = withhold(public, review)
            public = Masker(names, self.names).mask_value(public)
            assert_publishable(public, names)
        except ValueError as exc:
            raise InspectionError(f"publication: {exc}") from None
        return public, withheld

    def _public_result(self, draw: Draw, rulebook: Rulebook, inspection: Inspection,
                       review: ConfidentialityReview, reviewed: bool = True
                       ) -> tuple[dict[str, Any], list[str]]:
        record = inspection.record
        assert record is not None
        public_remarks = str(record.get("public_remarks", ""))
        if reviewed and public_remarks and not review.approves("remarks"):
            raise InspectionError(
                "public_remarks: the text written for the public is published once reviewed "
                "(发布前审核): name the reviewer and the date of review")
        unit = self._unit(draw, inspection.unit)
        officers = [self._officer(c) for c in record["officers"]]
        names = [n for n in [str(unit.details.get("legal_representative", "")),
                             str(unit.details.get("contact", "")), *(o.name for o in officers)]
                 if len(n.strip()) >= 2]
        category = result_category(record)
        shown = ([o.certificate_no for o in officers] if rulebook.officer_display == "certificate_no"
                 else [o.name for o in officers])  # names are masked by the pattern below
        public = {
            "draw_id": draw.draw_id, "period": draw.period, "unit": unit.name,
            "credit_code": unit.credit_code, "visited_on": record["visited_on"],
            "officers": shown, "category": CATEGORIES[category],
            "case": CASE_FILED if record["case"]["filed"] else "",
            "orders": [{"order": o["order"], "due": o["due"]} for o in record["orders"]],
            "penalty": record["case"]["penalty"],
            "remarks": public_remarks,  # the record's own remarks are for the file only
        }
        return public, names

    def _officer(self, certificate: str) -> Inspector:
        found: Inspector = self.app.repository.get(inspector_id(certificate))
        return found

    def _task_completed(self, draw_id: str) -> date | None:
        """The last visit of the list once every unit on it has a record, else ``None`` (read
        from the visits view: one query, not an inspection loaded per unit)."""
        visits = recorded_visits(self.app, draw_id)
        units = self.ceremony.fixed_teams(draw_id).units()
        if not units or any(unit not in visits for unit in units):
            return None
        return max(visits[unit] for unit in units)

    def all_visited(self, draw_id: str) -> bool:
        return self._task_completed(draw_id) is not None

    def missing_visits(self, draw_id: str) -> list[tuple[str, str]]:
        """The units of a fixed list with no record yet: (credit code, name), in list order."""
        missing = []
        for unit in self.ceremony.open(draw_id).teams:
            inspection = self.inspection(draw_id, unit)
            if inspection is None or inspection.record is None:
                name = inspection.unit_name if inspection is not None else self._unit(
                    self.ceremony.draw(draw_id), unit).name
                missing.append((unit, name))
        return missing

    def disclose_list(self, draw_id: str, by: str, on: date) -> Draw:
        """The task notice (抽查任务公告): unseal the list once every visit is recorded (or the
        quarter is over); refused before, naming how many visits and which are missing."""
        try:
            return self.ceremony.disclose(draw_id, by, on, all_visited=self.all_visited(draw_id))
        except CeremonyError as exc:
            missing = self.missing_visits(draw_id) if exc.kind == "conflict" else []
            if missing:
                shown = "、".join(f"{name}（{code}）" for code, name in missing[:5])
                more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
                raise InspectionError(f"{exc}; {len(missing)} visit(s) not recorded yet: "
                                      f"{shown}{more} (`spotcheck record file`)",
                                      kind=exc.kind) from None
            raise InspectionError(str(exc), kind=exc.kind) from None

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _timeliness(deadline: Any, agency: Agency, completed: date, actual: date,
                    task_completed: date | None = None) -> Any:
        try:
            return timeliness(deadline, completed, actual, agency.calendar(), task_completed)
        except DeadlineError as exc:
            if exc.missing_year is not None:
                raise InspectionError(str(exc).replace(
                    calendar_hint(exc.missing_year),
                    calendar_hint(exc.missing_year, agency.division_code))) from None
            raise InspectionError(str(exc)) from None

    @staticmethod
    def _rule(step: Any) -> None:
        try:
            step()
        except InspectionRuleError as exc:
            raise InspectionError(str(exc), kind=exc.kind) from None

