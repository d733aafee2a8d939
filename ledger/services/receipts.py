"""Receipts (回执) of logged events: C2SP tlog-proof@v1, the format of :mod:`verify.receipt`.

One implementation for the command line (``spotcheck receipt``, the administrator: always with
the event body) and the HTTP service (the body only for a reader entitled to it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.log.proofs import inclusion_proof
from ledger.log.tiles import receipt_checkpoint
from ledger.services.export import EventDecoder
from ledger.services.ledger import Ledger
from verify.receipt import build_receipt


def receipt_text(ledger: Ledger, log: str, index: int,
                 entitled: Callable[[dict[str, Any]], bool] = lambda event: True) -> str:
    """The receipt of the event at ``index`` of ``log``; the event's content goes in the extra
    line when ``entitled(content)`` says the reader may read it."""
    store = ledger.store
    with store.read() as cur:
        checkpoint, note = receipt_checkpoint(cur, log, index, store._sql)
    proof = inclusion_proof(ledger.log(log), index, checkpoint.size)
    logged = store.logged_range(log, index, index + 1)[0]
    event = EventDecoder(ledger).describe(logged.aggregate_id, logged.version, logged.topic,
                                          logged.state).get("event")
    body = event if isinstance(event, dict) and entitled(event) else None
    return build_receipt(log, logged.entry.hex(), body, index, proof.hashes, note)
