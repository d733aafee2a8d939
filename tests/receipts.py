"""Receipts of log entries in the C2SP tlog-proof@v1 format, made from the stored log with the
project's own Merkle and note code, for the tests of the in-browser check (good ones, tampered
ones, cosigned ones)."""

from __future__ import annotations

import base64

from api.service import Service
from ledger.log.proofs import inclusion_proof
from verify.cosignature import CosignerSigner, cosign


def receipt(service: Service, log: str, index: int,
            cosigners: tuple[CosignerSigner, ...] = (), timestamp: int = 1767225600) -> str:
    """The receipt of entry ``index`` of ``log`` against the log's latest checkpoint."""
    with service.context.log_store() as ledger:
        checkpoint = ledger.store.checkpoint(log)
        assert checkpoint is not None, log
        proof = inclusion_proof(ledger.store.log(log), index, checkpoint.size)
        note = str(checkpoint.note)
    for cosigner in cosigners:
        note = cosign(note, cosigner, timestamp)
    lines = ["c2sp.org/tlog-proof@v1", f"index {index}",
             *(base64.b64encode(h).decode() for h in proof.hashes)]
    return "\n".join(lines) + "\n\n" + note
