"""The verifier judges a bundle by its bytes alone: hostile or odd bundles get exact findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import COUNTY, agency_origin

from ledger.services.export import export_bundle
from ledger.services.ledger import Ledger
from verify.bundle import Bundle
from verify.checkpoint import Checkpoint, sign_checkpoint
from verify.findings import Report
from verify.ledger_check import verify_bundle
from verify.merkle import EMPTY_ROOT


@pytest.fixture
def bundle(demo_ledger: Ledger, tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    export_bundle(demo_ledger, out, COUNTY)
    return out


def _verify(path: Path) -> Report:
    return verify_bundle(Bundle.open(path))


def _edit_line(path: Path, number: int, change: dict[str, object]) -> None:
    events = path / "events.jsonl"
    lines = events.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[number])
    record.update(change)
    lines[number] = json.dumps(record, ensure_ascii=False)
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sign(demo_ledger: Ledger, size: int, root: bytes) -> str:
    signer = demo_ledger.keys(COUNTY).load_signer()
    return sign_checkpoint(Checkpoint(signer.name, size, root), signer)


def test_a_json_true_is_not_an_index(bundle: Path) -> None:
    _edit_line(bundle, 1, {"index": True})
    assert [f.rule for f in _verify(bundle).findings][:1] == ["malformed-line"]


def test_a_size_zero_checkpoint_must_carry_the_empty_root(
    demo_ledger: Ledger, bundle: Path
) -> None:
    (bundle / "checkpoints" / "0.note").write_text(_sign(demo_ledger, 0, b"\x01" * 32))
    assert [(f.rule, f.index) for f in _verify(bundle).findings] == [("checkpoint-root", 0)]
    (bundle / "checkpoints" / "0.note").write_text(_sign(demo_ledger, 0, EMPTY_ROOT))
    assert _verify(bundle).findings == []


def test_two_signed_roots_for_one_size_are_a_finding(demo_ledger: Ledger, bundle: Path) -> None:
    (bundle / "checkpoints" / "35-bis.note").write_text(_sign(demo_ledger, 35, b"\x02" * 32))
    rules = [f.rule for f in _verify(bundle).findings]
    assert "checkpoint-conflict" in rules


def test_a_checkpoint_signed_by_another_key_is_a_finding(bundle: Path, tmp_path: Path) -> None:
    from verify.note import generate_signer

    other = generate_signer(agency_origin(COUNTY))
    note = sign_checkpoint(Checkpoint(other.name, 35, b"\x03" * 32), other)
    (bundle / "checkpoints" / "35.note").write_text(note)
    report = _verify(bundle)
    assert [f.rule for f in report.findings][:1] == ["checkpoint-signature"]


def test_a_line_that_is_not_json_is_named_by_file_and_line(bundle: Path) -> None:
    events = bundle / "events.jsonl"
    lines = events.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3][:40]
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = _verify(bundle).findings[0]
    assert (first.rule, first.file, first.line, first.index) == (
        "malformed-line", "events.jsonl", 4, 3)


def test_a_float_smuggled_into_event_data_is_refused(bundle: Path) -> None:
    record = json.loads((bundle / "events.jsonl").read_text(encoding="utf-8").splitlines()[2])
    record["event"]["data"]["score"] = 0.5
    _edit_line(bundle, 2, {"event": record["event"]})
    first = _verify(bundle).findings[0]
    assert (first.rule, first.index) == ("malformed-line", 2)
    assert "not an integer" in first.message


def test_progress_is_reported_as_a_large_bundle_is_checked(bundle: Path) -> None:
    seen: list[int] = []
    report = verify_bundle(Bundle.open(bundle), progress=lambda n, _: seen.append(n),
                           progress_every=10)
    assert report.ok
    assert seen == [10, 20, 30]
