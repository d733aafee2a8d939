"""The on-site inspection record (污染源现场检查记录表 / 现场检查（勘察）笔录), checked as data.

A record says who was there, when and where, what state the unit was in, what each item of the
rulebook's inspection-item list (随机抽查事项清单) showed, the fields of seed 002 annex 4, the orders
to correct (责令改正) with their due dates, whether a case was filed (立案) and the penalty, and the
attachments by SHA-256, the remarks for the file (``remarks``: 备注, never published) and a text
written for the public (``public_remarks``: published in the result notice once reviewed).
:func:`check_record` enforces the rules; :func:`result_category` gives the finding category published
in the result notice (抽查结果公告): a plant found stopped, not found, closed or refusing is never
published as 未发现问题.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.errors import InvalidInput

FINDINGS = ("compliant", "problem", "not_applicable")
#: The unit's state at the visit (生产状态 / 检查情况).
STATUSES = {
    "operating": "正常生产",
    "stopped": "停产",
    "no_activity": "未发现本次抽查涉及的生产经营活动",
    "unreachable": "通过登记的住所无法联系",
    "refused": "不配合检查",
    "closed": "已关闭或迁出",
}
FACILITY_STATES = ("normal", "abnormal", "none")

#: The finding categories of the result notice (抽查结果公告), by key.
CATEGORIES = {
    "no_problem": "未发现问题",
    "stopped": "企业停产，未检查生产状况",
    "corrected": "发现问题已责令改正",
    "pending": "发现问题待后续处理",
    "no_activity": "未发现本次抽查涉及的生产经营活动",
    "unreachable": "通过登记的住所无法联系",
    "refused": "不配合检查",
    "closed": "已关闭或迁出",
}
CASE_FILED = "立案查处"
#: The words a record written in Chinese uses for a status and a finding (正常生产 → operating).
STATUS_WORDS = {**{word: key for key, word in STATUSES.items()}, "生产": "operating",
                "正常": "operating", "拒绝检查": "refused"}
FACILITY_WORDS = {"正常": "normal", "正常运行": "normal", "不正常": "abnormal", "异常": "abnormal",
                  "无": "none", "无设施": "none"}
FINDING_WORDS = {"合规": "compliant", "未发现问题": "compliant", "符合": "compliant",
                 "发现问题": "problem", "问题": "problem", "不符合": "problem",
                 "不适用": "not_applicable", "不涉及": "not_applicable"}
RECORD_KEYS = frozenset({"officers", "visited_on", "place", "status", "items", "annex4", "orders",
                         "case", "attachments", "remarks", "public_remarks"})


class RecordError(InvalidInput):
    """A record that breaks a rule; the message names the field and the rule."""


@dataclass(frozen=True)
class RecordContext:
    """What a record is checked against: the team, the item list, the period."""

    team: Sequence[str]
    team_size: int
    items: Sequence[str]
    period_first: date
    period_last: date


def _stored(value: object, words: dict[str, str]) -> object:
    """A value as stored: the Chinese word a person wrote (正常生产) becomes its key."""
    return words.get(value.strip(), value.strip()) if isinstance(value, str) else value


def _text(record: dict[str, Any], key: str, rule: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{key}: {rule}")
    return value.strip()


def _date(value: object, field: str) -> date:
    if not isinstance(value, str):
        raise RecordError(f"{field}: a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{field}: {value!r} is not a date YYYY-MM-DD") from None


def check_record(record: dict[str, Any], context: RecordContext) -> dict[str, Any]:
    """The record, normalised, or :class:`RecordError` naming the field and the rule."""
    unknown = set(record) - RECORD_KEYS
    if unknown:
        raise RecordError(f"{sorted(unknown)[0]}: not a field of an inspection record")
    officers = record.get("officers")
    if not isinstance(officers, list) or not all(isinstance(o, str) for o in officers):
        raise RecordError("officers: the certificate numbers of the officers present")
    strangers = [o for o in officers if o not in context.team]
    if strangers:
        raise RecordError(f"officers: {strangers[0]} is not on the assigned team "
                          f"({', '.join(context.team)}) nor a recorded replacement")
    if len(set(officers)) < context.team_size:
        raise RecordError(f"officers: {len(set(officers))} present; the rulebook's team is at least "
                          f"{context.team_size} (双随机: at least two officers)")
    visited = _date(record.get("visited_on"), "visited_on")
    if not context.period_first <= visited <= context.period_last:
        raise RecordError(f"visited_on: {visited} is outside the period "
                          f"{context.period_first}..{context.period_last}")
    place = _text(record, "place", "where the inspection took place")
    status = _stored(record.get("status"), STATUS_WORDS)
    if not isinstance(status, str) or status not in STATUSES:
        raise RecordError(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    items = _items(record.get("items"), context.items, status == "operating")
    annex4 = _annex4(record.get("annex4"), status == "operating")
    orders = _orders(record.get("orders"), visited)
    case = _case(record.get("case"))
    attachments = _attachments(record.get("attachments"))
    remarks = record.get("remarks", "")
    if not isinstance(remarks, str):
        raise RecordError("remarks: text (for the file; never published)")
    public_remarks = record.get("public_remarks", "")
    if not isinstance(public_remarks, str):
        raise RecordError("public_remarks: text (written for the result notice; published once "
                          "reviewed)")
    if any(i["finding"] == "problem" for i in items) and not orders and not case["filed"]:
        raise RecordError("orders: a problem found needs an order to correct (责令改正) or a case (立案)")
    return {"officers": list(officers), "visited_on": visited.isoformat(), "place": place,
            "status": status, "items": items, "annex4": annex4, "orders": orders, "case": case,
            "attachments": attachments, "remarks": remarks, "public_remarks": public_remarks.strip()}


#: Quotation marks people type around a term (“三同时”, "三同时", 「三同时」, ‘…’, 『…』, ＂…＂):
#: an item name is matched without them, and without spaces.
QUOTES = "“”„‟\"＂「」『』‘’‚‛'＇〝〞〟"


def item_key(name: str) -> str:
    """An item name as it is matched: quotation marks of any style and spaces left out."""
    return "".join(c for c in name if c not in QUOTES and not c.isspace())


def _items(value: object, required: Sequence[str], operating: bool) -> list[dict[str, str]]:
    """The items, each named as the rulebook names it (a name written with other quotation
    marks is the rulebook's item); entries are numbered from 1 in messages, as people count."""
    if not isinstance(value, list):
        raise RecordError("items: a list of {item, finding, description}")
    names = {item_key(item): item for item in required}
    seen: dict[str, dict[str, str]] = {}
    for n, entry in enumerate(value, start=1):
        if not isinstance(entry, dict) or set(entry) != {"item", "finding", "description"}:
            raise RecordError(f"items #{n}: needs exactly item, finding and description")
        entry = {**entry, "finding": _stored(entry["finding"], FINDING_WORDS)}
        if entry["finding"] not in FINDINGS:
            raise RecordError(f"items #{n}.finding: {entry['finding']!r} is not one of "
                              f"{', '.join(FINDINGS)}")
        item = names.get(item_key(str(entry["item"])))
        if item is None:
            raise RecordError(f"items #{n}.item: {entry['item']!r} is not on the rulebook's "
                              f"inspection-item list ({'、'.join(required)})")
        if item in seen:
            raise RecordError(f"items #{n}.item: {entry['item']!r} appears twice")
        if entry["finding"] == "problem" and not str(entry["description"]).strip():
            raise RecordError(f"items #{n}.description: a problem is described")
        seen[item] = {**{k: str(v) for k, v in entry.items()}, "item": item}
    missing = [item for item in required if item not in seen]
    if operating and missing:
        raise RecordError(f"items: every item of the inspection-item list is covered; missing "
                          f"{', '.join(missing)}")
    return [seen[item] for item in required if item in seen]


def _annex4(value: object, operating: bool) -> dict[str, Any]:
    """Seed 002 annex 4: facilities built and running, outfall standardised, emissions in limits."""
    if value is None and not operating:
        return {}
    if not isinstance(value, dict):
        raise RecordError("annex4: facilities_built, facilities_running, outfall_standardised, "
                          "emissions_within_limits")
    expected = {"facilities_built", "facilities_running", "outfall_standardised",
                "emissions_within_limits"}
    if set(value) != expected:
        raise RecordError(f"annex4: needs exactly {', '.join(sorted(expected))}")
    for key in ("facilities_built", "outfall_standardised"):
        if not isinstance(value[key], bool):
            raise RecordError(f"annex4.{key}: true or false")
    value = {**value, "facilities_running": _stored(value["facilities_running"], FACILITY_WORDS)}
    if value["facilities_running"] not in FACILITY_STATES:
        raise RecordError(f"annex4.facilities_running: one of {', '.join(FACILITY_STATES)}")
    if value["emissions_within_limits"] not in (True, False, None):
        raise RecordError("annex4.emissions_within_limits: true, false or null (not monitored)")
    return dict(value)


def _orders(value: object, visited: date) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError("orders: a list of {order, due}")
    orders = []
    for n, entry in enumerate(value, start=1):  # numbered from 1, as people count
        if not isinstance(entry, dict) or set(entry) != {"order", "due"}:
            raise RecordError(f"orders #{n}: needs exactly order and due")
        due = _date(entry["due"], f"orders #{n}.due")
        if due <= visited:
            raise RecordError(f"orders #{n}.due: {due} is not after the visit ({visited})")
        if not str(entry["order"]).strip():
            raise RecordError(f"orders #{n}.order: what must be corrected")
        orders.append({"order": str(entry["order"]).strip(), "due": due.isoformat()})
    return orders


def _case(value: object) -> dict[str, Any]:
    if value is None:
        return {"filed": False, "penalty": ""}
    if not isinstance(value, dict) or set(value) != {"filed", "penalty"}:
        raise RecordError("case: needs exactly filed (true/false) and penalty")
    if not isinstance(value["filed"], bool) or not isinstance(value["penalty"], str):
        raise RecordError("case: filed is true or false, penalty is text")
    if value["penalty"].strip() and not value["filed"]:
        raise RecordError("case.penalty: a penalty follows a case filed (立案)")
    return {"filed": value["filed"], "penalty": value["penalty"].strip()}


def _attachments(value: object) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError("attachments: a list of {name, sha256}")
    out = []
    for n, entry in enumerate(value, start=1):
        if not isinstance(entry, dict) or set(entry) != {"name", "sha256"}:
            raise RecordError(f"attachments #{n}: needs exactly name and sha256")
        digest = str(entry["sha256"])
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise RecordError(f"attachments #{n}.sha256: 64 lowercase hex digits")
        out.append({"name": str(entry["name"]), "sha256": digest})
    return out


def has_violation(record: dict[str, Any]) -> bool:
    """A problem was found (an item with a problem, annex 4 failing, or a case filed)."""
    annex4 = record.get("annex4") or {}
    return (any(i["finding"] == "problem" for i in record["items"]) or bool(record["case"]["filed"])
            or annex4.get("emissions_within_limits") is False
            or annex4.get("facilities_running") == "abnormal")


def result_category(record: dict[str, Any]) -> str:
    """The result notice's category key (see :data:`CATEGORIES`): a problem ordered corrected is
    发现问题已责令改正; one referred for a case (立案) is 发现问题待后续处理 (and 立案查处). Only a
    unit inspected while operating is 未发现问题 when nothing was found: a stopped plant where
    nothing was found is 企业停产, never "no problem"."""
    status = record["status"]
    if status in ("no_activity", "unreachable", "refused", "closed"):
        return str(status)
    if has_violation(record):
        return "pending" if record["case"]["filed"] else "corrected"
    return "no_problem" if status == "operating" else "stopped"
