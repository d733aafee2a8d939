"""The Shandong fixed source code (山东省固定污染源编码), seed 002 annex 2, and the national
numbering of HJ 608-2017 (排污许可证编号) beside it."""

from __future__ import annotations

import pytest

from ledger.codes.credit_code import make_credit_code, parse_credit_code
from ledger.codes.fixed_source_code import (
    FixedSourceCode,
    FixedSourceCodeError,
    NationalSourceCode,
    cross_check,
    make_fixed_source_code,
    parse_fixed_source_code,
    parse_source_code,
    with_special_suffix,
)

SEED_EXAMPLES = ["11370181-12345678-9", "13370181-12345678-9", "11370181-12345678-9(1)"]
CREDIT = parse_credit_code(make_credit_code("9", "1", "370181", "12345678"))  # embeds 12345678-8


@pytest.mark.parametrize("text", SEED_EXAMPLES)
def test_the_seed_002_examples_parse_verbatim_when_the_organisation_check_is_off(text: str) -> None:
    parsed = parse_fixed_source_code(text, check_organisation_code=False)
    assert parsed.text() == text
    assert (parsed.division, parsed.organisation_code) == ("370181", "123456789")


@pytest.mark.parametrize("text", SEED_EXAMPLES)
def test_the_seed_002_examples_are_refused_by_default_for_their_organisation_check_digit(text: str) -> None:
    with pytest.raises(FixedSourceCodeError, match=r"organisation_code.*GB 11714.*expected '8', found '9'"):
        parse_fixed_source_code(text)


def test_the_seed_example_national_key_special_object_reads_as_such() -> None:
    parsed = parse_fixed_source_code("11370181-12345678-9(1)", check_organisation_code=False)
    assert (parsed.control_level, parsed.category, parsed.special) == ("national", "key", True)


@pytest.mark.parametrize(
    ("env_code", "level", "category"),
    [("11", "national", "key"), ("12", "provincial", "key"), ("13", "city", "key"), ("14", "county", "key"),
     ("23", "city", "general"), ("24", "county", "general")],
)
def test_each_env_code_means_a_control_level_and_category(env_code: str, level: str, category: str) -> None:
    parsed = parse_fixed_source_code(f"{env_code}370181-12345678-8")
    assert (parsed.control_level, parsed.category) == (level, category)
    made = make_fixed_source_code(level, category, "370181", "12345678-8", False)
    assert made == f"{env_code}370181-12345678-8"


@pytest.mark.parametrize("env_code", ["10", "15", "21", "22", "25", "31"])
def test_an_env_code_outside_the_seed_table_is_refused(env_code: str) -> None:
    with pytest.raises(FixedSourceCodeError, match=rf"env code.*'{env_code}'"):
        parse_fixed_source_code(f"{env_code}370181-12345678-8")


def test_the_separator_of_the_seed_format_line_and_full_width_forms_are_accepted() -> None:
    # The format line writes 环保代码+行政区代码—企业组织机构代码 with an em dash.
    for text in (
        "11370181—12345678-8(1)", "11370181－12345678-8（1）",
        "11370181-123456788(1)", " 11370181-12345678-8 (1)",
    ):
        assert parse_fixed_source_code(text).text() == "11370181-12345678-8(1)"


@pytest.mark.parametrize(
    "text", ["1137018-12345678-8", "11370181 12345678-8", "11370181-12345678-8(2)", "113701811234567888", ""]
)
def test_a_malformed_code_is_refused_naming_the_format(text: str) -> None:
    with pytest.raises(FixedSourceCodeError, match="fixed_source_code"):
        parse_fixed_source_code(text)


def test_a_short_organisation_code_is_refused_even_without_the_check() -> None:
    with pytest.raises(FixedSourceCodeError, match=r"organisation code '1234567-8'.*8 characters"):
        parse_fixed_source_code("11370181-1234567-8", check_organisation_code=False)


def test_a_retired_division_is_accepted_with_a_warning() -> None:
    parsed = parse_fixed_source_code("11370181-12345678-8")
    assert parsed.warnings and "370181 章丘市 was retired in 2016" in parsed.warnings[0]
    assert parse_fixed_source_code("11370114-12345678-8").warnings == ()


def test_a_unit_without_an_organisation_code_may_be_numbered_locally() -> None:
    parsed = parse_fixed_source_code("24370114-ZQ-0007(1)", locally_numbered=True)
    assert (parsed.organisation_code, parsed.locally_numbered, parsed.special) == ("ZQ-0007", True, True)
    assert parsed.text() == "24370114-ZQ-0007(1)"
    assert make_fixed_source_code("county", "general", "370114", "zq-0007", True, locally_numbered=True) == (
        "24370114-ZQ-0007(1)"
    )


def test_a_local_number_is_refused_where_an_organisation_code_is_expected() -> None:
    with pytest.raises(FixedSourceCodeError, match="organisation_code"):
        parse_fixed_source_code("24370114-ZQ-0007")


def test_making_a_code_refuses_a_level_the_category_does_not_have() -> None:
    with pytest.raises(FixedSourceCodeError, match=r"control_level 'national' with category 'general'"):
        make_fixed_source_code("national", "general", "370181", "12345678-8", False)


def test_making_a_code_refuses_a_failing_organisation_code() -> None:
    with pytest.raises(FixedSourceCodeError, match="expected '8', found '9'"):
        make_fixed_source_code("national", "key", "370181", "12345678-9", False)


def test_making_a_code_refuses_a_malformed_division() -> None:
    with pytest.raises(FixedSourceCodeError, match="division"):
        make_fixed_source_code("national", "key", "37018", "12345678-8", False)


def test_a_consistent_unit_has_no_mismatches() -> None:
    fixed = parse_fixed_source_code("11370181-12345678-8(1)")
    assert cross_check(fixed, CREDIT, category="key", control_level="national", special=True,
                       county="370181") == []


def test_cross_check_finds_an_organisation_code_differing_from_the_credit_code() -> None:
    fixed = parse_fixed_source_code("11370181-12345678-9", check_organisation_code=False)
    [mismatch] = cross_check(fixed, CREDIT, category="key", control_level="national", special=False)
    assert "fixed_source_code organisation code 12345678-9" in mismatch
    assert f"credit_code {CREDIT.code}" in mismatch and "12345678-8" in mismatch


def test_cross_check_finds_an_env_code_disagreeing_with_category_and_level() -> None:
    fixed = parse_fixed_source_code("13370181-12345678-8")
    [mismatch] = cross_check(fixed, CREDIT, category="general", control_level="county", special=False)
    assert "env code 13 means city key" in mismatch and "control_level/category is county general" in mismatch


def test_cross_check_finds_a_special_flag_disagreeing_with_special_supervision() -> None:
    plain = parse_fixed_source_code("11370181-12345678-8")
    [missing] = cross_check(plain, CREDIT, category="key", control_level="national", special=True)
    assert "fixed_source_code lacks the (1) suffix" in missing and "special supervision" in missing
    flagged = parse_fixed_source_code("11370181-12345678-8(1)")
    [extra] = cross_check(flagged, CREDIT, category="key", control_level="national", special=False)
    assert "fixed_source_code has the (1) suffix" in extra


def test_cross_check_finds_a_division_outside_the_units_county() -> None:
    fixed = parse_fixed_source_code("11370181-12345678-8")
    [mismatch] = cross_check(fixed, CREDIT, category="key", control_level="national", special=False,
                             county="370114")
    assert "fixed_source_code division 370181" in mismatch and "county 370114" in mismatch
    assert cross_check(fixed, CREDIT, category="key", control_level="national", special=False,
                       county="370100") == []


def test_cross_check_finds_a_local_number_for_a_unit_that_has_a_credit_code() -> None:
    fixed = parse_fixed_source_code("11370181-ZQ0007", locally_numbered=True)
    [mismatch] = cross_check(fixed, CREDIT, category="key", control_level="national", special=False)
    assert "locally numbered" in mismatch and f"credit_code {CREDIT.code}" in mismatch


def test_the_text_of_a_constructed_code_uses_the_seed_layout() -> None:
    assert FixedSourceCode("23", "370181", "123456788", False).text() == "23370181-12345678-8"


def test_the_national_numbering_of_hj_608_2017_reads_as_credit_code_sequence_and_mark() -> None:
    # HJ 608-2017 annex A: the first and second sites of one company.
    for text, sequence in (("91130200699229617X001P", "001"), ("91130200699229617x 002p", "002")):
        parsed = parse_source_code(text)
        assert isinstance(parsed, NationalSourceCode)
        assert (parsed.credit_code, parsed.sequence, parsed.mark) == ("91130200699229617X", sequence, "P")
        assert with_special_suffix(parsed.text(), True) == parsed.text()  # no (1) in this numbering


def test_a_national_code_with_a_mistyped_check_character_names_the_right_code() -> None:
    with pytest.raises(FixedSourceCodeError, match=r"expected 'X', found '8'.*"
                       r"would then be 91130200699229617X001P"):
        parse_source_code("911302006992296178001P")


def test_a_shandong_code_with_a_mistyped_organisation_check_names_the_right_code() -> None:
    with pytest.raises(FixedSourceCodeError, match=r"the code would be 11370181-12345678-8\(1\)$"):
        parse_source_code("11370181-12345678-9(1)")
