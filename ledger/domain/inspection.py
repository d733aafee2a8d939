"""One inspection of one drawn unit (抽查检查): its record, corrections, recusals, follow-up, result.

Events, in the order they happen:

``RecusalRequested``  the unit asked at the visit that an officer recuse (回避申请), and the
                      outcome (granted with the replacement drawn by the spec, or refused, why).
``RecordFiled``       the record (:mod:`ledger.domain.inspection_record`), who filed it, when, and how many
                      working days after the rulebook's deadline (0: on time).
``RecordCorrected``   a new record superseding the current one, with the reason (never an edit).
``OrderRectified``    an order to correct (责令改正) verified as done (整改完成), with evidence.
``ResultDisclosed``   the public result (masked; withheld fields replaced and committed by hash),
                      the confidentiality review, and lateness against the disclosure deadline.

The aggregate id is derived from (draw, unit): one inspection per unit and draw.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from ledger.domain.chained import ChainedAggregate, stable_topics
from ledger.errors import InvalidInput

INSPECTION_NAMESPACE = uuid5(NAMESPACE_URL, "https://spotcheck.invalid/inspection")


class InspectionRuleError(InvalidInput):
    """An inspection step that breaks a rule; the message names the field and the rule."""


def inspection_id(draw_id: str, unit_code: str) -> UUID:
    return uuid5(INSPECTION_NAMESPACE, f"{draw_id}/{unit_code}")


@stable_topics("ledger.inspection")
class Inspection(ChainedAggregate):
    """The inspection of one unit drawn in one draw (检查任务)."""

    @staticmethod
    def create_id(draw_id: str, unit: str, **_: Any) -> UUID:
        return inspection_id(draw_id, unit)

    @event("Opened")
    def __init__(self, agency_id: str, draw_id: str, unit: str, unit_name: str) -> None:
        self.agency_id = agency_id
        self.draw_id = draw_id
        self.unit = unit
        self.unit_name = unit_name
        self.record: dict[str, Any] | None = None
        self.filed: dict[str, Any] | None = None
        self.corrections = 0
        self.recusals: list[dict[str, str]] = []
        self.rectified: dict[int, dict[str, str]] = {}
        self.disclosed: dict[str, Any] | None = None

    # -- the visit ------------------------------------------------------------------------------
    def request_recusal(
        self, officer: str, requested_by: str, reason: str, granted: bool, decided_by: str,
        replacement: str,
    ) -> None:
        """The unit asks that an officer recuse (回避); the outcome is recorded either way."""
        if self.record is not None:
            raise InspectionRuleError("officer: a recusal is asked at the visit, before the record",
                                      kind="conflict")
        for name, value in (("requested_by", requested_by), ("reason", reason),
                            ("decided_by", decided_by)):
            if not value.strip():
                raise InspectionRuleError(f"{name}: a recusal request records who, why and who "
                                          "decided")
        if granted and not replacement:
            raise InspectionRuleError("replacement: a granted recusal names the officer drawn in")
        self._recusal_requested(officer=officer, requested_by=requested_by.strip(),
                                reason=reason.strip(), granted=granted,
                                decided_by=decided_by.strip(), replacement=replacement)

    @event("RecusalRequested")
    def _recusal_requested(self, officer: str, requested_by: str, reason: str, granted: bool,
                           decided_by: str, replacement: str) -> None:
        self.recusals.append({"officer": officer, "granted": "yes" if granted else "no",
                              "replacement": replacement})

    # -- the record -----------------------------------------------------------------------------
    def file(self, record: dict[str, Any], filed_by: str, filed_on: str, due: str,
             working_days_late: int) -> None:
        """File the record (checked by the caller against the team and the item list). Only an
        officer present at the visit files it; a second filing is a correction, not a filing."""
        if self.record is not None:
            raise InspectionRuleError("record: already filed; a change is a correction with a "
                                      "reason (spotcheck record correct)", kind="conflict")
        self._check_filer(record, filed_by)
        self._record_filed(record=record, filed_by=filed_by, filed_on=filed_on, due=due,
                           working_days_late=working_days_late)

    def _check_filer(self, record: dict[str, Any], filed_by: str) -> None:
        if filed_by not in record["officers"]:
            raise InspectionRuleError(f"filed_by: {filed_by} was not one of the officers present; "
                                      "only an officer of the assigned team files the record")

    @event("RecordFiled")
    def _record_filed(self, record: dict[str, Any], filed_by: str, filed_on: str, due: str,
                      working_days_late: int) -> None:
        self.record = record
        self.filed = {"filed_by": filed_by, "filed_on": filed_on, "due": due,
                      "working_days_late": working_days_late}

    def correct(self, record: dict[str, Any], reason: str, filed_by: str, filed_on: str) -> None:
        """A correction supersedes the record; the earlier one stays in the ledger."""
        if self.record is None:
            raise InspectionRuleError("record: there is no record to correct yet", kind="conflict")
        if self.disclosed is not None:
            raise InspectionRuleError("record: the result is published; a correction after "
                                      "publication is a new publication, not supported here", kind="conflict")
        if not reason.strip():
            raise InspectionRuleError("reason: a correction states its reason")
        self._check_filer(record, filed_by)
        self._record_corrected(record=record, reason=reason.strip(), filed_by=filed_by,
                               filed_on=filed_on)

    @event("RecordCorrected")
    def _record_corrected(self, record: dict[str, Any], reason: str, filed_by: str,
                          filed_on: str) -> None:
        self.record = record
        self.corrections += 1
        self.rectified = {n: r for n, r in self.rectified.items() if n < len(record["orders"])}

    # -- follow-up ------------------------------------------------------------------------------
    @property
    def open_orders(self) -> list[int]:
        if self.record is None:
            return []
        return [n for n in range(len(self.record["orders"])) if n not in self.rectified]

    def rectify(self, order: int, rectified_on: str, verified_by: str, evidence: str) -> None:
        """An order to correct verified as done (整改完成)."""
        if order not in self.open_orders:  # ``order`` counts from 0; people count from 1
            still = ", ".join(str(n + 1) for n in self.open_orders) or "none"
            raise InspectionRuleError(f"order: {order + 1} is not an open order of this record "
                                      f"(open, numbered from 1: {still})")
        if not verified_by.strip():
            raise InspectionRuleError("verified_by: who verified the rectification")
        self._rectified(order=order, rectified_on=rectified_on, verified_by=verified_by.strip(),
                        evidence=evidence)

    @event("OrderRectified")
    def _rectified(self, order: int, rectified_on: str, verified_by: str, evidence: str) -> None:
        self.rectified[order] = {"rectified_on": rectified_on, "verified_by": verified_by}

    # -- publication ----------------------------------------------------------------------------
    def disclose(self, public: dict[str, Any], withheld: dict[str, str], review: list[dict[str, str]],
                 disclosed_on: str, due: str, working_days_late: int, disclosed_by: str) -> None:
        if self.record is None:
            raise InspectionRuleError("record: a result is published after its record is filed",
                                      kind="conflict")
        if self.disclosed is not None:
            raise InspectionRuleError("result: already published", kind="conflict")
        if not disclosed_by.strip():
            raise InspectionRuleError("disclosed_by: who publishes the result (经办)")
        self._result_disclosed(public=public, withheld=withheld, review=review,
                               disclosed_on=disclosed_on, due=due,
                               working_days_late=working_days_late, disclosed_by=disclosed_by)

    @event("ResultDisclosed")
    def _result_disclosed(self, public: dict[str, Any], withheld: dict[str, str],
                          review: list[dict[str, str]], disclosed_on: str, due: str,
                          working_days_late: int, disclosed_by: str = "") -> None:
        # disclosed_by: who published (events written before it was recorded lack it)
        self.disclosed = {"public": public, "withheld": withheld, "review": review,
                          "disclosed_on": disclosed_on, "due": due,
                          "working_days_late": working_days_late, "disclosed_by": disclosed_by}
