"""RFC 6962 / RFC 9162 Merkle trees over SHA-256, with inclusion and consistency proofs.

The Merkle Tree Hash (RFC 9162 §2.1.1) of a list of entries ``D[0:n]`` is::

    MTH({})       = SHA-256()
    MTH({d0})     = SHA-256(0x00 || d0)                       (a leaf hash)
    MTH(D[0:n])   = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))  (a node hash)

where ``k`` is the largest power of two smaller than ``n``. Proofs are the RFC 9162 §2.1.3
(inclusion) and §2.1.4 (consistency) audit paths; the verifiers follow §2.1.3.2 and §2.1.4.2 and,
like the Go ``transparency-dev/merkle`` implementation, refuse a consistency proof from size 0.

Besides hashing, this module describes *which* leaf ranges a proof's hashes cover
(:func:`inclusion_proof_ranges`, :func:`consistency_proof_ranges`), so a prover that stores the
hashes of aligned perfect subtrees (:func:`perfect_subtrees`) can assemble any proof with
:func:`hash_of_subtrees`. :class:`Frontier` appends leaves one at a time and gives the root in
O(log n).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A Merkle proof, root or hash failed verification or is malformed."""


def leaf_hash(entry: bytes) -> bytes:
    """Return the RFC 6962 leaf hash ``SHA-256(0x00 || entry)``."""
    return _sha256(_LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 interior node hash ``SHA-256(0x01 || left || right)``."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle Tree Hash of the leaves with the given leaf hashes (empty: EMPTY_ROOT).

    Pairs level by level, promoting an odd last node unchanged, which yields exactly the RFC 6962
    tree (left subtrees are always the largest perfect power of two).
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


class Frontier:
    """A streaming compact range ``[0, size)``: one perfect-subtree hash per set bit of size."""

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._hashes: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    def append(self, leaf_hash: bytes) -> None:
        """Append one leaf (given by its leaf hash), merging completed perfect subtrees."""
        hashes = self._hashes
        h = leaf_hash
        s = self._size
        while s & 1:
            h = _sha256(_NODE_PREFIX + hashes.pop() + h).digest()
            s >>= 1
        hashes.append(h)
        self._size += 1

    def root(self) -> bytes:
        """Return the Merkle Tree Hash of all leaves appended so far."""
        hashes = self._hashes
        if not hashes:
            return EMPTY_ROOT
        r = hashes[-1]
        for h in reversed(hashes[:-1]):
            r = node_hash(h, r)
        return r

    def copy(self) -> Frontier:
        """Return an independent copy of this frontier."""
        other = Frontier()
        other._hashes = list(self._hashes)
        other._size = self._size
        return other


def largest_power_of_two_below(n: int) -> int:
    """Return the ``k`` of RFC 6962: the power of two with ``k < n <= 2k`` (requires n >= 2)."""
    if n < 2:
        raise ValueError(f"largest_power_of_two_below needs n >= 2, got {n}")
    return 1 << ((n - 1).bit_length() - 1)


def perfect_subtrees(begin: int, end: int) -> list[tuple[int, int]]:
    """Split leaves ``[begin, end)`` into maximal aligned perfect subtrees, left to right.

    Each subtree is ``(level, index)``: leaves ``[index * 2**level, (index + 1) * 2**level)``.
    """
    if not 0 <= begin <= end:
        raise ValueError(f"invalid leaf range [{begin}, {end})")
    result: list[tuple[int, int]] = []
    while begin < end:
        size = begin & -begin if begin else 1 << (end.bit_length() - 1)
        while begin + size > end:
            size >>= 1
        level = size.bit_length() - 1
        result.append((level, begin >> level))
        begin += size
    return result


def hash_of_subtrees(hashes: Sequence[bytes]) -> bytes:
    """Fold the hashes of a range's :func:`perfect_subtrees` (in order) into its subtree hash.

    Right fold: ``h0`` alone, else ``node_hash(h0, hash_of_subtrees(rest))``. This is the RFC 6962
    hash for ``[0, n)`` and for every range that appears in an inclusion or consistency proof.
    """
    if not hashes:
        raise ValueError("hash_of_subtrees needs at least one hash")
    r = hashes[-1]
    for h in reversed(hashes[:-1]):
        r = node_hash(h, r)
    return r


def inclusion_proof_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges whose hashes form PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), leaf first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    begin, end = 0, size
    while end - begin > 1:
        k = largest_power_of_two_below(end - begin)
        if index < begin + k:
            ranges.append((begin + k, end))
            end = begin + k
        else:
            ranges.append((begin, begin + k))
            begin += k
    ranges.reverse()
    return ranges


def consistency_proof_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """Leaf ranges whose hashes form PROOF(size1, D[0:size2]) (RFC 9162 §2.1.4.1), in order."""
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    ranges: list[tuple[int, int]] = []
    begin, end, m, whole = 0, size2, size1, True
    while m != end - begin:
        k = largest_power_of_two_below(end - begin)
        if m <= k:
            ranges.append((begin + k, end))
            end = begin + k
        else:
            ranges.append((begin, begin + k))
            begin += k
            m -= k
            whole = False
    if not whole:
        ranges.append((begin, end))
    ranges.reverse()
    return ranges


def _check_hash(what: str, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, not {HASH_SIZE}")


def _check_proof(proof: Sequence[bytes]) -> None:
    for i, p in enumerate(proof):
        _check_hash(f"proof element {i}", p)


def _shift_while_even(fn: int, sn: int) -> tuple[int, int]:
    while fn and not fn & 1:
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check an RFC 9162 §2.1.3.2 inclusion proof; raise :class:`ProofError` if it fails."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    _check_hash("leaf hash", leaf_hash)
    _check_hash("root", root)
    _check_proof(proof)
    expected = len(inclusion_proof_ranges(index, size))
    if len(proof) != expected:
        raise ProofError(
            f"inclusion proof for leaf {index} of {size} has {len(proof)} hashes, not {expected}"
        )
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_while_even(fn, sn)
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise ProofError(f"inclusion proof for leaf {index} of {size} does not match the root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check an RFC 9162 §2.1.4.2 consistency proof; raise :class:`ProofError` if it fails."""
    if size2 < size1:
        raise ProofError(f"size2 ({size2}) is smaller than size1 ({size1})")
    if size1 == 0:
        raise ProofError("a consistency proof from size 0 proves nothing and is refused")
    if size1 == size2:
        # As transparency-dev/merkle: equal sizes need an empty proof and byte-equal roots.
        if proof:
            raise ProofError(f"sizes are equal ({size1}) but the proof is not empty")
        if root1 != root2:
            raise ProofError(f"sizes are equal ({size1}) but the roots differ")
        return
    _check_hash("root1", root1)
    _check_hash("root2", root2)
    _check_proof(proof)
    expected = len(consistency_proof_ranges(size1, size2))
    if len(proof) != expected:
        raise ProofError(
            f"consistency proof {size1}->{size2} has {len(proof)} hashes, not {expected}"
        )
    _verify_consistency_path(size1, size2, proof, root1, root2)


def _verify_consistency_path(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof {size1}->{size2} is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            fn, sn = _shift_while_even(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof {size1}->{size2} is too short")
    if fr != root1:
        raise ProofError(f"consistency proof {size1}->{size2} does not match root1")
    if sr != root2:
        raise ProofError(f"consistency proof {size1}->{size2} does not match root2")
