"""Columns of mixed Chinese and Latin text: a character's display width (a CJK character takes two
columns in a terminal and in a spreadsheet cell) and rows aligned on it."""

from __future__ import annotations


def display_width(text: str) -> int:
    """Columns ``text`` takes: 2 for each character from the CJK blocks on (U+2E80), else 1."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def aligned(cells: list[list[str]]) -> list[str]:
    """Each row of ``cells`` as one line, indented by two spaces, columns padded to the widest."""
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(cells[0]))]
    return ["  " + "  ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True))
            .rstrip() for row in cells]
