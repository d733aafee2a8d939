"""The unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from ledger.codes.credit_code import (
    ALPHABET,
    REGISTRATION_AUTHORITIES,
    CreditCodeError,
    make_credit_code,
    parse_credit_code,
)
from ledger.codes.division import NATIONAL_CODE, DivisionError, lookup_division
from ledger.codes.organisation_code import organisation_check_character

VALID = make_credit_code("9", "1", "652301", "MA000001")


def _resigned(code17: str) -> str:
    """Append the right GB 32100 check character, so that only the rule under test is broken."""
    return code17 + uscc.calc_check_digit(code17)


def test_a_generated_code_round_trips_into_its_parts() -> None:
    parsed = parse_credit_code(VALID)
    assert parsed.code == VALID
    assert (parsed.authority, parsed.org_type, parsed.division) == ("9", "1", "652301")
    assert parsed.organisation_code == "MA000001" + organisation_check_character("MA000001")
    assert parsed.warnings == ()


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # python-stdnum's example, registered in Beijing 110000
        "11100000000013338W",  # 机构编制/机关, national level 100000
        "111000000000131433",  # 机构编制/机关, national level 100000
        "12100000000018032A",  # 机构编制/事业单位, national level 100000
        "113700000045046442",  # 机构编制/机关, Shandong 370000
        "91610800064834709T",  # 工商/企业, 榆林市 610800
    ],
)
def test_real_codes_are_valid_without_warnings(code: str) -> None:
    assert parse_credit_code(code).warnings == ()


def test_spaces_are_removed_and_letters_upper_cased() -> None:
    assert parse_credit_code(" 9 1110000 600037341l ").code == "91110000600037341L"


@pytest.mark.parametrize("code", [VALID[:17], VALID + "1", ""])
def test_a_wrong_length_is_refused(code: str) -> None:
    with pytest.raises(CreditCodeError, match=r"credit_code.*18 characters"):
        parse_credit_code(code)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_the_letters_i_o_z_s_v_are_refused(letter: str) -> None:
    with pytest.raises(CreditCodeError, match=rf"credit_code.*'{letter}'.*except I, O, Z, S, V"):
        parse_credit_code(VALID[:10] + letter + VALID[11:])


def test_an_unknown_registration_authority_is_refused() -> None:
    with pytest.raises(CreditCodeError, match=r"credit_code: registration authority.*'B'"):
        parse_credit_code(_resigned("B" + VALID[1:17]))


def test_an_organisation_type_the_authority_does_not_issue_is_refused() -> None:
    # 工商 (9) issues types 1, 2, 3 only.
    with pytest.raises(CreditCodeError, match=r"credit_code: organisation type.*'9'.*authority 9 工商"):
        parse_credit_code(_resigned("99" + VALID[2:17]))


def test_other_authorities_issue_only_type_1() -> None:
    with pytest.raises(CreditCodeError, match=r"organisation type.*authority Y 其他"):
        make_credit_code("Y", "2", "652301", "MA000001")
    assert parse_credit_code(make_credit_code("Y", "1", "652301", "MA000001")).authority == "Y"


def test_the_authority_table_keeps_the_gb_32100_2015_original_rows() -> None:
    original = {a: sorted(REGISTRATION_AUTHORITIES[a].types) for a in ("1", "5", "9", "Y")}
    assert original == {
        "1": ["1", "2", "3", "9"], "5": ["1", "2", "3", "9"], "9": ["1", "2", "3"], "Y": ["1"],
    }


def test_a_division_with_letters_is_refused() -> None:
    with pytest.raises(CreditCodeError, match=r"credit_code: division.*six digits"):
        parse_credit_code(_resigned("91" + "6523A1" + VALID[8:17]))


def test_a_wrong_embedded_organisation_check_character_is_refused() -> None:
    good = VALID[16]
    bad = "0" if good != "0" else "1"
    with pytest.raises(
        CreditCodeError, match=rf"credit_code: embedded organisation code.*expected '{good}', found '{bad}'"
    ):
        parse_credit_code(_resigned(VALID[:16] + bad))


def test_a_wrong_gb_32100_check_character_is_refused() -> None:
    good = VALID[17]
    bad = "0" if good != "0" else "1"
    with pytest.raises(
        CreditCodeError, match=rf"credit_code: GB 32100 check.*expected '{good}', found '{bad}'"
    ):
        parse_credit_code(VALID[:17] + bad)


def test_a_retired_division_is_accepted_with_a_warning() -> None:
    parsed = parse_credit_code(make_credit_code("9", "1", "110103", "MA000001"))
    assert parsed.division == "110103"
    assert len(parsed.warnings) == 1
    assert "110103 崇文区 was retired in 2010" in parsed.warnings[0]


def test_an_unknown_division_is_refused() -> None:
    for division in ("652399", "999999"):
        with pytest.raises(CreditCodeError, match=f"division .* {division} is not in GB/T 2260"):
            parse_credit_code(make_credit_code("9", "1", division, "MA000001"))


def test_making_a_code_refuses_a_body_outside_the_alphabet() -> None:
    with pytest.raises(CreditCodeError, match="organisation body"):
        make_credit_code("9", "1", "652301", "MA00000O")


def _listed(division: str) -> bool:
    try:
        lookup_division(division)
    except DivisionError:
        return False
    return True


_AUTHORITY_AND_TYPE = st.sampled_from(
    [(a, t) for a, entry in REGISTRATION_AUTHORITIES.items() for t in entry.types]
)


@given(
    authority_and_type=_AUTHORITY_AND_TYPE,
    division=st.from_regex(r"[0-9]{6}", fullmatch=True),
    body=st.text(alphabet=ALPHABET, min_size=8, max_size=8),
)
def test_every_made_code_parses_and_stdnum_agrees(
    authority_and_type: tuple[str, str], division: str, body: str
) -> None:
    authority, org_type = authority_and_type
    code = make_credit_code(authority, org_type, division, body)
    if division != NATIONAL_CODE and not _listed(division):
        with pytest.raises(CreditCodeError, match="is not in GB/T 2260"):
            parse_credit_code(code)
        division = "652301"
        code = make_credit_code(authority, org_type, division, body)
    parsed = parse_credit_code(code)
    assert (parsed.authority, parsed.org_type, parsed.division, parsed.organisation_code[:8]) == (
        authority, org_type, division, body,
    )
    assert uscc.calc_check_digit(code[:17]) == code[17]
    # python-stdnum's validate() insists the first 8 characters are digits, so it rejects codes from
    # the letter authorities A, N and Y that GB 32100 allows; for the others it agrees in full.
    assert uscc.is_valid(code) == authority.isdigit()
