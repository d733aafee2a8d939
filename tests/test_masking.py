"""Masking personal data before anything is published (个人信息脱敏) and withholding (已作区分处理)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from ledger.codes.credit_code import make_credit_code
from ledger.domain.masking import (
    ConfidentialityReview,
    Masker,
    MaskingError,
    NamePattern,
    UnmaskedPersonalData,
    WithheldField,
    assert_publishable,
    find_identity_numbers,
    mask_identity_number,
    mask_identity_numbers,
    mask_name,
    withheld_digest,
    withhold,
)
from verify.canonical import canonical_json


def _signed(body17: str) -> str:
    """Append the right GB 11643 check character."""
    return body17 + ric.calc_check_digit(body17 + "?")


VALID_ID = _signed("11010119900307457")
VALID_ID_X = _signed("11010519491231002")  # its check character is X
CREDIT_CODE = make_credit_code("9", "1", "652301", "MA000001")


def test_the_test_numbers_are_what_they_claim() -> None:
    assert ric.is_valid(VALID_ID)
    assert VALID_ID_X.endswith("X") and ric.is_valid(VALID_ID_X)


def test_an_identity_number_is_masked_to_its_first_ten_and_last_four() -> None:
    assert mask_identity_number("110101199003074578") == "1101011990****4578"
    assert len(mask_identity_number(VALID_ID)) == 18


def test_a_first_generation_15_digit_number_keeps_area_year_and_sequence() -> None:
    assert mask_identity_number("110101900307123") == "11010190****123"


@pytest.mark.parametrize("text", ["12345", "1101011990030745781", "11010119900307457Y", "A10101199003074578"])
def test_mask_identity_number_refuses_what_is_not_shaped_as_one(text: str) -> None:
    with pytest.raises(MaskingError, match="identity_number"):
        mask_identity_number(text)


def test_an_identity_number_embedded_in_chinese_text_is_found_and_masked() -> None:
    text = f"法定代表人身份证号{VALID_ID}，联系电话13800138000。"
    assert find_identity_numbers(text) == [VALID_ID]
    masked = f"{VALID_ID[:10]}****{VALID_ID[14:]}"
    assert mask_identity_numbers(text) == f"法定代表人身份证号{masked}，联系电话13800138000。"


def test_an_identity_number_with_a_lowercase_x_is_masked() -> None:
    lower = VALID_ID_X[:17] + "x"
    assert find_identity_numbers(f"证件：{lower}") == [lower]
    assert mask_identity_numbers(f"证件：{lower}") == f"证件：{lower[:10]}****{lower[14:]}"


def test_a_full_width_identity_number_is_masked() -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID)
    assert mask_identity_numbers(f"号码{full_width}") == f"号码{full_width[:10]}****{full_width[14:]}"


@pytest.mark.parametrize("number", ["110101199003074578", "110101199013324573"])
def test_a_wrong_check_character_or_impossible_birth_date_is_still_masked(number: str) -> None:
    assert not ric.is_valid(number)
    assert mask_identity_numbers(f"身份证{number}") == f"身份证{number[:10]}****{number[14:]}"


@pytest.mark.parametrize("code", [CREDIT_CODE, "91110000600037341L", "111000000000131433"])
def test_a_credit_code_is_left_untouched(code: str) -> None:
    text = f"统一社会信用代码：{code}"
    assert find_identity_numbers(text) == []
    assert mask_identity_numbers(text) == text


def test_a_run_longer_than_an_identity_number_is_not_one() -> None:
    text = f"银行账号6{VALID_ID}，批号AB{VALID_ID}"
    assert find_identity_numbers(text) == []


def test_a_15_digit_run_without_a_birth_date_is_not_masked() -> None:
    text = "注册号110000001234567"  # characters 7-12 are 001234: month 12, day 34
    assert mask_identity_numbers(text) == text


@pytest.mark.parametrize(
    ("pattern", "name", "shown"),
    [
        (NamePattern(keep="surname"), "张三", "张*"),
        (NamePattern(keep="surname"), "张小明", "张**"),
        (NamePattern(keep="surname"), "欧阳小明", "欧阳**"),
        (NamePattern(keep="surname"), "欧阳明", "欧阳*"),
        (NamePattern(keep="surname"), "欧阳", "欧*"),  # a 2-character name: 欧 is the surname
        (NamePattern(keep="first_and_last"), "张小明", "张*明"),
        (NamePattern(keep="first_and_last"), "张三", "张*"),
        (NamePattern(keep="first_and_last"), "欧阳小明", "欧**明"),
        (NamePattern(keep="none"), "张小明", "***"),
        (NamePattern(keep="surname", mask="某", width=1), "张小明", "张某"),
        (NamePattern(keep="surname", mask="×", width=2), "诸葛孔明", "诸葛××"),
    ],
)
def test_a_name_is_shown_by_its_pattern(pattern: NamePattern, name: str, shown: str) -> None:
    assert mask_name(name, pattern) == shown


def test_a_pattern_that_would_leave_a_name_whole_is_refused() -> None:
    with pytest.raises(MaskingError, match="unmasked"):
        mask_name("张某", NamePattern(mask="某"))


def test_a_bad_pattern_is_refused() -> None:
    with pytest.raises(MaskingError, match="keep"):
        NamePattern(keep="all")  # type: ignore[arg-type]
    with pytest.raises(MaskingError, match="width"):
        NamePattern(width=0)


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@given(
    name=st.text(_CJK, min_size=2, max_size=6),
    keep=st.sampled_from(["surname", "first_and_last", "none"]),
)
def test_a_name_of_two_or_more_characters_is_never_returned_whole(name: str, keep: Any) -> None:
    assert mask_name(name, NamePattern(keep=keep)) != name


def test_the_masker_masks_identity_numbers_and_listed_names_in_free_text() -> None:
    masker = Masker(["张小明", "李四"], NamePattern(keep="surname"))
    text = f"张小明（身份证{VALID_ID}）与李四到场；张小明签字。"
    assert masker.mask(text) == f"张**（身份证{VALID_ID[:10]}****{VALID_ID[14:]}）与李*到场；张**签字。"


def test_the_longest_name_is_masked_first() -> None:
    masker = Masker(["小明", "欧阳小明"], NamePattern(keep="surname"))
    assert masker.mask("欧阳小明和小明") == "欧阳**和小*"


def test_a_listed_name_shorter_than_two_characters_is_refused() -> None:
    with pytest.raises(MaskingError, match="shorter than 2"):
        Masker(["张"], NamePattern())


def test_mask_value_masks_strings_recursively_and_leaves_keys_and_other_values() -> None:
    masker = Masker(["王五"], NamePattern())
    value = {"王五": "王五", "results": [{"remarks": f"王五 {VALID_ID}", "count": 3}, None, True]}
    assert masker.mask_value(value) == {
        "王五": "王*",
        "results": [{"remarks": f"王* {VALID_ID[:10]}****{VALID_ID[14:]}", "count": 3}, None, True],
    }


def test_assert_publishable_names_the_path_of_a_nested_identity_number() -> None:
    value = {"results": [{"remarks": "无"}] * 3 + [{"remarks": f"负责人{VALID_ID}"}]}
    with pytest.raises(UnmaskedPersonalData, match=r"^results\[3\]\.remarks: .*identity number") as caught:
        assert_publishable(value, [])
    assert caught.value.path == "results[3].remarks"
    assert VALID_ID not in str(caught.value)


def test_assert_publishable_names_the_path_of_a_listed_full_name() -> None:
    value = {"plan": {"单位": [{"法定代表人": "欧阳小明"}]}}
    with pytest.raises(UnmaskedPersonalData, match=r"^plan\.单位\[0\]\.法定代表人: .*full name") as caught:
        assert_publishable(value, ["欧阳小明"])
    assert "欧阳小明" not in str(caught.value)


def test_assert_publishable_checks_keys_and_the_root() -> None:
    with pytest.raises(UnmaskedPersonalData, match=r"^\$: "):
        assert_publishable(VALID_ID, [])
    with pytest.raises(UnmaskedPersonalData, match=r"key holds"):
        assert_publishable({"a": {VALID_ID: 1}}, [])


def test_masked_output_is_publishable() -> None:
    names = ["欧阳小明", "张三"]
    value = {"results": [f"欧阳小明 {VALID_ID}", {"contact": "张三", "id": VALID_ID_X}], "code": CREDIT_CODE}
    masked = Masker(names, NamePattern()).mask_value(value)
    assert_publishable(masked, names)
    assert masked["code"] == CREDIT_CODE


@given(
    body=st.text(st.sampled_from("0123456789"), min_size=17, max_size=17),
    before=st.text(_CJK, max_size=8),
    after=st.text(_CJK, max_size=8),
    lower=st.booleans(),
)
def test_an_identity_number_in_random_chinese_text_never_survives_masking(
    body: str, before: str, after: str, lower: bool
) -> None:
    number = _signed(body)
    if lower:
        number = number.lower()
    masked = Masker([], NamePattern()).mask(before + number + after)
    assert number not in masked
    assert_publishable(masked, [])


# ---------------------------------------------------------------------------------------------------
# Withholding (已作区分处理)


def _item(field: str, ground: Any = "commercial_secret", reviewer: str = "王审查") -> WithheldField:
    return WithheldField(
        field=field, ground=ground, conclusion="不予公开", reviewer=reviewer, reviewed_on="2024-05-20"
    )


RECORD: dict[str, Any] = {
    "unit": "某化工有限公司",
    "annex4": {"emissions": [{"pollutant": "COD", "kg": 1200}], "outlet": "DW001"},
    "results": [{"remarks": "正常"}, {"remarks": "工艺参数"}],
}


def test_withheld_fields_are_replaced_and_committed_by_hash() -> None:
    review = ConfidentialityReview(
        (_item("annex4.emissions"), _item("results.1.remarks", "personal_privacy"))
    )
    public, digests = withhold(RECORD, review)
    assert public["annex4"] == {"emissions": "已作区分处理（商业秘密）", "outlet": "DW001"}
    assert public["results"][1]["remarks"] == "已作区分处理（个人隐私）"
    assert digests == {
        "annex4.emissions": hashlib.sha256(canonical_json(RECORD["annex4"]["emissions"])).hexdigest(),
        "results.1.remarks": withheld_digest("工艺参数"),
    }
    assert RECORD["annex4"]["emissions"] == [{"pollutant": "COD", "kg": 1200}]  # the record is unchanged


def test_each_ground_has_its_chinese_term_and_legal_basis() -> None:
    secret = _item("unit", "state_secret")
    assert secret.notice == "已作区分处理（国家秘密）"
    assert secret.basis == "《中华人民共和国政府信息公开条例》第十四条"
    assert _item("unit", "personal_privacy").basis.endswith("第十五条")
    assert _item("unit").to_record() == {
        "field": "unit", "ground": "commercial_secret", "basis": "《中华人民共和国政府信息公开条例》第十五条",
        "conclusion": "不予公开", "reviewer": "王审查", "reviewed_on": "2024-05-20",
    }


def test_an_unknown_field_path_is_refused_naming_the_field() -> None:
    with pytest.raises(MaskingError, match=r"withheld field 'annex4\.noise'.*no 'annex4\.noise'"):
        withhold(RECORD, ConfidentialityReview((_item("annex4.noise"),)))
    with pytest.raises(MaskingError, match=r"withheld field 'results\.5\.remarks'.*no 'results\.5'"):
        withhold(RECORD, ConfidentialityReview((_item("results.5.remarks"),)))


def test_an_empty_reviewer_is_refused() -> None:
    with pytest.raises(MaskingError, match=r"withheld field 'unit': the reviewer"):
        _item("unit", reviewer="  ")


def test_an_unknown_ground_is_refused() -> None:
    with pytest.raises(MaskingError, match=r"withheld field 'unit': ground 'inconvenient'"):
        _item("unit", "inconvenient")


def test_a_review_date_must_be_an_iso_date() -> None:
    with pytest.raises(MaskingError, match="reviewed_on"):
        WithheldField("unit", "state_secret", "不予公开", "王审查", "2024-02-30")


def test_a_field_listed_twice_or_inside_another_is_refused() -> None:
    with pytest.raises(MaskingError, match="listed twice"):
        ConfidentialityReview((_item("unit"), _item("unit")))
    with pytest.raises(MaskingError, match="overlaps"):
        ConfidentialityReview((_item("annex4"), _item("annex4.emissions")))


def test_a_withheld_value_outside_the_canonical_profile_is_refused() -> None:
    with pytest.raises(MaskingError, match=r"withheld field 'ratio'.*cannot be committed"):
        withhold({"ratio": 0.5}, ConfidentialityReview((_item("ratio"),)))
