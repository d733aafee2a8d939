"""Masking personal data before anything is published (个人信息脱敏), and withholding (已作区分处理).

No public output may contain an unmasked resident identity card number (居民身份证号码, GB 11643-1999)
or a natural person's full name (自然人姓名). Every public output passes :func:`assert_publishable`.

Identity numbers
    An 18-character number (17 digits, then a digit or ``X``) is shown as its first 10 characters,
    ``****`` and its last 4: ``1101011990****4578`` keeps the area code, the birth year, the sequence
    number and the check character, and hides the birth month and day. A candidate is masked whether
    or not its GB 11643 check character (``stdnum.cn.ric``) or its birth date is right: a mistyped
    number is still personal data, and over-masking is safer than a leak. The one exception is an
    all-digit string that is a valid unified social credit code (统一社会信用代码, GB 32100-2015, e.g.
    ``111000000000131433`` of a 机关 or 事业单位) and is *not* also a plausible identity number (right
    GB 11643 check character and a birth date between 1900 and 2099): it is an organisation's public
    code and stays. Credit codes holding letters are never candidates.

    A 15-digit first-generation number (6-digit area, ``YYMMDD``, 3-digit sequence, no check
    character) is masked the same way — area code and birth year kept, month and day hidden,
    sequence kept — as its first 8 characters, ``****`` and its last 3: ``11010190****123``. With no
    check character, a 15-digit run is taken for an identity number only when its characters 7-12 are
    a valid date ``19YYMMDD``, so that other 15-digit numbers (the old 工商注册号 of enterprises) are
    mostly left alone.

    A candidate is a whole run: it is not preceded or followed by a digit or a Latin letter (CJK text
    and punctuation around it are fine). Full-width digits and ``Ｘ`` are recognised too. Numbers
    written with spaces or hyphens inside are not recognised.

Names
    A natural person's name is shown by a configurable :class:`NamePattern`; :class:`Masker` masks
    every occurrence of the listed full names in free text, longest name first. A listed name also
    masks the same characters inside a longer word (``王伟`` inside ``王伟华``): over-masking again.

Withholding (已作区分处理)
    Under the Regulations on the Disclosure of Government Information (《中华人民共和国政府信息公开条例》,
    2019) a field touching a state secret (国家秘密, 第十四条), a commercial secret (商业秘密, 第十五条)
    or personal privacy (个人隐私, 第十五条) is withheld, the rest being disclosed after separation
    (区分处理, 第三十七条). :func:`withhold` replaces each such value by ``已作区分处理（<ground>）`` and
    returns the SHA-256 of its canonical JSON, so the withheld content stays committed by its hash; the
    :class:`ConfidentialityReview` (保密审查记录) states item, ground, conclusion, reviewer and date.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from stdnum.cn import ric

from ledger.codes.credit_code import CreditCodeError, parse_credit_code
from ledger.errors import InvalidInput
from verify.canonical import CanonicalError, canonical_json


class MaskingError(InvalidInput):
    """A masking or withholding rule is broken; the message names the field and the rule."""


class UnmaskedPersonalData(MaskingError):
    """A value about to be published holds an unmasked identity number or a listed full name.

    ``path`` is the JSON path (``results[3].remarks``, ``$`` for the root); the message shows the
    offending datum only in its masked form, so the error itself can be logged.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


# ---------------------------------------------------------------------------------------------------
# Identity numbers (居民身份证号码)

_DIGIT = "0-9０-９"
_EDGE = f"{_DIGIT}A-Za-zＡ-Ｚａ-ｚ"
_CANDIDATE = re.compile(
    rf"(?<![{_EDGE}])(?:[{_DIGIT}]{{17}}[{_DIGIT}XxＸｘ]|[{_DIGIT}]{{15}})(?![{_EDGE}])"
)
ID_MASK = "****"


def _ascii(text: str) -> str:
    """Full-width digits and letters as ASCII (NFKC), ``x`` upper-cased."""
    return unicodedata.normalize("NFKC", text).upper()


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2099


def _is_plausible_identity18(number: str) -> bool:
    """Right GB 11643 check character and a birth date between 1900 and 2099."""
    birth = number[6:14]
    return ric.calc_check_digit(number) == number[17] and _is_date(
        int(birth[:4]), int(birth[4:6]), int(birth[6:])
    )


def _is_credit_code(number: str) -> bool:
    try:
        parse_credit_code(number)
    except CreditCodeError:
        return False
    return True


def _is_identity_candidate(candidate: str) -> bool:
    number = _ascii(candidate)
    if len(number) == 15:
        return _is_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return _is_plausible_identity18(number) or not _is_credit_code(number)


def find_identity_numbers(text: str) -> list[str]:
    """Every identity number in ``text``, as written, in order of appearance (see the module rules)."""
    return [m.group() for m in _CANDIDATE.finditer(text) if _is_identity_candidate(m.group())]


def mask_identity_number(number: str) -> str:
    """Mask one identity number: 18 characters → first 10, ``****``, last 4; 15 → first 8, ``****``, last 3.

    Raises MaskingError if ``number`` does not have the shape of an identity number (checksum and
    birth date are not checked: a wrong number is masked all the same).
    """
    if not _CANDIDATE.fullmatch(number):
        raise MaskingError(
            f"identity_number: {len(number)} characters do not have the shape of an identity number "
            "(17 digits then a digit or X, or 15 digits)"
        )
    if len(number) == 18:
        return number[:10] + ID_MASK + number[14:]
    return number[:8] + ID_MASK + number[12:]


def mask_identity_numbers(text: str) -> str:
    """``text`` with every identity number found by :func:`find_identity_numbers` masked."""

    def replace(match: re.Match[str]) -> str:
        found = match.group()
        return mask_identity_number(found) if _is_identity_candidate(found) else found

    return _CANDIDATE.sub(replace, text)


# ---------------------------------------------------------------------------------------------------
# Names (自然人姓名)

COMPOUND_SURNAMES: frozenset[str] = frozenset({
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯", "轩辕",
    "令狐", "宇文", "钟离", "澹台", "司徒", "司空", "端木", "独孤", "南宫", "西门", "百里", "呼延",
    "闻人", "万俟", "申屠", "太史", "公冶", "濮阳", "淳于", "单于", "仲孙", "赫连", "拓跋", "第五",
})
"""Common two-character surnames (复姓); kept whole by ``keep="surname"`` in names of 3+ characters."""

Keep = Literal["surname", "first_and_last", "none"]


@dataclass(frozen=True)
class NamePattern:
    """How a natural person's name is shown (姓名脱敏规则).

    ``keep``: ``"surname"`` → 张** / 欧阳**; ``"first_and_last"`` → 张*明, and 张* for a 2-character
    name; ``"none"`` → ***. ``mask`` is the string put for each hidden character; ``width`` fixes the
    number of masks (e.g. ``NamePattern(mask="某", width=1)`` → 张某), while ``None`` puts one mask per
    hidden character.
    """

    keep: Keep = "surname"
    mask: str = "*"
    width: int | None = None

    def __post_init__(self) -> None:
        if self.keep not in ("surname", "first_and_last", "none"):
            raise MaskingError(
                f"name_pattern: keep {self.keep!r} is not one of 'surname', 'first_and_last', 'none'"
            )
        if not self.mask:
            raise MaskingError("name_pattern: mask must be a non-empty string")
        if self.width is not None and self.width < 1:
            raise MaskingError(f"name_pattern: width {self.width} must be at least 1 (or None)")


def _surname_length(name: str) -> int:
    return 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1


def mask_name(name: str, pattern: NamePattern) -> str:
    """Show ``name`` by ``pattern``; never returns the full name of 2 or more characters.

    Surrounding whitespace is stripped. Raises MaskingError for an empty name, or when the masked form
    would still equal the name (a name made of the mask string itself, e.g. 张某 with mask 某).
    """
    stripped = name.strip()
    if not stripped:
        raise MaskingError("name: an empty name cannot be masked")
    if pattern.keep == "surname":
        head, hidden, tail = stripped[: _surname_length(stripped)], stripped[_surname_length(stripped):], ""
    elif pattern.keep == "first_and_last" and len(stripped) >= 3:
        head, hidden, tail = stripped[0], stripped[1:-1], stripped[-1]
    elif pattern.keep == "first_and_last":
        head, hidden, tail = stripped[0], stripped[1:], ""
    else:
        head, hidden, tail = "", stripped, ""
    if not hidden:  # a one-character name: nothing may be shown
        head, hidden = "", stripped
    shown = head + pattern.mask * (pattern.width or len(hidden)) + tail
    if shown == stripped:
        raise MaskingError(f"name: pattern {pattern} leaves a {len(stripped)}-character name unmasked")
    return shown


# ---------------------------------------------------------------------------------------------------
# Free text and JSON values


def _listed_names(names: Iterable[str]) -> tuple[str, ...]:
    """Distinct stripped names, longest first; a name of fewer than 2 characters is refused."""
    distinct = {name.strip() for name in names}
    short = sorted(n for n in distinct if len(n) < 2)
    if short:
        raise MaskingError(
            f"names: {len(short)} listed name(s) shorter than 2 characters; a single character "
            "would mask every occurrence of it in text"
        )
    return tuple(sorted(distinct, key=lambda n: (-len(n), n)))


def _name_regex(names: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(map(re.escape, names))) if names else None


class Masker:
    """Masks identity numbers and the listed natural persons' full names in text and JSON values.

    ``names`` are the persons whose names must not be published (legal representatives, contacts,
    officers shown by certificate number …). Names are matched longest first, so 欧阳小明 is masked
    as a whole before 小明 could be.
    """

    def __init__(self, names: Iterable[str], pattern: NamePattern | None = None) -> None:
        self.pattern = pattern or NamePattern()
        self.names = _listed_names(names)
        self._masked = {name: mask_name(name, self.pattern) for name in self.names}
        self._regex = _name_regex(self.names)

    def mask(self, text: str) -> str:
        """``text`` with every identity number and every listed full name masked."""
        text = mask_identity_numbers(text)
        if self._regex is None:
            return text
        return self._regex.sub(lambda m: self._masked[m.group()], text)

    def mask_value(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string masked; dict keys and non-strings untouched."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {key: self.mask_value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask_value(item) for item in value]
        return value


def _step(path: str, step: str | int) -> str:
    if isinstance(step, int):
        return f"{path}[{step}]"
    if step.isidentifier():
        return f"{path}.{step}" if path else step
    return f"{path}[{json.dumps(step, ensure_ascii=False)}]"


def _check_text(text: str, path: str, names: tuple[str, ...], what: str) -> None:
    found = find_identity_numbers(text)
    if found:
        raise UnmaskedPersonalData(
            path or "$", f"{what} holds an unmasked identity number ({mask_identity_number(found[0])})"
        )
    for name in names:
        if name in text:
            masked = name[0] + "*" * (len(name) - 1)
            raise UnmaskedPersonalData(path or "$", f"{what} holds a listed person's full name ({masked})")


def _check_value(value: object, path: str, names: tuple[str, ...]) -> None:
    if isinstance(value, str):
        _check_text(value, path, names, "value")
    elif isinstance(value, dict):
        for key, item in value.items():
            step = _step(path, key) if isinstance(key, str) else f"{path}[{key!r}]"
            _check_text(str(key), step, names, "key")
            _check_value(item, step, names)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_value(item, _step(path, index), names)


def assert_publishable(value: object, names: Iterable[str]) -> None:
    """The guard on every public output: raise UnmaskedPersonalData at the first leak.

    A leak is an identity number (see :func:`find_identity_numbers`) or one of ``names`` in full, in
    any string value or dict key; the error names its JSON path (``results[3].remarks``).
    """
    _check_value(value, "", _listed_names(names))


# ---------------------------------------------------------------------------------------------------
# Withholding (已作区分处理) and the confidentiality review record (保密审查记录)

Ground = Literal["state_secret", "commercial_secret", "personal_privacy"]


@dataclass(frozen=True)
class GroundRule:
    """A ground for withholding: its Chinese term and default legal basis (法律依据)."""

    chinese: str
    basis: str


GROUNDS: dict[str, GroundRule] = {
    "state_secret": GroundRule("国家秘密", "《中华人民共和国政府信息公开条例》第十四条"),
    "commercial_secret": GroundRule("商业秘密", "《中华人民共和国政府信息公开条例》第十五条"),
    "personal_privacy": GroundRule("个人隐私", "《中华人民共和国政府信息公开条例》第十五条"),
}

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class WithheldField:
    """One item of a confidentiality review: a field withheld from publication and why.

    ``field`` is a dot path into the record (``"annex4.emissions"``; a numeric step indexes a list);
    ``basis`` is the legal basis, defaulting to the ground's article of the Regulations (see GROUNDS);
    ``reviewed_on`` is an ISO date ``YYYY-MM-DD``.
    """

    field: str
    ground: Ground
    conclusion: str
    reviewer: str
    reviewed_on: str
    basis: str = ""

    def __post_init__(self) -> None:
        where = f"withheld field {self.field!r}"
        if not self.field or any(not step for step in self.field.split(".")):
            raise MaskingError(f"{where}: the field must be a dot path of non-empty steps")
        if self.ground not in GROUNDS:
            raise MaskingError(f"{where}: ground {self.ground!r} is not one of {', '.join(GROUNDS)}")
        if not self.reviewer.strip():
            raise MaskingError(f"{where}: the reviewer (审查人) must be named")
        if not self.conclusion.strip():
            raise MaskingError(f"{where}: the review conclusion (审查结论) must be stated")
        if not _ISO_DATE.match(self.reviewed_on) or not _valid_iso(self.reviewed_on):
            raise MaskingError(f"{where}: reviewed_on {self.reviewed_on!r} must be an ISO date YYYY-MM-DD")
        if not self.basis:
            object.__setattr__(self, "basis", GROUNDS[self.ground].basis)

    @property
    def notice(self) -> str:
        """What the public sees instead of the value: ``已作区分处理（商业秘密）``."""
        return f"已作区分处理（{GROUNDS[self.ground].chinese}）"

    def to_record(self) -> dict[str, str]:
        """The review item as a JSON object (item, ground, basis, conclusion, reviewer, date)."""
        return {"field": self.field, "ground": self.ground, "basis": self.basis,
                "conclusion": self.conclusion, "reviewer": self.reviewer, "reviewed_on": self.reviewed_on}


def _valid_iso(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ApprovedText:
    """A text written for the public (公开文本, e.g. a record's ``public_remarks``) that a reviewer
    read before publication and approved as it stands (发布前审核，同意公开)."""

    field: str
    reviewer: str
    reviewed_on: str
    conclusion: str = "审核同意公开"

    def __post_init__(self) -> None:
        where = f"reviewed text {self.field!r}"
        if not self.reviewer.strip():
            raise MaskingError(f"{where}: the reviewer (审核人) must be named")
        if not _ISO_DATE.match(self.reviewed_on) or not _valid_iso(self.reviewed_on):
            raise MaskingError(f"{where}: reviewed_on {self.reviewed_on!r} must be an ISO date YYYY-MM-DD")

    def to_record(self) -> dict[str, str]:
        """The review item as a JSON object; ``ground`` ``approved``: nothing withheld."""
        return {"field": self.field, "ground": "approved", "basis": "", "conclusion": self.conclusion,
                "reviewer": self.reviewer, "reviewed_on": self.reviewed_on}


@dataclass(frozen=True)
class ConfidentialityReview:
    """A confidentiality review record (保密审查记录) of one publication: the fields withheld, and
    the texts written for the public that were read and approved as they stand.

    Refuses a field listed twice and a field lying inside another withheld field.
    """

    items: tuple[WithheldField, ...]
    approved: tuple[ApprovedText, ...] = ()

    def approves(self, field: str) -> bool:
        """``field`` was reviewed: approved as it stands, or withheld."""
        return any(a.field == field for a in self.approved) or any(i.field == field for i in self.items)

    def __post_init__(self) -> None:
        fields = [item.field for item in self.items]
        for index, field in enumerate(fields):
            for other in fields[:index]:
                if field == other:
                    raise MaskingError(f"withheld field {field!r}: listed twice in the review")
                if field.startswith(other + ".") or other.startswith(field + "."):
                    raise MaskingError(
                        f"withheld field {field!r}: overlaps withheld field {other!r}; withhold one"
                    )

    def to_record(self) -> list[dict[str, str]]:
        """The review as a JSON array of items (withheld fields, then approved texts)."""
        return [item.to_record() for item in self.items] + [a.to_record() for a in self.approved]


def withheld_digest(value: object, *, field: str = "$") -> str:
    """SHA-256 hex of the canonical JSON (RFC 8785) of a withheld value: the auditor's check."""
    try:
        return hashlib.sha256(canonical_json(value, path=field)).hexdigest()
    except CanonicalError as error:
        raise MaskingError(f"withheld field {field!r}: cannot be committed by hash: {error}") from None


def _parent_and_key(record: dict[str, Any], field: str) -> tuple[dict[str, Any] | list[Any], str | int]:
    steps = field.split(".")
    node: Any = record
    for depth, step in enumerate(steps):
        at = ".".join(steps[: depth + 1])
        if isinstance(node, dict) and step in node:
            key: str | int = step
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            key = int(step)
        else:
            raise MaskingError(f"withheld field {field!r}: the record has no {at!r}")
        if depth == len(steps) - 1:
            return node, key
        node = node[key]
    raise AssertionError("unreachable")  # pragma: no cover - steps is never empty


def withhold(record: dict[str, Any], review: ConfidentialityReview) -> tuple[dict[str, Any], dict[str, str]]:
    """The public copy of ``record`` with each reviewed field withheld, and field → SHA-256 of its value.

    The record itself is not changed. Raises MaskingError naming the field for an unknown field path
    or a value outside the canonical JSON profile.
    """
    public = copy.deepcopy(record)
    digests: dict[str, str] = {}
    for item in review.items:
        parent, key = _parent_and_key(public, item.field)
        value = parent[key]  # type: ignore[index]
        digests[item.field] = withheld_digest(value, field=item.field)
        parent[key] = item.notice  # type: ignore[index]
    return public, digests
