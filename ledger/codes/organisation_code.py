"""The organisation code (组织机构代码, GB 11714-1997).

Nine characters: an eight-character body (本体代码) of digits and upper-case Latin letters, then one
check character (校验码). GB 11714-1997 §5 computes the check character as

    C9 = 11 − (Σ value(Ci) × Wi  mod 11),   Wi = 3, 7, 9, 10, 5, 8, 4, 2

with digits worth their value and letters A=10 … Z=35; a result of 10 is written ``X`` and 11 is
written ``0``. Certificates print the code as ``12345678-9``; the canonical form here is the nine
characters without the hyphen. Seed 002 (annex 2) asks each pollution source's organisation code to be
recorded (明确企业组织机构代码) and builds it into the fixed source code.
"""

from __future__ import annotations

import string

from ledger.errors import InvalidInput

WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
BODY_CHARACTERS = frozenset(string.digits + string.ascii_uppercase)
CHECK_CHARACTERS = frozenset(string.digits + "X")


class OrganisationCodeError(InvalidInput):
    """An organisation code that breaks GB 11714-1997; the message names the field and the rule."""


def organisation_check_character(body8: str) -> str:
    """The GB 11714-1997 check character for an eight-character body (``12345678`` → ``8``)."""
    if len(body8) != 8:
        raise OrganisationCodeError(
            f"organisation_code: body {body8!r} must be 8 characters (GB 11714-1997), got {len(body8)}"
        )
    _check_body_characters(body8)
    remainder = 11 - sum(_value(c) * w for c, w in zip(body8, WEIGHTS, strict=True)) % 11
    if remainder == 10:
        return "X"
    if remainder == 11:
        return "0"
    return str(remainder)


def validate_organisation_code(code: str) -> str:
    """Check a GB 11714-1997 organisation code and return its canonical nine-character form.

    Accepts ``12345678-9`` and ``123456789``, surrounding spaces and lower case. Raises
    OrganisationCodeError naming ``organisation_code`` and the rule: length, characters, the hyphen's
    place, or the check character (expected vs found).
    """
    compact = code.strip().upper()
    if "-" in compact:
        if compact.index("-") != 8 or compact.count("-") != 1:
            raise OrganisationCodeError(
                f"organisation_code: {code!r} may carry one hyphen only, before the check character "
                "(GB 11714-1997: 12345678-9)"
            )
        compact = compact.replace("-", "")
    if len(compact) != 9:
        raise OrganisationCodeError(
            f"organisation_code: {code!r} must be 9 characters, 8 body + 1 check (GB 11714-1997), "
            f"got {len(compact)}"
        )
    body, found = compact[:8], compact[8]
    _check_body_characters(body)
    if found not in CHECK_CHARACTERS:
        raise OrganisationCodeError(
            f"organisation_code: check character {found!r} of {code!r} must be a digit or X (GB 11714-1997)"
        )
    expected = organisation_check_character(body)
    if found != expected:
        raise OrganisationCodeError(
            f"organisation_code: check character of {code!r} is wrong (GB 11714-1997 weights "
            f"3,7,9,10,5,8,4,2 mod 11): expected {expected!r}, found {found!r}"
        )
    return compact


def format_organisation_code(code9: str) -> str:
    """The printed form ``12345678-9`` of a canonical nine-character code (no check is made)."""
    return f"{code9[:8]}-{code9[8:]}"


def _check_body_characters(body: str) -> None:
    bad = sorted({c for c in body if c not in BODY_CHARACTERS})
    if bad:
        raise OrganisationCodeError(
            f"organisation_code: body {body!r} may hold only digits and upper-case letters "
            f"(GB 11714-1997), found {''.join(bad)!r}"
        )


def _value(character: str) -> int:
    if character.isdigit():
        return int(character)
    return ord(character) - ord("A") + 10
