"""The accountability report: per task, officer and agency, each step by the book or not, with its
evidence (log index, entry, and an inclusion proof against the signed checkpoint); JSON and HTML.

尽职照单免责、失职照单问责: an officer whose steps are all by the book is shown exempt; a breach
written past the application marks exactly its task and its officers.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from ceremony_steps import fixed
from commands import run
from conftest import COUNTY
from stdnum.cn import uscc
from test_inspections import _record
from test_rules_check import _file_past_the_application

from ledger.services.ceremony import Ceremony
from ledger.services.export import export_bundle
from ledger.services.inspections import Inspections
from ledger.services.ledger import Ledger
from verify.bundle import Bundle
from verify.findings import Report
from verify.ledger_check import Evidence, verify_bundle, verify_bundle_with_evidence
from verify.merkle import leaf_hash, root_from_leaf_hashes, verify_inclusion
from verify.report import Accountability, _Prover, build_report
from verify.report_html import is_identity_number, mask_identity, render_html

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only

IDENTITY = "652301199001011234"
BIN = Path(sys.executable).parent


def _verify(county: Ledger, out: Path) -> tuple[Report, Accountability, Bundle]:
    export_bundle(county, out, COUNTY)
    bundle = Bundle.open(out)
    report, evidence = verify_bundle_with_evidence(bundle)
    return report, build_report(report, evidence), bundle


def _quarter(county: Ledger, ceremony: Ceremony, late: int = 0, remarks: str = "") -> str:
    """A by-the-book quarter; the first ``late`` records filed 3 working days late; the first
    record's remarks ``remarks``."""
    inspections = Inspections(ceremony.app, ceremony)
    draw_id = fixed(ceremony)
    for n, (unit, team) in enumerate(ceremony.open(draw_id).teams.items()):
        record = _record(team, remarks=remarks if n == 0 else "")
        filed_on = date(2026, 1, 19) if n < late else date(2026, 1, 9)  # due 14 Jan
        inspections.file_record(draw_id, unit, record, team[-1], filed_on)
        inspections.disclose_result(draw_id, unit, "办公室", date(2026, 1, 20))
    inspections.disclose_list(draw_id, "局长", date(2026, 2, 2))
    county.sync()
    return draw_id


def _check_proofs(acc: Accountability, bundle: Bundle) -> int:
    """Every step's proof verifies against its signed checkpoint's root; the entry is the log's."""
    roots = {c.checkpoint.size: c.checkpoint.root for c in bundle.checkpoints}
    entries = [json.loads(raw)["entry"] for _, raw in bundle.event_lines()]
    checked = 0
    for task in acc.as_dict()["tasks"]:
        for step in task["steps"]:
            proof = step["proof"]
            assert proof is not None, step
            root = base64.b64decode(proof["root"])
            leaf = base64.b64decode(proof["leaf_hash"])
            assert root == roots[proof["tree_size"]] and proof["tree_size"] == max(roots)
            assert step["entry"] == entries[step["index"]]
            assert leaf == leaf_hash(bytes.fromhex(step["entry"]))
            verify_inclusion(leaf, step["index"], proof["tree_size"],
                             [base64.b64decode(h) for h in proof["hashes"]], root)
            checked += 1
    return checked


def test_a_by_the_book_quarter_every_task_ok_every_officer_exempt(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    draw_id = _quarter(county, ceremony)
    report, acc, bundle = _verify(county, tmp_path / "bundle")
    assert report.findings == []
    teams = ceremony.open(draw_id).teams
    assert {t.unit for t in acc.tasks} == set(teams) and all(t.status == "ok" for t in acc.tasks)
    for task in acc.tasks:
        assert task.team == list(teams[task.unit])
        assert [s.step for s in task.steps] == ["fixed", "opened", "record_filed", "result_disclosed"]
        assert task.record is not None and task.steps[2].actor == teams[task.unit][-1]
    assert {o.certificate for o in acc.officers} == {c for t in teams.values() for c in t}
    assert all(o.status == "by_the_book" for o in acc.officers)
    assert all(s.status == "ok" for o in acc.officers for t in o.tasks for s in t.steps)
    data = acc.as_dict()
    assert list(data)[:len(report.as_dict())] == list(report.as_dict())
    assert data["summary"] | {"officers": None} == {
        "ok": True, "tasks": len(teams), "passed": len(teams), "failed": 0, "late": 0,
        "officers": None, "findings": {"failed": 0, "late": 0}}
    agency = data["agency"]
    assert agency["division_code"] == COUNTY and agency["origin"] == report.origin
    assert agency["findings"] == [] and [d["draw_id"] for d in agency["draws"]] == [draw_id]
    assert agency["draws"][0]["disclosed"] and agency["draws"][0]["status"] == "ok"
    assert _check_proofs(acc, bundle) == 4 * len(teams)


def test_a_record_filed_late_shows_its_task_and_its_filer_late_not_failed(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    draw_id = _quarter(county, ceremony, late=1)
    report, acc, bundle = _verify(county, tmp_path / "bundle")
    assert report.ok and [f.rule for f in report.late] == ["record-late"]
    unit, team = next(iter(ceremony.open(draw_id).teams.items()))
    late = [t for t in acc.tasks if t.status != "ok"]
    assert [(t.unit, t.status) for t in late] == [(unit, "late")]
    filed = next(s for s in late[0].steps if s.step == "record_filed")
    assert filed.status == "late" and [f.rule for f in filed.findings] == ["record-late"]
    filer = team[-1]
    statuses = {o.certificate: o.status for o in acc.officers}
    assert statuses[filer] == "late"
    assert all(s == "by_the_book" for c, s in statuses.items() if c != filer)
    summary = acc.summary()
    assert (summary["passed"], summary["failed"], summary["late"]) == (len(acc.tasks) - 1, 0, 1)
    _check_proofs(acc, bundle)


def test_a_breach_marks_exactly_its_task_and_its_officers(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    items = _record(("a", "b"))["items"][:2]
    draw_id, breached = _file_past_the_application(county, ceremony, {"items": items},
                                                   "2026-01-09", 0)
    inspections = Inspections(ceremony.app, ceremony)
    teams = ceremony.open(draw_id).teams
    for unit, team in teams.items():
        if unit != breached:
            inspections.file_record(draw_id, unit, _record(team), team[0], date(2026, 1, 9))
    county.sync()
    report, acc, bundle = _verify(county, tmp_path / "bundle")
    assert [f.rule for f in report.findings] == ["rule-record"]
    failed = [t for t in acc.tasks if t.status != "ok"]
    assert [(t.unit, t.status) for t in failed] == [(breached, "failed")]
    assert len(acc.tasks) == len(teams) and failed[0].team is None  # the list is not disclosed
    record = next(s for s in failed[0].steps if s.step == "record_filed")
    assert record.status == "failed" and record.findings == report.findings
    culprits = set(teams[breached])
    for officer in acc.officers:
        expected = "not_by_the_book" if officer.certificate in culprits else "by_the_book"
        assert officer.status == expected, officer
    assert acc.agency_findings == [] and acc.summary()["failed"] == 1
    _check_proofs(acc, bundle)


class _Tags(HTMLParser):
    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.prose: list[str] = []  # the text outside <code> (hashes and proofs)
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.extend(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if "code" not in self.stack:
            self.prose.append(data)


def _parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    tags.close()
    assert tags.errors == [] and tags.stack == [], (tags.errors, tags.stack)
    # nothing loaded or run: no script, no attribute that fetches (read from the parsed tags, not
    # the text, where base64 proofs may well contain "src=")
    assert not tags.tags & {"script", "img", "iframe", "object", "embed", "link"}, tags.tags
    assert not [k for k, _ in tags.attrs if k in ("src", "srcset") or k.startswith("on")]
    hrefs = [v for k, v in tags.attrs if k == "href"]
    assert all(v is not None and v.startswith("#task-") for v in hrefs), hrefs
    return tags


def test_the_html_page_zh_and_en_masks_identity_numbers(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    _quarter(county, ceremony, late=1, remarks=f"当事人身份证号{IDENTITY}，已核实")
    report, acc, _ = _verify(county, tmp_path / "bundle")
    assert any(t.record is not None and IDENTITY in t.record["remarks"] for t in acc.tasks)
    zh = render_html(acc)
    text = "".join(_parse(zh).text)
    for words in ("核验摘要", "核验通过", "通过", "未通过", "逾期", "尽职照单免责", "检查记录归档",
                  report.origin or "?", "已核验的签名检查点"):
        assert words in text, words
    en = render_html(acc, "en")
    text_en = "".join(_parse(en).text)
    for words in ("Summary", "Verified", "Passed", "Failed", "Late", "by the book: exempt",
                  "record filed", "Inclusion proof"):
        assert words in text_en, words
    for page in (zh, en):
        assert IDENTITY not in page and "6523011990****1234" in page
        assert "<details>" in page
        for prose in _parse(page).prose:  # hex hashes may hold 18 digits in a row; in prose, only
            for digits in re.findall(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])", prose):  # credit codes
                assert uscc.is_valid(digits) and not is_identity_number(digits), prose
    # the Chinese page speaks Chinese: the record's state, the findings of its items, the draw's
    # kind, where the key came from; the checkpoints as a count, not a wall of sizes; every step
    # of a task with its date and who did it
    for words in ("正常生产", "符合要求", "检查对象抽取", "审计包自带的公钥", "1 个，最新的覆盖"):
        assert words in text, words
    assert "operating" not in text and "compliant" not in text and "the bundle's own key" not in text
    rows = _step_rows(zh)
    assert rows and all(r["日期"] and r["经办"] for r in rows if r["步骤"] in ("检查任务建立", "结果公开"))
    with pytest.raises(ValueError):
        render_html(acc, "fr")


def _step_rows(page: str) -> list[dict[str, str]]:
    """The rows of the tasks' step tables, by heading."""
    rows: list[dict[str, str]] = []
    for table in re.findall(r"<table><tr><th>步骤</th>(.*?)</table>", page, flags=re.S):
        headings = ["步骤", *re.findall(r"<th>(.*?)</th>", table.split("</tr>", 1)[0])]
        for row in table.split("</tr>")[1:]:
            cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
            if cells:
                rows.append(dict(zip(headings, cells, strict=False)))
    return rows


def test_mask_identity_masks_identity_numbers_and_never_a_credit_code() -> None:
    assert mask_identity("65230119900101123X") == "6523011990****123X"
    # an all-digit unified social credit code is shown whole, as on the public pages
    assert mask_identity("信用代码913701126200008237") == "信用代码913701126200008237"
    assert mask_identity("身份证110101199003074578") == "身份证1101011990****4578"
    assert mask_identity(f"号{IDENTITY}。") == "号6523011990****1234。"
    assert mask_identity("65230100001 " + "1" * 19) == "65230100001 " + "1" * 19


def test_every_proof_of_every_index_verifies_against_the_newest_covering_checkpoint() -> None:
    leaves = [leaf_hash(n.to_bytes(4, "big")) for n in range(37)]
    evidence = Evidence()
    for leaf in leaves:
        evidence.leaves += leaf
    for size in (1, 5, 16, 37):
        evidence.roots[size] = root_from_leaf_hashes(leaves[:size])
    prover = _Prover(evidence)
    for index in range(37):
        proof = prover.proof(index)
        assert proof is not None and proof.tree_size == 37
        verify_inclusion(leaves[index], index, 37, proof.hashes, evidence.roots[37])
    del evidence.roots[37]
    assert prover.proof(16) is None and prover.proof(15) is not None
    proof = _Prover(evidence).proof(3)
    assert proof is not None and proof.tree_size == 16
    verify_inclusion(leaves[3], 3, 16, proof.hashes, evidence.roots[16])


def test_the_evidence_pass_finds_what_the_plain_pass_finds(
    county: Ledger, ceremony: Ceremony, tmp_path: Path
) -> None:
    _file_past_the_application(county, ceremony, {}, "2026-01-19", 0)
    export_bundle(county, tmp_path / "bundle", COUNTY)
    bundle = Bundle.open(tmp_path / "bundle")
    plain = verify_bundle(bundle)
    with_evidence, evidence = verify_bundle_with_evidence(bundle)
    assert plain.findings == with_evidence.findings and len(evidence.leaves) == 32 * plain.events
    assert [(f.rule, f.severity) for f in plain.findings] == [("rule-deadline", "failed"),
                                                              ("record-late", "late")]
    acc = build_report(with_evidence, evidence)
    assert [t.status for t in acc.tasks] == ["failed"]
    assert [o.status for o in acc.officers] == ["not_by_the_book", "not_by_the_book"]


def test_the_cli_writes_the_report_of_the_demo_bundle(demo_dir: Path) -> None:
    tmp_path = demo_dir
    assert run(tmp_path, "spotcheck", "export", "--log", COUNTY, "--out", "b").returncode == 0
    result = run(tmp_path, "spotcheck-verify", "b", "--quiet", "--report", "r.html", "--json",
                  "r.json", "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    data: dict[str, Any] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {"ok", "findings", "checkpoints_verified", "tasks", "officers", "agency",
            "summary"} <= set(data)
    assert data["summary"]["tasks"] == 54 and data["summary"]["late"] == 1
    assert data["summary"]["failed"] == 0 and data["agency"]["division_code"] == COUNTY
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Summary" in "".join(_parse(page).text)
    zh = run(tmp_path, "spotcheck-verify", "b", "--quiet", "--report", "zh.html", lang=None)
    assert zh.returncode == 0 and "核验摘要" in (tmp_path / "zh.html").read_text(encoding="utf-8")
    bad = run(tmp_path, "spotcheck-verify", "b", "--quiet", "--report", "r.html", "--lang", "fr")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    unwritable = run(tmp_path, "spotcheck-verify", "b", "--quiet", "--report", "no/such/r.html")
    assert unwritable.returncode == 2 and "--report" in unwritable.stderr
