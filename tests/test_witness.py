"""The level above as a witness (https://c2sp.org/tlog-witness): ``POST /witness/add-checkpoint``
answers every status the specification names, checks and updates its stored size atomically, and
keeps every cosigned checkpoint and every refusal as evidence; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from commands import run
from http_client import Api

from ledger.adapters.settings import Settings
from ledger.log.witness import (
    SIZE_MEDIA_TYPE,
    WitnessRefusal,
    init_witness_key,
    origin_hash,
    parse_add_checkpoint,
    request_body,
)
from verify.checkpoint import Checkpoint, sign_checkpoint
from verify.cosignature import CosignerVerifier, check_cosignatures
from verify.merkle import EMPTY_ROOT, consistency_proof_ranges, leaf_hash, root_from_leaf_hashes
from verify.note import NoteSigner, generate_signer

ORIGIN = "652399.spotcheck.test/spotcheck"


class MemoryLog:
    """A log kept in memory: its entries, signed checkpoints and consistency proofs."""

    def __init__(self, signer: NoteSigner, entries: int = 0, salt: bytes = b"") -> None:
        self.signer = signer
        self.hashes = [leaf_hash(hashlib.sha256(salt + i.to_bytes(8, "big")).digest())
                       for i in range(entries)]

    def grow(self, n: int, salt: bytes = b"") -> None:
        start = len(self.hashes)
        self.hashes += [leaf_hash(hashlib.sha256(salt + i.to_bytes(8, "big")).digest())
                        for i in range(start, start + n)]

    def root(self, size: int | None = None) -> bytes:
        return root_from_leaf_hashes(self.hashes[: len(self.hashes) if size is None else size])

    def note(self, size: int | None = None, root: bytes | None = None) -> str:
        size = len(self.hashes) if size is None else size
        return sign_checkpoint(Checkpoint(self.signer.name, size, root or self.root(size)),
                               self.signer)

    def proof(self, old: int, new: int | None = None) -> list[bytes]:
        new = len(self.hashes) if new is None else new
        if old in (0, new):
            return []
        return [root_from_leaf_hashes(self.hashes[b:e]) for b, e in consistency_proof_ranges(old, new)]

    def body(self, old: int, proof: list[bytes] | None = None, note: str | None = None) -> bytes:
        return request_body(old, self.proof(old) if proof is None else proof, note or self.note())


@pytest.fixture
def witness(settings: Settings, tmp_path: Path) -> Iterator[tuple[Api, MemoryLog, CosignerVerifier]]:
    """A prefecture's deployment witnessing one county log, and that log (5 entries)."""
    settings.keys_dir.mkdir(parents=True, exist_ok=True)
    signer = init_witness_key(settings.keys_dir, "652300.spotcheck.test/witness")
    memory = MemoryLog(generate_signer(ORIGIN), 5)
    key = tmp_path / "county.vkey"
    key.write_text(memory.signer.verifier_key_text() + "\n")
    env = {"SPOTCHECK_DB": settings.db, "SPOTCHECK_KEYS": str(settings.keys_dir)}
    added = run(tmp_path, "spotcheck", "witness", "add-log", "--key", str(key), env=env)
    assert added.returncode == 0, added.stderr
    api = Api(settings)
    try:
        yield api, memory, signer.verifier()
    finally:
        api.close()


def _post(api: Api, body: bytes) -> tuple[int, str, str]:
    got = api.call("POST", "/witness/add-checkpoint", content=body)
    return got.status_code, got.headers.get("content-type", ""), got.text


def test_a_consistent_checkpoint_is_cosigned_and_kept(witness: tuple[Api, MemoryLog,
                                                                    CosignerVerifier]) -> None:
    api, log, key = witness
    status, kind, text = _post(api, log.body(0))
    assert status == 200 and kind.startswith("text/plain"), text
    # "The response body MUST be a sequence of one or more note signature lines, each starting
    # with the `—` character (U+2014) and ending with a newline character (U+000A)."
    assert text.startswith("\u2014 652300.spotcheck.test/witness ") and text.endswith("\n")
    # "To parse the response, the client MAY concatenate it to the checkpoint, and use a note
    # verification function configured with the witness keys it trusts."
    valid, problems = check_cosignatures(log.note() + text, [key])
    assert not problems and valid[0].timestamp > 0  # "the timestamp MUST NOT be zero"

    log.grow(300)
    status, _, text = _post(api, log.body(5))
    assert status == 200, text
    # "A witness SHOULD serve a recent checkpoint for each log it cosigned."
    served = api.call("GET", f"/witness/{origin_hash(ORIGIN)}/checkpoint")
    assert served.status_code == 200 and served.text.startswith(log.note().split("\n\n")[0])
    assert check_cosignatures(served.text, [key])[0]
    assert api.call("GET", f"/witness/{'0' * 64}/checkpoint").status_code == 404
    listed = api.ok("GET", "/witness/logs")
    assert [(r["origin"], r["cosigned_size"], r["refusals"]) for r in listed] == [
        (ORIGIN, 305, 0)]


def test_each_refusal_has_the_status_the_specification_names(
        witness: tuple[Api, MemoryLog, CosignerVerifier]) -> None:
    api, log, _ = witness
    assert _post(api, log.body(0))[0] == 200  # the witness holds size 5 now
    stranger = MemoryLog(generate_signer("659999.spotcheck.test/spotcheck"), 5)
    # "If the checkpoint origin is unknown, the witness MUST respond with a "404 Not Found""
    assert _post(api, stranger.body(0))[0] == 404
    # "403 Forbidden ... if either no signature from a trusted key for the origin is present"
    impostor = MemoryLog(generate_signer(ORIGIN), 5)
    assert _post(api, impostor.body(0))[0] == 403
    # "... or a signature line's key name and ID match a trusted key but the signature itself
    # fails to verify"
    forged_note = log.note().replace(f"{ORIGIN}\n5\n", f"{ORIGIN}\n6\n", 1)
    assert _post(api, log.body(5, [], forged_note))[0] == 403
    # "The old size MUST be equal to or lower than the checkpoint size. Otherwise ... 400"
    assert _post(api, log.body(6, []))[0] == 400
    assert _post(api, b"old 05\n\n" + log.note().encode())[0] == 400  # malformed
    # "If it doesn't match, the witness MUST respond with a "409 Conflict" ... The response body
    # MUST consist of the tree size of the latest cosigned checkpoint in decimal, followed by a
    # newline ... `Content-Type` of `text/x.tlog.size`."
    log.grow(3)
    status, kind, text = _post(api, log.body(0))
    assert (status, kind, text) == (409, SIZE_MEDIA_TYPE, "5\n")
    status, kind, text = _post(api, log.body(2))
    assert (status, text) == (409, "5\n")
    # "if a Merkle Consistency Proof doesn't verify, the witness MUST respond with ... 422"
    other = MemoryLog(log.signer, 8, salt=b"another history")
    assert _post(api, request_body(5, other.proof(5), other.note()))[0] == 422
    # "If the old size matches the checkpoint size, the witness MUST check that the root hashes
    # are also identical. If they don't match ... 422"
    assert _post(api, request_body(5, [], other.note(5)))[0] == 422
    # the honest extension is still cosigned after all this
    assert _post(api, log.body(5))[0] == 200


def test_the_empty_tree_and_a_proof_from_zero_are_checked(
        witness: tuple[Api, MemoryLog, CosignerVerifier]) -> None:
    api, log, _ = witness
    # "A checkpoint of size zero MUST have the root hash of the empty tree ... Otherwise ... 422"
    assert _post(api, request_body(0, [], log.note(0, root=log.root(1))))[0] == 422
    assert _post(api, request_body(0, [], log.note(0, root=EMPTY_ROOT)))[0] == 200
    # "If the old size is zero, the consistency proof MUST be empty"
    assert _post(api, request_body(0, [log.root(1)], log.note()))[0] == 422


def test_every_refusal_of_a_signed_checkpoint_is_kept_as_evidence(
        witness: tuple[Api, MemoryLog, CosignerVerifier]) -> None:
    api, log, _ = witness
    assert _post(api, log.body(0))[0] == 200
    rolled_back = MemoryLog(log.signer, 3)
    assert _post(api, rolled_back.body(0))[0] == 409
    assert _post(api, request_body(5, [], rolled_back.note()))[0] == 400
    kept = api.service.witness.store.refusals(ORIGIN)
    assert [(r["status"], r["old_size"], r["tree_size"]) for r in kept] == [(400, 5, 3),
                                                                           (409, 0, 3)]
    # the whole request is kept: the log's own signed checkpoint of its rolled-back state
    assert rolled_back.note() in kept[0]["request"]
    assert api.call("GET", "/witness/refusals").status_code == 401


def test_the_check_and_the_update_of_the_stored_size_are_atomic(
        witness: tuple[Api, MemoryLog, CosignerVerifier]) -> None:
    # "checking the old size against the latest checkpoint and persisting the new checkpoint
    # must be performed atomically": many requests from the same old size, one cosigned.
    api, log, _ = witness
    bodies = []
    for _ in range(8):
        log.grow(1)
        bodies.append(log.body(0))

    def submit(body: bytes) -> int:
        try:
            api.service.witness.add_checkpoint(body)
            return 200
        except WitnessRefusal as refusal:
            return refusal.status

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(submit, bodies))
    assert sorted(statuses) == [200] + [409] * 7
    cosigned = api.ok("GET", "/witness/logs")[0]["cosigned_size"]
    assert cosigned in {6, 7, 8, 9, 10, 11, 12, 13}
    # and the stored size is the one cosigned: the next request must start from it
    assert _post(api, log.body(cosigned))[0] == 200


def test_a_request_body_is_parsed_as_written() -> None:
    body = b"old 3\n" + b"A" * 43 + b"=\n\nnote\n"
    parsed = parse_add_checkpoint(body)
    assert (parsed.old, len(parsed.proof), parsed.note) == (3, 1, "note\n")
    for bad in (b"old 3\n", b"new 3\n\nx", b"old -1\n\nx", b"old 3\nnot base64\n\nx",
                b"old 1\n" + (b"A" * 43 + b"=\n") * 64 + b"\nx"):
        with pytest.raises(WitnessRefusal) as refused:
            parse_add_checkpoint(bad)
        assert refused.value.status == 400
