"""Signed checkpoints (签名检查点) of the log, in the C2SP tlog-checkpoint format.

A checkpoint is the log's origin, its size and its root hash, signed as a C2SP signed note with the
log's Ed25519 key. Every checkpoint issued is stored (``log_checkpoints``) and can be fetched again;
an auditor who keeps one can later prove that the log only grew.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import structlog

from ledger.log_store import LogStore, StoredCheckpoint
from verify.checkpoint import Checkpoint, sign_checkpoint
from verify.note import NoteSigner

log = structlog.get_logger("spotcheck.checkpoint")


def issue_checkpoint(store: LogStore, signer: NoteSigner) -> StoredCheckpoint | None:
    """Sign the log's current state unless a checkpoint of that size exists; returns the new one."""
    started = time.perf_counter()
    with store.write() as cur:
        state = store.state(cur)
        if state.size == 0 or store.has_checkpoint(cur, state.size):
            return None
        checkpoint = Checkpoint(origin=signer.name, size=state.size, root=state.root)
        stored = StoredCheckpoint(
            size=state.size,
            root=state.root,
            note=sign_checkpoint(checkpoint, signer),
            signed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        store.put_checkpoint(cur, stored)
    log.info("log.checkpoint_signed", origin=signer.name, tree_size=stored.size,
             root=stored.root.hex(), seconds=round(time.perf_counter() - started, 4))
    return stored

