"""The inspection-object directory (检查对象名录库): entries change only by events, never vanish."""

from __future__ import annotations

import pytest

from ledger.domain.directory import DirectoryRuleError, InspectionObject, object_id
from ledger.services.ledger import Ledger

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only

CODE = "916523013100000576"


def _unit(**overrides: str) -> InspectionObject:
    fields = {"agency_id": "a", "name": "昌吉市天山热电有限公司", "credit_code": CODE,
              "category": "key", "county": "昌吉市", "control_level": "city",
              "legal_representative": "张三", "industry": "热力生产和供应", "address": "昌吉市北京南路"}
    fields.update(overrides)
    return InspectionObject.register(**fields)


def test_a_units_identity_is_its_credit_code_within_the_agency() -> None:
    unit = _unit(credit_code=" 916523013100000576 ")
    assert unit.id == object_id("a", CODE)
    assert unit.id != object_id("b", CODE)
    assert unit.credit_code == CODE
    assert unit.details["legal_representative"] == "张三"
    assert unit.kind == "unit" and unit.control_level == "city"


def test_a_construction_project_is_an_inspection_object_too() -> None:
    project = _unit(kind="construction_project", category="general", control_level="")
    assert project.kind == "construction_project"
    with pytest.raises(DirectoryRuleError, match="kind"):
        _unit(kind="工地")


@pytest.mark.parametrize(("field", "value"), [
    ("name", " "), ("county", ""), ("credit_code", "91652301"), ("category", "重点"),
    ("control_level", "省级"), ("phone_number", "0994-1234567"),
])
def test_a_bad_field_is_refused_by_name(field: str, value: str) -> None:
    with pytest.raises(DirectoryRuleError, match=f"^{field}"):
        _unit(**{field: value})


def test_a_general_unit_has_no_control_level() -> None:
    with pytest.raises(DirectoryRuleError, match="control_level: a general unit"):
        _unit(category="general", control_level="county")


def test_details_change_only_by_an_event_with_a_reason() -> None:
    unit = _unit()
    unit.collect_events()
    unit.update({"phone": "0994-2345678", "address": "昌吉市北京南路"}, "企业变更联系电话")
    (updated,) = unit.collect_events()
    assert updated.changes == {"phone": "0994-2345678"}  # type: ignore[attr-defined]
    unit.update({"phone": "0994-2345678"}, "no change")
    assert unit.collect_events() == []
    with pytest.raises(DirectoryRuleError, match=r"^credit_code: not a field that can be updated"):
        unit.update({"credit_code": "X"}, "typo")


def test_special_supervision_is_marked_with_reasons_and_lifted_back_to_the_old_category() -> None:
    unit = _unit()
    unit.mark_special(["存在未整改到位的环境违法行为", "信访投诉较多"], approved_by="局务会")
    assert unit.category == "special"
    assert unit.special_reasons == ["存在未整改到位的环境违法行为", "信访投诉较多"]
    with pytest.raises(DirectoryRuleError, match="reasons"):
        unit.mark_special([" "], approved_by="局务会")
    unit.lift_special("已整改到位，验收通过", approved_by="局务会")
    assert unit.category == "key" and unit.special_reasons == []
    with pytest.raises(DirectoryRuleError, match="not under special supervision"):
        unit.lift_special("again", approved_by="局务会")


def test_a_closed_or_relocated_unit_leaves_the_directory_but_not_the_history() -> None:
    unit = _unit()
    unit.suspend("季节性停产")
    assert unit.in_directory
    unit.resume("恢复生产")
    unit.relocate("企业整体搬迁", destination="呼图壁县工业园区")
    assert not unit.in_directory and unit.status == "relocated"
    with pytest.raises(DirectoryRuleError, match="already relocated"):
        unit.close("关停")
    assert [type(e).__name__ for e in unit.collect_events()] == [
        "Registered", "Suspended", "Resumed", "Relocated"]


def test_a_credit_code_is_registered_once_per_agency(ledger: Ledger) -> None:
    agency = ledger.app.establish_agency("昌吉市生态环境局", "652301", "county")
    row = {"name": "昌吉市天山热电有限公司", "credit_code": CODE, "category": "key",
           "county": "昌吉市"}
    ledger.app.register_objects(agency, [row])
    with pytest.raises(DirectoryRuleError, match=f"credit_code: {CODE} is already"):
        ledger.app.register_objects(agency, [dict(row, name="另一家公司")])
    assert len(ledger.app.notifications(1, 100)) == 2


def test_a_credit_code_is_checked_in_full_on_registration() -> None:
    with pytest.raises(DirectoryRuleError, match="^credit_code"):
        _unit(credit_code=CODE[:-1] + ("0" if CODE[-1] != "0" else "1"))


def test_a_credit_code_from_a_retired_division_is_kept_with_a_warning() -> None:
    from ledger.codes.credit_code import make_credit_code

    unit = _unit(credit_code=make_credit_code("9", "1", "110103", "31000005"))
    assert any("110103" in warning for warning in unit.warnings)


def test_an_organisation_code_must_be_the_one_inside_the_credit_code() -> None:
    assert _unit(organisation_code="31000005-7").details["organisation_code"] == "310000057"
    with pytest.raises(DirectoryRuleError, match="^organisation_code: 600037341 is not"):
        _unit(organisation_code="60003734-1")
    with pytest.raises(DirectoryRuleError, match="^organisation_code"):
        _unit(organisation_code="12345678-9")  # seed 002's example fails GB 11714


def test_a_fixed_source_code_is_cross_checked_with_the_entry() -> None:
    from ledger.codes.fixed_source_code import make_fixed_source_code

    good = make_fixed_source_code("city", "key", "652301", "310000057", special=False)
    assert _unit(fixed_source_code=good).details["fixed_source_code"] == good
    national = make_fixed_source_code("national", "key", "652301", "310000057", special=False)
    with pytest.raises(DirectoryRuleError, match="^fixed_source_code"):
        _unit(fixed_source_code=national)  # the entry says city-controlled
    special = make_fixed_source_code("city", "key", "652301", "310000057", special=True)
    assert _unit(category="special", fixed_source_code=special).category == "special"
    with pytest.raises(DirectoryRuleError, match="^fixed_source_code"):
        _unit(fixed_source_code=special)  # (1) marks special supervision, the entry is not


def test_a_general_units_fixed_source_code_names_its_supervising_level_not_a_control_level() -> None:
    from ledger.codes.fixed_source_code import make_fixed_source_code

    general = make_fixed_source_code("county", "general", "652301", "310000057", special=False)
    unit = _unit(category="general", control_level="", fixed_source_code=general)
    assert unit.details["fixed_source_code"].startswith("24652301")
    key_code = make_fixed_source_code("county", "key", "652301", "310000057", special=False)
    with pytest.raises(DirectoryRuleError, match="^fixed_source_code"):
        _unit(category="general", control_level="", fixed_source_code=key_code)
