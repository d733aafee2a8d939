"""The organisation code (组织机构代码, GB 11714-1997)."""

from __future__ import annotations

import pytest

from ledger.codes.organisation_code import (
    OrganisationCodeError,
    organisation_check_character,
    validate_organisation_code,
)


def test_the_seed_002_example_organisation_code_fails_its_check_digit() -> None:
    # Seed 002 annex 2 gives 12345678-9; GB 11714-1997 says the check character of 12345678 is 8.
    assert organisation_check_character("12345678") == "8"
    with pytest.raises(OrganisationCodeError, match=r"organisation_code.*expected '8', found '9'"):
        validate_organisation_code("12345678-9")


def test_the_corrected_seed_example_is_valid() -> None:
    assert validate_organisation_code("12345678-8") == "123456788"


def test_a_known_good_code_from_a_real_credit_code_is_valid() -> None:
    # 91110000600037341L (python-stdnum's example) embeds 60003734-1.
    assert validate_organisation_code("60003734-1") == "600037341"


def test_a_remainder_of_ten_is_written_x() -> None:
    # 6 × weight 2 = 12 ≡ 1 (mod 11) → 11 − 1 = 10 → X.
    assert organisation_check_character("00000006") == "X"


def test_a_remainder_of_eleven_is_written_zero() -> None:
    assert organisation_check_character("00000000") == "0"


def test_letters_count_a_as_ten_through_z_as_thirty_five() -> None:
    # A=10 at weight 3 → 30 ≡ 8 (mod 11) → 11 − 8 = 3; Z=35 at weight 3 → 105 ≡ 6 → 5.
    assert organisation_check_character("A0000000") == "3"
    assert organisation_check_character("Z0000000") == "5"


def test_lower_case_spaces_and_the_hyphen_are_normalised_to_nine_characters() -> None:
    code = "MA" + "000001"
    check = organisation_check_character(code)
    assert validate_organisation_code(f" {code.lower()}-{check.lower()} ") == code + check
    assert validate_organisation_code(code + check) == code + check


def test_a_hyphen_anywhere_but_before_the_check_character_is_refused() -> None:
    with pytest.raises(OrganisationCodeError, match="one hyphen only"):
        validate_organisation_code("1234-56788")


@pytest.mark.parametrize("code", ["12345678", "1234567888", "12345678-", ""])
def test_a_wrong_length_is_refused_naming_the_nine_character_rule(code: str) -> None:
    with pytest.raises(OrganisationCodeError, match=r"organisation_code.*9 characters"):
        validate_organisation_code(code)


def test_a_body_character_outside_digits_and_letters_is_refused() -> None:
    with pytest.raises(OrganisationCodeError, match=r"organisation_code.*digits and upper-case letters.*'_'"):
        validate_organisation_code("1234567_-8")


def test_a_check_character_other_than_a_digit_or_x_is_refused() -> None:
    with pytest.raises(OrganisationCodeError, match="digit or X"):
        validate_organisation_code("12345678-A")


def test_the_check_character_needs_an_eight_character_body() -> None:
    with pytest.raises(OrganisationCodeError, match="8 characters"):
        organisation_check_character("1234567")
