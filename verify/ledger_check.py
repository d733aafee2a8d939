"""Checking a bundle: every event hash, every chain link, every signed checkpoint's root, every draw.

One pass over ``events.jsonl`` recomputes each event's hash from its content, compares it with the
hash the stored row carries and with the entry the log integrated, follows each aggregate's chain,
and appends each entry to a Merkle frontier; whenever the frontier reaches the size of a signed
checkpoint (or of the auditor's trusted checkpoint) its root must equal the signed root. The
draws seen on the way are replayed at the end (:mod:`verify.draw_check`). A finding names the
file, the line, the log index and the rule broken.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from verify.bundle import Bundle, BundleError, SignedCheckpoint
from verify.canonical import CanonicalError, TooDeep, canonical_json_parsed, loads_strict
from verify.draw_check import DRAW_TYPE_PREFIX, DrawReplay
from verify.event import CONTENT_KEYS, EVENT_HASH_DOMAIN, ZERO_HASH, is_hash_hex
from verify.findings import Finding, Report
from verify.log_keys import ROTATED_TYPE, KeyHistory
from verify.merkle import Frontier
from verify.rules_check import RuleReplay

Progress = Callable[[int, float], None]
_LEAF_PREFIX = b"\x00"
_CONTENT_KEYS = frozenset(CONTENT_KEYS)
_NO_HEAD = (0, ZERO_HASH)


def verify_bundle(
    bundle: Bundle,
    trusted: SignedCheckpoint | None = None,
    progress: Progress | None = None,
    progress_every: int = 100_000,
    processes: int | None = None,
) -> Report:
    """Check everything in ``bundle``; findings go into the report, nothing is raised for them.

    ``processes=2`` replays the draws and rules in a second process while this one checks the
    hashes, chains and tree (the same report, in the same order); ``1`` keeps to this process;
    ``None`` chooses two for a large bundle where a second CPU is idle and ``fork`` is at hand.
    Both processes parse every line, so two are at most ~1.2× as fast as one (bench/README.md)."""
    return _verify(bundle, trusted, progress, progress_every, keep=False,
                   two=_two_processes(bundle, processes))[0]


@dataclass
class Evidence:
    """What the pass keeps for the accountability report (:mod:`verify.report`): every entry and
    leaf hash (32 bytes each, in log order), the roots of the signed checkpoints that verified,
    and the draw and rule replays with what they collected."""

    entries: bytearray = field(default_factory=bytearray)
    leaves: bytearray = field(default_factory=bytearray)
    roots: dict[int, bytes] = field(default_factory=dict)
    draws: DrawReplay = field(default_factory=DrawReplay)
    rules: RuleReplay = field(default_factory=lambda: RuleReplay(keep_trail=True))

    def entry(self, index: int) -> str:
        return self.entries[32 * index:32 * index + 32].hex()

    def leaf(self, index: int) -> bytes:
        return bytes(self.leaves[32 * index:32 * index + 32])


def verify_bundle_with_evidence(
    bundle: Bundle,
    trusted: SignedCheckpoint | None = None,
    progress: Progress | None = None,
    progress_every: int = 100_000,
) -> tuple[Report, Evidence]:
    """As :func:`verify_bundle`, also keeping the :class:`Evidence` for the report."""
    report, evidence = _verify(bundle, trusted, progress, progress_every, keep=True)
    assert evidence is not None
    return report, evidence


def _verify(
    bundle: Bundle, trusted: SignedCheckpoint | None, progress: Progress | None,
    progress_every: int, keep: bool, two: bool = False,
) -> tuple[Report, Evidence | None]:
    started = time.perf_counter()
    report = Report(key_source=bundle.key_source, origin=bundle.origin)
    report.findings.extend(bundle.findings)
    targets = {c.checkpoint.size: c for c in bundle.checkpoints}
    evidence = Evidence() if keep else None
    child = _ReplayProcess(bundle, targets, trusted) if two and not keep else None
    walk = _Walk(report, targets, trusted, evidence, part="all" if child is None else "checks")
    walk.at_size(None)  # a checkpoint of size 0 must carry the empty tree's root
    first = len(report.findings)
    for line_no, raw in bundle.event_lines():
        walk.line(line_no, raw)
        if progress is not None and walk.size % progress_every == 0 and walk.size:
            progress(walk.size, time.perf_counter() - started)
    # (checkpoints are compared in line() only at their sizes: at_size is not called per line)
    replay = _Replay.of(walk) if child is None else child.result()
    if child is not None:  # the child's findings, in the places the single pass gives them
        ranked = sorted(  # (stable: within a line and rank, this process's findings first)
            [((f.line or 0, _CHECKS_RANK.get(f.rule, 0)), f) for f in report.findings[first:]]
            + [((f.line or 0, _REPLAY_RANK.get(f.rule, 4)), f) for f in replay.replayed],
            key=lambda item: item[0])
        report.findings[first:] = [*replay.initial, *(f for _, f in ranked)]
        report.checkpoints_verified = replay.checkpoints
    walk.finish()
    report.findings.extend(walk.keys.findings(
        [(c.path, c.checkpoint.size, c.signed_by) for c in bundle.checkpoints]))
    report.findings.extend(replay.draws)
    report.findings.extend(replay.rules)
    report.draws_checked, report.draws_sealed = replay.checked, replay.sealed
    for line_no, raw in bundle.unlogged_lines():
        report.findings.append(_unlogged(line_no, raw))
    report.findings.extend(bundle.read_findings)
    report.seconds = time.perf_counter() - started
    return report, evidence


class _Walk:
    """The single pass over events.jsonl."""

    def __init__(
        self, report: Report, targets: dict[int, SignedCheckpoint], trusted: SignedCheckpoint | None,
        evidence: Evidence | None = None, part: str = "all",
    ) -> None:
        self.report = report
        #: "all"; or, with the pass in two processes, "checks" (the lines, the event hashes, the
        #: chains, the keys) or "replay" (the tree and the checkpoints, the draw and rule
        #: replays); each makes its own findings only
        self.part = part
        #: the findings of the "replay" part (the report's own in "all")
        self.replayed: list[Finding] = report.findings if part != "replay" else []
        self.count = 0  # the lines taken into the log so far (the frontier's size)
        self.targets = targets
        self.trusted = trusted
        self.frontier = Frontier()
        self.heads: dict[str, tuple[int, str]] = {}
        self.last_good = 0  # size of the last signed checkpoint whose root matched
        self.evidence = evidence
        self.draws = evidence.draws if evidence is not None else DrawReplay()
        self.keys = KeyHistory()
        self.rules = evidence.rules if evidence is not None else RuleReplay()

    @property
    def size(self) -> int:
        return self.count

    def find(self, rule: str, message: str, line: int | None, index: int | None = None,
             part: str = "checks") -> None:
        """A finding of the part named (made only by the process doing that part)."""
        if self.part == "all" or self.part == part:
            self.replayed.append(Finding(rule, message, index, "events.jsonl", line))

    def line(self, line_no: int, raw: bytes) -> None:
        index = self.size
        try:
            record = loads_strict(raw)
        except (CanonicalError, ValueError) as exc:
            rule = "json-depth" if isinstance(exc, TooDeep) else "malformed-line"
            self.find(rule, f"not a valid JSON line: {exc}", line_no, index)
            return
        entry = _entry_of(record)
        if entry is None:
            self.find("malformed-line", "needs an object with 'index' and a 64-hex 'entry'",
                      line_no, index)
            return
        assert isinstance(record, dict)
        if record["index"] != index:
            self.find("log-order", f"line says index {record['index']!r}, expected {index}",
                      line_no, index)
        self._check_event(record, raw, entry, line_no, index)
        self.count += 1
        if self.part == "checks":
            return
        entry_bytes = bytes.fromhex(entry)
        leaf = hashlib.sha256(_LEAF_PREFIX + entry_bytes).digest()
        self.frontier.append(leaf)
        if self.evidence is not None:
            self.evidence.entries += entry_bytes
            self.evidence.leaves += leaf
        if index + 1 in self.targets or self.trusted is not None:
            self.at_size(line_no)

    def _check_event(
        self, record: dict[str, Any], raw: bytes, entry: str, line_no: int, index: int
    ) -> None:
        event = record.get("event")
        if event is None:
            reason = record.get("error") or "the stored event is missing"
            self.find("missing-event", f"{reason}; the log holds entry {entry[:16]}…",
                      line_no, index)
            return
        if not _is_content(event):
            self.find("malformed-event", f"event content must have exactly {CONTENT_KEYS}",
                      line_no, index)
            return
        checks, replay = self.part != "replay", self.part != "checks"
        # Only a \u escape can make the encoding of parsed JSON fail (a lone surrogate), and a
        # line that fails is checked no further: the replay encodes such a line too, to know.
        if checks or b"\\u" in raw:
            try:
                recomputed = hashlib.sha256(
                    EVENT_HASH_DOMAIN + canonical_json_parsed(event, raw)
                ).hexdigest()
            except CanonicalError as exc:
                self.find("malformed-event", str(exc), line_no, index)
                return
        if checks:
            if recomputed != record.get("event_hash"):
                self.find("event-hash", f"{_label(event)}: content does not match the hash the "
                          "event carries — the stored event was altered", line_no, index)
            elif recomputed != entry:
                self.find("log-entry", f"{_label(event)}: the stored event is not the one the log "
                          f"integrated (log entry {entry[:16]}…, stored {recomputed[:16]}…)",
                          line_no, index)
            self._check_chain(event, entry, line_no, index)
        if str(event["type"]).startswith(DRAW_TYPE_PREFIX):  # (one call less for the others)
            if replay:
                self.draws.observe(event, index, line_no)
        elif event["type"] == ROTATED_TYPE and checks:
            self.keys.observe(event, index, line_no)
        if replay:
            try:
                self.rules.observe(event, index, line_no)
            except Exception as exc:  # hostile data the replay cannot read: a finding, not a crash
                self.find("malformed-event", f"{_label(event)}: the rules cannot be replayed on it "
                          f"({type(exc).__name__}: {exc})", line_no, index, "replay")

    def _check_chain(self, event: dict[str, Any], entry: str, line_no: int, index: int) -> None:
        aggregate = event["aggregate_id"]
        version = event["version"]
        head_version, head_hash = self.heads.get(aggregate, _NO_HEAD)
        if version != head_version + 1 or event["prev_hash"] != head_hash:
            self.find(
                "chain",
                f"{_label(event)}: expected version {head_version + 1} after {head_hash[:16]}…, "
                f"found version {version} after {str(event['prev_hash'])[:16]}…",
                line_no, index,
            )
        self.heads[aggregate] = (version, entry)

    def at_size(self, line_no: int | None) -> None:
        size = self.size
        signed = self.targets.get(size)
        if signed is not None and self._compare(
            signed, f"signed checkpoint {signed.path}", "checkpoint-root", line_no, self.last_good
        ):
            self.last_good = size
            self.report.checkpoints_verified.append(size)
            if self.evidence is not None:
                self.evidence.roots[size] = signed.checkpoint.root
        if self.trusted is not None and self.trusted.checkpoint.size == size:
            self._compare(self.trusted, "the trusted checkpoint", "trusted-checkpoint", line_no, 0)

    def _compare(
        self, signed: SignedCheckpoint, what: str, rule: str, line_no: int | None, since: int
    ) -> bool:
        if self.frontier.root() == signed.checkpoint.root:
            return True
        if self.size == 0:
            message = f"{what} is for an empty log but does not carry the empty tree's root"
        else:
            message = (
                f"the first {self.size} entries do not hash to the root of {what}: an entry at "
                f"log index {since}..{self.size - 1} was changed, reordered, inserted or removed "
                "(the history was rewritten)"
            )
        self.find(rule, message, line_no, since, "replay")
        return False

    def finish(self) -> None:
        size = self.size
        report = self.report
        report.events = size
        report.aggregates = len(self.heads)
        sizes = sorted(self.targets)
        for cp_size in sizes:
            if cp_size > size:
                signed = self.targets[cp_size]
                report.findings.append(Finding(
                    "log-truncated",
                    f"signed checkpoint {signed.path} covers {cp_size} entries but the bundle has "
                    f"only {size}: entries {size}..{cp_size - 1} are missing", size,
                ))
        covered = max([s for s in sizes if s <= size], default=0)
        if not sizes:
            report.findings.append(Finding("no-checkpoint", "the bundle has no signed checkpoint"))
        elif covered < size:
            report.findings.append(Finding(
                "not-covered",
                f"entries {covered}..{size - 1} are not covered by any signed checkpoint",
                covered,
            ))
        if self.trusted is not None and self.trusted.checkpoint.size > size:
            report.findings.append(Finding(
                "log-shrank",
                f"the trusted checkpoint covers {self.trusted.checkpoint.size} entries but the "
                f"bundle has only {size}: the log lost entries {size}.."
                f"{self.trusted.checkpoint.size - 1}", size,
            ))


# -- the pass in two processes ---------------------------------------------------------------------

#: From this size of ``events.jsonl`` on, ``processes=None`` uses two processes (a smaller bundle
#: verifies in well under a second, less than a second process costs to start and to answer).
TWO_PROCESS_BYTES = 8 << 20


def _two_processes(bundle: Bundle, processes: int | None) -> bool:
    if processes is not None and processes < 2:
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    if processes is not None:
        return True
    affinity = getattr(os, "sched_getaffinity", None)
    cpus = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    if cpus < 2 or threading.active_count() > 1:  # fork is safe only with one thread
        return False
    if os.getloadavg()[0] > cpus - 1:  # no CPU to spare: a second process would only queue
        return False
    try:
        return (bundle.path / "events.jsonl").stat().st_size >= TWO_PROCESS_BYTES
    except OSError:
        return False


@dataclass
class _Replay:
    """What the draw and rule replays found: the findings made on the way (in line order), those
    made at the end, and the draws counted."""

    replayed: list[Finding]
    draws: list[Finding]
    rules: list[Finding]
    checked: int
    sealed: int
    initial: list[Finding] = field(default_factory=list)  # at size 0, before the first line
    checkpoints: list[int] = field(default_factory=list)  # the signed sizes whose root matched

    @classmethod
    def of(cls, walk: _Walk) -> _Replay:
        return cls(walk.replayed if walk.part == "replay" else [],
                   _replayed("draws", walk.draws.findings),
                   _replayed("rules", lambda: walk.rules.findings(walk.draws.teams)),
                   walk.draws.checked, walk.draws.sealed,
                   checkpoints=walk.report.checkpoints_verified)


#: Where a part's finding goes among the findings of one line in the single pass: the line's
#: own (0), its event (1), its chain link (2), the rule replay (3), the checkpoints (4).
_CHECKS_RANK = {"event-hash": 1, "log-entry": 1, "missing-event": 1, "malformed-event": 1,
                "chain": 2}
_REPLAY_RANK = {"malformed-event": 3}


def _replay_pass(bundle: Bundle, targets: dict[int, SignedCheckpoint],
                 trusted: SignedCheckpoint | None) -> _Replay:
    walk = _Walk(Report(), targets, trusted, part="replay")
    walk.at_size(None)
    initial = walk.replayed[:]
    walk.replayed.clear()
    for line_no, raw in bundle.event_lines():
        walk.line(line_no, raw)
    replay = _Replay.of(walk)
    replay.initial = initial
    return replay


class _ReplayProcess:
    """The replay pass in a forked child, reading ``events.jsonl`` by itself and sending back its
    :class:`_Replay`; should the child fail, :meth:`result` replays here instead."""

    def __init__(self, bundle: Bundle, targets: dict[int, SignedCheckpoint],
                 trusted: SignedCheckpoint | None) -> None:
        self.args = (bundle, targets, trusted)
        context = multiprocessing.get_context("fork")
        self.reader, writer = context.Pipe(duplex=False)
        self.process = context.Process(target=_replay_child, args=(writer, *self.args),
                                       daemon=True)
        self.process.start()
        writer.close()

    def result(self) -> _Replay:
        try:
            replay = self.reader.recv()
        except (EOFError, OSError):
            replay = None
        finally:
            self.reader.close()
            self.process.join()
        return replay if isinstance(replay, _Replay) else _replay_pass(*self.args)


def _replay_child(writer: Any, bundle: Bundle, targets: dict[int, SignedCheckpoint],
                  trusted: SignedCheckpoint | None) -> None:
    try:
        writer.send(_replay_pass(bundle, targets, trusted))
    except Exception:  # the parent replays in process
        writer.send(None)
    finally:
        writer.close()


def _replayed(what: str, findings: Callable[[], list[Finding]]) -> list[Finding]:
    """The findings of a replay; one that fails on data it cannot read is itself a finding."""
    try:
        return findings()
    except Exception as exc:  # hostile data: a finding, never a traceback
        return [Finding("malformed-event", f"the {what} replay cannot read the bundle's events "
                        f"({type(exc).__name__}: {exc})")]


def _entry_of(record: object) -> str | None:
    if not isinstance(record, dict) or type(record.get("index")) is not int:
        return None
    entry = record.get("entry")
    return entry if is_hash_hex(entry) else None


def _label(event: dict[str, Any]) -> str:
    return f"{event['aggregate_id']} v{event['version']} ({event['type']})"


def _is_content(event: object) -> bool:
    return (
        type(event) is dict
        and event.keys() == _CONTENT_KEYS
        and type(event["aggregate_id"]) is str
        and type(event["version"]) is int
        and type(event["data"]) is dict
        and is_hash_hex(event["prev_hash"])
    )


def _unlogged(line_no: int, raw: bytes) -> Finding:
    try:
        record = loads_strict(raw)
    except (CanonicalError, ValueError) as exc:
        return Finding("malformed-line", f"not a valid JSON line: {exc}", None,
                       "unlogged.jsonl", line_no)
    what = "a stored event"
    if isinstance(record, dict) and isinstance(record.get("event"), dict):
        event = record["event"]
        what = f"stored event {event.get('aggregate_id')} v{event.get('version')}"
    if isinstance(record, dict) and "notification_id" in record:
        what += f" (notification #{record['notification_id']})"
    return Finding("unlogged", f"{what} is not in the log: written behind the log's back, or not "
                   "yet integrated (run `spotcheck log sync` before exporting)", None,
                   "unlogged.jsonl", line_no)


__all__ = ["BundleError", "Evidence", "Finding", "Report", "verify_bundle", "verify_bundle_with_evidence"]
