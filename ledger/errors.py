"""The one error type (错误) every rule, service and adapter of the ledger raises when it can say
what is wrong.

An error names the **field** (as the user gave it: a column, an option, a record's field) and the
**rule** it broke; messages read ``field: rule`` (``code: 65230 is not a six-digit division
code``), and both parts are kept on the error. Its **kind** says what sort of failure it is, so
that each entry point maps errors to its own answer once (the command line to an exit status, the
HTTP service to a status code) instead of listing error classes:

=============  =========================================================  ====  ====
kind           meaning                                                    exit  HTTP
=============  =========================================================  ====  ====
``invalid``    the input breaks a rule (a bad code, a date outside the       2   422
               window, a record missing an item)
``conflict``   the input is fine but the state forbids it now (a second     2   409
               seed, an already fixed list, two writers on one aggregate)
``not_found``  what is named does not exist                                 2   404
``unauthenticated`` no valid credentials (no token, a revoked or expired one)  2   401
``forbidden``  the role may not do or see this                              2   403
``integrity``  the stored ledger does not hold together (a broken chain,    3   500
               a rolled-back log): stop and find out, never retry blindly
``unavailable`` the database or a key cannot be reached or opened           2   503
=============  =========================================================  ====  ====

Each module keeps its own named error class (``DrawRuleError``, ``RecordError``…) deriving from
the kind that fits; an instance may override the kind (``CeremonyError(..., kind="conflict")``).
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal

Kind = Literal["invalid", "conflict", "not_found", "unauthenticated", "forbidden", "integrity",
               "unavailable"]
KINDS: tuple[Kind, ...] = ("invalid", "conflict", "not_found", "unauthenticated", "forbidden",
                           "integrity", "unavailable")

# "field: rule": a field is one token (a name, a dotted path with indices, an --option, a column
# header in Chinese); anything with a space before the first ": " is a sentence, not a field.
_FIELD = re.compile(r"^(?P<field>--?[\w-]+|[^\s:：]+): (?P<rule>.+)$", re.S)


# an entry of a list as people count it: "items #3.description: …" (the field: items[2].description)
_ENTRY = re.compile(r"^(?P<name>[A-Za-z_][\w.]*) #(?P<n>\d+)(?P<tail>(?:\.\w+)*): (?P<rule>.+)$", re.S)


def split_message(message: str) -> tuple[str, str]:
    """``"code: 65230 is not …"`` → ``("code", "65230 is not …")``; no field → ``("", message)``.
    An entry numbered from 1 as people count (``"orders #1.due: …"``) is the 0-based path programs
    use (``orders[0].due``)."""
    entry = _ENTRY.match(message)
    if entry is not None and int(entry["n"]) > 0:
        return f"{entry['name']}[{int(entry['n']) - 1}]{entry['tail']}", entry["rule"]
    found = _FIELD.match(message)
    if found is None:
        return "", message
    return found["field"], found["rule"]


class SpotcheckError(Exception):
    """Base of every expected error: its message, the field, the rule and the kind."""

    kind: ClassVar[Kind] = "invalid"

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None,
                 kind: Kind | None = None) -> None:
        super().__init__(message)
        parsed_field, parsed_rule = split_message(message)
        self.field = parsed_field if field is None else field
        self.rule = parsed_rule if rule is None else rule
        if kind is not None:
            if kind not in KINDS:
                raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
            self.kind = kind  # type: ignore[misc]

    @property
    def message(self) -> str:
        return str(self)

    def as_dict(self) -> dict[str, str]:
        """What an API answers: the kind, the field, the rule and the whole message."""
        return {"kind": self.kind, "field": self.field, "rule": self.rule, "message": str(self)}


class InvalidInput(SpotcheckError, ValueError):
    """The input breaks a rule."""

    kind: ClassVar[Kind] = "invalid"


class Conflict(SpotcheckError):
    """The state forbids the step now (already done, done by someone else meanwhile)."""

    kind: ClassVar[Kind] = "conflict"


class NotFound(SpotcheckError, LookupError):
    """What is named does not exist."""

    kind: ClassVar[Kind] = "not_found"


class Unauthenticated(SpotcheckError, PermissionError):
    """Who is asking is not known: no credentials, or ones that no longer hold."""

    kind: ClassVar[Kind] = "unauthenticated"


class Forbidden(SpotcheckError, PermissionError):
    """The role may not do or see this."""

    kind: ClassVar[Kind] = "forbidden"


class IntegrityFailure(SpotcheckError, RuntimeError):
    """The stored ledger does not hold together."""

    kind: ClassVar[Kind] = "integrity"


class Unavailable(SpotcheckError, RuntimeError):
    """A database or a key cannot be reached or opened."""

    kind: ClassVar[Kind] = "unavailable"


class StorageError(Unavailable):
    """The database cannot be opened; the message says which and why."""
