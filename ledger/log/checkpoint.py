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
from verify.note import NoteError, NoteSigner, NoteVerifier

log = get_logger("spotcheck.checkpoint")


class CheckpointRefused(IntegrityFailure):
    """The key will not sign this state of the log; the message says why."""


class RolledBack(CheckpointRefused):
    """The database holds fewer entries of a log than its key already signed: restored from an
    older backup, or entries removed. Nothing may be written or signed until it is resolved."""


def check_not_rolled_back(log_name: str, size: int, signed: int, last_signed: Path) -> None:
    """:class:`RolledBack` when the log (``size`` entries in the database) is shorter than the
    last checkpoint its key signed (``signed`` entries, kept in ``last_signed``)."""
    if size < signed:
        raise RolledBack(
            f"log {log_name}: the database holds {size} entries of this log but its key already "
            f"signed {signed} (the checkpoint kept in {last_signed}): the database was restored "
            "from an older backup, or entries were removed. Nothing was stored or signed. Restore "
            f"the newest backup (one with all {signed} entries; if only the log tables were lost, "
            "`spotcheck log sync` rebuilds them from the events); see docs/operator-guide.md, "
            "\"A database restored from an older backup\""
        )


def last_signed_checkpoint(last_signed: Path, verifiers: list[NoteVerifier]) -> Checkpoint | None:
    """The last checkpoint signed for this log, kept beside its key (None when none was): signed
    by the key in force or, after a rotation, by the key before it (``verifiers``)."""
    if not last_signed.exists():
        return None
    try:
        return open_checkpoint(last_signed.read_text(encoding="utf-8"), verifiers)
    except (OSError, CheckpointError, NoteError) as exc:
        raise CheckpointRefused(
            f"{last_signed}: the last signed checkpoint cannot be read: {exc}") from None


def signed_size(last_signed: Path, verifiers: list[NoteVerifier]) -> int:
    """The size of the last checkpoint signed for this log (0 when none was)."""
    previous = last_signed_checkpoint(last_signed, verifiers)
    return 0 if previous is None else previous.size


def issue_checkpoint(
    log_: Log, signer: NoteSigner, last_signed: Path, verifiers: list[NoteVerifier] | None = None,
) -> StoredCheckpoint | None:
    """Sign the log's current state unless a checkpoint of that size exists; returns the new one.
    ``verifiers``: the keys the last signed checkpoint may be signed by (default: ``signer``'s;
    after a rotation, the keys before it too)."""
    started = time.perf_counter()
    store = log_.store
    previous = last_signed_checkpoint(last_signed, verifiers or [signer.verifier()])
    with store.write() as cur:
        state = log_.state(cur)
        if previous is not None:  # a shorter log is refused even when there is nothing to sign
            check_not_rolled_back(log_.name, state.size, previous.size, last_signed)
        if state.size == 0 or store.has_checkpoint(cur, log_.name, state.size):
            return None
        if previous is not None:
            _check_extends(log_, cur, previous, last_signed, state)
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


def _check_extends(
    log_: Log, cur: Cursor, previous: Checkpoint, last_signed: Path, state: LogState
) -> None:
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
