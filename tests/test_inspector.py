"""The inspector directory (执法检查人员名录库): certificates, availability, conflicts of interest."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from ledger.domain.inspector import Inspector, InspectorRuleError, inspector_id
from ledger.services.ledger import Ledger

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only


def _officer(**overrides: object) -> Inspector:
    fields: dict[str, object] = {
        "agency_id": "a", "name": "李娜", "certificate_no": "65230100012", "post": "执法队员",
        "expertise": ["大气", "水", " "], "may_inspect": ["key", "general"],
    }
    fields.update(overrides)
    return Inspector.register(**fields)  # type: ignore[arg-type]


def test_an_inspectors_identity_is_their_certificate_number() -> None:
    officer = _officer(certificate_no=" 65230100012 ")
    assert officer.id == inspector_id("65230100012")
    assert officer.certificate_no == "65230100012"
    assert officer.expertise == ["大气", "水"]


def test_an_inspector_may_inspect_only_the_categories_listed() -> None:
    officer = _officer()
    assert officer.may_inspect_category("key")
    assert not officer.may_inspect_category("special")
    with pytest.raises(InspectorRuleError, match="may_inspect"):
        _officer(may_inspect=["重点"])
    with pytest.raises(InspectorRuleError, match="may_inspect"):
        _officer(may_inspect=[])


@pytest.mark.parametrize("field", ["name", "certificate_no", "post"])
def test_a_missing_required_field_is_refused_by_name(field: str) -> None:
    with pytest.raises(InspectorRuleError, match=field):
        _officer(**{field: "  "})


def test_an_outside_expert_is_flagged_as_such() -> None:
    expert = _officer(outside_expert=True, post="外聘专家（环评）")
    assert expert.outside_expert


def test_an_inspector_on_leave_or_inactive_is_not_available() -> None:
    officer = _officer()
    officer.record_leave("2025-12-29", "2026-01-02", "年休假")
    assert not officer.is_available(date(2025, 12, 29))
    assert not officer.is_available(date(2026, 1, 2))
    assert officer.is_available(date(2026, 1, 3))
    officer.deactivate("调离执法岗位")
    assert not officer.is_available(date(2026, 1, 3))
    officer.reactivate("返回执法岗位")
    assert officer.is_available(date(2026, 1, 3))


def test_a_leave_period_must_be_real_dates_in_order() -> None:
    officer = _officer()
    with pytest.raises(InspectorRuleError, match="last_day"):
        officer.record_leave("2026-01-05", "2026-01-01", "年休假")
    with pytest.raises(InspectorRuleError, match="first_day"):
        officer.record_leave("2026-02-30", "2026-03-01", "年休假")


def test_a_declared_conflict_is_kept_until_withdrawn_with_an_approver() -> None:
    officer = _officer()
    unit = str(uuid4())
    officer.declare_conflict(unit, "配偶在该企业任职")
    assert officer.has_conflict_with(unit)
    with pytest.raises(InspectorRuleError, match="already declared"):
        officer.declare_conflict(unit, "again")
    with pytest.raises(InspectorRuleError, match="approved_by"):
        officer.withdraw_conflict(unit, "配偶已离职", approved_by="")
    officer.withdraw_conflict(unit, "配偶已离职", approved_by="局长 王建国")
    assert not officer.has_conflict_with(unit)


def test_a_certificate_number_is_registered_once(ledger: Ledger) -> None:
    agency = ledger.app.establish_agency("昌吉市生态环境局", "652301", "county")
    row = {"name": "李娜", "certificate_no": "65230100012", "post": "执法队员"}
    ledger.app.register_inspectors(agency, [row])
    with pytest.raises(InspectorRuleError, match="certificate_no: 65230100012 is already"):
        ledger.app.register_inspectors(agency, [dict(row, name="李娜娜")])
    with pytest.raises(InspectorRuleError, match="already registered"):
        ledger.app.register_inspectors(
            agency, [dict(row, certificate_no="65230100013"), dict(row, certificate_no="65230100013")]
        )
    assert len(ledger.app.notifications(1, 100)) == 2  # the agency and the first inspector only


def test_conflicts_and_leave_are_recorded_as_events(ledger: Ledger) -> None:
    agency = ledger.app.establish_agency("昌吉市生态环境局", "652301", "county")
    (unit,) = ledger.app.register_objects(agency, [{
        "name": "昌吉市天山热电有限公司", "credit_code": "916523013100000576",
        "category": "key", "county": "昌吉市"}])
    ledger.app.register_inspectors(agency, [
        {"name": "李娜", "certificate_no": "65230100012", "post": "执法队员"}])
    ledger.app.declare_conflict("65230100012", unit, "曾在该企业任环保专员")
    ledger.app.record_leave("65230100012", "2026-01-05", "2026-01-09", "培训")
    officer: Inspector = ledger.app.repository.get(inspector_id("65230100012"))
    assert officer.has_conflict_with(str(unit))
    assert not officer.is_available(date(2026, 1, 6))
    topics = [n.topic for n in ledger.app.notifications(1, 100)]
    assert topics[-2:] == ["ledger.inspector:Inspector.ConflictDeclared",
                           "ledger.inspector:Inspector.LeaveRecorded"]
