"""docs/ledger-format.md's examples are the current demo's: the deterministic ones are checked."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

from commands import run

DOC = Path(__file__).parent.parent / "docs" / "ledger-format.md"


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(title)
    return text[start:text.index("\n## ", start + 1)]


def test_the_worked_example_runs_on_a_new_demo_bundle_and_prints_what_the_doc_says(
        demo_dir: Path) -> None:
    assert run(demo_dir, "spotcheck", "export", "--log", "652301", "--out", "b").returncode == 0
    section = _section("## 8. Worked example")
    code = "\n".join(re.findall(r"```python\n(.*?)```", section, re.S))
    promised = re.findall(r"print\(.*\)\s+# (\S+)", code)
    assert len(promised) == 5
    out = io.StringIO()
    saved = Path.cwd()
    os.chdir(demo_dir)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "ledger-format.md §8", "exec"), {})  # the doc's own code
    finally:
        os.chdir(saved)
    printed = out.getvalue().split()
    # every run of the demo gives the same first four values; the last is this run's root
    assert printed[:4] == promised[:4]
    note = (demo_dir / "b" / "checkpoints" / "500.note").read_text().splitlines()
    assert printed[4] == note[2]


def test_the_bundle_lines_quoted_in_the_doc_are_the_demo_s(demo_dir: Path) -> None:
    assert run(demo_dir, "spotcheck", "export", "--log", "652301", "--out", "b").returncode == 0
    quoted = re.findall(r"^\{\"index\":\d+.*$", _section("### 6.2 `events.jsonl`"), re.M)
    lines = (demo_dir / "b" / "events.jsonl").read_text(encoding="utf-8").split("\n")
    assert len(quoted) == 2
    for line in quoted:
        index = int(re.match(r'\{"index":(\d+)', line).group(1))  # type: ignore[union-attr]
        assert lines[index] == line
