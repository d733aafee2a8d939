"""Agencies in their hierarchy (省 → 地级 → 县级), one per division code, each naming its log."""

from __future__ import annotations

import pytest

from ledger.domain.agency import Agency, AgencyRuleError, agency_id
from ledger.services.ledger import Ledger

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only


def test_an_agency_is_identified_by_its_division_code() -> None:
    county = Agency.establish("昌吉州生态环境局昌吉市分局", "652301", "county")
    assert county.id == agency_id("652301")
    assert (county.level, county.kind, county.parent_id) == ("county", "county", "")
    assert county.log_origin == "652301.spotcheck.gov.cn/spotcheck"


@pytest.mark.parametrize(("kind", "level"), [
    ("autonomous_region", "province"), ("league", "prefecture"), ("city", "prefecture"),
    ("banner", "county"), ("district", "county"), ("park", "county"),
])
def test_the_names_agencies_use_map_to_three_levels(kind: str, level: str) -> None:
    assert Agency.establish("某局", "150000" if level == "province" else "150100", kind).level == level


def test_a_county_sits_under_a_prefecture_of_its_own_province() -> None:
    region = Agency.establish("新疆维吾尔自治区生态环境厅", "650000", "autonomous_region")
    prefecture = Agency.establish("昌吉回族自治州生态环境局", "652300", "prefecture", region)
    park = Agency.establish("昌吉高新技术产业开发区生态环境局", "652371", "park", prefecture)
    assert park.parent_id == str(prefecture.id)
    with pytest.raises(AgencyRuleError, match="parent_id: a county-level agency sits under"):
        Agency.establish("昌吉市分局", "652301", "county", region)
    with pytest.raises(AgencyRuleError, match="division_code: 150121 is not in the province"):
        Agency.establish("土默特左旗分局", "150121", "banner", prefecture)
    with pytest.raises(AgencyRuleError, match="parent_id: a province-level agency has no parent"):
        Agency.establish("某厅", "620000", "province", region)


@pytest.mark.parametrize(("field", "args"), [
    ("name", (" ", "652301", "county")),
    ("division_code", ("某局", "65230", "county")),
    ("kind", ("某局", "652301", "town")),
])
def test_a_bad_field_is_refused_by_name(field: str, args: tuple[str, str, str]) -> None:
    with pytest.raises(AgencyRuleError, match=f"^{field}"):
        Agency.establish(*args)


def test_a_log_origin_must_be_usable_as_a_key_name() -> None:
    with pytest.raises(AgencyRuleError, match="log_origin"):
        Agency.establish("某局", "652301", "county", log_origin="my log")


def test_one_agency_per_division_code(ledger: Ledger) -> None:
    prefecture = ledger.app.establish_agency("昌吉回族自治州生态环境局", "652300", "prefecture")
    ledger.app.establish_agency("昌吉市分局", "652301", "county", prefecture)
    with pytest.raises(AgencyRuleError, match="division_code: 652301 already has an agency"):
        ledger.app.establish_agency("昌吉市分局（重复）", "652301", "county", prefecture)
