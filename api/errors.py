"""Errors to answers, mapped once for every entry point.

Every expected error derives from :class:`ledger.errors.SpotcheckError` and carries its kind; the
command line turns the kind into an exit status, the HTTP service into a status code. Wording for
people stays in the entry point (the command line prefixes ``spotcheck:``; the service answers JSON
with the field and the rule)."""

from __future__ import annotations

from ledger.errors import Kind, SpotcheckError

#: Exit status of a command that failed for a reason it could name (every kind: 2).
EXIT_STATUS: dict[Kind, int] = {
    "invalid": 2, "conflict": 2, "not_found": 2, "unauthenticated": 2, "forbidden": 2,
    "integrity": 2, "unavailable": 2,
}
#: HTTP status of each kind.
HTTP_STATUS: dict[Kind, int] = {
    "invalid": 422, "conflict": 409, "not_found": 404, "unauthenticated": 401, "forbidden": 403,
    "integrity": 500, "unavailable": 503,
}


def exit_status(error: SpotcheckError) -> int:
    return EXIT_STATUS[error.kind]


def http_status(error: SpotcheckError) -> int:
    return HTTP_STATUS[error.kind]
