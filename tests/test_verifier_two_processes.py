"""The verifier's pass in two processes reports exactly what the single pass reports.

With ``processes=2`` the draw and rule replays run in a forked child while the parent checks the
hashes, chains and tree (issue 17); the findings are merged back into the single pass's order. The
demo's quarter (draws, records, disclosures) is exported, damaged in ways that give findings of
every kind, several on one line, and verified both ways.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from commands import run

from verify.bundle import Bundle
from verify.ledger_check import verify_bundle
from verify.rules_check import RuleReplay

COUNTY = "652301"


@pytest.fixture
def quarter_bundle(small_demo_dir: Path) -> Path:
    ran = run(small_demo_dir, "spotcheck", "export", "--log", COUNTY, "--out", "bundle")
    assert ran.returncode == 0, ran.stderr
    return small_demo_dir / "bundle"


def both_ways(path: Path) -> tuple[dict[str, object], dict[str, object]]:
    reports = []
    for processes in (1, 2):
        report = verify_bundle(Bundle.open(path), processes=processes).as_dict()
        report.pop("seconds")
        reports.append(report)
    return reports[0], reports[1]


def test_an_intact_quarter_verifies_the_same_in_two_processes(quarter_bundle: Path) -> None:
    single, two = both_ways(quarter_bundle)
    assert single == two
    assert single["ok"] and single["draws_checked"]


def test_damage_of_every_kind_is_reported_in_the_same_order(
    quarter_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = quarter_bundle / "events.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    records = [json.loads(line) for line in lines]
    types = [str(r["event"]["type"]) for r in records]
    draw_lines = [i for i, t in enumerate(types) if ".Draw." in t or t.startswith("ledger.draw")]
    assert len(draw_lines) > 6, types[:20]

    def edit(i: int, change: object) -> None:
        record = records[i]
        change(record)  # type: ignore[operator]
        lines[i] = (json.dumps(record, separators=(",", ":")) + "\n").encode()  # \u escapes

    edit(draw_lines[1], lambda r: r["event"].update(data={}))  # hash, chain? and the replays
    edit(draw_lines[3], lambda r: r["event"]["data"].update(units="not a list", seed=7))
    edit(draw_lines[5], lambda r: r["event"].update(version=99))  # hash and chain, on one line
    edit(draw_lines[5] + 1, lambda r: r["event"].update(version=98))  # (and on the next)
    edit(4, lambda r: r["event"]["data"].update(name="\ud800"))  # a lone surrogate, escaped
    edit(6, lambda r: r.update(index=1))  # log order
    edit(len(records) - 2, lambda r: r["event"].update(data={"x": 1}))
    lines[8] = b"{not json\n"
    lines[20], lines[21] = lines[21], lines[20]  # the tree no longer has the signed root
    for i in (12, 13):  # two altered events side by side
        lines[i] = lines[i].replace(b'"timestamp":"2', b'"timestamp":"1', 1)
    # a replay that breaks on data it cannot read (the forked child inherits the patch): its
    # finding is made on the way, and must land among the line's own findings
    observe = RuleReplay.observe
    broken = {draw_lines[1] + 1, 3, len(records) - 1}  # (line numbers: from 1)

    def breaking(self: RuleReplay, event: dict[str, Any], index: int, line: int) -> None:
        if line in broken:
            raise ZeroDivisionError("hostile data")
        observe(self, event, index, line)

    monkeypatch.setattr(RuleReplay, "observe", breaking)
    lines[10] = lines[10].replace(b'"version":', b'"float":1.5,"version":', 1)
    lines += lines[-2:]  # as many entries as signed again, but not the signed ones
    path.write_bytes(b"".join(lines))
    single, two = both_ways(quarter_bundle)
    assert not single["ok"]
    findings: list[dict[str, Any]] = single["findings"]  # type: ignore[assignment]
    rules = {f["rule"] for f in findings}
    assert {"event-hash", "chain", "malformed-line", "log-order", "malformed-event",
            "checkpoint-root"} <= rules
    assert {13, 14} <= {f["line"] for f in findings if f["rule"] == "event-hash"}
    replayed = [f for f in findings if "cannot be replayed" in f["message"]]
    assert sorted(f["line"] for f in replayed) == sorted(broken)
    assert single == two
