"""Which error messages a user can meet still show English inside the Chinese frame (未译错误).

Reads the source of ``ledger/`` and ``api/`` (no import of the code that raises), collects every
message written as a literal or an f-string in ``raise …Error("…")``, ``fail("…")`` and
``SpotcheckError("…")``, fills each ``{value}`` with sample values, and asks
:func:`api.error_text.rule_zh` whether a pattern translates the rule whole. A message counts as
translated when one of the sample fillings (a number, a division code, a date, a word, a quoted
phrase) is translated — the values of a real message are of one of these shapes.

    .venv/bin/python scripts/untranslated_errors.py          # the count and each untranslated one
    .venv/bin/python scripts/untranslated_errors.py --count  # the counts only

``tests/test_language.py`` runs :func:`untranslated` and fails when a message a bureau user meets
falls back to the frame.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Sample values a ``{value}`` of a message is filled with, one filling per message.
SAMPLES = ("3", "370112", "2026-03-02", "value", "a value", "2026Q1", "91370112MABPPB8W9G")
#: The callables whose first argument is a message people read.
MESSAGE_CALLS = ("fail", "_fail", "BadParameter")


@dataclass(frozen=True)
class Message:
    """A message written in the code: where, and its text with ``{}`` for each value."""

    path: str
    line: int
    template: str

    def filled(self, sample: str) -> str:
        return self.template.replace("\x00", sample)


def _template(node: ast.expr) -> str | None:
    """The message of a literal, an f-string or a concatenation of them; ``\\x00`` for a value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue) and value.conversion == ord("r"):
                parts.append("'\x00'")  # {value!r}: quoted as Python writes a string
            else:
                parts.append("\x00")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is not None or right is not None:  # "literal" + hint(): the call is a value
            return (left if left is not None else "\x00") + (right if right is not None else "\x00")
    return None


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def messages(roots: tuple[str, ...] = ("ledger", "api")) -> list[Message]:
    """Every message raised or failed with in ``roots``, in source order."""
    found: list[Message] = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = _called(node)
                if not (name.endswith(("Error", "Refusal", "Refused")) or name in MESSAGE_CALLS):
                    continue
                template = _template(node.args[0])
                if template is None and len(node.args) > 1:  # WitnessRefusal(409, "…")
                    template = _template(node.args[1])
                if template is None or not template.strip():
                    continue
                found.append(Message(str(path.relative_to(ROOT)), node.lineno, template))
    return found


def translated(message: Message) -> bool:
    """Whether some filling of ``message`` reads in Chinese whole (a pattern, or no English)."""
    from api.error_text import _english, rule_zh
    from ledger.errors import split_message
    for sample in SAMPLES:
        field, rule = split_message(message.filled(sample))
        if rule_zh(rule, field) is not None or not _english(rule):
            return True
    return False


def untranslated(roots: tuple[str, ...] = ("ledger", "api")) -> list[Message]:
    return [m for m in messages(roots) if not translated(m)]


def main(argv: list[str]) -> int:
    every = messages()
    left = [m for m in every if not translated(m)]
    print(f"{len(every)} messages, {len(every) - len(left)} translated whole, "
          f"{len(left)} shown in the Chinese frame")
    if "--count" not in argv:
        for m in left:
            print(f"{m.path}:{m.line}: {m.filled('…')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
