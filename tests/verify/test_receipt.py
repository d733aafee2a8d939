"""Receipts (C2SP tlog-proof@v1): the format as the specification writes it, and the four
verification steps, each refusing what it must."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from verify.checkpoint import Checkpoint, sign_checkpoint
from verify.cosignature import CosignerSigner, CosignerVerifier, generate_cosigner
from verify.event import event_content, event_hash
from verify.merkle import inclusion_proof_ranges, leaf_hash
from verify.merkle import root_from_leaf_hashes as mth
from verify.note import NoteVerifier, generate_signer
from verify.receipt import HEADER, ReceiptError, build_receipt, check_receipt, parse_receipt

ORIGIN = "652301.spotcheck.gov.cn/spotcheck"
T = 1_767_225_600


def _log(n: int = 11, at: int = 6) -> tuple[list[bytes], dict[str, object], str]:
    """``n`` entries, the one at ``at`` the hash of a real event content."""
    event = event_content("8a1c5a52-2f51-4f2b-8e2c-3c0d7d6a0b11", 2,
                          "ledger.inspection:Inspection.RecordFiled", "2026-01-06T02:00:00.000002Z",
                          "0" * 64, {"filed_by": "65230119900101", "filed_on": "2026-01-06"})
    digest = event_hash(event)
    entries = [bytes([i]) * 32 for i in range(n)]
    entries[at] = bytes.fromhex(digest)
    return entries, event, digest


def _receipt(body: bool = True, cosigned: bool = True,
             witness: CosignerSigner | None = None) -> tuple[str, NoteVerifier, CosignerVerifier]:
    entries, event, digest = _log()
    leaves = [leaf_hash(e) for e in entries]
    proof = [mth(leaves[b:e]) for b, e in inclusion_proof_ranges(6, len(entries))]
    signer = generate_signer(ORIGIN)
    witness = witness or generate_cosigner("652300.spotcheck.gov.cn/witness")
    note = sign_checkpoint(Checkpoint(ORIGIN, len(entries), mth(leaves)), signer)
    if cosigned:
        note += witness.sign(note.split("\n\n")[0] + "\n", T)
    text = build_receipt("652301", digest, event if body else None, 6, proof, note)
    return text, signer.verifier(), witness.verifier()


def test_a_receipt_is_written_as_the_specification_shows() -> None:
    text, _, _ = _receipt()
    lines = text.split("\n")
    # "The first line MUST be the string `c2sp.org/tlog-proof@v1`." "The second line MAY start
    # with the string `extra` followed by a space ... and base64-encoded opaque extra data."
    # "The next line MUST start with the string `index` followed by a space ... and the
    # zero-based index of the entry"
    assert lines[0] == HEADER and lines[1].startswith("extra ") and lines[2] == "index 6"
    # "one SHA-256 hash per line, starting from the leaf's sibling hash up to the root's child"
    assert len(inclusion_proof_ranges(6, 11)) == 4 and all(
        len(base64.b64decode(line)) == 32 for line in lines[3:7])
    # "After the inclusion proof lines and an empty line, the checkpoint ... verbatim"
    assert lines[7] == "" and lines[8] == ORIGIN and lines[9] == "11"
    assert parse_receipt(text).text() == text


def test_a_receipt_proves_its_event_to_the_logs_key_and_the_witnesss() -> None:
    text, log_key, witness = _receipt()
    checked = check_receipt(text, [log_key], [witness], origin=ORIGIN)
    assert (checked.index, checked.checkpoint.size, checked.log) == (6, 11, "652301")
    assert checked.event is not None and checked.cosignatures == [(witness.name, T)]
    hash_only, _, _ = _receipt(body=False)
    assert parse_receipt(hash_only).extra is not None


@pytest.mark.parametrize("damage, message", [
    (lambda t: t.replace("index 6\n", "index 7\n"), "inclusion proof"),
    (lambda t: t.replace("index 6\n", "index 06\n"), "leading zeros"),
    (lambda t: t.replace("index 6\n", "index 11\n"), "not below"),
    (lambda t: t.replace(HEADER, "c2sp.org/tlog-proof@v2"), "not 'c2sp.org/tlog-proof@v1'"),
    (lambda t: t.replace("\n\n", "\n", 1), "is not base64"),  # the checkpoint read as the proof
    (lambda t: _forge(t), "body was changed"),
    (lambda t: t.split("\n", 2)[0] + "\n" + t.split("\n", 2)[2], "no extra line"),
    (lambda t: t.replace(f"{ORIGIN}\n11\n", f"{ORIGIN}\n12\n"), "checkpoint"),
])
def test_a_damaged_receipt_is_refused(damage: Callable[[str], str], message: str) -> None:
    text, log_key, witness = _receipt()
    with pytest.raises(ReceiptError, match=message):
        check_receipt(damage(text), [log_key], [witness])


def _forge(text: str) -> str:
    """The extra line's event body changed (its hash left as it was)."""
    lines = text.split("\n")
    extra = base64.b64decode(lines[1][len("extra "):]).replace(b"2026-01-06\"", b"2026-01-05\"")
    lines[1] = "extra " + base64.b64encode(extra).decode()
    return "\n".join(lines)


def test_a_receipt_needs_the_logs_key_and_every_witness_cosignature_must_hold() -> None:
    text, _, witness = _receipt()
    with pytest.raises(ReceiptError, match="not signed by any known key"):
        check_receipt(text, [generate_signer(ORIGIN).verifier()], [witness])
    # the witness's key, its line lifted from another checkpoint: it does not hold
    signer = generate_cosigner("652300.spotcheck.gov.cn/witness")
    text, log_key, witness = _receipt(witness=signer)
    lifted = signer.sign(f"{ORIGIN}\n12\n{'A' * 43}=\n", T)
    with pytest.raises(ReceiptError, match="invalid cosignature"):
        check_receipt(text.replace(text.rsplit("\n", 2)[1] + "\n", lifted), [log_key], [witness])
