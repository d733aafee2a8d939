"""Reading an audit bundle (审计包) from a directory, with clear errors and no surprises.

A bundle that cannot be read at all (no directory, no ``events.jsonl``, an unreadable key) raises
:class:`BundleError`: a usage error. Everything that can be read but does not hold — a checkpoint
whose signature fails, a malformed line, a manifest that is not JSON — becomes a finding for the
report.

A bundle comes from whoever wrote it, so every file is opened the same careful way
(:func:`open_regular`): it must be a regular file — checked with ``lstat`` before opening and
again on the open descriptor, so that ``/dev/zero``, a FIFO (opened without blocking) or a device
is refused, not read — and a symbolic link is followed only when it stays inside the bundle.
Every read has a cap: a key, note or manifest file at most :data:`MAX_NOTE_BYTES` /
:data:`MAX_MANIFEST_BYTES`, a line of ``events.jsonl`` at most :data:`MAX_LINE_BYTES` (a longer
one is a finding, and skipped without being held in memory). JSON nested deeper than
:data:`verify.canonical.MAX_DEPTH` levels is a finding too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from verify.canonical import CanonicalError, loads_strict
from verify.checkpoint import Checkpoint, CheckpointError, open_checkpoint, open_checkpoint_signed
from verify.findings import Finding
from verify.log_keys import ROTATED_MARK, endorsed_keys
from verify.note import NOT_SIGNED_BY_A_KNOWN_KEY, NoteError, NoteVerifier

MAX_NOTE_BYTES = 64 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024
#: The longest line of ``events.jsonl`` read (a province-sized draw's freeze is a few MB).
MAX_LINE_BYTES = 64 * 1024 * 1024
#: The read buffer for the lines of ``events.jsonl``: ``readline`` from a buffer of 1 MiB costs
#: about half what it costs from the default 8 KiB (0.26 against 0.49 µs a line), and the check's
#: worker threads (:mod:`verify.parallel`) take the interpreter lock at each refill less often.
_LINES_BUFFER = 1 << 20
#: The ``format`` of a public bundle's manifest (docs/ledger-format.md §6.6).
PUBLIC_FORMAT = "spotcheck-public-bundle/1"
#: The frozen files a public bundle carries for a disclosed draw (never ``conflicts.csv``).
PUBLIC_DRAW_FILES = {"population": "population.csv", "inspectors": "inspectors.csv",
                     "params": "params.txt"}


class BundleError(Exception):
    """The bundle, or a file the auditor named, cannot be read; one line says why."""


@dataclass(frozen=True)
class SignedCheckpoint:
    path: str
    checkpoint: Checkpoint
    signed_by: tuple[str, ...] = ()  # the trusted keys whose signatures verified (key texts)
    note: str = ""  # the note as read, with any witnesses' cosignatures (ledger-format §10.3)


@dataclass(frozen=True)
class PublicFreeze:
    """A public bundle's ``draws/<draw_id>/``: the freeze without the files' content (its log entry
    is withheld: it holds the declared conflicts) and, once disclosed, three of the four files."""

    directory: str
    draw_id: str
    aggregate_id: str
    index: int
    entry: str
    data: dict[str, Any]
    files: dict[str, bytes]


@dataclass
class Bundle:
    path: Path
    verifiers: list[NoteVerifier]
    key_source: str
    origin: str | None
    checkpoints: list[SignedCheckpoint] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: Findings made while the lines were read (a line too long to read), known after the pass.
    read_findings: list[Finding] = field(default_factory=list)
    #: Keys the log rotated to, handed over by a trusted key (see :meth:`_follow_rotations`).
    handed_over: list[NoteVerifier] = field(default_factory=list)
    #: A public bundle (manifest ``format`` spotcheck-public-bundle/1): bodies only where public.
    public: bool = False
    freezes: list[PublicFreeze] = field(default_factory=list)
    #: The verifier key file the bundle was opened with (None: the bundle's own key).
    key_file: Path | None = None

    @classmethod
    def open(cls, path: Path, key_file: Path | None = None) -> Bundle:
        if not path.is_dir():
            raise BundleError(f"{path}: no such bundle directory")
        if _kind(path / "events.jsonl", path) is None:
            raise BundleError(f"{path}: not a bundle (events.jsonl is missing)")
        if key_file is not None:
            verifiers, source = read_keys(key_file), f"trusted key {key_file}"
        else:
            verifiers = read_keys(path / "keys" / "log.vkey", inside=path)
            source = "the bundle's own key (keys/log.vkey) — pass --key to check it independently"
        manifest, problem = read_manifest(path)
        origin = manifest.get("origin") if manifest is not None else None
        bundle = cls(path, verifiers, source, origin if isinstance(origin, str) else None,
                     key_file=key_file)
        if problem:
            bundle.findings.append(Finding("manifest", problem, None, "manifest.json"))
        bundle.public = manifest is not None and manifest.get("format") == PUBLIC_FORMAT
        bundle._load_checkpoints()
        if bundle.public:
            bundle._load_public_draws()
        return bundle

    def _load_public_draws(self) -> None:
        """Each ``draws/<draw_id>/`` of a public bundle; one that cannot be read is a finding."""
        directory = self.path / "draws"
        if _kind(directory, self.path) != "directory":
            return
        for draw_dir in sorted(directory.iterdir()):
            name = f"draws/{draw_dir.name}"
            try:
                if _kind(draw_dir, self.path) != "directory":
                    raise BundleError(f"{draw_dir}: not a directory")
                freeze: Any = loads_strict(read_small_text(draw_dir / "freeze.json", MAX_MANIFEST_BYTES,
                                                      inside=self.path))
                files = {}
                for key, file_name in PUBLIC_DRAW_FILES.items():
                    if _kind(draw_dir / file_name, self.path) is not None:
                        with open_regular(draw_dir / file_name, inside=self.path) as handle:
                            files[key] = handle.read(MAX_LINE_BYTES + 1)
                        if len(files[key]) > MAX_LINE_BYTES:
                            raise BundleError(f"{file_name}: larger than {MAX_LINE_BYTES} bytes")
                self.freezes.append(PublicFreeze(
                    name, str(freeze["draw_id"]), str(freeze["aggregate_id"]), int(freeze["index"]),
                    str(freeze["entry"]), dict(freeze["data"]), files))
            except (BundleError, CanonicalError, KeyError, TypeError, ValueError, OSError) as exc:
                self.findings.append(Finding("draw-files", f"the public draw files cannot be read: "
                                             f"{str(exc).split(': ', 1)[-1]}", None, name))

    def _load_checkpoints(self) -> None:
        directory = self.path / "checkpoints"
        kind = _kind(directory, self.path)
        if kind not in (None, "directory"):
            self.findings.append(Finding("checkpoint-file", f"not a directory ({kind}); not read",
                                         None, "checkpoints"))
        notes = sorted(directory.glob("*.note"), key=_numeric_stem) if kind == "directory" else []
        unknown_key: list[tuple[str, str, str]] = []
        for note_path in notes:
            name = f"checkpoints/{note_path.name}"
            try:
                text = read_small_text(note_path, inside=self.path)
            except BundleError as exc:
                self.findings.append(Finding("checkpoint-file", str(exc).split(": ", 1)[-1], None,
                                             name))
                continue
            try:
                self._accept(name, note_path.stem, *open_checkpoint_signed(text, self.verifiers),
                             note=text)
            except (CheckpointError, NoteError) as exc:
                if NOT_SIGNED_BY_A_KNOWN_KEY in str(exc):
                    unknown_key.append((name, note_path.stem, text))
                    continue
                self.findings.append(Finding("checkpoint-signature", str(exc), None, name))
        if unknown_key:
            self._follow_rotations(unknown_key)

    def _follow_rotations(self, unknown_key: list[tuple[str, str, str]]) -> None:
        """Checkpoints signed by a key the auditor does not hold may be signed by a key the log
        rotated to, handed over by a key the auditor does hold (:mod:`verify.log_keys`): the
        rotations are read from ``events.jsonl`` (only when there are such checkpoints)."""
        noted = len(self.read_findings)  # (the pass proper notes what it reads, once)
        handed_over = endorsed_keys(
            (raw for _, raw in self.event_lines() if ROTATED_MARK in raw), self.verifiers)
        del self.read_findings[noted:]
        self.handed_over = handed_over
        if handed_over:
            self.key_source += (f"; and {len(handed_over)} key(s) the log rotated to, each handed "
                                "over by the key before it")
        for name, stem, text in unknown_key:
            try:
                self._accept(name, stem, *open_checkpoint_signed(text, self.verifiers + handed_over),
                             note=text)
            except (CheckpointError, NoteError) as exc:
                self.findings.append(Finding("checkpoint-signature", str(exc), None, name))
        self.checkpoints.sort(key=lambda c: c.checkpoint.size)

    def _accept(self, name: str, stem: str, checkpoint: Checkpoint,
                signers: list[NoteVerifier], note: str = "") -> None:
        if stem != str(checkpoint.size):
            self.findings.append(Finding(
                "checkpoint-name", f"file name says {stem}, note says size {checkpoint.size}",
                None, name))
        if self.origin is not None and checkpoint.origin != self.origin:
            self.findings.append(Finding(
                "checkpoint-origin", f"origin {checkpoint.origin!r} is not the bundle's log "
                f"{self.origin!r}", None, name))
        earlier = next((c for c in self.checkpoints if c.checkpoint.size == checkpoint.size), None)
        if earlier is not None:
            if earlier.checkpoint.root != checkpoint.root:
                self.findings.append(Finding(
                    "checkpoint-conflict", f"signed for size {checkpoint.size} with a different "
                    f"root than {earlier.path}: the log signed two histories", None, name))
            return
        self.checkpoints.append(SignedCheckpoint(
            name, checkpoint, tuple(v.verifier_key_text() for v in signers), note))

    def event_lines(self) -> Iterator[tuple[int, bytes]]:
        """Each non-blank line of ``events.jsonl`` with its number; a line longer than
        :data:`MAX_LINE_BYTES` is skipped and becomes a finding."""
        return self._lines("events.jsonl")  # (the generator itself: one level less per line)

    def events_bytes(self) -> int:
        """The size of ``events.jsonl`` (0 when it cannot be told): how large a check will be."""
        try:
            return (self.path / "events.jsonl").stat().st_size
        except OSError:
            return 0

    def unlogged_lines(self) -> Iterator[tuple[int, bytes]]:
        if _kind(self.path / "unlogged.jsonl", self.path) is not None:
            yield from self._lines("unlogged.jsonl")

    def _lines(self, name: str) -> Iterator[tuple[int, bytes]]:
        path = self.path / name
        try:
            with open_regular(path, inside=self.path, buffering=_LINES_BUFFER) as handle:
                number = 0
                while raw := handle.readline(MAX_LINE_BYTES + 1):
                    number += 1
                    if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                        _skip_rest_of_line(handle)
                        self.read_findings.append(Finding(
                            "line-too-long", f"longer than {MAX_LINE_BYTES} bytes; not read",
                            None, name, number))
                    elif not raw.isspace():  # (what strip() would empty, without a copy)
                        yield number, raw
        except OSError as exc:
            raise BundleError(f"{path}: cannot be read: {exc}") from None


def load_trusted(path: Path, verifiers: list[NoteVerifier]) -> tuple[SignedCheckpoint | None, str]:
    """The auditor's saved checkpoint and ``""`` when it verifies, else ``None`` and the reason."""
    try:
        return SignedCheckpoint(str(path), open_checkpoint(read_small_text(path), verifiers)), ""
    except (CheckpointError, NoteError) as exc:
        return None, f"{path}: {exc}"


def read_keys(path: Path, inside: Path | None = None) -> list[NoteVerifier]:
    """The signed-note verifier keys in a key file (one per non-blank line)."""
    text = read_small_text(path, inside=inside)
    keys = [line.strip() for line in text.splitlines() if line.strip()]
    if not keys:
        raise BundleError(f"{path}: no verifier key in the file")
    try:
        return [NoteVerifier.from_verifier_key_text(k) for k in keys]
    except NoteError as exc:
        raise BundleError(f"{path}: {exc}") from None


def read_small_text(path: Path, limit: int = MAX_NOTE_BYTES, inside: Path | None = None) -> str:
    """A key, note or manifest file as text (at most ``limit`` bytes, UTF-8), or a BundleError
    naming it. ``inside``: the bundle the file belongs to (see :func:`open_regular`)."""
    try:
        with open_regular(path, inside=inside) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise BundleError(f"{path}: larger than {limit} bytes; not read")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path}: cannot be read: {exc}") from None


def read_manifest(bundle: Path) -> tuple[dict[str, Any] | None, str]:
    """The bundle's ``manifest.json`` (None when it has none) and ``""``, or None and why it
    cannot be read (too large, not a regular file, not JSON, nested too deep, not an object)."""
    path = bundle / "manifest.json"
    if _kind(path, bundle) is None:
        return None, ""
    try:
        data = loads_strict(read_small_text(path, MAX_MANIFEST_BYTES, inside=bundle))
    except BundleError as exc:
        return None, str(exc).split(": ", 1)[-1]
    except CanonicalError as exc:
        return None, f"not valid JSON: {exc}"
    if not isinstance(data, dict):
        return None, f"a JSON object is expected, not {type(data).__name__}"
    return data, ""


def open_regular(path: Path, inside: Path | None = None, buffering: int = -1) -> BinaryIO:
    """Open ``path`` for reading only if it is a regular file.

    Checked with ``lstat`` before opening: a symbolic link is followed only when it resolves
    inside ``inside`` (the bundle; with ``inside=None``, for a file the auditor named, it is
    followed); a FIFO, a device, a socket or a directory is refused. The file is opened without
    blocking (a FIFO cannot hang the run) and without following a link, and the open descriptor
    is checked again (nothing swapped in between). ``buffering``: as for :func:`open`."""
    try:
        info = os.lstat(path)
        target = path
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if inside is not None and not target.is_relative_to(inside.resolve()):
                raise BundleError(f"{path}: a link to {target}, outside the bundle; not followed")
            info = os.lstat(target)
        if not stat.S_ISREG(info.st_mode):
            raise BundleError(f"{path}: not a regular file ({_describe(info.st_mode)}); not read")
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        descriptor = os.open(target, flags)
    except FileNotFoundError:
        raise BundleError(f"{path}: no such file") from None
    except OSError as exc:
        raise BundleError(f"{path}: cannot be read: {exc}") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise BundleError(f"{path}: not a regular file; not read")
    return os.fdopen(descriptor, "rb", buffering=buffering)


def _kind(path: Path, inside: Path) -> str | None:
    """What ``path`` is without following a link out of the bundle: None when missing,
    ``"file"``, ``"directory"``, or a description of anything else."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if not target.is_relative_to(inside.resolve()):
                return f"a link to {target}, outside the bundle"
            info = os.stat(target)
    except OSError:
        return None
    if stat.S_ISREG(info.st_mode):
        return "file"
    if stat.S_ISDIR(info.st_mode):
        return "directory"
    return _describe(info.st_mode)


def _describe(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a directory"), (stat.S_ISLNK, "a link")):
        if test(mode):
            return name
    return "not a file"


def _skip_rest_of_line(handle: BinaryIO) -> None:
    while chunk := handle.readline(1024 * 1024):
        if chunk.endswith(b"\n"):
            return


def _numeric_stem(path: Path) -> tuple[int, int, str]:
    """The order notes are opened in (docs/ledger-format.md §7.1 step 2): names that are not all
    ASCII digits first, by code point; then the others by their number, equal numbers (``52``,
    ``052``) by name."""
    stem = path.stem
    return (1, int(stem), stem) if stem.isascii() and stem.isdigit() else (0, 0, stem)
