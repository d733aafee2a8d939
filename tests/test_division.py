"""Administrative division codes (行政区划代码, GB/T 2260) looked up in python-stdnum's cn/loc data."""

from __future__ import annotations

import pytest

from ledger.codes.division import DivisionError, is_within, level_of, lookup_division


def test_a_county_code_names_its_county_prefecture_and_province() -> None:
    changji = lookup_division("652301")
    assert (changji.name, changji.prefecture, changji.province) == (
        "昌吉市", "昌吉回族自治州", "新疆维吾尔自治区",
    )
    assert changji.valid_from == 1983
    assert not changji.retired


def test_a_prefecture_code_is_its_own_prefecture() -> None:
    prefecture = lookup_division("652300")
    assert (prefecture.name, prefecture.prefecture) == ("昌吉回族自治州", "昌吉回族自治州")
    assert prefecture.level == "prefecture"


def test_a_province_code_has_no_prefecture() -> None:
    province = lookup_division("650000")
    assert (province.name, province.province, province.prefecture) == (
        "新疆维吾尔自治区", "新疆维吾尔自治区", None,
    )


def test_zhangqiu_city_of_the_seed_002_example_was_retired_in_2016() -> None:
    zhangqiu = lookup_division("370181")
    assert (zhangqiu.name, zhangqiu.prefecture, zhangqiu.province) == ("章丘市", "济南市", "山东省")
    assert (zhangqiu.valid_from, zhangqiu.valid_until) == (1992, 2016)
    assert zhangqiu.retired
    assert lookup_division("370114").name == "章丘区"


def test_chongwen_district_is_found_but_retired_in_2010() -> None:
    chongwen = lookup_division("110103")
    assert (chongwen.name, chongwen.valid_until, chongwen.retired) == ("崇文区", 2010, True)


def test_a_renamed_code_keeps_its_former_names() -> None:
    dongli = lookup_division("120110")
    assert (dongli.name, dongli.former_names, dongli.retired) == ("东丽区", ("东郊区",), False)


@pytest.mark.parametrize("code", ["65230", "6523011", "65230A", " 652301", ""])
def test_a_malformed_code_is_refused_naming_the_six_digit_rule(code: str) -> None:
    with pytest.raises(DivisionError, match="exactly six digits"):
        lookup_division(code)


def test_an_unknown_county_code_is_refused_naming_the_code() -> None:
    with pytest.raises(DivisionError, match=r"'652399'.*not in GB/T 2260"):
        lookup_division("652399")


def test_an_unknown_province_code_is_refused_naming_the_province() -> None:
    with pytest.raises(DivisionError, match="province code 99"):
        lookup_division("990101")


def test_the_level_follows_the_shape_of_the_code() -> None:
    assert [level_of(c) for c in ("650000", "652300", "652301")] == ["province", "prefecture", "county"]


def test_the_level_of_a_malformed_code_is_refused() -> None:
    with pytest.raises(DivisionError, match="six digits"):
        level_of("6500")


def test_within_follows_province_prefecture_and_county_prefixes() -> None:
    assert is_within("652301", "650000")
    assert is_within("652301", "652300")
    assert is_within("652301", "652301")
    assert not is_within("652302", "652301")
    assert not is_within("370181", "652300")
    assert is_within("370181", "100000")
