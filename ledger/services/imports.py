"""Importing a directory file (名录导入): the outcome types and the rules an import follows.

An import checks every row before it stores anything: a file with a bad row is rejected whole,
with every bad row named (row, column, reason). Rows already registered with the same facts are
skipped, so importing a file twice changes nothing. The rows are then stored in **one**
transaction whatever the file's size, on both databases, so a crash or a kill leaves every row or
none (on PostgreSQL through :mod:`ledger.adapters.postgres_events`, which is what makes a save of
tens of thousands of events possible there). The use cases themselves are
:meth:`ledger.services.application.LedgerApp.import_objects` and ``import_inspectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.adapters.directory_file import VALUE_WORDS, RowProblem
from ledger.domain.directory import InspectionObject
from ledger.domain.inspector import Inspector
from ledger.errors import InvalidInput

Checked = InspectionObject | Inspector | tuple[str, str]


CATEGORY_WORDS = VALUE_WORDS["category"]



@dataclass(frozen=True)
class ImportResult:
    added: int
    unchanged: int
    #: What was accepted with a warning, by row and column (a credit code registered in a division
    #: since retired): printed by the import, kept with the entry.
    warnings: tuple[RowProblem, ...] = ()


class ImportRejected(InvalidInput):
    """A file with bad rows: nothing of it was stored. ``problems`` lists every bad row."""

    def __init__(self, path: Path, problems: list[RowProblem]) -> None:
        self.path = path
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"{path}: {len(problems)} bad row(s), nothing imported:\n{listed}{more}"
        )


def problem_of(message: str) -> tuple[str, str]:
    """Split a rule error's ``field: reason`` message."""
    field, _, reason = message.partition(": ")
    return (field, reason) if reason else ("", message)


def same_entry(stored: Any, fresh: Any) -> bool:
    """The registered facts of two entries agree (an unchanged re-import, e.g. of an export)."""
    keys = ("name", "category", "county", "post", "certificate_no", "may_inspect",
            "expertise", "outside_expert", "enforcement_category")
    return (all(getattr(stored, k, None) == getattr(fresh, k, None) for k in keys)
            and _details(stored) == _details(fresh))


def _details(entry: Any) -> Any:
    """A unit's details with its fixed source code as it stands now (the ``(1)`` suffix follows
    special supervision: :attr:`InspectionObject.fixed_source_code`)."""
    details = getattr(entry, "details", None)
    if not isinstance(entry, InspectionObject) or not entry.fixed_source_code:
        return details
    return {**entry.details, "fixed_source_code": entry.fixed_source_code}
