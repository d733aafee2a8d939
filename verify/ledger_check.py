"""Checking a bundle: every event hash, every chain link, every signed checkpoint's root, every draw.

One pass over ``events.jsonl`` recomputes each event's hash from its content, compares it with the
hash the stored row carries and with the entry the log integrated, follows each aggregate's chain,
and appends each entry to a Merkle frontier; whenever the frontier reaches the size of a signed
checkpoint (or of the auditor's trusted checkpoint) its root must equal the signed root. The
draws seen on the way are replayed at the end (:mod:`verify.draw_check`). A finding names the
file, the line, the log index and the rule broken.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from verify.bundle import Bundle, BundleError, SignedCheckpoint
from verify.canonical import CanonicalError, TooDeep, canonical_json_parsed, loads_proved, loads_strict
from verify.cosignature import CosignerVerifier, check_cosignatures
from verify.draw_check import DRAW_TYPE_PREFIX, DrawReplay
from verify.event import CONTENT_KEYS, ZERO_HASH, hash_of_encoding, is_hash_hex
from verify.events_schema import ALWAYS, NEVER, EventSchema, event_schema
from verify.findings import Finding, Report
from verify.line_work import Prechecked, content_problems, young_collections_only
from verify.log_keys import ROTATED_TYPE, KeyHistory
from verify.merkle import Frontier, leaf_hash
from verify.note import NoteError
from verify.parallel import LineWorker, auto_jobs, line_workers, prechecked_chunks
from verify.rules_check import RuleReplay

Progress = Callable[[int, float], None]
_NO_HEAD = (0, ZERO_HASH)


def verify_bundle(
    bundle: Bundle,
    trusted: SignedCheckpoint | None = None,
    progress: Progress | None = None,
    progress_every: int = 100_000,
    witnesses: Sequence[CosignerVerifier] = (),
    *,
    jobs: int | None = None,
) -> Report:
    """Check everything in ``bundle``; findings go into the report, nothing is raised for them.
    ``witnesses``: cosigner keys whose cosignatures of the bundle's checkpoints date the entries
    after them by a clock the agency does not control (:func:`witness_clock`). ``jobs``: how
    many processes check the lines (:mod:`verify.parallel`; 1: this one alone; None: two for a
    large bundle when two CPUs are available) — the report is the same whatever the number."""
    return _verify(bundle, trusted, progress, progress_every, keep=False, witnesses=witnesses,
                   jobs=jobs)[0]


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
    witnesses: Sequence[CosignerVerifier] = (),
    *,
    jobs: int | None = None,
) -> tuple[Report, Evidence]:
    """As :func:`verify_bundle`, also keeping the :class:`Evidence` for the report."""
    report, evidence = _verify(bundle, trusted, progress, progress_every, keep=True,
                               witnesses=witnesses, jobs=jobs)
    assert evidence is not None
    return report, evidence


def witness_clock(checkpoints: Sequence[SignedCheckpoint],
                  witnesses: Sequence[CosignerVerifier]
                  ) -> tuple[Callable[[int], datetime | None] | None, list[Finding]]:
    """When a witness cosigned a checkpoint of size *s* at time *t*, the log then held *s*
    entries: every entry at index *s* or above was logged after *t*, whatever the agency's clock
    says. Returns ``index → the latest such t`` (None without any valid cosignature) for the
    rules' back-dating check (:attr:`verify.rules_check.RuleReplay.witnessed_after`), and a
    finding for each cosignature by a given witness key that does not verify."""
    findings: list[Finding] = []
    times: list[tuple[int, int]] = []
    for signed in checkpoints if witnesses else ():
        try:
            valid, problems = check_cosignatures(signed.note, witnesses)
        except NoteError as exc:
            problems, valid = [str(exc)], []
        findings += [Finding("cosignature", p, None, signed.path) for p in problems]
        times += [(signed.checkpoint.size, c.timestamp) for c in valid]
    if not times:
        return None, findings
    times.sort()
    sizes, latest, running = [], [], 0
    for size, timestamp in times:
        running = max(running, timestamp)
        sizes.append(size)
        latest.append(running)

    def witnessed_after(index: int) -> datetime | None:
        at = bisect_right(sizes, index)
        return None if at == 0 else datetime.fromtimestamp(latest[at - 1], UTC)

    return witnessed_after, findings


def _verify(
    bundle: Bundle, trusted: SignedCheckpoint | None, progress: Progress | None,
    progress_every: int, keep: bool, witnesses: Sequence[CosignerVerifier] = (),
    jobs: int | None = None,
) -> tuple[Report, Evidence | None]:
    started = time.perf_counter()
    report = Report(key_source=bundle.key_source, origin=bundle.origin)
    report.findings.extend(bundle.findings)
    targets = {c.checkpoint.size: c for c in bundle.checkpoints}
    evidence = Evidence() if keep else None
    jobs = auto_jobs(bundle.events_bytes()) if jobs is None else jobs
    with line_workers(jobs - 1) as workers:  # (first: they start while the schema compiles here)
        walk = _Walk(report, targets, trusted, evidence)
        walk.rules.witnessed_after, problems = witness_clock(bundle.checkpoints, witnesses)
        report.findings.extend(problems)
        if bundle.public:
            walk.public_bundle(bundle)
        walk.at_size(None)  # a checkpoint of size 0 must carry the empty tree's root
        with young_collections_only():
            _walk_lines(walk, bundle, workers, progress, progress_every, started)
    # (checkpoints are compared in line() only at their sizes: at_size is not called per line)
    walk.finish()
    report.findings.extend(walk.keys.findings(
        [(c.path, c.checkpoint.size, c.signed_by) for c in bundle.checkpoints]))
    report.findings.extend(_replayed("draws", walk.draws.findings))
    if not bundle.public:
        report.findings.extend(_replayed("rules", lambda: walk.rules.findings(walk.draws.teams)))
    report.draws_checked, report.draws_sealed = walk.draws.checked, walk.draws.sealed
    if bundle.public:
        report.public = walk.public_summary()
    for line_no, raw in bundle.unlogged_lines():
        report.findings.append(_unlogged(line_no, raw))
    report.findings.extend(bundle.read_findings)
    report.seconds = time.perf_counter() - started
    return report, evidence


def _walk_lines(walk: _Walk, bundle: Bundle, workers: list[LineWorker], progress: Progress | None,
                progress_every: int, started: float) -> None:
    """Every line of ``events.jsonl`` through ``walk``, in order: here alone, or with ``workers``
    prechecking the lines ahead (:mod:`verify.parallel`; the same findings)."""
    if not workers:
        for line_no, raw in bundle.event_lines():
            walk.line(line_no, raw)
            if progress is not None and walk.size % progress_every == 0 and walk.size:
                progress(walk.size, time.perf_counter() - started)
        return
    for lines, answers, records in prechecked_chunks(bundle.event_lines(), workers):
        parsed = records if records is not None else [None] * len(lines)
        for (line_no, raw), answer, record in zip(lines, answers, parsed, strict=True):
            walk.line(line_no, raw, answer, record)
            if progress is not None and walk.size % progress_every == 0 and walk.size:
                progress(walk.size, time.perf_counter() - started)


class _Walk:
    """The single pass over events.jsonl."""

    def __init__(
        self, report: Report, targets: dict[int, SignedCheckpoint], trusted: SignedCheckpoint | None,
        evidence: Evidence | None = None,
    ) -> None:
        self.report = report
        self.targets = targets
        self.trusted = trusted
        self.frontier = Frontier()
        self.heads: dict[str, tuple[int, str]] = {}
        self.last_good = 0  # size of the last signed checkpoint whose root matched
        self.evidence = evidence
        self.draws = evidence.draws if evidence is not None else DrawReplay()
        self.keys = KeyHistory()
        self.rules = evidence.rules if evidence is not None else RuleReplay()
        self.schema: EventSchema = event_schema()
        self.expected_index = 0  # the index the next line should carry (see line())
        self.slack = 0  # malformed lines since the last line read: each may or may not hold one
        # A public bundle (docs/ledger-format.md §7.4): entries whose body is withheld.
        self.public = False
        self.withheld: dict[str, int] = {}  # entry → log index
        self.withheld_types: dict[str, int] = {}
        self.links_across = 0
        self.freeze_claims: dict[str, tuple[int, str]] = {}  # entry → (index, draws/<id>)

    def _unreadable(self) -> None:
        """A line that cannot be read may have held the next entry, or be junk inserted between
        two: the next line read may carry either index without a ``log-order`` finding."""
        self.expected_index += 1
        self.slack += 1

    def public_bundle(self, bundle: Bundle) -> None:
        """Check ``bundle`` as a public bundle: each draw's public freeze is its first step, and
        the entry its aggregate's chain starts from."""
        self.public = True
        for freeze in bundle.freezes:
            self.draws.add_public_freeze(freeze.aggregate_id, freeze.data, freeze.files,
                                         freeze.index, freeze.directory)
            self.heads[freeze.aggregate_id] = (1, freeze.entry)
            self.freeze_claims[freeze.entry] = (freeze.index, freeze.directory)

    def public_summary(self) -> dict[str, Any]:
        return {
            "withheld": sum(self.withheld_types.values()),
            "withheld_types": dict(sorted(self.withheld_types.items())),
            "links_across_withheld": self.links_across,
            "conflict_skips": dict(self.draws.conflict_skips),
            "conflicts_committed": {d: None if c is None else len(c)
                                    for d, c in self.draws.committed.items()},
            "draws_sealed": list(self.draws.sealed_ids),
        }

    @property
    def size(self) -> int:
        return self.frontier.size

    def find(self, rule: str, message: str, line: int | None, index: int | None = None) -> None:
        self.report.findings.append(Finding(rule, message, index, "events.jsonl", line))

    def line(self, line_no: int, raw: bytes, answer: Prechecked | None = None,
             parsed: dict[str, Any] | None = None) -> None:
        """Check one line; ``answer``: its :func:`verify.line_work.precheck`, made elsewhere, and
        ``parsed`` the record the precheck parsed, when it was made in this process."""
        index = self.size
        if answer is None:
            try:
                record = loads_strict(raw)
            except (CanonicalError, ValueError) as exc:
                rule = "json-depth" if isinstance(exc, TooDeep) else "malformed-line"
                self.find(rule, f"not a valid JSON line: {exc}", line_no, index)
                self._unreadable()
                return
            entry = _entry_of(record)
            if entry is None:
                self.find("malformed-line", "needs an object with 'index' and a 64-hex 'entry'",
                          line_no, index)
                self._unreadable()
                return
            assert isinstance(record, dict)
        else:  # (the precheck parsed it, and checked the index's type and the entry's form)
            record = parsed if parsed is not None else loads_proved(raw)
            assert isinstance(record, dict)
            entry = record["entry"]
        if not self.expected_index - self.slack <= record["index"] <= self.expected_index:
            expected = (f"{self.expected_index}" if not self.slack else
                        f"{self.expected_index - self.slack}..{self.expected_index}")
            self.find("log-order", f"line says index {record['index']!r}, expected {expected}",
                      line_no, index)
        self.expected_index = record["index"] + 1  # one finding per gap, not one per line after it
        self.slack = 0
        if self.public and "event" not in record and type(record.get("withheld")) is str:
            self._withheld(record["withheld"], entry, record["index"], line_no, index)
        else:
            self._check_event(record, raw, entry, line_no, index, answer)
        leaf = answer[0] if answer is not None else leaf_hash(bytes.fromhex(entry))
        self.frontier.append(leaf)
        if self.evidence is not None:
            self.evidence.entries += bytes.fromhex(entry)
            self.evidence.leaves += leaf
        if index + 1 in self.targets or self.trusted is not None:
            self.at_size(line_no)

    def _check_event(
        self, record: dict[str, Any], raw: bytes, entry: str, line_no: int, index: int,
        answer: Prechecked | None = None,
    ) -> None:
        event = record.get("event")
        if event is None:
            reason = record.get("error") or "the stored event is missing"
            self.find("missing-event", f"{reason}; the log holds entry {entry[:16]}…",
                      line_no, index)
            return
        if answer is not None and answer[1] is not None:  # content, hashed and checked elsewhere
            recomputed, problems = answer[1], answer[2]
        else:
            found = content_problems(event, self.schema)
            if found is None:
                self.find("malformed-event", f"event content must have exactly {CONTENT_KEYS}",
                          line_no, index)
                return
            try:
                recomputed = hash_of_encoding(canonical_json_parsed(event, raw))
            except CanonicalError as exc:
                self.find("malformed-event", str(exc), line_no, index)
                return
            problems = found
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            self.find("event-schema", f"{_label(event)}: {problems[0]}{more} "
                      "(docs/events.schema.json)", line_no, index)
        if self.public and self.schema.public(str(event["type"])) == NEVER:
            self.find("not-public", f"{_label(event)}: a public bundle carries the body of an "
                      "event the vocabulary never makes public (x-public: never)", line_no, index)
        if recomputed != record.get("event_hash"):
            self.find("event-hash", f"{_label(event)}: content does not match the hash the event "
                      "carries — the stored event was altered", line_no, index)
        elif recomputed != entry:
            self.find("log-entry", f"{_label(event)}: the stored event is not the one the log "
                      f"integrated (log entry {entry[:16]}…, stored {recomputed[:16]}…)",
                      line_no, index)
        self._check_chain(event, entry, line_no, index)
        if str(event["type"]).startswith(DRAW_TYPE_PREFIX):  # (one call less for the others)
            self.draws.observe(event, index, line_no)
        elif event["type"] == ROTATED_TYPE:
            self.keys.observe(event, index, line_no)
        if self.public:  # the rules need the directories and records a public bundle withholds
            self.rules.keep(event, index, line_no)
            return
        try:
            self.rules.observe(event, index, line_no)
        except Exception as exc:  # hostile data the replay cannot read: a finding, not a crash
            self.find("malformed-event", f"{_label(event)}: the rules cannot be replayed on it "
                      f"({type(exc).__name__}: {exc})", line_no, index)

    def _withheld(self, kind: str, entry: str, stated: int, line_no: int, index: int) -> None:
        """A public bundle's line without a body: only its entry can be checked."""
        self.withheld[entry] = index
        self.withheld_types[kind] = self.withheld_types.get(kind, 0) + 1
        if self.schema.public(kind) == ALWAYS:
            self.find("withheld-public", f"the body of a {kind} is withheld, but the vocabulary "
                      "always makes it public (x-public: always)", line_no, index)
        claim = self.freeze_claims.pop(entry, None)
        if claim is not None and (claim[0] != stated or kind != "ledger.draw:Draw.PopulationFrozen"):
            self.report.findings.append(Finding(
                "draw-files", f"freeze.json names log index {claim[0]}, but its entry is the "
                f"withheld {kind} of index {stated}", index, claim[1]))

    def _check_chain(self, event: dict[str, Any], entry: str, line_no: int, index: int) -> None:
        aggregate = event["aggregate_id"]
        version = event["version"]
        head_version, head_hash = self.heads.get(aggregate, _NO_HEAD)
        if (self.public and version > head_version + 1 and type(version) is int
                and self.withheld.get(event["prev_hash"], index) < index):
            # the predecessor's body is withheld: its hash is an earlier entry of the log
            self.links_across += 1
            self.heads[aggregate] = (version, entry)
            return
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
        self.find(rule, message, line_no, since)
        return False

    def finish(self) -> None:
        size = self.size
        report = self.report
        for claimed, where in self.freeze_claims.values():
            report.findings.append(Finding("draw-files", f"freeze.json names log index {claimed} "
                                           "and an entry that is no withheld line of the bundle",
                                           None, where))
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
