"""The unified social credit code (统一社会信用代码, GB 32100-2015).

Eighteen characters from the alphabet ``0-9 A-Z`` without I, O, Z, S, V (GB 32100-2015 §4):

====== ============================================================================
[0]    registration authority (登记管理部门码)
[1]    organisation type for that authority (机构类别码)
[2:8]  division code of the registering authority (登记管理机关行政区划码, GB/T 2260)
[8:17] subject identifier = organisation code (主体标识码（组织机构代码）, GB 11714-1997),
       whose own check character is [16]
[17]   GB 32100 check character (校验码), computed here by ``stdnum.cn.uscc``
====== ============================================================================

A code is issued for life (终身不变), so it keeps the division of its registration even after that
division is retired or renamed: a retired division is accepted with a warning, never
refused. Registrations by central authorities carry the national code 100000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.cn import uscc

from ledger.codes.division import NATIONAL_CODE, DivisionError, lookup_division
from ledger.codes.organisation_code import organisation_check_character
from ledger.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100-2015 §4: digits and upper-case letters except I, O, Z, S, V."""


@dataclass(frozen=True)
class Authority:
    """A registration authority (登记管理部门) and the organisation types (机构类别) it may issue."""

    name: str
    types: dict[str, str]


# Source: GB 32100-2015 表1 lists 1 机构编制 (1,2,3,9), 5 民政 (1,2,3,9), 9 工商 (1,2,3) and Y 其他 (1).
# The other rows (2 外交, 3 司法行政, 4 文化, 6 旅游, 7 宗教, 8 工会, A 中央军委改革和编制办公室, N 农业)
# were assigned after 2015; they are taken, with identical wording, from secondary explanations such as
# blog.csdn.net/lh1424573495/article/details/108776492 ("统一社会信用代码解析登记管理部门和机构类别")
# and osuse.cn/post/10002590.html. The amendment that added them was not checked against its published
# text here.
REGISTRATION_AUTHORITIES: dict[str, Authority] = {
    "1": Authority("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体",
                            "9": "其他"}),
    "2": Authority("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": Authority("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所",
                            "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"}),
    "4": Authority("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": Authority("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": Authority("旅游", {"1": "外国旅游部门常驻代表机构",
                          "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": Authority("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": Authority("工会", {"1": "基层工会", "9": "其他"}),
    "9": Authority("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": Authority("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": Authority("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织",
                          "9": "其他"}),
    "Y": Authority("其他", {"1": "其他"}),
}

_DIVISION_SHAPE = re.compile(r"^[0-9]{6}$")


class CreditCodeError(InvalidInput):
    """A credit code that breaks GB 32100-2015; the message names ``credit_code`` and the rule."""


@dataclass(frozen=True)
class CreditCode:
    """A parsed unified social credit code; ``warnings`` note a retired division."""

    code: str
    authority: str
    org_type: str
    division: str
    organisation_code: str
    warnings: tuple[str, ...] = ()


def parse_credit_code(code: str) -> CreditCode:
    """Check a unified social credit code part by part and return its parts.

    Spaces are removed and letters upper-cased. Raises CreditCodeError naming ``credit_code`` and the
    first rule broken: length, character set, registration authority, organisation type for that
    authority, division shape, embedded organisation code check character (GB 11714-1997), GB 32100
    check character, and a division GB/T 2260 lists. A retired division is a warning, not an error.
    """
    compact = "".join(code.split()).upper()
    if len(compact) != 18:
        raise CreditCodeError(
            f"credit_code: {code!r} must be 18 characters (GB 32100-2015), got {len(compact)}"
        )
    bad = sorted({c for c in compact if c not in ALPHABET})
    if bad:
        raise CreditCodeError(
            f"credit_code: {code!r} holds {''.join(bad)!r}; only digits and upper-case letters "
            "except I, O, Z, S, V are allowed (GB 32100-2015 §4)"
        )
    _check_authority_and_type(compact[0], compact[1])
    division = compact[2:8]
    _check_division_shape(division)
    organisation_code = compact[8:17]
    expected_org = organisation_check_character(organisation_code[:8])
    if organisation_code[8] != expected_org:
        raise CreditCodeError(
            f"credit_code: embedded organisation code {organisation_code} (positions 9-17) has a wrong "
            f"check character (GB 11714-1997): expected {expected_org!r}, found {organisation_code[8]!r}"
            f"; with both check characters right the code would be {corrected_credit_code(compact)}"
        )
    expected = uscc.calc_check_digit(compact[:17])
    if compact[17] != expected:
        raise CreditCodeError(
            f"credit_code: GB 32100 check character (position 18) of {compact} is wrong: "
            f"expected {expected!r}, found {compact[17]!r}; the code would be "
            f"{corrected_credit_code(compact)}"
        )
    return CreditCode(
        code=compact,
        authority=compact[0],
        org_type=compact[1],
        division=division,
        organisation_code=organisation_code,
        warnings=_division_warnings(division),
    )


def corrected_credit_code(code: str) -> str:
    """The code with its two check characters (the embedded organisation code's, GB 11714, and
    GB 32100's) recomputed from the other sixteen: what a code with a mistyped check character
    would be (an error's hint; the other characters are not checked here)."""
    compact = "".join(code.split()).upper()
    body = compact[:16] + organisation_check_character(compact[8:16])
    return body + uscc.calc_check_digit(body)


def make_credit_code(authority: str, org_type: str, division: str, organisation_body8: str) -> str:
    """Build a valid code: both check characters (GB 11714 at [16], GB 32100 at [17]) are computed.

    Refuses what ``parse_credit_code`` would refuse by shape; an unknown or retired division is
    allowed here (parsing refuses the first and warns of the second).
    """
    _check_authority_and_type(authority, org_type)
    _check_division_shape(division)
    bad = sorted({c for c in organisation_body8 if c not in ALPHABET})
    if len(organisation_body8) != 8 or bad:
        raise CreditCodeError(
            f"credit_code: organisation body {organisation_body8!r} must be 8 characters from the "
            "GB 32100 alphabet (digits and upper-case letters except I, O, Z, S, V)"
        )
    body17 = (
        authority + org_type + division + organisation_body8
        + organisation_check_character(organisation_body8)
    )
    return body17 + uscc.calc_check_digit(body17)


def _check_authority_and_type(authority: str, org_type: str) -> None:
    entry = REGISTRATION_AUTHORITIES.get(authority)
    if entry is None:
        raise CreditCodeError(
            f"credit_code: registration authority (登记管理部门码, position 1) {authority!r} is not one of "
            f"{', '.join(REGISTRATION_AUTHORITIES)} (GB 32100-2015 表1)"
        )
    if org_type not in entry.types:
        raise CreditCodeError(
            f"credit_code: organisation type (机构类别码, position 2) {org_type!r} is not allowed for "
            f"authority {authority} {entry.name}; allowed: {', '.join(entry.types)} (GB 32100-2015 表1)"
        )


def _check_division_shape(division: str) -> None:
    if not _DIVISION_SHAPE.match(division):
        raise CreditCodeError(
            f"credit_code: division (登记管理机关行政区划码, positions 3-8) {division!r} must be six "
            "digits (GB/T 2260)"
        )


def _division_warnings(division: str) -> tuple[str, ...]:
    """An unknown division is refused (no registration authority has it: a typo or a made-up
    code); a retired one is accepted with a warning, because a code is issued for life and keeps
    the division it was registered in (370181 章丘市 before 2016)."""
    if division == NATIONAL_CODE:
        return ()
    try:
        found = lookup_division(division)
    except DivisionError:
        raise CreditCodeError(
            f"credit_code: division (登记管理机关行政区划码, positions 3-8) {division} is not in "
            "GB/T 2260 (python-stdnum cn/loc): no registration authority has it"
        ) from None
    if found.retired:
        return (f"credit_code: division {division} {found.name} was retired in {found.valid_until}; "
                "accepted, since a code keeps the division it was registered in",)
    return ()
