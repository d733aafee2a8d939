"""The synthetic province generator (合成数据): deterministic, real divisions, valid codes, realistic mix."""

from __future__ import annotations

import re
from collections import Counter
from random import Random
from typing import cast

import pytest

from ledger.codes.credit_code import parse_credit_code
from ledger.codes.division import DivisionError, lookup_division
from ledger.codes.fixed_source_code import cross_check, parse_fixed_source_code
from ledger.codes.organisation_code import validate_organisation_code
from ledger.demo.generator import (
    RISK_GRADES,
    GeneratedProvince,
    generate_county,
    generate_province,
    iter_counties,
    province_agencies,
)
from ledger.domain.agency import KINDS, Agency
from ledger.domain.directory import InspectionObject
from ledger.domain.inspector import Inspector

Row = dict[str, str]


@pytest.fixture(scope="module")
def xinjiang() -> GeneratedProvince:
    """All of Xinjiang's prefectures and counties, 300 units and 14 inspectors each (~30,000 units)."""
    return generate_province(2025)


@pytest.fixture(scope="module")
def inner_mongolia() -> GeneratedProvince:
    return generate_province(4, province_code="150000", prefectures=4, counties_per_prefecture=4,
                             units_per_county=200)


def _rows(province: GeneratedProvince) -> list[Row]:
    return [row for rows in province.units.values() for row in rows]


def _division_exists(code: str) -> bool:
    try:
        lookup_division(code)
    except DivisionError:
        return False
    return True


def _register_inspector(row: dict[str, object]) -> Inspector:
    return Inspector.register(
        agency_id="agency", name=str(row["name"]), certificate_no=str(row["certificate_no"]),
        post=str(row["post"]), enforcement_category=str(row["enforcement_category"]),
        expertise=cast(list[str], row["expertise"]), may_inspect=cast(list[str], row["may_inspect"]),
        outside_expert=bool(row["outside_expert"]),
    )


# -- determinism ------------------------------------------------------------------------------------
def test_the_same_seed_gives_equal_output_and_another_seed_different_output() -> None:
    def small(seed: int) -> GeneratedProvince:
        return generate_province(seed, prefectures=3, counties_per_prefecture=2, units_per_county=120)

    first = small(11)
    assert small(11) == first
    other = small(12)
    assert other.agencies == first.agencies  # the divisions are real, not drawn
    assert other.units != first.units
    assert other.inspectors != first.inspectors
    assert generate_county(5) == generate_county(5)
    assert generate_county(5) != generate_county(6)


def test_the_lazy_county_iterator_yields_what_the_province_collects() -> None:
    agencies = province_agencies("650000", prefectures=2, counties_per_prefecture=2)
    province = generate_province(3, prefectures=2, counties_per_prefecture=2, units_per_county=50)
    counties = list(iter_counties(3, agencies, units_per_county=50))
    assert [c.division_code for c in counties] == list(province.units)
    assert {c.division_code: c.units for c in counties} == province.units
    assert {c.division_code: c.inspectors for c in counties} == province.inspectors
    assert [x for c in counties for x in c.conflicts] == province.conflicts


# -- divisions and agencies -------------------------------------------------------------------------
def test_agencies_form_a_valid_hierarchy_and_establish_in_order(xinjiang: GeneratedProvince) -> None:
    established: dict[str, Agency] = {}
    for generated in xinjiang.agencies:
        parent = None if generated.parent_code is None else established[generated.parent_code]
        agency = Agency.establish(generated.name, generated.division_code, generated.kind, parent)
        established[generated.division_code] = agency
    assert len(established) == len(xinjiang.agencies)  # one agency per division code
    levels = Counter(a.level for a in established.values())
    assert levels["province"] == 1
    assert levels["prefecture"] == 14  # 新疆: 4 cities, 5 autonomous prefectures, 5 地区
    assert set(xinjiang.units) == {
        a.division_code for a in xinjiang.agencies if KINDS[a.kind] == "county"
    }


def test_real_current_divisions_are_used_and_the_park_code_collides_with_none(
    xinjiang: GeneratedProvince,
) -> None:
    parks = [a for a in xinjiang.agencies if a.kind == "park"]
    assert [(p.division_code, p.parent_code) for p in parks] == [("650171", "650100")]
    with pytest.raises(DivisionError):
        lookup_division("650171")
    for agency in xinjiang.agencies:
        if agency.kind == "park":
            continue
        division = lookup_division(agency.division_code)
        assert not division.retired
        assert division.name in agency.name
    names = {a.division_code: a.name for a in xinjiang.agencies}
    assert names["650000"] == "新疆维吾尔自治区生态环境厅"
    assert names["652301"] == "昌吉回族自治州生态环境局昌吉市分局"


def test_agency_kinds_follow_the_suffix_of_the_real_name(
    xinjiang: GeneratedProvince, inner_mongolia: GeneratedProvince,
) -> None:
    suffix_kinds = {
        "自治区": "autonomous_region", "盟": "league", "州": "prefecture", "地区": "prefecture",
        "旗": "banner", "县": "county", "区": "district",
    }
    for agency in [*xinjiang.agencies, *inner_mongolia.agencies]:
        if agency.kind == "park":
            continue
        name = lookup_division(agency.division_code).name
        level = KINDS[agency.kind]
        if name.endswith("市"):
            assert agency.kind == ("city" if level == "prefecture" else "county_city")
        else:
            suffix = next(s for s in suffix_kinds if name.endswith(s))
            assert agency.kind == suffix_kinds[suffix], name
    kinds = {a.kind for a in inner_mongolia.agencies}
    assert {"autonomous_region", "city", "district", "banner"} <= kinds


def test_a_province_without_prefectures_and_oversized_counties_are_refused() -> None:
    with pytest.raises(ValueError, match="has no prefectures"):
        province_agencies("110000")
    with pytest.raises(ValueError, match="not a current province-level division"):
        province_agencies("652300")
    with pytest.raises(ValueError, match="units_per_county"):
        generate_province(1, prefectures=1, counties_per_prefecture=1, units_per_county=100_000)


def test_the_demo_county_is_changji_city_under_its_prefecture() -> None:
    county = generate_county(1, units=40, inspectors=8)
    assert [(a.division_code, a.kind, a.parent_code) for a in county.agencies] == [
        ("652300", "prefecture", None), ("652301", "county_city", "652300"),
    ]
    assert list(county.units) == ["652301"]
    assert len(county.units["652301"]) == 40
    assert len(county.inspectors["652301"]) == 8
    assert {row["county"] for row in county.units["652301"]} == {"昌吉市"}


# -- codes ------------------------------------------------------------------------------------------
def test_every_credit_code_parses_without_warnings_and_is_unique_in_the_province(
    xinjiang: GeneratedProvince,
) -> None:
    codes = []
    for county, rows in xinjiang.units.items():
        registry = county if _division_exists(county) else county[:4] + "00"
        for row in rows:
            credit = parse_credit_code(row["credit_code"])
            assert credit.warnings == (), row
            assert credit.code == row["credit_code"]
            assert credit.division == registry
            codes.append(credit.code)
    assert len(codes) == len(set(codes)) == 99 * 300
    organisation_codes = [row["organisation_code"] for row in _rows(xinjiang)]
    assert len(set(organisation_codes)) == len(organisation_codes)


def test_the_organisation_code_is_printed_with_its_hyphen_and_embedded_in_the_credit_code(
    xinjiang: GeneratedProvince,
) -> None:
    for row in _rows(xinjiang):
        assert re.fullmatch(r"[0-9A-Z]{8}-[0-9X]", row["organisation_code"])
        assert validate_organisation_code(row["organisation_code"]) == row["credit_code"][8:17]
    prefixes = Counter(row["credit_code"][:2] for row in _rows(xinjiang))
    assert {"91", "92", "93", "12", "52"} <= set(prefixes)
    assert prefixes["91"] > len(_rows(xinjiang)) * 0.7


def test_every_fixed_source_code_parses_and_cross_checks_clean_against_its_row(
    xinjiang: GeneratedProvince,
) -> None:
    env_codes: Counter[str] = Counter()
    for county, rows in xinjiang.units.items():
        for row in rows:
            if "fixed_source_code" not in row:
                assert row["kind"] == "construction_project"
                continue
            fixed = parse_fixed_source_code(row["fixed_source_code"])
            assert fixed.warnings == ()
            assert fixed.text() == row["fixed_source_code"]
            special = row["category"] == "special"
            # As ledger.directory._check_codes: a special object is key or general underneath, so its
            # category comes from the env code. A general unit has no control level (directory rule),
            # while its env code 23/24 names the level that supervises it, so that level is taken too.
            category = fixed.category if special else row["category"]
            control_level = row.get("control_level", "") or (
                fixed.control_level if special or category == "general" else ""
            )
            credit = parse_credit_code(row["credit_code"])
            assert cross_check(fixed, credit, category=category, control_level=control_level,
                               special=special, county=credit.division) == [], row
            env_codes[fixed.env_code] += 1
            if county == "650171":  # the zone's general units are the prefecture's (市一般, 23)
                assert fixed.env_code != "24"
            elif category == "general":
                assert fixed.env_code == "24"
    assert set(env_codes) == {"11", "12", "13", "14", "23", "24"}


# -- registration -----------------------------------------------------------------------------------
def _general_with_fixed_code(row: Row) -> bool:
    return row["category"] == "general" and "fixed_source_code" in row


def test_a_sample_of_rows_registers_as_inspection_objects_without_warnings(
    xinjiang: GeneratedProvince,
) -> None:
    rows = [row for row in _rows(xinjiang) if not _general_with_fixed_code(row)]
    for row in Random(0).sample(rows, 400):
        unit = InspectionObject.register(agency_id="agency", **row)
        assert unit.warnings == []
        assert unit.credit_code == row["credit_code"]
        assert unit.kind == row["kind"]
        assert unit.details.get("fixed_source_code") == row.get("fixed_source_code")


def test_general_units_with_their_fixed_source_code_register(xinjiang: GeneratedProvince) -> None:
    rows = [row for row in _rows(xinjiang) if _general_with_fixed_code(row)]
    for row in Random(1).sample(rows, 100):
        InspectionObject.register(agency_id="agency", **row)


def test_inspectors_register_with_certificate_numbers_unique_across_the_province(
    xinjiang: GeneratedProvince,
) -> None:
    rows = [row for county in xinjiang.inspectors.values() for row in county]
    certificates = [str(row["certificate_no"]) for row in rows]
    assert len(rows) == 99 * 14
    assert len(set(certificates)) == len(certificates)
    for county, county_rows in xinjiang.inspectors.items():
        assert all(county in str(row["certificate_no"]) for row in county_rows)
        experts = [row for row in county_rows if row["outside_expert"]]
        assert 1 <= len(experts) <= 3
    inspectors = [_register_inspector(row) for row in rows[:200]]
    assert {i.certificate_no for i in inspectors} == set(certificates[:200])


def test_conflicts_of_interest_refer_to_inspectors_and_units_of_the_same_county(
    xinjiang: GeneratedProvince,
) -> None:
    county_of_inspector = {
        str(row["certificate_no"]): county
        for county, rows in xinjiang.inspectors.items() for row in rows
    }
    county_of_unit = {row["credit_code"]: county for county, rows in xinjiang.units.items() for row in rows}
    assert len(set((c, u) for c, u, _ in xinjiang.conflicts)) == len(xinjiang.conflicts)
    for certificate, credit_code, reason in xinjiang.conflicts:
        assert county_of_inspector[certificate] == county_of_unit[credit_code]
        assert reason
    inspectors = sum(len(rows) for rows in xinjiang.inspectors.values())
    assert 0.05 * inspectors <= len(xinjiang.conflicts) <= 0.25 * inspectors
    certificate, credit_code, reason = xinjiang.conflicts[0]
    row = next(r for rows in xinjiang.inspectors.values() for r in rows if r["certificate_no"] == certificate)
    inspector = _register_inspector(row)
    inspector.declare_conflict(credit_code, reason)
    assert inspector.has_conflict_with(credit_code)


# -- the mix ----------------------------------------------------------------------------------------
def test_category_shares_are_within_bounds_in_every_county(xinjiang: GeneratedProvince) -> None:
    for rows in xinjiang.units.values():
        categories = Counter(row["category"] for row in rows)
        kinds = Counter(row["kind"] for row in rows)
        assert 0.10 <= categories["key"] / len(rows) <= 0.20
        assert 0.04 <= categories["special"] / len(rows) <= 0.06
        assert 0.02 <= kinds["construction_project"] / len(rows) <= 0.04
        assert all(row["category"] == "general" for row in rows if row["kind"] == "construction_project")
    levels = Counter(row["control_level"] for row in _rows(xinjiang) if row["category"] == "key")
    assert set(levels) == {"national", "provincial", "city", "county"}
    assert levels["national"] < levels["provincial"] < levels["city"] < levels["county"]
    for row in _rows(xinjiang):
        assert ("control_level" in row) == (row["category"] == "key" or (
            row["category"] == "special" and row["fixed_source_code"][0] == "1"
        ))


def test_risk_grades_are_a_to_d_and_special_objects_lean_to_high_risk(xinjiang: GeneratedProvince) -> None:
    grades = {c: Counter(row["risk_grade"] for row in _rows(xinjiang) if row["category"] == c)
              for c in ("key", "general", "special")}
    assert set().union(*grades.values()) <= set(RISK_GRADES)

    def high(c: str) -> float:
        return (grades[c]["C"] + grades[c]["D"]) / sum(grades[c].values())

    assert high("general") < high("key") < high("special")


def test_details_look_like_a_real_directory(xinjiang: GeneratedProvince) -> None:
    rows = _rows(xinjiang)
    landline = re.compile(r"0\d{3}-[2-8]\d{6,7}")
    mobile = re.compile(r"1[3-9]\d{9}")
    phones = [row["phone"] for row in rows]
    assert all(landline.fullmatch(p) or mobile.fullmatch(p) for p in phones)
    assert any(row["phone"].startswith("0994-") for row in xinjiang.units["652301"])  # 昌吉's area code
    assert any(mobile.fullmatch(row["phone"]) for row in xinjiang.units["652301"])
    assert all(re.fullmatch(r"[\u4e00-\u9fff·]{2,12}", row["legal_representative"]) for row in rows)
    industries = Counter(row["industry"] for row in rows)
    assert {"火力发电", "水泥制造", "化学原料和化学制品制造业", "污水处理及其再生利用", "煤炭开采和洗选业",
            "食品制造业", "汽车修理与维护", "印刷", "畜禽养殖", "医院"} <= set(industries)
    assert all(re.fullmatch(r"新疆维吾尔自治区.+号", row["address"]) for row in rows)
    for county, county_rows in xinjiang.units.items():
        names = [row["name"] for row in county_rows]
        assert len(set(names)) == len(names), county
