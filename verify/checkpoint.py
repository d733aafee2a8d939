"""C2SP transparency-log checkpoints (https://c2sp.org/tlog-checkpoint).

A checkpoint is the body of a signed note (:mod:`verify.note`)::

    <origin>\\n                       the log's unique name, non-empty
    <tree size>\\n                    ASCII decimal, no leading zeros (except "0")
    <base64 root hash>\\n             standard base64 of the 32-byte RFC 6962 root
    [<extension line>\\n ...]         optional, non-empty lines

signed by the log's key(s). :func:`open_checkpoint` checks that at least one known key signed it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from verify.note import NoteError, NoteSigner, NoteVerifier, open_note, sign_note

ROOT_SIZE = 32
MAX_TREE_SIZE = 2**64 - 1


class CheckpointError(ValueError):
    """A checkpoint is malformed or its signatures do not verify."""


class CheckpointSignatureError(CheckpointError, NoteError):
    """The checkpoint's note failed :func:`verify.note.open_note` (catchable as either error)."""


@dataclass(frozen=True)
class Checkpoint:
    """A log's signed statement of its size and root hash."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """Return the checkpoint text (the signed note's body)."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii")]
        lines.extend(self.extensions)
        return "".join(line + "\n" for line in lines)


def _parse_size(text: str) -> int:
    if not text or not text.isascii() or not text.isdigit():
        raise CheckpointError(f"checkpoint size {text!r} is not a decimal number")
    if len(text) > 1 and text[0] == "0":
        raise CheckpointError(f"checkpoint size {text!r} has a leading zero")
    size = int(text)
    if size > MAX_TREE_SIZE:
        raise CheckpointError(f"checkpoint size {text} exceeds 2**64-1")
    return size


def _parse_root(text: str) -> bytes:
    try:
        root = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CheckpointError(f"checkpoint root {text!r} is not valid base64") from None
    if base64.b64encode(root).decode("ascii") != text:
        raise CheckpointError(f"checkpoint root {text!r} is not canonical base64")
    if len(root) != ROOT_SIZE:
        raise CheckpointError(f"checkpoint root is {len(root)} bytes, not {ROOT_SIZE}")
    return root


def parse_checkpoint_body(text: str) -> Checkpoint:
    """Parse a checkpoint body strictly; raise :class:`CheckpointError` if malformed."""
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint does not end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint has fewer than three lines (origin, size, root)")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise CheckpointError("checkpoint origin is empty")
    for i, line in enumerate(extensions):
        if not line:
            raise CheckpointError(f"checkpoint extension line {i + 1} is empty")
    return Checkpoint(origin, _parse_size(size_text), _parse_root(root_text), tuple(extensions))


def _check_checkpoint(checkpoint: Checkpoint) -> None:
    body = checkpoint.body()
    if parse_checkpoint_body(body) != checkpoint:
        raise CheckpointError(f"checkpoint {checkpoint!r} does not round-trip through its text")


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """Return the checkpoint as a note signed by ``signer``."""
    _check_checkpoint(checkpoint)
    try:
        return sign_note(checkpoint.body(), [signer])
    except NoteError as error:
        raise CheckpointSignatureError(f"cannot sign checkpoint: {error}") from None


def open_checkpoint(note: str, verifiers: Sequence[NoteVerifier]) -> Checkpoint:
    """Verify a signed checkpoint (at least one known key must have signed) and parse it."""
    return open_checkpoint_signed(note, verifiers)[0]


def open_checkpoint_signed(
    note: str, verifiers: Sequence[NoteVerifier]
) -> tuple[Checkpoint, list[NoteVerifier]]:
    """As :func:`open_checkpoint`, also returning the known keys whose signatures verified."""
    try:
        text, signed = open_note(note, verifiers)
    except NoteError as error:
        raise CheckpointSignatureError(f"checkpoint signature check failed: {error}") from None
    return parse_checkpoint_body(text), signed
