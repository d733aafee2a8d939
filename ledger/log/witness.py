"""The level above as a witness (上级见证, C2SP tlog-witness): ``add-checkpoint``, checked and
cosigned atomically, every cosigned checkpoint and every refusal kept as evidence.

A prefecture or province deployment holds a cosigner key (C2SP tlog-cosignature, type 0x04:
``<keys>/witness/witness.key``) and a list of the logs it witnesses, each an origin with its
verifier key(s) (``witness_logs``). For each it keeps the latest checkpoint it cosigned
(``witness_state``) and only ever cosigns a checkpoint consistent with it. The request body::

    old <size of the checkpoint it last cosigned>\\n
    <base64 consistency proof hash>\\n ...   (at most 63)
    \\n
    <the signed checkpoint>

and the answers, in the order the specification gives them:

==== ================================================================================================
404  "If the checkpoint origin is unknown"
403  "no signature from a trusted key for the origin is present, or a signature ... fails to verify"
400  "The old size MUST be equal to or lower than the checkpoint size" (and a malformed request)
409  the old size "doesn't match" the latest cosigned size: body "<size>\\n", ``text/x.tlog.size``
422  a size-0 checkpoint without the empty root; a proof when the old size is 0; a consistency
     proof that does not verify; the same size with another root
200  one cosignature line per witness key
==== ================================================================================================

"checking the old size against the latest checkpoint and persisting the new checkpoint must be
performed atomically": the check and the update run in one write transaction that first locks the
log's state row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises
every writer). Each cosigned checkpoint is kept (``witness_checkpoints``, the note with the log's
signature and the witness's cosignature); each refusal of a checkpoint the log did sign — a
rollback, a second history — is kept with the whole request (``witness_refusals``): "it might be
proof of log misbehavior".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ledger.errors import SpotcheckError
from ledger.log.store import Cursor
from verify.checkpoint import Checkpoint, CheckpointError, open_checkpoint, parse_checkpoint_body
from verify.cosignature import CosignatureError, CosignerSigner, generate_cosigner
from verify.merkle import EMPTY_ROOT, HASH_SIZE, ProofError, verify_consistency
from verify.note import NoteError, NoteVerifier, _split_note

MAX_PROOF_LINES = 63
SIZE_MEDIA_TYPE = "text/x.tlog.size"
WITNESS_DIR = "witness"
PRIVATE_FILE, PUBLIC_FILE = "witness.key", "witness.vkey"

Transaction = Callable[[], AbstractContextManager[Cursor]]


class WitnessRefusal(SpotcheckError):
    """The witness does not cosign: ``status`` is the HTTP status the specification names;
    ``size`` the latest cosigned size (for 409)."""

    kind = "conflict"

    def __init__(self, status: int, message: str, size: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.size = size


class WitnessKeyError(SpotcheckError):
    """The witness's cosigner key is missing or unreadable."""

    kind = "unavailable"


@dataclass(frozen=True)
class AddCheckpoint:
    """A parsed ``add-checkpoint`` request."""

    old: int
    proof: list[bytes]
    note: str


def _size(text: str, what: str) -> int:
    if not text.isascii() or not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        raise WitnessRefusal(400, f"{what}: {text!r} is not a decimal without leading zeros")
    return int(text)


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Parse the request body; a malformed one is a 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessRefusal(400, "body: not UTF-8") from None
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise WitnessRefusal(400, "body: no empty line before the checkpoint")
    lines = head.split("\n")
    if not lines[0].startswith("old "):
        raise WitnessRefusal(400, "body: the first line is not 'old <size>'")
    old = _size(lines[0][4:], "old size")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessRefusal(400, f"body: {len(lines) - 1} proof lines, more than "
                                  f"{MAX_PROOF_LINES}")
    proof = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            digest = base64.b64decode(line.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise WitnessRefusal(400, f"body: line {number} is not a base64 hash") from None
        if len(digest) != HASH_SIZE:
            raise WitnessRefusal(400, f"body: line {number} is not a 32-byte hash")
        proof.append(digest)
    return AddCheckpoint(old, proof, note)


def request_body(old: int, proof: Sequence[bytes], note: str) -> bytes:
    """The ``add-checkpoint`` body a log sends."""
    lines = [f"old {old}", *(base64.b64encode(h).decode("ascii") for h in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode("utf-8")


def origin_hash(origin: str) -> str:
    """"The SHA-256 hash of the log's origin, hex encoded, in lowercase"."""
    return hashlib.sha256(origin.encode("utf-8")).hexdigest()


# -- the cosigner key ------------------------------------------------------------------------------

def witness_dir(keys_dir: Path) -> Path:
    return keys_dir / WITNESS_DIR


def init_witness_key(keys_dir: Path, name: str) -> CosignerSigner:
    """Create the deployment's witness key (refuses to replace one)."""
    directory = witness_dir(keys_dir)
    private = directory / PRIVATE_FILE
    if private.exists():
        raise WitnessKeyError(f"{private} already exists: a witness keeps its key")
    try:
        signer = generate_cosigner(name)
    except CosignatureError as exc:
        raise WitnessKeyError(f"--name: {exc}") from None
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(signer.private_key_text() + "\n")
    (directory / PUBLIC_FILE).write_text(signer.verifier_key_text() + "\n", encoding="utf-8")
    return signer


def load_witness_key(keys_dir: Path) -> CosignerSigner | None:
    """The deployment's witness key (None: this deployment is no witness)."""
    from ledger.log.keys import KeyFileError, check_private

    private = witness_dir(keys_dir) / PRIVATE_FILE
    if not private.exists():
        return None
    try:
        check_private(private)
        return CosignerSigner.from_private_key_text(private.read_text(encoding="utf-8").strip())
    except (OSError, CosignatureError, KeyFileError) as exc:
        raise WitnessKeyError(f"{private}: {exc}") from None


# -- the store -------------------------------------------------------------------------------------

def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _same(statement: str) -> str:
    return statement


@dataclass(frozen=True)
class WitnessedLog:
    origin: str
    keys: list[str]

    def verifiers(self) -> list[NoteVerifier]:
        return [NoteVerifier.from_verifier_key_text(k) for k in self.keys]


class WitnessStore:
    """The witness's tables, through a write transaction factory (``?`` placeholders, converted
    by ``sql``); ``postgres`` adds the row lock SQLite does not need."""

    def __init__(self, transaction: Transaction, *, postgres: bool, sql: Callable[[str], str]
                 = _same) -> None:
        self.transaction = transaction
        self.postgres = postgres
        self.sql = sql

    # -- configuration ---------------------------------------------------------------------
    def add_log(self, verifier_key: str, note: str = "") -> WitnessedLog:
        """Witness the log whose key this is (its origin is the key's name); a second key of a
        known origin is added beside the first (a rotation)."""
        try:
            verifier = NoteVerifier.from_verifier_key_text(verifier_key.strip())
        except NoteError as exc:
            raise WitnessRefusal(400, f"--key: not a log verifier key: {exc}") from None
        with self.transaction() as cur:
            known = self._log(cur, verifier.name)
            keys = [] if known is None else known.keys
            if verifier_key.strip() not in keys:
                keys = [*keys, verifier_key.strip()]
            cur.execute(self.sql("INSERT INTO witness_logs (origin, keys, note, added_at)"
                                 " VALUES (?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE"
                                 " SET keys = excluded.keys"),
                        (verifier.name, "\n".join(keys), note, _now()))
        return WitnessedLog(verifier.name, keys)

    def _log(self, cur: Cursor, origin: str) -> WitnessedLog | None:
        cur.execute(self.sql("SELECT keys FROM witness_logs WHERE origin = ?"), (origin,))
        row = cur.fetchone()
        return None if row is None else WitnessedLog(origin, str(row[0]).split("\n"))

    def logs(self) -> list[dict[str, Any]]:
        """Every witnessed log: its origin and keys, the latest size it cosigned and when, and
        how many checkpoints it refused."""
        with self.transaction() as cur:
            cur.execute(self.sql(
                "SELECT l.origin, l.keys, s.tree_size, s.cosigned_at,"
                " (SELECT COUNT(*) FROM witness_refusals r WHERE r.origin = l.origin)"
                " FROM witness_logs l LEFT JOIN witness_state s ON s.origin = l.origin"
                " ORDER BY l.origin"))
            return [{"origin": str(o), "keys": str(k).split("\n"),
                     "cosigned_size": int(s or 0), "cosigned_at": c or None,
                     "refusals": int(n)} for o, k, s, c, n in cur.fetchall()]

    def refusals(self, origin: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """The refusals kept as evidence, newest first, with the whole request."""
        query = ("SELECT origin, status, reason, old_size, tree_size, request, received_at"
                 " FROM witness_refusals")
        params: list[Any] = []
        if origin is not None:
            query += " WHERE origin = ?"
            params.append(origin)
        query += " ORDER BY id DESC LIMIT ?"
        with self.transaction() as cur:
            cur.execute(self.sql(query), (*params, limit))
            return [{"origin": str(o), "status": int(s), "reason": str(r), "old_size": int(a),
                     "tree_size": int(t), "request": str(q), "received_at": str(w)}
                    for o, s, r, a, t, q, w in cur.fetchall()]

    def cosigned(self, origin: str | None = None) -> list[tuple[str, int, str]]:
        """Every checkpoint cosigned (origin, size, the note with both signatures), oldest
        first: what the level above audits its counties' bundles against."""
        query = "SELECT origin, tree_size, note FROM witness_checkpoints"
        params: tuple[Any, ...] = ()
        if origin is not None:
            query += " WHERE origin = ?"
            params = (origin,)
        with self.transaction() as cur:
            cur.execute(self.sql(query + " ORDER BY origin, tree_size"), params)
            return [(str(o), int(n), str(t)) for o, n, t in cur.fetchall()]

    def latest(self, origin_digest: str) -> str | None:
        """The latest cosigned checkpoint (the log's signature and the witness's) of the log
        whose origin hashes to ``origin_digest``."""
        with self.transaction() as cur:
            cur.execute(self.sql("SELECT origin, note FROM witness_state WHERE tree_size > 0"))
            for origin, note in cur.fetchall():
                if origin_hash(str(origin)) == origin_digest:
                    return str(note)
        return None

    # -- add-checkpoint ----------------------------------------------------------------------
    def add_checkpoint(self, request: AddCheckpoint, signer: CosignerSigner | None,
                       timestamp: int | None = None) -> str:
        """Check the request and cosign it (the signature line(s)), or raise
        :class:`WitnessRefusal` with the status the specification names."""
        checkpoint, text = _checkpoint_of(request.note)
        refusal: WitnessRefusal | None = None
        lines = ""
        with self.transaction() as cur:
            witnessed = self._log(cur, checkpoint.origin) if signer is not None else None
            if witnessed is None:
                raise WitnessRefusal(404, f"origin: {checkpoint.origin!r} is not a log this "
                                          "deployment witnesses")
            assert signer is not None
            try:
                open_checkpoint(request.note, witnessed.verifiers())
            except (CheckpointError, NoteError) as exc:
                raise WitnessRefusal(403, f"signature: {exc}") from None
            stored_size, stored_root = self._lock_state(cur, checkpoint.origin)
            try:
                _check(request, checkpoint, stored_size, stored_root)
            except WitnessRefusal as exc:
                refusal = exc
                cur.execute(self.sql(
                    "INSERT INTO witness_refusals (origin, status, reason, old_size, tree_size,"
                    " request, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                    (checkpoint.origin, exc.status, str(exc), request.old, checkpoint.size,
                     request_body(request.old, request.proof, request.note).decode(), _now()))
            if refusal is None:
                when = int(time.time()) if timestamp is None else timestamp
                lines = signer.sign(text, max(when, 1))
                cosigned = request.note + lines
                cur.execute(self.sql(
                    "UPDATE witness_state SET tree_size = ?, root = ?, note = ?, cosigned_at = ?"
                    " WHERE origin = ?"),
                    (checkpoint.size, checkpoint.root, cosigned, _now(), checkpoint.origin))
                cur.execute(self.sql(
                    "INSERT INTO witness_checkpoints (origin, tree_size, note, cosigned_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (origin, tree_size) DO NOTHING"),
                    (checkpoint.origin, checkpoint.size, cosigned, _now()))
        if refusal is not None:
            raise refusal
        return lines

    def _lock_state(self, cur: Cursor, origin: str) -> tuple[int, bytes]:
        cur.execute(self.sql("INSERT INTO witness_state (origin, tree_size, root, note,"
                             " cosigned_at) VALUES (?, 0, ?, '', '') ON CONFLICT (origin)"
                             " DO NOTHING"), (origin, EMPTY_ROOT))
        lock = " FOR UPDATE" if self.postgres else ""
        cur.execute(self.sql(f"SELECT tree_size, root FROM witness_state WHERE origin = ?{lock}"),
                    (origin,))
        row = cur.fetchone()
        return int(row[0]), bytes(row[1])


def _checkpoint_of(note: str) -> tuple[Checkpoint, str]:
    """The checkpoint a note carries, before its signatures are checked (a malformed note is
    a 400: the origin cannot even be read)."""
    try:
        text, _ = _split_note(note)
        return parse_checkpoint_body(text), text
    except (NoteError, CheckpointError) as exc:
        raise WitnessRefusal(400, f"checkpoint: {exc}") from None


def _check(request: AddCheckpoint, checkpoint: Checkpoint, stored_size: int,
           stored_root: bytes) -> None:
    """The consistency checks of add-checkpoint, after the origin and the signature."""
    if request.old > checkpoint.size:
        raise WitnessRefusal(400, f"old: {request.old} is above the checkpoint's size "
                                  f"{checkpoint.size}")
    if request.old != stored_size:
        raise WitnessRefusal(409, f"old: {request.old} is not the size this witness last "
                                  f"cosigned ({stored_size})", size=stored_size)
    if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
        raise WitnessRefusal(422, "checkpoint: size 0 with a root that is not the empty tree's")
    if request.old == 0:
        if request.proof:
            raise WitnessRefusal(422, "proof: the old size is 0, so the proof must be empty")
        return
    try:
        verify_consistency(request.old, checkpoint.size, request.proof, stored_root,
                           checkpoint.root)
    except ProofError as exc:
        raise WitnessRefusal(422, f"proof: {exc}: this checkpoint does not extend the one "
                                  f"cosigned at size {stored_size}") from None
