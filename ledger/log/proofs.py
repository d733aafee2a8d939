"""Inclusion and consistency proofs served from the stored log nodes: O(log n) reads each.

The proof shapes are :mod:`verify.merkle`'s (the ranges of RFC 9162 §2.1.3.1 and §2.1.4.1); this
module only fetches the complete-subtree hashes those ranges decompose into, in one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.errors import InvalidInput
from ledger.log.store import Cursor, Log
from verify.merkle import (
    consistency_proof_ranges,
    hash_of_subtrees,
    inclusion_proof_ranges,
    perfect_subtrees,
)


class ProofRequestError(InvalidInput):
    """A proof was asked for sizes or indices the log does not have."""


@dataclass(frozen=True)
class InclusionProof:
    index: int
    size: int
    leaf_hash: bytes
    hashes: list[bytes]


@dataclass(frozen=True)
class ConsistencyProof:
    size1: int
    size2: int
    hashes: list[bytes]


def _range_hashes(
    log: Log, ranges: list[tuple[int, int]], cur: Cursor | None = None
) -> list[bytes]:
    pieces = [perfect_subtrees(begin, end) for begin, end in ranges]
    nodes = log.nodes([key for piece in pieces for key in piece], cur)
    return [hash_of_subtrees([nodes[key] for key in piece]) for piece in pieces]


def _check_size(log: Log, size: int) -> None:
    current = log.state().size
    if not 0 < size <= current:
        raise ProofRequestError(f"size: {size} is outside log {log.name} (1..{current})")


def inclusion_proof(log: Log, index: int, size: int) -> InclusionProof:
    _check_size(log, size)
    if not 0 <= index < size:
        raise ProofRequestError(f"index: {index} is not below the tree size {size}")
    ranges = inclusion_proof_ranges(index, size)
    hashes = _range_hashes(log, [(index, index + 1), *ranges])
    return InclusionProof(index, size, hashes[0], hashes[1:])


def consistency_proof(log: Log, size1: int, size2: int) -> ConsistencyProof:
    _check_size(log, size2)
    if not 0 < size1 <= size2:
        raise ProofRequestError(f"size1: {size1} must be between 1 and size2 ({size2})")
    return ConsistencyProof(size1, size2, consistency_hashes(log, size1, size2))


def consistency_hashes(
    log: Log, size1: int, size2: int, cur: Cursor | None = None
) -> list[bytes]:
    """The RFC 9162 consistency proof between two sizes the log has (inside ``cur`` if given)."""
    return _range_hashes(log, consistency_proof_ranges(size1, size2), cur)
