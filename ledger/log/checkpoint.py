"""Signed checkpoints (签名检查点) of a log, in the C2SP tlog-checkpoint format.

A checkpoint is the log's origin, its size and its root hash, signed as a C2SP signed note with the
log's Ed25519 key (each agency's log has its own key and origin). Every checkpoint issued is
stored (``log_checkpoints``) and can be fetched again; an auditor who keeps one can later prove
that the log only grew.

The key never signs a history that does not extend the last one it signed. That checkpoint is
kept beside the key (``log.checkpoint``), outside the database, and before each new signature the
log must prove itself consistent with it (RFC 9162 consistency proof). Whoever rewrites the
database alone therefore cannot get the rewrite signed (tlog-checkpoint: a log must not sign
inconsistent checkpoints).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from ledger.adapters.observability import get_logger
from ledger.errors import IntegrityFailure
from ledger.log.proofs import consistency_hashes
from ledger.log.store import Cursor, Log, LogState, StoredCheckpoint
from verify.checkpoint import Checkpoint, CheckpointError, open_checkpoint, sign_checkpoint
from verify.merkle import ProofError, verify_consistency
from verify.note import NoteError, NoteSigner

log = get_logger("spotcheck.checkpoint")


class CheckpointRefused(IntegrityFailure):
    """The key will not sign this state of the log; the message says why."""


def issue_checkpoint(
    log_: Log, signer: NoteSigner, last_signed: Path
) -> StoredCheckpoint | None:
    """Sign the log's current state unless a checkpoint of that size exists; returns the new one."""
    started = time.perf_counter()
    store = log_.store
    with store.write() as cur:
        state = log_.state(cur)
        if state.size == 0 or store.has_checkpoint(cur, log_.name, state.size):
            return None
        _check_extends_last_signed(log_, cur, signer, last_signed, state)
        checkpoint = Checkpoint(origin=signer.name, size=state.size, root=state.root)
        stored = StoredCheckpoint(
            size=state.size,
            root=state.root,
            note=sign_checkpoint(checkpoint, signer),
            signed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        store.put_checkpoint(cur, log_.name, stored)
    _remember(last_signed, stored.note)
    log.info("log.checkpoint_signed", log=log_.name, origin=signer.name, tree_size=stored.size,
             root=stored.root.hex(), seconds=round(time.perf_counter() - started, 4))
    return stored


def _check_extends_last_signed(
    log_: Log, cur: Cursor, signer: NoteSigner, last_signed: Path, state: LogState
) -> None:
    if not last_signed.exists():
        return
    try:
        previous = open_checkpoint(last_signed.read_text(encoding="utf-8"), [signer.verifier()])
    except (OSError, CheckpointError, NoteError) as exc:
        raise CheckpointRefused(f"{last_signed}: the last signed checkpoint cannot be read: {exc}") from None
    if previous.size > state.size:
        raise CheckpointRefused(
            f"refusing to sign: the log has {state.size} entries but this key already signed "
            f"{previous.size} ({last_signed}); entries were removed from the database"
        )
    try:
        proof = consistency_hashes(log_, previous.size, state.size, cur)
        verify_consistency(previous.size, state.size, proof, previous.root, state.root)
    except (ProofError, LookupError) as exc:
        raise CheckpointRefused(
            f"refusing to sign: the log is not an extension of checkpoint {previous.size} signed "
            f"earlier ({last_signed}): its history was rewritten ({exc})"
        ) from None


def _remember(path: Path, note: str) -> None:
    """Atomically replace the last-signed file with ``note``."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(note, encoding="utf-8", newline="")
    os.replace(temporary, path)
