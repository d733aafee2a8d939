"""After the draw, for an account (检查记录、整改、结果公开): records and their corrections by the
officers of the visit, recusal asked at the visit, rectification, publication of one result.

Each method is one use case of :class:`ledger.services.inspections.Inspections` (as on the command
line). The officer filing a record is the account's inspector (by certificate), never a typed one.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any, cast

from api.access import Caller
from api.service.context import Context, Download, RequestError, day
from ledger.adapters.record_form import read_record_form, write_record_form
from ledger.domain.inspection import Inspection
from ledger.domain.masking import (
    GROUNDS,
    ApprovedText,
    ConfidentialityReview,
    Ground,
    MaskingError,
    WithheldField,
)
from ledger.errors import InvalidInput, NotFound
from projections.public_view import Viewer

FORM_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "json": "application/json"}
#: The largest record form accepted (a filled form is some tens of kilobytes).
MAX_FORM = 4 * 1024 * 1024


def _inspection(inspection: Inspection) -> dict[str, Any]:
    """The state of one inspection after a step (the full record only for who may read it)."""
    return {"draw_id": inspection.draw_id, "unit": inspection.unit,
            "unit_name": inspection.unit_name, "filed": inspection.record is not None,
            "corrections": inspection.corrections,
            "open_orders": sorted(n + 1 for n in inspection.open_orders),  # from 1
            "disclosed": inspection.disclosed is not None}


def follow_up_orders(inspection: Inspection) -> list[dict[str, Any]]:
    """The record's orders to correct, numbered from 1, each with its verification if done."""
    orders = inspection.record["orders"] if inspection.record is not None else []
    return [{"n": n + 1, "order": o["order"], "due": o["due"],
             "rectified": inspection.rectified.get(n)} for n, o in enumerate(orders)]


class Records:
    def __init__(self, context: Context) -> None:
        self.c = context

    @property
    def inspections(self) -> Any:
        return self.c.spotcheck.inspections

    def _code(self, draw_id: str) -> str:
        return self.c.access.draw_agency(draw_id)

    # -- by the officers of the visit ------------------------------------------------------------
    def file(self, caller: Caller, draw_id: str, unit: str, record: dict[str, Any],
             on: str | None) -> dict[str, Any]:
        """File the record of a visit (现场检查记录) as the officer of the account; late is accepted
        and flagged in working days."""
        self._code(draw_id)
        certificate = self.c.access.officer(caller)
        with self.c.writing(caller):
            filed = self.inspections.file_record(draw_id, unit, record, certificate,
                                                 day(on, "filed_on"))
        return {**_inspection(filed.inspection), "due": filed.due or None,
                "working_days_late": filed.working_days_late}

    def form(self, caller: Caller, draw_id: str, unit: str, fmt: str) -> Download:
        """The record form of one visit (现场检查记录表), prefilled, for an officer of its team
        (``xlsx`` or ``json``); while the draw is sealed the reading is recorded as an opening."""
        self._code(draw_id)
        certificate = self.c.access.officer(caller)
        if fmt not in FORM_TYPES:
            raise RequestError(f"format: {fmt!r} is not xlsx or json")
        with self.c.writing(caller):
            form = self.inspections.record_form(draw_id, unit, certificate,
                                                "the record form of a visit (service)")
        with tempfile.TemporaryDirectory(prefix="spotcheck-form-") as tmp:
            path = Path(tmp) / f"{unit}-现场检查记录.{fmt}"
            write_record_form(path, form)
            return Download(path.name, FORM_TYPES[fmt], path.read_bytes())

    def file_form(self, caller: Caller, draw_id: str, unit: str, filename: str, content: bytes,
                  on: str | None) -> dict[str, Any]:
        """File the record of a visit from its filled form (.xlsx) or a JSON record file."""
        suffix = Path(filename or "").suffix.lower()
        if suffix not in (".xlsx", ".json"):
            raise RequestError(f"file: {Path(filename or '').name or '(no name)'!r} is not an "
                               ".xlsx form or a .json record")
        if len(content) > MAX_FORM:
            raise RequestError(f"file: {len(content):,} bytes; at most {MAX_FORM:,}")
        with tempfile.TemporaryDirectory(prefix="spotcheck-form-") as tmp:
            path = Path(tmp) / f"form{suffix}"
            path.write_bytes(content)
            try:
                record = read_record_form(path, draw_id, unit)
            except InvalidInput as exc:
                raise RequestError(str(exc).replace(str(path), Path(filename).name)) from None
        return self.file(caller, draw_id, unit, record, on)

    def correct(self, caller: Caller, draw_id: str, unit: str, record: dict[str, Any],
                reason: str, on: str | None) -> dict[str, Any]:
        """Correct a filed record (更正): it supersedes the record; the earlier one stays."""
        self._code(draw_id)
        certificate = self.c.access.officer(caller)
        with self.c.writing(caller):
            inspection = self.inspections.correct_record(draw_id, unit, record, reason, certificate,
                                                         day(on, "filed_on"))
        return _inspection(inspection)

    def recusal(self, caller: Caller, draw_id: str, unit: str, officer: str, requested_by: str,
                reason: str, granted: bool) -> dict[str, Any]:
        """The unit asks at the visit that an officer recuse (回避); recorded by an officer of the
        visit or by the operator, who decides; granted, a replacement is drawn by the spec."""
        code = self._code(draw_id)
        certificate = self.c.access.officer_or_read(caller, code)
        if certificate is None:
            self.c.access.operate(caller, code)
        elif certificate not in self.inspections.team(draw_id, unit):
            raise NotFound(f"unit: officer {certificate} is not on the team of {unit} in {draw_id}")
        with self.c.writing(caller):
            replacement = self.inspections.request_recusal(
                draw_id, unit, officer, requested_by, reason, granted, caller.label("administrator"))
        return {"officer": officer, "granted": granted, "replacement": replacement or None}

    # -- by the operator -------------------------------------------------------------------------
    def rectify(self, caller: Caller, draw_id: str, unit: str, order: int, on: str | None,
                evidence: str = "") -> dict[str, Any]:
        """An order to correct verified as done (整改完成), verified by the account; ``order`` is
        the order's number in the record, counted from 1 as people count."""
        self.c.access.operate(caller, self._code(draw_id))
        with self.c.writing(caller):
            inspection = self.inspections.rectify(draw_id, unit, order - 1,
                                                  day(on, "rectified_on"), caller.label(), evidence)
        return _inspection(inspection)

    def publish(self, caller: Caller, draw_id: str, unit: str, on: str | None,
                withheld: list[dict[str, str]] | None = None, reviewer: str = "",
                reviewed_on: str = "") -> dict[str, Any]:
        """Publish one result (抽查结果公告): masked; each withheld field replaced by 已作区分处理,
        with its ground and the confidentiality review (保密审查)."""
        self.c.access.operate(caller, self._code(draw_id))
        review = review_of(withheld or [], reviewer, reviewed_on)
        with self.c.writing(caller):
            inspection = self.inspections.disclose_result(draw_id, unit, caller.label(),
                                                          day(on, "disclosed_on"), review)
        assert inspection.disclosed is not None
        return {**_inspection(inspection), "public": inspection.disclosed["public"],
                "working_days_late": inspection.disclosed["working_days_late"]}

    def preview(self, caller: Caller, draw_id: str, unit: str,
                withheld: list[dict[str, str]] | None = None) -> dict[str, Any]:
        """What publishing one result would make public (发布前预览), for the operator: the masked
        public copy with the chosen fields withheld (each by its ground; conclusions and the
        reviewer are asked for at publication), the fields that may be withheld, and whether the
        record holds a text written for the public that the review must approve. Nothing is
        stored."""
        self.c.access.operate(caller, self._code(draw_id))
        chosen = [w for w in withheld or [] if str(w.get("ground", "")).strip()]
        review = review_of([{**w, "conclusion": w.get("conclusion") or "（预览）"} for w in chosen],
                           "（预览）", date.today().isoformat()) if chosen else None
        public = self.inspections.preview_result(draw_id, unit, review)
        plain = self.inspections.preview_result(draw_id, unit)
        inspection = self.inspections.inspection(draw_id, unit)
        record = inspection.record if inspection is not None else None
        return {"draw_id": draw_id, "unit": unit, "public": public,
                "withholdable": withholdable(plain),
                "public_text": bool(record and str(record.get("public_remarks", "")).strip()),
                "disclosed": bool(inspection is not None and inspection.disclosed is not None)}

    # -- reading ---------------------------------------------------------------------------------
    def follow_up(self, caller: Caller, draw_id: str) -> list[dict[str, Any]]:
        """The draw's recorded visits with orders to correct, each order numbered from 1 with
        its due date and, once verified, when and by whom (整改跟踪), for the agency's operator.
        Only visits already recorded are listed, never the rest of a sealed list."""
        code = self._code(draw_id)
        self.c.access.operate(caller, code)
        rows = []
        for row in self.c.spotcheck.public.records_for(Viewer("agency", agency=code), code):
            if row["draw_id"] != draw_id or not row["record"]["orders"]:
                continue
            inspection = self.inspections.inspection(draw_id, row["unit"])
            rows.append({"unit": row["unit"], "unit_name": inspection.unit_name,
                         "orders": follow_up_orders(inspection)})
        return rows

    def state(self, caller: Caller, draw_id: str, unit: str) -> dict[str, Any]:
        """One unit of a fixed draw as its operator handles it (检查对象办理): the recusals asked,
        the record if filed, its orders and their follow-up, whether the result is published."""
        code = self._code(draw_id)
        self.c.access.operate(caller, code)
        inspection = self.inspections.inspection(draw_id, unit)
        if inspection is None:  # nothing recorded yet (whether it is drawn stays sealed here)
            return {"draw_id": draw_id, "unit": unit, "unit_name": "", "filed": False,
                    "recusals": [], "orders": [], "disclosed": False, "record": None}
        return {**_inspection(inspection), "recusals": list(inspection.recusals),
                "orders": follow_up_orders(inspection), "record": inspection.record}

    def show(self, caller: Caller, draw_id: str, unit: str) -> dict[str, Any]:
        """The full record of one visit: for an officer of the visit, the agency's operator, or an
        auditor above (never the public)."""
        code = self._code(draw_id)
        certificate = self.c.access.officer_or_read(caller, code)
        viewer = (Viewer("officer", certificate=certificate) if certificate is not None
                  else Viewer("agency", agency=code))
        rows = [row for row in self.c.spotcheck.public.records_for(viewer, code)
                if row["draw_id"] == draw_id and row["unit"] == unit]
        if not rows:
            raise NotFound(f"record: no record of {unit} in {draw_id}"
                           + (f" that officer {certificate} was present at" if certificate else ""))
        return dict(rows[0])


#: The fields of a published result an operator may withhold after review (a dot path into the
#: public result; ``orders.N.order`` for each order to correct).
WITHHOLDABLE = ("remarks", "penalty", "officers")


def withholdable(public: dict[str, Any]) -> list[str]:
    """The fields of the public copy ``public`` that hold something and may be withheld."""
    fields = [f for f in WITHHOLDABLE if public.get(f)]
    fields += [f"orders.{n}.order" for n, _ in enumerate(public.get("orders") or [])]
    return fields


def review_of(withheld: list[dict[str, str]], reviewer: str, reviewed_on: str
              ) -> ConfidentialityReview | None:
    """The confidentiality review of a publication (保密审查, 发布前审核): each withheld field with
    its ground and conclusion, and the record's text written for the public (``remarks`` of the
    result, from ``public_remarks``) approved as it stands unless withheld, by one reviewer on one
    day (None: no review, nothing withheld)."""
    if not withheld and not reviewer.strip():
        return None
    if not reviewer.strip():
        raise RequestError("reviewer: a withheld field needs its reviewer (审查人)")
    if not reviewed_on.strip():
        raise RequestError("reviewed_on: a review has a date YYYY-MM-DD")
    reviewed_on = day(reviewed_on.strip(), "reviewed_on").isoformat()
    items = []
    for n, item in enumerate(withheld):
        missing = [k for k in ("field", "ground", "conclusion") if not str(item.get(k, "")).strip()]
        if missing:
            raise RequestError(f"withheld[{n}].{missing[0]}: each withheld field names its field, "
                               "ground and conclusion")
        if item["ground"] not in GROUNDS:
            raise RequestError(f"withheld[{n}].ground: {item['ground']!r} is not one of "
                               f"{', '.join(GROUNDS)}")
        try:
            items.append(WithheldField(str(item["field"]), cast(Ground, item["ground"]),
                                       str(item["conclusion"]).strip(), reviewer.strip(),
                                       reviewed_on, str(item.get("basis", ""))))
        except MaskingError as exc:
            raise RequestError(f"withheld[{n}].field: {exc}") from None
    approved = () if any(i.field == "remarks" for i in items) else (
        ApprovedText("remarks", reviewer.strip(), reviewed_on),)
    try:
        return ConfidentialityReview(tuple(items), approved)
    except MaskingError as exc:
        raise RequestError(f"withheld: {exc}") from None
