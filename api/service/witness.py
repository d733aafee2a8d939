"""This deployment as the witness of the logs below it (见证服务, C2SP tlog-witness).

The checks, the atomic update and the evidence are :mod:`ledger.log.witness`'s; here they run on
the service's pooled connections, with the cosigner key of ``SPOTCHECK_KEYS/witness/``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from api.access import Caller
from api.service.context import Context
from ledger.log.store import Cursor
from ledger.log.witness import (
    WitnessRefusal,
    WitnessStore,
    load_witness_key,
    parse_add_checkpoint,
)


class Witness:
    """``add-checkpoint`` and what the witness keeps."""

    def __init__(self, context: Context) -> None:
        self.c = context
        self.store = WitnessStore(self._transaction, postgres=context.database.postgres)

    def _transaction(self) -> AbstractContextManager[Cursor]:
        return self.c.database.transaction()

    def add_checkpoint(self, body: bytes) -> str:
        """The cosignature line(s) of the checkpoint in ``body``, or :class:`WitnessRefusal`."""
        request = parse_add_checkpoint(body)
        signer = load_witness_key(self.c.spotcheck.settings.keys_dir)
        if signer is None:
            raise WitnessRefusal(404, "origin: this deployment witnesses no log (it has no "
                                      "witness key: `spotcheck witness init`)")
        return self.store.add_checkpoint(request, signer)

    def latest(self, origin_digest: str) -> str | None:
        return self.store.latest(origin_digest)

    def logs(self) -> list[dict[str, Any]]:
        """The logs witnessed here: origin, size cosigned and when, refusals (public)."""
        key = load_witness_key(self.c.spotcheck.settings.keys_dir)
        return [{**row, "witness": None if key is None else key.verifier_key_text()}
                for row in self.store.logs()]

    def refusals(self, caller: Caller, origin: str | None) -> list[dict[str, Any]]:
        """The refusals kept as evidence (auditors)."""
        self.c.access.audit(caller)
        return self.store.refusals(origin)
