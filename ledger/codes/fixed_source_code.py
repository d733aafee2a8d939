"""The Shandong fixed source code (山东省固定污染源编码 / 排污单位编码), seed 002 annex 2.

Seed 002, annex 2 (山东省污染源日常环境监管动态信息库建设方案), 三(一), verbatim:

    排污单位编码由环保代码、行政区代码、企业组织机构代码组成，编码格式：环保代码+行政区代码—企业组织
    机构代码。环保代码分为：重点排污单位“1”，一般排污单位“2”。其中：国控重点污染源(含与省控重复的排污
    单位)“11”、省控重点污染源“12”、市控重点污染源“13”、县控重点污染源“14”；市一般排污单位(县控重点排污
    单位除外)“23”、县一般排污单位“24”。对于特殊监管对象，在组织机构代码尾号后加(1)，无组织机构代码的
    排污单位其编码可自行编号。例如山东省济南市章丘市某企业，行政区代码是370181，组织机构代码是
    12345678-9，如果该企业是国控重点排污单位，则编码是11370181-12345678-9;如果该企业是市控重点排污单位，
    则编码是13370181-12345678-9;如果该企业既是国控重点排污单位又是特殊监管对象，则编码是
    11370181-12345678-9(1)。

So a code is ``<env code><division>-<organisation code>[(1)]``: env code (环保代码) 11 national key
(国控, including units also on the provincial list), 12 provincial key (省控), 13 city key (市控), 14 county
key (县控), 23 city general (市一般, county-controlled key units excepted), 24 county general (县一般); the
division is a GB/T 2260 code; ``(1)`` after the organisation code marks a special-supervision object
(特殊监管对象).

Readings taken here:

* The format line writes the separator as ``—``, the worked examples as ``-``; both are accepted (and the
  full-width ``－``/``（1）``), the canonical text uses ``-`` and ``(1)`` as the examples do.
* "无组织机构代码的排污单位其编码可自行编号" — a unit without an organisation code may be numbered locally.
  This is read as keeping the env code and division and putting a locally assigned number where the
  organisation code would be; ``locally_numbered=True`` accepts such a code (1-20 digits, upper-case
  letters and inner hyphens) without the GB 11714 check.
* The seed's own example organisation code ``12345678-9`` fails GB 11714-1997 (the check character for
  12345678 is 8), so parsing checks it by default and ``check_organisation_code=False`` admits the seed's
  examples verbatim.
* Beside it, the current national numbering is accepted: the fixed source code of HJ 608-2017
  (排污单位编码规则), which the national permit system (全国排污许可证管理信息平台) gives as the permit
  or registration number — ``<unified social credit code, 18><sequence 3 digits><mark 1 letter>``,
  e.g. ``91130200699229617X001P`` (the standard's annex A example: the first site of that company;
  ``002P`` is its second). The letter is the standard's 特别标识码 (``P`` on permits; registrations
  under 排污登记 end in ``W``); any upper-case letter is read, since the letters have been extended
  since. Such a code carries neither category, control level nor special supervision: it is checked
  against the unit's credit code only (the first 18 characters must be that code), never gains the
  ``(1)`` suffix, and an error gives the code that would be right.
* The example division 370181 (章丘市) was retired in 2016 (now 章丘区 370114); an issued code keeps its
  division, so a retired division is a warning, never a refusal; a division GB/T 2260 does not list
  at all is refused (a typo, or a made-up code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.codes.credit_code import CreditCode, CreditCodeError, parse_credit_code
from ledger.codes.division import DivisionError, is_within, lookup_division
from ledger.codes.organisation_code import (
    OrganisationCodeError,
    format_organisation_code,
    validate_organisation_code,
)
from ledger.errors import InvalidInput

ENV_CODES: dict[str, tuple[str, str]] = {
    "11": ("national", "key"),
    "12": ("provincial", "key"),
    "13": ("city", "key"),
    "14": ("county", "key"),
    "23": ("city", "general"),
    "24": ("county", "general"),
}
"""Seed 002 annex 2: env code (环保代码) → (control level, category)."""

_SHAPE = re.compile(
    r"^(?P<env>[0-9]{2})(?P<division>[0-9]{6})[-—－–](?P<org>[0-9A-Z][0-9A-Z-]*?)(?P<special>\(1\)|（1）)?$"
)
_ORGANISATION_SHAPE = re.compile(r"^[0-9A-Z]{8}-?[0-9A-Z]$")
#: HJ 608-2017: credit code (18) + sequence (3 digits) + mark (1 letter), 22 characters.
_NATIONAL_SHAPE = re.compile(r"^(?P<credit>[0-9A-Z]{18})(?P<sequence>[0-9]{3})(?P<mark>[A-Z])$")
#: The marks (特别标识码) whose meaning is known here.
NATIONAL_MARKS = {"P": "排污许可证", "W": "排污登记"}
_LOCAL_NUMBER = re.compile(r"^[0-9A-Z](?:[0-9A-Z-]{0,18}[0-9A-Z])?$")


class FixedSourceCodeError(InvalidInput):
    """A fixed source code that breaks seed 002 annex 2; the message names the field and the rule."""


@dataclass(frozen=True)
class FixedSourceCode:
    """A parsed fixed source code; ``organisation_code`` is canonical (9 characters, no hyphen).

    When ``locally_numbered`` it holds the local number instead (无组织机构代码…自行编号).
    ``warnings`` note a retired division.
    """

    env_code: str
    division: str
    organisation_code: str
    special: bool
    locally_numbered: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def control_level(self) -> str:
        """'national', 'provincial', 'city' or 'county' (国控/省控/市控/县控 or the general unit's level)."""
        return ENV_CODES[self.env_code][0]

    @property
    def category(self) -> str:
        """'key' (重点排污单位, env code 1x) or 'general' (一般排污单位, env code 2x)."""
        return ENV_CODES[self.env_code][1]

    def text(self) -> str:
        """The code as seed 002 writes it, e.g. ``11370181-12345678-9(1)``."""
        tail = self.organisation_code if self.locally_numbered else format_organisation_code(
            self.organisation_code
        )
        return f"{self.env_code}{self.division}-{tail}{'(1)' if self.special else ''}"


@dataclass(frozen=True)
class NationalSourceCode:
    """A fixed source code in the national numbering (HJ 608-2017; the permit number of the
    national permit system): the unit's credit code, a three-digit sequence (its sites, from
    001) and a mark letter (``P`` a permit, ``W`` a registration)."""

    credit_code: str
    sequence: str
    mark: str
    warnings: tuple[str, ...] = ()

    special = False  # the national numbering has no special-supervision suffix

    def text(self) -> str:
        return f"{self.credit_code}{self.sequence}{self.mark}"


def is_national(text: str) -> bool:
    """Written in the national numbering (22 characters, no hyphen) rather than Shandong's."""
    return _NATIONAL_SHAPE.match("".join(text.split()).upper()) is not None


def parse_national_source_code(text: str) -> NationalSourceCode:
    """Parse ``<credit code><sequence><mark>`` (HJ 608-2017), checking the credit code part in full
    (GB 32100); a wrong check character is refused with the code that would be right."""
    compact = "".join(text.split()).upper()
    match = _NATIONAL_SHAPE.match(compact)
    if match is None:
        raise FixedSourceCodeError(
            f"fixed_source_code: {text!r} is not <credit code 18><sequence 3 digits><letter> "
            "(HJ 608-2017, e.g. 91370112MABPPB8W9G001P)"
        )
    try:
        credit = parse_credit_code(match["credit"])
    except CreditCodeError as error:
        reason = str(error).removeprefix("credit_code: ")
        raise FixedSourceCodeError(
            f"fixed_source_code: its first 18 characters are the unit's credit code, and {reason}"
            + _national_hint(match["credit"], match["sequence"], match["mark"])
        ) from None
    if match["sequence"] == "000":
        raise FixedSourceCodeError(
            f"fixed_source_code: sequence 000 in {compact}; a unit's sites are numbered from 001 "
            "(HJ 608-2017)"
        )
    return NationalSourceCode(credit.code, match["sequence"], match["mark"], credit.warnings)


def _national_hint(credit: str, sequence: str, mark: str) -> str:
    from ledger.codes.credit_code import corrected_credit_code

    try:
        right = corrected_credit_code(credit)
        parse_credit_code(right)
    except (InvalidInput, KeyError, ValueError):
        return ""
    return f" (the fixed source code would then be {right}{sequence}{mark})"


def parse_source_code(text: str) -> FixedSourceCode | NationalSourceCode:
    """A fixed source code in either numbering: the national one (HJ 608-2017, 22 characters
    without a hyphen) or Shandong's 2015 one (seed 002 annex 2)."""
    if is_national(text):
        return parse_national_source_code(text)
    return parse_fixed_source_code(text)


def parse_fixed_source_code(
    text: str, *, check_organisation_code: bool = True, locally_numbered: bool = False
) -> FixedSourceCode:
    """Parse ``<env code><division>-<organisation code>[(1)]`` (seed 002 annex 2).

    Raises FixedSourceCodeError naming the field and the rule. With ``check_organisation_code=False``
    the organisation code need only have its shape (8 + 1 characters), which admits the seed's own
    example ``11370181-12345678-9``. With ``locally_numbered=True`` the part after the division is a
    locally assigned number (no organisation code).
    """
    compact = "".join(text.split()).upper()
    match = _SHAPE.match(compact)
    if match is None:
        raise FixedSourceCodeError(
            f"fixed_source_code: {text!r} is neither Shandong's <env code 2 digits><division 6 "
            "digits>-<organisation code>[(1)] (seed 002 annex 2, e.g. 11370181-12345678-9) nor the "
            "national <credit code 18><sequence 3 digits><letter> (HJ 608-2017, e.g. "
            "91370112MABPPB8W9G001P)"
        )
    env_code, division, tail = match["env"], match["division"], match["org"]
    if env_code not in ENV_CODES:
        raise FixedSourceCodeError(
            f"fixed_source_code: env code (环保代码) {env_code!r} is not one of {', '.join(ENV_CODES)} "
            "(seed 002 annex 2)"
        )
    try:
        organisation_code = (
            _local_number(tail) if locally_numbered
            else _organisation_code(tail, check_organisation_code)
        )
    except FixedSourceCodeError as error:
        right = _with_organisation_check(tail)
        if locally_numbered or right is None or right == tail.replace("-", ""):
            raise
        fixed = FixedSourceCode(env_code, division, right, match["special"] is not None)
        raise FixedSourceCodeError(f"{error}; the code would be {fixed.text()}") from None
    return FixedSourceCode(
        env_code=env_code,
        division=division,
        organisation_code=organisation_code,
        special=match["special"] is not None,
        locally_numbered=locally_numbered,
        warnings=_division_warnings(division),
    )


def with_special_suffix(text: str, special: bool) -> str:
    """The code as it stands for a unit that is (or is no longer) a special-supervision object:
    the ``(1)`` suffix added or taken off (seed 002 annex 2), nothing else changed; a code in the
    national numbering (HJ 608-2017), which has no such suffix, as it is."""
    if is_national(text):
        return text
    base = text.removesuffix("(1)").removesuffix("（1）")
    return base + "(1)" if special else base


def env_code_for(control_level: str, category: str) -> str:
    """The env code (环保代码) for a control level and category, e.g. ('city', 'key') → '13'."""
    for env_code, pair in ENV_CODES.items():
        if pair == (control_level, category):
            return env_code
    raise FixedSourceCodeError(
        f"fixed_source_code: no env code for control_level {control_level!r} with category {category!r}; "
        "seed 002 annex 2 has key at national/provincial/city/county and general at city/county"
    )


def make_fixed_source_code(
    control_level: str,
    category: str,
    division: str,
    organisation_code: str,
    special: bool,
    *,
    locally_numbered: bool = False,
) -> str:
    """Build the canonical text of a fixed source code; the organisation code must pass GB 11714."""
    env_code = env_code_for(control_level, category)
    if not re.fullmatch(r"[0-9]{6}", division):
        raise FixedSourceCodeError(
            f"fixed_source_code: division {division!r} must be a six-digit GB/T 2260 code"
        )
    compact = organisation_code.strip().upper()
    code = _local_number(compact) if locally_numbered else _organisation_code(compact, True)
    return FixedSourceCode(env_code, division, code, special, locally_numbered).text()


def cross_check(
    fixed: FixedSourceCode,
    credit: CreditCode,
    *,
    category: str,
    control_level: str,
    special: bool,
    county: str | None = None,
) -> list[str]:
    """Mismatches between a unit's fixed source code and its other directory fields; empty when none.

    ``category`` is 'key' or 'general' (a special-supervision object is still one of these, and
    ``special`` says whether it is one). ``county``, when given, is the directory's county (所属县(市、区))
    and the fixed code's division must lie within it. Each message names both fields.
    """
    mismatches: list[str] = []
    if fixed.locally_numbered:
        mismatches.append(
            f"fixed_source_code is locally numbered ({fixed.organisation_code}) but credit_code "
            f"{credit.code} embeds organisation code {credit.organisation_code}; seed 002 annex 2 allows "
            "local numbering only for units without an organisation code"
        )
    elif fixed.organisation_code != credit.organisation_code:
        mismatches.append(
            f"fixed_source_code organisation code {format_organisation_code(fixed.organisation_code)} "
            f"differs from the organisation code {format_organisation_code(credit.organisation_code)} "
            f"embedded in credit_code {credit.code} (positions 9-17)"
        )
    if (fixed.control_level, fixed.category) != (control_level, category):
        mismatches.append(
            f"fixed_source_code env code {fixed.env_code} means {fixed.control_level} {fixed.category}, "
            f"but the directory's control_level/category is {control_level} {category}"
        )
    if fixed.special != special:
        mismatches.append(
            f"fixed_source_code {'has' if fixed.special else 'lacks'} the (1) suffix, but the directory's "
            f"special supervision (特殊监管对象) is {special}"
        )
    if county is not None and not is_within(fixed.division, county):
        mismatches.append(
            f"fixed_source_code division {fixed.division} is not within the directory's county {county}"
        )
    return mismatches


def cross_check_national(national: NationalSourceCode, credit: CreditCode) -> list[str]:
    """Mismatches between a national fixed source code and the unit's credit code: the code's
    first 18 characters are that credit code (HJ 608-2017); the message gives the right code."""
    if national.credit_code == credit.code:
        return []
    return [f"fixed_source_code {national.text()} begins with credit code {national.credit_code}, "
            f"but the unit's credit_code is {credit.code}: its fixed source code would be "
            f"{credit.code}{national.sequence}{national.mark}"]


def right_code(
    fixed: FixedSourceCode, credit: CreditCode, *, category: str, control_level: str,
    special: bool,
) -> str | None:
    """The Shandong code a unit with these directory fields would have: its env code, the code's
    division, the organisation code embedded in its credit code, the ``(1)`` suffix if special;
    None when no env code fits (a general unit at provincial level)."""
    try:
        env_code = env_code_for(control_level, category)
    except FixedSourceCodeError:
        return None
    return FixedSourceCode(env_code, fixed.division, credit.organisation_code, special).text()


def _with_organisation_check(tail: str) -> str | None:
    """An organisation code with its GB 11714 check character recomputed (an error's hint)."""
    compact = tail.replace("-", "")
    if not _ORGANISATION_SHAPE.match(tail) or len(compact) != 9:
        return None
    try:
        from ledger.codes.organisation_code import organisation_check_character

        return compact[:8] + organisation_check_character(compact[:8])
    except (InvalidInput, KeyError, ValueError):
        return None


def _organisation_code(tail: str, check: bool) -> str:
    if not check:
        if not _ORGANISATION_SHAPE.match(tail):
            raise FixedSourceCodeError(
                f"fixed_source_code: organisation code {tail!r} must be 8 characters, an optional hyphen "
                "and a check character (GB 11714-1997)"
            )
        return tail.replace("-", "")
    try:
        return validate_organisation_code(tail)
    except OrganisationCodeError as error:
        raise FixedSourceCodeError(f"fixed_source_code: {error}") from error


def _local_number(tail: str) -> str:
    if not _LOCAL_NUMBER.match(tail):
        raise FixedSourceCodeError(
            f"fixed_source_code: local number {tail!r} must be 1-20 digits, upper-case letters or inner "
            "hyphens (seed 002 annex 2: 无组织机构代码的排污单位其编码可自行编号)"
        )
    return tail


def _division_warnings(division: str) -> tuple[str, ...]:
    try:
        found = lookup_division(division)
    except DivisionError as error:
        raise FixedSourceCodeError(f"fixed_source_code: {error}") from None
    if found.retired:
        return (f"fixed_source_code: division {division} {found.name} was retired in {found.valid_until}; "
                "accepted, since a code keeps the division it was given",)
    return ()
