"""C2SP tiled transparency logs (https://c2sp.org/tlog-tiles, 瓦片化透明日志): paths, tiles, bundles.

A tiled log is served as static resources under a prefix::

    <prefix>/checkpoint                      the signed checkpoint (with its cosignatures)
    <prefix>/tile/<L>/<N>[.p/<W>]            hash tiles: 256 (or W) consecutive Merkle Tree
                                             Hashes at tree height 8*L
    <prefix>/tile/entries/<N>[.p/<W>]        entry bundles: the entries whose leaf hashes are
                                             the level-0 tile N

"`<N>` ... MUST be a non-negative integer encoded into zero-padded 3-digit path elements. All but
the last path element MUST begin with an `x`" (1234067 → ``x001/x234/067``). "The partial tile at
level *l* for a tree of size *s* has `floor(s / 256**l) mod 256` entries." An entry bundle is a
"sequence of big-endian uint16 length-prefixed log entries"; a Spotcheck entry is the 32-byte event
hash (docs/ledger-format.md §3.1), so each bundle record is ``00 20`` and 32 bytes.

This module is the single implementation of the format: the server (``ledger/log/tiles.py``), the
``spotcheck log tiles`` mirror and a client that recomputes a checkpoint's root from tiles alone
(:func:`root_from_tiles`) all use it. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from verify.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    hash_of_subtrees,
    leaf_hash,
    perfect_subtrees,
    root_from_leaf_hashes,
)

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256 hashes, 8192 bytes in a full tile
MAX_LEVEL = 63
MAX_ENTRY = 0xFFFF
ENTRIES = "entries"


class TileError(ValueError):
    """A tile path, tile or entry bundle is malformed, or does not fit the tree."""


@dataclass(frozen=True)
class Tile:
    """One resource of a tiled log: a hash tile (``level`` 0..63) or an entry bundle (``level``
    ``"entries"``), its index, and its width (256 for a full tile)."""

    level: int | str
    index: int
    width: int = TILE_WIDTH

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def is_entries(self) -> bool:
        return self.level == ENTRIES

    def path(self) -> str:
        """The path below the prefix: ``tile/0/x001/x234/067.p/5``."""
        suffix = f".p/{self.width}" if self.partial else ""
        return f"tile/{self.level}/{encode_index(self.index)}{suffix}"

    def tree_level(self) -> int:
        """The RFC 6962 tree height of the hashes this tile holds (0 for entries)."""
        return 0 if self.is_entries else TILE_HEIGHT * int(self.level)

    def first(self) -> int:
        """The index, at :meth:`tree_level`, of the tile's first hash."""
        return self.index * TILE_WIDTH

    def end_leaf(self) -> int:
        """One past the last leaf the tile's hashes cover: the tree size it needs."""
        return (self.first() + self.width) << self.tree_level()


def encode_index(n: int) -> str:
    """``1234067`` → ``x001/x234/067``: 3-digit groups, all but the last prefixed ``x``."""
    if type(n) is not int or n < 0:
        raise TileError(f"tile index {n!r} is not a non-negative integer")
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


_LEVEL = re.compile(r"(0|[1-9][0-9]?)")
_WIDTH = re.compile(r"[1-9][0-9]{0,2}")


def parse_tile_path(path: str) -> Tile:
    """Parse ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]`` (without the prefix)
    strictly, as the specification writes them; :class:`TileError` names what is wrong."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise TileError(f"{path!r} is not tile/<L>/<N>[.p/<W>]")
    level_text, rest = parts[1], parts[2:]
    level: int | str
    if level_text == ENTRIES:
        level = ENTRIES
    elif _LEVEL.fullmatch(level_text) and int(level_text) <= MAX_LEVEL:
        level = int(level_text)
    else:
        raise TileError(f"tile level {level_text!r} is not 0..63 without leading zeros, nor "
                        "'entries'")
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        width_text = rest[-1]
        if not _WIDTH.fullmatch(width_text) or not 1 <= int(width_text) <= 255:
            raise TileError(f"partial tile width {width_text!r} is not 1..255 without leading "
                            "zeros")
        width = int(width_text)
        rest = [*rest[:-2], rest[-2][:-2]]
    index = 0
    for i, group in enumerate(rest):
        last = i == len(rest) - 1
        digits = group if last else group[1:]
        if (not last and not group.startswith("x")) or len(digits) != 3 or not digits.isdigit() \
                or not digits.isascii():
            raise TileError(f"tile index element {group!r} is not "
                            + ("3 digits" if last else "'x' and 3 digits"))
        index = index * 1000 + int(digits)
    if len(rest) > 1 and rest[0] == "x000":
        raise TileError(f"tile index {'/'.join(rest)!r} has a leading x000 element")
    tile = Tile(level, index, width)
    if tile.path() != path:
        raise TileError(f"{path!r} is not the canonical path of this tile ({tile.path()})")
    return tile


def tiles_for_size(size: int) -> Iterator[Tile]:
    """Every hash tile and entry bundle of a tree of ``size`` leaves, full then partial, level
    by level ("Empty tiles MUST NOT be served")."""
    level = 0
    while True:
        count = size >> (TILE_HEIGHT * level)  # hashes at this tile level
        if count == 0:
            return
        for n in range(count // TILE_WIDTH):
            yield Tile(level, n)
            if level == 0:
                yield Tile(ENTRIES, n)
        if count % TILE_WIDTH:
            yield Tile(level, count // TILE_WIDTH, count % TILE_WIDTH)
            if level == 0:
                yield Tile(ENTRIES, count // TILE_WIDTH, count % TILE_WIDTH)
        level += 1


def tile_for(level: int, index: int, size: int) -> Tile:
    """The tile of a tree of ``size`` leaves holding hash ``index`` of tile level ``level``:
    full when the tree covers it, else the partial tile of this size."""
    count = size >> (TILE_HEIGHT * level)
    n = index // TILE_WIDTH
    if index >= count:
        raise TileError(f"a tree of size {size} has no hash {index} at tile level {level}")
    width = min(TILE_WIDTH, count - n * TILE_WIDTH)
    return Tile(level, n, width)


def split_hashes(data: bytes, tile: Tile) -> list[bytes]:
    """The hashes of a hash tile's bytes; the length must be exactly ``width * 32``."""
    if len(data) != tile.width * HASH_SIZE:
        raise TileError(f"{tile.path()}: {len(data)} bytes, not {tile.width} hashes of 32")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Entries as an entry bundle: each a big-endian uint16 length, then its bytes."""
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_ENTRY:
            raise TileError(f"an entry of {len(entry)} bytes does not fit a uint16 length")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def parse_entry_bundle(data: bytes) -> list[bytes]:
    """The entries of a bundle; :class:`TileError` if a length runs past the end."""
    entries: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise TileError(f"entry bundle: a length prefix is cut off at byte {at}")
        length = int.from_bytes(data[at : at + 2], "big")
        if at + 2 + length > len(data):
            raise TileError(f"entry bundle: entry at byte {at} claims {length} bytes past the end")
        entries.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    return entries


def check_bundle_against_tile(bundle: bytes, level0: bytes, tile: Tile) -> list[bytes]:
    """The bundle's entries, once each one's RFC 6962 leaf hash is the level-0 tile's hash."""
    entries = parse_entry_bundle(bundle)
    hashes = split_hashes(level0, Tile(0, tile.index, tile.width))
    if len(entries) != len(hashes):
        raise TileError(f"entry bundle {tile.index}: {len(entries)} entries for {len(hashes)} "
                        "leaf hashes")
    for i, (entry, expected) in enumerate(zip(entries, hashes, strict=True)):
        if leaf_hash(entry) != expected:
            raise TileError(f"entry {tile.first() + i}: its leaf hash is not the level-0 tile's")
    return entries


def root_from_tiles(size: int, fetch: Callable[[Tile], bytes]) -> bytes:
    """Recompute the root of a tree of ``size`` leaves from hash tiles alone (what a client does
    to check a checkpoint): each maximal perfect subtree of ``[0, size)`` is a hash of a tile, or
    the Merkle root of 2**r consecutive hashes of one, at height 8*L + r."""
    if size == 0:
        return EMPTY_ROOT
    fetched: dict[Tile, list[bytes]] = {}

    def hashes_at(level: int, first: int, count: int) -> list[bytes]:
        out: list[bytes] = []
        for index in range(first, first + count):
            tile = tile_for(level, index, size)
            if tile not in fetched:
                fetched[tile] = split_hashes(fetch(tile), tile)
            out.append(fetched[tile][index - tile.first()])
        return out

    roots = []
    for height, index in perfect_subtrees(0, size):
        level, rest = divmod(height, TILE_HEIGHT)
        count = 1 << rest
        roots.append(root_from_leaf_hashes(hashes_at(level, index * count, count)))
    return hash_of_subtrees(roots)
