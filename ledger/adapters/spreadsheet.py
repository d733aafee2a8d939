"""Cells a spreadsheet would run (公式注入防护): every export neutralises them.

A company name, a remark or any other text we export may begin with a character that Excel, WPS or
LibreOffice read as the start of a formula — ``=``, ``+``, ``-``, ``@`` (and their full-width forms,
which Chinese input methods type), a tab or a carriage return — so ``=HYPERLINK(…)`` in a name would
become a live link, or worse, in the operator's spreadsheet (OWASP "CSV injection"). Every ``.xlsx``
and ``.csv`` Spotcheck writes (the directories, annex 3 and 4) goes through this module:

* ``.xlsx``: such a cell is written as a text cell with the *quote prefix* style (Excel's leading
  apostrophe): it shows the text as it is, and stays text even when someone edits it;
* ``.csv`` (which has no types): such a cell is written with a leading apostrophe ``'``, as OWASP
  recommends; reading a directory file back takes that apostrophe off again
  (:func:`unquote_csv_cell`), so an export re-imports unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: What a spreadsheet reads as the start of a formula, at the start of a cell.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def runs(value: object) -> bool:
    """A text a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(TRIGGERS)


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for :mod:`csv`: each text a spreadsheet would run gets a leading apostrophe."""
    return ["'" + value if runs(value) else value for value in values]


def unquote_csv_cell(value: str) -> str:
    """A CSV cell as :func:`csv_row` was given it (the apostrophe it added taken off)."""
    return value[1:] if value.startswith("'") and runs(value[1:]) else value


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``sheet.append``: each text a spreadsheet would run as a text cell with the
    quote prefix, never a formula (``sheet`` an openpyxl worksheet, write-only or not). A control
    character ``.xlsx`` cannot hold (in an event stored before the text rule,
    :mod:`ledger.domain.text`) is written as U+FFFD instead of failing the export."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = [ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in values]
    return [_text_cell(sheet, value) if runs(value) else value for value in cells]


def _text_cell(sheet: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    cell = (WriteOnlyCell(sheet, value=value) if _write_only(sheet)
            else Cell(sheet, value=value))  # type: ignore[call-arg]  # append places it
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _write_only(sheet: Any) -> bool:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    return isinstance(sheet, WriteOnlyWorksheet)
