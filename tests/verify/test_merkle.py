"""Tests for verify.merkle: the transparency-dev/merkle vectors and generated proofs."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    Frontier,
    ProofError,
    consistency_proof_ranges,
    hash_of_subtrees,
    inclusion_proof_ranges,
    largest_power_of_two_below,
    leaf_hash,
    node_hash,
    perfect_subtrees,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).resolve().parent / "vectors" / "rfc6962"  # (shipped: vectors/README.md)
INCLUSION_FILES = sorted((VECTORS / "inclusion").rglob("*.json"))
CONSISTENCY_FILES = sorted((VECTORS / "consistency").rglob("*.json"))


def test_the_conformance_vectors_are_there() -> None:
    """Without them the vector tests below would be an empty, silently skipped set."""
    assert len(INCLUSION_FILES) > 50 and len(CONSISTENCY_FILES) > 50, f"vectors missing at {VECTORS}"


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def _proof(case: dict[str, Any]) -> list[bytes]:
    return [_b64(p) for p in case["proof"] or []]


def _vector_id(path: Path) -> str:
    return str(path.relative_to(VECTORS))


def test_vectors_present() -> None:
    assert len(INCLUSION_FILES) > 10
    assert len(CONSISTENCY_FILES) > 50


@pytest.mark.parametrize("path", INCLUSION_FILES, ids=_vector_id)
def test_inclusion_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (
        _b64(case["leafHash"]),
        case["leafIdx"],
        case["treeSize"],
        _proof(case),
        _b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY_FILES, ids=_vector_id)
def test_consistency_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (case["size1"], case["size2"], _proof(case), _b64(case["root1"]), _b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def _leaves(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(8, "big")) for i in range(n)]


def _range_hash(leaves: list[bytes], begin: int, end: int) -> bytes:
    direct = root_from_leaf_hashes(leaves[begin:end])
    subtrees = [
        root_from_leaf_hashes(leaves[i << level : (i + 1) << level])
        for level, i in perfect_subtrees(begin, end)
    ]
    assert hash_of_subtrees(subtrees) == direct
    return direct


def _mth(leaves: list[bytes]) -> bytes:
    """The RFC 6962 definition, recursively."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = largest_power_of_two_below(len(leaves))
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def test_basic_hashes() -> None:
    assert HASH_SIZE == 32
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()
    assert root_from_leaf_hashes([]) == EMPTY_ROOT
    assert Frontier().root() == EMPTY_ROOT


def test_largest_power_of_two_below() -> None:
    assert [largest_power_of_two_below(n) for n in range(2, 10)] == [1, 2, 2, 4, 4, 4, 4, 8]
    with pytest.raises(ValueError):
        largest_power_of_two_below(1)


def test_perfect_subtrees() -> None:
    assert perfect_subtrees(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert perfect_subtrees(3, 9) == [(0, 3), (2, 1), (0, 8)]
    assert perfect_subtrees(4, 4) == []


def test_range_errors() -> None:
    with pytest.raises(ValueError):
        inclusion_proof_ranges(5, 5)
    with pytest.raises(ValueError):
        consistency_proof_ranges(0, 5)
    with pytest.raises(ValueError):
        consistency_proof_ranges(6, 5)
    assert consistency_proof_ranges(5, 5) == []


def test_frontier_and_root_match_definition() -> None:
    leaves = _leaves(300)
    frontier = Frontier()
    for n in range(301):
        expected = _mth(leaves[:n])
        assert root_from_leaf_hashes(leaves[:n]) == expected
        assert frontier.size == n
        assert frontier.root() == expected
        copy = frontier.copy()
        if n < 300:
            frontier.append(leaves[n])
        assert copy.size == n


def test_all_proofs_small_trees() -> None:
    leaves = _leaves(40)
    for size in range(1, 41):
        root = _mth(leaves[:size])
        for index in range(size):
            proof = [_range_hash(leaves, b, e) for b, e in inclusion_proof_ranges(index, size)]
            verify_inclusion(leaves[index], index, size, proof, root)
        for size1 in range(1, size + 1):
            proof = [_range_hash(leaves, b, e) for b, e in consistency_proof_ranges(size1, size)]
            verify_consistency(size1, size, proof, _mth(leaves[:size1]), root)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_generated_proofs_verify(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 300))
    leaves = _leaves(size)
    root = root_from_leaf_hashes(leaves)
    index = data.draw(st.integers(0, size - 1))
    proof = [_range_hash(leaves, b, e) for b, e in inclusion_proof_ranges(index, size)]
    verify_inclusion(leaves[index], index, size, proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(leaves[index], index, size, proof, root[::-1])
    if proof:
        with pytest.raises(ProofError):
            verify_inclusion(leaves[index], index, size, proof[:-1], root)
    size1 = data.draw(st.integers(1, size))
    root1 = root_from_leaf_hashes(leaves[:size1])
    cproof = [_range_hash(leaves, b, e) for b, e in consistency_proof_ranges(size1, size)]
    verify_consistency(size1, size, cproof, root1, root)
    if cproof:
        bad = [*cproof[:-1], bytes(32)]
        with pytest.raises(ProofError):
            verify_consistency(size1, size, bad, root1, root)


def test_verify_rejects_bad_lengths() -> None:
    leaves = _leaves(4)
    root = root_from_leaf_hashes(leaves)
    proof = [_range_hash(leaves, b, e) for b, e in inclusion_proof_ranges(1, 4)]
    with pytest.raises(ProofError, match="leaf hash"):
        verify_inclusion(leaves[1][:31], 1, 4, proof, root)
    with pytest.raises(ProofError, match="proof element"):
        verify_inclusion(leaves[1], 1, 4, [proof[0] + b"\x00", proof[1]], root)
    with pytest.raises(ProofError, match="size 0"):
        verify_consistency(0, 4, [], EMPTY_ROOT, root)
