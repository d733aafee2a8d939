"""One process or several, the verifier's report is the same (verify/parallel.py).

Each case damages a copy of the demo's audit or public bundle — malformed lines, altered events,
broken chains, schema violations, what the fast parser leaves to the standard library, removed and
swapped lines — and verifies it with ``jobs=1`` and ``jobs=2``: the reports must be equal, findings
in the same order with the same words. The chunks are made tiny, so that a demo bundle is cut
into many; once with every chunk prechecked by the worker process, once with this process taking
chunks too, once with the worker dying on the way; and once on the standard library's parser
alone (no orjson).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from commands import run
from conftest import private_copy

import verify.many as many
import verify.parallel as parallel
from verify.bundle import Bundle
from verify.canonical import canonical_json
from verify.event import EVENT_HASH_DOMAIN
from verify.findings import Report
from verify.ledger_check import verify_bundle, verify_bundle_with_evidence
from verify.line_work import precheck

Lines = list[bytes]
LOG = "652301"


@pytest.fixture(scope="module")
def exported(demo_original: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its county's audit bundle (``bundle``) and public bundle (``public``)."""
    directory = private_copy(demo_original, tmp_path_factory.mktemp("jobs"))
    for out, extra in (("bundle", []), ("public", ["--public"])):
        ran = run(directory, "spotcheck", "export", *extra, "--log", LOG, "--out", out)
        assert ran.returncode == 0, ran.stderr
    return directory


@pytest.fixture(autouse=True)
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "CHUNK_LINES", 3)


@pytest.fixture(autouse=True)
def ready_workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A worker is waited for until it is ready (a small bundle would otherwise be checked before
    it is, on a busy machine); returns the sizes of the chunks sent to workers."""
    start, submit = parallel.LineWorker.__init__, parallel.LineWorker.submit_lines
    sent: list[int] = []

    def started(worker: parallel.LineWorker) -> None:
        start(worker)
        deadline = time.monotonic() + 60
        while not worker.ready and not worker.failed and time.monotonic() < deadline:
            time.sleep(0.005)

    def counted(worker: parallel.LineWorker, raws: list[bytes]) -> Any:
        sent.append(len(raws))
        return submit(worker, raws)

    monkeypatch.setattr(parallel.LineWorker, "__init__", started)
    monkeypatch.setattr(parallel.LineWorker, "submit_lines", counted)
    return sent


def _record(raw: bytes) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(raw)
    return record


def _line(record: object, ascii_only: bool = False) -> bytes:
    """Compact JSON; ``ascii_only``: every non-ASCII character escaped (a lone surrogate can be
    written only so)."""
    return json.dumps(record, ensure_ascii=ascii_only, separators=(",", ":")).encode() + b"\n"


def _first(lines: Lines, wanted: Callable[[dict[str, Any]], bool]) -> int:
    return next(i for i, raw in enumerate(lines) if wanted(_record(raw)))


def _with_event(lines: Lines, change: Callable[[dict[str, Any]], None], rehash: bool = False,
                at: int | None = None, ascii_only: bool = False) -> Lines:
    """``change`` applied to the event of line ``at`` (default: the first registration)."""
    at = at if at is not None else _first(
        lines, lambda r: str(r.get("event", {}).get("type", "")).endswith("Registered"))
    record = _record(lines[at])
    change(record["event"])
    if rehash:
        record["event_hash"] = hashlib.sha256(
            EVENT_HASH_DOMAIN + canonical_json(record["event"])).hexdigest()
    return [*lines[:at], _line(record, ascii_only), *lines[at + 1:]]


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(event: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = event
        for part in parents:
            target = target[part]
        target[last] = value
    return change


def _insert(at: int, *extra: bytes) -> Callable[[Lines], Lines]:
    return lambda lines: [*lines[:at], *extra, *lines[at:]]


AUDIT_CASES: dict[str, Callable[[Lines], Lines]] = {
    "untouched": lambda lines: lines,
    "malformed lines and blank lines": _insert(5, b"{not json\n", b"\n", b"   \n", b"[1,2]\n",
                                               b"null\n"),
    "an index that is true, an entry that is not hex": lambda lines: [
        *lines[:4], lines[4].replace(b'"index":4', b'"index":true'),
        lines[5].replace(b'"entry":"', b'"entry":"X'), *lines[6:]],
    "an altered event": lambda lines: _with_event(lines, _set("data.name", "改过的名称")),
    "an altered event with its hash recomputed": lambda lines: _with_event(
        lines, _set("data.name", "改过的名称"), rehash=True),
    "a chain broken": lambda lines: _with_event(lines, _set("version", 7), rehash=True),
    "a schema violation": lambda lines: _with_event(lines, _set("data.category", 5), rehash=True),
    "a float": lambda lines: _with_event(lines, _set("data.name", 1.5)),
    "an unsafe integer": lambda lines: _with_event(lines, _set("data.name", 2**60)),
    "a lone surrogate and a non-BMP character": lambda lines: _with_event(
        _with_event(lines, _set("data.name", "\ud800"), ascii_only=True), _set("data.county", "𠀀"),
        at=3),
    "whitespace the fast parser leaves to the standard library": lambda lines: [
        *lines[:3], json.dumps(_record(lines[3]), ensure_ascii=False).encode() + b"\n",
        *lines[4:]],
    "a repeated key": lambda lines: [*lines[:6], lines[6].replace(b'{"index":', b'{"index":0,"index":'),
                                     *lines[7:]],
    "nesting too deep": lambda lines: _with_event(lines, _set("data.name", json.loads("[" * 80 + "]" * 80))),
    "the event missing, and one with a key too many": lambda lines: _with_event(
        [*lines[:2], _line({k: v for k, v in _record(lines[2]).items() if k != "event"}), *lines[3:]],
        _set("extra", 1), at=8),
    "a line removed": lambda lines: [*lines[:9], *lines[10:]],
    "two lines swapped": lambda lines: [*lines[:10], lines[11], lines[10], *lines[12:]],
    "the tail cut": lambda lines: lines[:-5],
    "a rule's data unreadable": lambda lines: _with_event(
        lines, _set("data", {"x": [1, {"y": None}]}), rehash=True),
}

CLEAN = {"untouched", "whitespace the fast parser leaves to the standard library"}

PUBLIC_CASES: dict[str, Callable[[Lines], Lines]] = {
    "untouched": lambda lines: lines,
    "a public body edited": lambda lines: _with_event(
        lines, _set("timestamp", "2020-01-01T00:00:00.000000Z"),
        at=_first(lines, lambda r: "event" in r and r["index"] > 0)),
    "junk between two lines": _insert(4, b"junk\n"),
    "a withheld line made malformed": lambda lines: [
        line.replace(b'"withheld":"', b'"withheld":1,"w":"') for line in lines],
}


def _damaged(exported: Path, tmp_path: Path, kind: str, damage: Callable[[Lines], Lines]) -> Path:
    bundle = tmp_path / kind
    shutil.copytree(exported / kind, bundle)
    events = bundle / "events.jsonl"
    events.write_bytes(b"".join(damage(events.read_bytes().splitlines(keepends=True))))
    return bundle


def _comparable(report: Report) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(report).items() if k != "seconds"}


def _failing(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["severity"] == "failed"]


def _both(bundle: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    one = verify_bundle(Bundle.open(bundle), jobs=1)
    two = verify_bundle(Bundle.open(bundle), jobs=2)
    return _comparable(one), _comparable(two)


@pytest.mark.parametrize("case", list(AUDIT_CASES))
def test_an_audit_bundle_gets_the_same_report_from_two_processes(
    exported: Path, tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch,
    ready_workers: list[int]
) -> None:
    bundle = _damaged(exported, tmp_path, "bundle", AUDIT_CASES[case])
    monkeypatch.setattr(parallel, "WINDOW", parallel.AHEAD)  # every chunk to the worker
    one, two = _both(bundle)
    lines = [raw for raw in (bundle / "events.jsonl").read_bytes().splitlines() if raw.strip()]
    assert two == one and sum(ready_workers) == len(lines)  # (all prechecked by the worker)
    assert (case in CLEAN) == (not _failing(one))


@pytest.mark.parametrize("case", list(PUBLIC_CASES))
def test_a_public_bundle_gets_the_same_report_from_two_processes(
    exported: Path, tmp_path: Path, case: str
) -> None:
    bundle = _damaged(exported, tmp_path, "public", PUBLIC_CASES[case])
    one, two = _both(bundle)
    assert one["public"] is not None
    assert two == one
    assert (case == "untouched") == (not _failing(one))


def test_the_evidence_is_the_same_from_two_processes(exported: Path, tmp_path: Path) -> None:
    bundle = _damaged(exported, tmp_path, "bundle", AUDIT_CASES["a chain broken"])
    one, evidence_one = verify_bundle_with_evidence(Bundle.open(bundle), jobs=1)
    two, evidence_two = verify_bundle_with_evidence(Bundle.open(bundle), jobs=2)
    assert _comparable(two) == _comparable(one)
    assert (evidence_two.entries, evidence_two.leaves, evidence_two.roots) == (
        evidence_one.entries, evidence_one.leaves, evidence_one.roots)
    assert evidence_two.rules.trail == evidence_one.rules.trail


def test_a_worker_that_dies_leaves_its_chunks_to_this_process(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ready_workers: list[int]
) -> None:
    bundle = _damaged(exported, tmp_path, "bundle", AUDIT_CASES["malformed lines and blank lines"])
    submit = parallel.LineWorker.submit_lines

    def dying(worker: parallel.LineWorker, raws: list[bytes]) -> Any:
        if len(ready_workers) == 2:
            worker.process.kill()
        return submit(worker, raws)

    monkeypatch.setattr(parallel.LineWorker, "submit_lines", dying)
    one, two = _both(bundle)
    assert two == one and len(ready_workers) >= 3


def test_the_worker_answers_as_this_process_would(exported: Path) -> None:
    lines = list(Bundle.open(exported / "bundle").event_lines())
    raws = [raw for _, raw in lines] + [b"{not json\n", b'{"index":1.5}\n']
    numbered = [*lines, (10_001, raws[-2]), (10_002, raws[-1])]
    worker = parallel.LineWorker()
    try:
        answered = worker.submit_lines(raws)
        assert answered is not None
        assert pickle.loads(answered.result(timeout=60)) == precheck(raws)
    finally:
        worker.close()
    assert worker.process.returncode == 0
    with parallel.line_workers(1) as workers:
        in_order = [(line, answer) for lines, answers, _ in parallel.prechecked_chunks(numbered, workers)
                    for line, answer in zip(lines, answers, strict=True)]
    assert in_order == list(zip(numbered, precheck(raws), strict=True))


def test_progress_is_reported_with_two_processes(exported: Path) -> None:
    seen: list[int] = []
    report = verify_bundle(Bundle.open(exported / "bundle"), progress=lambda n, _: seen.append(n),
                           progress_every=10, jobs=2)
    assert report.ok and seen == list(range(10, report.events + 1, 10))


def test_the_cli_takes_the_number_of_processes(exported: Path) -> None:
    for jobs in ("1", "2"):
        ran = run(exported, "spotcheck-verify", "bundle", "--jobs", jobs, "--quiet", "--lang", "en")
        assert ran.returncode == 0, ran.stdout + ran.stderr
    refused = run(exported, "spotcheck-verify", "bundle", "--jobs", "0", "--lang", "en")
    assert refused.returncode == 2 and "--jobs" in refused.stderr


def test_without_orjson_two_processes_give_the_same_report_too(exported: Path, tmp_path: Path) -> None:
    """The standard library's path (``SPOTCHECK_PURE_JSON=1``, as where orjson is missing), in a
    process of its own: the parser is chosen on import."""
    bundle = _damaged(exported, tmp_path, "bundle", AUDIT_CASES["a float"])
    script = (
        "import dataclasses, sys, time\n"
        "from pathlib import Path\n"
        "import verify.parallel as parallel\n"
        "from verify.bundle import Bundle\n"
        "from verify.canonical import FAST_JSON\n"
        "from verify.ledger_check import verify_bundle\n"
        "assert not FAST_JSON\n"
        "parallel.CHUNK_LINES = 3\n"
        "start = parallel.LineWorker.__init__\n"
        "def ready(worker):\n"
        "    start(worker)\n"
        "    while not worker.ready and not worker.failed: time.sleep(0.005)\n"
        "    assert worker.ready\n"
        "parallel.LineWorker.__init__ = ready\n"
        "def report(jobs):\n"
        f"    found = verify_bundle(Bundle.open(Path({str(bundle)!r})), jobs=jobs)\n"
        "    return {k: v for k, v in dataclasses.asdict(found).items() if k != 'seconds'}\n"
        "one, two = report(1), report(2)\n"
        "sys.exit(0 if one == two and one['findings'] else 1)\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "SPOTCHECK_PURE_JSON": "1"}, check=False)
    assert ran.returncode == 0, ran.stdout + ran.stderr


# -- several bundles, a bundle a process (verify/many.py) ------------------------------------------
def _several(exported: Path, tmp_path: Path) -> dict[str, Bundle]:
    """Five bundles, three of them damaged: what a prefecture's audit is given."""
    paths = {case: _damaged(exported, tmp_path / f"b{i}", "bundle", AUDIT_CASES[case])
             for i, case in enumerate(("untouched", "a chain broken", "malformed lines and blank lines",
                                       "a float"))}
    paths["public"] = _damaged(exported, tmp_path / "p", "public", PUBLIC_CASES["untouched"])
    return {name: Bundle.open(path) for name, path in paths.items()}


def _reports(found: dict[str, Report]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, _comparable(report)) for name, report in found.items()]


def test_several_bundles_get_the_same_reports_from_two_processes(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundles = _several(exported, tmp_path)
    answered = threading.Event()
    here: list[str] = []

    class Watched(parallel.WorkerProcess):
        def submit(self, frame: bytes) -> Any:
            future = super().submit(frame)
            if future is not None:
                future.add_done_callback(lambda _: answered.set())
            return future

    one = _reports(many.verify_bundles(bundles, jobs=1))
    verify_here = verify_bundle

    def after_the_worker(bundle: Bundle, **options: Any) -> Report:
        answered.wait(60)  # (this process starts once the worker has answered for one bundle)
        here.append(bundle.path.name)
        return verify_here(bundle, **options)

    monkeypatch.setattr(many, "WorkerProcess", Watched)
    monkeypatch.setattr(many, "verify_bundle", after_the_worker)
    two = _reports(many.verify_bundles(bundles, jobs=2))
    assert two == one
    assert [name for name, _ in two] == list(bundles)  # in the order given, whoever verified them
    assert answered.is_set() and len(here) < len(bundles)
    assert [name for name, report in one if not _failing(report)] == ["untouched", "public"]


def test_a_bundle_worker_that_dies_leaves_its_bundle_to_this_process(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundles = _several(exported, tmp_path)
    one = _reports(many.verify_bundles(bundles, jobs=1))

    class Dying(parallel.WorkerProcess):
        def submit(self, frame: bytes) -> Any:
            self.process.kill()
            return super().submit(frame)

    monkeypatch.setattr(many, "WorkerProcess", Dying)
    assert _reports(many.verify_bundles(bundles, jobs=2)) == one


def test_the_bundle_worker_answers_with_the_report_of_this_process(exported: Path) -> None:
    worker = parallel.WorkerProcess("verify.many")
    try:
        answers = [worker.submit(parallel.frame_of((str(exported / kind), None)))
                   for kind in ("bundle", "public", "no-such-bundle")]
        found = [pickle.loads(a.result(timeout=60)) for a in answers if a is not None]
    finally:
        worker.close()
    assert worker.process.returncode == 0 and len(found) == 3
    for kind, report in zip(("bundle", "public"), found, strict=False):
        assert _comparable(report) == _comparable(verify_bundle(Bundle.open(exported / kind), jobs=1))
    assert found[2] is None  # (what cannot be opened is opened, and worded, by this process)


def test_the_audit_cli_takes_the_number_of_processes(exported: Path) -> None:
    if not (exported / "prefecture").exists():
        ran = run(exported, "spotcheck", "export", "--log", "652300", "--out", "prefecture")
        assert ran.returncode == 0, ran.stderr
    for jobs in ("1", "2"):
        ran = run(exported, "spotcheck-verify", "audit", "bundle", "prefecture", "--jobs", jobs,
                  "--lang", "en")
        assert ran.returncode == 0 and "OK: 2 bundle(s)" in ran.stdout, ran.stdout + ran.stderr
    refused = run(exported, "spotcheck-verify", "audit", "bundle", "--jobs", "0")
    assert refused.returncode == 2 and "--jobs" in refused.stderr
