"""Reading an audit bundle (审计包) from a directory, with clear errors and no surprises.

A bundle that cannot be read at all (no directory, no ``events.jsonl``, an unreadable key) raises
:class:`BundleError`: a usage error. Everything that can be read but does not hold — a checkpoint
whose signature fails, a malformed line — becomes a finding for the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from verify.checkpoint import Checkpoint, CheckpointError, open_checkpoint
from verify.findings import Finding
from verify.note import NoteError, NoteVerifier

MAX_NOTE_BYTES = 64 * 1024


class BundleError(Exception):
    """The bundle, or a file the auditor named, cannot be read; one line says why."""


@dataclass(frozen=True)
class SignedCheckpoint:
    path: str
    checkpoint: Checkpoint


@dataclass
class Bundle:
    path: Path
    verifiers: list[NoteVerifier]
    key_source: str
    origin: str | None
    checkpoints: list[SignedCheckpoint] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def open(cls, path: Path, key_file: Path | None = None) -> Bundle:
        if not path.is_dir():
            raise BundleError(f"{path}: no such bundle directory")
        if not (path / "events.jsonl").is_file():
            raise BundleError(f"{path}: not a bundle (events.jsonl is missing)")
        if key_file is not None:
            verifiers, source = read_keys(key_file), f"trusted key {key_file}"
        else:
            verifiers = read_keys(path / "keys" / "log.vkey")
            source = "the bundle's own key (keys/log.vkey) — pass --key to check it independently"
        bundle = cls(path, verifiers, source, _origin(path))
        bundle._load_checkpoints()
        return bundle

    def _load_checkpoints(self) -> None:
        directory = self.path / "checkpoints"
        notes = sorted(directory.glob("*.note"), key=_numeric_stem) if directory.is_dir() else []
        for note_path in notes:
            name = f"checkpoints/{note_path.name}"
            try:
                checkpoint = open_checkpoint(read_small_text(note_path), self.verifiers)
            except (CheckpointError, NoteError) as exc:
                self.findings.append(Finding("checkpoint-signature", str(exc), None, name))
                continue
            if note_path.stem != str(checkpoint.size):
                self.findings.append(Finding(
                    "checkpoint-name", f"file name says {note_path.stem}, note says size "
                    f"{checkpoint.size}", None, name))
            if self.origin is not None and checkpoint.origin != self.origin:
                self.findings.append(Finding(
                    "checkpoint-origin", f"origin {checkpoint.origin!r} is not the bundle's log "
                    f"{self.origin!r}", None, name))
            earlier = next((c for c in self.checkpoints if c.checkpoint.size == checkpoint.size),
                           None)
            if earlier is not None:
                if earlier.checkpoint.root != checkpoint.root:
                    self.findings.append(Finding(
                        "checkpoint-conflict", f"signed for size {checkpoint.size} with a different "
                        f"root than {earlier.path}: the log signed two histories", None, name))
                continue
            self.checkpoints.append(SignedCheckpoint(name, checkpoint))

    def event_lines(self) -> Iterator[tuple[int, bytes]]:
        yield from _lines(self.path / "events.jsonl")

    def unlogged_lines(self) -> Iterator[tuple[int, bytes]]:
        path = self.path / "unlogged.jsonl"
        if path.is_file():
            yield from _lines(path)


def load_trusted(path: Path, verifiers: list[NoteVerifier]) -> tuple[SignedCheckpoint | None, str]:
    """The auditor's saved checkpoint and ``""`` when it verifies, else ``None`` and the reason."""
    try:
        return SignedCheckpoint(str(path), open_checkpoint(read_small_text(path), verifiers)), ""
    except (CheckpointError, NoteError) as exc:
        return None, f"{path}: {exc}"


def read_keys(path: Path) -> list[NoteVerifier]:
    """The signed-note verifier keys in a key file (one per non-blank line)."""
    text = read_small_text(path)
    keys = [line.strip() for line in text.splitlines() if line.strip()]
    if not keys:
        raise BundleError(f"{path}: no verifier key in the file")
    try:
        return [NoteVerifier.from_verifier_key_text(k) for k in keys]
    except NoteError as exc:
        raise BundleError(f"{path}: {exc}") from None


def read_small_text(path: Path) -> str:
    """A key or note file as text (at most MAX_NOTE_BYTES, UTF-8), or a BundleError naming it."""
    try:
        if path.stat().st_size > MAX_NOTE_BYTES:
            raise BundleError(f"{path}: larger than {MAX_NOTE_BYTES} bytes, not a key or note")
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise BundleError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path}: cannot be read: {exc}") from None


def _origin(path: Path) -> str | None:
    manifest = path / "manifest.json"
    if not manifest.is_file():
        return None
    try:
        data = json.loads(read_small_text(manifest))
    except ValueError as exc:
        raise BundleError(f"{manifest}: not valid JSON: {exc}") from None
    origin = data.get("origin") if isinstance(data, dict) else None
    return origin if isinstance(origin, str) else None


def _numeric_stem(path: Path) -> tuple[int, int, str]:
    """Notes named by their size first, in size order; oddly named ones after them."""
    return (0, int(path.stem), "") if path.stem.isdigit() else (1, 0, path.stem)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    yield number, raw
    except OSError as exc:
        raise BundleError(f"{path}: cannot be read: {exc}") from None
