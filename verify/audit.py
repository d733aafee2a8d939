"""The level above's audit (上级审计): several agencies' bundles, and the checkpoints it received.

A prefecture keeps the checkpoints its counties sent it (and may have cosigned them, see
:mod:`verify.cosignature`). :func:`audit` checks every bundle in full (:func:`verify_bundle`),
then holds each received checkpoint against the bundle of its log (matched by origin): its log
signature must verify with that log's key, its size must not exceed the bundle's, and the first
``size`` entries of the bundle's ``events.jsonl`` must hash to its root — otherwise the county
showed the prefecture one history and the public another. Cosignatures by the given cosigner keys
are verified. Findings (:class:`verify.findings.Finding`):

* ``received-checkpoint`` — a received checkpoint is malformed, is not signed by its log's key,
  covers more entries than the bundle has, or its root is not the bundle's root at its size;
* ``cosignature`` — a cosignature by a known cosigner key does not verify;
* ``unknown-origin`` — a received checkpoint's origin is the log of none of the bundles.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.bundle import Bundle, BundleError, read_small_text
from verify.canonical import CanonicalError, loads_strict
from verify.checkpoint import Checkpoint, CheckpointError, open_checkpoint, parse_checkpoint_body
from verify.cosignature import Cosignature, CosignerVerifier, check_cosignatures, read_cosigner_verifiers
from verify.event import is_hash_hex
from verify.findings import Finding, Report
from verify.many import verify_bundles
from verify.merkle import Frontier, leaf_hash
from verify.note import NoteError, _split_note


@dataclass(frozen=True)
class ReceivedCheckpoint:
    """What became of one received checkpoint."""

    file: str
    log: str | None = None  # the bundle it belongs to, if any
    origin: str | None = None
    size: int | None = None
    consistent: bool = False  # signed by its log and a prefix of the bundle's history
    cosignatures: tuple[Cosignature, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "log": self.log, "origin": self.origin, "size": self.size,
                "consistent": self.consistent,
                "cosignatures": [{"name": c.name, "timestamp": c.timestamp}
                                 for c in self.cosignatures]}


@dataclass
class AuditReport:
    """Each bundle's own report, each received checkpoint's fate, and the audit's findings."""

    reports: dict[str, Report] = field(default_factory=dict)
    received: list[ReceivedCheckpoint] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings and all(r.ok for r in self.reports.values())

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "bundles": {n: r.as_dict() for n, r in self.reports.items()},
                "received": [r.as_dict() for r in self.received],
                "findings": [f.as_dict() for f in self.findings]}


def audit(
    bundles: Mapping[str, Path],
    received: Sequence[Path] = (),
    key_files: Mapping[str, Path] | None = None,
    cosigner_keys: Sequence[Path] = (),
    *,
    jobs: int | None = None,
) -> AuditReport:
    """Audit ``bundles`` (name → directory) against the ``received`` checkpoint notes.

    ``key_files`` maps a bundle's name to its log's independently obtained verifier key (default:
    the bundle's own); ``cosigner_keys`` are files of cosigner verifier keys (one per line);
    ``jobs``: how many processes verify the bundles (:func:`verify.many.verify_bundles`; None:
    two for 8 MiB of events or more on two CPUs) — the reports are the same whatever the number.
    Raises :class:`BundleError` only for what cannot be read at all (a usage error).
    """
    key_files = key_files or {}
    unknown = sorted(set(key_files) - set(bundles))
    if unknown:
        raise BundleError(f"a key is given for {', '.join(unknown)}, which is not a bundle audited")
    cosigners = _read_cosigners(cosigner_keys)
    opened = {name: Bundle.open(path, key_files.get(name)) for name, path in bundles.items()}
    by_origin: dict[str, str] = {}
    for name, bundle in opened.items():
        for origin in _origins(bundle):
            if origin in by_origin and by_origin[origin] != name:
                raise BundleError(f"bundles {by_origin[origin]} and {name} are both for log {origin}")
            by_origin[origin] = name
    result = AuditReport()
    result.reports = verify_bundles(opened, jobs)
    checked: list[tuple[Path, str, Checkpoint]] = []
    for path in received:
        entry, match = _check_received(path, opened, by_origin, cosigners, result.findings)
        result.received.append(entry)
        if match is not None:
            checked.append((path, *match))
    consistent = _check_roots(checked, opened, result.findings)
    result.received = [
        ReceivedCheckpoint(r.file, r.log, r.origin, r.size, r.file in consistent, r.cosignatures)
        for r in result.received
    ]
    return result


def _read_cosigners(paths: Sequence[Path]) -> list[CosignerVerifier]:
    verifiers: list[CosignerVerifier] = []
    for path in paths:
        text = read_small_text(path)
        try:
            found = read_cosigner_verifiers(text)
        except NoteError as exc:
            raise BundleError(f"{path}: {exc}") from None
        if not found:
            raise BundleError(f"{path}: no cosigner key in the file")
        verifiers.extend(found)
    return verifiers


def _origins(bundle: Bundle) -> set[str]:
    if bundle.origin is not None:
        return {bundle.origin}
    return {c.checkpoint.origin for c in bundle.checkpoints}


def _check_received(
    path: Path,
    opened: Mapping[str, Bundle],
    by_origin: Mapping[str, str],
    cosigners: Sequence[CosignerVerifier],
    findings: list[Finding],
) -> tuple[ReceivedCheckpoint, tuple[str, Checkpoint] | None]:
    file = str(path)
    note = read_small_text(path)
    try:
        body, _ = _split_note(note)
        claimed = parse_checkpoint_body(body)
    except (NoteError, CheckpointError) as exc:
        findings.append(Finding("received-checkpoint", f"not a signed checkpoint: {exc}", None, file))
        return ReceivedCheckpoint(file), None
    name = by_origin.get(claimed.origin)
    if name is None:
        findings.append(Finding(
            "unknown-origin", f"checkpoint of log {claimed.origin!r} (size {claimed.size}), which "
            f"is the log of none of the bundles audited ({', '.join(sorted(by_origin)) or 'none'})",
            None, file))
        return ReceivedCheckpoint(file, None, claimed.origin, claimed.size), None
    good, problems = check_cosignatures(note, cosigners)
    findings.extend(Finding("cosignature", f"log {name}, size {claimed.size}: {problem}", None, file)
                    for problem in problems)
    entry = ReceivedCheckpoint(file, name, claimed.origin, claimed.size, False, tuple(good))
    try:
        checkpoint = open_checkpoint(note, opened[name].verifiers)
    except (NoteError, CheckpointError) as exc:
        findings.append(Finding(
            "received-checkpoint", f"log {name}, size {claimed.size}: not signed by the log's key "
            f"({opened[name].key_source}): {exc}", None, file))
        return entry, None
    return entry, (name, checkpoint)


def _check_roots(
    checked: Sequence[tuple[Path, str, Checkpoint]],
    opened: Mapping[str, Bundle],
    findings: list[Finding],
) -> set[str]:
    """Compare each received checkpoint with its bundle's root at its size; the files that hold."""
    consistent: set[str] = set()
    for name, bundle in opened.items():
        mine = [(path, cp) for path, log, cp in checked if log == name]
        if not mine:
            continue
        roots, size = _roots_at(bundle, {cp.size for _, cp in mine})
        for path, cp in mine:
            root = roots.get(cp.size)
            if root is None:
                findings.append(Finding(
                    "received-checkpoint", f"log {name}: the checkpoint received for size {cp.size} "
                    f"covers more entries than the bundle's {size}: the log showed the level above "
                    f"entries {size}..{cp.size - 1} it no longer shows (or cut them)", None,
                    str(path)))
            elif root != cp.root:
                findings.append(Finding(
                    "received-checkpoint", f"log {name}: the checkpoint received for size {cp.size} "
                    f"has root {_b64(cp.root)}, but the bundle's first {cp.size} entries hash to "
                    f"{_b64(root)}: the log showed the level above a different history than the "
                    "one it publishes", None, str(path)))
            else:
                consistent.add(str(path))
    return consistent


def _roots_at(bundle: Bundle, sizes: set[int]) -> tuple[dict[int, bytes], int]:
    """The RFC 6962 root of the first n ``entry`` fields of events.jsonl, for each n in sizes.

    Lines without a well-formed ``entry`` are skipped, as :func:`verify_bundle` does (and reports).
    """
    frontier = Frontier()
    roots: dict[int, bytes] = {}
    if 0 in sizes:
        roots[0] = frontier.root()
    for _, raw in bundle.event_lines():
        try:
            record = loads_strict(raw)
        except (CanonicalError, ValueError):
            continue
        if not isinstance(record, dict) or type(record.get("index")) is not int:
            continue
        entry = record.get("entry")
        if not is_hash_hex(entry):
            continue
        assert isinstance(entry, str)
        frontier.append(leaf_hash(bytes.fromhex(entry)))
        if frontier.size in sizes:
            roots[frontier.size] = frontier.root()
    return roots, frontier.size


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
