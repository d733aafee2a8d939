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

#: A row checked: its entry, or every (field, reason) it breaks.
Checked = InspectionObject | Inspector | list[tuple[str, str]]


CATEGORY_WORDS = VALUE_WORDS["category"]
#: 外聘专家 cells: yes or no, the agencies' way or in English (empty: no).
OUTSIDE_EXPERT_WORDS = {"是": True, "否": False, "": False, "yes": True, "no": False,
                        "true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True)
class ImportResult:
    added: int
    unchanged: int
    #: What was accepted with a warning, by row and column (a credit code registered in a division
    #: since retired): printed by the import, kept with the entry.
    warnings: tuple[RowProblem, ...] = ()
    #: Rows registered already with other values whose ledger values were kept (``keep_ledger``),
    #: each with what differs.
    kept: tuple[RowProblem, ...] = ()


class ImportRejected(InvalidInput):
    """A file with bad rows: nothing of it was stored. ``problems`` lists every bad row."""

    def __init__(self, path: Path, problems: list[RowProblem]) -> None:
        self.path = path
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        rows = len({p.row for p in problems})
        super().__init__(
            f"{path}: {rows} bad row(s), {len(problems)} problem(s), nothing imported:\n"
            f"{listed}{more}"
        )


def problem_of(message: str) -> tuple[str, str]:
    """Split a rule error's ``field: reason`` message."""
    field, _, reason = message.partition(": ")
    return (field, reason) if reason else ("", message)


#: The registered facts an import compares, in the order the differences are named.
COMPARED = ("name", "category", "county", "post", "certificate_no", "enforcement_category",
            "expertise", "may_inspect", "outside_expert")


def same_entry(stored: Any, fresh: Any) -> bool:
    """The registered facts of two entries agree (an unchanged re-import, e.g. of an export)."""
    return not differences(stored, fresh)


def differences(stored: Any, fresh: Any) -> list[tuple[str, Any, Any]]:
    """Each registered fact on which two entries differ: (field, the ledger's value, the file's
    value); a field one of them lacks is ``""`` there."""
    found = [(k, getattr(stored, k, None), getattr(fresh, k, None)) for k in COMPARED
             if getattr(stored, k, None) != getattr(fresh, k, None)]
    ledger, file = _details(stored) or {}, _details(fresh) or {}
    found += [(k, ledger.get(k, ""), file.get(k, "")) for k in sorted({*ledger, *file})
              if ledger.get(k, "") != file.get(k, "")]
    return found


def differing(table_column: Any, stored: Any, fresh: Any, english: bool) -> str:
    """What differs, said for the row of a file: ``类别: 特殊监管 in the ledger, 重点 in the file``
    (the columns as the file names them, the values in its words)."""
    from ledger.adapters.directory_file import cell_text

    return "; ".join(
        f"{table_column(field)}: {cell_text(field, ledger, english) or '(empty)'} in the ledger, "
        f"{cell_text(field, file, english) or '(empty)'} in the file"
        for field, ledger, file in differences(stored, fresh))


def _details(entry: Any) -> Any:
    """A unit's details with its fixed source code as it stands now (the ``(1)`` suffix follows
    special supervision: :attr:`InspectionObject.fixed_source_code`)."""
    details = getattr(entry, "details", None)
    if not isinstance(entry, InspectionObject) or not entry.fixed_source_code:
        return details
    return {**entry.details, "fixed_source_code": entry.fixed_source_code}
