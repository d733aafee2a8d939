"""Tests for verify.note against the C2SP spec example and the Go sumdb/note test key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verify.note import (
    NoteError,
    NoteSigner,
    NoteVerifier,
    generate_signer,
    key_id,
    open_note,
    sign_note,
)

VECTORS_FILE = Path(__file__).resolve().parent / "vectors" / "signed-note"  # (vectors/README.md)
VECTORS: dict[str, Any] = json.loads((VECTORS_FILE / "vectors.json").read_text("utf-8"))
SPEC = VECTORS["c2sp_spec_example"]
GO = VECTORS["go_sumdb_note"]


def test_spec_example_verifies() -> None:
    verifier = NoteVerifier.from_verifier_key_text(SPEC["vkey"])
    assert verifier.name == "example.com/foo"
    assert verifier.key_id == bytes.fromhex("530d903a")
    assert verifier.verifier_key_text() == SPEC["vkey"]
    text, signed = open_note(SPEC["note"], [verifier])
    assert text == "This is an example message.\n"
    assert signed == [verifier]


def test_go_key_reproduces_signature() -> None:
    signer = NoteSigner.from_private_key_text(GO["skey"])
    assert signer.name == "PeterNeumann"
    assert signer.verifier_key_text() == GO["vkey"]
    assert signer.sign(GO["text"]) == GO["signature_line"]
    note = sign_note(GO["text"], [signer])
    assert note == GO["text"] + "\n" + GO["signature_line"]
    verifier = NoteVerifier.from_verifier_key_text(GO["vkey"])
    assert open_note(note, [verifier]) == (GO["text"], [verifier])


def test_private_key_round_trip() -> None:
    assert NoteSigner.from_private_key_text(GO["skey"]).private_key_text() == GO["skey"]
    signer = generate_signer("log.example/test")
    again = NoteSigner.from_private_key_text(signer.private_key_text())
    assert again.verifier_key_text() == signer.verifier_key_text()
    assert key_id(signer.name, signer.public_key) == signer.key_id


def test_one_character_change_fails() -> None:
    verifier = NoteVerifier.from_verifier_key_text(GO["vkey"])
    note = GO["text"].replace("answer", "Answer") + "\n" + GO["signature_line"]
    with pytest.raises(NoteError, match="invalid signature by key PeterNeumann"):
        open_note(note, [verifier])


def test_wrong_key_fails() -> None:
    other = generate_signer("PeterNeumann").verifier()
    note = GO["text"] + "\n" + GO["signature_line"]
    with pytest.raises(NoteError, match="not signed by any known key"):
        open_note(note, [other])
    with pytest.raises(NoteError, match="not signed by any known key"):
        open_note(note, [])


def test_unknown_signatures_ignored_and_multiple_signers() -> None:
    a, b, c = (generate_signer(n) for n in ("a.example", "b.example", "c.example"))
    note = sign_note("hello\n\nworld\n", [a, b, c])
    text, signed = open_note(note, [c.verifier(), a.verifier()])
    assert text == "hello\n\nworld\n"
    assert [v.name for v in signed] == ["a.example", "c.example"]


def test_mismatched_key_ids_rejected() -> None:
    name, kid, key = GO["vkey"].split("+", 2)
    with pytest.raises(NoteError, match="does not match"):
        NoteVerifier.from_verifier_key_text(f"{name}+00000000+{key}")
    with pytest.raises(NoteError, match="does not match"):
        NoteVerifier.from_verifier_key_text(f"Other+{kid}+{key}")
    skey = GO["skey"].replace(kid, "deadbeef")
    with pytest.raises(NoteError, match="does not match"):
        NoteSigner.from_private_key_text(skey)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a+b",
        "name+c74f20a3",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ApM3IHdXZlcJPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
    ],
)
def test_malformed_verifier_keys(text: str) -> None:
    with pytest.raises(NoteError):
        NoteVerifier.from_verifier_key_text(text)


@pytest.mark.parametrize("name", ["", "a+b", "a b", "a\tb", "a\u3000b"])
def test_invalid_names(name: str) -> None:
    with pytest.raises(NoteError):
        generate_signer(name)


def test_sign_note_refuses_bad_text() -> None:
    signer = generate_signer("x")
    for text in ["no newline", "tab\there\n", "nul\x00\n"]:
        with pytest.raises(NoteError):
            sign_note(text, [signer])
    with pytest.raises(NoteError):
        sign_note("ok\n", [])


SIG = GO["signature_line"]


@pytest.mark.parametrize(
    "note",
    [
        "",
        GO["text"],
        GO["text"] + SIG,
        GO["text"] + "\n",
        GO["text"] + "\n" + SIG[:-1],
        GO["text"] + "\n" + SIG.replace("\u2014 ", "- "),
        GO["text"] + "\n" + SIG.replace("\u2014 ", "\u2014"),
        GO["text"] + "\n" + SIG.replace("PeterNeumann ", "PeterNeumann"),
        GO["text"] + "\n" + SIG.replace("PeterNeumann ", "Peter+Neumann "),
        GO["text"] + "\n" + SIG.replace("x08go", "x08g!"),
        GO["text"] + "\n" + SIG.replace("x08go", "x08g"),
        GO["text"] + "\n" + "\u2014 PeterNeumann AAAA\n",
        GO["text"] + "\n" + SIG + SIG,
        GO["text"] + "\n" + SIG + "\n",
        GO["text"].replace("\n", "\r\n") + "\n" + SIG,
    ],
)
def test_malformed_notes(note: str) -> None:
    verifier = NoteVerifier.from_verifier_key_text(GO["vkey"])
    with pytest.raises(NoteError):
        open_note(note, [verifier])
