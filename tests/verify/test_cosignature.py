"""C2SP tlog-cosignature/v1: round trips, key texts, and every tamper refused."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from verify.checkpoint import Checkpoint, CheckpointError, sign_checkpoint
from verify.cosignature import (
    ALG_COSIGNATURE_V1,
    CosignatureError,
    CosignerSigner,
    CosignerVerifier,
    check_cosignatures,
    cosign,
    cosignature_message,
    cosigner_key_id,
    generate_cosigner,
    open_cosigned,
)
from verify.note import NoteError, NoteSigner, NoteVerifier, generate_signer

ORIGIN = "652301.spotcheck.gov.cn/spotcheck"
WITNESS = "652300.spotcheck.gov.cn/witness"
T = 1_767_225_600  # 2026-01-01T00:00:00Z


def _checkpoint(size: int = 35, fill: int = 7) -> Checkpoint:
    return Checkpoint(ORIGIN, size, bytes([fill]) * 32)


@pytest.fixture
def log() -> NoteSigner:
    return generate_signer(ORIGIN)


@pytest.fixture
def witness() -> CosignerSigner:
    return generate_cosigner(WITNESS)


def _line_bytes(note: str, name: str) -> bytes:
    line = next(x for x in note.splitlines() if x.startswith(f"\u2014 {name} "))
    return base64.b64decode(line.rsplit(" ", 1)[1])


def _replace_line(note: str, name: str, raw: bytes) -> str:
    lines = note.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(f"\u2014 {name} "):
            lines[i] = f"\u2014 {name} {base64.b64encode(raw).decode()}\n"
    return "".join(lines)


def test_round_trip(log: NoteSigner, witness: CosignerSigner) -> None:
    note = sign_checkpoint(_checkpoint(), log)
    cosigned = cosign(note, witness, T)
    assert cosigned.startswith(note)  # the line is appended to the signature block
    assert cosigned.count("\n\n") == 1
    checkpoint, cosigners = open_cosigned(cosigned, [log.verifier()], [witness.verifier()])
    assert checkpoint == _checkpoint()
    assert cosigners == [(WITNESS, T)]


def test_wire_format_is_key_id_timestamp_signature(log: NoteSigner, witness: CosignerSigner) -> None:
    note = sign_checkpoint(_checkpoint(), log)
    raw = _line_bytes(cosign(note, witness, T), WITNESS)
    assert len(raw) == 4 + 8 + 64
    assert raw[:4] == hashlib.sha256(WITNESS.encode() + b"\n\x04" + witness.public_key).digest()[:4]
    assert int.from_bytes(raw[4:12], "big") == T
    body = _checkpoint().body()
    message = f"cosignature/v1\ntime {T}\n{body}".encode()
    assert cosignature_message(body, T) == message
    witness.private_key.public_key().verify(raw[12:], message)  # raises if not


def test_the_log_signature_alone_is_no_cosignature(log: NoteSigner, witness: CosignerSigner) -> None:
    note = sign_checkpoint(_checkpoint(), log)
    assert open_cosigned(note, [log.verifier()], [witness.verifier()])[1] == []
    # unknown cosigners' lines are ignored, as C2SP requires
    other = cosign(note, generate_cosigner("someone.else/witness"), T)
    assert open_cosigned(other, [log.verifier()], [witness.verifier()])[1] == []


def test_two_cosigners(log: NoteSigner, witness: CosignerSigner) -> None:
    second = generate_cosigner("650000.spotcheck.gov.cn/witness")
    note = cosign(cosign(sign_checkpoint(_checkpoint(), log), witness, T), second, T + 5)
    _, cosigners = open_cosigned(note, [log.verifier()], [witness.verifier(), second.verifier()])
    assert cosigners == [(WITNESS, T), (second.name, T + 5)]


def test_a_cosignature_over_another_body_is_refused(log: NoteSigner, witness: CosignerSigner) -> None:
    old = cosign(sign_checkpoint(_checkpoint(35, 7), log), witness, T)
    new = sign_checkpoint(_checkpoint(35, 8), log)  # the same size, another history
    lifted = new + old.splitlines(keepends=True)[-1]
    with pytest.raises(CosignatureError, match="invalid cosignature"):
        open_cosigned(lifted, [log.verifier()], [witness.verifier()])


def test_a_tampered_body_fails(log: NoteSigner, witness: CosignerSigner) -> None:
    cosigned = cosign(sign_checkpoint(_checkpoint(), log), witness, T)
    tampered = cosigned.replace("\n35\n", "\n36\n", 1)
    with pytest.raises(NoteError):  # the log's signature fails first
        open_cosigned(tampered, [log.verifier()], [witness.verifier()])
    valid, problems = check_cosignatures(tampered, [witness.verifier()])
    assert valid == [] and len(problems) == 1


def test_a_changed_timestamp_fails(log: NoteSigner, witness: CosignerSigner) -> None:
    cosigned = cosign(sign_checkpoint(_checkpoint(), log), witness, T)
    raw = _line_bytes(cosigned, WITNESS)
    forged = _replace_line(cosigned, WITNESS, raw[:4] + (T + 1).to_bytes(8, "big") + raw[12:])
    with pytest.raises(CosignatureError, match="time 1767225601"):
        open_cosigned(forged, [log.verifier()], [witness.verifier()])


def test_a_timestamp_beyond_2_63_fails(log: NoteSigner, witness: CosignerSigner) -> None:
    cosigned = cosign(sign_checkpoint(_checkpoint(), log), witness, T)
    raw = _line_bytes(cosigned, WITNESS)
    forged = _replace_line(cosigned, WITNESS, raw[:4] + (2**63).to_bytes(8, "big") + raw[12:])
    with pytest.raises(CosignatureError, match="not in 0..2"):
        open_cosigned(forged, [log.verifier()], [witness.verifier()])
    with pytest.raises(CosignatureError):
        cosign(sign_checkpoint(_checkpoint(), log), witness, 2**63)
    with pytest.raises(CosignatureError):
        cosign(sign_checkpoint(_checkpoint(), log), witness, -1)


def test_a_wrong_key_fails(log: NoteSigner, witness: CosignerSigner) -> None:
    impostor = CosignerSigner(WITNESS, Ed25519PrivateKey.generate())
    cosigned = cosign(sign_checkpoint(_checkpoint(), log), impostor, T)
    # another key of the same name has another key ID: the line is not the witness's, so ignored
    assert open_cosigned(cosigned, [log.verifier()], [witness.verifier()])[1] == []
    # ... and with the witness's key ID forged onto it, the signature fails
    raw = _line_bytes(cosigned, WITNESS)
    forged = _replace_line(cosigned, WITNESS, witness.key_id + raw[4:])
    with pytest.raises(CosignatureError, match="invalid cosignature"):
        open_cosigned(forged, [log.verifier()], [witness.verifier()])


def test_the_wrong_type_byte_fails(log: NoteSigner) -> None:
    seed = Ed25519PrivateKey.generate()
    as_note_key = NoteSigner(WITNESS, seed)  # type 0x01: a plain note signature, no timestamp
    note = sign_checkpoint(_checkpoint(), log)
    signed = note + as_note_key.sign(_checkpoint().body())
    cosigner = CosignerSigner(WITNESS, seed).verifier()
    assert as_note_key.key_id != cosigner.key_id  # the type byte is in the key ID
    assert open_cosigned(signed, [log.verifier()], [cosigner])[1] == []
    raw = _line_bytes(signed, WITNESS)
    forged = _replace_line(signed, WITNESS, cosigner.key_id + raw[4:])
    with pytest.raises(CosignatureError):
        open_cosigned(forged, [log.verifier()], [cosigner])
    # a key text with type 0x01 is not a cosigner key, and a cosigner key is not a note key
    with pytest.raises(CosignatureError, match="not a cosigner key"):
        CosignerVerifier.from_verifier_key_text(as_note_key.verifier_key_text())
    with pytest.raises(NoteError):
        NoteVerifier.from_verifier_key_text(cosigner.verifier_key_text())


def test_a_truncated_cosignature_and_a_duplicate_fail(log: NoteSigner, witness: CosignerSigner) -> None:
    cosigned = cosign(sign_checkpoint(_checkpoint(), log), witness, T)
    raw = _line_bytes(cosigned, WITNESS)
    with pytest.raises(CosignatureError, match="not 76"):
        open_cosigned(_replace_line(cosigned, WITNESS, raw[:-1]), [log.verifier()],
                      [witness.verifier()])
    twice = cosigned + cosigned.splitlines(keepends=True)[-1]
    with pytest.raises(CosignatureError, match="two cosignatures"):
        open_cosigned(twice, [log.verifier()], [witness.verifier()])
    with pytest.raises(CosignatureError, match="already cosigned"):
        cosign(cosigned, witness, T + 1)


def test_the_log_signature_is_required(log: NoteSigner, witness: CosignerSigner) -> None:
    cosigned = cosign(sign_checkpoint(_checkpoint(), log), witness, T)
    with pytest.raises(CheckpointError, match="not signed by any known key"):
        open_cosigned(cosigned, [generate_signer(ORIGIN).verifier()], [witness.verifier()])


def test_cosign_checks_the_note(log: NoteSigner, witness: CosignerSigner) -> None:
    with pytest.raises(CosignatureError, match="cannot cosign"):
        cosign("not a note\n", witness, T)
    with pytest.raises(CosignatureError, match="cannot cosign"):
        cosign("hello\n\n\u2014 x AAAAAAAA\n", witness, T)  # a note, but not a checkpoint
    note = sign_checkpoint(_checkpoint(), log)
    with pytest.raises(CosignatureError, match="cannot cosign"):
        cosign(note, witness, T, [generate_signer(ORIGIN).verifier()])
    assert cosign(note, witness, T, [log.verifier()]).startswith(note)


def test_extension_lines_are_cosigned(log: NoteSigner, witness: CosignerSigner) -> None:
    checkpoint = Checkpoint(ORIGIN, 3, bytes(32), ("ext one",))
    cosigned = cosign(sign_checkpoint(checkpoint, log), witness, 0)
    assert open_cosigned(cosigned, [log.verifier()], [witness.verifier()]) == (
        checkpoint, [(WITNESS, 0)])


def test_key_texts_round_trip(witness: CosignerSigner) -> None:
    private = witness.private_key_text()
    public = witness.verifier_key_text()
    kid = witness.key_id.hex()
    assert private.startswith(f"PRIVATE+KEY+{WITNESS}+{kid}+")
    assert public.startswith(f"{WITNESS}+{kid}+")
    assert base64.b64decode(public.split("+", 2)[2])[0] == ALG_COSIGNATURE_V1 == 0x04
    assert base64.b64decode(private.split("+", 4)[4])[0] == 0x04
    again = CosignerSigner.from_private_key_text(private)
    assert again.verifier_key_text() == public
    verifier = CosignerVerifier.from_verifier_key_text(public)
    assert verifier.verifier_key_text() == public
    assert verifier.key_id == cosigner_key_id(WITNESS, witness.public_key)


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda t: t.split("+")[0], "is not <name>"),
        (lambda t: "a b" + t[t.index("+"):], "whitespace"),
        (lambda t: t.split("+")[0] + "+0000000g+" + t.split("+", 2)[2], "8 hex"),
        (lambda t: t.split("+")[0] + "+00000000+" + t.split("+", 2)[2], "does not match"),
        (lambda t: "+".join(t.split("+", 2)[:2]) + "+!!!!", "base64"),
    ],
)
def test_bad_verifier_key_texts(witness: CosignerSigner, mangle: object, message: str) -> None:
    assert callable(mangle)
    with pytest.raises(CosignatureError, match=message):
        CosignerVerifier.from_verifier_key_text(mangle(witness.verifier_key_text()))


def test_bad_private_key_texts(witness: CosignerSigner) -> None:
    with pytest.raises(CosignatureError, match="PRIVATE\\+KEY"):
        CosignerSigner.from_private_key_text(witness.verifier_key_text())
    as_note = NoteSigner(WITNESS, witness.private_key).private_key_text()
    with pytest.raises(CosignatureError, match="not a cosigner key"):
        CosignerSigner.from_private_key_text(as_note)
    text = witness.private_key_text()
    wrong_id = text.replace(witness.key_id.hex(), "00000000")
    with pytest.raises(CosignatureError, match="does not match"):
        CosignerSigner.from_private_key_text(wrong_id)
    with pytest.raises(CosignatureError):
        generate_cosigner("has+plus")


DOC_NOTE = (  # docs/ledger-format.md §9.4: seeds 00..1f (witness) and 20..3f (log)
    "652301.spotcheck.gov.cn/spotcheck\n35\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n"
    "\u2014 652301.spotcheck.gov.cn/spotcheck lumgwcOO6CHzJV4p6EGBnvSbr0i8/M99cLkgVI5juIXNdo+bsGGrwVhV"
    "6MwYk5MWsvLocj2eDogEqrdMh7Jjujqt1gs=\n"
    "\u2014 652300.spotcheck.gov.cn/witness Cx6D+gAAAABpVbkAfnYdFWUPZnaHnHCjzcUmQ85E5HRan60iE/zwo8LMan"
    "wriufqdK7jTaLPCfDllNGjAO1wOwFu1k+Hnch4BXcQBA==\n"
)


def test_the_documented_example_is_reproduced_exactly() -> None:
    witness = CosignerSigner(WITNESS, Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
    log = NoteSigner(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64))))
    assert witness.private_key_text() == (
        "PRIVATE+KEY+652300.spotcheck.gov.cn/witness+0b1e83fa+"
        "BAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f")
    assert witness.verifier_key_text() == (
        "652300.spotcheck.gov.cn/witness+0b1e83fa+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4")
    note = sign_checkpoint(Checkpoint(ORIGIN, 35, bytes(range(32))), log)
    assert cosign(note, witness, T) == DOC_NOTE
    verifier = CosignerVerifier.from_verifier_key_text(witness.verifier_key_text())
    assert open_cosigned(DOC_NOTE, [log.verifier()], [verifier])[1] == [(WITNESS, T)]
