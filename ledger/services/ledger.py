"""An open ledger (账本): the application, its transparency logs and their key files, and the
sequencer that integrates committed events into the logs and signs their checkpoints.

It is built by the composition root (:func:`api.bootstrap.open_ledger`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ledger.adapters.observability import get_logger
from ledger.adapters.settings import Settings
from ledger.domain.agency import Agency, agency_id
from ledger.errors import InvalidInput
from ledger.log import DEFAULT_LOG
from ledger.log.checkpoint import issue_checkpoint
from ledger.log.keys import KeyFileError, KeyFiles, check_log_name
from ledger.log.routing import route_of
from ledger.log.sequencer import Sequencer
from ledger.log.store import Log, LogStore, StoredCheckpoint
from ledger.log.stored import PlainRows
from ledger.services.application import LedgerApp
from verify.note import NoteSigner

_log = get_logger("spotcheck.sequencer")

class LogSelectionError(InvalidInput):
    """A command needs one log and was not told which (or was told one that does not exist)."""


@dataclass
class SyncResult:
    new_leaves: int
    sizes: dict[str, int]
    checkpoints: dict[str, StoredCheckpoint]
    unsigned: list[str]

    @property
    def tree_size(self) -> int:
        """The total number of entries over all logs."""
        return sum(self.sizes.values())


@dataclass
class Ledger:
    """An open ledger: the application, its logs and their key files."""

    settings: Settings
    app: LedgerApp
    store: LogStore
    sequencer: Sequencer = field(init=False)

    def __post_init__(self) -> None:
        self.sequencer = Sequencer(self.store, self.app.notifications, self.app.decode, route_of,
                                   plain=PlainRows(self.app.mapper))

    # -- logs and keys ------------------------------------------------------------------------
    def log(self, name: str | None = None) -> Log:
        """The named log; without a name, the only log there is (an error if there are several)."""
        logs = self.store.logs()
        if name is not None:
            check_log_name(name)
            return self.store.log(name)
        if len(logs) == 1:
            return self.store.log(next(iter(logs)))
        if not logs:
            return self.store.log(DEFAULT_LOG)
        raise LogSelectionError(
            f"--log: this ledger has {len(logs)} logs ({', '.join(logs)}); name one"
        )

    def keys(self, log: str = DEFAULT_LOG) -> KeyFiles:
        return KeyFiles.for_log(self.settings.keys_dir, log)

    def origin_of(self, log: str) -> str | None:
        """The origin an agency declared for its log (None for the deployment's own log or an
        agency not established here)."""
        if log == DEFAULT_LOG:
            return None
        agency_uuid = agency_id(log)
        if agency_uuid not in self.app.repository:
            return None
        agency: Agency = self.app.repository.get(agency_uuid)
        return agency.log_origin

    def init_key(self, log: str, origin: str | None = None, *, overwrite: bool = False) -> KeyFiles:
        """Create a log's key, named by the origin its agency declared (or ``origin``)."""
        declared = self.origin_of(log)
        if declared is not None and origin is not None and origin != declared:
            raise KeyFileError(
                f"--origin: agency {log} declared its log origin as {declared!r}, not {origin!r}"
            )
        name = declared or origin
        if name is None:
            raise KeyFileError(
                f"--origin: no agency with division code {log} is established here, so its log "
                "origin must be given"
            )
        keys = self.keys(log)
        keys.init(name, overwrite=overwrite)
        return keys

    def _signer(self, log: str) -> NoteSigner:
        signer = self.keys(log).load_signer()
        declared = self.origin_of(log)
        if declared is not None and signer.name != declared:
            raise KeyFileError(
                f"{self.keys(log).private}: the key names origin {signer.name!r} but agency {log} "
                f"declared {declared!r}; it will not sign this log"
            )
        return signer

    # -- the sequencer ------------------------------------------------------------------------
    def sync(self, *, sign: bool = True, require_keys: bool = True) -> SyncResult:
        """Integrate every committed event into its log, then sign a checkpoint of each log.

        A log with no key is left unsigned and named in the result; with ``require_keys`` that
        is an error (raised after the other logs are signed)."""
        new = self.sequencer.integrate()
        logs = self.store.logs()
        checkpoints: dict[str, StoredCheckpoint] = {}
        unsigned: list[str] = []
        for name in logs if sign else ():
            if not self.keys(name).exists():
                unsigned.append(name)
                continue
            keys = self.keys(name)
            issued = issue_checkpoint(self.store.log(name), self._signer(name), keys.last_signed)
            if issued is not None:
                checkpoints[name] = issued
        if unsigned and require_keys:
            raise KeyFileError(
                f"no signing key for log(s) {', '.join(unsigned)}: run "
                + "; ".join(f"`spotcheck keys init{_log_option(n)}`" for n in unsigned)
            )
        return SyncResult(new, {n: s.size for n, s in logs.items()}, checkpoints, unsigned)

    def follow(self, interval: float, should_stop: Callable[[], bool]) -> int:
        """Run as the logs' sequencer: sync every ``interval`` seconds until ``should_stop()``;
        returns the number of events integrated. A log without a key is logged, not fatal."""
        total = 0
        warned: set[str] = set()
        while not should_stop():
            result = self.sync(require_keys=False)
            total += result.new_leaves
            for name in set(result.unsigned) - warned:
                _log.warning("log.unsigned", log=name, reason="no signing key")
            warned.update(result.unsigned)
            deadline = time.monotonic() + interval
            while not should_stop() and time.monotonic() < deadline:
                time.sleep(min(0.1, interval))
        return total

    def close(self) -> None:
        self.store.close()
        self.app.close()


def _log_option(name: str) -> str:
    return "" if name == DEFAULT_LOG else f" --log {name}"
