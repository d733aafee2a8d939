"""Every file the verifier opens is a regular file read with a cap, never followed out of the bundle:
a link to /dev/zero, a FIFO, a huge or deeply nested file give a finding or one line, never a hang
or a traceback."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from commands import Ran, run
from conftest import COUNTY

from ledger.services.export import export_bundle
from ledger.services.ledger import Ledger

pytestmark = pytest.mark.sqlite_only

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def bundle(demo_ledger: Ledger, tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    export_bundle(demo_ledger, out, COUNTY)
    return out


def _verify(bundle: Path, *args: str) -> Ran:
    return run(bundle.parent, "spotcheck-verify", str(bundle), "--quiet", *args)


def _rules(result: Ran) -> list[str]:
    return [line.split("]")[0].strip(" [") for line in result.stdout.splitlines()
            if line.startswith("  [")]


def _one_line(result: Ran) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result
    return result.stderr


def test_a_bundle_file_linked_to_dev_zero_is_refused_not_read(bundle: Path) -> None:
    (bundle / "events.jsonl").unlink()
    (bundle / "events.jsonl").symlink_to("/dev/zero")
    assert "outside the bundle" in _one_line(_verify(bundle))


def test_a_key_linked_out_of_the_bundle_is_not_followed(bundle: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.vkey"
    shutil.move(bundle / "keys" / "log.vkey", outside)
    (bundle / "keys" / "log.vkey").symlink_to(outside)
    assert "outside the bundle; not followed" in _one_line(_verify(bundle))


def test_a_link_inside_the_bundle_is_followed(bundle: Path) -> None:
    (bundle / "keys" / "copy.vkey").write_bytes((bundle / "keys" / "log.vkey").read_bytes())
    (bundle / "keys" / "log.vkey").unlink()
    (bundle / "keys" / "log.vkey").symlink_to("copy.vkey")
    assert _verify(bundle).returncode == 0


@pytest.mark.timeout(60)
def test_a_fifo_among_the_checkpoints_is_a_finding_not_a_hang(bundle: Path) -> None:
    os.mkfifo(bundle / "checkpoints" / "99.note")
    result = _verify(bundle)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "checkpoint-file" in _rules(result)
    assert "not a regular file (a FIFO)" in result.stdout


def test_a_checkpoint_linked_out_of_the_bundle_is_a_finding(bundle: Path, tmp_path: Path) -> None:
    note = sorted((bundle / "checkpoints").iterdir())[-1]
    outside = tmp_path / "kept.note"
    shutil.move(note, outside)
    note.symlink_to(outside)
    result = _verify(bundle)
    assert "checkpoint-file" in _rules(result) and "outside the bundle" in result.stdout


def test_deeply_nested_json_in_events_is_a_finding(bundle: Path) -> None:
    with (bundle / "events.jsonl").open("a", encoding="utf-8") as events:
        events.write(DEEP + "\n")
    result = _verify(bundle)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "json-depth" in _rules(result)
    assert "nested deeper than 64 levels" in result.stdout


def test_deeply_nested_json_in_unlogged_events_is_a_finding(bundle: Path) -> None:
    (bundle / "unlogged.jsonl").write_text(DEEP + "\n", encoding="utf-8")
    result = _verify(bundle)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "nested deeper than 64 levels" in result.stdout


def test_a_deeply_nested_manifest_is_a_finding(bundle: Path) -> None:
    (bundle / "manifest.json").write_text(DEEP, encoding="utf-8")
    result = _verify(bundle)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "manifest" in _rules(result) and "nested deeper than 64 levels" in result.stdout


def test_audit_reads_a_manifest_only_up_to_its_cap(bundle: Path) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    manifest["padding"] = "x" * 2_000_000
    (bundle / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run(bundle.parent, "spotcheck-verify", "audit", str(bundle))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "[manifest]" in result.stdout and "larger than 1048576 bytes" in result.stdout


def test_a_line_longer_than_the_cap_is_a_finding_and_not_held(
    bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import verify.bundle

    monkeypatch.setattr(verify.bundle, "MAX_LINE_BYTES", 4096)
    with (bundle / "events.jsonl").open("a", encoding="utf-8") as events:
        events.write('{"index": 35, "entry": "' + "a" * 100_000 + '"}\n')
    result = _verify(bundle)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "line-too-long" in _rules(result)
