"""Tests for verify.checkpoint: C2SP tlog-checkpoint bodies and signed checkpoints."""

from __future__ import annotations

import base64
import hashlib

import pytest

from verify.checkpoint import (
    Checkpoint,
    CheckpointError,
    open_checkpoint,
    parse_checkpoint_body,
    sign_checkpoint,
)
from verify.note import NoteError, generate_signer

ROOT = hashlib.sha256(b"root").digest()
ROOT64 = base64.b64encode(ROOT).decode()
URLSAFE64 = base64.urlsafe_b64encode(bytes([0xFF] * 32)).decode()
SIGNER = generate_signer("spotcheck.example/log")
VERIFIER = SIGNER.verifier()


def test_body_format() -> None:
    cp = Checkpoint("spotcheck.example/log", 42, ROOT, ("ext one", "x"))
    assert cp.body() == f"spotcheck.example/log\n42\n{ROOT64}\next one\nx\n"
    assert parse_checkpoint_body(cp.body()) == cp
    assert Checkpoint("o", 0, ROOT).body() == f"o\n0\n{ROOT64}\n"


@pytest.mark.parametrize("extensions", [(), ("— a line", "key=value")])
def test_round_trip(extensions: tuple[str, ...]) -> None:
    cp = Checkpoint("spotcheck.example/log", 123456, ROOT, extensions)
    note = sign_checkpoint(cp, SIGNER)
    assert note.startswith(cp.body() + "\n\u2014 spotcheck.example/log ")
    assert open_checkpoint(note, [VERIFIER]) == cp


@pytest.mark.parametrize(
    "body",
    [
        "",
        f"o\n1\n{ROOT64}",
        f"o\n1\n{ROOT64}\n\n",
        f"o\n1\n{ROOT64}\na\n\nb\n",
        "o\n1\n",
        f"\n1\n{ROOT64}\n",
        f"o\n01\n{ROOT64}\n",
        f"o\n-1\n{ROOT64}\n",
        f"o\n+1\n{ROOT64}\n",
        f"o\n 1\n{ROOT64}\n",
        f"o\n1.0\n{ROOT64}\n",
        f"o\n\n{ROOT64}\n",
        f"o\n\u0661\n{ROOT64}\n",
        f"o\n{2**64}\n{ROOT64}\n",
        f"o\n1\n{ROOT64[:-1]}\n",
        f"o\n1\n{ROOT64.rstrip('=')}\n",
        f"o\n1\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"o\n1\n{base64.b64encode(ROOT + b'x').decode()}\n",
        f"o\n1\n{URLSAFE64}\n",
        f"o\n1\n{ROOT64[:-2]}B=\n",
        f"o\n1\n {ROOT64}\n",
    ],
)
def test_malformed_bodies(body: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint_body(body)


def test_zero_size_and_max_size() -> None:
    assert parse_checkpoint_body(f"o\n0\n{ROOT64}\n").size == 0
    assert parse_checkpoint_body(f"o\n{2**64 - 1}\n{ROOT64}\n").size == 2**64 - 1


def test_tampered_checkpoint_fails() -> None:
    cp = Checkpoint("spotcheck.example/log", 10, ROOT)
    note = sign_checkpoint(cp, SIGNER)
    tampered_size = note.replace("\n10\n", "\n11\n", 1)
    other_root = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    tampered_root = note.replace(ROOT64, other_root, 1)
    for bad in (tampered_size, tampered_root):
        with pytest.raises(CheckpointError, match="invalid signature"):
            open_checkpoint(bad, [VERIFIER])
        with pytest.raises(NoteError):
            open_checkpoint(bad, [VERIFIER])


def test_unknown_signer_fails() -> None:
    note = sign_checkpoint(Checkpoint("o", 1, ROOT), generate_signer("other"))
    with pytest.raises(CheckpointError, match="not signed by any known key"):
        open_checkpoint(note, [VERIFIER])


def test_unsignable_checkpoints() -> None:
    for cp in (
        Checkpoint("", 1, ROOT),
        Checkpoint("o\nx", 1, ROOT),
        Checkpoint("o", -1, ROOT),
        Checkpoint("o", 1, ROOT[:5]),
        Checkpoint("o", 1, ROOT, ("",)),
        Checkpoint("o", 1, ROOT, ("a\x01",)),
    ):
        with pytest.raises(CheckpointError):
            sign_checkpoint(cp, SIGNER)
