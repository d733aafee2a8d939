"""An agency's log as a C2SP tiled log (瓦片日志), read from the stored nodes and leaves.

The hashes of a tile at level ``L`` are the stored complete-subtree hashes at tree height
``8*L`` (``log_nodes``, which the sequencer writes for every level from 3 up), so a tile
is one indexed range read and nothing is rebuilt; a level-0 tile hashes the entries of
``log_leaves`` (a leaf hash is one SHA-256 of its entry: not stored twice), and an entry bundle is
those entries. Only what a
signed checkpoint covers is served: a tile or bundle whose end lies beyond the latest checkpoint's
size is "not found" (tlog-tiles: "Clients MUST NOT fetch arbitrary partial tiles without verifying
a checkpoint with a size that requires their existence").

The functions take a cursor and an optional ``sql`` converter of ``?`` placeholders (the log
store's, or none for a cursor that converts them itself), so the HTTP service reads through its
pooled connections and the command line through the log store. The format is
:mod:`verify.tiles`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ledger.errors import NotFound
from ledger.log.store import Cursor, StoredCheckpoint
from verify.merkle import leaf_hash
from verify.tiles import Tile, TileError, entry_bundle, parse_tile_path, tiles_for_size

Sql = Callable[[str], str]


class TileNotFound(NotFound):
    """No such tile, bundle or checkpoint in the log (or not covered by a signed checkpoint)."""


def _same(statement: str) -> str:
    return statement


def latest_checkpoint(cur: Cursor, log: str, sql: Sql = _same) -> StoredCheckpoint | None:
    """The log's latest signed checkpoint (None before the first)."""
    cur.execute(sql("SELECT tree_size, root, note, signed_at FROM log_checkpoints WHERE log = ?"
                    " ORDER BY tree_size DESC LIMIT 1"), (log,))
    row = cur.fetchone()
    return None if row is None else StoredCheckpoint(int(row[0]), bytes(row[1]), str(row[2]),
                                                     str(row[3]))


def checkpoint_at_least(cur: Cursor, log: str, size: int, sql: Sql = _same
                        ) -> StoredCheckpoint | None:
    """The latest checkpoint, if it covers ``size`` leaves."""
    found = latest_checkpoint(cur, log, sql)
    return found if found is not None and found.size >= size else None


def cosignature_lines(cur: Cursor, log: str, size: int, sql: Sql = _same) -> list[str]:
    """The witnesses' cosignature lines kept for checkpoint ``size`` of ``log`` (by witness)."""
    cur.execute(sql("SELECT line FROM log_cosignatures WHERE log = ? AND tree_size = ?"
                    " ORDER BY witness"), (log, size))
    return [str(row[0]) for row in cur.fetchall()]


def served_checkpoint(cur: Cursor, log: str, sql: Sql = _same) -> tuple[StoredCheckpoint, str]:
    """The latest checkpoint and its note as served: the log's signature, then every
    cosignature the witnesses returned for it (tlog-witness: the log "can move the valid
    signatures to its own view of the checkpoint")."""
    found = latest_checkpoint(cur, log, sql)
    if found is None:
        raise TileNotFound(f"log: {log} has no signed checkpoint yet")
    return found, with_cosignatures(found.note, cosignature_lines(cur, log, found.size, sql))


def with_cosignatures(note: str, lines: list[str]) -> str:
    """The signed note with the cosignature lines appended (each ends in a newline)."""
    return note + "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def receipt_checkpoint(cur: Cursor, log: str, index: int, sql: Sql = _same
                       ) -> tuple[StoredCheckpoint, str]:
    """The checkpoint a receipt of entry ``index`` rests on, as served: the latest one if the
    witnesses cosigned it, else the latest cosigned one that covers the entry, else the latest
    (fetched again later, a receipt carries the cosignatures of a later checkpoint)."""
    latest, note = served_checkpoint(cur, log, sql)
    if index >= latest.size:
        raise TileNotFound(f"index: log {log} has {latest.size} signed entries; {index} is not "
                           "among them (yet)")
    if cosignature_lines(cur, log, latest.size, sql):
        return latest, note
    cur.execute(sql("SELECT c.tree_size, c.root, c.note, c.signed_at FROM log_checkpoints c"
                    " WHERE c.log = ? AND c.tree_size > ? AND EXISTS (SELECT 1 FROM"
                    " log_cosignatures s WHERE s.log = c.log AND s.tree_size = c.tree_size)"
                    " ORDER BY c.tree_size DESC LIMIT 1"), (log, index))
    row = cur.fetchone()
    if row is None:
        return latest, note
    found = StoredCheckpoint(int(row[0]), bytes(row[1]), str(row[2]), str(row[3]))
    return found, with_cosignatures(found.note, cosignature_lines(cur, log, found.size, sql))


def read_tile(cur: Cursor, log: str, tile: Tile, size: int, sql: Sql = _same) -> bytes:
    """The bytes of ``tile`` of ``log`` in a tree of ``size`` (a signed checkpoint's size)."""
    if tile.end_leaf() > size:
        raise TileNotFound(f"tile: {tile.path()} lies beyond the signed size {size} of log {log}")
    first = tile.first()
    if tile.is_entries or tile.tree_level() == 0:
        cur.execute(sql("SELECT entry FROM log_leaves WHERE log = ? AND leaf_index >= ?"
                        " AND leaf_index < ? ORDER BY leaf_index"), (log, first, first + tile.width))
        entries = [bytes(row[0]) for row in cur.fetchall()]
        if len(entries) != tile.width:
            raise TileNotFound(f"tile: log {log} holds {len(entries)} of the {tile.width} entries "
                               f"of {tile.path()}")
        if tile.is_entries:
            return entry_bundle(entries)
        return b"".join(map(leaf_hash, entries))
    cur.execute(sql("SELECT hash FROM log_nodes WHERE log = ? AND level = ? AND idx >= ?"
                    " AND idx < ? ORDER BY idx"),
                (log, tile.tree_level(), first, first + tile.width))
    hashes = [bytes(row[0]) for row in cur.fetchall()]
    if len(hashes) != tile.width:
        raise TileNotFound(f"tile: log {log} holds {len(hashes)} of the {tile.width} hashes of "
                           f"{tile.path()}")
    return b"".join(hashes)


def parse_path(path: str) -> Tile:
    """A request's tile path, or :class:`TileNotFound` naming what is wrong with it."""
    try:
        return parse_tile_path(path)
    except TileError as exc:
        raise TileNotFound(f"tile: {exc}") from None


def write_tiles(cur: Cursor, log: str, out: Path, sql: Sql = _same,
                progress: Callable[[int], None] | None = None) -> tuple[StoredCheckpoint, int]:
    """Write the log as static files under ``out``: ``checkpoint`` and every tile and bundle of
    its latest checkpoint's size, at the paths tlog-tiles names, so any web server can serve the
    directory as the log's prefix. Files are written whole (a temporary name, then renamed).
    Returns the checkpoint and the number of tile files."""
    checkpoint, note = served_checkpoint(cur, log, sql)
    written = 0
    for tile in tiles_for_size(checkpoint.size):
        _write(out / tile.path(), read_tile(cur, log, tile, checkpoint.size, sql))
        written += 1
        if progress is not None and written % 1000 == 0:
            progress(written)
    _write(out / "checkpoint", note.encode("utf-8"))
    return checkpoint, written


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
